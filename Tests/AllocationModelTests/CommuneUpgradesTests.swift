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
    /// €10,000), co-financing only at the candidate K1 (c4, its own unit), a floor of one post per territory (`Case`),
    /// and a host H4 of territory 02 sited at c1 (the unit of c1, c2, c3, with H1 and H2 of territory 01). Needs: the
    /// group {c1, c2, c3} 600, {c4} 600, {c5, c6} 60 (c5 60, c6 0). Value per person: 1.414 up to half a group's
    /// need, 0.586 beyond.
    ///
    /// The start, H1, H3 and K1 on `full`, spends €30,000 of €31,000 and is worth 169.71 + 60 + 169.71 = 399.41.
    /// K1's upgrade (+240 people at c4: 459.41 − 169.71 = +289.70) costs €11,000, more than the €1,000 left;
    /// dropping H3 would pay for it, but H3 is territory 02's only post. Switching H1's post to H4 (same unit, same
    /// cost, now territory 02's) lets H3 go: −60 + 289.70, the plan H4 + K1 `long` worth 629.12. The plain drop of H1
    /// with the upgrade is worth less (K1 `long` + H3: 519.41). A brute force over every plan the model allows says
    /// 629.12 is the optimum, and the exchange reaches it in one move.
    @Test func aFloorChainPaysForAnUpgradeAndReachesTheOptimum() throws {
        let case_ = try Case(structures: Case.floorChainHosts, c5Need: 60)
        let h1 = try case_.decision("c1", territory: "01", option: "full")
        let h4 = try case_.decision("c1", territory: "02", option: "full")
        let h3 = try case_.decision("c5", territory: "02", option: "full")
        let k1 = try case_.decision("c4", territory: "01", option: "full")
        let k1Long = try case_.decision("c4", territory: "01", option: "long")
        // The paper's figures: people and State euros of a post.
        let decisions = case_.model.decisions
        #expect(abs(decisions[k1].peoplePerPost - 120) < 1e-9 && abs(decisions[k1Long].peoplePerPost - 360) < 1e-9)
        #expect(decisions[k1].stateCostEUR == 10_000 && abs(decisions[k1Long].stateCostEUR - 21_000) < 1e-6)

        var evaluator = CommuneFixedPlan(model: case_.model)
        let start = case_.plan([h1, h3, k1])
        let evaluation = try evaluator.evaluate(start, solver: GLPKSolver(), options: Case.options)
        #expect(abs(evaluation.value - 399.41) < 0.01, "start \(evaluation.value)")
        let optimum = try case_.bruteForce(&evaluator)
        #expect(abs(optimum.value - 629.12) < 0.01, "optimum \(optimum.value)")

        var allowance = CommuneImprovement.Allowance(window: 1_000_000, bound: optimum.value * 2)
        let found = try case_.exchange(start, evaluation, &evaluator, &allowance)
        guard case .moved(let posts, let moved, let inFull) = found else {
            Issue.record("no exchange found: \(found)")
            return
        }
        #expect(inFull && allowance.valued > 0)
        #expect(abs(moved.value - optimum.value) < 1e-6, "exchange \(moved.value), optimum \(optimum.value)")
        #expect(optimum.plans.contains(posts))
        #expect(posts[h4] == 1 && posts[k1Long] == 1 && posts.reduce(0, +) == 2, "\(posts)")
        let values = evaluator.values(of: moved, posts: posts)
        #expect(case_.model.program.largestViolation(of: values, tolerance: 1e-6) == nil)

        // From the optimum nothing is left to exchange; with no allowance nothing is tried.
        guard case .noneLeft = try case_.exchange(posts, moved, &evaluator, &allowance) else {
            Issue.record("the optimum was exchanged again")
            return
        }
        var none = CommuneImprovement.Allowance(window: 0, bound: optimum.value * 2)
        guard case .stopped = try case_.exchange(start, evaluation, &evaluator, &none) else {
            Issue.record("an exchange with no allowance did not say it stopped")
            return
        }
        #expect(none.valued == 0)
    }

    /// A downgrade pays for an upgrade: H3 (c5, need 150, co-financed) starts on `long`, whose 360 people serve the
    /// whole 150 (worth 150.00); on `full` its 120 are worth 132.43 (−17.57) and free €11,000, which, with no euro
    /// left of the €41,000, buys K1's upgrade at c4 (+289.70). H1 has no co-financing, so nothing else can move up; no
    /// post may be dropped for the money (territory 02's floor holds H3; dropping H1 frees €10,000, short of €11,000).
    /// The exchange lands on the brute force's optimum, 169.71 + 132.43 + 459.41 = 761.55.
    @Test func aDowngradePaysForAnUpgradeWhereItIsWorthMore() throws {
        let structures = """
            id,name,territory,kind,capacity,cofinancing_eur,posts_2021,commune_code
            H1,Host one,01,public,1,0,1,c1
            H3,Host three,02,public,1,100000,1,c5

            """
        let case_ = try Case(structures: structures, c5Need: 150, budget: 41_000)
        let h1 = try case_.decision("c1", territory: "01", option: "full")
        let h3 = try case_.decision("c5", territory: "02", option: "full")
        let h3Long = try case_.decision("c5", territory: "02", option: "long")
        let k1 = try case_.decision("c4", territory: "01", option: "full")
        let k1Long = try case_.decision("c4", territory: "01", option: "long")
        var evaluator = CommuneFixedPlan(model: case_.model)
        let start = case_.plan([h1, h3Long, k1])
        let evaluation = try evaluator.evaluate(start, solver: GLPKSolver(), options: Case.options)
        #expect(abs(evaluation.value - (169.71 + 150 + 169.71)) < 0.01, "start \(evaluation.value)")
        let optimum = try case_.bruteForce(&evaluator)
        #expect(abs(optimum.value - 761.55) < 0.01, "optimum \(optimum.value)")

        var allowance = CommuneImprovement.Allowance(window: 1_000_000, bound: optimum.value * 2)
        guard case .moved(let posts, let moved, _) = try case_.exchange(start, evaluation, &evaluator, &allowance)
        else {
            Issue.record("no exchange found")
            return
        }
        #expect(abs(moved.value - optimum.value) < 1e-6, "exchange \(moved.value), optimum \(optimum.value)")
        #expect(posts[h1] == 1 && posts[h3] == 1 && posts[k1Long] == 1 && posts.reduce(0, +) == 3, "\(posts)")
    }

    /// Two givers pool their money for one new post: the plan H1, H2 (`full`, the unit of c1, c2, c3: 240 people of a
    /// 600 need, 339.41) and H3 on `long` (c5, need 150: 150.00), worth 489.41, spends the whole €41,000. A new post at
    /// the candidate K1 on `long` (360 people of c4's 600: +459.41) costs €21,000; H3's downgrade to `full` frees
    /// €11,000 for −17.57 and dropping H1 or H2 €10,000 for −169.71, so neither pays for it alone, and the posts (3)
    /// leave no room for K1 on `full` beside the three. Together they do: +272.13, the plan H1 (or H2), H3 `full`, K1
    /// `long`, worth 761.55, the brute force's optimum, reached in one exchange.
    @Test func twoGiversPoolTheirMoneyForANewPost() throws {
        let structures = """
            id,name,territory,kind,capacity,cofinancing_eur,posts_2021,commune_code
            H1,Host one,01,public,1,0,1,c1
            H2,Host two,01,private,1,0,0,c2
            H3,Host three,02,public,1,100000,1,c5

            """
        let case_ = try Case(structures: structures, c5Need: 150, budget: 41_000)
        let h1 = try case_.decision("c1", territory: "01", option: "full")
        let h2 = try case_.decision("c2", territory: "01", option: "full")
        let h3 = try case_.decision("c5", territory: "02", option: "full")
        let h3Long = try case_.decision("c5", territory: "02", option: "long")
        let k1Long = try case_.decision("c4", territory: "01", option: "long")
        var evaluator = CommuneFixedPlan(model: case_.model)
        let start = case_.plan([h1, h2, h3Long])
        let evaluation = try evaluator.evaluate(start, solver: GLPKSolver(), options: Case.options)
        #expect(abs(evaluation.value - 489.41) < 0.01, "start \(evaluation.value)")
        let optimum = try case_.bruteForce(&evaluator)
        #expect(abs(optimum.value - 761.55) < 0.01, "optimum \(optimum.value)")

        var allowance = CommuneImprovement.Allowance(window: 1_000_000, bound: optimum.value * 2)
        guard case .moved(let posts, let moved, _) = try case_.exchange(start, evaluation, &evaluator, &allowance)
        else {
            Issue.record("no exchange found")
            return
        }
        #expect(abs(moved.value - optimum.value) < 1e-6, "exchange \(moved.value), optimum \(optimum.value)")
        #expect(optimum.plans.contains(posts))
        #expect(
            posts[h1] + posts[h2] == 1 && posts[h3] == 1 && posts[k1Long] == 1 && posts.reduce(0, +) == 3, "\(posts)")
        let values = evaluator.values(of: moved, posts: posts)
        #expect(case_.model.program.largestViolation(of: values, tolerance: 1e-6) == nil)
    }

    /// The 15 km fixture with a `long` option (36 months at 70 %), co-financing at the candidate K1 (c4, its own unit),
    /// a floor of one post per territory; c4's need `c4Need`, c5's `c5Need`, c6's none.
    struct Case {
        static let options = SolverOptions(mipGap: 0)
        /// H1, H2 at the unit of c1 (territory 01), H4 of territory 02 there too, H3 at c5 (territory 02).
        static let floorChainHosts = """
            id,name,territory,kind,capacity,cofinancing_eur,posts_2021,commune_code
            H1,Host one,01,public,1,0,1,c1
            H2,Host two,01,private,1,0,0,c2
            H3,Host three,02,public,1,0,1,c5
            H4,Host four,02,public,1,0,0,c1

            """
        let scenario: Scenario
        let model: CommuneModel

        init(structures: String, c5Need: Int, c4Need: Int = 600, budget: Int = 31_000) throws {
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
                    c4,Four,01,,500,\(c4Need),0,0.25
                    c5,Five,02,E2,800,\(c5Need),0,1.0
                    c6,Six,02,E2,300,0,0,1.05
                    c7,Seven,02,E2,100,40,,

                    """
            scenario = try ScenarioLoader.load(
                try CommuneFixture.folder(
                    posts: 3, budget: budget, extraYAML: "limits:\n  territory_min_posts: 1\n", demand: demand,
                    structures: structures, candidates: candidates,
                    funding: "  full:\n    state_share: 1\n  long:\n    state_share: 0.7\n    months: 36"))
            model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        }

        func decision(_ site: String, territory: String, option: String) throws -> Int {
            let communes = scenario.communes!.communes
            let options = scenario.parameters.fundingOptions
            return try #require(
                model.decisions.indices.first {
                    let pool = model.pools[model.decisions[$0].pool]
                    return communes[model.reach.siteCommunes[pool.site]].code == site
                        && scenario.territories[pool.territory].code == territory
                        && options[model.decisions[$0].option].id == option
                }, "\(site), \(territory), \(option)")
        }

        func plan(_ decisions: [Int]) -> [Int] {
            var posts = [Int](repeating: 0, count: model.decisions.count)
            for decision in decisions { posts[decision] += 1 }
            return posts
        }

        /// Every plan within the pools' capacities that keeps every row of the model, valued: the best value and the
        /// plans that reach it.
        func bruteForce(_ evaluator: inout CommuneFixedPlan) throws -> (value: Double, plans: [[Int]]) {
            let capacity = model.decisions.map { model.pools[$0.pool].capacity }
            var best = -Double.infinity
            var plans: [[Int]] = []
            var trial = [Int](repeating: 0, count: model.decisions.count)
            func visit(_ position: Int, _ evaluator: inout CommuneFixedPlan) throws {
                guard position < trial.count else {
                    let valued = try evaluator.evaluate(trial, solver: GLPKSolver(), options: Self.options)
                    let values = evaluator.values(of: valued, posts: trial)
                    guard model.program.largestViolation(of: values, tolerance: 1e-6) == nil else { return }
                    if valued.value > best + 1e-6 {
                        best = valued.value
                        plans = [trial]
                    } else if valued.value > best - 1e-6 {
                        plans.append(trial)
                    }
                    return
                }
                for posts in 0...capacity[position] {
                    trial[position] = posts
                    try visit(position + 1, &evaluator)
                }
                trial[position] = 0
            }
            try visit(0, &evaluator)
            return (best, plans)
        }

        func exchange(
            _ posts: [Int], _ evaluation: CommuneFixedPlan.Evaluation, _ evaluator: inout CommuneFixedPlan,
            _ allowance: inout CommuneImprovement.Allowance
        ) throws -> CommuneImprovement.Move {
            try CommuneUpgrades.exchange(
                posts, evaluation: evaluation, evaluator: &evaluator, covers: CommuneImprovement.Covers(model),
                scenario: scenario, allowance: &allowance, solver: GLPKSolver(), options: Self.options)
        }
    }
}
