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

/// The command line: argument parsing and exit codes only; the work is in `Pipeline`.
@main
struct Repartir: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repartir",
        abstract: "Allocate publicly funded posts across territories with an auditable optimisation model.",
        discussion: """
        Exit codes: 0 optimal; 10 feasible, not proven optimal (a limit was hit); 20 infeasible scenario; \
        21 limit hit with no plan; 64 usage; 65 bad input data; 66 input missing; 70 internal or GLPK failure; \
        73 cannot create output; 74 write error; 75 another run holds the output's lock; 78 bad configuration; \
        1 (diff --fail-on-change only) the two runs differ; \
        129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM: stopped, nothing published.
        """,
        version: "0.1.0",
        subcommands: [Run.self, Validate.self, ExportModel.self, Diff.self, Sweep.self]
    )

    /// SIGPIPE is ignored before anything runs: a reader that goes away (`2>&1 | head -n 1`) must
    /// not kill a run halfway (exit 141); writes then fail with EPIPE, which `StandardError` absorbs.
    ///
    /// `--wait` alone is rewritten `--wait=inf` first (an option with an optional value), and a
    /// usage error of `run --json` still prints its status object on stdout (exit 64).
    ///
    /// The `--set` words are taken out in one pass before the parser sees them: swift-argument-parser
    /// removes each word it parses from an array, which made 20,000 overrides take minutes.
    static func main() {
        _ = signal(SIGPIPE, SIG_IGN)
        let (rest, settings) = ParameterOverride.extractSettings(from: Array(CommandLine.arguments.dropFirst()))
        ScenarioOptions.extractedSettings = settings
        let arguments = Run.expandingBareWait(rest)
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error).rawValue
            if code != 0, arguments.first == "run" {
                // A run refused before it started is an outcome too: its row in ROOT/runs.csv and its --json object.
                let entry = RunsLog.Entry(exitCode: code, message: fullMessage(for: error), runFolder: nil, scenario: "", variant: nil)
                if let root = Run.rawValue(of: "--runs-root", in: arguments), !root.isEmpty {
                    RunsLog.append(entry, root: URL(fileURLWithPath: root).standardizedFileURL.path)
                }
                if arguments.contains("--json") { _ = writeAll(1, Data(entry.json.utf8)) }
            }
            exit(withError: error)
        }
    }
}

/// stderr for every message of repartir. When the reader is gone (EPIPE) logging stops and the
/// work goes on: a run whose log nobody reads still publishes, with its usual exit code.
enum StandardError {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var closed = false

    static func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        if writeAll(2, Data(text.utf8)) != 0 { closed = true }
    }
}

/// write(2) of all of `data` to `fd`; 0, or the errno of the failure (EPIPE when the reader is gone).
func writeAll(_ fd: Int32, _ data: Data) -> Int32 {
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32 in
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }
}

/// Options shared by every subcommand that reads a scenario.
struct ScenarioOptions: ParsableArguments {
    @Argument(help: "The scenario: a scenario.yaml file or the folder that holds it.")
    var scenario: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter, e.g. --set programme.budget_eur=190000000 (repeatable).", valueName: "key=value"))
    var settings: [String] = []

    @Flag(name: .shortAndLong, help: "No progress messages on stderr.")
    var quiet = false

    /// The `--set` words `Repartir.main` took out of the command line, in order (set once, before parsing).
    nonisolated(unsafe) static var extractedSettings: [String] = []

    func overrides() throws -> [ParameterOverride] {
        try (Self.extractedSettings + settings).map { text in
            guard let override = ParameterOverride(text) else {
                throw ValidationError("--set expects key=value, got '\(Shown.value(text))'")
            }
            return override
        }
    }

    func log(_ message: String) {
        if !quiet { StandardError.write("repartir: \(message)\n") }
    }
}

/// Prints the failure on stderr and exits with its code.
func fail(_ failure: RunFailure) -> Never {
    StandardError.write(failure.description + "\n")
    Foundation.exit(failure.exitCode)
}

