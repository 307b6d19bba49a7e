import AllocationModel
import GLPKSolver
import LinearProgramming
import Scenario
import Testing

/// Small scenarios whose optimum is proved in each test's comment, solved through the real GLPK.
@Suite struct HandSolvedTests {
    func solve(_ scenario: Scenario) throws -> (Plan, PlanEvaluation, SolveResult) {
        let model = AllocationModel(scenario: scenario)
        let result = try GLPKSolver().solve(model.program, options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
        #expect(result.status == .optimal)
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        try PlanVerifier.verify(plan, scenario: scenario)
        return (plan, PlanEvaluation(plan: plan, scenario: scenario), result)
    }

    /// Both funding options, and co-financing binds.
    /// Linear value (exponent 1, one segment), need 1,000 everywhere so it never binds. A full post costs the
    /// State 24 k€ and serves 12 × 2 = 24 people; a partial post costs 18 k€ and serves 12 × 3 = 36, but its host
    /// pays 18 k€: A can co-finance 2 (36 k€), B and C one each (18 k€) → M = 4. Budget 200 k€, 10 posts.
    /// Maximise 24 f + 36 p s.t. 24 f + 18 p ≤ 200, p ≤ 4, f + p ≤ 10. For p = 4: f ≤ ⌊128/24⌋ = 5 → 264 people;
    /// p = 3: f ≤ ⌊146/24⌋ = 6 → 252; p = 2: f ≤ 6 → 216; fewer p is worse still. Optimum: p = 4 (2, 1, 1), f = 5,
    /// 264 people, State 192 k€, hosts 72 k€: co-financing is used up in every territory.
    @Test func bothFundingOptionsWithBindingCofinancing() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 1000), .init(code: "B", need: 1000), .init(code: "C", need: 1000)],
            hosts: [
                .init(id: "a1", territory: "A", capacity: 10, cofinancingEUR: 36_000),
                .init(id: "b1", territory: "B", capacity: 10, cofinancingEUR: 18_000),
                .init(id: "c1", territory: "C", capacity: 10, cofinancingEUR: 18_000),
            ],
            posts: 10, budget: 200_000)
        let (_, evaluation, _) = try solve(scenario)
        #expect(evaluation.coverage == 264)
        #expect(evaluation.objective == 264)
        #expect(evaluation.stateCostEUR == 192_000)
        #expect(evaluation.hostCostEUR == 72_000)
        #expect(evaluation.posts == 9)
        #expect(evaluation.territory("A")?.postsByOption["partial"] == 2)
        #expect(evaluation.territory("B")?.postsByOption["partial"] == 1)
        #expect(evaluation.territory("C")?.postsByOption["partial"] == 1)
        #expect(evaluation.territories.reduce(0) { $0 + ($1.postsByOption["full"] ?? 0) } == 5)
    }

    /// Diminishing returns give the small territory its share. g(r) = √r on breakpoints 0.25, 1 (slopes 2 and
    /// 2/3). Need: A 480, B 96. One post serves 24 people (full option only, budget and capacity ample), 6 posts.
    /// A's first segment holds 120 people = 5 posts at slope 2; B's first segment holds 24 people = 1 post at
    /// slope 2. So the 6 posts fill both first segments exactly: A 5, B 1, value 2 × (120 + 24) = 288. Any other
    /// split moves a post onto a slope-2/3 segment and loses 2 × 24 − 2/3 × 24 = 32.
    @Test func diminishingReturnsShareThePosts() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 480), .init(code: "B", need: 96)],
            hosts: [.init(id: "a1", territory: "A", capacity: 10), .init(id: "b1", territory: "B", capacity: 10)],
            posts: 6, budget: 1_000_000, exponent: 0.5, breakpoints: [0.25, 1], withPartial: false)
        let (_, evaluation, _) = try solve(scenario)
        #expect(evaluation.territory("A")?.posts == 5)
        #expect(evaluation.territory("B")?.posts == 1)
        #expect(abs(evaluation.objective - 288) < 1e-9)
    }

    /// A floor binds. Linear value; need A 1,000, B 10. 3 posts, 24 people each, full option only. Without a
    /// floor all posts would go anywhere with need left: B can absorb only 10 people. With a floor of 1 post per
    /// territory, B takes 1 post (10 people covered, 14 servable wasted) and A takes 2 (48): value 58, against
    /// 72 without the floor.
    @Test func territoryFloorBinds() throws {
        let hosts: [Fixtures.Host] = [
            .init(id: "a1", territory: "A", capacity: 10), .init(id: "b1", territory: "B", capacity: 10),
        ]
        let places: [Fixtures.Place] = [.init(code: "A", need: 1000), .init(code: "B", need: 10)]
        let floored = Fixtures.scenario(
            places: places, hosts: hosts, posts: 3, budget: 1_000_000, territoryMin: 1, withPartial: false)
        let (_, withFloor, _) = try solve(floored)
        #expect(withFloor.territory("B")?.posts == 1)
        #expect(withFloor.territory("A")?.posts == 2)
        #expect(withFloor.objective == 58)
        let free = Fixtures.scenario(places: places, hosts: hosts, posts: 3, budget: 1_000_000, withPartial: false)
        let (_, withoutFloor, _) = try solve(free)
        #expect(withoutFloor.territory("A")?.posts == 3)
        #expect(withoutFloor.objective == 72)
    }

    /// Host capacity binds and posts are spread one per structure in turn. Territory A has hosts a1 (capacity 1)
    /// and a2 (capacity 3); 5 posts are available but A can take only 4: the plan places 4 (a1: 1, a2: 3).
    @Test func hostCapacityBindsAndSplitIsExact() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 1000)],
            hosts: [.init(id: "a1", territory: "A", capacity: 1), .init(id: "a2", territory: "A", capacity: 3)],
            posts: 5, budget: 1_000_000, withPartial: false)
        let (plan, evaluation, _) = try solve(scenario)
        #expect(evaluation.posts == 4)
        #expect(
            plan.placements == [
                Placement(structureID: "a1", option: "full", posts: 1),
                Placement(structureID: "a2", option: "full", posts: 3),
            ])
    }

    /// Overseas posts cost more. One post of budget 36 k€ can go to mainland A (24 k€) or overseas O (36 k€),
    /// linear value, equal needs: with a budget of 48 k€ and 2 posts, A gets 2 (48 k€) rather than O 1.
    @Test func overseasCostsMore() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 1000), .init(code: "O", need: 1000, overseas: true)],
            hosts: [.init(id: "a1", territory: "A", capacity: 5), .init(id: "o1", territory: "O", capacity: 5)],
            posts: 2, budget: 48_000, withPartial: false)
        let (_, evaluation, _) = try solve(scenario)
        #expect(evaluation.territory("A")?.posts == 2)
        #expect(evaluation.territory("O")?.posts == 0)
        #expect(evaluation.stateCostEUR == 48_000)
    }
}
