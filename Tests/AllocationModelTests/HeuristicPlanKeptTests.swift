import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
@testable import Studies  // OnePlan.solveWithHeuristic
import Testing

/// The main solve when GLPK ends without a plan after the primal heuristic found one (`OnePlan.solveWithHeuristic`):
/// the heuristic's plan stands, `feasible`, with the relaxation's bound. A fresh-clone CI run found a debug build on a
/// loaded machine whose heuristic took 1.8 s of a 5 s budget: the budget left GLPK no time to start, and the run said
/// "no plan found" (exit 21) with a verified plan in hand.
@Suite struct HeuristicPlanKeptTests {
    /// GLPK for linear programs (the heuristic's relaxation); every mixed-integer solve skipped, as the run's budget
    /// does when no time is left.
    struct NoTimeForBranchAndBound: LinearSolver {
        var identity: SolverIdentity { SolverIdentity(name: "no-time", version: "0") }
        func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
            guard program.isMixedInteger else { return try GLPKSolver().solve(program, options: options) }
            return SolveResult(status: .noSolution, limitReached: "skipped: no time left")
        }
    }

    @Test func theHeuristicsPlanStandsWhenGLPKHasNoTime() throws {
        let scenario = try ScenarioLoader.load(Fixtures.defaultScenarioPath)
        let model = AllocationModel(scenario: scenario)
        // A zero gap: the heuristic's plan (3.6 × 10⁻⁵ from its bound) is not an answer by itself, so GLPK is called.
        let options = SolverOptions(timeLimitSeconds: 60, mipGap: 0)
        // The main solve's search, with its last step (`payForGains`).
        let heuristic = try #require(
            PrimalHeuristic.plan(for: model, solver: GLPKSolver(), options: options, payForGains: true))
        #expect(heuristic.gap > 0)
        let result = try OnePlan.solveWithHeuristic(
            model, solver: NoTimeForBranchAndBound(), options: options, log: { _ in })
        #expect(result.status == .feasible)
        #expect(result.limitReached == "skipped: no time left")
        #expect(result.values == heuristic.values)
        #expect(result.objective == heuristic.objective)
        let bound = try #require(result.bestBound)
        #expect(abs(bound - heuristic.relaxationBound) <= 1e-9 * abs(bound))
        #expect(model.program.largestViolation(of: result.values, tolerance: 1e-6) == nil)
        // A plan every rule of the scenario keeps, as the run's verifier checks it.
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        try PlanVerifier.verify(plan, scenario: scenario)
    }

    /// The re-solves around the plan (robustness, decomposition, sensitivity) keep it too: the heuristic's plan, not
    /// "skipped: no time left" with nothing, when GLPK is given no time after the heuristic found one.
    @Test func aReSolveKeepsTheHeuristicsPlanWhenGLPKHasNoTime() throws {
        let scenario = try ScenarioLoader.load(Fixtures.defaultScenarioPath)
        let model = AllocationModel(scenario: scenario)
        let options = SolverOptions(timeLimitSeconds: 60, mipGap: 0)
        let heuristic = try #require(
            PrimalHeuristic.plan(for: model, solver: GLPKSolver(), options: options, timeLimitSeconds: 2))
        #expect(heuristic.gap > 0)
        let result = try HeuristicFirst.solve(model, solver: NoTimeForBranchAndBound(), options: options)
        #expect(result.status == .feasible)
        #expect(result.hasSolution)
        #expect(result.limitReached == "skipped: no time left")
        #expect(result.objective == heuristic.objective)
        let bound = try #require(result.bestBound)
        #expect(abs(bound - heuristic.relaxationBound) <= 1e-9 * abs(bound))
        #expect(model.program.largestViolation(of: result.values, tolerance: 1e-6) == nil)
    }
}
