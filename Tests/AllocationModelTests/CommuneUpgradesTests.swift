import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing
@testable import AllocationModel  // CommuneUpgrades, CommuneFixedPlan: the internal search and its valuation

/// Money moved into funding-option upgrades (`CommuneUpgrades.exchange`): the move that takes the national €40M
/// commune plan from 0.878 % to HiGHS's optimum, 0.291 % below its bound (BENCHMARKS.md), checked on a case small
/// enough to solve by hand and by brute force.
@Suite struct CommuneUpgradesTests {
    /// The 15 km fixture with a `long` option (36 months at 70 %: 360 people for €21,000 against `full`'s 120 for
    /// €10,000), co-financing only at the candidate K1 (c4, its own unit), a floor of one post per territory, and a
    /// host H4 of territory 02 sited at c1 (the unit of c1, c2, c3, with H1 and H2 of territory 01). Needs: the
    /// group {c1, c2, c3} 600, {c4} 600, {c5, c6} 60 (c5 60, c6 0). Value per person: 1.414 up to half a group's
    /// need, 0.586 beyond.
    ///
    /// The start, H1, H3 and K1 on `full`, spends €30,000 of €31,000 and is worth 3 × … = 169.71 + 60 + 169.71 =
    /// 399.41. K1's upgrade (+240 people at c4: 459.41 − 169.71 = +289.70) costs €11,000, more than the €1,000 left;
    /// dropping H3 would pay for it, but H3 is territory 02's only post. Switching H1's post to H4 (same unit, same
    /// cost, now territory 02's) lets H3 go: −60 + 289.70, the plan H4 + K1 `long` worth 629.12. The plain drop of H1
    /// with the upgrade is worth less (K1 `long` + H3: 519.41). A brute force over every plan the model allows says
    /// 629.12 is the optimum, and the exchange reaches it in one move.
    @Test func aFloorChainPaysForAnUpgradeAndReachesTheOptimum() throws {
        let structures = """
            id,name,territory,kind,capacity,cofinancing_eur,posts_2021,commune_code
            H1,Host one,01,public,1,0,1,c1
            H2,Host two,01,private,1,0,0,c2
            H3,Host three,02,public,1,0,1,c5
            H4,Host four,02,public,1,0,0,c1

            """
        let candidates = """
            id,name,territory,kind,capacity,cofinancing_eur,commune_code
            K1,Candidate,01,public,1,100000,c4

            """
        let demand =
            CommuneFixture.demandHeader + "\n"
                + """
                c1,One,01,E1,1000,300,0,0
                c2,Two,01,E1,700,200,0,0.1
                c3,Three,01,E1,300,100,0,0.1
                c4,Four,01,,500,600,0,0.25
                c5,Five,02,E2,800,60,0,1.0
                c6,Six,02,E2,300,0,0,1.05
                c7,Seven,02,E2,100,40,,

                """
        let scenario = try ScenarioLoader.load(
            try CommuneFixture.folder(
                posts: 3, budget: 31_000, extraYAML: "limits:\n  territory_min_posts: 1\n", demand: demand,
                structures: structures, candidates: candidates,
                funding: "  full:\n    state_share: 1\n  long:\n    state_share: 0.7\n    months: 36"))
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let communes = scenario.communes!.communes
        let options = scenario.parameters.fundingOptions
        func decision(_ site: String, territory: String, option: String) throws -> Int {
            try #require(
                model.decisions.indices.first {
                    let pool = model.pools[model.decisions[$0].pool]
                    return communes[model.reach.siteCommunes[pool.site]].code == site
                        && scenario.territories[pool.territory].code == territory
                        && options[model.decisions[$0].option].id == option
                }, "\(site), \(territory), \(option)")
        }
        let h1 = try decision("c1", territory: "01", option: "full")
        let h4 = try decision("c1", territory: "02", option: "full")
        let h3 = try decision("c5", territory: "02", option: "full")
        let k1 = try decision("c4", territory: "01", option: "full")
        let k1Long = try decision("c4", territory: "01", option: "long")
        // The paper's figures: people and State euros of a post.
        #expect(
            abs(model.decisions[k1].peoplePerPost - 120) < 1e-9
                && abs(model.decisions[k1Long].peoplePerPost - 360) < 1e-9)
        #expect(model.decisions[k1].stateCostEUR == 10_000 && abs(model.decisions[k1Long].stateCostEUR - 21_000) < 1e-6)

        var start = [Int](repeating: 0, count: model.decisions.count)
        for index in [h1, h3, k1] { start[index] = 1 }
        var evaluator = CommuneFixedPlan(model: model)
        let solverOptions = SolverOptions(mipGap: 0)
        let evaluation = try evaluator.evaluate(start, solver: GLPKSolver(), options: solverOptions)
        #expect(abs(evaluation.value - 399.41) < 0.01, "start \(evaluation.value)")

        // Brute force: every plan within the pools' capacities that keeps every row of the model.
        let capacity = model.decisions.map { model.pools[$0.pool].capacity }
        var best = -Double.infinity
        var bestPlans: [[Int]] = []
        var trial = [Int](repeating: 0, count: model.decisions.count)
        func visit(_ position: Int) throws {
            guard position < trial.count else {
                let valued = try evaluator.evaluate(trial, solver: GLPKSolver(), options: solverOptions)
                let values = evaluator.values(of: valued, posts: trial)
                guard model.program.largestViolation(of: values, tolerance: 1e-6) == nil else { return }
                if valued.value > best + 1e-6 {
                    best = valued.value
                    bestPlans = [trial]
                } else if valued.value > best - 1e-6 {
                    bestPlans.append(trial)
                }
                return
            }
            for posts in 0...capacity[position] {
                trial[position] = posts
                try visit(position + 1)
            }
            trial[position] = 0
        }
        try visit(0)
        #expect(abs(best - 629.12) < 0.01, "optimum \(best)")

        var allowance = CommuneImprovement.Allowance(window: 1_000_000, bound: best * 2)
        let found = try CommuneUpgrades.exchange(
            start, evaluation: evaluation, evaluator: &evaluator, covers: CommuneImprovement.Covers(model),
            scenario: scenario, allowance: &allowance, solver: GLPKSolver(), options: solverOptions)
        guard case .moved(let posts, let moved, let inFull) = found else {
            Issue.record("no exchange found: \(found)")
            return
        }
        #expect(inFull && allowance.valued > 0)
        #expect(abs(moved.value - best) < 1e-6, "exchange \(moved.value), optimum \(best)")
        #expect(bestPlans.contains(posts))
        #expect(posts[h4] == 1 && posts[k1Long] == 1 && posts.reduce(0, +) == 2, "\(posts)")
        let values = evaluator.values(of: moved, posts: posts)
        #expect(model.program.largestViolation(of: values, tolerance: 1e-6) == nil)

        // From the optimum nothing is left to exchange; with no allowance nothing is tried.
        guard
            case .noneLeft = try CommuneUpgrades.exchange(
                posts, evaluation: moved, evaluator: &evaluator, covers: CommuneImprovement.Covers(model),
                scenario: scenario, allowance: &allowance, solver: GLPKSolver(), options: solverOptions)
        else {
            Issue.record("the optimum was exchanged again")
            return
        }
        var none = CommuneImprovement.Allowance(window: 0, bound: best * 2)
        guard
            case .stopped = try CommuneUpgrades.exchange(
                start, evaluation: evaluation, evaluator: &evaluator, covers: CommuneImprovement.Covers(model),
                scenario: scenario, allowance: &none, solver: GLPKSolver(), options: solverOptions)
        else {
            Issue.record("an exchange with no allowance did not say it stopped")
            return
        }
        #expect(none.valued == 0)
    }
}
