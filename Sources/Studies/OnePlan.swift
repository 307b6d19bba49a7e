import AllocationModel
import Baselines
import Foundation
import LinearProgramming
import Scenario

/// One plan of a scenario: check → build → solve (the heuristic first, or the lexicographic stages; the tie-break) →
/// split → verify, then the explanations from the model. The solving core of `repartir run`, returning values: the
/// pipeline turns them into a run record and files.
public enum OnePlan {
    /// A verified plan and how it was found.
    public struct Solved: Sendable {
        public let model: AllocationModel
        public let result: SolveResult
        public let buildSeconds: Double
        public let plan: Plan
        /// True when the scenario's `objective.stages` make a lexicographic chain (anything but `value` alone).
        public let staged: Bool
        /// One record per objective stage of a staged run; empty otherwise.
        public var stages: [StagedSolve.StageRecord] = []
        /// The value of coverage the solver's numbers claim (`claimedObjective(_:model:)`), nil without an objective.
        public var claimedObjective: Double?
        /// Why the `objective.tie_break` plan depends on the machine (the run's time stopped a step), nil otherwise.
        public var tieBreakNote: String?
        /// What the tie-break chose, for the report (`CanonicalPlan.summary`); nil without a tie-break.
        public var tieBreakSummary: String?
        /// The main solve's plan before the tie-break moved it (values of `model.program`), nil without a tie-break: a
        /// plan of more value, whose slack above the held value lets the ranges' search move more posts.
        public var beforeTieBreak: [Double]?
        /// Why the stability stage fell back to closeness per territory (the solver failed on the per-pool rows), nil
        /// otherwise.
        public var stabilityFallback: String?
        /// The "why" column from the model (fixed-integer LP and relaxation duals); nil when its LP failed.
        public var marginal: MarginalAnalysis.Result?
    }

    /// Why there is no verified plan.
    public enum Failure: Error, Sendable {
        /// The consistency check's problems, before any solve.
        case inconsistent([String])
        /// The solver could not run (its error's description).
        case solverFailed(String)
        /// No plan satisfies every rule: the conflicting rules and the smallest repair.
        case infeasible(InfeasibilityExplanation)
        /// Infeasible, and the explainer failed too (its error's description).
        case infeasibleUnexplained(String)
        case unbounded
        /// A limit was reached before any plan was found (the solver's `limitReached`).
        case noSolution(limitReached: String?)
        /// Stopped by the cancellation flag before any plan was found.
        case interrupted
        /// The splitter or the verifier refused the solver's plan (a bug).
        case rejectedPlan(String)
    }

