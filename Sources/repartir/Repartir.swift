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
        version: Manifest.repartirVersion,
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
                let entry = RunsLog.Entry(
                    exitCode: code, message: fullMessage(for: error), runFolder: nil, scenario: "", variant: nil)
                if let root = Run.rawValue(of: "--runs-root", in: arguments), !root.isEmpty {
                    RunsLog.append(entry, root: URL(fileURLWithPath: root).standardizedFileURL.path)
                }
                if arguments.contains("--json") { _ = writeAll(1, Data(entry.json.utf8)) }
            }
            exit(withError: error)
        }
    }
}
