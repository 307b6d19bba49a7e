import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// One plan among the optima (docs/model.md, "One canonical plan"). Many plans reach the value of coverage within the
/// MIP gap; which one GLPK or the primal heuristic returns depends on the vertex it happens to reach. A second,
/// lexicographic solve holds the value of coverage within the gap of the main solve's bound (a row `stage_value`,
/// like the staged solve's) and minimises Σ_t |posts[t] − target[t]|, the distance to a need-proportional
/// apportionment (a baseline's seats). The published plan is then chosen by a stated rule, not by the solver's path.
///
/// GLPK's branch-and-bound alone does not move the national plan (470 posts away, none closer found in 60 s), so the
/// search goes in two steps, the second from the plan of the first: one-post moves (`ClosenessSearch`), then the whole
/// tie-break. Distances are whole posts, so the last step stops as soon as its bound is less than one post below its
/// plan: that plan is the closest. Node limits, not the clock, end the steps, so the same scenario publishes the same
/// plan on any machine; a plan that is not proven the closest is published all the same (it is within the gap like any
/// other), with the smallest distance proven possible.
public enum CanonicalPlan {
    /// Branch-and-bound nodes of the relaxation's neighbourhood in a chain's `closeness` stage
    /// (`StagedSolve+Closeness`). The tie-break no longer runs it: on the default scenario at ten budgets and the
    /// waves scenario it never found a closer plan than the one-post moves, and took 0.03–10.7 s (docs/model.md).
    public static let neighbourhoodNodes = 1_000
    /// Branch-and-bound nodes of the whole tie-break, after the one-post moves.
    public static let finalNodes = 300

    public struct Outcome: Sendable {
        /// The published solve result: the closest plan found (the main one when none is closer), with the main
        /// solve's status and its bound on the value, expressed in the model's objective units.
        public let result: SolveResult
        /// Σ |posts − target| of the main plan and of the published one.
        public let distanceBefore: Int
        public let distanceAfter: Int
        /// The smallest distance any plan within the gap can have, as proven (the tie-break's bound rounded up to a
        /// whole post; `distanceAfter` when the published plan is the closest), nil when no bound was proven.
        public let closestPossible: Int?
        /// Why the published plan depends on the machine (the run's time stopped a step), nil when it does not.
        public let timing: String?
        public let seconds: Double

        public var isClosest: Bool { closestPossible.map { $0 >= distanceAfter } ?? false }
    }

    /// `main`: the main solve's result (a plan of `model.program`, with a best bound); `target`: posts per territory;
    /// `options.timeLimitSeconds`: the time of both steps.
    public static func solve(
        model: AllocationModel, main: SolveResult, target: [String: Int], scenario: Scenario,
        solver: any LinearSolver, options: SolverOptions
    ) throws -> Outcome {
        let started = Date()
        let deadline = started.addingTimeInterval(options.timeLimitSeconds)
        func remaining() -> Double { max(deadline.timeIntervalSinceNow, 0.01) }
        let count = model.program.variables.count
        precondition(main.values.count >= count, "the main result carries a plan")
        let plan = Array(main.values.prefix(count))
        let scale = model.objectiveScale
        let valueTerms = model.valueTerms.map { ($0.0, AllocationModel.solverCoefficient($0.1, scale: scale)) }.filter {
            $0.1 != 0
        }
        let value = valueTerms.reduce(0.0) { $0 + $1.1 * plan[$1.0.index] }
        // The bound on the value of coverage in the solver's units: the bound on value − tie-break, plus the plan's
        // own tie-break (so the summary's bound is unchanged), never below the plan.
        let bound = max((main.bestBound ?? main.objective ?? value) + costTerm(plan, model: model), value)
        // Plans within the gap of the bound: (bound − v) / v ≤ gap ⇔ v ≥ bound / (1 + gap). The main plan is kept
        // feasible when it is itself outside (a solve stopped at a limit), less a hair for the LP's tolerance.
        let held = min(value, bound / (1 + options.mipGap)) - max(abs(value), 1) * 1e-9

        var valueHeld = model.program
        valueHeld.addConstraint("stage_value", valueTerms, lower: held)
        // distance[t] ≥ |posts[t] − target[t]| as two rows; minimising their sum makes each equal.
        var program = valueHeld.replacingObjective([])
        let territories = scenario.territories.compactMap { territory in
            model.postVariables[territory.code].map {
                (code: territory.code, posts: $0, goal: Double(target[territory.code] ?? 0))
            }
        }
        for (code, posts, goal) in territories {
            let distance = program.addVariable("tie_distance[\(code)]", lower: 0, upper: .infinity, objective: -1)
            program.addConstraint("tie_above[\(code)]", [(distance, 1), (posts, -1)], lower: -goal)
            program.addConstraint("tie_below[\(code)]", [(distance, 1), (posts, 1)], lower: goal)
        }
        /// The plan with its distances, as a start of `program`, and their sum.
        func extended(_ values: [Double]) -> (values: [Double], distance: Int) {
            let distances = territories.map { abs(values[$0.posts.index] - $0.goal) }
            return (Array(values.prefix(count)) + distances, Int(distances.reduce(0, +).rounded()))
        }
        let before = extended(plan).distance
        var best = extended(plan)
        var timing: [String] = []
        var closestPossible: Int?

        if best.distance > 0 {
            // 1. One-post moves.
            if let searched = ClosenessSearch.closer(
                model: model, program: valueHeld, start: plan, seats: target, until: deadline)
            {
                let candidate = extended(searched.values)
                if candidate.distance < best.distance { best = candidate }
                if !searched.finished { timing.append("the one-post moves") }
            }
        }
        // Distances are whole posts: a bound less than one post below the plan proves it the closest.
        func stepOptions(nodes: Int) -> SolverOptions {
            var step = options.starting(from: best.values)
            step.mipGap = 0.999 / Double(max(best.distance, 1))
            step.nodeLimit = nodes
            step.timeLimitSeconds = remaining()
            return step
        }
        func provenAtLeast(_ result: SolveResult) -> Int? {
            // The margin covers the LP's tolerance in GLPK's bound: a bound of k + 10⁻⁶ proves k, not k + 1.
            result.bestBound.map { Int((-$0 - 1e-4).rounded(.up)) }
        }
        var log = ""
        if best.distance > 0 {
            // 2. The whole tie-break, to prove the plan the closest or find a closer one.
            let found = try solver.solve(program, options: stepOptions(nodes: finalNodes))
            log = found.log
            if found.hasSolution, found.values.count >= program.variables.count {
                let candidate = extended(found.values)
                if candidate.distance < best.distance { best = candidate }
            }
            closestPossible =
                found.status == .optimal ? best.distance : provenAtLeast(found).map { min($0, best.distance) }
            if stoppedByTime(found) { timing.append("the tie-break solve") }
        }

        if best.distance == 0 { closestPossible = 0 }
        let chosen = Array(best.values.prefix(count))
        var result = main
        if best.distance < before {
            // In the model's units: objective = value − tie-break; the bound keeps the main solve's bound on the value.
            let objective = model.program.variables.indices.reduce(0.0) {
                $0 + model.program.variables[$1].objective * chosen[$1]
            }
            let modelBound = bound - costTerm(chosen, model: model)
            result.values = chosen
            result.rowActivities = model.program.constraints.indices.map {
                model.program.activity(ofConstraint: $0, values: chosen)
            }
            result.objective = objective
            result.bestBound = max(modelBound, objective)
            result.relativeGap = SolveResult.relativeGap(objective: objective, bound: max(modelBound, objective))
            result.duals = nil
        }
        let seconds = Date().timeIntervalSince(started)
        result.seconds = main.seconds + seconds
        result.log = main.log + log
        return Outcome(
            result: result, distanceBefore: before, distanceAfter: best.distance, closestPossible: closestPossible,
            timing: timing.isEmpty
                ? nil : "the run's time stopped " + timing.joined(separator: " and ") + " of the tie-break",
            seconds: seconds)
    }

