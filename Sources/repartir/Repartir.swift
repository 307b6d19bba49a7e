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
        130 stopped by SIGINT, 143 stopped by SIGTERM (nothing published).
        """,
        version: "0.1.0",
        subcommands: [Run.self, Validate.self, ExportModel.self]
    )
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
        if !quiet { FileHandle.standardError.write(Data("repartir: \(message)\n".utf8)) }
    }
}

/// Prints the failure on stderr and exits with its code.
func fail(_ failure: RunFailure) -> Never {
    FileHandle.standardError.write(Data((failure.description + "\n").utf8))
    Foundation.exit(failure.exitCode)
}

// MARK: Signals

/// The flag GLPK polls in its branch-and-bound callback, set by the SIGINT/SIGTERM handler. A
/// global, created before the handlers are installed, as `CancellationFlag` requires.
let interruption = CancellationFlag()
/// The signal that stopped the run (0 if none), written only by the handler.
nonisolated(unsafe) var receivedSignal: sig_atomic_t = 0

/// The handler only records the signal and sets the flag (both async-signal-safe), then restores
/// the default action, so a second Ctrl-C or SIGTERM kills the process at once (publication is
/// atomic, so even that leaves the previous run intact; the next run removes the leftovers).
private func handleStopSignal(_ number: Int32) {
    receivedSignal = number
    interruption.cancel()
    _ = signal(number, SIG_DFL)
}

/// Installs the SIGINT and SIGTERM handlers (`repartir run` only): the run then stops at the next
/// branch-and-bound callback or stage boundary, publishes nothing and exits 128 + signal.
func installStopSignalHandlers() {
    _ = interruption.isCancelled  // initialise the global before a handler can touch it
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for stop in [SIGINT, SIGTERM] {
        sigaddset(&unblock, stop)
        _ = signal(stop, handleStopSignal)
    }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
}

/// Ends a run stopped by a signal: the shells' convention, 128 + the signal (130 SIGINT, 143 SIGTERM).
func failInterrupted(destination: String?) -> Never {
    let signal = receivedSignal
    let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : signal == 0 ? "a cancellation" : "signal \(signal)"
    let kept = destination.map { "; the last published run (\($0)) is untouched" } ?? ""
    FileHandle.standardError.write(Data("""
        error: stopped by \(name) before the run was published: nothing was written\(kept). \
        Run it again; to get a best-effort plan within a time budget, use --time-limit (exit 10, published).

        """.utf8))
    Foundation.exit(signal > 0 ? 128 + signal : ExitCode.interrupted)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Solve a scenario and write its run directory (CSV tables, report, manifest).")

    @OptionGroup var common: ScenarioOptions

    @Option(name: .long, help: "Run directory to write, replaced atomically (default: out/<scenario name>).")
    var out: String?

    @Option(name: .customLong("runs-root"), help: ArgumentHelp("Keep every run: write ROOT/<scenario>-<UTC time>-<hash>/ and switch the symlink ROOT/latest to it.", valueName: "ROOT"))
    var runsRoot: String?

    @Option(name: .customLong("time-limit"), help: "Solver time limit in seconds (overrides solver.time_limit_seconds).")
    var timeLimit: Double?

    @Option(name: .customLong("mip-gap"), help: "Relative MIP gap (overrides solver.mip_gap).")
    var mipGap: Double?

    @Flag(help: "Print the summary as JSON on stdout.")
    var json = false

    func validate() throws {
        if let timeLimit, !(timeLimit > 0 && timeLimit <= 86_400) { throw ValidationError("--time-limit must be in (0, 86400] seconds") }
        if let mipGap, !(mipGap >= 0 && mipGap <= 1) { throw ValidationError("--mip-gap must be in [0, 1]") }
        if out != nil && runsRoot != nil { throw ValidationError("--out and --runs-root are exclusive: give one") }
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
            if json { print(result.summaryJSON, terminator: "") }
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

    func run() throws {
        let target = output ?? FileManager.default.temporaryDirectory.appendingPathComponent("repartir-\(ProcessInfo.processInfo.processIdentifier).\(format.rawValue)").path
        let overrides = try common.overrides()
        do {
            try RunCommand.exportModel(common.scenario, overrides: overrides, format: format, to: target)
        } catch {
            fail(error)
        }
        if output == nil {
            defer { try? FileManager.default.removeItem(atPath: target) }
            if let data = FileManager.default.contents(atPath: target) { FileHandle.standardOutput.write(data) }
        } else {
            common.log("wrote \(target)")
        }
    }
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
        FileHandle.standardError.write(Data("repartir: solving… \(Int(progress.seconds)) s, best plan \(incumbent), gap \(gap), \(progress.nodes) nodes\n".utf8))
    }
}
