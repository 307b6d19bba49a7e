import AllocationModel
import Baselines
import Foundation
import LinearProgramming
import Reports
import Scenario

/// `repartir run`: load, solve, verify, then publish the run directory. Progress goes to `log`
/// (stderr in the CLI); nothing is written unless the plan was verified.
public enum RunCommand {
    public struct Request: Sendable {
        public var scenarioPath: String
        public var overrides: [ParameterOverride]
        /// `--out DIR`: the run directory, replaced by each run.
        public var outputDirectory: String?
        /// `--runs-root ROOT`: one directory per run under ROOT and the symlink ROOT/latest (exclusive with `outputDirectory`).
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

        public init(scenarioPath: String, overrides: [ParameterOverride] = [], outputDirectory: String? = nil,
                    runsRoot: String? = nil, timeLimit: Double? = nil, mipGap: Double? = nil,
                    cancellation: CancellationFlag? = nil) {
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
        public var exitCode: Int32 { outcome.record.status == .optimal && communeProven ? ExitStatus.optimal : ExitStatus.feasibleNotProven }
    }

    /// The run directory used when `--out` is not given.
    public static func defaultOutput(for scenario: Scenario) -> String { "out/\(scenario.parameters.name)" }

    /// Load → lock the destination (exit 75 if held) → solve → verify → publish atomically.
    /// `reserved` is told the destination (DIR, or ROOT/latest) once it is locked, for messages;
    /// `published`, the folder of an infeasible run's explanation (the runs log records it).
    public static func run(_ request: Request, solver: any LinearSolver,
                           log: @escaping (String) -> Void = { _ in },
                           reserved: (String) -> Void = { _ in },
                           published: (String) -> Void = { _ in }) throws(RunFailure) -> Result {
        let clock = Date()
        let runStarted = ProcessInfo.processInfo.systemUptime
        var timings: [(String, Double)] = []
        func lap(_ name: String, since start: Date) { timings.append((name, Date().timeIntervalSince(start))) }

        var start = Date()
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
        scenario = try withPreviousCommitments(scenario, request: request, log: log)
        lap("load", since: start)
        // Baseline ids, those of the stages included, are checked before solving, so a typo fails fast (exit 78).
        let baselineSpecs = try baselineSpecs(for: scenario)
        _ = try Solving.objectiveStages(for: scenario)
        // Every input is read before the lock and the solve: a damaged map drawing fails at once (exit 65).
        let geometry = try RunAnalyses.geometry(for: scenario)
        log("scenario \(scenario.parameters.name): \(scenario.territories.count) territories, \(scenario.structures.count) structures")
        try stopIfCancelled(request)

        // Lock and clean the destination before solving: a second run stops at once (75), an
        // unwritable destination is reported before a long solve (73).
        let target: OutputPublisher.Target = request.runsRoot.map { .runsRoot($0) }
            ?? .directory(request.outputDirectory ?? defaultOutput(for: scenario))
        let reservation = try OutputPublisher.reserve(target, log: log)
        reserved(reservation.destination)
        log("locked \(reservation.lock.path)")

        start = Date()
        let options = Solving.options(for: scenario, timeLimit: request.timeLimit, mipGap: request.mipGap)
        // --time-limit is the whole run's budget: every solve below goes through the budgeted solver.
        let budget = RunBudget(seconds: options.timeLimitSeconds, signal: request.cancellation, startedAt: runStarted)
        let solver = budget.solver(wrapping: solver)
        log("time budget \(Format.fixed(budget.seconds, decimals: 1)) s, \(Format.fixed(budget.remaining, decimals: 1)) s left; \(Format.fixed(budget.reserve, decimals: 1)) s kept for the comparison, report and publishing")
        let baselinePlans = BaselinePlans(baselineSpecs, scenario: scenario, budget: budget)
        var outcome: Solving.Outcome
        do {
            outcome = try Solving.solve(scenario, solver: solver, options: options, log: log)
        } catch .infeasibleExplained(let explanation) {
            // An infeasible scenario publishes its explanation (report.md, conflict.csv, repairs.csv), then exits 20.
            var files = [
                (name: "report.md", content: Data(ConflictReport.markdown(explanation, scenario: scenario).utf8)),
                (name: "conflict.csv", content: Data(ConflictReport.csv(explanation).utf8)),
                (name: "repairs.csv", content: Data(ConflictReport.repairsCSV(explanation).utf8)),
            ]
            files.append(DataPackage.file(describing: files))
            files.append((name: "manifest.json", content: Data(Manifest.renderInfeasible(scenario, explanation: explanation, solver: solver.identity, outputs: files).utf8)))
            // Its own folder under a runs root, but `latest` stays on the last run that has a plan.
            let directory = try OutputPublisher.publish(files, into: reservation, scenarioName: scenario.parameters.name,
                                                        switchesLatest: false, cancellation: request.cancellation, log: log)
            published(directory)
            log("wrote the explanation to \(directory)")
            withExtendedLifetime(reservation) {}
            throw .infeasibleExplained(explanation)
        } catch {
            throw error
        }
        timings.append(("build_model", outcome.buildSeconds))
        timings.append(("solve", outcome.result.seconds))
        // Each stage's wall time goes to the manifest, the one output that holds timings.
        timings += outcome.stages.map { ("stage_\($0.position)_\($0.name)", $0.seconds) }
        lap("build_solve_verify", since: start)
        if outcome.record.status == .interrupted || request.cancellation?.isCancelled == true {
            // A signal stops the run without publishing: the previous run stays the published one.
            // A best-effort plan is what --time-limit is for (exit 10, published).
            log("stopped by a signal: the best plan found so far (objective \(Format.fixed(outcome.record.objective, decimals: 1)), gap \(outcome.record.relativeGap.map { Format.percent($0, decimals: 4) } ?? "n/a")) is not published")
            throw .interrupted
        }
        log("plan verified: \(outcome.record.status.rawValue), objective \(Format.fixed(outcome.record.objective, decimals: 1)), gap \(outcome.record.relativeGap.map { Format.percent($0, decimals: 4) } ?? "n/a")")

        start = Date()
        var files = Tables.all(outcome.record).map { (name: $0.name, content: Data($0.content.utf8)) }
        // Each territory's range of posts among nearly optimal plans: columns of allocation_by_territory.csv, a section.
        let ranges = PostRangesRun.run(outcome: outcome, scenario: scenario, solver: solver, options: options, log: log)
        if !ranges.isEmpty, let index = files.firstIndex(where: { $0.name == "allocation_by_territory.csv" }) {
            files[index].content = Data(Tables.byTerritory(outcome.record, ranges: ranges).utf8)
        }
        if !outcome.stages.isEmpty { files.append((name: "stages.csv", content: Data(StagesTable.csv(outcome.stages).utf8))) }
        // The comparison: the optimised plan, the 2021 allocation (when the structures carry posts_2021) and the baselines.
        var compared: [(name: String, plan: Plan)] = [(name: "optimised", plan: outcome.record.plan)]
        var unplaced: [String: Int] = [:]
        var leftOut: [(name: String, reason: String)] = []
        if scenario.structures.contains(where: { ($0.posts2021 ?? 0) > 0 }) {
            compared.append((name: "2021", plan: Baselines.observed2021(scenario).plan))
        }
        for spec in baselineSpecs {
            do {
                let baseline = try baselinePlans.plan(for: spec)
                compared.append((name: baseline.name, plan: baseline.plan))
                unplaced[baseline.name] = baseline.unplacedTotal
            } catch {
                // Said in the report too, not only on stderr (silenced by -q).
                log("warning: \(error); baseline left out of the comparison")
                leftOut.append((name: spec.id, reason: "\(error)"))
            }
        }
        let threshold = scenario.parameters.comparison.coverageThreshold
        // Each compared plan is scored once; the tables, the report and the chart share the scores.
        let rows = Comparison.rows(compared, scenario: scenario, optimised: "optimised", unplaced: unplaced, coverageThreshold: threshold)
        // What money, the funding rule and geography each buy against 2021: seven re-solves (docs/baselines.md).
        let observedRow = rows.first { $0.name == "2021" }
        let decomposition = try DecompositionRun.run(outcome: outcome, scenario: scenario, observed: observedRow, solver: solver,
                                                     options: options, log: log)
        let decompositionRows = decomposition.map {
            Comparison.decompositionRows($0, scenario: scenario, optimised: rows.first, coverageThreshold: threshold)
        } ?? []
        files += Comparison.tables(rows, scenario: scenario, decomposition: decompositionRows).map { (name: $0.name, content: Data($0.content.utf8)) }
        if let decomposition, let observedRow {
            files.append((name: "decomposition.csv",
                          content: Data(DecompositionReport.csv(decomposition, scenario: scenario, observed: observedRow.evaluation).utf8)))
        }
        lap("comparison", since: start)
        start = Date()
        // With waves: the sequenced plan beside this single-shot one (allocation_by_wave.csv, report sections).
        var wavesSection = ""
        if !scenario.parameters.waves.isEmpty {
            let waves = WaveSequence.run(scenario, singleShot: outcome.record, solver: solver, options: options, log: log)
            files.append((name: "allocation_by_wave.csv", content: Data(WavesReport.csv(waves, scenario: scenario).utf8)))
            wavesSection = WavesReport.markdown(waves, scenario: scenario) + "\n"
            lap("waves", since: start)
            start = Date()
        }
        let analyses = try RunAnalyses.run(outcome: outcome, scenario: scenario, request: request, solver: solver, options: options,
                                           compared: rows, geometry: geometry, log: log,
                                           forced: ranges.first.map { (PostRangesReport.forcedPosts($0, scenario: scenario), $0.tolerance) })
        files += analyses.files
        lap("analyses", since: start)
        log(RunLimitsSection.logLine(budgetSeconds: budget.seconds, cutShort: analyses.cutShort))
        // Where people live (a demand table): the commune plan, its tables and its report section.
        let communes = try CommuneRun.run(scenario, solver: solver, options: options, log: log)
        files += communes?.files ?? []
        let communeSection = communes.map { "\n" + $0.section } ?? ""
        if outcome.timingDependence == nil, budget.solvesStoppedByTime > 0 {
            // The plan was proven, but another solve (a start, an analysis, the commune plan) was stopped by a clock.
            outcome.timingDependence = "\(budget.solvesStoppedByTime) solve(s) of this run (starts, analyses) stopped at a time limit or the run's budget — what they published depends on how far GLPK got in the time it had"
        }
        // The report lists the files this run writes: itself, the data package and the manifest come last.
        let report = MarkdownReport.render(outcome.record, files: files.map(\.name) + ["report.md", "datapackage.json", "manifest.json"]) + "\n"
            + StagesTable.section(outcome.stages)
            + StabilitySection.section(outcome)
            + RunLimitsSection.section(budgetSeconds: budget.seconds, cutShort: analyses.cutShort + (outcome.tieBreakNote.map { [$0] } ?? []),
                                       timingDependence: outcome.timingDependence)
            + Comparison.markdownSection(rows, scenario: scenario, optimised: "optimised", coverageThreshold: threshold, leftOut: leftOut,
                                         decomposition: decomposition, ranges: ranges.first)
            + PostRangesReport.section(ranges, scenario: scenario,
                                       posts: Dictionary(uniqueKeysWithValues: outcome.record.evaluation.territories.map { ($0.code, $0.posts) }),
                                       mipGap: options.mipGap)
            + "\n" + wavesSection + analyses.sections.joined(separator: "\n") + "\n" + communeSection
        files.append((name: "report.md", content: Data(report.utf8)))
        lap("render", since: start)
        timings.append(("total_before_write", Date().timeIntervalSince(clock)))
        files.append(DataPackage.file(describing: files))
        let manifest = Manifest.render(outcome, solver: solver.identity, timings: timings, outputs: files)
        files.append((name: "manifest.json", content: Data(manifest.utf8)))
        try stopIfCancelled(request)
        let directory = try OutputPublisher.publish(files, into: reservation, scenarioName: scenario.parameters.name,
                                                    cancellation: request.cancellation, log: log)
        if case .runsRoot = target {
            log("wrote \(directory); \(reservation.destination) points to it")
        } else {
            log("wrote \(directory)")
        }
        withExtendedLifetime(reservation) {}
        let summary = Tables.summaryJSON(outcome.record)
        var result = Result(outcome: outcome, directory: directory, summaryJSON: summary)
        result.communeProven = communes?.proven ?? true
        return result
    }

