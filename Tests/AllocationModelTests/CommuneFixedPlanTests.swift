import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing
@testable import AllocationModel  // CommuneFixedPlan, the internal component-by-component valuation

/// The component-by-component evaluation of a plan (`CommuneFixedPlan`) against the one flow LP of the whole plan.
@Suite struct CommuneFixedPlanTests {
    /// At 20 km the fixture's sites overlap: the site of c1 reaches {c1} and {c2, c3} (c4 is 27.8 km away), the site of
    /// c2 reaches all three groups of territory 01, the candidate in c4 reaches {c2, c3} (16.7 km) and {c4}; the site
    /// of c5 reaches only {c5, c6}. Which units end up in one component depends on which have posts.
    static func scenario() throws -> Scenario {
        try ScenarioLoader.load(try CommuneFixture.folder(posts: 5, radius: "20"))
    }

    /// Every plan within the pools' capacities (2 × 2 × 2 × 3 of them): the sum of the components' LPs is the value of
    /// the whole fixed-plan LP, and the flows put together satisfy every row of the whole model.
    @Test func componentsAddUpToTheWholeFixedPlanLP() throws {
        let scenario = try Self.scenario()
        let relaxed = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let capacities = relaxed.decisions.map { relaxed.pools[$0.pool].capacity }
        #expect(capacities.count == 4 && capacities.reduce(0, +) == 5)
        var plans: [[Int]] = [[]]
        for capacity in capacities { plans = plans.flatMap { plan in (0...capacity).map { plan + [$0] } } }
        #expect(plans.count == 24)
        var options = SolverOptions(mipGap: 0)
        options.presolve = false
        for posts in plans {
            let whole = CommuneModel(
                scenario: scenario, options: .init(candidates: true, fixed: posts.map(Double.init), rules: false))
            let result = try GLPKSolver().solve(whole.program, options: options)
            #expect(result.status == .optimal)
            // `evaluate` itself refuses flows that break a row of the whole model (planRefused).
            let evaluation = try CommuneSolve.evaluate(
                scenario, candidates: true, posts: posts, rules: false, solver: GLPKSolver(), options: options)
            #expect(abs(evaluation.value - whole.value(of: result.values)) < 1e-6, "plan \(posts)")
            #expect(
                abs(evaluation.groupCoverage.reduce(0, +) - whole.groupCoverage(of: result.values).reduce(0, +)) < 1e-6,
                "plan \(posts)")
        }
    }

    /// The components themselves, worked out from the reach above: the sites of c1 and c4 share the group {c2, c3}
    /// (one component); the site of c5 is always a component of its own; a unit without posts joins nothing.
    @Test func componentsFollowTheUnitsWithPosts() throws {
        let scenario = try Self.scenario()
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true))
        let evaluator = CommuneFixedPlan(model: model)
        let code = { (unit: Int) in
            scenario.communes!.communes[model.reach.siteCommunes[model.reach.units[unit][0]]].code
        }
        let unitOf = { (site: String) in model.reach.units.indices.first { code($0) == site }! }
        var supply = [Double](repeating: 0, count: model.reach.units.count)
        supply[unitOf("c1")] = 120
        supply[unitOf("c4")] = 120
        supply[unitOf("c5")] = 120
        let parts = evaluator.components(supply: supply)
        #expect(parts.map { $0.units.map(code) } == [["c1", "c4"], ["c5"]])
        #expect(parts.map(\.groups.count) == [3, 1])
        supply[unitOf("c4")] = 0
        #expect(evaluator.components(supply: supply).map { $0.units.map(code) } == [["c1"], ["c5"]])
    }

    /// The local improvement says what ended it. Its allowance is counted (plans valued and the reach pairs their
    /// evaluations solved), so running out of it is the same on every machine; only the run's clock (`latest`) makes
    /// the plan depend on the machine, and the run says so. No allowance: no move valued, the count spent; a large
    /// one: the search ends on its candidates; a clock already past: cut by time. Never below the plan it started
    /// from, and the same plan twice from the same start.
    @Test func theImprovementSaysWhatEndedIt() throws {
        let scenario = try Self.scenario()
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let start = model.decisions.indices.map { $0 == 0 ? 1 : 0 }
        func improved(
            window: Int, latest: Date = .distantFuture, renewing: Bool = true
        ) throws -> (
            posts: [Int], value: Double, before: Double, result: CommuneImprovement.Result
        ) {
            var posts = start
            var evaluator = CommuneFixedPlan(model: model)
            var evaluation = try evaluator.evaluate(posts, solver: GLPKSolver(), options: SolverOptions(mipGap: 0))
            let before = evaluation.value
            let result = try CommuneImprovement.improve(
                &posts, evaluation: &evaluation, evaluator: &evaluator, scenario: scenario,
                allowance: .init(window: window, bound: renewing ? before * 2 : before, latest: latest),
                solver: GLPKSolver(),
                options: SolverOptions(mipGap: 0), log: { _ in })
            return (posts, evaluation.value, before, result)
        }
        let none = try improved(window: 0)
        #expect(none.result.spent && !none.result.cutByTime && none.result.valued == 0)
        #expect(none.posts == start)
        let large = try improved(window: 1_000_000)
        #expect(!large.result.spent && !large.result.cutByTime && large.result.valued > 0)
        #expect(large.value >= large.before - 1e-9)
        let again = try improved(window: 1_000_000)
        #expect(again.posts == large.posts && again.value == large.value && again.result.valued == large.result.valued)
        let late = try improved(window: 1_000_000, latest: .distantPast)
        #expect(late.result.cutByTime && !late.result.spent && late.posts == start)
        // Without renewals (the bound at the plan's value), half the work the whole search takes ends it part way:
        // spent, after some plans valued, and at the same plan every time.
        let whole = try improved(window: 1_000_000, renewing: false)
        #expect(whole.result.valued >= 2 && !whole.result.spent, "\(whole.result)")
        let half = try improved(window: whole.result.work / 2, renewing: false)
        #expect(half.result.spent && !half.result.cutByTime && half.result.valued > 0, "\(half.result)")
        #expect(half.result.valued < whole.result.valued)
        let halfAgain = try improved(window: whole.result.work / 2, renewing: false)
        #expect(halfAgain.posts == half.posts && halfAgain.result.valued == half.result.valued)
    }

    /// The work an evaluation counts: every component solved the first time (its pairs are those of the units with
    /// supply), none the second (all cached), the pass over the units with supply either way.
    @Test func anEvaluationCountsThePairsItSolves() throws {
        let scenario = try Self.scenario()
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let posts = model.decisions.indices.map { $0 < 2 ? 1 : 0 }
        var evaluator = CommuneFixedPlan(model: model)
        let supply = evaluator.supply(of: posts)
        let expected = model.reach.unitGroups.indices.filter { supply[$0] > 0 }.reduce(0) {
            $0 + model.reach.unitGroups[$1].count
        }
        #expect(expected > 0)
        let first = try evaluator.evaluate(posts, solver: GLPKSolver(), options: SolverOptions(mipGap: 0))
        #expect(first.solvedPairs == expected && first.suppliedPairs == expected)
        #expect(first.work == expected + expected / 4 + 1)
        let second = try evaluator.evaluate(posts, solver: GLPKSolver(), options: SolverOptions(mipGap: 0))
        #expect(second.solvedPairs == 0 && second.suppliedPairs == expected && second.work == expected / 4 + 1)
    }
}

