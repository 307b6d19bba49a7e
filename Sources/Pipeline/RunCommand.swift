import AllocationModel
import Foundation
import LinearProgramming
import Reports
import Scenario
import Studies

/// `repartir run`: load, solve, verify, then publish the run directory. Progress goes to `log`
/// (stderr in the CLI); nothing is written unless the plan was verified.
public enum RunCommand {
    public struct Request: Sendable {
        public var scenarioPath: String
        public var overrides: [ParameterOverride]
        /// `--out DIR`: the run directory, replaced by each run.
        public var outputDirectory: String?
        /// `--runs-root ROOT`: one directory per run under ROOT and the symlink ROOT/latest (exclusive with
        /// `outputDirectory`).
        public var runsRoot: String?
        public var timeLimit: Double?
        public var mipGap: Double?
        /// Set (e.g. by a signal handler) to stop the run: nothing is published, the run ends with `.interrupted`.
        public var cancellation: CancellationFlag?
        /// The scenario already loaded (a sweep's variant, made from one load): then nothing is read again.
        public var scenario: Scenario?
        /// `--commitments-from RUN_FOLDER`: a previous run's plan as the commitments, all with `commitmentsMode`.
        public var commitmentsFrom: String?
        public var commitmentsMode: Commitment.Mode = .locked
        /// `--warm-start RUN_FOLDER`: a previous run's commune plan (its sites.csv) starts this one's commune solve.
        public var warmStartFrom: String?

        public init(
            scenarioPath: String, overrides: [ParameterOverride] = [], outputDirectory: String? = nil,
            runsRoot: String? = nil, timeLimit: Double? = nil, mipGap: Double? = nil,
            cancellation: CancellationFlag? = nil
        ) {
            self.scenarioPath = scenarioPath
            self.overrides = overrides
            self.outputDirectory = outputDirectory
            self.runsRoot = runsRoot
            self.timeLimit = timeLimit
            self.mipGap = mipGap
            self.cancellation = cancellation
        }
    }

    public struct Result: Sendable {
        public let outcome: Solving.Outcome
        public let directory: String
        public let summaryJSON: String
        /// False when the commune plan (a scenario with a demand table) is not proven within the gap of its bound.
        public var communeProven = true
        public var exitCode: Int32 {
            outcome.record.status == .optimal && communeProven ? ExitStatus.optimal : ExitStatus.feasibleNotProven
        }
    }

    /// The run directory used when `--out` is not given.
    public static func defaultOutput(for scenario: Scenario) -> String { "out/\(scenario.parameters.name)" }

