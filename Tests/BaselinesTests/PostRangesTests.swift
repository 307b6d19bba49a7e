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
        _ scenario: Scenario, tolerances: [Double], searched: Bool = false, moveBudget: Int? = nil,
        heuristicAbove: Double? = nil, proofs: Bool = false, workBudget: Int? = nil
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
                tolerances: tolerances, solver: GLPKSolver(), options: options,
                plan: searched ? result.values : nil, moveBudget: moveBudget, heuristicAbove: heuristicAbove,
                proveAbove: proofs ? nil : .infinity, workBudget: workBudget)
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
        let scenario = Self.concave
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

    /// The symmetric case with the ends searched: one post moved from B to A (or back) costs nothing, so plans are
    /// found at both ends of [1, 3]: the range is exact.
    @Test func searchedEndsOfTheSymmetricRangeAreExact() throws {
        let scenario = Self.scenario(
            needs: [("A", 1000), ("B", 1000)], posts: 4, exponent: 1, breakpoints: [1], floor: 1)
        let (_, ranges) = try Self.ranges(scenario, tolerances: [1e-9, 0.005], searched: true)
        for tolerance in ranges {
            #expect(tolerance.byTerritory["A"] == PostRanges.Range(low: 1, high: 3, lowFound: 1, highFound: 3))
            #expect(tolerance.byTerritory.values.allSatisfy { $0.isExact })
            #expect(tolerance.searchesCut == 0)
        }
    }

    /// The searches' budget is counted in moves, not seconds: with none, every side that needs a move stops where
    /// it starts (the plan's own posts) and is counted as out of moves, never as cut by the clock; with one move per
    /// tolerance, the first side in code order that needs one (A's) gets it and the rest stop, the same on every
    /// call.
    @Test func theSearchBudgetIsCountedInMovesAndStopsTheSameWayEveryTime() throws {
        let scenario = Self.scenario(
            needs: [("A", 1000), ("B", 1000)], posts: 4, exponent: 1, breakpoints: [1], floor: 1)
        let (posts, none) = try Self.ranges(scenario, tolerances: [1e-9, 0.005], searched: true, moveBudget: 0)
        for tolerance in none {
            var short = 0
            for (code, range) in tolerance.byTerritory {
                #expect(range.lowFound == posts[code] && range.highFound == posts[code])
                short += (range.low < posts[code]! ? 1 : 0) + (range.high > posts[code]! ? 1 : 0)
            }
            #expect(short > 0, "the plan sits strictly inside some range [1, 3]")
            #expect(tolerance.searchesOutOfMoves == short)
            #expect(tolerance.searchesCut == 0)
        }
        let one = try Self.ranges(scenario, tolerances: [1e-9, 0.005], searched: true, moveBudget: 1).ranges
        let again = try Self.ranges(scenario, tolerances: [1e-9, 0.005], searched: true, moveBudget: 1).ranges
        for (first, second) in zip(one, again) {
            #expect(first.byTerritory == second.byTerritory)
            #expect(first.searchesOutOfMoves == second.searchesOutOfMoves)
            let found = first.byTerritory.values.reduce(0) { $0 + $1.highFound! - $1.lowFound! }
            #expect(found == 1, "one move widens one found range by one post")
        }
    }

    /// With no moves at all (a budget of 0), the ends of the wider tolerance are found by the primal heuristic with the
    /// posts held at the LP's end (`RangeSearch.heuristicEnd`): on the symmetric pair every plan of 4 posts is optimal,
    /// so A = 3 (and A = 1) are plans within 0.5 %, and the range [1, 3] is found exactly on both sides. The gap's
    /// tolerance is not above `heuristicAbove`: its ends stay at the plan's posts, as the moves left them.
    @Test func theHeuristicFindsTheEndsTheMovesLeft() throws {
        let scenario = Self.scenario(
            needs: [("A", 1000), ("B", 1000)], posts: 4, exponent: 1, breakpoints: [1], floor: 1)
        let (posts, ranges) = try Self.ranges(
            scenario, tolerances: [1e-9, 0.005], searched: true, moveBudget: 0, heuristicAbove: 1e-9)
        for (code, range) in ranges[0].byTerritory {
            #expect(range.lowFound == posts[code] && range.highFound == posts[code])
        }
        for code in ["A", "B"] {
            #expect(ranges[1].byTerritory[code] == PostRanges.Range(low: 1, high: 3, lowFound: 1, highFound: 3))
        }
        #expect(ranges[1].searchesCut == 0)
    }

    /// The heuristic's ends are real plans too: the brackets of every integer plan hold with it on, for the
    /// concave four-territory case and for the lumpy budget whose LP range [0, 2] is wider than the integer [0, 1]
    /// (the heuristic, asked for 2 posts in A, finds no plan within 20 %, and 1 is kept).
    @Test func theHeuristicsEndsLieWithinTheTrueIntegerRange() throws {
        let scenario = Self.concave
        let tolerances = [1e-9, 0.02, 0.1]
        for budget in [0, nil] as [Int?] {
            let (_, ranges) = try Self.ranges(
                scenario, tolerances: tolerances, searched: true, moveBudget: budget, heuristicAbove: 1e-9)
            let plans = Self.concavePlans
            try Self.expectBrackets(
                scenario, codes: ["A", "B", "C", "D"], plans: plans, tolerances: tolerances, ranges: ranges)
        }
        let lumps = try Self.lumps()
        let (_, ranges) = try Self.ranges(lumps, tolerances: [1e-9, 0.2], searched: true, heuristicAbove: 1e-9)
        #expect(ranges[1].byTerritory["A"] == PostRanges.Range(low: 0, high: 2, lowFound: 0, highFound: 1))
        let plans = (0...3).flatMap { a in (0...4).map { [a, $0] } }
        try Self.expectBrackets(lumps, codes: ["A", "B"], plans: plans, tolerances: [1e-9, 0.2], ranges: ranges)
    }

    /// The found ends are real plans and the LP's ends are bounds, checked against every integer plan: four
    /// territories with floors, a concave value and 12 posts; each of the 165 plans with 12 posts, at least 1 per
    /// territory (so at most 9), is valued by its fixed-posts program. Plans with fewer posts need not be listed: a
    /// post added elsewhere never lowers the value, so they reach no count of a territory that these do not. For every
    /// territory and tolerance, LP low ≤ true fewest ≤ found fewest and found most ≤ true most ≤ LP high, where "true"
    /// is over the plans within the tolerance.
    @Test func foundEndsLieBetweenTheTrueIntegerRangeAndTheLPBounds() throws {
        let scenario = Self.concave
        let tolerances = [1e-9, 0.02, 0.1]
        let (_, ranges) = try Self.ranges(scenario, tolerances: tolerances, searched: true)
        let plans = Self.concavePlans
        #expect(plans.count == 165)
        try Self.expectBrackets(
            scenario, codes: ["A", "B", "C", "D"], plans: plans, tolerances: tolerances, ranges: ranges)
        // The widest tolerance leaves room: some range is more than a point, and the search reaches an end of it.
        #expect(ranges[2].byTerritory.values.contains { $0.high > $0.low && ($0.lowFound! < $0.highFound!) })
    }

    /// Where the LP's range is wider than the integer one, the search stops at the integer end. Posts in A cost the
    /// State 40,000 €, in B 30,000 €, each serves 24 people (need never reached), budget 100,000 €: the best plans have
    /// 3 posts (A 0 or 1, the rest in B; 72 people). Within 20 % (57.6 people, so 3 posts) A holds at most 1 post
    /// (2 in A and 1 in B cost 110,000 €); the relaxation allows 40a + 30b ≤ 100,000 with a + b ≥ 2.4, so a ≤ 2.8,
    /// and its range rounded inwards is [0, 2]. The search must find A's 1, and not claim 2.
    @Test func theSearchStopsAtTheIntegerEndWhereTheLPRangeIsWider() throws {
        let scenario = try Self.lumps()
        let (posts, ranges) = try Self.ranges(scenario, tolerances: [1e-9, 0.2], searched: true)
        #expect(posts["A"]! + posts["B"]! == 3)
        let wide = try #require(ranges[1].byTerritory["A"])
        #expect(wide == PostRanges.Range(low: 0, high: 2, lowFound: 0, highFound: 1))
        #expect(!wide.isExact)
        let plans = (0...3).flatMap { a in (0...4).map { [a, $0] } }
        try Self.expectBrackets(scenario, codes: ["A", "B"], plans: plans, tolerances: [1e-9, 0.2], ranges: ranges)
    }

    /// The same lumpy budget with the ends decided over integer plans (`RangeProof`): A's LP end, 2 posts, is out of
    /// reach (2 in A and 1 in B cost 110,000 €; 2 in A alone serve 48 people, below 57.6), and GLPK's root proves it,
    /// so the published bound becomes 1, the plan found: the range is exact. B's fewest too: the plans within 20 % hold
    /// 3 posts, (A, B) = (0, 3) or (1, 2), so B holds at least 2, where the LP allows 0 (a = 2.5 would cost exactly
    /// 100,000 €); the root proves 0 and then 1 out of reach. Two sides tried, tightened by 3 posts in all.
    @Test func theRootProvesTheLPsEndOutOfReach() throws {
        let scenario = try Self.lumps()
        let (_, ranges) = try Self.ranges(scenario, tolerances: [1e-9, 0.2], searched: true, proofs: true)
        let wide = try #require(ranges[1].byTerritory["A"])
        #expect(wide == PostRanges.Range(low: 0, high: 1, lowFound: 0, highFound: 1))
        #expect(wide.isExact)
        #expect(ranges[1].byTerritory["B"] == PostRanges.Range(low: 2, high: 3, lowFound: 2, highFound: 3))
        #expect(
            ranges[1].proofs?.sides == 2 && ranges[1].proofs?.postsTightened == 3,
            "\(String(describing: ranges[1].proofs)) \(ranges[1].byTerritory)")
        let plans = (0...3).flatMap { a in (0...4).map { [a, $0] } }
        try Self.expectBrackets(scenario, codes: ["A", "B"], plans: plans, tolerances: [1e-9, 0.2], ranges: ranges)
    }

    /// Proofs never cut into a real plan, and tighten where the LP is loose. Three territories whose posts cost the
    /// State 40,000, 30,000 and 25,000 € (A, B, C), 24 people each, budget 100,000 €: the best plan is 4 posts in C (96
    /// people). Within 20 % (76.8 people) a plan needs 4 posts, and only (0, 0, 4) costs no more than 100,000 €: every
    /// range is a point. The relaxation needs only 3.2 posts: A up to 1.33 (40a + 25(3.2 − a) ≤ 100,000), B up to 4,
    /// C down to 0, so its ranges are A [0, 1], B [0, 4], C [0, 4]. Every bound must still contain the true range over
    /// every plan of at most 2, 3 and 4 posts, and the proofs must tighten at least one of the LP's ends.
    @Test func provenBoundsContainEveryPlanAndTightenTheLPs() throws {
        let scenario = try Self.lumps(grants: [("A", 40_000), ("B", 30_000), ("C", 25_000)])
        let (_, ranges) = try Self.ranges(scenario, tolerances: [1e-9, 0.2], searched: true, proofs: true)
        let plans = (0...2).flatMap { a in (0...3).flatMap { b in (0...4).map { [a, b, $0] } } }
        try Self.expectBrackets(
            scenario, codes: ["A", "B", "C"], plans: plans, tolerances: [1e-9, 0.2], ranges: ranges)
        let wide = ranges[1]
        #expect((wide.proofs?.postsTightened ?? 0) > 0, "\(String(describing: wide.proofs)) \(wide.byTerritory)")
        // A's LP end, 1 post, is proven out of reach at the root: its range is exactly the point 0.
        #expect(wide.byTerritory["A"] == PostRanges.Range(low: 0, high: 0, lowFound: 0, highFound: 0))
    }

    /// Within the gap (a tolerance not above `heuristicAbove`) the proofs come first and the primal heuristic then
    /// looks for plans at the ends they left open. On the concave four-territory case, with no moves (budget 0) and
    /// with them, every tolerance taken that way: the brackets hold against every integer plan, and each side is at
    /// least as tight as the moves alone left it (bounds no wider, plans found no nearer the plan).
    @Test func theGapsEndsAreProvenThenLookedForByTheHeuristic() throws {
        let scenario = Self.concave
        let tolerances = [1e-9, 0.02, 0.1]
        let plans = Self.concavePlans
        for budget in [0, nil] as [Int?] {
            let (_, alone) = try Self.ranges(scenario, tolerances: tolerances, searched: true, moveBudget: budget)
            let (_, ranges) = try Self.ranges(
                scenario, tolerances: tolerances, searched: true, moveBudget: budget, heuristicAbove: 0.1,
                proofs: true)
            try Self.expectBrackets(
                scenario, codes: ["A", "B", "C", "D"], plans: plans, tolerances: tolerances, ranges: ranges)
            for (before, after) in zip(alone, ranges) {
                #expect(after.proofs != nil)
                for (code, old) in before.byTerritory {
                    let new = try #require(after.byTerritory[code])
                    #expect(new.low >= old.low && new.high <= old.high, "\(code): \(old) → \(new)")
                    #expect(
                        new.lowFound! <= old.lowFound! && new.highFound! >= old.highFound!, "\(code): \(old) → \(new)")
                }
            }
            // With no moves at all, the plan's own posts are every found end until the proofs and the heuristic act:
            // they must reach farther on some side.
            if budget == 0 {
                #expect(
                    zip(alone, ranges).contains { before, after in
                        after.byTerritory.contains { code, new in
                            new.lowFound! < before.byTerritory[code]!.lowFound!
                                || new.highFound! > before.byTerritory[code]!.highFound!
                        }
                    })
            }
        }
    }

    /// The open ends take their tries from one budget per tolerance, in the territories' code order, two sides at a
    /// time: with none, no end is tried, each is counted, and the ranges are those the moves left; with one try, the
    /// first two open ends (in code order) are tried and every end still open is counted; with the default budget,
    /// none is left untried here. The brackets hold in every case.
    @Test func theOpenEndsTakeTheirTriesFromOneBudget() throws {
        let scenario = Self.concave
        let tolerances = [1e-9, 0.1]
        let (_, alone) = try Self.ranges(scenario, tolerances: tolerances, searched: true, moveBudget: 0)
        func openEnds(_ ranges: PostRanges.Ranges) -> Int {
            ranges.byTerritory.values.reduce(0) {
                $0 + ($1.lowFound! != $1.low ? 1 : 0) + ($1.highFound! != $1.high ? 1 : 0)
            }
        }
        let open = alone.map(openEnds)
        #expect(open.allSatisfy { $0 > 1 }, "\(open)")
        let (_, none) = try Self.ranges(
            scenario, tolerances: tolerances, searched: true, moveBudget: 0, heuristicAbove: 1e-9, proofs: true,
            workBudget: 0)
        for (index, ranges) in none.enumerated() {
            #expect(ranges.byTerritory == alone[index].byTerritory)
            #expect(ranges.proofs?.sides == 0)
            #expect(ranges.endsOutOfBudget == open[index])
        }
        let (_, one) = try Self.ranges(
            scenario, tolerances: tolerances, searched: true, moveBudget: 0, heuristicAbove: 1e-9, proofs: true,
            workBudget: 1)
        // Within the gap the proofs come first: the first batch, two ends, is tried on the one try each may take.
        #expect(one[0].proofs?.sides == 2)
        for ranges in one {
            #expect(ranges.endsOutOfBudget == openEnds(ranges) && ranges.endsOutOfBudget > 0)
        }
        let (_, full) = try Self.ranges(
            scenario, tolerances: tolerances, searched: true, moveBudget: 0, heuristicAbove: 1e-9, proofs: true)
        #expect(full.allSatisfy { $0.endsOutOfBudget == 0 })
        let plans = Self.concavePlans
        for ranges in [none, one, full] {
            try Self.expectBrackets(
                scenario, codes: ["A", "B", "C", "D"], plans: plans, tolerances: tolerances, ranges: ranges)
        }
    }

    /// The concave four-territory case: floors of 1, a concave value, 12 posts.
    static let concave = Self.scenario(
        needs: [("A", 480), ("B", 96), ("C", 300), ("D", 50)], posts: 12, exponent: 0.5,
        breakpoints: [0.1, 0.25, 0.5, 1], floor: 1)

    /// Every plan of `concave` with 12 posts, at least 1 per territory (so at most 9): posts of A, B, C, D.
    static let concavePlans: [[Int]] = {
        var plans: [[Int]] = []
        for a in 1...9 {
            for b in 1...9 {
                for c in 1...9 where (1...9).contains(12 - a - b - c) { plans.append([a, b, c, 12 - a - b - c]) }
            }
        }
        return plans
    }()

    /// The lumpy budget of `theSearchStopsAtTheIntegerEndWhereTheLPRangeIsWider`.
    static func lumps(grants: [(String, Double)] = [("A", 40_000), ("B", 30_000)]) throws -> Scenario {
        // One kind per territory, named by its code in lower case, whose post costs the State its grant.
        let parameters = ScenarioParameters(
            name: "lumps", title: "", posts: 10, budgetEUR: 100_000, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0),
            kinds: grants.map { code, grant in
                HostKind(
                    id: code.lowercased(), label: code, grantEUR: grant, overseasGrantEUR: grant, grantMonths: 24)
            },
            fundingOptions: [FundingOption(id: "full", label: "Full", stateShare: 1, months: nil)],
            limits: Limits(territoryMinPosts: 0, territoryMaxShare: 1, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: 1, breakpoints: [1]),
            solver: SolverParameters(timeLimitSeconds: 30, mipGap: 0, presolve: true, cuts: true), effective: [])
        let territories = grants.map { code, _ in
            Territory(
                code: code, name: code, regionCode: "R", regionName: "R", overseas: false, population: 1000,
                population15Plus: 1000, population75Plus: 1000, fragilityIndex: 5)
        }
        let structures = grants.map { code, _ in
            HostStructure(
                id: code.lowercased(), name: code.lowercased(), territory: code, kind: code.lowercased(), capacity: 10,
                cofinancingEUR: 0)
        }
        return Scenario(parameters: parameters, territories: territories, structures: structures)
    }

    /// Values every plan of `plans` (posts per territory of `codes`) by its program with those posts fixed, skipping
    /// those that break a rule, and checks for every territory and tolerance: LP low ≤ true fewest ≤ found fewest and
    /// found most ≤ true most ≤ LP high, "true" being over the plans within the tolerance of the best one.
    static func expectBrackets(
        _ scenario: Scenario, codes: [String], plans: [[Int]], tolerances: [Double], ranges: [PostRanges.Ranges]
    ) throws {
        let model = AllocationModel(scenario: scenario)
        let options = SolverOptions(timeLimitSeconds: 30, mipGap: 0)
        var valued: [(posts: [Int], value: Double)] = []
        for posts in plans {
            let fixed = Dictionary(
                uniqueKeysWithValues: zip(codes, posts).map { (model.postVariables[$0]!.index, Double($1)) })
            let result = try GLPKSolver().solve(model.program.fixingColumns(fixed), options: options)
            guard result.status == .optimal else { continue }
            valued.append((posts, model.valueTerms.reduce(0) { $0 + $1.1 * result.values[$1.0.index] }))
        }
        let optimum = try #require(valued.map(\.value).max())
        for (tolerance, found) in zip(tolerances, ranges) {
            let within = valued.filter { $0.value >= (1 - tolerance) * optimum - 1e-6 }
            for (index, code) in codes.enumerated() {
                let range = try #require(found.byTerritory[code])
                let trueLow = within.map { $0.posts[index] }.min()!
                let trueHigh = within.map { $0.posts[index] }.max()!
                let lowFound = try #require(range.lowFound), highFound = try #require(range.highFound)
                #expect(range.low <= trueLow && trueLow <= lowFound, "\(code) at \(tolerance): \(range) vs \(trueLow)")
                #expect(
                    highFound <= trueHigh && trueHigh <= range.high, "\(code) at \(tolerance): \(range) vs \(trueHigh)")
            }
        }
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
