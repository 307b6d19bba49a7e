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
/// The main plan satisfies the row, so it starts the solve: the tie-break never ends without a plan. When the solve
/// stops at a limit, the main plan is kept (its status is never made worse) and `Outcome.kept` says why.
public enum CanonicalPlan {
    public struct Outcome: Sendable {
        /// The published solve result: the tie-break's plan (or the main one when kept), with the main solve's status
        /// and its bound on the value, expressed in the model's objective units.
        public let result: SolveResult
        /// Σ |posts − target| of the main plan and of the published one.
        public let distanceBefore: Int
        public let distanceAfter: Int
        /// Why the main plan was kept (the tie-break hit a limit), nil when the tie-break's plan is published.
        public let kept: String?
        public let seconds: Double
    }

    /// `main`: the main solve's result (a plan of `model.program`, with a best bound); `target`: posts per territory.
    public static func solve(
        model: AllocationModel, main: SolveResult, target: [String: Int], scenario: Scenario,
        solver: any LinearSolver, options: SolverOptions
    ) throws -> Outcome {
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

        var program = LinearProgram(name: model.program.name, sense: .maximize)
        for variable in model.program.variables {
            program.addVariable(
                variable.name, lower: variable.lower, upper: variable.upper, kind: variable.kind, objective: 0)
        }
        for row in model.program.constraints {
            program.addConstraint(
                row.name, row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, lower: row.lower,
                upper: row.upper)
        }
        program.addConstraint("stage_value", valueTerms, lower: held)
        // distance[t] ≥ |posts[t] − target[t]| as two rows; minimising their sum makes each equal.
        var start = plan
        var before = 0
        for territory in scenario.territories {
            guard let posts = model.postVariables[territory.code] else { continue }
            let goal = Double(target[territory.code] ?? 0)
            let distance = program.addVariable(
                "tie_distance[\(territory.code)]", lower: 0, upper: .infinity, objective: -1)
            program.addConstraint("tie_above[\(territory.code)]", [(distance, 1), (posts, -1)], lower: -goal)
            program.addConstraint("tie_below[\(territory.code)]", [(distance, 1), (posts, 1)], lower: goal)
            let gap = abs(plan[posts.index] - goal)
            start.append(gap)
            before += Int(gap.rounded())
        }
        var tieOptions = options.starting(from: start)
        // Distances are whole posts: stop only at the proven smallest (a relative gap below one post in the sum).
        tieOptions.mipGap = min(options.mipGap, 0.5 / Double(max(before, 1)))
        let found = try solver.solve(program, options: tieOptions)
        guard found.status == .optimal, found.values.count >= count else {
            let reached = found.objective.map { " at distance \(Int((-$0).rounded()))" } ?? ""
            let proven = found.bestBound.map { ", at least \(Int((-$0 - 1e-6).rounded(.up))) proven" } ?? ""
            let reason =
                "the tie-break solve ended \(found.status.rawValue)\(found.limitReached.map { " (\($0))" } ?? "")\(reached)\(proven): the solver's plan is kept"
            return Outcome(
                result: main, distanceBefore: before, distanceAfter: before, kept: reason, seconds: found.seconds)
        }
        let chosen = Array(found.values.prefix(count))
        let after = Int((-(found.objective ?? 0)).rounded())
        // In the model's units: objective = value − tie-break; the bound keeps the main solve's bound on the value.
        let objective = model.program.variables.indices.reduce(0.0) {
            $0 + model.program.variables[$1].objective * chosen[$1]
        }
        let modelBound = bound - costTerm(chosen, model: model)
        var result = main
        result.values = chosen
        result.rowActivities = model.program.constraints.indices.map {
            model.program.activity(ofConstraint: $0, values: chosen)
        }
        result.objective = objective
        result.bestBound = max(modelBound, objective)
        result.relativeGap = SolveResult.relativeGap(objective: objective, bound: max(modelBound, objective))
        result.seconds = main.seconds + found.seconds
        result.duals = nil
        result.log = main.log + found.log
        return Outcome(result: result, distanceBefore: before, distanceAfter: after, kept: nil, seconds: found.seconds)
    }

    /// The cost tie-break of a plan in the solver's units (−Σ objective coefficient × posts over the decisions).
    static func costTerm(_ values: [Double], model: AllocationModel) -> Double {
        -model.decisions.reduce(0.0) {
            $0 + model.program.variables[$1.variable.index].objective * values[$1.variable.index]
        }
    }
}