    /// Load → lock the destination (exit 75 if held) → solve → verify → assemble the files → publish atomically.
    /// `reserved` is told the destination (DIR, or ROOT/latest) once it is locked, for messages;
    /// `published`, the folder of an infeasible run's explanation (the runs log records it).
    public static func run(
        _ request: Request, solver: any LinearSolver,
        log: @escaping (String) -> Void = { _ in },
        reserved: (String) -> Void = { _ in },
        published: (String) -> Void = { _ in },
        named: (String) -> Void = { _ in }
    ) throws(RunFailure) -> Result {
        var clock = RunClock()
        var scenario = try load(request, log: log)
        // The scenario's own name, for runs.csv, whatever ends the run from here.
        named(scenario.parameters.name)
        clock.lap("load")
        // Every input is read and every id checked before the lock and the solve: a typo fails fast (exit 78),
        // a damaged map drawing too (exit 65).
        try checkBaselines(of: scenario)
        _ = try Solving.objectiveStages(for: scenario)
        try checkReachSize(scenario)
        let inputs = try reportInputs(for: scenario)
        let warmStart = try warmStartPlan(request, scenario: scenario)
        if let warmStart {
            scenario = scenario.recording(warmStart.file)
            if let basis = warmStart.basisInput { scenario = scenario.recording(basis) }
        }
        log(
            "scenario \(scenario.parameters.name): \(scenario.territories.count) territories, \(scenario.structures.count) structures"
        )
        try stopIfCancelled(request)

        // Lock and clean the destination before solving: a second run stops at once (75), an
        // unwritable destination is reported before a long solve (73).
        let target: OutputPublisher.Target =
            request.runsRoot.map { .runsRoot($0) }
            ?? .directory(request.outputDirectory ?? defaultOutput(for: scenario))
        if case let .directory(path) = target {
            try OutputPublisher.checkHoldsNoInput(path, inputs: scenario.inputFiles)
        }
        let reservation = try OutputPublisher.reserve(target, log: log)
        reserved(reservation.destination)
        log("locked \(reservation.lock.path)")

        let options = Solving.options(for: scenario, timeLimit: request.timeLimit, mipGap: request.mipGap)
        // --time-limit is the whole run's budget: every solve below goes through the budgeted solver.
        let budget = RunBudget(
            seconds: options.timeLimitSeconds, signal: request.cancellation, startedAt: clock.startedUptime)
        // A commune run: the département plan and its analyses stop at a share of the budget; the commune plan,
        // solved beside them, has the whole budget.
        let planBudget = scenario.communes == nil ? budget : budget.share(RunBudget.communeRunPlanShare)
        let budgeted = planBudget.solver(wrapping: solver)
        log(
            "time budget \(Format.fixed(budget.seconds, decimals: 1)) s, \(Format.fixed(budget.remaining, decimals: 1)) s left; \(Format.fixed(budget.reserve, decimals: 1)) s kept for the comparison, report and publishing"
        )
        if planBudget !== budget {
            // Every solve of that part is clamped by its budget, as every solve of a run is by the run's; the options
            // keep the run's limit, which the manifest records.
            log(
                "the département plan and its analyses stop within the first \(Format.fixed(planBudget.seconds, decimals: 1)) s; the commune plan is solved beside them, within the whole budget"
            )
        }
        let baselines = RunReport.startBaselines(
            inputs, scenario: scenario, waitSeconds: { planBudget.remaining - planBudget.reserve / 2 })
        let outcome = try solvePlan(
            scenario, request: request, solver: budgeted, options: options, reservation: reservation,
            clock: &clock, log: log, published: published)
        var assembled = try assemble(
            outcome, request: request, inputs: inputs, baselines: baselines,
            budgets: (run: budget, plan: planBudget), solver: budgeted,
            communeSolver: budget.solver(wrapping: solver), options: options, warmStart: warmStart, clock: &clock,
            log: log)
        clock.mark("total_before_write")
        assembled.files.append(DataPackage.file(describing: assembled.files))
        let manifest = Manifest.render(
            assembled.outcome, solver: budgeted.identity, timings: clock.timings, outputs: assembled.files,
            communePlan: assembled.communePlan)
        assembled.files.append((name: "manifest.json", content: Data(manifest.utf8)))
        try stopIfCancelled(request)
        let directory = try OutputPublisher.publish(
            assembled.files, into: reservation, scenarioName: scenario.parameters.name,
            cancellation: request.cancellation, log: log)
        if case .runsRoot = target {
            log("wrote \(directory); \(reservation.destination) points to it")
        } else {
            log("wrote \(directory)")
        }
        withExtendedLifetime(reservation) {}
        var result = Result(
            outcome: assembled.outcome, directory: directory,
            summaryJSON: Tables.summaryJSON(assembled.outcome.record, commune: assembled.communePlan))
        result.communeProven = assembled.communeProven
        return result
    }

    /// The scenario of the request: the one already loaded (a sweep's variant), else read once from disk; with a
    /// previous run's plan as commitments when `--commitments-from` asks.
    private static func load(_ request: Request, log: (String) -> Void) throws(RunFailure) -> Scenario {
        var scenario: Scenario
        if let loaded = request.scenario {
            scenario = loaded
        } else {
            log("loading \(request.scenarioPath)")
            do {
                scenario = try ScenarioLoader.load(request.scenarioPath, overrides: request.overrides)
            } catch {
                throw .input(error)
            }
        }
        return try withPreviousCommitments(scenario, request: request, log: log)
    }

    /// The report's inputs (baseline ids, the map drawing), checked before anything is locked or solved.
    /// The baseline ids first, then the stages, then the map drawing: a scenario with several errors reports the
    /// same first one as before the report's inputs had a home of their own.
    static func checkBaselines(of scenario: Scenario) throws(RunFailure) {
        do {
            try RunReport.checkBaselines(for: scenario)
        } catch {
            throw .input(error)
        }
    }

    static func reportInputs(for scenario: Scenario) throws(RunFailure) -> RunReport.Inputs {
        do {
            return try RunReport.inputs(for: scenario)
        } catch {
            throw .input(error)
        }
    }

