import ArgumentParser
import Foundation
import GLPKSolver
import LinearProgramming
import Pipeline
import Scenario
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve a scenario and write its run directory (CSV tables, report, manifest).")

    @OptionGroup var common: ScenarioOptions

    @Option(name: .long, help: "Run directory to write, replaced atomically (default: out/<scenario name>).")
    var out: String?

    @Option(
        name: .customLong("runs-root"),
        help: ArgumentHelp(
            "Keep every run: write ROOT/<scenario>-<UTC time>-<hash>/ and switch the symlink ROOT/latest to it.",
            valueName: "ROOT"))
    var runsRoot: String?

    // .unconditional: `--time-limit -1` reads -1 as the value (then refused by validate) instead
    // of taking it for an option and saying "Missing value".
    @Option(
        name: .customLong("time-limit"), parsing: .unconditional,
        help:
            "Wall-clock budget of the whole run in seconds: plan first, analyses in what remains (overrides solver.time_limit_seconds, default 60).",
        transform: { try Self.decimal($0, "--time-limit") })
    var timeLimit: Double?

    @Option(
        name: .customLong("mip-gap"), parsing: .unconditional, help: "Relative MIP gap (overrides solver.mip_gap).",
        transform: { try Self.decimal($0, "--mip-gap") })
    var mipGap: Double?

    @Flag(
        help:
            "Print a JSON object on stdout for every outcome: exit_code, status, message, run_folder (and the summary's figures for a plan)."
    )
    var json = false

    // .unconditional: `--keep -1` reads -1 as the value (then refused by validate), as --time-limit does.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "With --runs-root: after the run, keep only the N newest run folders (never the one latest points to).",
            valueName: "N"))
    var keep: Int?

    @Option(
        name: .customLong("keep-days"), parsing: .unconditional,
        help: ArgumentHelp(
            "With --runs-root: after the run, remove run folders older than D days (never latest's).", valueName: "D"),
        transform: { try Self.decimal($0, "--keep-days") })
    var keepDays: Double?

    @Option(
        name: .customLong("wait"),
        help: ArgumentHelp(
            "--wait[=S]: wait for another run's lock (up to S seconds; alone: until it ends) instead of exiting 75 at once.",
            valueName: "S"))
    var wait: String?

    @Option(
        name: .customLong("commitments-from"),
        help: ArgumentHelp(
            "Take a previous run's plan (its allocation_by_structure.csv) as the commitments, so this plan extends it.",
            valueName: "RUN_FOLDER"))
    var commitmentsFrom: String?

    @Option(
        name: .customLong("commitments-mode"),
        help: ArgumentHelp(
            "With --commitments-from: locked (the previous posts stay exactly; default) or min (they may grow).",
            valueName: "locked|min"))
    var commitmentsMode: String?

    @Option(
        name: .customLong("warm-start"),
        help: ArgumentHelp(
            "Start the commune plan from a previous run of a variant (its sites.csv): its posts, repaired into this scenario's rules, and its prices for the bound, instead of the LP relaxation.",
            valueName: "RUN_FOLDER"))
    var warmStart: String?

    @Option(help: ArgumentHelp("Sweep id, recorded in the manifest (set by a sweep).", valueName: "ID"))
    var sweep: String?

    @Option(help: ArgumentHelp("Variant id, recorded in the manifest and runs.csv (set by a sweep).", valueName: "ID"))
    var variant: String?

    func validate() throws {
        if let timeLimit, !(timeLimit > 0 && timeLimit <= 86_400) {
            throw ValidationError(
                "--time-limit must be a number of seconds greater than 0 and at most 86400, got \(Self.shown(timeLimit)); e.g. --time-limit 60"
            )
        }
        if let mipGap, !(mipGap >= 0 && mipGap <= 1) {
            throw ValidationError(
                "--mip-gap must be a relative gap from 0 to 1, got \(Self.shown(mipGap)); e.g. --mip-gap 0.0001")
        }
        if out != nil && runsRoot != nil { throw ValidationError("--out and --runs-root are exclusive: give one") }
        if let commitmentsMode, !["locked", "min"].contains(commitmentsMode) {
            throw ValidationError("--commitments-mode must be locked or min, got '\(commitmentsMode)'")
        }
        if commitmentsMode != nil && commitmentsFrom == nil {
            throw ValidationError("--commitments-mode goes with --commitments-from RUN_FOLDER")
        }
        if let out, Self.namesNoFolderOfItsOwn(out) {
            throw ValidationError(
                "--out '\(out)' names the current folder or a parent (an unset variable gives --out ''): repartir would replace it; give a folder of its own, e.g. --out out/run"
            )
        }
        if let runsRoot, runsRoot.isEmpty {
            throw ValidationError("--runs-root is empty (an unset variable?): give a folder, e.g. --runs-root runs")
        }
        if let keep, keep < 1 {
            throw ValidationError("--keep must be at least 1 (the run just made is kept), got \(keep)")
        }
        if let keepDays, !(keepDays > 0 && keepDays.isFinite) {
            throw ValidationError("--keep-days must be a number of days greater than 0, got \(Self.shown(keepDays))")
        }
        if (keep != nil || keepDays != nil) && runsRoot == nil {
            throw ValidationError("--keep and --keep-days prune a runs root: give --runs-root ROOT")
        }
        _ = try waitSeconds()
    }

    /// `--wait` alone (rewritten `inf` by main) waits until the lock is free; `--wait=S` up to S seconds.
    func waitSeconds() throws -> Double? { try Self.waitSeconds(wait) }

    /// `--wait`'s value as seconds (`run` and `sweep`): nil without it, infinity alone.
    static func waitSeconds(_ wait: String?) throws -> Double? {
        guard let wait else { return nil }
        if wait == "inf" { return .infinity }
        guard let seconds = Double(wait), seconds >= 0, seconds.isFinite else {
            throw ValidationError(
                "--wait takes a number of seconds attached with '=', e.g. --wait=600, or nothing (wait until the lock is free); got '\(wait)'"
            )
        }
        return seconds
    }

    /// `--wait` alone becomes `--wait=inf` (before a `--`): the parser has no option with an optional value.
    static func expandingBareWait(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var literal = false
        for argument in arguments {
            if argument == "--" { literal = true }
            result.append(!literal && argument == "--wait" ? "--wait=inf" : argument)
        }
        return result
    }

    /// The value of `--name VALUE` or `--name=VALUE` in raw arguments (before a `--`), for a command
    /// line the parser refused.
    static func rawValue(of name: String, in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { return nil }
            if argument == name { return index + 1 < arguments.count ? arguments[index + 1] : nil }
            if argument.hasPrefix(name + "=") { return String(argument.dropFirst(name.count + 1)) }
        }
        return nil
    }

    /// What runs.csv calls a scenario that failed before its name was read: its folder's name.
    static func scenarioLabel(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let isFile = ["yaml", "yml"].contains(url.pathExtension.lowercased())
        return (isFile ? url.deletingLastPathComponent() : url).standardizedFileURL.lastPathComponent
    }

    /// "", ".", "..", "a/.", "a/..", "/" (with or without trailing slashes): a path that names no
    /// folder of its own, whose replacement would delete the current folder or a parent.
    static func namesNoFolderOfItsOwn(_ path: String) -> Bool {
        let last = path.split(separator: "/").last
        return last == nil || last == "." || last == ".."
    }

    /// A number written as the scenario's are (`NumberText.decimal`): a review found `--time-limit 0x10` run as 16 s.
    static func decimal(_ text: String, _ option: String) throws -> Double {
        guard let value = NumberText.decimal(text) else {
            throw ValidationError("\(option) must be a decimal number, got '\(text)'")
        }
        return value
    }

    static func shown(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    func run() throws {
        let common = self.common
        installStopSignalHandlers()
        var request = RunCommand.Request(
            scenarioPath: common.scenario, overrides: try common.overrides(),
            outputDirectory: out, runsRoot: runsRoot, timeLimit: timeLimit, mipGap: mipGap,
            cancellation: interruption)
        request.commitmentsFrom = commitmentsFrom
        request.warmStartFrom = warmStart
        request.commitmentsMode = commitmentsMode.flatMap(Commitment.Mode.init(rawValue:)) ?? .locked
        Invocation.current = Invocation(
            commandLine: CommandLine.arguments, sweepID: sweep, variantID: variant,
            lockWaitSeconds: try waitSeconds(), cancellation: interruption)
        let progress = ProgressReporter(enabled: !common.quiet)
        let solver = GLPKSolver(progress: { progress.report($0) }, cancellation: interruption)
        var destination: String?
        var explanation: String?
        var scenarioName: String?
        do {
            let result = try RunCommand.run(
                request, solver: solver, log: common.log, reserved: { destination = $0 },
                published: { explanation = $0 }, named: { scenarioName = $0 })
            let message =
                runsRoot == nil ? "published \(result.directory)" : "published \(result.directory); latest points to it"
            finish(
                result.exitCode, message: message, folder: result.directory, summary: result.summaryJSON,
                scenario: scenarioName)
        } catch {
            if case .interrupted = error {
                let (message, code) = interruptedOutcome(destination: destination)
                StandardError.write(message + "\n")
                finish(code, message: message, folder: nil, scenario: scenarioName)
            }
            StandardError.write(error.description + "\n")
            let kept =
                runsRoot != nil && explanation != nil
                ? " (latest was not moved: it stays on the last run with a plan)" : ""
            finish(error.exitCode, message: error.description + kept, folder: explanation, scenario: scenarioName)
        }
    }

    /// Every outcome ends here: its row in ROOT/runs.csv and the pruning (with --runs-root), its
    /// object on stdout (with --json: the summary for a plan, else the status object), its exit code.
    /// `scenario`: the scenario's own name once it was read (its folder's name otherwise).
    func finish(
        _ code: Int32, message: String, folder: String?, summary: String? = nil, scenario: String? = nil
    ) -> Never {
        let entry = RunsLog.Entry(
            exitCode: code, message: message, runFolder: folder,
            scenario: scenario ?? Self.scenarioLabel(common.scenario), variant: variant,
            time: Invocation.current.startedAt)
        if let runsRoot {
            let root = URL(fileURLWithPath: runsRoot).standardizedFileURL.path
            RunsLog.append(entry, root: root, log: common.log)
            if code != ExitStatus.locked {
                RunsRetention.prune(root: root, policy: .init(keep: keep, keepDays: keepDays), log: common.log)
            }
        }
        if json {
            let written = writeAll(1, Data((summary.map(entry.json(extending:)) ?? entry.json).utf8))
            if written != 0 && summary != nil {
                // The run is published; only its summary could not be delivered (it is summary.json too).
                common.log(
                    "warning: cannot write the --json summary to stdout: \(String(cString: strerror(written))); it is in the run directory as summary.json"
                )
            }
        }
        Foundation.exit(code)
    }
}
