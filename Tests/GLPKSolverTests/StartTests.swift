import Testing
import LinearProgramming
@testable import GLPKSolver  // the internal keepBetter

/// MIP starts on `smallMIP` (max 5x + 4y, 6x + 4y ≤ 24, x + 2y ≤ 6, integers): by hand, the optimum is
/// 20 at (4, 0), the relaxation's bound 21 at (3, 1.5), and (3, 1) scores 19.
@Suite("GLPKSolver: MIP starts")
struct StartTests {
    @Test func aStartWithinTheGapOfTheRelaxationIsTheAnswerWithoutBranching() throws {
        // (21 − 20) / 20 = 0.05 ≤ 0.1: GLPK's own stopping rule holds at the root.
        let result = try GLPKSolver().solve(Instances.smallMIP(), options: SolverOptions(mipGap: 0.1, start: [4, 0]))
        #expect(result.startUsed)
        #expect(result.status == .optimal && result.limitReached == "mip gap")
        #expect(result.objective == 20 && result.values == [4, 0] && result.rowActivities == [24, 4])
        #expect(result.bestBound == 21 && result.nodes == 0)
    }

    @Test func aStartOutsideTheGapLetsBranchAndBoundRun() throws {
        // (21 − 19) / 19 > 0: branch-and-bound runs and proves the optimum, better than the start.
        let result = try GLPKSolver().solve(Instances.smallMIP(), options: SolverOptions(mipGap: 0, start: [3, 1]))
        #expect(!result.startUsed)
        #expect(result.objective == 20)
    }

    /// A start outside the gap of the relaxation becomes branch-and-bound's first incumbent: GLPK logs it as a
    /// heuristic solution, prunes against it and stops once its bound is within the gap of it, so a good start
    /// saves nodes, and the answer is never worse than the start.
    @Test func aStartOutsideTheGapIsTheIncumbentOfBranchAndBound() throws {
        let program = Instances.hardKnapsack(items: 25)
        let cold = try GLPKSolver().solve(program, options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
        let optimum = try #require(cold.objective)
        let warm = try GLPKSolver().solve(
            program, options: SolverOptions(timeLimitSeconds: 30, mipGap: 0, start: cold.values))
        #expect(cold.status == .optimal && warm.status == .optimal)
        #expect(warm.log.contains("Solution found by heuristic: \(Int(optimum))"))
        #expect(warm.objective == optimum)
        #expect(program.largestViolation(of: warm.values) == nil)
        #expect(try #require(warm.nodes) < (try #require(cold.nodes)))
    }

    @Test(arguments: [[5.0, 0.0], [4.0], [3.5, 1.0], [-1.0, 0.0]])
    func anInfeasibleOrMalformedStartIsIgnored(start: [Double]) throws {
        let result = try GLPKSolver().solve(Instances.smallMIP(), options: SolverOptions(mipGap: 0, start: start))
        #expect(!result.startUsed)
        #expect(result.log.hasPrefix("repartir: MIP start ignored"))
        #expect(result.status == .optimal && result.objective == 20)
    }

    @Test func aStartBetterThanWhatBranchAndBoundReturnedReplacesIt() {
        let program = Instances.smallMIP()
        var result = SolveResult(
            status: .optimal, objective: 18, bestBound: 21, relativeGap: 3.0 / 18, values: [2, 2],
            rowActivities: [20, 6])
        GLPKSolver.keepBetter([4, 0], of: program, in: &result)
        #expect(
            result.startUsed && result.objective == 20 && result.values == [4, 0] && result.rowActivities == [24, 4])
        #expect(result.bestBound == 21 && abs((result.relativeGap ?? 0) - 1.0 / 20) < 1e-12)
        // A worse start leaves the result alone.
        GLPKSolver.keepBetter([3, 1], of: program, in: &result)
        #expect(result.objective == 20 && result.values == [4, 0])
    }
}