    /// The verified plan. An infeasible scenario publishes its explanation (report.md, conflict.csv, repairs.csv)
    /// in its own folder, then ends with exit 20; a signal ends the run without publishing anything.
    private static func solvePlan(
        _ scenario: Scenario, request: Request, solver: any LinearSolver, options: SolverOptions,
        reservation: OutputPublisher.Reservation, clock: inout RunClock,
        log: @escaping (String) -> Void, published: (String) -> Void
    ) throws(RunFailure) -> Solving.Outcome {
        clock.restart()
        let outcome: Solving.Outcome
        do {
            outcome = try Solving.solve(scenario, solver: solver, options: options, log: log)
        } catch .infeasibleExplained(let explanation) {
            var files = [
                (name: "report.md", content: Data(ConflictReport.markdown(explanation, scenario: scenario).utf8)),
                (name: "conflict.csv", content: Data(ConflictReport.csv(explanation).utf8)),
                (name: "repairs.csv", content: Data(ConflictReport.repairsCSV(explanation).utf8)),
            ]
            files.append(DataPackage.file(describing: files))
            files.append(
                (
                    name: "manifest.json",
                    content: Data(
                        Manifest.renderInfeasible(
                            scenario, explanation: explanation, solver: solver.identity, outputs: files
                        ).utf8)
                ))
            // Its own folder under a runs root, but `latest` stays on the last run that has a plan.
            let directory = try OutputPublisher.publish(
                files, into: reservation, scenarioName: scenario.parameters.name,
                switchesLatest: false, cancellation: request.cancellation, log: log)
            published(directory)
            log("wrote the explanation to \(directory)")
            throw .infeasibleExplained(explanation)
        } catch {
            throw error
        }
        clock.record("build_model", outcome.buildSeconds)
        clock.record("solve", outcome.result.seconds)
        // Each stage's wall time goes to the manifest, the one output that holds timings.
        for stage in outcome.stages { clock.record("stage_\(stage.position)_\(stage.name)", stage.seconds) }
        clock.lap("build_solve_verify")
        let gap = outcome.record.relativeGap.map { Format.percent($0, decimals: 4) } ?? "n/a"
        if outcome.record.status == .interrupted || request.cancellation?.isCancelled == true {
            // A signal stops the run without publishing: the previous run stays the published one.
            // A best-effort plan is what --time-limit is for (exit 10, published).
            log(
                "stopped by a signal: the best plan found so far (objective \(Format.fixed(outcome.record.objective, decimals: 1)), gap \(gap)) is not published"
            )
            throw .interrupted
        }
        log(
            "plan verified: \(outcome.record.status.rawValue), objective \(Format.fixed(outcome.record.objective, decimals: 1)), gap \(gap)"
        )
        return outcome
    }

