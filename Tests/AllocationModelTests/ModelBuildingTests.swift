import AllocationModel
import LinearProgramming
import Scenario
import Testing

/// The model's rows and columns, named as in docs/model.md, with the coefficients the scenario implies.
@Suite struct ModelBuildingTests {
    let scenario = Fixtures.scenario(
        places: [.init(code: "A", need: 1000, region: "R1"), .init(code: "B", need: 500, region: "R2")],
        hosts: [
            .init(id: "a1", territory: "A", capacity: 3, cofinancingEUR: 20_000),
            .init(id: "a2", territory: "A", capacity: 2, cofinancingEUR: 40_000),
            .init(id: "b1", territory: "B", capacity: 4),
        ],
        posts: 6, budget: 150_000, territoryMin: 1, territoryMaxShare: 0.5, regionMaxShare: 0.6)

    @Test func namesEveryConstraintFamily() {
        let model = AllocationModel(scenario: scenario)
        let names = Set(model.program.constraints.map(\.name))
        for name in [
            "posts_total", "budget", "host_capacity[A,public]", "cofinancing[A,public]", "service[A]", "service[B]",
            "need[A]", "territory_floor[A]", "territory_floor[B]", "territory_cap[A]", "region_cap[R1]",
        ] {
            #expect(names.contains(name), "missing \(name)")
        }
        // B has no co-financing, so its partial option does not exist and needs no capacity row of its own.
        #expect(model.program.variable(named: "x[B,public,partial]") == nil)
        #expect(!names.contains("cofinancing[B,public]"))
        // The cap is 0.5 × 6 = 3 posts: below B's capacity (4), so B has a cap row; A's capacity is 5, so A too.
        #expect(names.contains("territory_cap[B]"))
    }

    @Test func coefficientsFollowTheScenario() throws {
        let model = AllocationModel(scenario: scenario)
        let program = model.program
        let full = try #require(program.variable(named: "x[A,public,full]"))
        let partial = try #require(program.variable(named: "x[A,public,partial]"))
        let budget = try #require(program.constraintIndex(named: "budget"))
        let service = try #require(program.constraintIndex(named: "service[A]"))
        func coefficient(_ row: Int, _ variable: Variable) -> Double? {
            program.constraints[row].terms.first { $0.variable == variable.index }?.coefficient
        }
        #expect(coefficient(budget, full) == 24_000)
        #expect(coefficient(budget, partial) == 18_000)
        #expect(coefficient(service, full) == -24)  // 12 people a year × 24 months
        #expect(coefficient(service, partial) == -36)
        #expect(program.constraints[budget].upper == 150_000)
        // M[A] = min(3, ⌊20,000 / 18,000⌋) + min(2, ⌊40,000 / 18,000⌋) = 1 + 2 = 3
        let pool = try #require(model.pools.first { $0.territory == "A" })
        #expect(pool.capacity == 5)
        #expect(pool.cofinanceablePosts == 3)
        #expect(program.variables[partial.index].upper == 3)
        #expect(program.variables[full.index].kind == .integer)
        try program.validate()
    }

    @Test func valueCurveIsConcaveAndEndsAtOne() {
        let curve = ValueCurve(ObjectiveParameters(exponent: 0.5, breakpoints: [0.02, 0.05, 0.1, 0.2, 0.5, 1]))
        let slopes = curve.segments.map(\.slope)
        #expect(zip(slopes, slopes.dropFirst()).allSatisfy { $0 > $1 })
        #expect(abs(curve.value(ratio: 1) - 1) < 1e-12)
        #expect(abs(curve.value(ratio: 0.2) - 0.2.squareRoot()) < 1e-12)
        #expect(curve.value(ratio: 2) == curve.value(ratio: 1))
    }
}
