/// Anything that can solve a `LinearProgram`: GLPK today; another solver (or a fake in tests)
/// tomorrow, without the model or the pipeline changing.
public protocol LinearSolver: Sendable {
    /// Solves `program`. Throws only when the solver could not run (invalid model, solver
    /// failure); infeasible, unbounded or limit-hit outcomes are statuses in the result.
    func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult

    /// Which solver this is, for manifests and sweep fingerprints.
    var identity: SolverIdentity { get }

    /// The same solver, stopping its solves when `flag` is set. A solver that cannot be stopped
    /// returns itself (the default): only its time limits bound it.
    func stopping(on flag: CancellationFlag) -> any LinearSolver

    /// The same solver, reporting branch-and-bound progress to `progress` (on the solving thread,
    /// at most every half second). A solver that reports nothing returns itself (the default).
    func reporting(to progress: @escaping @Sendable (MIPProgress) -> Void) -> any LinearSolver
}

extension LinearSolver {
    public var identity: SolverIdentity { SolverIdentity(name: String(describing: Self.self), version: "unknown") }
    public func stopping(on flag: CancellationFlag) -> any LinearSolver { self }
    public func reporting(to progress: @escaping @Sendable (MIPProgress) -> Void) -> any LinearSolver { self }
}

/// A solver's name and version ("GLPK", "5.0"): what a run's manifest records and a sweep's
/// fingerprint hashes, so a result is tied to the solver that produced it.
public struct SolverIdentity: Sendable, Equatable {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// Anything that can write a `LinearProgram` to a model file (`repartir export-model`).
public protocol ModelWriter: Sendable {
    func write(_ program: LinearProgram, format: ModelFileFormat, to path: String) throws
}

/// Why a solver could not run, in terms a caller can act on without knowing which solver it is.
public protocol SolverError: Error, CustomStringConvertible {
    /// The solver gave up on a valid model (numerical trouble, an internal assertion), not on bad input:
    /// another formulation of the same model may solve.
    var isNumerical: Bool { get }
}

/// A branch-and-bound progress report, sent at most every half second during a MIP solve.
public struct MIPProgress: Sendable, Equatable {
    /// Objective of the best integer solution so far.
    public var incumbent: Double?
    /// Best bound over the open nodes.
    public var bound: Double?
    public var nodes: Int
    public var seconds: Double

    public init(incumbent: Double?, bound: Double?, nodes: Int, seconds: Double) {
        self.incumbent = incumbent
        self.bound = bound
        self.nodes = nodes
        self.seconds = seconds
    }

    /// Relative gap in `SolveResult.relativeGap`'s convention, when both ends are known.
    public var relativeGap: Double? {
        guard let incumbent, let bound else { return nil }
        return SolveResult.relativeGap(objective: incumbent, bound: bound)
    }
}

/// File formats a model can be exported to.
public enum ModelFileFormat: String, Sendable, Equatable, CaseIterable {
    /// CPLEX LP format.
    case lp
    /// Free (modern) MPS.
    case mps
}