/// The local improvement's allowance: a count renewed by the moves that pay, and a clock it never passes.
@Suite struct CommuneImprovementAllowanceTests {
    /// Bound 1,000, value 900 (gap 100), a window of 10 units of work. A move gaining 1 (1 % of the gap) renews the
    /// window from the work done, one gaining 0.9 does not; a renewal never shortens it; a plan at or above its
    /// bound renews nothing (no gap left to close).
    @Test func aMoveThatPaysRenewsTheCount() {
        var allowance = CommuneImprovement.Allowance(window: 10, bound: 1000)
        allowance.count(work: 4)
        allowance.count(work: 5)
        #expect(allowance.valued == 2 && allowance.work == 9 && !allowance.spent)
        allowance.kept(from: 900, to: 900.9)
        #expect(allowance.limit == 10)
        allowance.kept(from: 900, to: 901)
        #expect(allowance.limit == 19)
        allowance.kept(from: 901, to: 950)  // at the same work: the same end, not a shorter one
        #expect(allowance.limit == 19)
        allowance.count(work: 10)
        #expect(allowance.spent && allowance.expired())
        // A move valued in full as the count ran out (its batch's own valuation crossed the limit) still renews.
        allowance.kept(from: 950, to: 990)
        #expect(allowance.limit == 29 && !allowance.spent)
        // At or above the bound (a plan at its bound, or a bound below the plan) nothing renews.
        var atBound = CommuneImprovement.Allowance(window: 10, bound: 1000)
        atBound.kept(from: 1000, to: 1001)
        atBound.kept(from: 1001, to: 1100)
        #expect(atBound.limit == 10)
    }

