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

    /// The local improvement says whether its time allowance ended it (the plan then depends on the machine, and the
    /// run says so): with no time it values no move and is cut short; with a minute, on this small plan, it ends on
    /// its candidates, never below the plan it started from.
    @Test func theImprovementSaysWhenItsAllowanceEndedIt() throws {
        let scenario = try Self.scenario()
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let start = model.decisions.indices.map { $0 == 0 ? 1 : 0 }
        for (allowance, cut) in [(0.0, true), (60, false)] {
            var posts = start
            var evaluator = CommuneFixedPlan(model: model)
            var evaluation = try evaluator.evaluate(posts, solver: GLPKSolver(), options: SolverOptions(mipGap: 0))
            let before = evaluation.value
            let (_, cutByTime) = try CommuneImprovement.improve(
                &posts, evaluation: &evaluation, evaluator: &evaluator, scenario: scenario, allowance: allowance,
                solver: GLPKSolver(), options: SolverOptions(mipGap: 0), log: { _ in })
            #expect(cutByTime == cut, "allowance \(allowance)")
            #expect(evaluation.value >= before - 1e-9)
            if cut { #expect(posts == start) }
        }
    }
}
