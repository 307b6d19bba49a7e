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
        129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM: stopped, nothing published.
        """,
        version: "0.1.0",
        subcommands: [Run.self, Validate.self, ExportModel.self]
    )

    /// SIGPIPE is ignored before anything runs: a reader that goes away (`2>&1 | head -n 1`) must
    /// not kill a run halfway (exit 141); writes then fail with EPIPE, which `StandardError` absorbs.
    static func main() {
        _ = signal(SIGPIPE, SIG_IGN)
        main(nil)
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

    func overrides() throws -> [ParameterOverride] {
        try settings.map { text in
            guard let override = ParameterOverride(text) else {
                throw ValidationError("--set expects key=value, got '\(text)'")
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
/// The signal that stopped the run (0 if none), written only by the handler.
nonisolated(unsafe) var receivedSignal: sig_atomic_t = 0

/// The signals that stop a run like SIGTERM: SIGHUP (the terminal or the session went away) and
/// SIGQUIT (Ctrl-\\, which would otherwise dump a backtrace) too, so none of them is ever followed
/// by a publication.
let stopSignals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

/// The handler only records the signal and sets the flag (both async-signal-safe), then restores
/// the default action, so a second signal kills the process at once (publication is
/// atomic, so even that leaves the previous run intact; the next run removes the leftovers).
private func handleStopSignal(_ number: Int32) {
    receivedSignal = number
    interruption.cancel()
    _ = signal(number, SIG_DFL)
}

/// Installs the stop signals' handlers (`repartir run` only): the run then stops at the next
/// branch-and-bound callback or stage boundary, publishes nothing and exits 128 + signal.
func installStopSignalHandlers() {
    _ = interruption.isCancelled  // initialise the global before a handler can touch it
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for stop in stopSignals {
        sigaddset(&unblock, stop)
        catchUnlessIgnored(stop, handleStopSignal)
    }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
}

/// Installs `handler` for `number`, unless the signal was ignored when repartir started: `nohup
/// repartir run …` (SIGHUP ignored) must survive a logout, and a job started with `&` by a script
/// (SIGINT and SIGQUIT ignored) must not be stopped by the terminal's keys, as for any program.
func catchUnlessIgnored(_ number: Int32, _ handler: @escaping @convention(c) (Int32) -> Void) {
    let previous = signal(number, handler)
    if let previous, unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
        _ = signal(number, SIG_IGN)
    }
}

/// Ends a run stopped by a signal: the shells' convention, 128 + the signal (129 SIGHUP,
/// 130 SIGINT, 131 SIGQUIT, 143 SIGTERM).
func failInterrupted(destination: String?) -> Never {
    let signal = receivedSignal
    let names = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP", SIGQUIT: "SIGQUIT"]
    let name = names[signal] ?? (signal == 0 ? "a cancellation" : "signal \(signal)")
    let kept = destination.map { "; the last published run (\($0)) is untouched" } ?? ""
    StandardError.write("""
        error: stopped by \(name) before the run was published: nothing was written\(kept). \
        Run it again; to get a best-effort plan within a time budget, use --time-limit (exit 10, published).

        """)
    Foundation.exit(signal > 0 ? 128 + signal : ExitCode.interrupted)
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

    @Flag(help: "Print the summary as JSON on stdout.")
    var json = false

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
        let progress = ProgressReporter(enabled: !common.quiet)
        let solver = GLPKSolver(progress: { progress.report($0) }, cancellation: interruption)
        var destination: String?
        do {
            let result = try RunCommand.run(request, solver: solver, log: common.log, reserved: { destination = $0 })
            let code = json ? writeAll(1, Data(result.summaryJSON.utf8)) : 0
            if code != 0 {
                // The run is published; only its summary could not be delivered (it is summary.json too).
                common.log("warning: cannot write the --json summary to stdout: \(String(cString: strerror(code))); it is in the run directory as summary.json")
            }
            Foundation.exit(result.exitCode)
        } catch {
            if case .interrupted = error { failInterrupted(destination: destination) }
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
        let file: ModelExportFile
        do {
            file = try ModelExportFile(target: output, fileExtension: format.rawValue)
        } catch {
            fail(error)
        }
        installExportCleanup(file)
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

/// The private folder of an export, as C strings a signal handler can unlink without allocating.
nonisolated(unsafe) private var exportCleanupPaths: (file: UnsafeMutablePointer<CChar>?, folder: UnsafeMutablePointer<CChar>?) = (nil, nil)

/// On a stop signal during an export, removes its temporary file and folder (unlink and rmdir are
/// async-signal-safe), then dies of the signal as it would have.
private func removeExportAndStop(_ number: Int32) {
    if let file = exportCleanupPaths.file { unlink(file) }
    if let folder = exportCleanupPaths.folder { rmdir(folder) }
    _ = signal(number, SIG_DFL)
    raise(number)
}

func installExportCleanup(_ file: ModelExportFile) {
    exportCleanupPaths = (strdup(file.temporaryFile), strdup(file.folder))
    for stop in stopSignals { catchUnlessIgnored(stop, removeExportAndStop) }
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
