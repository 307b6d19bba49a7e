import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Studies
import Testing

/// Properties the model must have whatever the data: reduction to a greedy allocation, equal treatment,
/// monotonicity, and a verifier that refuses wrong plans.
@Suite struct PropertyTests {
    func solve(_ scenario: Scenario, gap: Double = 0) throws -> (Plan, PlanEvaluation) {
        let model = AllocationModel(scenario: scenario)
        // The primal heuristic first, as the run solves: GLPK alone does not close 1e-4 on the default scenario in 30
        // s.
        let result = try HeuristicFirst.solve(
            model, solver: GLPKSolver(), options: SolverOptions(timeLimitSeconds: 30, mipGap: gap))
        try #require(result.status == .optimal)
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        try PlanVerifier.verify(plan, scenario: scenario)
        return (plan, PlanEvaluation(plan: plan, scenario: scenario))
    }

    /// A tiny deterministic generator, so every run tests the same cases.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// With only the posts row binding (budget and capacity ample, one option), the objective is separable and
    /// concave in each territory's posts, so taking the P largest marginal gains (greedy) is optimal. The gains
    /// are computed here from √r directly, not with the product's ValueCurve.
    @Test(arguments: [1, 2, 3, 4, 5]) func optimumEqualsGreedyWhenOnlyPostsBind(seed: Int) throws {
        var random = Generator(state: UInt64(seed))
        let breakpoints = [0.1, 0.3, 0.6, 1.0]
        let places = (0..<5).map { Fixtures.Place(code: "T\($0)", need: 200 + random.next(2000)) }
        let hosts = places.map { Fixtures.Host(id: "h\($0.code)", territory: $0.code, capacity: 200) }
        let posts = 20 + random.next(40)
        let scenario = Fixtures.scenario(
            places: places, hosts: hosts, posts: posts, budget: 1e9, exponent: 0.5,
            breakpoints: breakpoints, withPartial: false)
        func g(_ ratio: Double) -> Double {
            // Linear interpolation of √r between breakpoints (0 and the scenario's points).
            let r = min(max(ratio, 0), 1)
            var lower = 0.0
            for upper in breakpoints {
                if r <= upper {
                    return lower.squareRoot() + (upper.squareRoot() - lower.squareRoot()) * (r - lower)
                        / (upper - lower)
                }
                lower = upper
            }
            return 1
        }
        let perPost = 24.0  // 12 people a year × 2 years
        var gains: [Double] = []
        for place in places {
            let need = Double(place.need)
            for post in 1...200 {
                let value = need * g(perPost * Double(post) / need) - need * g(perPost * Double(post - 1) / need)
                gains.append(value)
            }
        }
        let greedy = gains.sorted(by: >).prefix(posts).reduce(0, +)
        let (_, evaluation) = try solve(scenario)
        #expect(evaluation.posts == posts)
        #expect(abs(evaluation.objective - greedy) <= 1e-6 * greedy)
    }

    /// Two territories with identical data get posts within one of each other, for any number of posts.
    @Test(arguments: [3, 7, 10, 15]) func identicalTerritoriesGetPostsWithinOne(posts: Int) throws {
        let places = [
            Fixtures.Place(code: "A", need: 500), Fixtures.Place(code: "B", need: 500),
            Fixtures.Place(code: "C", need: 900),
        ]
        let hosts = places.map { Fixtures.Host(id: "h\($0.code)", territory: $0.code, capacity: 20) }
        let scenario = Fixtures.scenario(
            places: places, hosts: hosts, posts: posts, budget: 1e9, exponent: 0.5,
            breakpoints: [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1], withPartial: false)
        let (_, evaluation) = try solve(scenario)
        let a = evaluation.territory("A")!.posts, b = evaluation.territory("B")!.posts
        #expect(abs(a - b) <= 1)
        #expect(evaluation.posts == posts)
    }

    /// More budget or more posts never lowers the objective (default national scenario). Each solve is optimal
    /// within the scenario's relative gap of 1e-4 (a tighter gap takes GLPK minutes), so "never lower" is
    /// checked up to that tolerance; each step of the sweep raises the optimum by far more (about 1 %).
    @Test func moreBudgetOrPostsNeverLowersTheObjective() throws {
        let base = try ScenarioLoader.load(Fixtures.defaultScenarioPath)
        var previous = -Double.infinity
        for budget in [180_000_000, 190_000_000, 200_000_000, 210_000_000] {
            let scenario = try ScenarioLoader.load(
                Fixtures.defaultScenarioPath,
                overrides: [ParameterOverride(key: "programme.budget_eur", value: "\(budget)")])
            let (_, evaluation) = try solve(scenario, gap: 1e-4)
            #expect(evaluation.objective >= previous * (1 - 1e-4))
            previous = evaluation.objective
        }
        previous = -Double.infinity
        for posts in [3_800, 3_900, 4_000, 4_100] {
            let scenario = try ScenarioLoader.load(
                Fixtures.defaultScenarioPath,
                overrides: [ParameterOverride(key: "programme.posts", value: "\(posts)")])
            let (_, evaluation) = try solve(scenario, gap: 1e-4)
            #expect(evaluation.objective >= previous * (1 - 1e-4))
            previous = evaluation.objective
        }
        #expect(base.territories.count == 101)
    }

    /// The verifier refuses a plan with one post over a structure's capacity, a plan over budget, and a
    /// solver claim that disagrees with the recomputed objective.
    @Test func verifierRefusesCorruptedPlans() throws {
        let scenario = try ScenarioLoader.load(Fixtures.defaultScenarioPath)
        let (plan, evaluation) = try solve(scenario, gap: 1e-4)
        #expect(PlanVerifier.violations(of: plan, scenario: scenario).isEmpty)

        let full = try #require(scenario.structures.first { (evaluation.postsByStructure[$0.id] ?? 0) == $0.capacity })
        let overCapacity = Plan(
            placements: plan.placements + [Placement(structureID: full.id, option: "full", posts: 1)])
        let violations = PlanVerifier.violations(of: overCapacity, scenario: scenario)
        #expect(violations.contains { $0.constraint == "host_capacity[\(full.id)]" })

        let tight = try ScenarioLoader.load(
            Fixtures.defaultScenarioPath,
            overrides: [ParameterOverride(key: "programme.budget_eur", value: "150000000")])
        #expect(PlanVerifier.violations(of: plan, scenario: tight).contains { $0.constraint == "budget" })

        let wrongClaim = PlanVerifier.violations(
            of: plan, scenario: scenario, claimedObjective: evaluation.objective * 1.01)
        #expect(wrongClaim.map(\.constraint) == ["objective"])
        #expect(throws: PlanVerifier.Rejected.self) { try PlanVerifier.verify(overCapacity, scenario: scenario) }
    }
}
