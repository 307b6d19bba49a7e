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

/// Options shared by every subcommand that reads a scenario.
struct ScenarioOptions: ParsableArguments {
    @Argument(help: "The scenario: a scenario.yaml file or the folder that holds it.")
    var scenario: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a parameter, e.g. --set programme.budget_eur=190000000 (repeatable).", valueName: "key=value"))
    var settings: [String] = []

    @Flag(
        name: .shortAndLong,
        help:
            "No progress messages on stderr, nor the input warnings the report carries (`validate` prints those); other warnings and errors are still printed."
    )
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

    /// Progress, unless `--quiet`; a warning always (a cron job runs with `-q`, and a run that could not record
    /// itself in runs.csv, or moved a file aside, must say so: a review found it silent). An "input warning:" (a
    /// property of the inputs the report carries, `CommuneRun`) is progress here: said on every run, it mailed a
    /// cron job every night.
    func log(_ message: String) {
        if !quiet || message.hasPrefix("warning:") { StandardError.line(message) }
    }
}

/// Prints the failure on stderr and exits with its code.
func fail(_ failure: RunFailure) -> Never {
    StandardError.write(failure.description + "\n")
    Foundation.exit(failure.exitCode)
}
