import AllocationModel
import Baselines
import Foundation
import Reports
import Scenario
import Testing

/// Not a test: times the comparison step (baselines, scores, tables, report) on 5,000 synthetic
/// territories, to check it stays linear. Run by hand with
/// `REPARTIR_BENCH=1 swift test --filter ComparisonScaleBenchmark`; skipped otherwise.
@Suite struct ComparisonScaleBenchmark {
    static func scenario(territories count: Int) -> Scenario {
        let parameters = ScenarioParameters(
            name: "large", title: "Large", posts: 4_000, budgetEUR: 200_000_000, peoplePerPostYear: 214,
            need: NeedParameters(rate15Plus: 0.165, rate75Plus: 0.64, fragilityExponent: 1),
            kinds: [
                HostKind(id: "public", label: "Public", grantEUR: 50_000, overseasGrantEUR: 70_000, grantMonths: 24),
                HostKind(id: "private", label: "Private", grantEUR: 32_000, overseasGrantEUR: 32_000, grantMonths: 18),
            ],
            fundingOptions: [
                FundingOption(id: "full", label: "Full", stateShare: 1, months: nil),
                FundingOption(id: "partial_3y", label: "Partial", stateShare: 0.7, months: 36),
            ],
            limits: Limits(territoryMinPosts: 0, territoryMaxShare: 0.01, regionMinPosts: 0, regionMaxShare: 0.2),
            objective: ObjectiveParameters(exponent: 0.5, breakpoints: [0.25, 0.5, 1]),
            solver: SolverParameters(timeLimitSeconds: 10, mipGap: 0.0001, presolve: true, cuts: true), effective: [])
        let territories = (0..<count).map { i in
            let population = 20_000 + (i * 7_919) % 180_000
            return Territory(
                code: String(format: "T%05d", i), name: "Territoire \(i)", regionCode: String(format: "R%02d", i % 20),
                regionName: "Région \(i % 20)", overseas: false, population: population,
                population15Plus: population * 8 / 10, population75Plus: population / 10,
                fragilityIndex: 2 + Double(i % 60) / 10, posts2021: 1)
        }
        let structures = (0..<count).flatMap { i -> [HostStructure] in
            let code = String(format: "T%05d", i)
            return [
                HostStructure(
                    id: "S\(code)A", name: "Mairie \(i)", territory: code, kind: "public", capacity: 2,
                    cofinancingEUR: 22_500, posts2021: 1),
                HostStructure(
                    id: "S\(code)B", name: "Association \(i)", territory: code, kind: "private", capacity: 2,
                    cofinancingEUR: 0, posts2021: 0),
            ]
        }
        return Scenario(parameters: parameters, territories: territories, structures: structures)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["REPARTIR_BENCH"] == "1"))
    func comparisonStepOnFiveThousandTerritories() throws {
        for count in [1_250, 2_500, 5_000] {
            let scenario = Self.scenario(territories: count)
            var laps: [(String, Double)] = []
            var clock = Date()
            func lap(_ name: String) { laps.append((name, Date().timeIntervalSince(clock))); clock = Date() }
            let seats = try Baselines.seats(for: BaselineSpec(parsing: "webster:need"), scenario: scenario)
            lap("webster:need seats")
            _ = BaselinePlacement.place(seats: seats, scenario: scenario)
            lap("webster:need placement")
            _ = AllocationModel(scenario: scenario)
            lap("model build")
            _ = AllocationModel.pools(of: scenario)
            lap("pools")
            let observed = Baselines.observed2021(scenario).plan
            lap("observed2021")
            let need = try Baselines.plan(for: "webster:need", scenario: scenario)
            lap("webster:need")
            let population = try Baselines.plan(for: "webster:population", scenario: scenario)
            lap("webster:population")
            let plans: [(name: String, plan: Plan)] = [
                ("optimised", need.plan), ("2021", observed), ("webster:need", need.plan),
                ("webster:population", population.plan),
            ]
            let rows = Comparison.rows(plans, scenario: scenario, optimised: "optimised")
            lap("score 4 plans")
            _ = Comparison.tables(rows, scenario: scenario)
            lap("tables")
            _ = Comparison.markdownSection(rows, scenario: scenario, optimised: "optimised")
            lap("section")
            let record = RunRecord(
                scenario: scenario, plan: need.plan, status: .optimal, bestBound: nil, relativeGap: nil,
                limitReached: nil, mipGap: 0.0001)
            lap("record")
            _ = Tables.all(record)
            lap("run tables")
            _ = MarkdownReport.render(record)
            lap("report")
            print(
                "bench \(count) territories: "
                    + laps.map { "\($0.0) \(String(format: "%.2f", $0.1)) s" }.joined(separator: ", "))
        }
    }
}
