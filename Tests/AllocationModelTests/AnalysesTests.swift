import AllocationModel
import GLPKSolver
import LinearProgramming
@testable import Scenario
import Testing

/// Lexicographic objectives, the efficiency–equity frontier and sensitivity, on scenarios solvable by hand.
@Suite struct AnalysesTests {
    let options = SolverOptions(timeLimitSeconds: 20, mipGap: 0)

    /// Linear value; A needs 240 people, B 48; 3 posts of 24 people each. Every split of the 3 posts covers 72
    /// people (B can absorb 2), so value alone is indifferent. Max-min coverage ratio: a posts in A, b in B give
    /// min(24a/240, 24b/48): (3,0) → 0, (2,1) → min(0.2, 0.5) = 0.2, (1,2) → 0.1. So max-min then value gives
    /// A 2, B 1, smallest ratio 0.2, value 72.
    @Test func maxminThenValueRaisesTheSmallestRatioFirst() throws {
        let scenario = Fixtures.scenario(places: [.init(code: "A", need: 240), .init(code: "B", need: 48)],
                                         hosts: [.init(id: "a", territory: "A", capacity: 5), .init(id: "b", territory: "B", capacity: 5)],
                                         posts: 3, budget: 1e6, withPartial: false)
        let model = AllocationModel(scenario: scenario)
        let outcome = try StagedSolve.solve(model: model, scenario: scenario, stages: [.maxmin, .value], solver: GLPKSolver(), options: options)
        #expect(outcome.result.status == .optimal)
        #expect(abs(outcome.stageValues[0] - 0.2) < 1e-9)
        let plan = try PlanSplitter.plan(from: outcome.result.values, model: model, scenario: scenario)
        let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
        #expect(evaluation.territory("A")?.posts == 2)
        #expect(evaluation.territory("B")?.posts == 1)
        #expect(evaluation.objective == 72)
        #expect(PlanVerifier.violations(of: plan, scenario: scenario).isEmpty)
    }

    /// Raising the floor on the smallest ratio never increases coverage, and every point honours its floor.
    @Test func frontierIsMonotone() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 2400), .init(code: "B", need: 480), .init(code: "C", need: 96)],
            hosts: [.init(id: "a", territory: "A", capacity: 20), .init(id: "b", territory: "B", capacity: 20),
                    .init(id: "c", territory: "C", capacity: 20, cofinancingEUR: 40_000)],
            posts: 12, budget: 250_000, exponent: 1, withPartial: true)
        let points = try Frontier.sweep(scenario: scenario, solver: GLPKSolver(), options: options, points: 5)
        #expect(points.count == 5)
        for (previous, next) in zip(points, points.dropFirst()) {
            #expect(next.coverage <= previous.coverage + 1e-6)
            #expect(next.epsilon > previous.epsilon)
        }
        for point in points { #expect(point.minCoverageRatio >= point.epsilon - 1e-9) }
        #expect(points.last!.minCoverageRatio > points.first!.minCoverageRatio)
    }

    /// Linear value, one territory needing 1,000 people, 5 posts of 24 people each, budget far from binding:
    /// coverage 120. One post more or less moves coverage by 24 people per post; €1M more or less of an unused
    /// budget moves nothing; +100 posts is capped by the 20 places: 480 − 120 = 360, 3.6 per post.
    @Test func sensitivityMatchesAHandComputation() throws {
        let scenario = Fixtures.scenario(places: [.init(code: "A", need: 1000)], hosts: [.init(id: "a", territory: "A", capacity: 20)],
                                         posts: 5, budget: 5_000_000, withPartial: false)
        let (base, _) = try Sensitivity.point(scenario, solver: GLPKSolver(), options: options)
        let basePoint = try #require(base)
        #expect(basePoint.coverage == 120)
        func variant(_ overrides: [ParameterOverride]) throws -> Scenario {
            var posts = scenario.parameters.posts, budget = scenario.parameters.budgetEUR
            for override in overrides {
                if override.key == "programme.posts" { posts = Int(override.value)! }
                if override.key == "programme.budget_eur" { budget = Double(override.value)! }
            }
            return Fixtures.scenario(places: [.init(code: "A", need: 1000)], hosts: [.init(id: "a", territory: "A", capacity: 20)],
                                     posts: posts, budget: budget, withPartial: false)
        }
        let rows = try Sensitivity.run(base: basePoint, scenario: scenario, load: variant, solver: GLPKSolver(), options: options)
        let byLabel = Dictionary(uniqueKeysWithValues: rows.map { ($0.label, $0) })
        #expect(byLabel["posts +1"]?.coveragePerUnit == 24)
        #expect(byLabel["posts −1"]?.coveragePerUnit == 24)
        #expect(byLabel["posts +100"]?.coveragePerUnit == 3.6)
        #expect(byLabel["budget +€1M"]?.deltaCoverage == 0)
        #expect(byLabel["budget −€1M"]?.deltaCoverage == 0)
        #expect(rows.allSatisfy { $0.status == "optimal" })
    }

    /// On the national scenario: more money or posts never lowers coverage value, less never raises it, and
    /// dropping a family of floors or caps never lowers it (each within the MIP gap of 1e-4).
    @Test func nationalSensitivityHasTheRightSigns() throws {
        let scenario = try ScenarioLoader.load(Fixtures.defaultScenarioPath)
        let national = SolverOptions(timeLimitSeconds: 20, mipGap: 1e-4)
        let (base, _) = try Sensitivity.point(scenario, solver: GLPKSolver(), options: national)
        let basePoint = try #require(base)
        let rows = try Sensitivity.run(base: basePoint, scenario: scenario,
                                       load: { try ScenarioLoader.load(Fixtures.defaultScenarioPath, overrides: $0) },
                                       solver: GLPKSolver(), options: national)
        let tolerance = 1e-4 * basePoint.objective
        for row in rows {
            let delta = try #require(row.deltaObjective, "\(row.label) has no plan")
            if row.label.contains("+") || row.label.hasPrefix("without") { #expect(delta >= -tolerance, "\(row.label): \(delta)") }
            if row.label.contains("−") { #expect(delta <= tolerance, "\(row.label): \(delta)") }
        }
        #expect(rows.count >= 8)
    }
}
