import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Studies
import Testing

/// The primal heuristic that starts the main solve (docs/model.md, "Solve strategy"): its plan is feasible, it is
/// the optimum where rounding the relaxation and adding posts greedily is enough, branch-and-bound improves it where
/// it is not, and GLPK accepts it as a start on the national scenario.
@Suite struct PrimalHeuristicTests {
    let exact = SolverOptions(timeLimitSeconds: 30, mipGap: 0)

    /// Heuristic alone optimal. The scenario of `HandSolvedTests.bothFundingOptionsWithBindingCofinancing`: linear
    /// value, a full post costs 24 k€ and serves 24 people, a partial post 18 k€ and 36 people but only 4 can be
    /// co-financed (A 2, B 1, C 1); budget 200 k€, 10 posts. Relaxation: partial is worth 2 people per k€ against 1,
    /// so p = 4 (72 k€) and f = 128/24 = 5.33 full posts (272 people). Rounding down keeps p = 4 and at least 4 full
    /// posts (5.33 split over at most two territories); adding full posts greedily while the budget allows reaches
    /// f = 5 (192 k€; a sixth would need 216 k€). 264 people is the optimum (proof in that test: p = 4, f = 5).
    @Test func heuristicAloneIsOptimalWhenRoundingTheRelaxationSuffices() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 1000), .init(code: "B", need: 1000), .init(code: "C", need: 1000)],
            hosts: [
                .init(id: "a1", territory: "A", capacity: 10, cofinancingEUR: 36_000),
                .init(id: "b1", territory: "B", capacity: 10, cofinancingEUR: 18_000),
                .init(id: "c1", territory: "C", capacity: 10, cofinancingEUR: 18_000),
            ],
            posts: 10, budget: 200_000)
        let model = AllocationModel(scenario: scenario)
        let found = try #require(PrimalHeuristic.plan(for: model, solver: GLPKSolver(), options: exact))
        #expect(model.program.largestViolation(of: found.values) == nil)
        #expect(abs(found.relaxationBound - 272) < 1e-3)
        let plan = try PlanSplitter.plan(from: found.values, model: model, scenario: scenario)
        #expect(PlanEvaluation(plan: plan, scenario: scenario).objective == 264)
        let optimum = try GLPKSolver().solve(model.program, options: exact)
        #expect(optimum.status == .optimal)
        #expect(abs(found.objective - optimum.objective!) < 1e-9)
    }

    /// Heuristic not optimal; branch-and-bound improves it. One territory, linear value, budget 48 k€. A `long` post
    /// (90 % State, 40 months) costs the State 36 k€ and serves 40 people (1.11 per k€); a full post costs 24 k€ and
    /// serves 24 (1 per k€). The relaxation takes 48/36 = 1.33 long posts (53.3 people); rounding down leaves one long
    /// post (40 people) and 12 k€, too little for any post; moving that post to `full` loses 16 people, so no one-post
    /// move gains. The optimum is two full posts (48 k€, 48 people): 1 long + 1 full would cost 60 k€.
    @Test func branchAndBoundImprovesAHeuristicThatIsNotOptimal() throws {
        let long = FundingOption(id: "long", label: "Long", stateShare: 0.9, months: 40)
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 1000)],
            hosts: [.init(id: "a1", territory: "A", capacity: 10, cofinancingEUR: 8_000)],
            posts: 10, budget: 48_000, withPartial: false, extraOptions: [long])
        let model = AllocationModel(scenario: scenario)
        let found = try #require(PrimalHeuristic.plan(for: model, solver: GLPKSolver(), options: exact))
        #expect(model.program.largestViolation(of: found.values) == nil)
        #expect(abs(found.relaxationBound - 160.0 / 3) < 1e-3)
        #expect(abs(found.objective - 40) < 1e-3)
        let improved = try GLPKSolver().solve(model.program, options: exact.starting(from: found.values))
        #expect(!improved.log.contains("MIP start ignored"))
        #expect(improved.status == .optimal)
        #expect(!improved.startUsed)
        #expect(abs(improved.objective! - 48) < 1e-3)
    }

    /// The national scenario at €150M, where GLPK alone stopped at its time limit (gap 3–6 × 10⁻⁴): the heuristic's
    /// plan is within 10⁻⁴ of the relaxation, GLPK accepts it (no "ignored" line) and proves it at the root.
    @Test func startIsAcceptedAndProvedOnTheNationalScenarioAt150M() throws {
        let scenario = try ScenarioLoader.load(
            Fixtures.defaultScenarioPath,
            overrides: [
                ParameterOverride(key: "programme.budget_eur", value: "150000000")
            ])
        let model = AllocationModel(scenario: scenario)
        let options = SolverOptions(timeLimitSeconds: 60, mipGap: 1e-4)
        let found = try #require(PrimalHeuristic.plan(for: model, solver: GLPKSolver(), options: options))
        print(
            "national €150M: heuristic \(found.objective), relaxation \(found.relaxationBound), gap \(found.gap), \(found.seconds) s"
        )
        #expect(model.program.largestViolation(of: found.values) == nil)
        #expect(found.gap <= 1e-4)
        let result = try GLPKSolver().solve(model.program, options: options.starting(from: found.values))
        #expect(!result.log.contains("MIP start ignored"))
        #expect(result.status == .optimal)
        #expect(result.startUsed)
        #expect(result.nodes ?? 0 == 0)
    }
}
