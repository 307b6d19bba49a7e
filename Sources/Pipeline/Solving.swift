import AllocationModel
import Foundation
import LinearProgramming
import Reports
import Scenario
import Studies

/// Scenario → model → GLPK → plan → verification (`OnePlan`, in Studies), as the run record `repartir run` publishes,
/// without any file output.
public enum Solving {
    /// What came out of a solve, verified.
    public struct Outcome: Sendable {
        public let record: RunRecord
        public let model: AllocationModel
        public let result: SolveResult
        public let buildSeconds: Double
        /// One record per objective stage of a staged run (`stages.csv`); empty otherwise.
        public var stages: [StagedSolve.StageRecord] = []
        /// Why the plan may differ between two identical runs (a limit stopped a solve), nil when it cannot.
        public var timingDependence: String? = nil
        /// The targets of the `closeness:run:<RUN_FOLDER>` stages (posts per territory), by stage name, for the report.
        public var previousRuns: [String: [String: Int]] = [:]
        /// The previous runs' posts per structure and option, by stage name, when their folders have them (the report's
        /// posts moved per structure).
        public var previousStructures: [String: [PreviousRun.Held]] = [:]
        /// Why the stability stage fell back to closeness per territory (GLPK failed on the per-pool rows), nil
        /// otherwise.
        public var stabilityFallback: String? = nil
        /// Why the `objective.tie_break` plan depends on the machine (the run's time stopped a step), nil otherwise.
        public var tieBreakNote: String? = nil
        /// What the tie-break chose (`CanonicalPlan.summary`), for the report; nil without a tie-break.
        public var tieBreakSummary: String? = nil
        /// The main plan before the tie-break moved it (`OnePlan.Solved.beforeTieBreak`).
        public var beforeTieBreak: [Double]? = nil
    }

    /// Solves the scenario and verifies the plan (`OnePlan.solve`); throws a `RunFailure` for anything but a verified
    /// plan.
    public static func solve(
        _ scenario: Scenario, solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void = { _ in }
    ) throws(RunFailure) -> Outcome {
        let targets: StudyTargets.Targets
        do {
            targets = try StudyTargets.resolve(for: scenario)
        } catch {
            throw .input(error)
        }
        let stages = targets.stages
        let solved: OnePlan.Solved
        do {
            solved = try OnePlan.solve(
                scenario, stages: stages, tieBreak: targets.tieBreak, solver: solver, options: options, log: log)
        } catch {
            throw RunFailure(error)
        }
        let result = solved.result
        let model = solved.model
        let staged = solved.staged
        let stageRecords = solved.stages
        // A chain is optimal only when every stage is; proven when every stage is within the gap (`OnePlan.Solved`).
        let status = solved.status
        let unfinished = solved.unfinishedStage
        let lastSolved = stageRecords.last { $0.value != nil }
        let gap = SummaryGap(
            result: result, model: model, plan: solved.plan, scenario: scenario,
            valueLast: !staged || lastSolved?.name == "value",
            claimed: solved.claimedObjective)
        var record = RunRecord(
            scenario: scenario, plan: solved.plan, status: status, bestBound: gap.bound,
            relativeGap: gap.relativeGap,
            limitReached: unfinished.map { $0.limitReached ?? $0.status.rawValue } ?? result.limitReached,
            mipGap: options.mipGap,
            timeLimitSeconds: options.timeLimitSeconds)
        record.marginal = solved.marginal
        var outcome = Outcome(record: record, model: model, result: result, buildSeconds: solved.buildSeconds)
        outcome.stages = stageRecords
        outcome.timingDependence = TimingDependence.reason(result: result, stages: stageRecords)
        outcome.tieBreakNote = solved.tieBreakNote
        outcome.tieBreakSummary = solved.tieBreakSummary
        outcome.beforeTieBreak = solved.beforeTieBreak
        outcome.stabilityFallback = solved.stabilityFallback
        // Whether the tie-break finished in its time depends on the machine: so does which plan is published.
        if let tieBreakNote = solved.tieBreakNote, outcome.timingDependence == nil {
            outcome.timingDependence =
                tieBreakNote
                + " — so the plan depends on how far the search got in the time it had"
        }
        for case let .closeness(name, target, previous) in stages where name.hasPrefix("run:") {
            outcome.previousRuns["closeness:" + name] = target
            if !previous.isEmpty { outcome.previousStructures["closeness:" + name] = previous }
        }
        return outcome
    }

    /// The scenario's `objective.stages`, resolved (`StudyTargets.objectiveStages`); an unknown baseline or stage is a
    /// configuration error, exit 78, before any solve.
    public static func objectiveStages(for scenario: Scenario) throws(RunFailure) -> [ObjectiveStage] {
        do {
            return try StudyTargets.objectiveStages(for: scenario)
        } catch {
            throw .input(error)
        }
    }

    static func tieBreak(_ result: SolveResult, model: AllocationModel) -> Double {
        guard !result.values.isEmpty else { return 0 }
        return -model.decisions.reduce(0.0) {
            $0 + model.program.variables[$1.variable.index].objective * result.values[$1.variable.index]
        }
    }

    /// Solver options from the scenario, with command-line overrides.
    public static func options(for scenario: Scenario, timeLimit: Double? = nil, mipGap: Double? = nil) -> SolverOptions
    {
        let solver = scenario.parameters.solver
        return SolverOptions(
            timeLimitSeconds: timeLimit ?? solver.timeLimitSeconds, mipGap: mipGap ?? solver.mipGap,
            presolve: solver.presolve, cuts: solver.cuts)
    }
}

extension RunFailure {
    /// Why `OnePlan` found no verified plan, as the run's failure (its exit code and message).
    init(_ failure: OnePlan.Failure) {
        switch failure {
        case let .inconsistent(messages):
            self = .infeasible(messages.joined(separator: "; "))
        case let .solverFailed(message):
            self = .solver(message)
        case let .infeasible(explanation):
            self = .infeasibleExplained(explanation)
        case let .infeasibleUnexplained(message):
            self = .infeasible(
                "no plan satisfies every rule of the scenario at once (floors, caps, posts, budget, host capacity); \(message)"
            )
        case .unbounded:
            self = .solver("GLPK reports the model unbounded, which a correct model cannot be (a bug)")
        case let .noSolution(limitReached):
            self = .noSolution(
                limitReached == RunBudget.noTimeLeft
                    ? "the run's time budget was spent before any plan was found; raise --time-limit"
                    : "\(limitReached ?? "a limit") was reached before any plan was found; raise --time-limit")
        case .interrupted:
            self = .interrupted
        case let .rejectedPlan(message):
            self = .rejectedPlan(message)
        }
    }
}

extension RunFailure {
    /// Why a wave of a rollout has no plan, as the run would say it.
    init(_ failure: WaveSequence.Failure) {
        switch failure {
        case let .input(error): self = .input(error)
        case let .plan(failure): self.init(failure)
        }
    }
}
