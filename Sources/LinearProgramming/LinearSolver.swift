/// Anything that can solve a `LinearProgram`: GLPK today; another solver (or a fake in tests)
/// tomorrow, without the model or the pipeline changing.
public protocol LinearSolver: Sendable {
    /// Solves `program`. Throws only when the solver could not run (invalid model, solver
    /// failure); infeasible, unbounded or limit-hit outcomes are statuses in the result.
    func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult
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