// MARK: Signals

/// The flag GLPK polls in its branch-and-bound callback, set by the stop signals' handler. A
/// global, created before the handlers are installed, as `CancellationFlag` requires.
let interruption = CancellationFlag()
/// The signal that stopped the run (0 if none), written only by the handler. It stores it through
/// this pointer, allocated before any handler is installed: a plain store, nothing to initialise
/// or allocate inside the handler.
nonisolated(unsafe) let receivedSignalStorage: UnsafeMutablePointer<sig_atomic_t> = {
    let storage = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
    storage.initialize(to: 0)
    return storage
}()
var receivedSignal: sig_atomic_t { receivedSignalStorage.pointee }

/// The signals that stop a run like SIGTERM: SIGHUP (the terminal or the session went away) and
/// SIGQUIT (Ctrl-\\, which would otherwise dump a backtrace) too, so none of them is ever followed
/// by a publication.
let stopSignals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

/// The handler only records the signal and sets the flag (both async-signal-safe), then restores
/// the default action, so a second signal kills the process at once (publication is
/// atomic, so even that leaves the previous run intact; the next run removes the leftovers).
private func handleStopSignal(_ number: Int32) {
    receivedSignalStorage.pointee = number
    interruption.cancel()
    _ = signal(number, SIG_DFL)
}

/// Installs the stop signals' handlers (`repartir run` only): the run then stops at the next
/// branch-and-bound callback or stage boundary, publishes nothing and exits 128 + signal.
func installStopSignalHandlers() {
    _ = interruption.isCancelled  // initialise the globals before a handler can touch them
    _ = receivedSignalStorage
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for stop in stopSignals {
        sigaddset(&unblock, stop)
        catchUnlessIgnored(stop, handleStopSignal, pause: signalSetupPause)
    }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
}

