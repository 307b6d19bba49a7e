import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing
@testable import AllocationModel  // CommuneWarmTrim and CommuneFixedPlan.removalLosses, internal to the commune solve

/// A previous plan cut down to a variant's posts and money (`CommuneWarmTrim`), and the loss estimate that orders the
/// cut (`CommuneFixedPlan.removalLosses`), on the 20 km fixture (`CommuneFixedPlanTests.scenario`): four decisions
/// (c1's site, capacity 2; c2's; the candidate in c4; c5's, a component of its own), 120 people a post, €10,000.
@Suite struct CommuneWarmTrimTests {
    /// `uneven`: `CommuneFixture.unevenDemand`, so that which post goes matters.
    static func model(posts: Int, uneven: Bool = false) throws -> (Scenario, CommuneModel) {
        // The uneven needs are made by replacing rows of the fixture's: a changed row would leave them even, silently.
        try #require(
            !uneven
                || CommuneFixture.unevenDemand != CommuneFixture.demandHeader + "\n" + CommuneFixture.demandRows + "\n")
        let scenario = try ScenarioLoader.load(
            try CommuneFixture.folder(posts: posts, radius: "20", demand: uneven ? CommuneFixture.unevenDemand : nil))
        return (scenario, CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true)))
    }

    /// Every plan within the pools' capacities, every decision with a post: the estimate of one post fewer at its unit
    /// is never below the exact loss (both plans valued by the fixed-plan LPs), and equals it at c5's site, which
    /// shares no group with another unit (nowhere to re-route its people). On both needs (the uneven one is the
    /// cut's test case below).
    @Test(arguments: [false, true])
    func theEstimateBoundsTheExactLossAndIsExactWhereNothingReRoutes(uneven: Bool) throws {
        let (scenario, model) = try Self.model(posts: 5, uneven: uneven)
        var evaluator = CommuneFixedPlan(model: model)
        let options = SolverOptions(mipGap: 0)
        let capacities = model.decisions.map { model.pools[$0.pool].capacity }
        var plans: [[Int]] = [[]]
        for capacity in capacities { plans = plans.flatMap { plan in (0...capacity).map { plan + [$0] } } }
        let communes = scenario.communes!.communes
        let c5 = try #require(
            model.decisions.indices.first {
                communes[model.reach.siteCommunes[model.pools[model.decisions[$0].pool].site]].code == "c5"
            })
        var compared = 0, exact = 0
        for posts in plans {
            let evaluation = try evaluator.evaluate(posts, solver: GLPKSolver(), options: options)
            let people = model.reach.units.map { _ in 120.0 }
            let estimates = evaluator.removalLosses(of: posts, evaluation: evaluation, people: people)
            for decision in model.decisions.indices where posts[decision] > 0 {
                var fewer = posts
                fewer[decision] -= 1
                let loss =
                    evaluation.value - (try evaluator.evaluate(fewer, solver: GLPKSolver(), options: options)).value
                let estimate = estimates[evaluator.unitOfDecision[decision]]
                #expect(estimate >= loss - 1e-6, "plan \(posts), decision \(decision): \(estimate) < \(loss)")
                compared += 1
                if decision == c5 {
                    #expect(abs(estimate - loss) < 1e-6, "plan \(posts): \(estimate) against \(loss)")
                    exact += 1
                }
            }
        }
        #expect(compared > 24 && exact == 12)
    }

    /// All five posts against a programme of three: two batches of one post each (the excess in fifths, at least one
    /// post), each the post whose estimated loss is least. Checked against the exact greedy: at each step, every
    /// single removal valued by the fixed-plan LPs, the least loss taken. A plan that fits is left as it is.
    @Test func anExcessIsCutAPostAtATimeWhereItLosesLeast() throws {
        let (scenario, model) = try Self.model(posts: 3, uneven: true)
        var evaluator = CommuneFixedPlan(model: model)
        let options = SolverOptions(mipGap: 0)
        let full = model.decisions.map { model.pools[$0.pool].capacity }
        #expect(full.reduce(0, +) == 5)
        var values = [Double](repeating: 0, count: model.program.variables.count)
        for (index, decision) in model.decisions.enumerated() { values[decision.variable.index] = Double(full[index]) }
        let trimmed = try CommuneWarmTrim.trim(
            values, evaluator: &evaluator, scenario: scenario, solver: GLPKSolver(), options: options, log: { _ in })
        let cut = model.decisions.map { Int(trimmed[$0.variable.index]) }
        #expect(cut.reduce(0, +) == 3 && zip(cut, full).allSatisfy { $0 <= $1 })

        var greedy = full
        for _ in 0..<2 {
            let now = try evaluator.evaluate(greedy, solver: GLPKSolver(), options: options).value
            var best: (loss: Double, decision: Int)?
            for decision in model.decisions.indices where greedy[decision] > 0 {
                var fewer = greedy
                fewer[decision] -= 1
                let loss = now - (try evaluator.evaluate(fewer, solver: GLPKSolver(), options: options)).value
                if best == nil || loss < best!.loss - 1e-9 { best = (loss, decision) }
            }
            greedy[try #require(best).decision] -= 1
        }
        let value = { (posts: [Int]) in try evaluator.evaluate(posts, solver: GLPKSolver(), options: options).value }
        let greedyValue = try value(greedy)
        #expect(abs(try value(cut) - greedyValue) < 1e-6, "trimmed \(cut), exact greedy \(greedy)")
        // On this small plan the greedy cut is also the best of every plan of three posts within the five.
        var best = -Double.infinity
        var subPlans: [[Int]] = [[]]
        for capacity in full { subPlans = subPlans.flatMap { plan in (0...capacity).map { plan + [$0] } } }
        var worst = Double.infinity
        for plan in subPlans where plan.reduce(0, +) == 3 {
            let planValue = try value(plan)
            best = max(best, planValue)
            worst = min(worst, planValue)
        }
        #expect(best > worst + 10, "which posts go matters: \(worst) to \(best)")
        let trimmedValue = try value(cut)
        #expect(abs(trimmedValue - best) < 1e-6, "trimmed \(cut): \(trimmedValue) against the best \(best)")

        // Within the programme's posts and money already: unchanged.
        var small = [Double](repeating: 0, count: model.program.variables.count)
        small[model.decisions[0].variable.index] = 1
        #expect(
            try CommuneWarmTrim.trim(
                small, evaluator: &evaluator, scenario: scenario, solver: GLPKSolver(), options: options,
                log: { _ in }) == small)
    }

    /// GLPK, except the first fixed-plan LP (`commune_component`), which ends at a time limit: the cut's first
    /// evaluation is the solve's first, so only the cut fails.
    final class FirstComponentRunsOutOfTime: LinearSolver, @unchecked Sendable {
        private let lock = NSLock()
        private var failed = false
        var identity: SolverIdentity { GLPKSolver().identity }
        func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
            let fail = lock.withLock {
                guard program.name == "commune_component", !failed else { return false }
                failed = true
                return true
            }
            if fail { return SolveResult(status: .noSolution, limitReached: "time limit") }
            return try GLPKSolver().solve(program, options: options)
        }
    }

    /// The whole warm solve: a previous plan of three posts (c1's site 2, c5's 1, priced) against a variant with the
    /// euros of two is cut to two before the rounding, and the plan keeps every rule (it is verified). When the cut's
    /// evaluation fails, the rounding cuts the previous plan as before the cut, and a plan is still published.
    @Test func aWarmSolveCutsThePreviousPlanAndOutlivesACutThatFails() throws {
        let previous = try CommuneFixture.previousPlan()
        let variant = try CommuneFixture.scenario(posts: 3, budget: 20_000)
        let options = SolverOptions(timeLimitSeconds: 60, mipGap: 1e-4)
        var lines: [String] = []
        let cut = try CommuneSolve.solve(
            variant, candidates: true, solver: GLPKSolver(), options: options, warmStart: previous,
            log: { lines.append($0) })
        #expect(lines.contains { $0.contains("the previous plan cut from 3 to 2 posts") }, "\(lines)")
        #expect(cut.warmBound && cut.posts.reduce(0, +) == 2 && cut.value <= cut.bound + 1e-6)

        lines = []
        let uncut = try CommuneFixedPlan.$greedyFirst.withValue(false) {
            try CommuneSolve.solve(
                variant, candidates: true, solver: FirstComponentRunsOutOfTime(), options: options,
                warmStart: previous, log: { lines.append($0) })
        }
        #expect(lines.contains { $0.contains("the previous plan not cut down (") }, "\(lines)")
        #expect(uncut.posts.reduce(0, +) == 2 && uncut.value > 0 && uncut.value <= uncut.bound + 1e-6)
    }
}
