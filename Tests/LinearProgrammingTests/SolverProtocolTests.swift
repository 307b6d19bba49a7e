import Testing
import LinearProgramming

/// The solver-free parts of `LinearSolver`: a solver that says nothing of itself, cannot be stopped and reports nothing
/// is still usable through the protocol's defaults; the cancellation flag holds its state.
@Suite("LinearSolver defaults and the cancellation flag")
struct SolverProtocolTests {
    struct Silent: LinearSolver {
        func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
            SolveResult(status: .noSolution)
        }
    }

    @Test func defaultsNameTheTypeAndReturnTheSolverItself() {
        let solver: any LinearSolver = Silent()
        #expect(solver.identity == SolverIdentity(name: "Silent", version: "unknown"))
        #expect(solver.stopping(on: CancellationFlag()) is Silent)
        #expect(solver.reporting(to: { _ in }) is Silent)
    }

    @Test func theFlagIsSetAndCleared() {
        let flag = CancellationFlag()
        #expect(!flag.isCancelled)
        flag.cancel()
        #expect(flag.isCancelled)
        flag.cancel()
        #expect(flag.isCancelled)
        flag.reset()
        #expect(!flag.isCancelled)
    }
}
