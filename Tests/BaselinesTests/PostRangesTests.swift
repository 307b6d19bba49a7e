import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Studies
import Testing

/// Ranges of posts among nearly optimal plans, on scenarios whose ranges are proved on paper.
@Suite struct PostRangesTests {
    /// One kind whose post costs the State 24,000 € for 24 months and serves κ = 12 people a year, 24 in all; only the
    /// `full` option; budget ample; capacity 10 per territory.
    static func scenario(
        needs: [(String, Int)], posts: Int, exponent: Double, breakpoints: [Double], floor: Int
    ) -> Scenario {
        let parameters = ScenarioParameters(
            name: "ranges", title: "", posts: posts, budgetEUR: 1_000_000, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0),
            kinds: [
                HostKind(id: "public", label: "Public", grantEUR: 24_000, overseasGrantEUR: 24_000, grantMonths: 24)
            ],
            fundingOptions: [FundingOption(id: "full", label: "Full", stateShare: 1, months: nil)],
            limits: Limits(territoryMinPosts: floor, territoryMaxShare: 1, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: exponent, breakpoints: breakpoints),
            solver: SolverParameters(timeLimitSeconds: 30, mipGap: 0, presolve: true, cuts: true), effective: [])
        let territories = needs.map { code, need in
            Territory(
                code: code, name: code, regionCode: "R", regionName: "R", overseas: false, population: need,
                population15Plus: need, population75Plus: need, fragilityIndex: 5)
        }
        let structures = needs.map { code, _ in
            HostStructure(id: code, name: code, territory: code, kind: "public", capacity: 10, cofinancingEUR: 0)
        }
        return Scenario(parameters: parameters, territories: territories, structures: structures)
    }

    static func ranges(
        _ scenario: Scenario, tolerances: [Double]
    ) throws -> (posts: [String: Int], ranges: [PostRanges.Ranges]) {
        let model = AllocationModel(scenario: scenario)
        let options = SolverOptions(timeLimitSeconds: 30, mipGap: 0)
        let result = try GLPKSolver().solve(model.program, options: options)
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
        let posts = Dictionary(uniqueKeysWithValues: evaluation.territories.map { ($0.code, $0.posts) })
        return (
            posts,
            try PostRanges.compute(
                model: model, scenario: scenario, posts: posts, bound: evaluation.objective,
                tolerances: tolerances, solver: GLPKSolver(), options: options)
        )
    }

    /// Two identical territories, need 1,000 each (never reached), linear value: every post adds 24 people wherever it
    /// goes, so every plan of 4 posts is optimal. With a floor of 1 each, A holds 1, 2 or 3 posts at the optimum
    /// (B ≥ 1, A + B ≤ 4); the relaxation allows no more (A ≤ 4 − B ≤ 3, A ≥ 1). So A's range is [1, 3], B's too,
    /// already within a gap of 10⁻⁹, and the same within 0.5 % (a plan of 3 posts loses 25 %).
    @Test func symmetricTerritoriesShareAProvenRange() throws {
        let scenario = Self.scenario(
            needs: [("A", 1000), ("B", 1000)], posts: 4, exponent: 1, breakpoints: [1], floor: 1)
        let (posts, ranges) = try Self.ranges(scenario, tolerances: [1e-9, 0.005])
        #expect(posts["A"]! + posts["B"]! == 4)
        for tolerance in ranges {
            #expect(tolerance.byTerritory["A"] == PostRanges.Range(low: 1, high: 3))
            #expect(tolerance.byTerritory["B"] == PostRanges.Range(low: 1, high: 3))
            #expect(tolerance.failed == 0)
        }
    }

    /// A unique optimum: g(r) = √r on breakpoints 0.25, 1 (slopes 2 and ⅔), need A 480, B 96, 6 posts of 24 people.
    /// The first segments hold 120 people in A (5 posts) and 24 in B (1 post): A 5, B 1, value 288. Moving x posts
    /// (even a fraction, in the relaxation) between them loses 32x; within 0.5 % (1.44) x ≤ 0.045, so A's relaxed range
    /// is [4.955, 5.045] and its whole-post range the point 5 (B: 1), which the model forces.
    @Test func aUniqueOptimumHasAPointRange() throws {
        let scenario = Self.scenario(
            needs: [("A", 480), ("B", 96)], posts: 6, exponent: 0.5, breakpoints: [0.25, 1], floor: 0)
        let (posts, ranges) = try Self.ranges(scenario, tolerances: [1e-9, 0.005])
        #expect(posts == ["A": 5, "B": 1])
        for tolerance in ranges {
            #expect(tolerance.byTerritory["A"] == PostRanges.Range(low: 5, high: 5))
            #expect(tolerance.byTerritory["B"] == PostRanges.Range(low: 1, high: 1))
            #expect(tolerance.byTerritory.values.allSatisfy { $0.isPoint })
        }
    }

    /// GLPK's warm-started ranging session (one load, a simplex per bound from the previous basis) gives the same
    /// bounds as one LP per bound from scratch, on a model with floors, caps, co-financing and the value held.
    @Test func warmStartedRangingMatchesOneLPPerBound() throws {
        let scenario = Self.scenario(
            needs: [("A", 480), ("B", 96), ("C", 300), ("D", 50)], posts: 12, exponent: 0.5,
            breakpoints: [0.1, 0.25, 0.5, 1], floor: 1)
        let model = AllocationModel(scenario: scenario)
        let options = SolverOptions(timeLimitSeconds: 30, mipGap: 0)
        let optimum = try #require(try GLPKSolver().solve(model.program, options: options).objective)
        var held = model.program
        held.addConstraint("value_held", model.valueTerms, lower: 0.995 * optimum)
        let columns = scenario.territories.map { model.postVariables[$0.code]! }
        let warm = try GLPKSolver().columnRanges(held, columns: columns, options: options)
        let cold = try ColumnRanges.oneByOne(held, columns: columns, solver: GLPKSolver(), options: options)
        #expect(warm.count == 4 && cold.count == 4)
        for (a, b) in zip(warm, cold) {
            #expect(abs(a.low! - b.low!) < 1e-6 && abs(a.high! - b.high!) < 1e-6, "\(a) vs \(b)")
        }
        // The held value binds: at least one territory cannot reach its floor-to-capacity span.
        #expect(warm.contains { $0.low! > 1 + 1e-6 || $0.high! < 10 - 1e-6 })
    }

    /// `excess` is the change every plan within the range makes against a number outside it.
    @Test func excessOutsideTheRange() {
        let range = PostRanges.Range(low: 10, high: 14)
        #expect(range.excess(12) == 0 && range.excess(9) == -1 && range.excess(17) == 3)
    }
}