    private static func stopIfCancelled(_ request: Request) throws(RunFailure) {
        if request.cancellation?.isCancelled == true { throw .interrupted }
    }

    /// `repartir validate`: reads and checks the scenario, builds the model and validates it, no solve.
    public static func validate(_ path: String, overrides: [ParameterOverride]) throws(RunFailure) -> (Scenario, AllocationModel) {
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(path, overrides: overrides)
        } catch {
            throw .input(error)
        }
        _ = try baselineSpecs(for: scenario)
        _ = try Solving.objectiveStages(for: scenario)
        _ = try RunAnalyses.geometry(for: scenario)
        let model = AllocationModel(scenario: scenario)
        do {
            try model.program.validate()
        } catch {
            throw .solver("the model is invalid: \(error)")
        }
        return (scenario, model)
    }

    /// The scenario's `comparison.baselines`, parsed; a wrong id is a configuration error (exit 78).
    static func baselineSpecs(for scenario: Scenario) throws(RunFailure) -> [BaselineSpec] {
        var specs: [BaselineSpec] = []
        var written: [String: String] = [:]
        for id in scenario.parameters.comparison.baselines {
            do {
                specs.append(try BaselineSpec(parsing: id))
            } catch {
                throw .input(ScenarioError([Diagnostic(.configuration, SourceLocation(file: "comparison.baselines"), error.description)]))
            }
            // Aliases name the same baseline (sainte-lague is webster): it would be two rows of one key in plans.csv.
            if let first = written[specs.last!.id] {
                throw .input(ScenarioError([Diagnostic(.configuration, SourceLocation(file: "comparison.baselines"),
                    "'\(first)' and '\(id)' are the same baseline, \(specs.last!.id): each baseline is compared once, remove one")]))
            }
            written[specs.last!.id] = id
        }
        return specs
    }

    /// `repartir export-model`: the model exactly as GLPK writes it; for a staged scenario, the model of stage `stage`.
    /// `solver` solves the stages before `stage` and writes the model.
    public static func exportModel(_ path: String, overrides: [ParameterOverride], format: ModelFileFormat, stage: Int? = nil,
                                   to file: String, solver: any LinearSolver & ModelWriter) throws(RunFailure) {
        let (scenario, model) = try validate(path, overrides: overrides)
        let program = try StageExport.program(model: model, scenario: scenario, stage: stage, solver: solver)
        do {
            try solver.write(program, format: format, to: file)
        } catch {
            throw .outputIO("\(error)")
        }
    }
}
