import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing

/// The exact co-financing model against an oracle: on seeded tiny scenarios (two territories, two or three structures
/// of capacity ≤ 3, two or three co-financed options of different host shares), the proven optimum (gap 0) equals the
/// best plan found by enumerating every plan structure by structure, each structure's rules checked exactly in euros.
/// `CofinancingTests` only checks monotonicity ("adding resources never lowers the optimum"); this checks the value.
@Suite struct CofinancingOracleTests {
    /// With the fixtures' public kind (1,000 € a month), the co-financed options besides `partial` (18,000 € State +
    /// 18,000 € host, 36 months): host shares 24,000 €, 9,000 € and 15,000 €.
    static let extras = [
        FundingOption(id: "dear", label: "Dear", stateShare: 0.5, months: 48),
        FundingOption(id: "light", label: "Light", stateShare: 0.75, months: 36),
        FundingOption(id: "thrifty", label: "Thrifty", stateShare: 0.25, months: 20),
    ]

    /// Every vector of posts per option (`options` entries) summing to at most `capacity`.
    static func mixes(options: Int, capacity: Int) -> [[Int]] {
        guard options > 0 else { return [[]] }
        return (0...capacity).flatMap { first in
            mixes(options: options - 1, capacity: capacity - first).map { [first] + $0 }
        }
    }

    /// The best plan by enumeration: per structure, every mix within its capacity whose host shares fit its money
    /// exactly (no tolerance); across structures, every combination within the posts and the State budget.
    static func bruteForceOptimum(_ scenario: Scenario) -> Double {
        let options = scenario.parameters.fundingOptions.map(\.id)
        let perStructure: [[[Placement]]] = scenario.structures.map { structure in
            mixes(options: options.count, capacity: structure.capacity).compactMap { mix in
                let placements = zip(options, mix).filter { $0.1 > 0 }.map {
                    Placement(structureID: structure.id, option: $0.0, posts: $0.1)
                }
                let host =
                    PlanEvaluation(plan: Plan(placements: placements), scenario: scenario).hostCostByStructure[
                        structure.id] ?? 0
                return host <= structure.cofinancingEUR ? placements : nil
            }
        }
        var best = -Double.infinity
        func visit(_ index: Int, _ placements: [Placement]) {
            guard index < perStructure.count else {
                let evaluation = PlanEvaluation(plan: Plan(placements: placements), scenario: scenario)
                if evaluation.posts <= scenario.parameters.posts
                    && evaluation.stateCostEUR <= scenario.parameters.budgetEUR
                {
                    best = max(best, evaluation.objective)
                }
                return
            }
            for choice in perStructure[index] { visit(index + 1, placements + choice) }
        }
        visit(0, [])
        return best
    }

    @Test(arguments: 1...20) func optimumEqualsEnumeration(seed: Int) throws {
        var random = PropertyTests.Generator(state: UInt64(seed) &* 15_485_863)
        let places = (0..<2).map { Fixtures.Place(code: "T\($0)", need: 40 + random.next(160)) }
        let moneys = [0.0, 9_000, 15_000, 18_000, 24_000, 27_000, 30_000, 36_000, 40_000, 45_000, 54_000]
        let hosts = (0..<(2 + random.next(2))).map {
            Fixtures.Host(
                id: "h\($0)", territory: "T\(random.next(2))", capacity: 1 + random.next(3),
                cofinancingEUR: moneys[random.next(moneys.count)])
        }
        // Two or three co-financed options: `partial` or not, and the rest from the extras.
        let withPartial = random.next(2) == 0
        var extras = Self.extras
        let kept = 2 + random.next(2) - (withPartial ? 1 : 0)
        while extras.count > kept { extras.remove(at: random.next(extras.count)) }
        let scenario = Fixtures.scenario(
            places: places, hosts: hosts, posts: 2 + random.next(6), budget: Double(30_000 + 6_000 * random.next(16)),
            exponent: 0.5, breakpoints: [0.25, 0.5, 1], withPartial: withPartial, extraOptions: extras)
        let cofinanced = scenario.parameters.fundingOptions.filter { $0.stateShare < 1 }.count
        #expect((2...3).contains(cofinanced))

        let model = AllocationModel(scenario: scenario)
        let result = try GLPKSolver().solve(model.program, options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
        try #require(result.status == .optimal)
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
        for structure in scenario.structures {
            #expect((evaluation.hostCostByStructure[structure.id] ?? 0) <= structure.cofinancingEUR)
            #expect((evaluation.postsByStructure[structure.id] ?? 0) <= structure.capacity)
        }
        let oracle = Self.bruteForceOptimum(scenario)
        #expect(
            abs(evaluation.objective - oracle) <= 1e-6 * max(1, oracle),
            "repartir \(evaluation.objective), enumeration \(oracle)")
    }
}
