import AllocationModel
import Foundation
import LinearProgramming
import Scenario
import Studies

/// Why a run published nothing, each with the exit code a cron job can act on (docs/exit-codes in README).
public enum RunFailure: Error, CustomStringConvertible {
    case input(ScenarioError)
    case infeasible(String)
    /// The model has no solution; the explanation says which rules conflict and the smallest repair.
    case infeasibleExplained(InfeasibilityExplanation)
    case noSolution(String)
    case interrupted
    /// A solve failed: what was being done, and the solver's own error when there is one.
    case solver(String, cause: (any Error)? = nil)
    case rejectedPlan(String)
    case cannotCreateOutput(String)
    /// Writing failed: what was being written, and the underlying error when there is one.
    case outputIO(String, cause: (any Error)? = nil)
    /// Another run holds the output directory's lock.
    case locked(String)
    /// The command cannot do what was asked as asked (e.g. export a staged model without `--stage`).
    case usage(String)

    public var exitCode: Int32 {
        switch self {
        case let .input(error):
            switch error.category {
            case .data: return ExitStatus.dataError
            case .missingFile: return ExitStatus.inputMissing
            case .configuration: return ExitStatus.configuration
            }
        case .infeasible, .infeasibleExplained: return ExitStatus.infeasible
        case .noSolution: return ExitStatus.noSolution
        case .interrupted: return ExitStatus.interrupted
        case .solver, .rejectedPlan: return ExitStatus.internalError
        case .cannotCreateOutput: return ExitStatus.cannotCreateOutput
        case .outputIO: return ExitStatus.ioError
        case .locked: return ExitStatus.locked
        case .usage: return ExitStatus.usage
        }
    }

    public var description: String {
        switch self {
        case let .input(error): return error.description
        case let .infeasible(message): return "error: infeasible scenario: \(message)"
        case let .infeasibleExplained(explanation):
            var lines = ["error: infeasible scenario: no plan satisfies every rule at once."]
            lines += explanation.repairs.map {
                "  repair: \($0.sentence)" + ($0.override.map { " (--set \($0))" } ?? "")
            }
            lines.append("  conflicting rules (dropping any one of them removes the conflict):")
            lines += explanation.conflict.map { "    \($0.constraint): \($0.description)" }
            return lines.joined(separator: "\n")
        case let .noSolution(message): return "error: no plan found: \(message)"
        case .interrupted: return "error: interrupted; nothing was published and the previous run is untouched"
        case let .solver(message, cause): return "error: solver failure: \(message)" + (cause.map { ": \($0)" } ?? "")
        case let .rejectedPlan(message):
            return "error: the solver's plan was refused by the verifier (a bug, nothing was published): \(message)"
        case let .cannotCreateOutput(message): return "error: cannot create the output: \(message)"
        case let .outputIO(message, cause):
            return "error: writing the output failed: \(message)"
                + (cause.map { message.isEmpty ? "\($0)" : ": \($0)" } ?? "")
        case let .locked(message): return "error: another run is active: \(message)"
        case let .usage(message): return "error: \(message)"
        }
    }
}

/// The exit codes of repartir (sysexits.h where one fits). Not `ExitCode`: that is ArgumentParser's type.
public enum ExitStatus {
    public static let optimal: Int32 = 0
    public static let feasibleNotProven: Int32 = 10
    public static let infeasible: Int32 = 20
    public static let noSolution: Int32 = 21
    public static let usage: Int32 = 64
    public static let dataError: Int32 = 65
    public static let inputMissing: Int32 = 66
    public static let internalError: Int32 = 70
    public static let cannotCreateOutput: Int32 = 73
    public static let ioError: Int32 = 74
    public static let locked: Int32 = 75
    public static let configuration: Int32 = 78
    /// Interrupted by SIGTERM: 128 + 15, as shells report it (the CLI exits 130 = 128 + 2 for SIGINT).
    public static let interrupted: Int32 = 143
}

extension String {
    /// The text with its control characters (C0, DEL, C1: ESC, CR, BEL…) written as `\u{1B}`, so
    /// a name or a line read from a file cannot drive the terminal or forge a line of a message.
    public var neutralisingControlCharacters: String {
        var result = ""
        for scalar in unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
