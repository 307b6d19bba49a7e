import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing
@testable import AllocationModel  // CommuneScreenedPairs, CommuneFixedPlan: the internal search and its valuation

/// One post moved, the pairs ranked by the duals' bound (`CommuneScreenedPairs.move`): on a case whose every pair fits
/// in one round, the move found is the best of all single moves that keep every row of the model, valued one by one.
@Suite struct CommuneScreenedPairsTests {
    /// `CommuneUpgradesTests`'s floor-chain case (H1, H2 at the unit of c1; H4 of territory 02 there too; H3 at c5,
    /// territory 02's only post; K1 at c4), c4's need 30 and c5's 200, from H1, H3 and K1 on `full`. By hand: K1's
    /// post to the unit of c1 (H2 or H4) gives up 30 people at c4 (−30.00) for 120 more on the first segment of the
    /// group of c1, need 600 (+169.71): +139.71, the best single move. H3's post to H4 keeps territory 02's floor and
    /// gains 169.71 − 153.14 = +16.57, though its bound (1.414 × 120 − 0.586 × 120 = 99.4) is lower than K1's
    /// (169.71: K1's unit has people to spare, its price is 0). The brute force values every single move; valuing the
    /// pairs worst bound first and only one of them would land on H3's.
    @Test func theMoveFoundIsTheBestSingleMove() throws {
        let case_ = try CommuneUpgradesTests.Case(
            structures: CommuneUpgradesTests.Case.floorChainHosts, c5Need: 200, c4Need: 30)
        let model = case_.model
        let h1 = try case_.decision("c1", territory: "01", option: "full")
        let h3 = try case_.decision("c5", territory: "02", option: "full")
        let k1 = try case_.decision("c4", territory: "01", option: "full")
        var evaluator = CommuneFixedPlan(model: model)
        let start = case_.plan([h1, h3, k1])
        let evaluation = try evaluator.evaluate(start, solver: GLPKSolver(), options: CommuneUpgradesTests.Case.options)

        // Brute force: every single move that keeps every row.
        var best = evaluation.value
        var bestPlans: [[Int]] = []
        for giver in model.decisions.indices where start[giver] > 0 {
            for taker in model.decisions.indices where taker != giver {
                var trial = start
                trial[giver] -= 1
                trial[taker] += 1
                guard trial[taker] <= model.pools[model.decisions[taker].pool].capacity else { continue }
                let valued = try evaluator.evaluate(
                    trial, solver: GLPKSolver(), options: CommuneUpgradesTests.Case.options)
                let values = evaluator.values(of: valued, posts: trial)
                guard model.program.largestViolation(of: values, tolerance: 1e-6) == nil else { continue }
                if valued.value > best + 1e-6 {
                    best = valued.value
                    bestPlans = [trial]
                } else if valued.value > best - 1e-6, !bestPlans.isEmpty {
                    bestPlans.append(trial)
                }
            }
        }
        #expect(abs(best - evaluation.value - 139.71) < 0.01, "best single move \(best - evaluation.value)")

        var allowance = CommuneImprovement.Allowance(window: 1_000_000, bound: best * 2)
        let found = try CommuneScreenedPairs.move(
            start, evaluation: evaluation, evaluator: &evaluator, covers: CommuneImprovement.Covers(model),
            scenario: case_.scenario, allowance: &allowance, solver: GLPKSolver(),
            options: CommuneUpgradesTests.Case.options)
        guard case .moved(let posts, let moved, let inFull) = found else {
            Issue.record("no move found: \(found)")
            return
        }
        #expect(inFull && allowance.valued > 0)
        #expect(abs(moved.value - best) < 1e-6, "move \(moved.value), best single move \(best)")
        #expect(bestPlans.contains(posts) && posts[k1] == 0 && posts[h3] == 1, "\(posts)")

        // With no allowance nothing is valued.
        var none = CommuneImprovement.Allowance(window: 0, bound: best * 2)
        guard
            case .stopped = try CommuneScreenedPairs.move(
                start, evaluation: evaluation, evaluator: &evaluator, covers: CommuneImprovement.Covers(model),
                scenario: case_.scenario, allowance: &none, solver: GLPKSolver(),
                options: CommuneUpgradesTests.Case.options)
        else {
            Issue.record("a move with no allowance did not say it stopped")
            return
        }
        #expect(none.valued == 0)
    }
}