    /// Everything a run with a plan publishes but its data package and manifest, in the order the report lists it:
    /// the plan's tables, the ranges, the stages, the comparison and its decomposition, the waves, the analyses and
    /// maps, the commune plan, then the report.
    private static func assemble(
        _ solved: Solving.Outcome, request: Request, inputs: RunReport.Inputs, baselines: BaselinePlans,
        budgets: (run: RunBudget, plan: RunBudget), solver: any LinearSolver, communeSolver: any LinearSolver,
        options: SolverOptions, warmStart: PreviousCommunePlan?, clock: inout RunClock,
        log: @escaping (String) -> Void
    ) throws(RunFailure) -> (
        outcome: Solving.Outcome, files: [RunReport.File], communeProven: Bool, communePlan: RunManifest.CommunePlan?
    ) {
        let budget = budgets.run
        var outcome = solved
        let scenario = outcome.record.scenario
        clock.restart()
        // The parts below that run at once log one line at a time.
        let shared = SharedLog(log)
        let log: (String) -> Void = { shared($0) }
        // Where people live (a demand table): the commune plan, its tables and its report section. It depends on the
        // scenario alone, not on the département plan, so it is solved on a thread of its own from here, beside the
        // département comparison and analyses (which stop within their share of the budget, `budgets.plan`). The
        // commune plan's shares of time (its relaxation, then the Lagrangian bound if that does not finish) are shares
        // of what the run has left.
        var communeOptions = options
        communeOptions.timeLimitSeconds = max(budget.solvingTime, 0.01)
        // The département plan and its posts by kind and option, for the commune section's comparison of the two plans
        // (scored by the commune model too).
        let departmentPlan =
            scenario.communes == nil
            ? nil
            : (
                plan: solved.record.plan,
                mix: PlanMix(plan: solved.record.plan, evaluation: solved.record.evaluation, scenario: scenario)
            )
        let communeStep =
            scenario.communes == nil
            ? nil
            : Concurrent { [communeOptions] () -> (Swift.Result<CommuneRun.Output?, RunFailure>, seconds: Double) in
                let started = Date()
                let result = Swift.Result { () throws(RunFailure) in
                    try CommuneRun.run(
                        scenario, solver: communeSolver, options: communeOptions, warmStart: warmStart,
                        departmentPlan: departmentPlan, log: { shared($0) })
                }
                return (result, Date().timeIntervalSince(started))
            }
        // Whatever is thrown below, the commune solve ends before the run does (stopped first: see below).
        defer { _ = communeStep?.value }
        // Each territory's range of posts among nearly optimal plans: columns of allocation_by_territory.csv, a
        // section. They start from the published plan, and nothing but the report needs them, so they are computed on
        // a thread of their own while the decomposition and the analyses re-solve: each part alone leaves a core idle
        // between its solves (docs/model.md, "Ranges around the plan"). Every part ends at node limits, gaps or its
        // own share of the budget, never at what another computes, so the outputs do not depend on the overlap as
        // long as no solve reaches its clock; sharing the cores makes each part slower, and a solve that does reach
        // its clock is reported as such (the run is then marked not deterministic), as before.
        // In a commune run the commune plan is the longest part, and one solve at a time (its relaxation): the
        // département parts then take one core between them, one solve at a time, so that it keeps the other.
        let width = scenario.communes == nil ? 2 : 1
        let ranges = Concurrent { [budgets, solved] in
            PostRangesRun.run(
                outcome: solved, scenario: scenario, solver: solver, options: options, budget: budgets.plan,
                width: width)
        }
        PostRangesRun.announcement(scenario: scenario).map(log)
        defer { _ = ranges.value }
        if scenario.communes != nil { _ = ranges.value }
        // A failure below ends the run: the solves still running on the other threads (the commune plan can take
        // minutes) are stopped by the budget's flag before they are waited for, so the error is reported at once.
        var assembled = false
        defer { if !assembled { budget.flag.cancel() } }
        let compared = RunReport.compare(outcome.record, inputs: inputs, baselines: baselines, log: log)
        var parts = RunReport.Parts(
            record: outcome.record, compared: compared, budgetSeconds: budget.seconds,
            mipGap: options.mipGap)
        parts.stages = outcome.stages
        // What money, the funding rule and geography each buy against 2021: seven re-solves (docs/baselines.md).
        parts.decomposition = try DecompositionRun.run(
            outcome: outcome, scenario: scenario, observed: compared.observed, solver: solver, options: options,
            width: width, log: log)
        clock.lap("comparison")
        // With waves: the sequenced plan beside this single-shot one (allocation_by_wave.csv, report sections).
        if !scenario.parameters.waves.isEmpty {
            let waves = WaveSequence.run(
                scenario, singleShot: .init(plan: outcome.record.plan, evaluation: outcome.record.evaluation),
                solver: solver, options: options, log: log,
                describe: { RunFailure($0).description })
            parts.waves = (WavesReport.csv(waves, scenario: scenario), WavesReport.markdown(waves, scenario: scenario))
            clock.lap("waves")
        }
        let analyses = try RunAnalyses.run(
            outcome: outcome, scenario: scenario, request: request, solver: solver, options: options,
            rangesWithinGap: {
                ranges.value.ranges.min { $0.tolerance < $1.tolerance }.map { within in
                    scenario.territories.map { within.byTerritory[$0.code] }
                }
            }, log: log)
        let cutShort =
            (parts.decomposition.map { RunLimitsSection.cutShort(decomposition: $0) } ?? []) + analyses.cutShort
        parts.analyses = (analyses.files, analyses.sections, cutShort)
        clock.lap("analyses")
        parts.ranges = ranges.value.ranges
        ranges.value.warning.map(log)
        clock.lap("ranges_wait")
        log(RunLimitsSection.logLine(budgetSeconds: budget.seconds, cutShort: cutShort))
        // The commune plan, solved beside everything above.
        var communes: CommuneRun.Output?
        if let (result, seconds) = communeStep?.value {
            // A signal stops the commune solve where it is: the run is interrupted (128 + the signal), not without a
            // plan (21).
            try stopIfCancelled(request)
            communes = try result.get()
            // The commune step (solve, the 2021 plan scored, its tables and map), its solve alone, and how long the
            // run waited for it after the analyses.
            communes.map { clock.record("commune_solve", $0.solveSeconds) }
            clock.record("communes", seconds)
            clock.lap("communes_wait")
        }
        parts.communes = communes.map { ($0.files, $0.section, $0.statusNote, $0.plan) }
        if outcome.timingDependence == nil, let reason = communes?.timingDependence {
            outcome.timingDependence = reason
        }
        if outcome.timingDependence == nil, budget.solvesStoppedByTime > 0 {
            // The plan was proven, but another solve (a start, an analysis, the commune plan) was stopped by a clock.
            outcome.timingDependence =
                "\(budget.solvesStoppedByTime) solve(s) of this run (starts, analyses) stopped at a time limit or the run's budget — what they published depends on how far GLPK got in the time it had"
        }
        parts.stabilitySection = StabilitySection.section(outcome)
        parts.tieBreakNote = outcome.tieBreakNote
        parts.tieBreakSummary = outcome.tieBreakSummary
        parts.timingDependence = outcome.timingDependence
        let files = RunReport.files(parts, inputs: inputs)
        clock.lap("render")
        assembled = true
        return (outcome, files, communes?.proven ?? true, communes?.plan)
    }

