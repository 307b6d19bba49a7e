import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing
@testable import AllocationModel  // CommuneIndependentExchanges, CommuneFixedPlan.change: internal search steps

/// Many exchanges of money at once (`CommuneIndependentExchanges`) and the valuation of a change on its own components
/// (`CommuneFixedPlan.change(of:…)`) it rests on.
@Suite struct CommuneIndependentExchangesTests {
    static let options = SolverOptions(mipGap: 0)

    /// Every plan of the 20 km fixture (`CommuneFixedPlanTests`: its sites overlap, so a post added or dropped joins
    /// or splits components) and every change of one post (dropped, added or moved) within the pools' capacities: the
    /// change valued on its components is the difference of the two plans' whole evaluations; and a change at the site
    /// of c5 (always a component of its own) and one elsewhere add up to the change of both.
    @Test func aChangeValuedOnItsComponentsIsTheDifferenceOfTheWholeEvaluations() throws {
        let scenario = try CommuneFixedPlanTests.scenario()
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true))
        let capacities = model.decisions.map { model.pools[$0.pool].capacity }
        var plans: [[Int]] = [[]]
        for capacity in capacities { plans = plans.flatMap { plan in (0...capacity).map { plan + [$0] } } }
        var evaluator = CommuneFixedPlan(model: model)
        var whole: [[Int]: Double] = [:]
        for posts in plans {
            whole[posts] = try evaluator.evaluate(posts, solver: GLPKSolver(), options: Self.options).value
        }
        let communes = scenario.communes!.communes
        let atC5 = model.decisions.indices.filter {
            communes[model.reach.siteCommunes[model.pools[model.decisions[$0].pool].site]].code == "c5"
        }
        #expect(atC5.count == 1)
        typealias Step = (removed: [Int], added: [Int])
        let decisions = Array(model.decisions.indices)
        let steps: [Step] =
            decisions.map { ([$0], []) } + decisions.map { ([], [$0]) }
            + decisions.flatMap { from in decisions.filter { $0 != from }.map { ([from], [$0]) } }
        func applied(_ step: Step, to posts: [Int]) -> [Int]? {
            var result = posts
            for decision in step.removed { result[decision] -= 1 }
            for decision in step.added { result[decision] += 1 }
            return zip(result, capacities).allSatisfy { 0 <= $0 && $0 <= $1 } ? result : nil
        }
        var checked = 0, pairs = 0
        for posts in plans {
            var local = CommuneFixedPlan(model: model)
            let evaluation = try local.evaluate(posts, solver: GLPKSolver(), options: Self.options)
            let supply = local.supply(of: posts)
            var changes: [(step: Step, value: Double)] = []
            for step in steps {
                guard let trial = applied(step, to: posts) else { continue }
                let change = try local.change(
                    of: posts, evaluation: evaluation, supply: supply, removed: step.removed, added: step.added,
                    solver: GLPKSolver(), options: Self.options)
                #expect(
                    abs(change.value - (whole[trial]! - whole[posts]!)) < 1e-6,
                    "plan \(posts), step \(step): \(change.value) against \(whole[trial]! - whole[posts]!)")
                #expect(change.work >= 1)
                changes.append((step, change.value))
                checked += 1
            }
            let apart = { (step: Step) in (step.removed + step.added).allSatisfy(atC5.contains) }
            let elsewhere = { (step: Step) in !(step.removed + step.added).contains(where: atC5.contains) }
            for first in changes where apart(first.step) {
                for second in changes where elsewhere(second.step) {
                    let both = (first.step.removed + second.step.removed, first.step.added + second.step.added)
                    guard let trial = applied(both, to: posts) else { continue }
                    #expect(
                        abs(first.value + second.value - (whole[trial]! - whole[posts]!)) < 1e-6,
                        "plan \(posts): \(first.step) and \(second.step)")
                    pairs += 1
                }
            }
        }
        // The fixture's 24 plans give 188 changes, and pairs of them apart.
        #expect(checked > 150 && pairs > 50, "\(checked) changes, \(pairs) pairs apart")
    }

    /// Four sites on the equator, each more than 15 km from the others (0.1° of longitude is 11.1 km), each reaching
    /// only its own commune: hosts L1 (c1, need 40) and L2 (c3, need 40), candidates at c2 and c4 (need 240 each);
    /// `extraCommunes`: more demand rows. A post serves 120 people and costs €10,000; the budget pays for two posts.
    /// Value per person: 1.414 up to half a commune's need, 0.586 beyond. A post at L1 or L2 serves the whole 40
    /// (20 × 1.414 + 20 × 0.586 = 40.00); at c2 or c4, half the need: 120 × 1.414 = 169.71.
    struct Case {
        let scenario: Scenario
        let model: CommuneModel

        init(candidates: String, extraCommunes: String = "", budget: Int = 20_000, privateGrant: Int = 10_000) throws {
            let demand =
                CommuneFixture.demandHeader + "\n"
                    + """
                    c1,Low one,01,E1,500,40,0,0
                    c2,High one,01,E1,900,240,0,1.0
                    c3,Low two,02,E2,500,40,0,2.0
                    c4,High two,02,E2,900,240,0,3.0

                    """ + extraCommunes
            let structures = """
                id,name,territory,kind,capacity,cofinancing_eur,posts_2021,commune_code
                L1,Low host one,01,public,1,0,1,c1
                L2,Low host two,02,public,1,0,1,c3

                """
            scenario = try ScenarioLoader.load(
                try CommuneFixture.folder(
                    posts: 2, budget: budget, demand: demand, structures: structures, candidates: candidates,
                    privateGrant: privateGrant))
            model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        }

        func decision(_ site: String) throws -> Int {
            let communes = scenario.communes!.communes
            return try #require(
                model.decisions.indices.first {
                    communes[model.reach.siteCommunes[model.pools[model.decisions[$0].pool].site]].code == site
                }, "\(site)")
        }

        func plan(_ decisions: [Int]) -> [Int] {
            var posts = [Int](repeating: 0, count: model.decisions.count)
            for decision in decisions { posts[decision] += 1 }
            return posts
        }

        /// The best value of a plan of two posts at two of `sites` (each has room for one) whose State cost is at most
        /// `budget`.
        func bestPlanOfTwoPosts(
            _ sites: [Int], _ evaluator: inout CommuneFixedPlan, budget: Double = .infinity
        ) throws -> Double {
            var best = 0.0
            for (index, first) in sites.enumerated() {
                for second in sites[(index + 1)...] {
                    let cost = model.decisions[first].stateCostEUR + model.decisions[second].stateCostEUR
                    guard cost <= budget else { continue }
                    let plan = plan([first, second])
                    best = max(
                        best,
                        try evaluator.evaluate(
                            plan, solver: GLPKSolver(), options: CommuneIndependentExchangesTests.options
                        )
                        .value)
                }
            }
            return best
        }

        func exchange(
            _ posts: [Int], _ evaluation: CommuneFixedPlan.Evaluation, _ evaluator: inout CommuneFixedPlan,
            _ allowance: inout CommuneImprovement.Allowance, _ memory: inout CommuneIndependentExchanges.Memory
        ) throws -> CommuneImprovement.Move {
            try CommuneIndependentExchanges.exchange(
                posts, evaluation: evaluation, evaluator: &evaluator, covers: CommuneImprovement.Covers(model),
                scenario: scenario, allowance: &allowance, memory: &memory, solver: GLPKSolver(),
                options: CommuneIndependentExchangesTests.options)
        }
    }

    /// Both low posts go to the two candidates in one move: each addition (+169.71) is paid by a drop (−40.00) far from
    /// it, and the two bundles share no group, so their sum, 80.00 − 80.00 + 339.41 = 339.41, is the value of the plan
    /// with both, which is the best any plan of two posts reaches (a brute force over the four sites). From there
    /// nothing is left; with no allowance nothing is valued.
    @Test func twoIndependentBundlesAreKeptInOneMove() throws {
        let case_ = try Case(
            candidates: """
                id,name,territory,kind,capacity,cofinancing_eur,commune_code
                K1,High candidate one,01,public,1,0,c2
                K2,High candidate two,02,public,1,0,c4

                """)
        let (l1, k1, l2, k2) = try (
            case_.decision("c1"), case_.decision("c2"), case_.decision("c3"), case_.decision("c4")
        )
        var evaluator = CommuneFixedPlan(model: case_.model)
        let start = case_.plan([l1, l2])
        let evaluation = try evaluator.evaluate(start, solver: GLPKSolver(), options: Self.options)
        #expect(abs(evaluation.value - 80.00) < 0.01, "start \(evaluation.value)")
        let best = try case_.bestPlanOfTwoPosts([l1, k1, l2, k2], &evaluator)
        #expect(abs(best - 339.41) < 0.01, "best \(best)")

        var allowance = CommuneImprovement.Allowance(window: 1_000_000, bound: best * 2)
        var memory = CommuneIndependentExchanges.Memory()
        guard
            case .moved(let posts, let moved, let inFull) = try case_.exchange(
                start, evaluation, &evaluator, &allowance, &memory)
        else {
            Issue.record("no exchange found")
            return
        }
        #expect(inFull)
        #expect(posts == case_.plan([k1, k2]), "\(posts)")
        #expect(abs(moved.value - best) < 1e-6, "moved \(moved.value), best \(best)")
        #expect(
            case_.model.program.largestViolation(of: evaluator.values(of: moved, posts: posts), tolerance: 1e-6) == nil)

        guard case .noneLeft = try case_.exchange(posts, moved, &evaluator, &allowance, &memory) else {
            Issue.record("the best plan was exchanged again")
            return
        }
        var none = CommuneImprovement.Allowance(window: 0, bound: best * 2)
        var fresh = CommuneIndependentExchanges.Memory()
        guard case .stopped = try case_.exchange(start, evaluation, &evaluator, &none, &fresh) else {
            Issue.record("an exchange with no allowance did not say it stopped")
            return
        }
        #expect(none.valued == 0)
    }

    /// When every post is placed and money is left, a new post is paid by a post dropped, not by euros. The candidates
    /// are private hosts whose posts cost €100,000 (the low hosts' €10,000), and the budget, €1,000,000, pays for ten
    /// posts where the programme allows two. Per euro, an addition at c2 (+169.71 for €100,000) is worth less than
    /// what a drop at L1 loses (−40.00 for €10,000), so no exchange of euros is worth making; per post it is worth
    /// four times as much, and both low posts go to the candidates in one move: 339.41, the best plan of two posts.
    @Test func aNewPostIsPaidByAPostWhenPostsLimitThePlan() throws {
        let candidates = """
            id,name,territory,kind,capacity,cofinancing_eur,commune_code
            K1,High candidate one,01,private,1,0,c2
            K2,High candidate two,02,private,1,0,c4

            """
        let case_ = try Case(candidates: candidates, budget: 1_000_000, privateGrant: 100_000)
        let (l1, k1, l2, k2) = try (
            case_.decision("c1"), case_.decision("c2"), case_.decision("c3"), case_.decision("c4")
        )
        #expect(case_.model.decisions[k1].stateCostEUR == 10 * case_.model.decisions[l1].stateCostEUR)
        var evaluator = CommuneFixedPlan(model: case_.model)
        let start = case_.plan([l1, l2])
        let evaluation = try evaluator.evaluate(start, solver: GLPKSolver(), options: Self.options)
        let best = try case_.bestPlanOfTwoPosts([l1, k1, l2, k2], &evaluator)
        #expect(abs(best - 339.41) < 0.01, "best \(best)")
        var allowance = CommuneImprovement.Allowance(window: 1_000_000, bound: best * 2)
        var memory = CommuneIndependentExchanges.Memory()
        guard
            case .moved(let posts, let moved, true) = try case_.exchange(
                start, evaluation, &evaluator, &allowance, &memory)
        else {
            Issue.record("no exchange in full")
            return
        }
        #expect(posts == case_.plan([k1, k2]), "\(posts)")
        #expect(abs(moved.value - best) < 1e-6, "moved \(moved.value), best \(best)")

        // With €110,000 the posts still limit the plan, and the money pays for one candidate: the exchange buys it
        // with a drop (+129.71), and the second is not bought, the euros a second drop frees falling short. The best
        // plan the budget allows (a brute force over the affordable pairs) is reached.
        let tight = try Case(candidates: candidates, budget: 110_000, privateGrant: 100_000)
        let sites = try ["c1", "c2", "c3", "c4"].map(tight.decision)
        var tightEvaluator = CommuneFixedPlan(model: tight.model)
        let affordableBest = try tight.bestPlanOfTwoPosts(sites, &tightEvaluator, budget: 110_000)
        #expect(abs(affordableBest - 209.71) < 0.01, "affordable best \(affordableBest)")
        let tightStart = tight.plan([sites[0], sites[2]])
        let tightEvaluation = try tightEvaluator.evaluate(tightStart, solver: GLPKSolver(), options: Self.options)
        var tightAllowance = CommuneImprovement.Allowance(window: 1_000_000, bound: best * 2)
        var tightMemory = CommuneIndependentExchanges.Memory()
        guard
            case .moved(let tightPosts, let tightMoved, _) = try tight.exchange(
                tightStart, tightEvaluation, &tightEvaluator, &tightAllowance, &tightMemory)
        else {
            Issue.record("no exchange within the budget")
            return
        }
        #expect(abs(tightMoved.value - affordableBest) < 1e-6, "moved \(tightMoved.value)")
        let spent = zip(tightPosts, tight.model.decisions).reduce(0.0) { $0 + Double($1.0) * $1.1.stateCostEUR }
        #expect(spent <= 110_000 + 1e-6 && tightPosts.reduce(0, +) == 2, "\(tightPosts), €\(spent)")
    }

    /// Two gains that share a group are not kept in one move. A second candidate K3 in c5 (lon 1.12, 13.3 km from c2)
    /// reaches c2 and c6 (lon 1.25, need 10, out of K1's reach): alone it is worth 10.00 at c6 and 110 × 1.414 =
    /// 155.56 at c2, 165.56. Valued one by one, K1 and K3 would add 169.71 + 165.56; together they put 230 people in
    /// c2, whose second half is worth 0.586 a person, 244.14 in all. So the first move takes K1 for L1 alone (80.00 −
    /// 40.00 + 169.71 = 209.71, exactly what its bundle was valued at), and the second K3 for L2 (+74.44 − 40.00):
    /// 244.14, the best plan of two posts.
    @Test func gainsThatShareAGroupWaitForTheNextMove() throws {
        let case_ = try Self.sharedGroupCase()
        let (l1, k1, l2, k3) = try (
            case_.decision("c1"), case_.decision("c2"), case_.decision("c3"), case_.decision("c5")
        )
        var evaluator = CommuneFixedPlan(model: case_.model)
        let start = case_.plan([l1, l2])
        let evaluation = try evaluator.evaluate(start, solver: GLPKSolver(), options: Self.options)
        #expect(abs(evaluation.value - 80.00) < 0.01, "start \(evaluation.value)")
        let bothGains = try evaluator.evaluate(case_.plan([k1, k3]), solver: GLPKSolver(), options: Self.options)
        #expect(abs(bothGains.value - 244.14) < 0.01, "K1 and K3 \(bothGains.value)")
        let best = try case_.bestPlanOfTwoPosts([l1, k1, l2, k3], &evaluator)
        #expect(abs(best - bothGains.value) < 1e-6, "best \(best)")

        var allowance = CommuneImprovement.Allowance(window: 1_000_000, bound: best * 2)
        var memory = CommuneIndependentExchanges.Memory()
        guard
            case .moved(let first, let firstValue, _) = try case_.exchange(
                start, evaluation, &evaluator, &allowance, &memory)
        else {
            Issue.record("no first exchange")
            return
        }
        #expect(first == case_.plan([k1, l2]) || first == case_.plan([l1, k1]), "\(first)")
        #expect(abs(firstValue.value - 209.71) < 0.01, "first \(firstValue.value)")
        guard
            case .moved(let second, let secondValue, _) = try case_.exchange(
                first, firstValue, &evaluator, &allowance, &memory)
        else {
            Issue.record("no second exchange")
            return
        }
        #expect(second == case_.plan([k1, k3]), "\(second)")
        #expect(abs(secondValue.value - best) < 1e-6, "second \(secondValue.value), best \(best)")
    }

    /// The case above: L1 (c1), L2 (c3), K1 (c2) and K3 (c5), which share c2's group.
    static func sharedGroupCase() throws -> Case {
        try Case(
            candidates: """
                id,name,territory,kind,capacity,cofinancing_eur,commune_code
                K1,High candidate one,01,public,1,0,c2
                K3,Near candidate,01,public,1,0,c5

                """,
            extraCommunes: """
                c5,Near,01,E1,100,0,0,1.12
                c6,Beyond,01,E1,100,10,0,1.25

                """)
    }

    /// Values remembered across rounds are forgotten near a move and kept far from it: once L1's post goes to K1, K3's
    /// addition (K3 shares c2's group with K1) must be valued again, L2's drop (c3, 111 km away) need not; a plan that
    /// did not change forgets nothing. (Remembered, K3's addition would still say +165.56 where it is now worth
    /// +74.44.)
    @Test func theMemoryForgetsValuesNearAMove() throws {
        let case_ = try Self.sharedGroupCase()
        let model = case_.model
        let (l1, k1, l2, k3) = try (
            case_.decision("c1"), case_.decision("c2"), case_.decision("c3"), case_.decision("c5")
        )
        let unit = CommuneFixedPlan(model: model).unitOfDecision
        var groupUnits = [[Int]](repeating: [], count: model.reach.groups.count)
        for (u, groups) in model.reach.unitGroups.enumerated() { for group in groups { groupUnits[group].append(u) } }
        let addK3 = CommuneIndependentExchanges.Memory.Key(removed: [], added: [k3])
        let dropL2 = CommuneIndependentExchanges.Memory.Key(removed: [l2], added: [])
        var memory = CommuneIndependentExchanges.Memory()
        memory.update(to: case_.plan([l1, l2]), model: model, unit: unit, groupUnits: groupUnits)
        memory.changes[addK3] = (165.56, model.reach.unitGroups[unit[k3]])
        memory.changes[dropL2] = (-40.00, model.reach.unitGroups[unit[l2]])
        memory.update(to: case_.plan([l1, l2]), model: model, unit: unit, groupUnits: groupUnits)
        #expect(memory.changes.count == 2)
        memory.update(to: case_.plan([k1, l2]), model: model, unit: unit, groupUnits: groupUnits)
        #expect(memory.changes[addK3] == nil)
        #expect(memory.changes[dropL2]?.value == -40.00)
        #expect(memory.changes.count == 1)
    }
}