    /// Solves the scenario and verifies the plan. `stages` are the scenario's resolved `objective.stages`;
    /// `tieBreak`, the `objective.tie_break` baseline's name and seats per territory, when it asks for one.
    public static func solve(
        _ scenario: Scenario, stages: [ObjectiveStage], tieBreak: (name: String, seats: [String: Int])?,
        solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void = { _ in }
    ) throws(Failure) -> Solved {
        let problems = ConsistencyCheck.problems(in: scenario)
        if !problems.isEmpty {
            throw .inconsistent(problems.map(\.message))
        }
        let started = Date()
        let model = AllocationModel(scenario: scenario)
        let buildSeconds = Date().timeIntervalSince(started)
        log(
            "model: \(model.program.variables.count) variables (\(model.program.integerCount) integer), \(model.program.constraints.count) constraints"
        )
        let staged = !(stages == [.value] || stages.isEmpty)
        let result: SolveResult
        var stageRecords: [StagedSolve.StageRecord] = []
        var tieBreakNote: String?
        var tieBreakSummary: String?
        var beforeTieBreak: [Double]?
        var stabilityFallback: String?
        do {
            if !staged {
                let first = firstPlan(model, scenario: scenario, solver: solver, options: options, log: log)
                let main = try solveWithHeuristic(model, solver: solver, options: first, log: log)
                if tieBreak != nil, main.hasSolution {
                    beforeTieBreak = Array(main.values.prefix(model.program.variables.count))
                }
                // One plan among the optima, chosen by `objective.tie_break` (docs/model.md, "One canonical plan").
                (result, tieBreakNote, tieBreakSummary) = try applyTieBreak(
                    tieBreak, to: main, model: model, scenario: scenario, solver: solver,
                    options: options, log: log)
            } else {
                log("lexicographic stages: \(stages.map(\.name).joined(separator: " → "))")
                let start = stagedStart(model, solver: solver, options: options, log: log)
                let chain: StagedSolve.Outcome
                do {
                    chain = try StagedSolve.solve(
                        model: model, scenario: scenario, stages: stages, solver: solver, options: options,
                        start: start, heuristicStarts: true)
                } catch let failure as any SolverError
                    where stages.contains(where: Self.isPerPool) && failure.isNumerical
                {
                    // Measured on the national scenario with fewer posts: GLPK's primal simplex fails an internal
                    // assertion (teta_lim >= 0.0, spxprim.c; without presolve, "unable to solve current LP relaxation")
                    // on the per-pool rows; the per-territory rows solve. The splitter still prefers the previous
                    // holders (docs/model.md, "Commitments and waves").
                    let message = failure.description
                    stabilityFallback = message
                    log(
                        "stability: GLPK failed on the per-pool closeness rows (\(message)); solving closeness per territory instead"
                    )
                    chain = try StagedSolve.solve(
                        model: model, scenario: scenario, stages: stages.map(Self.perTerritory), solver: solver,
                        options: options, start: start, heuristicStarts: true)
                }
                result = chain.result
                stageRecords = chain.records
            }
        } catch {
            throw .solverFailed("\(error)")
        }
        switch result.status {
        case .infeasible:
            log("infeasible: looking for the conflicting rules and the smallest repair")
            let explanation: InfeasibilityExplanation
            do {
                explanation = try InfeasibilityExplainer.explain(
                    model: model, scenario: scenario, solver: solver, options: options)
            } catch {
                throw .infeasibleUnexplained("\(error)")
            }
            throw .infeasible(explanation)
        case .unbounded:
            throw .unbounded
        case .noSolution:
            throw .noSolution(limitReached: result.limitReached)
        case .interrupted where !result.hasSolution:
            throw .interrupted
        default:
            break
        }
        let plan: Plan
        do {
            // The stability stage's previous holders keep their posts where the pools allow (docs/model.md,
            // "Commitments and waves").
            let preferred =
                stages.lazy.compactMap { stage -> [PreviousRun.Held]? in
                    guard case let .closeness(_, _, previous) = stage, !previous.isEmpty else { return nil }
                    return previous
                }.first ?? []
            plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario, preferred: preferred)
        } catch {
            throw .rejectedPlan("\(error)")
        }
        // A last stage other than `value`, or a solve stopped at a limit, may leave the coverage segments out
        // of order: GLPK's numbers then undersell the plan, which the verifier accepts (only a claim above the
        // recomputed value is a bug); the value reported is always the recomputed one.
        let claimed = claimedObjective(result, model: model)
        do {
            try PlanVerifier.verify(plan, scenario: scenario, claimedObjective: claimed)
        } catch {
            throw .rejectedPlan(error.description)
        }
        var solved = Solved(model: model, result: result, buildSeconds: buildSeconds, plan: plan, staged: staged)
        solved.stages = stageRecords
        solved.claimedObjective = claimed
        solved.tieBreakNote = tieBreakNote
        solved.tieBreakSummary = tieBreakSummary
        solved.beforeTieBreak = beforeTieBreak
        solved.stabilityFallback = stabilityFallback
        // The "why" column from the model (docs/model.md, "Explanations from the model"); a failed LP leaves the plain
        // column.
        let explained = Date()
        solved.marginal = try? MarginalAnalysis.analyse(
            model: model, values: result.values, scenario: scenario, solver: solver, options: options)
        log(
            "explanations from the model (fixed-integer LP and relaxation duals): \(String(format: "%.2f", Date().timeIntervalSince(explained))) s"
        )
        return solved
    }

    /// A stability stage with a previous run's plan per structure (closeness rows per pool and option).
    static func isPerPool(_ stage: ObjectiveStage) -> Bool {
        if case let .closeness(_, _, previous) = stage { return !previous.isEmpty }
        return false
    }

    /// The same stage with closeness rows per territory (the previous plan's structures dropped from the rows).
    static func perTerritory(_ stage: ObjectiveStage) -> ObjectiveStage {
        if case let .closeness(name, target, _) = stage { return .closeness(name: name, target: target) }
        return stage
    }

    /// The main result replaced by the closest plan the tie-break found, with the same status and bound; the main
    /// result itself when the scenario asks for no tie-break, when the main solve has no plan or was interrupted, or
    /// when no closer plan was found. `note` says why the plan depends on the machine (the run's time stopped a step),
    /// `summary` what the tie-break chose, for the report.
    static func applyTieBreak(
        _ target: (name: String, seats: [String: Int])?, to main: SolveResult, model: AllocationModel,
        scenario: Scenario, solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void
    ) throws -> (result: SolveResult, note: String?, summary: String?) {
        guard main.hasSolution, main.status == .optimal || main.status == .feasible,
            let target
        else { return (main, nil, nil) }
        var tieOptions = options
        // A quarter of the run's limit; node limits end its steps long before on the national scenario.
        tieOptions.timeLimitSeconds = options.timeLimitSeconds / 4
        let placed = model.postVariables.values.reduce(0) { $0 + Int(main.values[$1.index].rounded()) }
        let seats = seatsForThePlan(target, placed: placed, scenario: scenario)
        let outcome = try CanonicalPlan.solve(
            model: model, main: main, target: seats, scenario: scenario,
            solver: solver, options: tieOptions)
        let closest =
            outcome.isClosest
            ? "the closest possible (proven)"
            : outcome.closestPossible.map { "at least \($0) proven possible" } ?? "no bound proven"
        log(
            String(
                format: "tie-break %@: distance to its seats %d → %d posts (%@), %.2f s", target.name,
                outcome.distanceBefore, outcome.distanceAfter, closest, outcome.seconds))
        let shared = seats.values.reduce(0, +)
        if shared != placed {
            log(
                "tie-break \(target.name): its seats cannot be shared for the plan's \(placed) posts; the \(shared) of programme.posts are used"
            )
        }
        let summary = CanonicalPlan.summary(outcome, baseline: target.name, seats: shared, placed: placed)
        return (outcome.result, outcome.timing.map { "tie-break \(target.name): \($0)" }, summary)
    }

    /// The baseline's seats for the posts the main plan places, not for `programme.posts`: when money leaves posts
    /// unplaced (3,596 of 4,000 nationally), seats for all of them are above the plan in nearly every territory, every
    /// plan at or below its seats everywhere is then at the same distance (Σ seats − Σ posts), and the tie-break chose
    /// nothing among them (a review: 404 = 4,000 − 3,596, with Paris anywhere from 89 to 104 among the tied plans). The
    /// seats given (`programme.posts`) stay when the baseline cannot share `placed` (its floors need more).
    static func seatsForThePlan(
        _ target: (name: String, seats: [String: Int]), placed: Int, scenario: Scenario
    ) -> [String: Int] {
        guard placed != target.seats.values.reduce(0, +), let spec = try? BaselineSpec(parsing: target.name),
            let seats = try? Baselines.seats(for: spec, scenario: scenario, posts: placed)
        else { return target.seats }
        return seats
    }

    /// The options for the exact model, with a MIP start when one helps. When a structure's co-financing depends on
    /// the mix of options, the exact model has variables per structure and option (docs/model.md, "Co-financing"):
    /// with many options GLPK may then find no plan in time. A pooled count (`AllocationModel.CofinancingRule.pooled`)
    /// is a restriction of the exact model, every plan of it a plan of the scenario, with one variable per pool and
    /// option. Four of them (host-share quantiles 0, ⅓, ⅔, 1) are solved first, two at a time, with a quarter of the
    /// time in all; the best plan, split and verified, starts the exact model. The status and the bound are the exact
    /// model's own, so "optimal" is never claimed on a restriction.
    static func firstPlan(
        _ model: AllocationModel, scenario: Scenario, solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void
    ) -> SolverOptions {
        guard model.hasStructureUnits, options.start == nil else { return options }
        let started = Date()
        var quickOptions = options
        quickOptions.timeLimitSeconds = options.timeLimitSeconds / 8
        let quick = quickOptions
        let quantiles = [0.0, 1.0 / 3, 2.0 / 3, 1]
        let plans =
            (try? ParallelSolves.map(quantiles) { quantile -> Plan? in
                let restriction = AllocationModel(scenario: scenario, cofinancing: .pooled(quantile: quantile))
                guard let result = try? solver.solve(restriction.program, options: quick), result.hasSolution,
                    let plan = try? PlanSplitter.plan(from: result.values, model: restriction, scenario: scenario),
                    PlanVerifier.violations(of: plan, scenario: scenario).isEmpty
                else { return nil }
                return plan
            }) ?? []
        let best = plans.compactMap { $0 }.max {
            PlanEvaluation(plan: $0, scenario: scenario).objective
                < PlanEvaluation(plan: $1, scenario: scenario).objective
        }
        guard let best, let values = model.values(for: best, scenario: scenario) else {
            log(
                "co-financing per structure: no first plan from the pooled counts; the exact model is solved from scratch"
            )
            return options
        }
        let spent = Date().timeIntervalSince(started)
        log(
            "co-financing per structure: a first plan from the pooled counts (objective \(String(format: "%.1f", PlanEvaluation(plan: best, scenario: scenario).objective)), \(String(format: "%.2f", spent)) s) starts the exact model"
        )
        var exact = options.starting(from: values)
        exact.timeLimitSeconds = max(options.timeLimitSeconds - spent, options.timeLimitSeconds / 4)
        return exact
    }

    /// The value of coverage that GLPK's numbers claim, to compare with the recomputed one: its coverage
    /// segments (whatever stage was optimised last) times their exact coefficients w_t × γ_j, so neither the
    /// tie-break nor the weights' scaling (`AllocationModel.objectiveScale`) enters it.
    public static func claimedObjective(_ result: SolveResult, model: AllocationModel) -> Double? {
        guard result.objective != nil, result.values.count >= model.program.variables.count else { return nil }
        return model.valueTerms.reduce(0.0) { $0 + $1.1 * result.values[$1.0.index] }
    }
}
