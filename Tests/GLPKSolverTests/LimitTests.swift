import Foundation
import Testing
import LinearProgramming
import GLPKSolver

/// Collects progress reports from the solving thread.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [MIPProgress] = []
    func append(_ report: MIPProgress) { lock.withLock { reports.append(report) } }
    var all: [MIPProgress] { lock.withLock { reports } }
}

@Suite("GLPKSolver: limits, progress and cancellation")
struct LimitTests {
    @Test(arguments: [true, false])
    func timeLimitWithIncumbentReportsGapAndBound(presolve: Bool) throws {
        let program = Instances.hardKnapsack()
        let result = try GLPKSolver().solve(program, options: SolverOptions(timeLimitSeconds: 1, presolve: presolve))
        #expect(result.status == .feasible)
        #expect(result.limitReached == "time limit")
        let objective = try #require(result.objective)
        let bound = try #require(result.bestBound)
        #expect(bound >= objective)  // maximisation: the bound is above the incumbent
        let gap = try #require(result.relativeGap)
        #expect(gap > 1e-4)
        #expect(abs(gap - abs(bound - objective) / (abs(objective) + Double.ulpOfOne)) < 1e-12)
        #expect(program.largestViolation(of: result.values) == nil)
        #expect(abs(program.objectiveValue(of: result.values) - objective) < 1e-6)
        #expect(try #require(result.nodes) > 0)
        #expect(result.seconds < 5)
    }

    /// A node limit stops branch-and-bound at the same node every time: the same plan, bound and node count in two
    /// solves, whatever the machine's speed or load (a time limit cannot promise that).
    @Test(arguments: [false, true])
    func nodeLimitStopsAtTheSameNodeEveryTime(presolve: Bool) throws {
        let program = Instances.hardKnapsack()
        var options = SolverOptions(timeLimitSeconds: 60, presolve: presolve)
        options.nodeLimit = 200
        let first = try GLPKSolver().solve(program, options: options)
        let second = try GLPKSolver().solve(program, options: options)
        #expect(first.status == .feasible)
        #expect(first.limitReached == "node limit")
        let nodes = try #require(first.nodes)
        #expect(nodes >= 200 && nodes < 260)
        #expect(first.status == second.status && first.nodes == second.nodes)
        #expect(
            first.objective == second.objective && first.bestBound == second.bestBound && first.values == second.values)
        let objective = try #require(first.objective), bound = try #require(first.bestBound)
        #expect(bound > objective)
        #expect(program.largestViolation(of: first.values) == nil)
    }

    /// With a 1 % gap GLPK stops early and calls its incumbent optimal within that gap.
    @Test func mipGapStopsTheSearch() throws {
        let program = Instances.hardKnapsack()
        let result = try GLPKSolver().solve(program, options: SolverOptions(timeLimitSeconds: 30, mipGap: 0.01))
        #expect(result.status == .optimal)
        #expect(result.limitReached == "mip gap")
        let objective = try #require(result.objective)
        #expect(try #require(result.bestBound) >= objective)
        #expect(try #require(result.relativeGap) <= 0.01)
        #expect(program.largestViolation(of: result.values) == nil)
        #expect(result.seconds < 10)
    }

    @Test func timeLimitWithoutIncumbentIsNoSolution() throws {
        let result = try GLPKSolver().solve(Instances.marketSplit(), options: SolverOptions(timeLimitSeconds: 0.5))
        #expect(result.status == .noSolution)
        #expect(result.limitReached == "time limit")
        #expect(result.values.isEmpty && result.objective == nil && result.relativeGap == nil)
        #expect(result.seconds < 5)
    }

    @Test func progressIsReportedDuringBranchAndBound() throws {
        let log = ProgressLog()
        let solver = GLPKSolver(progress: { log.append($0) })
        let result = try solver.solve(Instances.hardKnapsack(), options: SolverOptions(timeLimitSeconds: 1.6))
        #expect(result.status == .feasible)
        let reports = log.all
        #expect((1...4).contains(reports.count))  // about every 0.5 s
        let last = try #require(reports.last)
        #expect(last.nodes > 0)
        let incumbent = try #require(last.incumbent)
        #expect(try #require(last.bound) >= incumbent)
        #expect(try #require(last.relativeGap) > 0)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $1.seconds - $0.seconds >= 0.5 })
    }

    @Test func cancellationDuringSearchKeepsTheIncumbent() throws {
        let flag = CancellationFlag()
        let solver = GLPKSolver(progress: { _ in flag.cancel() }, cancellation: flag)
        let program = Instances.hardKnapsack()
        let result = try solver.solve(program, options: SolverOptions(timeLimitSeconds: 30))
        #expect(result.status == .interrupted)
        #expect(result.limitReached == "cancelled")
        #expect(result.seconds < 5)
        #expect(program.largestViolation(of: result.values) == nil)
        #expect(result.relativeGap != nil)
    }

    @Test(arguments: [true, false])
    func cancellationBeforeStartSolvesNothing(mip: Bool) throws {
        let flag = CancellationFlag()
        flag.cancel()
        #expect(flag.isCancelled)
        let solver = GLPKSolver(cancellation: flag)
        let result = try solver.solve(mip ? Instances.smallMIP() : Instances.smallLP(), options: SolverOptions())
        #expect(result.status == .interrupted)
        #expect(result.values.isEmpty)
        flag.reset()
        #expect(try solver.solve(Instances.smallMIP(), options: SolverOptions()).status == .optimal)
    }
}
