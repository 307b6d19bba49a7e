import AllocationModel
import Foundation
import Reports
import Scenario
import Testing

/// The comparison tables and section on a scenario small enough to check every figure by hand.
@Suite struct ComparisonTests {
    /// Two territories (need = population: everyone 75+, both rates 1), one public host each, one option: a post
    /// costs 24,000 € and serves 12 people a year × 24 months = 24 people. Floor of 1 post per territory.
    static func scenario() -> Scenario {
        let parameters = ScenarioParameters(
            name: "compare", title: "Compare", posts: 6, budgetEUR: 144_000, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0),
            kinds: [
                HostKind(id: "public", label: "Public", grantEUR: 24_000, overseasGrantEUR: 24_000, grantMonths: 24)
            ],
            fundingOptions: [FundingOption(id: "full", label: "Full", stateShare: 1, months: nil)],
            limits: Limits(territoryMinPosts: 1, territoryMaxShare: 1, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: 1, breakpoints: [1]),
            solver: SolverParameters(timeLimitSeconds: 10, mipGap: 0.0001, presolve: true, cuts: true), effective: [])
        let territories = [("A", "Alpha", 1_000), ("B", "Beta", 500)].map { code, name, people in
            Territory(
                code: code, name: name, regionCode: "R", regionName: "Région", overseas: false, population: people,
                population15Plus: people, population75Plus: people, fragilityIndex: 5)
        }
        let structures = ["A", "B"].map {
            HostStructure(
                id: "h\($0)", name: "Host \($0)", territory: $0, kind: "public", capacity: 6, cofinancingEUR: 0)
        }
        return Scenario(parameters: parameters, territories: territories, structures: structures)
    }

    static func plan(_ a: Int, _ b: Int) -> Plan {
        Plan(placements: [
            Placement(structureID: "hA", option: "full", posts: a),
            Placement(structureID: "hB", option: "full", posts: b),
        ])
    }

    /// Optimised: 4 + 2 posts (coverage 96 + 48). 2021: 3 + 1 (72 + 24). A rule with 6 + 0 breaks B's floor.
    static let plans: [(name: String, plan: Plan)] = [
        ("optimised", plan(4, 2)), ("2021", plan(3, 1)), ("webster:population", plan(6, 0)),
    ]

    @Test func plansCSVIsLongForm() {
        let text = Comparison.plansCSV(Self.plans, scenario: Self.scenario())
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "plan,territory_code,posts,posts_per_100k,state_cost_eur,coverage,coverage_ratio")
        #expect(lines.count == 1 + 3 * 2)
        #expect(lines[1] == "optimised,A,4,400.000,96000.00,96.0,0.096000")
        #expect(lines[2] == "optimised,B,2,400.000,48000.00,48.0,0.096000")
        #expect(lines[6] == "webster:population,B,0,0.000,0.00,0.0,0.000000")
    }

    @Test func comparisonCSVHasEveryMetric() {
        let text = Comparison.comparisonCSV(
            Self.plans, scenario: Self.scenario(), optimised: "optimised", unplaced: ["webster:population": 0],
            coverageThreshold: 0.1)
        let lines = text.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = lines[0]
        #expect(header == Comparison.comparisonColumns)
        func cell(_ row: Int, _ column: String) -> String { lines[row][header.firstIndex(of: column)!] }
        #expect(lines.count == 4)
        // Optimised: linear value (exponent 1) = coverage 144; equal per-head and coverage: Gini 0.
        #expect(cell(1, "objective") == "144.000" && cell(1, "objective_vs_optimised") == "1.000000")
        #expect(cell(1, "posts_per_100k_gini") == "0.000000" && cell(1, "coverage_ratio_gini") == "0.000000")
        #expect(cell(1, "territories_under_threshold") == "2")  // 0.096 < 0.1 in both
        #expect(
            cell(1, "violations") == "0" && cell(1, "violated_rules") == ""
                && cell(1, "posts_moved_vs_optimised") == "0.0")
        #expect(cell(1, "posts_unplaced") == "")
        // 2021: 96 people, ratio 96 / 144; moved ½(|3 − 4| + |1 − 2|) = 1; per 100k 300 and 200: Gini |300 − 200| × 2 /
        // (2 × 4 × 250) = 0.1.
        #expect(cell(2, "objective") == "96.000" && cell(2, "objective_vs_optimised") == "0.666667")
        #expect(cell(2, "posts_per_100k_min") == "200.000" && cell(2, "posts_per_100k_median") == "250.000")
        #expect(cell(2, "posts_per_100k_gini") == "0.100000")
        #expect(cell(2, "posts_moved_vs_optimised") == "1.0")
        // The rule that leaves B without posts breaks its floor; it moves ½(2 + 2) = 2 posts.
        #expect(cell(3, "violations") == "1" && cell(3, "violated_rules") == "territory_floor:1")
        #expect(cell(3, "posts_moved_vs_optimised") == "2.0" && cell(3, "posts_unplaced") == "0")
        #expect(cell(3, "territories_endowed") == "1")
    }

    @Test func markdownLeadsWithTheSentence() {
        let text = Comparison.markdownSection(
            Self.plans, scenario: Self.scenario(), optimised: "optimised", unplaced: ["webster:population": 3])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "## Compared with the 2021 allocation and simple rules")
        // The 2021 plan costs €0.10M of the €0.14M envelope: not "the same budget" (issue 10), both amounts are said.
        #expect(
            lines[2].hasPrefix(
                "**Within the €0.14M budget, against €0.10M for the 2021 allocation, the optimised plan reaches 48 more people in need over the funded period than the 2021 allocation, and 24 more people a year in post than it; 2 départements gain posts, 0 lose.**"
            ))
        #expect(!text.contains("same budget"))
        #expect(text.contains("| `webster:population` | 144.0 | 6 (+3 unplaced) |"))
        #expect(
            text.contains(
                "- **`webster:population`**: `territory_floor` × 1 (e.g. `territory_floor[B]`: 0 posts, floor 1); 3 post(s) do not fit"
            ))
        #expect(text.contains("| Alpha (A) | 3 | 4 | +1 |"))
        // Deterministic.
        #expect(
            text
                == Comparison.markdownSection(
                    Self.plans, scenario: Self.scenario(), optimised: "optimised", unplaced: ["webster:population": 3]))
    }

    /// A baseline that could not be computed is named in the report with why, not only on stderr.
    @Test func aBaselineLeftOutIsSaidWithWhy() {
        let text = Comparison.markdownSection(
            Self.plans, scenario: Self.scenario(), optimised: "optimised",
            leftOut: [
                (
                    name: "webster:population^10",
                    reason: "baseline \"webster:population^10\": the weight of territory A is inf"
                )
            ])
        #expect(
            text.contains(
                "Left out of the comparison, because they could not be computed:\n\n- **`webster:population^10`**: baseline \"webster:population^10\": the weight of territory A is inf."
            ))
        #expect(
            !Comparison.markdownSection(Self.plans, scenario: Self.scenario(), optimised: "optimised").contains(
                "Left out"))
    }

    @Test func fewerPeopleIsSaidSo() {
        let plans: [(name: String, plan: Plan)] = [("optimised", Self.plan(1, 1)), ("2021", Self.plan(4, 2))]
        let text = Comparison.markdownSection(plans, scenario: Self.scenario(), optimised: "optimised")
        #expect(
            text.contains(
                "reaches 96 fewer people in need over the funded period than the 2021 allocation, and 48 fewer people a year in post than it; 0 départements gain posts, 2 lose."
            ))
    }
}