    /// A wide plan (more than `wideGap`, 1 %, below its bound) widens the window by its gap over 1 %, and its renewals
    /// with it: 4 % below its bound, a window of 10 becomes 40. A plan 0.5 % below keeps its window, and so does one at
    /// its bound; one worth next to nothing widens it `widestFactor` times, not beyond what an `Int` holds.
    @Test func aWidePlanWidensTheWindowByItsGap() {
        var wide = CommuneImprovement.Allowance(window: 10, bound: 1040)
        #expect(wide.isWide(1000) && !wide.isWide(1030.0))
        wide.widen(from: 1000)
        #expect(wide.window == 40 && wide.limit == 40)
        wide.count(work: 30)
        wide.kept(from: 1000, to: 1010)
        #expect(wide.limit == 70)
        var narrow = CommuneImprovement.Allowance(window: 10, bound: 1005)
        narrow.widen(from: 1000)
        #expect(!narrow.isWide(1000) && narrow.window == 10 && narrow.limit == 10)
        var atBound = CommuneImprovement.Allowance(window: 10, bound: 1000)
        atBound.widen(from: 1000)
        #expect(atBound.window == 10)
        // A plan worth next to nothing: at most `widestFactor` times.
        var tiny = CommuneImprovement.Allowance(window: 1 << 40, bound: 1e12)
        tiny.widen(from: 1e-12)
        #expect(tiny.window == (1 << 40) * 1_000)
    }

    /// The clock: whatever the count, the allowance ends at `latest`, and says it was the clock.
    @Test func theRunsClockEndsItWhateverTheCount() {
        let start = Date(timeIntervalSinceReferenceDate: 0)
        let allowance = CommuneImprovement.Allowance(window: 1_000, bound: 1000, latest: start.addingTimeInterval(5))
        #expect(!allowance.expired(at: start.addingTimeInterval(4.9)) && !allowance.spent)
        #expect(
            allowance.expired(at: start.addingTimeInterval(5)) && allowance.pastLatest(at: start.addingTimeInterval(5)))
    }
}

