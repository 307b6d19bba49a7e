import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Studies
import Testing

/// Co-financing with options of different host shares (issue 9, item 1): the model states each structure's rule
/// exactly, so adding an option, a host, host money or State money never lowers the proven optimum.
@Suite struct CofinancingTests {
    /// With the fixtures' public kind (1,000 € a month): State pays half for 48 months, 24,000 € State + 24,000 € host.
    static let dear = FundingOption(id: "dear", label: "Dear", stateShare: 0.5, months: 48)

    struct Solved {
        let plan: Plan
        let evaluation: PlanEvaluation
        let model: AllocationModel
    }

    /// `proven`: the solve must prove its plan within the gap; otherwise any plan will do (the caller's claim is then
    /// about a plan, which bounds the optimum from below).
    func solve(_ scenario: Scenario, gap: Double = 0, timeLimit: Double = 60, proven: Bool = true) throws -> Solved {
        let model = AllocationModel(scenario: scenario)
        // The primal heuristic first, as the run solves: GLPK alone does not close 1e-4 on the default scenario in 60
        // s.
        let result = try HeuristicFirst.solve(
            model, solver: GLPKSolver(), options: SolverOptions(timeLimitSeconds: timeLimit, mipGap: gap))
        try #require(proven ? result.status == .optimal : result.hasSolution, "\(result.status)")
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        try PlanVerifier.verify(plan, scenario: scenario)
        return Solved(plan: plan, evaluation: PlanEvaluation(plan: plan, scenario: scenario), model: model)
    }

