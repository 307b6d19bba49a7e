import Foundation
import AllocationModel
import GLPKSolver
import LinearProgramming
@testable import Studies  // the internal max-min start and the frontier's monotone check
import Testing

/// The frontier's starts: the max-min solve starts from the primal heuristic's plan under coverage floors at the
/// relaxation's z, which the relaxation then proves at the root; every ε point reports what its own solves proved.
@Suite struct FrontierStartTests {
    /// A needs 1,000 people and its hosts take 2 posts (24 people each with 12 people a post-year over 24 months: 48
    /// people, 4.8 %); B needs 100 and takes up to 10; 10 posts, the budget (10 × €24,000) binds nothing.
    /// By hand: A's ratio is at most 48/1,000 = 0.048 in any plan, integer or not, so the max-min relaxation's optimum
    /// is 0.048 (B reaches it with 4.8 people, a fraction of one post), and the integer plan A = 2, B = 8 reaches it:
    /// z* = 0.048, proven by the relaxation alone. Coverage at any floor ε ≤ z*: A gives at most 48, B at most its need
    /// 100, and A = 2, B ≥ 5 reaches both: 148 at every point, again the relaxation's bound.
    @Test func theMaxminStartIsProvenAtTheRootAndEveryPointIsOptimal() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 1000), .init(code: "B", need: 100)],
            hosts: [.init(id: "a", territory: "A", capacity: 2), .init(id: "b", territory: "B", capacity: 10)],
            posts: 10, budget: 240_000, withPartial: false)
        let model = AllocationModel(scenario: scenario)
        let options = SolverOptions(timeLimitSeconds: 5, mipGap: 1e-4)
        let start = try #require(
            Frontier.maxminHeuristicStart(model: model, scenario: scenario, solver: GLPKSolver(), options: options))
        let maxmin = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.maxmin], solver: GLPKSolver(), options: options,
            start: start)
        // GLPK took the heuristic's plan as the answer at the root: within the gap of the relaxation's bound, no node.
        #expect(maxmin.result.startUsed && maxmin.result.nodes == 0 && maxmin.result.status == .optimal)
        #expect(abs(try #require(maxmin.stageValues.first) - 0.048) < 1e-6)

        let points = try Frontier.sweep(scenario: scenario, solver: GLPKSolver(), options: options, points: 3, width: 1)
        #expect(points.count == 3)
        for point in points {
            #expect(point.status == "optimal")
            #expect(try #require(point.relativeGap) <= 1e-4)
            #expect(abs(point.coverage - 148) < 1e-6)
            #expect(point.minCoverageRatio >= point.epsilon - 1e-9)
        }
        #expect(points.last!.pinnedBy == ["A"])
    }

    /// When the relaxation's z cannot be reached in integers, the start is the plan of the largest floor the heuristic
    /// can repair. A needs 240, B 48; 3 posts of 24 people. Relaxation: A's ratio a/10 and B's b/2 with a + b = 3 meet
    /// at a = 2.5, z_LP = 0.25; in integers (2, 1) gives min(0.2, 0.5) = 0.2 and (1, 2) gives 0.1, so z* = 0.2 < z_LP:
    /// floors of 0.25 everywhere need 3 posts in A and 1 in B, more than there are. Any floor z ≤ 0.2 needs 2 posts in
    /// A (48 ≥ 240 z) and 1 in B: the bisection's plan is (2, 1), the optimum. It is below the relaxation's bound by 25
    /// %, so branch-and-bound runs, with it as its first incumbent, and proves z* = 0.2.
    @Test func theStartIsTheLargestRepairableFloorWhenTheRelaxationsRatioIsOutOfReach() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 240), .init(code: "B", need: 48)],
            hosts: [.init(id: "a", territory: "A", capacity: 20), .init(id: "b", territory: "B", capacity: 20)],
            posts: 3, budget: 72_000, withPartial: false)
        let model = AllocationModel(scenario: scenario)
        let options = SolverOptions(timeLimitSeconds: 5, mipGap: 1e-4)
        let start = try #require(
            Frontier.maxminHeuristicStart(model: model, scenario: scenario, solver: GLPKSolver(), options: options))
        let posts = { (code: String) in start[try #require(model.postVariables[code]).index] }
        #expect(try posts("A") == 2 && posts("B") == 1)
        let maxmin = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.maxmin], solver: GLPKSolver(), options: options,
            start: start)
        #expect(maxmin.result.log.contains("Solution found by heuristic"))
        #expect(maxmin.result.status == .optimal)
        #expect(abs(try #require(maxmin.stageValues.first) - 0.2) < 1e-9)
        let points = try Frontier.sweep(scenario: scenario, solver: GLPKSolver(), options: options, points: 2, width: 1)
        #expect(abs(try #require(points.last).minCoverageRatio - 0.2) < 1e-9)
        #expect(points.allSatisfy { $0.status == "optimal" })
    }

    /// A plan found at a higher floor keeps every lower floor: the lower point (worth 100, its own bound 110, stopped
    /// at a limit) takes the higher point's plan (worth 105) and is measured against its own bound, (110 − 105) / 105 =
    /// 4.8 % ≤ the 5 % gap: optimal. The higher point is unchanged, and so is a point already worth more. The value of
    /// coverage decides (what each point maximises), not the people: the higher plan accompanies fewer here.
    @Test func aLowerPointTakesAHigherPointsBetterPlan() {
        let low = Frontier.Point(
            epsilon: 0, minCoverageRatio: 0.1, coverage: 9, objective: 100, status: "feasible", relativeGap: 0.1)
        let high = Frontier.Point(
            epsilon: 0.2, minCoverageRatio: 0.2, coverage: 7, objective: 105, status: "optimal", relativeGap: 0.01)
        let top = Frontier.Point(
            epsilon: 0.3, minCoverageRatio: 0.3, coverage: 8, objective: 90, status: "optimal", relativeGap: 0)
        let points = Frontier.monotone([(top, [], 90), (low, [], 110), (high, [], 106)], mipGap: 0.05)
        #expect(points.map(\.epsilon) == [0, 0.2, 0.3])
        #expect(points[0].objective == 105 && points[0].minCoverageRatio == 0.2 && points[0].coverage == 7)
        #expect(points[0].status == "optimal" && abs(points[0].relativeGap! - 5.0 / 105) < 1e-12)
        #expect(points[1] == high && points[2] == top)
    }
}