/// Moving a post that is the only one within reach of an endowed group (`CommuneImprovement.relocation`): the pairs of
/// the local improvement never take such a post, so a plan rounded from the endowment's cover kept every one of them
/// where the cover put it (national €40M: 1.14 % below the bound, where HiGHS's optimum, 0.29 % below, moves about a
/// hundred of them).
@Suite struct CommuneRelocationTests {
    /// The 20 km fixture (`CommuneFixedPlanTests.scenario`), c1's need raised and the need near the candidate cut, with
    /// the group {c4} to endow: only the sites of c2 and of the candidate c4 reach it. The start puts one post on the
    /// candidate (the sole cover) and one on c1. Every single move of the candidate's post, valued exactly, is the
    /// brute force the relocation must match: it returns the best of the moves that keep {c4} endowed (to c2's site,
    /// 229.71 → 339.41), and then nil.
    @Test func aSoleCoverMovesToTheBestSiteThatKeepsItsGroupEndowed() throws {
        // c1's need is more than one post serves; the groups the candidate reaches, {c2, c3} and {c4}, need little.
        let scenario = try ScenarioLoader.load(
            try CommuneFixture.folder(posts: 5, radius: "20", demand: CommuneFixture.unevenDemand))
        let plain = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let communes = scenario.communes!.communes
        let c4 = communes.firstIndex { $0.code == "c4" }!
        let group = try #require(plain.reach.groupOfCommune[c4])
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true, covers: [group]))
        let site = { (decision: Int) in
            communes[model.reach.siteCommunes[model.pools[model.decisions[decision].pool].site]].code
        }
        let candidate = try #require(model.decisions.indices.first { site($0) == "c4" })
        let c1 = try #require(model.decisions.indices.first { site($0) == "c1" })
        var start = [Int](repeating: 0, count: model.decisions.count)
        start[candidate] = 1
        start[c1] = 1
        var evaluator = CommuneFixedPlan(model: model)
        let options = SolverOptions(mipGap: 0)
        let evaluation = try evaluator.evaluate(start, solver: GLPKSolver(), options: options)
        let covers = CommuneImprovement.Covers(model)
        let c2 = try #require(model.decisions.indices.first { site($0) == "c2" })
        #expect(covers.rows.map { $0.sorted() } == [[candidate, c2].sorted()])
        #expect(!covers.canRemove(candidate, counts: covers.counts(start)))

        // Brute force: the candidate's post moved to each decision of another unit that keeps the row and the rules.
        var best: Double?
        for taker in model.decisions.indices
        where evaluator.unitOfDecision[taker] != evaluator.unitOfDecision[candidate] {
            var trial = start
            trial[candidate] -= 1
            trial[taker] += 1
            guard trial[taker] <= model.pools[model.decisions[taker].pool].capacity,
                covers.counts(trial).allSatisfy({ $0 >= 1 })
            else { continue }
            let value = try evaluator.evaluate(trial, solver: GLPKSolver(), options: options).value
            best = max(best ?? value, value)
        }
        let reachable = try #require(best, "the post can move to the site of c2")
        let worth = model.decisions.indices.map {
            abs(evaluation.unitDuals[evaluator.unitOfDecision[$0]]) * model.decisions[$0].peoplePerPost
        }
        var ample = CommuneImprovement.Allowance(window: 1_000_000, bound: evaluation.value * 2)
        let moved = try CommuneImprovement.relocation(
            start, evaluation: evaluation, evaluator: &evaluator, covers: covers, worth: worth, scenario: scenario,
            allowance: &ample, solver: GLPKSolver(), options: options)
        #expect(ample.valued > 0, "each move valued counts against the allowance")
        guard case .moved(let movedPosts, let movedEvaluation, let inFull) = moved else {
            Issue.record("no move found: \(moved)")
            return
        }
        #expect(inFull)
        let found = (posts: movedPosts, evaluation: movedEvaluation)
        // On the candidate the post serves 60 people in need; at c2's site it also reaches c1's unserved need.
        #expect(reachable > evaluation.value + 100, "best move \(reachable), start \(evaluation.value)")
        #expect(abs(found.evaluation.value - reachable) < 1e-6, "\(found.evaluation.value) against \(reachable)")
        #expect(found.posts[candidate] == 0 && found.posts[c2] == 1 && found.posts.reduce(0, +) == 2)
        #expect(covers.counts(found.posts).allSatisfy { $0 >= 1 })
        // From the moved plan, no move of its sole cover gains any more.
        guard
            case .noneLeft = try CommuneImprovement.relocation(
                found.posts, evaluation: found.evaluation, evaluator: &evaluator, covers: covers,
                worth: worth, scenario: scenario, allowance: &ample, solver: GLPKSolver(), options: options)
        else {
            Issue.record("the moved plan's sole cover moved again")
            return
        }
        // With no allowance, nothing is tried.
        var none = CommuneImprovement.Allowance(window: 0, bound: evaluation.value * 2)
        guard
            case .stopped = try CommuneImprovement.relocation(
                start, evaluation: evaluation, evaluator: &evaluator, covers: covers, worth: worth, scenario: scenario,
                allowance: &none, solver: GLPKSolver(), options: options)
        else {
            Issue.record("a relocation with no allowance did not say it stopped")
            return
        }
        #expect(none.valued == 0)
    }
}