    /// `--warm-start`'s previous commune plan, read before the lock and the solve so that a wrong folder fails at once:
    /// missing (66), garbled (65), or a scenario without a demand table (64: there is no commune solve to start).
    private static func warmStartPlan(_ request: Request, scenario: Scenario) throws(RunFailure) -> PreviousCommunePlan?
    {
        guard let folder = request.warmStartFrom else { return nil }
        guard scenario.communes != nil else {
            throw .usage(
                "--warm-start starts the commune plan, and scenario \(scenario.parameters.name) has no demand table (tables.demand): leave it out"
            )
        }
        do {
            return try PreviousCommunePlan.read(folder)
        } catch {
            throw .input(error)
        }
    }

    private static func stopIfCancelled(_ request: Request) throws(RunFailure) {
        if request.cancellation?.isCancelled == true { throw .interrupted }
    }

    /// `repartir validate`: reads and checks the scenario, builds the model and validates it, no solve.
    public static func validate(
        _ path: String, overrides: [ParameterOverride]
    ) throws(RunFailure) -> (Scenario, AllocationModel) {
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(path, overrides: overrides)
        } catch {
            throw .input(error)
        }
        try checkBaselines(of: scenario)
        _ = try Solving.objectiveStages(for: scenario)
        _ = try reportInputs(for: scenario)
        let model = AllocationModel(scenario: scenario)
        do {
            try model.program.validate()
        } catch {
            throw .solver("the model is invalid", cause: error)
        }
        return (scenario, model)
    }

    /// The rules `run` checks against each other before solving (`ConsistencyCheck`: a floor above its cap, a budget
    /// below one post…), as `run` refuses them: exit 20 with the same message. `validate` calls it, so that it never
    /// says "valid" where `run` stops before solving (a review).
    public static func checkConsistency(_ scenario: Scenario) throws(RunFailure) {
        let problems = ConsistencyCheck.problems(in: scenario)
        if !problems.isEmpty { throw RunFailure(OnePlan.Failure.inconsistent(problems.map(\.message))) }
    }

    /// The commune model's size, before anything is built: more site–commune pairs in reach than `reach.max_pairs` is a
    /// configuration error (exit 78) naming the reach's key. The reach and the model grow with the pairs, and neither
    /// their building nor their memory waits for the run's clock or a signal: a review's 250 km run (27.8 million
    /// pairs) took 180–205 s of a 30 s budget and 11 GB, and a stop signal 140 s, before saying it had no plan. Returns
    /// the pairs counted (nil without a demand table); `validate` logs them.
    @discardableResult
    public static func checkReachSize(_ scenario: Scenario) throws(RunFailure) -> Int? {
        guard let inputs = scenario.communes else { return nil }
        let limit = inputs.maxPairs
        let count = CommuneReach.pairs(
            inputs: inputs, siteCommunes: CommuneModel.sites(of: scenario, inputs: inputs).map(\.commune),
            radiusKm: inputs.radiusKm, countingPast: limit)
        guard count > limit else { return count }
        let key = inputs.reachTable == nil ? "reach.radius_km" : "reach.max_minutes"
        let rule =
            inputs.reachTable == nil
            ? "reach.radius_km = \(String(format: "%g", inputs.radiusKm)) km"
            : "reach.max_minutes = \(String(format: "%g", inputs.reachTable!.maxMinutes)) min"
        throw .input(
            ScenarioError([
                Diagnostic(
                    .configuration, scenario.parameters.location(of: key),
                    "\(rule) puts more than reach.max_pairs = \(NumberText.grouped(limit)) site–commune pairs in reach (counted before building anything): the commune model grows with them (100 km: 5.8 million pairs, 18 million nonzeros, 5 GB, no relaxation within a minute). Lower the reach, or raise reach.max_pairs for a longer run"
                )
            ]))
    }

    /// What the inputs hold that is no error but changes the answer (`CommuneInputChecks`): the log lines of
    /// `validate`, and of `run` when it solves the commune plan (its report says the same).
    public static func inputWarnings(_ scenario: Scenario) -> [String] {
        scenario.communes.map {
            CommuneInputChecks($0, structures: scenario.structures, territories: scenario.territories).warnings()
        } ?? []
    }

    /// `repartir export-model`: the model exactly as GLPK writes it; for a staged scenario, the model of stage `stage`.
    /// `solver` solves the stages before `stage` and writes the model.
    /// `target`: the file `-o` names (checked before anything is written: it must not be one of the scenario's
    /// files); nil for stdout.
    public static func exportModel(
        _ path: String, overrides: [ParameterOverride], format: ModelFileFormat, stage: Int? = nil,
        commune: Bool = false, to file: String, target: String? = nil, solver: any LinearSolver & ModelWriter,
        log: (String) -> Void = { _ in }
    ) throws(RunFailure) {
        let (scenario, model) = try validate(path, overrides: overrides)
        // `-o` naming one of the scenario's own files would replace it with the model (a review: exit 0).
        if let target {
            try OutputPublisher.checkHoldsNone(
                of: scenario.inputFiles.map(\.path), destination: target, what: "an input of this scenario",
                example: "-o model.lp")
        }
        let program: LinearProgram
        if commune {
            try checkReachSize(scenario)
            program = try communeProgram(scenario, stage: stage, solver: solver, log: log)
        } else {
            if scenario.communes != nil {
                log(
                    "the département model (the plan of the tables by territory and structure); --commune writes the commune plan's"
                )
            }
            if !scenario.parameters.waves.isEmpty {
                // A review found the waves scenario exported without a word on which of its models this is.
                log(
                    "the single-shot model (every wave's posts placed at once, the commitments kept): the report's like-for-like comparison; the waves' own models, solved in date order by run, are not exported"
                )
            }
            program = try StageExport.program(model: model, scenario: scenario, stage: stage, solver: solver)
        }
        do {
            try solver.write(program, format: format, to: file)
        } catch {
            throw .outputIO("", cause: error)
        }
    }

    /// `export-model --commune`: the commune plan's integer model (docs/model.md, "The commune model"), to solve with
    /// another solver beside the run's bound. With `reach.stages: endow_reach,value`, the value stage's, its covering
    /// rows from the endowment stage's cover solved as the run solves it (`CommuneEndowment`); `--stage 1` writes
    /// the endowment stage's own binary model instead.
    static func communeProgram(
        _ scenario: Scenario, stage: Int?, solver: any LinearSolver, log: (String) -> Void
    ) throws(RunFailure) -> LinearProgram {
        guard let inputs = scenario.communes else {
            throw .usage(
                "--commune exports the commune model, and scenario \(scenario.parameters.name) has no demand table (tables.demand): leave it out"
            )
        }
        let stages = inputs.endowReach == nil ? 1 : 2
        if let stage, !(1...stages).contains(stage) {
            throw .usage(
                "--stage \(stage) with --commune: the commune model has \(stages == 1 ? "one stage (value): leave --stage out" : "stages 1 (endow_reach) and 2 (value)")"
            )
        }
        do {
            guard let unit = inputs.endowReach else { return CommuneModel(scenario: scenario).program }
            if stage == 1 {
                return CommuneEndowment.binaryModel(CommuneModel(scenario: scenario), scenario: scenario, unit: unit)
            }
            log("solving the endowment stage, whose cover the value stage holds")
            let cover = try CommuneEndowment.solve(
                CommuneModel(scenario: scenario, options: .init(relaxed: true)), scenario: scenario, unit: unit,
                solver: solver, options: SolverOptions(timeLimitSeconds: scenario.parameters.solver.timeLimitSeconds),
                log: log)
            return CommuneModel(scenario: scenario, options: .init(covers: cover.covered)).program
        } catch {
            throw .solver("commune model's endowment stage", cause: error)
        }
    }
}
