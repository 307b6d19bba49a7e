import AllocationModel
import Foundation
import Reports
import Scenario
@testable import Studies  // Decomposition and PostRanges initialisers, to build the golden case by hand
import Testing

/// The comparison with 2021 on one basis, its decomposition and the ranges of posts, rendered from hand-built plans
/// and compared byte for byte with Golden/. The plans are those solved on paper in `DecompositionTests` (two
/// territories: A needs 12, B 1,000; `full` serves 12 people for 12,000 €, `long` 24 for 12,000 € of State money; 2021:
/// 2 posts in A). Re-record with `REPARTIR_RECORD_GOLDEN=1 swift test --filter LikeForLikeGoldenTests` and review the
/// diff.
@Suite struct LikeForLikeGoldenTests {
    static let scenario: Scenario = {
        let parameters = ScenarioParameters(
            name: "likeforlike", title: "", posts: 10, budgetEUR: 96_000, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0),
            kinds: [
                HostKind(id: "public", label: "Public", grantEUR: 12_000, overseasGrantEUR: 12_000, grantMonths: 12)
            ],
            fundingOptions: [
                FundingOption(id: "full", label: "Full", stateShare: 1, months: nil),
                FundingOption(id: "long", label: "Long", stateShare: 0.5, months: 24),
            ],
            limits: Limits(territoryMinPosts: 0, territoryMaxShare: 1, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: 1, breakpoints: [1]),
            solver: SolverParameters(timeLimitSeconds: 30, mipGap: 0.0001, presolve: true, cuts: true),
            effective: [], basis: ServiceBasis(costPerPostEUR: 12_000, horizonYears: 3, renewalShare: 0))
        let territories = [("A", 12, 2), ("B", 1000, 0)].map { code, need, posts in
            Territory(
                code: code, name: "Territory \(code)", regionCode: "R", regionName: "R", overseas: false,
                population: need,
                population15Plus: need, population75Plus: need, fragilityIndex: 5, posts2021: posts)
        }
        let structures = [
            HostStructure(
                id: "a", name: "a", territory: "A", kind: "public", capacity: 4, cofinancingEUR: 0, posts2021: 2),
            HostStructure(
                id: "b", name: "b", territory: "B", kind: "public", capacity: 4, cofinancingEUR: 24_000, posts2021: 0),
        ]
        return Scenario(parameters: parameters, territories: territories, structures: structures)
    }()

    static func plan(_ placements: [(String, String, Int)]) -> Plan {
        Plan(placements: placements.map { Placement(structureID: $0.0, option: $0.1, posts: $0.2) })
    }

    /// The best plan of each combination (by bits: geography 1, funding rule 2, money 4), as worked out on paper.
    static let plans: [Plan] = [
        plan([("a", "full", 2)]), plan([("a", "full", 1), ("b", "full", 1)]), plan([("a", "full", 2)]),
        plan([("b", "long", 2)]),
        plan([("a", "full", 2)]), plan([("a", "full", 1), ("b", "full", 3)]), plan([("a", "full", 2)]),
        plan([("b", "long", 2), ("b", "full", 2)]),
    ]

    /// The 2021 plan (2 posts at a) and the decomposition of the paper plans against it.
    static func decomposition() -> (observed: PlanEvaluation, outcome: Decomposition.Outcome) {
        let observed = PlanEvaluation(plan: plan([("a", "full", 2)]), scenario: scenario)
        let levels = Decomposition.ObservedLevels(
            stateCostEUR: observed.stateCostEUR, option: "full", posts: ["A": 2, "B": 0])
        let solved = plans.enumerated().map { bits, plan in
            Decomposition.Solved(
                combination: Decomposition.Combination(bits: bits), plan: plan,
                status: bits == 7 ? "optimised plan" : "optimal", relativeGap: 0,
                evaluation: PlanEvaluation(plan: plan, scenario: scenario),
                postsClipped: 0)
        }
        var outcome = Decomposition.Outcome(levels: levels, solved: solved)
        // The 2021 shares (all in A) of the free geography's posts, re-solved: 2 at the 2021 terms, 4 (A's capacity)
        // at the scenario's, where A's need caps both at 12 people.
        func shared(_ bits: Int, _ plan: Plan) -> Decomposition.Solved {
            Decomposition.Solved(
                combination: Decomposition.Combination(bits: bits), plan: plan, status: "optimal", relativeGap: 0,
                evaluation: PlanEvaluation(plan: plan, scenario: scenario), postsClipped: 0)
        }
        outcome.placementAtObservedTerms = shared(0, plan([("a", "full", 2)]))
        outcome.placementAtScenarioTerms = shared(6, plan([("a", "full", 4)]))
        return (observed, outcome)
    }

    static func outputs() -> [(name: String, content: String)] {
        let scenario = Self.scenario
        let (observed, outcome) = decomposition()
        // Plans found at every end; within the gap, two ends decided over integer plans (A's most, 1 → 0 by a proof;
        // B's fewest, found at 4 by the short search), as by default; within 0.5 %, one (A's most, 2 → 1).
        let gap = PostRanges.Ranges(
            tolerance: 0.0001,
            byTerritory: [
                "A": .init(low: 0, high: 0, lowFound: 0, highFound: 0),
                "B": .init(low: 4, high: 4, lowFound: 4, highFound: 4),
            ], failed: 0, proofs: (sides: 2, postsTightened: 1))
        let wide = PostRanges.Ranges(
            tolerance: 0.005,
            byTerritory: [
                "A": .init(low: 0, high: 1, lowFound: 0, highFound: 1),
                "B": .init(low: 3, high: 4, lowFound: 3, highFound: 4),
            ], failed: 0, proofs: (sides: 1, postsTightened: 1))
        let rows = Comparison.rows(
            [("optimised", plans[7]), ("2021", plan([("a", "full", 2)]))], scenario: scenario, optimised: "optimised")
        let extra = Comparison.decompositionRows(outcome, scenario: scenario, optimised: rows.first)
        let section =
            Comparison.markdownSection(
                rows, scenario: scenario, optimised: "optimised", decomposition: outcome, ranges: gap, wider: wide)
            + PostRangesReport.section([gap, wide], scenario: scenario, posts: ["A": 0, "B": 4], mipGap: 0.0001)
            + PostRangesReport.appendix([gap, wide], scenario: scenario, posts: ["A": 0, "B": 4])
        return [
            ("like-for-like.md", section),
            (
                "like-for-like-decomposition.csv",
                DecompositionReport.csv(outcome, scenario: scenario, observed: observed) ?? "(not written)"
            ),
        ]
            + Comparison.tables(rows, scenario: scenario, decomposition: extra).map {
                ("like-for-like-" + $0.name, $0.content)
            }
    }

    @Test func comparisonDecompositionAndRangesMatchTheGoldenFiles() throws {
        let recording = ProcessInfo.processInfo.environment["REPARTIR_RECORD_GOLDEN"] == "1"
        for (name, content) in Self.outputs() {
            let file = GoldenReportTests.golden.appendingPathComponent(name)
            if recording {
                try content.write(to: file, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: file, encoding: .utf8)
            #expect(
                content == expected,
                "\(name) differs from Golden/\(name); re-record with REPARTIR_RECORD_GOLDEN=1 if intended")
        }
    }

    /// The changes forced within the MIP gap are set beside the wider tolerance: A's 2021 posts (2) are outside its
    /// gap range 0–0 but inside 0–2 within 0.5 %, B's (0) outside both (4–4, 3–4), so 1 of the 2 changes stays forced
    /// there, and it is named (a review: 45 forced within the gap, 1 within 0.5 %, unsaid).
    @Test func theForcedChangesSayHowManyStayForcedWithinTheWiderTolerance() {
        let scenario = Self.scenario
        let gap = PostRanges.Ranges(
            tolerance: 0.0001,
            byTerritory: [
                "A": .init(low: 0, high: 0, lowFound: 0, highFound: 0),
                "B": .init(low: 4, high: 4, lowFound: 4, highFound: 4),
            ], failed: 0)
        let wide = PostRanges.Ranges(
            tolerance: 0.005,
            byTerritory: [
                "A": .init(low: 0, high: 2, lowFound: 0, highFound: 2),
                "B": .init(low: 3, high: 4, lowFound: 3, highFound: 4),
            ], failed: 0)
        /// The section of the optimised plan against 2021's 2 posts in A, scored on `scenario`.
        func section(_ scenario: Scenario, wider: PostRanges.Ranges?) -> String {
            let rows = Comparison.rows(
                [("optimised", Self.plans[7]), ("2021", Self.plan([("a", "full", 2)]))], scenario: scenario,
                optimised: "optimised")
            return Comparison.markdownSection(
                rows, scenario: scenario, optimised: "optimised", ranges: gap, wider: wider)
        }
        let text = section(scenario, wider: wide)
        #expect(
            text.contains(
                "These changes are forced within 0.01 % of the value. Within 0.50 % (`comparison.range_tolerance`), 1 of the 2 stays forced (Territory B (B)); the 2021 posts of the other 1 lie within their range there."
            ), "\(text)")
        let without = section(scenario, wider: nil)
        #expect(!without.contains("These changes are forced within"))
        // A's hosts can take 1 post: its 2 of 2021 are cut whatever the value (a review: Mayotte's 48 against hosts
        // for 36, counted as forced within 0.5 %), said apart from the value's.
        let small = Scenario(
            parameters: scenario.parameters, territories: scenario.territories,
            structures: scenario.structures.map {
                HostStructure(
                    id: $0.id, name: $0.name, territory: $0.territory, kind: $0.kind,
                    capacity: $0.territory == "A" ? 1 : $0.capacity, cofinancingEUR: $0.cofinancingEUR,
                    posts2021: $0.posts2021)
            })
        let capped = section(small, wider: wide)
        #expect(
            capped.contains(
                "These changes are forced within 0.01 % of the value. One of them is forced whatever the value, the 2021 posts lying beyond what this scenario's hosts, caps or floors allow (Territory A (A): 2 against at most 1). Within 0.50 % (`comparison.range_tolerance`), it stays forced (Territory B (B))."
            ), "\(capped)")
    }

    /// Ranges left open are said with how far they may be from the exact ones, and ends the budget of tries left
    /// untried are counted: A's fewest found at 1 where the bound is 0, B's most found at 3 where it is 4 (2 posts open
    /// within the gap); within 0.5 %, B's fewest found at 2 where the bound is 1 (1 post); 3 ends untried within the
    /// gap and 1 within 0.5 %, out of a budget of 3 tries per territory (6 here).
    /// Every territory's range in the last section; the 2021 column only when the scenario has 2021 posts (a review
    /// read an empty column under a sentence about it).
    @Test func theLastSectionListsEveryRangeAndThe2021PostsOnlyWhenKnown() {
        let ranges = [
            PostRanges.Ranges(
                tolerance: 0.0001,
                byTerritory: [
                    "A": .init(low: 0, high: 1, lowFound: 0, highFound: 1),
                    "B": .init(low: 3, high: 4, lowFound: 3, highFound: 3),
                ], failed: 0),
            PostRanges.Ranges(
                tolerance: 0.005,
                byTerritory: [
                    "A": .init(low: 0, high: 2, lowFound: 0, highFound: 2),
                    "B": .init(low: 2, high: 4, lowFound: 2, highFound: 4),
                ], failed: 0),
        ]
        let known = PostRangesReport.appendix(ranges, scenario: Self.scenario, posts: ["A": 0, "B": 4])
        #expect(known.contains("| Territory A (A) | 0 | 2 | 0–1 | 0–2 |"))
        #expect(known.contains("| Territory B (B) | 4 | 0 | 3–3 [4] | 2–4 |"))
        #expect(known.contains("The 2021 column"))
        let unknown = Scenario(
            parameters: Self.scenario.parameters,
            territories: Self.scenario.territories.map {
                Territory(
                    code: $0.code, name: $0.name, regionCode: $0.regionCode, regionName: $0.regionName,
                    overseas: $0.overseas, population: $0.population, population15Plus: $0.population15Plus,
                    population75Plus: $0.population75Plus, fragilityIndex: $0.fragilityIndex)
            }, structures: Self.scenario.structures)
        let without = PostRangesReport.appendix(ranges, scenario: unknown, posts: ["A": 0, "B": 4])
        #expect(without.contains("| Territory A (A) | 0 | 0–1 | 0–2 |"))
        #expect(!without.contains("2021"))
    }

    @Test func openRangesSayThePostsLeftAndTheEndsTheBudgetLeftUntried() throws {
        let gap = PostRanges.Ranges(
            tolerance: 0.0001,
            byTerritory: [
                "A": .init(low: 0, high: 2, lowFound: 1, highFound: 2),
                "B": .init(low: 2, high: 4, lowFound: 2, highFound: 3),
            ], failed: 0, proofs: (sides: 2, postsTightened: 0), endsOutOfBudget: 3)
        let wide = PostRanges.Ranges(
            tolerance: 0.005,
            byTerritory: [
                "A": .init(low: 0, high: 2, lowFound: 0, highFound: 2),
                "B": .init(low: 1, high: 4, lowFound: 2, highFound: 4),
            ], failed: 0, proofs: (sides: 1, postsTightened: 0), endsOutOfBudget: 1)
        let section = PostRangesReport.section(
            [gap, wide], scenario: Self.scenario, posts: ["A": 1, "B": 3], mipGap: 0.0001)
        #expect(section.contains("plans were found at both ends of the range for 0 of 2 départements within the gap"))
        #expect(section.contains("(shown as found [bound] below): 2 posts in all within the gap, 1 within 0.50 %."))
        #expect(
            section.contains(
                "4 open ends were not tried when their tolerance's budget of tries (6, proofs and heuristic attempts together) ran out"
            ))
        #expect(section.contains("within the gap, the same after the proofs below"))
    }

    /// The sentences the issue asks for, whatever the golden files say: the geography gain at equal money and rule
    /// first, "the same budget" only when it is, and only the changes outside the range.
    @Test func theLeadSentenceSaysTheGeographyGainAndNeverASameBudgetThatIsNot() throws {
        let text = Self.outputs()[0].content
        // Paper: geography at 2021's money and rule: 12 → 24 people over 3 years (+100 %); per year 12 → 24.
        #expect(
            text.contains(
                "**With the 2021 allocation's money (€0.05M) and funding rule (`full` only), choosing where the posts go reaches +12 people a year in post (+100.0 %) and +12 over 3 years (+100.0 %)"
            ))
        #expect(text.contains("with €0.10M of State money against €0.05M"))
        #expect(!text.contains("same budget"))
        // Shapley over 3 years: geography 36, rule 12, money 12 (of 60).
        #expect(text.contains("geography +36, the funding rule +12, money +12"))
        #expect(text.contains("| Territory B (B) | 0 | 4–4 | 4 | +4 |"))
        // The renewal assumption in the same sentence, with the two plans re-counted under every post renewed: each
        // post then serves 36 months, 36 people; the optimised plan's 4 posts at B serve 144, 2021's 2 posts at A are
        // capped by A's need, 12: +132 (against +60 with r = 0).
        #expect(
            text.contains(
                "(over 3 years, a post funded for less counts as renewed at 0 % until then, `service.renewal_share`: the same two plans counted with every such post renewed differ by +132 over 3 years instead"
            ))
    }

    /// With the scenario re-solved under every shorter post renewed (`Decomposition.Outcome.renewed`), the sentence
    /// gives that plan's gain over 2021 counted the same way, and decomposition.csv a `people_over_horizon_all_renewed`
    /// row. On paper every post then serves 36 people, and costs 24,000 € whichever option: the 96,000 € buy 4 posts,
    /// at B (A's need is 12): 144 people, against 2021's 2 posts at A, 12: +132.
    @Test func theRenewedReSolveIsSaidAndWritten() throws {
        var (observed, outcome) = Self.decomposition()
        let renewed = try #require(Decomposition.renewedScenario(Self.scenario))
        #expect(renewed.parameters.basis.renewalShare == 1 && renewed.parameters.basis.horizonYears == 3)
        #expect(Decomposition.renewedScenario(renewed) == nil, "already renewed: nothing to re-solve")
        let plan = Self.plan([("b", "full", 4)])
        outcome.renewed = Decomposition.Solved(
            combination: .scenario, plan: plan, status: "optimal", relativeGap: 0,
            evaluation: PlanEvaluation(plan: plan, scenario: renewed), postsClipped: 0)
        let observedPlan = Self.plan([("a", "full", 2)])
        let lead = try #require(
            DecompositionReport.leadSentence(
                outcome, scenario: Self.scenario, observed: observed, observedName: "2021", observedPlan: observedPlan))
        #expect(
            lead.contains(
                "differ by +132 over 3 years instead; re-solved under that assumption (`service.renewal_share` 1: optimal, gap 0.0000 %), the optimised plan reaches 132 more over 3 years than the 2021 allocation counted the same way"
            ), "\(lead)")
        // What that plan is: its posts, their options and the money it spends (a review found the +53,138 of the
        // default run to be the posts 2021 left unused, all `full`, €178.46M of €200M spent).
        #expect(
            lead.contains(
                "counted the same way, with 4 posts (4 `full`) and €0.10M of State money spent against the 2021 allocation's 2 posts, the renewals paid outside this envelope"
            ), "\(lead)")
        let csv = try #require(
            DecompositionReport.csv(outcome, scenario: Self.scenario, observed: observed, observedPlan: observedPlan))
        #expect(csv.hasSuffix("people_over_horizon_all_renewed,total,,132.000,,,12.000,144.000\n"), "\(csv)")
        // Without the observed plan the row is not written (nothing to count the same way).
        #expect(
            !(DecompositionReport.csv(outcome, scenario: Self.scenario, observed: observed) ?? "").contains("renewed"))
    }

    /// A combination without a plan (here infeasible): the split is not given, and decomposition.csv is not written
    /// (a review found it written with its header and no row, where the docs say it is absent).
    @Test func aCombinationWithoutAPlanWritesNoDecompositionFile() throws {
        let (observed, outcome) = Self.decomposition()
        #expect(DecompositionReport.csv(outcome, scenario: Self.scenario, observed: observed) != nil)
        var solved = outcome.solved
        solved[3] = Decomposition.Solved(
            combination: solved[3].combination, plan: nil, status: "infeasible", relativeGap: nil, evaluation: nil,
            postsClipped: 0)
        let incomplete = Decomposition.Outcome(levels: outcome.levels, solved: solved)
        #expect(DecompositionReport.csv(incomplete, scenario: Self.scenario, observed: observed) == nil)
        #expect(
            DecompositionReport.leadSentence(
                incomplete, scenario: Self.scenario, observed: observed, observedName: "2021")
                == nil)
    }

    /// When the free geography holds more posts than the observed one (a review: +20,160 people a year "from
    /// geography" were 90 more posts at 224 each), the lead sentence says how many and how much of the gain they
    /// account for; when the observed geography's re-solve was clipped, the "first row" sentence says it too. Here the
    /// geography-only plan holds 3 posts (a 1, b 2: 12 + 24 = 36 a year) against 2 (both at a, whose need caps them
    /// at 12 a year: 6 a post): the post more accounts for +6, where the posts go (out of A's capped need) for +18.
    @Test func theLeadSentenceSaysWhatTheAddedPostsAccountFor() throws {
        let (observed, outcome) = Self.decomposition()
        var solved = outcome.solved
        let three = Self.plan([("a", "full", 1), ("b", "full", 2)])
        solved[1] = Decomposition.Solved(
            combination: Decomposition.Combination(bits: 1), plan: three, status: "optimal", relativeGap: 0,
            evaluation: PlanEvaluation(plan: three, scenario: Self.scenario), postsClipped: 0)
        solved[0] = Decomposition.Solved(
            combination: solved[0].combination, plan: solved[0].plan, status: solved[0].status, relativeGap: 0,
            evaluation: solved[0].evaluation, postsClipped: 1)
        var changed = Decomposition.Outcome(levels: outcome.levels, solved: solved)
        // The 2021 shares of the 3 posts (all at A, whose need caps them at 12 a year) re-solved on the same terms: the
        // post more buys nothing, where the posts go +24, and the two add up to the geography gain (36 − 12).
        let shares = Self.plan([("a", "full", 3)])
        changed.placementAtObservedTerms = Decomposition.Solved(
            combination: .observed, plan: shares, status: "optimal", relativeGap: 0,
            evaluation: PlanEvaluation(plan: shares, scenario: Self.scenario), postsClipped: 0)
        let lead = try #require(
            DecompositionReport.leadSentence(
                changed, scenario: Self.scenario, observed: observed, observedName: "2021"))
        // The gain is not credited to placement alone: part of it is the post more.
        #expect(
            lead.contains("funding rule (`full` only), freeing the geography reaches +24 people a year in post")
                && !lead.contains("choosing where the posts go"), "\(lead)")
        #expect(
            lead.contains(
                "against the 2021 posts per département re-solved on the same terms: the same money holds 3 posts there against 2. The 2021 posts' shares of 3 posts, re-solved on the same terms (optimal, gap 0.0000 %), say what each part buys: the 1 post(s) more, +0 people a year and +0 over 3 years; where the posts go, at 3 posts each, +24 a year and +24 over 3 years.**"
            ), "\(lead)")
        // Without that re-solve the split is not given, never priced at the average post (a review found that reading
        // wrong in sign on the default run).
        var unsplit = changed
        unsplit.placementAtObservedTerms = nil
        let plain = try #require(
            DecompositionReport.leadSentence(
                unsplit, scenario: Self.scenario, observed: observed, observedName: "2021"))
        #expect(
            plain.contains(
                "the same money holds 3 posts there against 2, and what their number and where they go each buy was not re-solved.**"
            ) && !plain.contains("averages"), "\(plain)")
        #expect(
            lead.contains(
                "at the 2021 posts and clipping the 1 post(s) this scenario's floors, caps or hosts cannot hold, together +0 a year in post and +0 over 3 years."
            ))
        #expect(!lead.contains("of which it spends"))
        // An optimised plan that leaves part of the envelope says what it spends (a review read "€0.10M against
        // €0.05M" as more money spent).
        var cheaper = solved
        let two = Self.plan([("b", "long", 2)])
        cheaper[7] = Decomposition.Solved(
            combination: Decomposition.Combination(bits: 7), plan: two, status: "optimised plan", relativeGap: 0,
            evaluation: PlanEvaluation(plan: two, scenario: Self.scenario), postsClipped: 0)
        let spends = try #require(
            DecompositionReport.leadSentence(
                Decomposition.Outcome(levels: outcome.levels, solved: cheaper), scenario: Self.scenario,
                observed: observed, observedName: "2021"))
        let cost = Format.millions(PlanEvaluation(plan: two, scenario: Self.scenario).stateCostEUR)
        #expect(spends.contains("with €0.10M of State money, of which it spends \(cost), against €0.05M"), "\(spends)")
        let section = DecompositionReport.section(
            changed, scenario: Self.scenario, observed: observed, observedName: "2021")
        #expect(section.contains("and by the 1 post(s) this scenario's floors, caps or hosts do not allow (clipped)."))
    }

    /// Against a plan of 5 one-year posts at b (60 people a year, 60 over 3 years), the optimised plan's 4 posts, two
    /// of them for two years (48 a year, 72 over 3 years), reach fewer people a year and more over the horizon: the
    /// sentence says "fewer" and "more", never a signed count after "reaches".
    @Test func aPlanThatReachesFewerPeopleAYearSaysFewer() throws {
        let outcome = Self.decomposition().outcome
        let observed = PlanEvaluation(plan: Self.plan([("b", "full", 5)]), scenario: Self.scenario)
        let text = try #require(
            DecompositionReport.leadSentence(outcome, scenario: Self.scenario, observed: observed, observedName: "2021")
        )
        #expect(
            text.contains("reaches 12 fewer people a year in post and 12 more over 3 years than the 2021 allocation"))
        #expect(!text.contains("reaches −") && !text.contains("reaches +12 people a year in post and"))
    }
}