    /// The report's section on the published plan: which rule chose it among the optima, how far it is from the
    /// baseline's seats, and how far that is from the closest possible.
    /// `seats`: the seats the distance was taken to; `placed`: the posts of the solver's plan (they differ only when
    /// the baseline could not share the plan's posts, `OnePlan.seatsForThePlan`).
    public static func summary(_ outcome: Outcome, baseline: String, seats: Int, placed: Int) -> String {
        let closest: String
        if outcome.isClosest {
            closest = "no plan within the gap is closer (proven): this is the closest one."
        } else if let possible = outcome.closestPossible {
            closest =
                "no plan within the gap is closer than \(possible) posts (proven), so it is at most "
                + "\(outcome.distanceAfter - possible) posts farther than the closest one, which may hold other numbers in some départements "
                + "(within their ranges of posts, when the run computes them)"
                + (outcome.timing == nil
                    ? " (the search that found it ends at node limits, not on the clock, so the same scenario publishes "
                        + "the same plan on any machine)."
                    : " (the run's time cut the search short, so another run may publish another plan).")
        } else {
            closest = "how close the closest one is was not proven."
        }
        return [
            "## The published plan among the optima", "",
            "Many plans reach the value of coverage within the MIP gap (docs/model.md, \"Ranges around the plan\"). The "
                + "one published is chosen by `objective.tie_break` = `\(baseline)`: among them, the closest plan found to "
                + "that baseline's seats per département "
                + (seats == placed
                    ? "for the \(NumberText.grouped(seats)) posts the solver's plan places, "
                    : "for the programme's \(NumberText.grouped(seats)) posts (the baseline cannot share the "
                        + "\(NumberText.grouped(placed)) the solver's plan places), ")
                + "Σ |posts − seats| = \(outcome.distanceAfter) posts (the solver's "
                + "own plan: "
                + "\(outcome.distanceBefore)); " + closest + " (docs/model.md, \"One canonical plan\")", "",
        ].joined(separator: "\n")
    }

    /// Whether a step's solve was stopped by the clock (its time, the run's budget, or no time left to start it),
    /// which makes its plan depend on the machine; a node limit does not.
    static func stoppedByTime(_ result: SolveResult) -> Bool {
        result.limitReached.map { !["node limit", "mip gap", "iteration limit"].contains($0) } ?? false
    }

    /// The cost tie-break of a plan in the solver's units (−Σ objective coefficient × posts over the decisions).
    static func costTerm(_ values: [Double], model: AllocationModel) -> Double {
        -model.decisions.reduce(0.0) {
            $0 + model.program.variables[$1.variable.index].objective * values[$1.variable.index]
        }
    }
}
