import Foundation
import Testing
import LinearProgramming
import GLPKSolver

/// What the pipeline uses through `any LinearSolver` without naming GLPK: the identity for manifests, the copies that
/// stop on a flag or report progress, and the errors that say "numerical".
@Suite("GLPKSolver through LinearSolver")
struct IdentityTests {
    @Test func identityIsGLPKAndTheLoadedVersion() throws {
        let identity = GLPKSolver().identity
        #expect(identity == SolverIdentity(name: "GLPK", version: GLPKSolver.version))
        #expect(identity.version.range(of: #"^\d+\.\d+"#, options: .regularExpression) != nil)
    }

    /// `stopping(on:)` keeps the progress callback (here it cancels) and polls the new flag: the search stops with its
    /// incumbent.
    @Test func stoppingOnAFlagKeepsTheProgressAndStopsTheSearch() throws {
        let flag = CancellationFlag()
        let base: any LinearSolver = GLPKSolver(progress: { _ in flag.cancel() })
        let result = try base.stopping(on: flag).solve(
            Instances.hardKnapsack(), options: SolverOptions(timeLimitSeconds: 30))
        #expect(result.status == .interrupted && result.limitReached == "cancelled")
    }

    /// `reporting(to:)` keeps the flag: set before the solve, nothing is solved.
    @Test func reportingKeepsTheFlag() throws {
        let flag = CancellationFlag()
        flag.cancel()
        let base: any LinearSolver = GLPKSolver(cancellation: flag)
        let result = try base.reporting(to: { _ in }).solve(Instances.smallMIP(), options: SolverOptions())
        #expect(result.status == .interrupted && result.values.isEmpty)
    }

    @Test func glpkGivingUpIsNumericalBadInputIsNot() {
        let numerical: [GLPKError] = [
            .glpkFatal(message: "Assertion failed"), .solverFailure(code: 5, message: "singular"),
        ]
        let input: [GLPKError] = [.invalidOptions("NaN"), .ioFailure("read-only"), .unsupportedVersion("4.65")]
        #expect(numerical.allSatisfy { ($0 as any SolverError).isNumerical })
        #expect(input.allSatisfy { !($0 as any SolverError).isNumerical })
    }
}