/// The max-min of the frontier pinned by one territory's hosts: A needs 1,000 people but its hosts take 2 posts (48
/// people, 4.8 %); B needs 100 and can take 10. With 10 posts the smallest ratio cannot pass A's 4.8 %, and A holds
/// every post its hosts allow, so the report names A.
@Suite struct FrontierPinTests {
    @Test func theTerritoryWhoseHostsPinTheMaxMinIsNamed() throws {
        let parameters = ScenarioParameters(
            name: "pin", title: "", posts: 10, budgetEUR: 1_000_000, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0),
            kinds: [
                HostKind(id: "public", label: "Public", grantEUR: 24_000, overseasGrantEUR: 24_000, grantMonths: 24)
            ],
            fundingOptions: [FundingOption(id: "full", label: "Full", stateShare: 1, months: nil)],
            limits: Limits(territoryMinPosts: 0, territoryMaxShare: 1, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: 0.5, breakpoints: [0.25, 1]),
            solver: SolverParameters(timeLimitSeconds: 30, mipGap: 0, presolve: true, cuts: true), effective: [])
        let territories = [("A", 1000), ("B", 100)].map { code, need in
            Territory(
                code: code, name: code, regionCode: "R", regionName: "R", overseas: false, population: need,
                population15Plus: need, population75Plus: need, fragilityIndex: 5)
        }
        let structures = [
            HostStructure(id: "a", name: "a", territory: "A", kind: "public", capacity: 2, cofinancingEUR: 0),
            HostStructure(id: "b", name: "b", territory: "B", kind: "public", capacity: 10, cofinancingEUR: 0),
        ]
        let scenario = Scenario(parameters: parameters, territories: territories, structures: structures)
        let points = try Frontier.sweep(
            scenario: scenario, solver: GLPKSolver(), options: SolverOptions(timeLimitSeconds: 30, mipGap: 0),
            points: 2, width: 1)
        let top = try #require(points.last)
        #expect(abs(top.minCoverageRatio - 0.048) < 1e-9)
        #expect(top.pinnedBy == ["A"])
        #expect(points.allSatisfy { $0.status == "optimal" })
    }
}