    /// One territory (need 1,000, linear value), 12 people per post and year, 2 posts, State budget 36,000 €; one
    /// structure of capacity 2 with 36,000 € of host money. Options: `full` (24,000 € State, 24 months, 24 people),
    /// `partial` (18,000 € State + 18,000 € host, 36 months, 36 people), `dear` (24,000 € + 24,000 €, 48 months, 48
    /// people).
    ///
    /// On paper, the plans within 2 posts and 36,000 € of State money: 2 × partial (36,000 € State, 36,000 € host:
    /// exactly the host's money) reaches 72 people; 1 × dear 48 (no second post fits the 12,000 € left); 1 × partial
    /// + 1 × full costs 42,000 €, 2 × full 48,000 €: over budget. The optimum is 72 people with 2 partial posts.
    /// The old count at the largest host share (⌊36,000 / 24,000⌋ = 1 co-financed post) allowed only 48.
    @Test func twoHostSharesHandSolved() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 1_000)],
            hosts: [.init(id: "s1", territory: "A", capacity: 2, cofinancingEUR: 36_000)],
            posts: 2, budget: 36_000, extraOptions: [Self.dear])
        let solved = try solve(scenario)
        #expect(abs(solved.evaluation.objective - 72) < 1e-6)
        #expect(solved.plan.placements == [Placement(structureID: "s1", option: "partial", posts: 2)])
        // The structure's money depends on the mix: it has a row of its own, and no count at the largest share.
        let names = solved.model.program.constraints.map(\.name)
        #expect(names.contains("structure_cofinancing[A,public,1]"))
        #expect(!names.contains { $0.hasPrefix("cofinancing[") })
    }

    /// Two structures of capacity 2 with 40,000 € each: each can take 2 partial posts (36,000 €) or 1 dear post, never
    /// 2 dear ones. A row on the pool's money (80,000 €) would allow 3 dear posts (72,000 €, 144 people); per structure
    /// the best 3 posts are 2 partial at one structure and 1 dear at the other (72 + 48 = 120 people), or 1 dear + 1
    /// full and 1 dear (72 + 48 = 120). Budget and need are ample, so the optimum is 120 people.
    @Test func hostMoneyIsPerStructureNotPooled() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 1_000)],
            hosts: [
                .init(id: "s1", territory: "A", capacity: 2, cofinancingEUR: 40_000),
                .init(id: "s2", territory: "A", capacity: 2, cofinancingEUR: 40_000),
            ],
            posts: 3, budget: 1e9, extraOptions: [Self.dear])
        let solved = try solve(scenario)
        #expect(abs(solved.evaluation.objective - 120) < 1e-6)
        #expect(solved.evaluation.posts == 3)
    }

    /// The default scenario keeps its model: one co-financed option per pool, so one count per pool and no
    /// per-structure row (docs/model.md's 826 rows). The counts changed with the default data derived from the
    /// hosts' catchments (issue 10: 760 rows, 172 counts, 3,303 variables, 475 integer before), and again when the
    /// hosts' communes were moved into their départements (832 rows, 198 counts, 3,329 variables, 501 integer before);
    /// the form did not.
    @Test func defaultScenarioModelUnchanged() throws {
        let model = AllocationModel(scenario: try ScenarioLoader.load(Fixtures.defaultScenarioPath))
        let names = model.program.constraints.map(\.name)
        #expect(names.count == 826)
        #expect(names.filter { $0.hasPrefix("cofinancing[") }.count == 194)
        #expect(!names.contains { $0.hasPrefix("structure_") })
        #expect(model.program.variables.count == 3_325)
        #expect(model.program.integerCount == 497)
    }

    /// The red team's case (issue 9): a third option, half of the SMIC for 24 months, on the default scenario. The plan
    /// of the default scenario uses only the two unchanged options, so it stays feasible and the optimum cannot fall
    /// by more than the gap. Before the fix it fell by 8.3 %.
    @Test func addingAnOptionToTheDefaultScenarioNeverLowersTheOptimum() throws {
        let gap = 1e-4
        let base = try solve(try ScenarioLoader.load(Fixtures.defaultScenarioPath), gap: gap)
        let widened = try ScenarioLoader.load(
            Fixtures.defaultScenarioPath,
            overrides: [
                ParameterOverride(key: "funding.half.state_share", value: "0.5"),
                ParameterOverride(key: "funding.half.months", value: "24"),
            ])
        let started = Date()
        // Any plan of the widened scenario at or above the base optimum (less the gap) shows its optimum is too; GLPK
        // needs 60–105 s to prove it under the test suite's load, and more on a loaded CI machine, so the test takes
        // the plan it has after 30 s (release, 30 s: 4,738,559, 1.7 % above the base's 4,657,971).
        let solved = try solve(widened, gap: gap, timeLimit: 30, proven: false)
        print(
            "default scenario + funding.half: solved in \(Date().timeIntervalSince(started)) s, objective \(solved.evaluation.objective) vs \(base.evaluation.objective)"
        )
        #expect(solved.evaluation.objective >= base.evaluation.objective * (1 - gap))
        #expect(solved.model.program.constraints.contains { $0.name.hasPrefix("structure_cofinancing[") })
    }

    /// The pooled count at the largest host share (used only to find a first plan) is a restriction: its plan, stated
    /// in the exact model's variables, satisfies every bound and row of the exact model, and scores no better than the
    /// exact optimum. Checked on the seeded scenarios with two host shares.
    @Test(arguments: [1, 2, 3, 4]) func pooledPlanStartsTheExactModel(seed: Int) throws {
        var random = PropertyTests.Generator(state: UInt64(seed) &* 104_729)
        let places = (0..<3).map { Fixtures.Place(code: "T\($0)", need: 100 + random.next(400)) }
        let moneys = [18_000.0, 36_000, 40_000, 45_000, 54_000]
        let hosts = (0..<8).map {
            Fixtures.Host(
                id: "h\($0)", territory: "T\(random.next(3))", capacity: 1 + random.next(3),
                cofinancingEUR: moneys[random.next(moneys.count)])
        }
        let scenario = Fixtures.scenario(
            places: places, hosts: hosts, posts: 6 + random.next(6), budget: 200_000, exponent: 0.5,
            breakpoints: [0.25, 0.5, 1], extraOptions: [Self.dear])
        let exact = AllocationModel(scenario: scenario)
        let restriction = AllocationModel(scenario: scenario, cofinancing: .pooled(quantile: 1))
        let result = try GLPKSolver().solve(
            restriction.program, options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
        try #require(result.status == .optimal)
        let plan = try PlanSplitter.plan(from: result.values, model: restriction, scenario: scenario)
        #expect(PlanVerifier.violations(of: plan, scenario: scenario).isEmpty)
        let values = try #require(exact.values(for: plan, scenario: scenario))
        #expect(exact.program.largestViolation(of: values) == nil)
        let pooled = PlanEvaluation(plan: plan, scenario: scenario).objective
        #expect(try solve(scenario).evaluation.objective >= pooled - 1e-6 * max(1, pooled))
    }

    /// Seeded small scenarios: three territories, eight structures with random capacities and host money, random posts
    /// and budget. Adding an option, a host structure, host money or State money never lowers the optimum (gap 0).
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8]) func addingResourcesNeverLowersTheOptimum(seed: Int) throws {
        var random = PropertyTests.Generator(state: UInt64(seed) &* 7919)
        let places = (0..<3).map { Fixtures.Place(code: "T\($0)", need: 100 + random.next(400)) }
        let moneys = [0.0, 18_000, 24_000, 36_000, 40_000, 42_000, 48_000, 54_000, 72_000]
        var hosts = (0..<8).map {
            Fixtures.Host(
                id: "h\($0)", territory: "T\(random.next(3))", capacity: 1 + random.next(3),
                cofinancingEUR: moneys[random.next(moneys.count)])
        }
        let posts = 4 + random.next(8)
        let budget = Double(60_000 + 6_000 * random.next(30))
        func scenario(_ hosts: [Fixtures.Host], budget: Double, options: [FundingOption]) -> Scenario {
            Fixtures.scenario(
                places: places, hosts: hosts, posts: posts, budget: budget, peoplePerPostYear: 12, exponent: 0.5,
                breakpoints: [0.25, 0.5, 1], extraOptions: options)
        }
        let base = try solve(scenario(hosts, budget: budget, options: [])).evaluation.objective
        let withOption = try solve(scenario(hosts, budget: budget, options: [Self.dear])).evaluation.objective
        #expect(withOption >= base - 1e-6 * max(1, base), "adding an option: \(withOption) < \(base)")
        // From here on the option stays: hosts and money are added to a scenario with two host shares.
        let extraHost = Fixtures.Host(
            id: "h9", territory: "T\(random.next(3))", capacity: 2, cofinancingEUR: moneys[random.next(moneys.count)])
        let withHost = try solve(scenario(hosts + [extraHost], budget: budget, options: [Self.dear])).evaluation
            .objective
        #expect(withHost >= withOption - 1e-6 * max(1, withOption), "adding a host: \(withHost) < \(withOption)")
        let richer = random.next(hosts.count)
        hosts[richer].cofinancingEUR += 18_000
        let withMoney = try solve(scenario(hosts, budget: budget, options: [Self.dear])).evaluation.objective
        #expect(withMoney >= withOption - 1e-6 * max(1, withOption), "adding host money: \(withMoney) < \(withOption)")
        let withBudget = try solve(scenario(hosts, budget: budget + 24_000, options: [Self.dear])).evaluation.objective
        #expect(withBudget >= withMoney - 1e-6 * max(1, withMoney), "adding State money: \(withBudget) < \(withMoney)")
    }
}
