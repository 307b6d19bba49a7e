import LinearProgramming

/// Why GLPK could not run: outcomes such as infeasible or time limit are statuses, not errors.
/// Each case carries GLPK's own message when there is one.
public enum GLPKError: SolverError, Sendable, Equatable {
    /// Rejected by `LinearProgram.validate()` before reaching GLPK.
    case invalidModel(LinearProgramError)
    /// A `SolverOptions` value GLPK cannot take (NaN, negative…).
    case invalidOptions(String)
    /// GLPK raised a fatal error (it would have aborted the process); caught by the C guard.
    case glpkFatal(message: String)
    /// `glp_simplex`/`glp_intopt` returned a failure code (singular basis, numerical trouble…).
    case solverFailure(code: Int32, message: String)
    /// A model file could not be written.
    case ioFailure(String)
    /// The GLPK library loaded is not one repartir was built for (`GLPKVersion`).
    case unsupportedVersion(String)

    public var description: String {
        switch self {
        case .invalidModel(let error): "invalid model: \(error)"
        case .invalidOptions(let message): "invalid solver options: \(message)"
        case .glpkFatal(let message): "GLPK fatal error: \(message)"
        case .solverFailure(let code, let message): "GLPK solver failure (code \(code)): \(message)"
        case .ioFailure(let message): "cannot write model file: \(message)"
        case .unsupportedVersion(let message): message
        }
    }

    /// GLPK gave up on a valid model (an internal assertion, or a relaxation it could not solve), not on bad input.
    public var isNumerical: Bool {
        switch self {
        case .glpkFatal, .solverFailure: true
        default: false
        }
    }
}