/// Installs `handler` for `number`, unless the signal was ignored when repartir started: `nohup
/// repartir run …` (SIGHUP ignored) must survive a logout, and a job started with `&` by a script
/// (SIGINT and SIGQUIT ignored) must not be stopped by the terminal's keys, as for any program.
/// The disposition is read first and the handler installed only if it is not SIG_IGN: installing
/// then restoring SIG_IGN would catch a signal sent in between. `pause` is the test hook's.
func catchUnlessIgnored(_ number: Int32, _ handler: @escaping @convention(c) (Int32) -> Void, pause: useconds_t = 0) {
    var current = sigaction()
    guard sigaction(number, nil, &current) == 0 else { return }
    if pause > 0 { usleep(pause) }
    if let installed = current.__sigaction_handler.sa_handler,
       unsafeBitCast(installed, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { return }
    var action = sigaction()
    action.__sigaction_handler.sa_handler = handler
    sigemptyset(&action.sa_mask)
    action.sa_flags = Int32(SA_RESTART)  // as signal(3) does on glibc
    _ = sigaction(number, &action, nil)
}

/// `REPARTIR_TEST_SLOW_SIGNAL_SETUP_MS=M` (tests only): sleep M ms at each step of setting up the
/// signal handlers, so a test can send a signal in the middle. repartir says on stderr when it is set.
let signalSetupPause: useconds_t = {
    guard let value = ProcessInfo.processInfo.environment["REPARTIR_TEST_SLOW_SIGNAL_SETUP_MS"].flatMap({ Int($0) }), value > 0 else { return 0 }
    StandardError.write("repartir: test hook REPARTIR_TEST_SLOW_SIGNAL_SETUP_MS=\(value) is set: setting up the signal handlers is slowed down\n")
    return useconds_t(min(value, 10_000) * 1000)
}()

/// A run stopped by a signal: its message and the shells' exit code, 128 + the signal (129 SIGHUP,
/// 130 SIGINT, 131 SIGQUIT, 143 SIGTERM).
func interruptedOutcome(destination: String?) -> (message: String, code: Int32) {
    let signal = receivedSignal
    let names = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP", SIGQUIT: "SIGQUIT"]
    let name = names[signal] ?? (signal == 0 ? "a cancellation" : "signal \(signal)")
    let kept = destination.map { "; the last published run (\($0)) is untouched" } ?? ""
    let message = """
        error: stopped by \(name) before the run was published: nothing was written\(kept). \
        Run it again; to get a best-effort plan within a time budget, use --time-limit (exit 10, published).
        """
    return (message, signal > 0 ? 128 + signal : ExitCode.interrupted)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Solve a scenario and write its run directory (CSV tables, report, manifest).")

    @OptionGroup var common: ScenarioOptions

    @Option(name: .long, help: "Run directory to write, replaced atomically (default: out/<scenario name>).")
    var out: String?

    @Option(name: .customLong("runs-root"), help: ArgumentHelp("Keep every run: write ROOT/<scenario>-<UTC time>-<hash>/ and switch the symlink ROOT/latest to it.", valueName: "ROOT"))
    var runsRoot: String?

    // .unconditional: `--time-limit -1` reads -1 as the value (then refused by validate) instead
    // of taking it for an option and saying "Missing value".
    @Option(name: .customLong("time-limit"), parsing: .unconditional, help: "Wall-clock budget of the whole run in seconds: plan first, analyses in what remains (overrides solver.time_limit_seconds, default 60).")
    var timeLimit: Double?

    @Option(name: .customLong("mip-gap"), parsing: .unconditional, help: "Relative MIP gap (overrides solver.mip_gap).")
    var mipGap: Double?

    @Flag(help: "Print a JSON object on stdout for every outcome: exit_code, status, message, run_folder (and the summary's figures for a plan).")
    var json = false

    @Option(help: ArgumentHelp("With --runs-root: after the run, keep only the N newest run folders (never the one latest points to).", valueName: "N"))
    var keep: Int?

    @Option(name: .customLong("keep-days"), help: ArgumentHelp("With --runs-root: after the run, remove run folders older than D days (never latest's).", valueName: "D"))
    var keepDays: Double?

    @Option(name: .customLong("wait"), help: ArgumentHelp("--wait[=S]: wait for another run's lock (up to S seconds; alone: until it ends) instead of exiting 75 at once.", valueName: "S"))
    var wait: String?

    @Option(help: ArgumentHelp("Sweep id, recorded in the manifest (set by a sweep).", valueName: "ID"))
    var sweep: String?

    @Option(help: ArgumentHelp("Variant id, recorded in the manifest and runs.csv (set by a sweep).", valueName: "ID"))
    var variant: String?

    func validate() throws {
        if let timeLimit, !(timeLimit > 0 && timeLimit <= 86_400) {
            throw ValidationError("--time-limit must be a number of seconds greater than 0 and at most 86400, got \(Self.shown(timeLimit)); e.g. --time-limit 60")
        }
        if let mipGap, !(mipGap >= 0 && mipGap <= 1) {
            throw ValidationError("--mip-gap must be a relative gap from 0 to 1, got \(Self.shown(mipGap)); e.g. --mip-gap 0.0001")
        }
        if out != nil && runsRoot != nil { throw ValidationError("--out and --runs-root are exclusive: give one") }
        if let out, Self.namesNoFolderOfItsOwn(out) {
            throw ValidationError("--out '\(out)' names the current folder or a parent (an unset variable gives --out ''): repartir would replace it; give a folder of its own, e.g. --out out/run")
        }
        if let runsRoot, runsRoot.isEmpty {
            throw ValidationError("--runs-root is empty (an unset variable?): give a folder, e.g. --runs-root runs")
        }
        if let keep, keep < 1 { throw ValidationError("--keep must be at least 1 (the run just made is kept), got \(keep)") }
        if let keepDays, !(keepDays > 0 && keepDays.isFinite) { throw ValidationError("--keep-days must be a number of days greater than 0, got \(Self.shown(keepDays))") }
        if (keep != nil || keepDays != nil) && runsRoot == nil { throw ValidationError("--keep and --keep-days prune a runs root: give --runs-root ROOT") }
        _ = try waitSeconds()
    }

    /// `--wait` alone (rewritten `inf` by main) waits until the lock is free; `--wait=S` up to S seconds.
    func waitSeconds() throws -> Double? {
        guard let wait else { return nil }
        if wait == "inf" { return .infinity }
        guard let seconds = Double(wait), seconds >= 0, seconds.isFinite else {
            throw ValidationError("--wait takes a number of seconds attached with '=', e.g. --wait=600, or nothing (wait until the lock is free); got '\(wait)'")
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

    static func shown(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    func run() throws {
        let common = self.common
        installStopSignalHandlers()
        let request = RunCommand.Request(scenarioPath: common.scenario, overrides: try common.overrides(),
                                         outputDirectory: out, runsRoot: runsRoot, timeLimit: timeLimit, mipGap: mipGap,
                                         cancellation: interruption)
        Invocation.current = Invocation(commandLine: CommandLine.arguments, sweepID: sweep, variantID: variant,
                                        lockWaitSeconds: try waitSeconds(), cancellation: interruption)
        let progress = ProgressReporter(enabled: !common.quiet)
        let solver = GLPKSolver(progress: { progress.report($0) }, cancellation: interruption)
        var destination: String?
        var explanation: String?
        do {
            let result = try RunCommand.run(request, solver: solver, log: common.log, reserved: { destination = $0 },
                                            published: { explanation = $0 })
            let message = runsRoot == nil ? "published \(result.directory)" : "published \(result.directory); latest points to it"
            finish(result.exitCode, message: message, folder: result.directory, summary: result.summaryJSON)
        } catch {
            if case .interrupted = error {
                let (message, code) = interruptedOutcome(destination: destination)
                StandardError.write(message + "\n")
                finish(code, message: message, folder: nil)
            }
            StandardError.write(error.description + "\n")
            let kept = runsRoot != nil && explanation != nil ? " (latest was not moved: it stays on the last run with a plan)" : ""
            finish(error.exitCode, message: error.description + kept, folder: explanation)
        }
    }

    /// Every outcome ends here: its row in ROOT/runs.csv and the pruning (with --runs-root), its
    /// object on stdout (with --json: the summary for a plan, else the status object), its exit code.
    func finish(_ code: Int32, message: String, folder: String?, summary: String? = nil) -> Never {
        let entry = RunsLog.Entry(exitCode: code, message: message, runFolder: folder,
                                  scenario: Self.scenarioLabel(common.scenario), variant: variant, time: Invocation.current.startedAt)
        if let runsRoot {
            let root = URL(fileURLWithPath: runsRoot).standardizedFileURL.path
            RunsLog.append(entry, root: root, log: common.log)
            if code != ExitCode.locked {
                RunsRetention.prune(root: root, policy: .init(keep: keep, keepDays: keepDays), log: common.log)
            }
        }
        if json {
            let written = writeAll(1, Data((summary.map(entry.json(extending:)) ?? entry.json).utf8))
            if written != 0 && summary != nil {
                // The run is published; only its summary could not be delivered (it is summary.json too).
                common.log("warning: cannot write the --json summary to stdout: \(String(cString: strerror(written))); it is in the run directory as summary.json")
            }
        }
        Foundation.exit(code)
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What changed between two run folders: inputs, headline figures, the territories and structures whose posts moved.",
        discussion: "Prints the Markdown page on stdout, or writes diff.md, changes.csv, input_changes.csv, summary_changes.csv and datapackage.json into --out DIR. Exit 0 whether or not something changed (1 with --fail-on-change when it did); 66 or 65 when a folder is not a run.")

    @Argument(help: "Two run folders, A (before) then B (after).")
    var runs: [String] = []

    @Option(name: .customLong("runs-root"), help: ArgumentHelp("Compare runs of ROOT/runs.csv instead of two folders (with --last).", valueName: "ROOT"))
    var runsRoot: String?

    @Option(help: ArgumentHelp("With --runs-root: compare the N-th last run that has a plan with the last one (default 2: the last two).", valueName: "N"))
    var last: Int?

    @Option(help: "Write the diff folder DIR (replaced atomically) instead of printing the page.")
    var out: String?

    @Flag(name: .customLong("fail-on-change"), help: "Exit 1 when the runs differ (for a test or a gate; a diff is a report otherwise).")
    var failOnChange = false

    @Flag(name: .shortAndLong, help: "No progress messages on stderr.")
    var quiet = false

    func validate() throws {
        if runsRoot == nil && runs.count != 2 { throw ValidationError("give two run folders (repartir diff A B), or --runs-root ROOT --last 2") }
        if runsRoot != nil && !runs.isEmpty { throw ValidationError("give either two run folders or --runs-root, not both") }
        if last != nil && runsRoot == nil { throw ValidationError("--last compares runs of a runs root: give --runs-root ROOT") }
        if let last, last < 2 { throw ValidationError("--last must be at least 2 (the last two runs), got \(last)") }
        if let out, Run.namesNoFolderOfItsOwn(out) { throw ValidationError("--out '\(out)' names the current folder or a parent; give a folder of its own, e.g. --out out/diff") }
    }

    func run() throws {
        do throws(RunFailure) {
            let (a, b) = runsRoot.map { _ in ("", "") } ?? (runs[0], runs[1])
            let pair = try runsRoot.map { root throws(RunFailure) in try RunDiff.lastRuns(root: root, count: last ?? 2) } ?? (a, b)
            let diff = RunDiff(try RunDiff.load(pair.0), try RunDiff.load(pair.1))
            let files = RunDiffReport.files(diff)
            if let out {
                try OutputPublisher.publish(files, to: out)
                if !quiet { StandardError.write("repartir: wrote \(out)\(diff.hasChanges ? "" : " (no change)")\n") }
            } else if let page = files.first(where: { $0.name == "diff.md" }) {
                _ = writeAll(1, page.content)
            }
            Foundation.exit(failOnChange && diff.hasChanges ? 1 : 0)
        } catch {
            fail(error)
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read and check a scenario and build its model, without solving.")

    @OptionGroup var common: ScenarioOptions

    func run() throws {
        let overrides = try common.overrides()
        do {
            let (scenario, model) = try RunCommand.validate(common.scenario, overrides: overrides)
            common.log("\(scenario.parameters.name) is valid: \(scenario.territories.count) territories, \(scenario.structures.count) structures, model of \(model.program.variables.count) variables and \(model.program.constraints.count) constraints")
        } catch {
            fail(error)
        }
    }
}

struct ExportModel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export-model", abstract: "Write the model as GLPK writes it (CPLEX LP or free MPS).")

    @OptionGroup var common: ScenarioOptions

    @Option(help: "lp or mps.")
    var format: ModelFileFormat = .lp

    @Option(name: .shortAndLong, help: "File to write (default: stdout).")
    var output: String?

    @Option(help: "With objective.stages: the stage to export (1 = first), the earlier stages solved and held at their values.")
    var stage: Int?

    func run() throws {
        let overrides = try common.overrides()
        // GLPK writes into a private folder (never a predictable name in /tmp); it is removed on
        // every path: failure, success, a closed stdout, and a stop signal (installExportCleanup).
        // The handlers go first (with no path yet) and the stop signals are held while the folder
        // is made and its paths recorded: a stop signal at any moment finds the folder recorded or
        // not yet made, never made and unknown to the handler.
        installExportCleanup()
        let previousMask = blockStopSignals()
        let file: ModelExportFile
        do {
            file = try ModelExportFile(target: output, fileExtension: format.rawValue)
        } catch {
            restoreSignalMask(previousMask)
            fail(error)
        }
        if signalSetupPause > 0 { usleep(signalSetupPause) }
        recordExportCleanup(file)
        restoreSignalMask(previousMask)
        do throws(RunFailure) {
            try RunCommand.exportModel(common.scenario, overrides: overrides, format: format, stage: stage, to: file.temporaryFile)
            if output != nil {
                try file.commit()
                common.log("wrote \(file.target ?? "")")
                return
            }
            let data = try file.takeContents()
            let code = writeAll(1, data)
            if code != 0 {
                let why = code == EPIPE ? " (the reader went away)" : ""
                throw RunFailure.outputIO("cannot write the model to stdout: \(String(cString: strerror(code)))\(why); no temporary file is left.")
            }
        } catch {
            file.discard()
            fail(error)
        }
    }
}

/// The private folder of an export and the file in it, as C strings the signal handler can remove
/// with plain loads: preallocated and empty (first byte 0) before the handlers are installed.
private let exportPathCapacity = Int(PATH_MAX) + 1
nonisolated(unsafe) private let exportCleanupFile = emptyPathBuffer()
nonisolated(unsafe) private let exportCleanupFolder = emptyPathBuffer()

private func emptyPathBuffer() -> UnsafeMutablePointer<CChar> {
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: exportPathCapacity)
    buffer.initialize(repeating: 0, count: exportPathCapacity)
    return buffer
}

/// On a stop signal during an export, removes its temporary file and folder if recorded yet
/// (unlink and rmdir are async-signal-safe), then dies of the signal as it would have.
private func removeExportAndStop(_ number: Int32) {
    if exportCleanupFile[0] != 0 { unlink(exportCleanupFile) }
    if exportCleanupFolder[0] != 0 { rmdir(exportCleanupFolder) }
    _ = signal(number, SIG_DFL)
    raise(number)
}

/// Installs the export's stop handlers, with no path recorded yet.
func installExportCleanup() {
    _ = exportCleanupFile
    _ = exportCleanupFolder
    for stop in stopSignals { catchUnlessIgnored(stop, removeExportAndStop) }
}

/// Records the paths for the handler; call with the stop signals blocked (`blockStopSignals`).
func recordExportCleanup(_ file: ModelExportFile) {
    for (path, buffer) in [(file.temporaryFile, exportCleanupFile), (file.folder, exportCleanupFolder)] {
        let bytes = Array(path.utf8CString)
        guard bytes.count <= exportPathCapacity else { continue }
        for (index, byte) in bytes.enumerated() { buffer[index] = byte }
    }
}

/// Blocks the stop signals in this thread; returns the mask to restore.
func blockStopSignals() -> sigset_t {
    var stops = sigset_t(), previous = sigset_t()
    sigemptyset(&stops)
    for stop in stopSignals { sigaddset(&stops, stop) }
    pthread_sigmask(SIG_BLOCK, &stops, &previous)
    return previous
}

func restoreSignalMask(_ mask: sigset_t) {
    var mask = mask
    pthread_sigmask(SIG_SETMASK, &mask, nil)
}

extension ModelFileFormat: ExpressibleByArgument {}

/// Throttled solver progress on stderr, for solves that take more than a moment.
final class ProgressReporter: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var last = Date.distantPast

    init(enabled: Bool) { self.enabled = enabled }

    func report(_ progress: MIPProgress) {
        guard enabled, progress.seconds >= 1 else { return }
        lock.lock()
        defer { lock.unlock() }
        guard Date().timeIntervalSince(last) >= 1 else { return }
        last = Date()
        let incumbent = progress.incumbent.map { String(format: "%.1f", $0) } ?? "none yet"
        let gap = progress.relativeGap.map { String(format: "%.4f %%", $0 * 100) } ?? "n/a"
        StandardError.write("repartir: solving… \(Int(progress.seconds)) s, best plan \(incumbent), gap \(gap), \(progress.nodes) nodes\n")
    }
}
