import AllocationModel
import Baselines
import Foundation
import LinearProgramming
import Reports
import Scenario
import Studies

/// Scenario → model → GLPK → plan → verification: the core of `repartir run`, without any file output.
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
        /// Why the stability stage fell back to closeness per territory (GLPK failed on the per-pool rows), nil otherwise.
        public var stabilityFallback: String? = nil
        /// Why the `objective.tie_break` plan was not published (its solve hit a limit), nil otherwise.
        public var tieBreakNote: String? = nil
    }

    /// Solves the scenario and verifies the plan; throws a `RunFailure` for anything but a verified plan.
    public static func solve(_ scenario: Scenario, solver: any LinearSolver, options: SolverOptions,
                             log: (String) -> Void = { _ in }) throws(RunFailure) -> Outcome {
        let problems = ConsistencyCheck.problems(in: scenario)
        if !problems.isEmpty {
            throw .infeasible(problems.map(\.message).joined(separator: "; "))
        }
        let started = Date()
        let model = AllocationModel(scenario: scenario)
        let buildSeconds = Date().timeIntervalSince(started)
        log("model: \(model.program.variables.count) variables (\(model.program.integerCount) integer), \(model.program.constraints.count) constraints")
        let stages = try objectiveStages(for: scenario)
        let staged = !(stages == [.value] || stages.isEmpty)
        let result: SolveResult
        var stageRecords: [StagedSolve.StageRecord] = []
        var tieBreakNote: String?
        var stabilityFallback: String?
        do {
            if !staged {
                let first = firstPlan(model, scenario: scenario, solver: solver, options: options, log: log)
                let main = try solveWithHeuristic(model, solver: solver, options: first, log: log)
                // One plan among the optima, chosen by `objective.tie_break` (docs/model.md, "One canonical plan").
                (result, tieBreakNote) = try CanonicalRun.apply(main, model: model, scenario: scenario, solver: solver, options: options, log: log)
            } else {
                log("lexicographic stages: \(stages.map(\.name).joined(separator: " → "))")
                let start = stagedStart(model, solver: solver, options: options, log: log)
                let chain: StagedSolve.Outcome
                do {
                    chain = try StagedSolve.solve(model: model, scenario: scenario, stages: stages, solver: solver, options: options,
                                                  start: start, heuristicStarts: true)
                } catch let failure as any SolverError where stages.contains(where: Self.isPerPool) && failure.isNumerical {
                    // Measured on the national scenario with fewer posts: GLPK's primal simplex fails an internal assertion
                    // (teta_lim >= 0.0, spxprim.c; without presolve, "unable to solve current LP relaxation") on the per-pool
                    // rows; the per-territory rows solve. The splitter still prefers the previous holders (docs/model.md,
                    // "Commitments and waves").
                    let message = failure.description
                    stabilityFallback = message
                    log("stability: GLPK failed on the per-pool closeness rows (\(message)); solving closeness per territory instead")
                    chain = try StagedSolve.solve(model: model, scenario: scenario, stages: stages.map(Self.perTerritory), solver: solver,
                                                  options: options, start: start, heuristicStarts: true)
                }
                result = chain.result
                stageRecords = chain.records
            }
        } catch {
            throw .solver("\(error)")
        }
        switch result.status {
        case .infeasible:
            log("infeasible: looking for the conflicting rules and the smallest repair")
            do {
                throw RunFailure.infeasibleExplained(try InfeasibilityExplainer.explain(model: model, scenario: scenario, solver: solver, options: options))
            } catch let failure as RunFailure {
                throw failure
            } catch {
                throw .infeasible("no plan satisfies every rule of the scenario at once (floors, caps, posts, budget, host capacity); \(error)")
            }
        case .unbounded:
            throw .solver("GLPK reports the model unbounded, which a correct model cannot be (a bug)")
        case .noSolution:
            throw .noSolution(result.limitReached == RunBudget.noTimeLeft ? "the run's time budget was spent before any plan was found; raise --time-limit"
                              : "\(result.limitReached ?? "a limit") was reached before any plan was found; raise --time-limit")
        case .interrupted where !result.hasSolution:
            throw .interrupted
        default:
            break
        }
        let plan: Plan
        do {
            // The stability stage's previous holders keep their posts where the pools allow (docs/model.md, "Commitments and waves").
            let preferred = stages.lazy.compactMap { stage -> [PreviousRun.Held]? in
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
        var status: RunRecord.Status
        switch result.status {
        case .optimal: status = .optimal
        case .interrupted: status = .interrupted
        default: status = .feasible
        }
        // A chain is optimal only when every stage is: one stopped at a limit (or never started) leaves it feasible.
        let unfinished = stageRecords.first { $0.status != .optimal }
        if status == .optimal, unfinished != nil { status = .feasible }
        // Every stage within the MIP gap of its proven bound (one stopped by a limit included): the chain is proven.
        if staged, status == .feasible, !stageRecords.isEmpty, unfinished == nil { status = .optimal }
        let lastSolved = stageRecords.last { $0.value != nil }
        let gap = SummaryGap(result: result, model: model, plan: plan, scenario: scenario, valueLast: !staged || lastSolved?.name == "value",
                             claimed: claimed)
        var record = RunRecord(scenario: scenario, plan: plan, status: status, bestBound: gap.bound,
                               relativeGap: gap.relativeGap, limitReached: unfinished.map { $0.limitReached ?? $0.status.rawValue } ?? result.limitReached,
                               mipGap: options.mipGap,
                               timeLimitSeconds: options.timeLimitSeconds)
        // The "why" column from the model (docs/model.md, "Explanations from the model"); a failed LP leaves the plain column.
        let explained = Date()
        record.marginal = try? MarginalAnalysis.analyse(model: model, values: result.values, scenario: scenario, solver: solver, options: options)
        log("explanations from the model (fixed-integer LP and relaxation duals): \(String(format: "%.2f", Date().timeIntervalSince(explained))) s")
        var outcome = Outcome(record: record, model: model, result: result, buildSeconds: buildSeconds)
        outcome.stages = stageRecords
        outcome.timingDependence = TimingDependence.reason(result: result, stages: stageRecords)
        outcome.tieBreakNote = tieBreakNote
        outcome.stabilityFallback = stabilityFallback
        // Whether the tie-break finished in its time depends on the machine: so does which plan is published.
        if let tieBreakNote, outcome.timingDependence == nil {
            outcome.timingDependence = tieBreakNote + " — a limit stopped the tie-break, so the plan depends on how far GLPK got in the time it had"
        }
        for case let .closeness(name, target, previous) in stages where name.hasPrefix("run:") {
            outcome.previousRuns["closeness:" + name] = target
            if !previous.isEmpty { outcome.previousStructures["closeness:" + name] = previous }
        }
        return outcome
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

    /// The options for the exact model, with a MIP start when one helps. When a structure's co-financing depends on
    /// the mix of options, the exact model has variables per structure and option (docs/model.md, "Co-financing"):
    /// with many options GLPK may then find no plan in time. A pooled count (`AllocationModel.CofinancingRule.pooled`)
    /// is a restriction of the exact model, every plan of it a plan of the scenario, with one variable per pool and
    /// option. Four of them (host-share quantiles 0, ⅓, ⅔, 1) are solved first, two at a time, with a quarter of the
    /// time in all; the best plan, split and verified, starts the exact model. The status and the bound are the exact
    /// model's own, so "optimal" is never claimed on a restriction.
    static func firstPlan(_ model: AllocationModel, scenario: Scenario, solver: any LinearSolver, options: SolverOptions,
                          log: (String) -> Void) -> SolverOptions {
        guard model.hasStructureUnits, options.start == nil else { return options }
        let started = Date()
        var quickOptions = options
        quickOptions.timeLimitSeconds = options.timeLimitSeconds / 8
        let quick = quickOptions
        let quantiles = [0.0, 1.0 / 3, 2.0 / 3, 1]
        let plans = (try? ParallelSolves.map(quantiles) { quantile -> Plan? in
            let restriction = AllocationModel(scenario: scenario, cofinancing: .pooled(quantile: quantile))
            guard let result = try? solver.solve(restriction.program, options: quick), result.hasSolution,
                  let plan = try? PlanSplitter.plan(from: result.values, model: restriction, scenario: scenario),
                  PlanVerifier.violations(of: plan, scenario: scenario).isEmpty else { return nil }
            return plan
        }) ?? []
        let best = plans.compactMap { $0 }.max { PlanEvaluation(plan: $0, scenario: scenario).objective < PlanEvaluation(plan: $1, scenario: scenario).objective }
        guard let best, let values = model.values(for: best, scenario: scenario) else {
            log("co-financing per structure: no first plan from the pooled counts; the exact model is solved from scratch")
            return options
        }
        let spent = Date().timeIntervalSince(started)
        log("co-financing per structure: a first plan from the pooled counts (objective \(String(format: "%.1f", PlanEvaluation(plan: best, scenario: scenario).objective)), \(String(format: "%.2f", spent)) s) starts the exact model")
        var exact = options.starting(from: values)
        exact.timeLimitSeconds = max(options.timeLimitSeconds - spent, options.timeLimitSeconds / 4)
        return exact
    }

    /// The scenario's `objective.stages`, with each `closeness:<baseline>` resolved to the baseline's
    /// posts per territory (an unknown baseline is a configuration error, exit 78, before any solve).
    public static func objectiveStages(for scenario: Scenario) throws(RunFailure) -> [ObjectiveStage] {
        // The tie-break's baseline is checked with the stages' (every caller checks these before solving).
        _ = try CanonicalRun.target(for: scenario)
        var stages: [ObjectiveStage] = []
        var seen = Set<String>()
        for name in scenario.parameters.comparison.stages {
            // A stage already held within the gap cannot improve when solved again, and its row would be a second
            // `stage_<name>`: a repeat is refused like any other wrong stage (exit 78, by validate and run alike).
            guard seen.insert(name).inserted else {
                throw .input(ScenarioError([Diagnostic(.configuration, SourceLocation(file: "objective.stages"),
                                                       "stage '\(name)' is listed twice in 'objective.stages': list each stage once")]))
            }
            if let stage = ObjectiveStage(name: name) {
                stages.append(stage)
                continue
            }
            guard name.hasPrefix("closeness:") else {
                throw .input(ScenarioError([Diagnostic(.configuration, SourceLocation(file: "objective.stages"),
                                                       "unknown stage '\(name)' (expected value, coverage, maxmin, cost, endow or closeness:<baseline>)")]))
            }
            let id = String(name.dropFirst("closeness:".count))
            // Stability: as close as possible to a previous run's posts per territory (docs/model.md, "Commitments and waves").
            if id.hasPrefix("run:") {
                do {
                    let folder = String(id.dropFirst("run:".count))
                    // Per structure when the run wrote its structures' table, else per territory (docs/model.md).
                    stages.append(.closeness(name: id, target: try PreviousRun.territoryPosts(folder),
                                             previous: try PreviousRun.structurePosts(folder) ?? []))
                } catch {
                    throw .input(error)
                }
                continue
            }
            do {
                let spec = try BaselineSpec(parsing: id)
                stages.append(.closeness(name: id, target: try Baselines.seats(for: spec, scenario: scenario)))
            } catch {
                throw .input(ScenarioError([Diagnostic(.configuration, SourceLocation(file: "objective.stages"),
                                                       "stage '\(name)': \(error)")]))
            }
        }
        return stages
    }

    /// The value of coverage that GLPK's numbers claim, to compare with the recomputed one: its coverage
    /// segments (whatever stage was optimised last) times their exact coefficients w_t × γ_j, so neither the
    /// tie-break nor the weights' scaling (`AllocationModel.objectiveScale`) enters it.
    static func claimedObjective(_ result: SolveResult, model: AllocationModel) -> Double? {
        guard result.objective != nil, result.values.count >= model.program.variables.count else { return nil }
        return model.valueTerms.reduce(0.0) { $0 + $1.1 * result.values[$1.0.index] }
    }

    static func tieBreak(_ result: SolveResult, model: AllocationModel) -> Double {
        guard !result.values.isEmpty else { return 0 }
        return -model.decisions.reduce(0.0) { $0 + model.program.variables[$1.variable.index].objective * result.values[$1.variable.index] }
    }

    /// Solver options from the scenario, with command-line overrides.
    public static func options(for scenario: Scenario, timeLimit: Double? = nil, mipGap: Double? = nil) -> SolverOptions {
        let solver = scenario.parameters.solver
        return SolverOptions(timeLimitSeconds: timeLimit ?? solver.timeLimitSeconds, mipGap: mipGap ?? solver.mipGap,
                             presolve: solver.presolve, cuts: solver.cuts)
    }
}
