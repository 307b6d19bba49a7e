import AllocationModel
import Foundation
import Reports
import Scenario
import Testing

/// Reports of degenerate scenarios, where sentences written for the national case would contradict the
/// figures: no need anywhere, one post and no floor, caps that round down to zero posts. Each report is
/// compared byte for byte with Golden/<name>.md (re-record as GoldenReportTests says), and the sentences
/// that used to be wrong are checked by name.
@Suite struct DegenerateReportTests {
    /// Two territories in two régions, one public host each (capacity 2), one option: a post costs 24,000 €.
    static func record(
        posts: Int, rate: Double, floor: Int, territoryShare: Double, regionShare: Double, plan: [(String, Int)]
    ) -> RunRecord {
        let parameters = ScenarioParameters(
            name: "degenerate", title: "Degenerate", posts: posts, budgetEUR: 100_000, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: rate, rate75Plus: rate, fragilityExponent: 0),
            kinds: [
                HostKind(id: "public", label: "Public", grantEUR: 24_000, overseasGrantEUR: 24_000, grantMonths: 24)
            ],
            fundingOptions: [FundingOption(id: "full", label: "Full", stateShare: 1, months: nil)],
            limits: Limits(
                territoryMinPosts: floor, territoryMaxShare: territoryShare, regionMinPosts: 0,
                regionMaxShare: regionShare),
            objective: ObjectiveParameters(exponent: 0.5, breakpoints: [0.5, 1]),
            solver: SolverParameters(timeLimitSeconds: 10, mipGap: 0.0001, presolve: true, cuts: true),
            effective: [("programme.posts", "\(posts)")])
        let territories = [("A", "Alpha", "R1"), ("B", "Beta", "R2")].map { code, name, region in
            Territory(
                code: code, name: name, regionCode: region, regionName: "Région \(region)", overseas: false,
                population: 1_000, population15Plus: 1_000, population75Plus: 1_000, fragilityIndex: 5)
        }
        let structures = ["A", "B"].map {
            HostStructure(
                id: "h\($0)", name: "Host \($0)", territory: $0, kind: "public", capacity: 2, cofinancingEUR: 0)
        }
        let scenario = Scenario(parameters: parameters, territories: territories, structures: structures)
        return RunRecord(
            scenario: scenario,
            plan: Plan(placements: plan.map { Placement(structureID: "h\($0.0)", option: "full", posts: $0.1) }),
            status: .optimal, bestBound: nil, relativeGap: 0, limitReached: nil, mipGap: 0.0001)
    }

    /// Need rates of 0: nobody needs help; the plan still places its 3 posts.
    static let noNeed = record(
        posts: 3, rate: 0, floor: 0, territoryShare: 1, regionShare: 1, plan: [("A", 2), ("B", 1)])
    /// One post, no floor, no binding cap: the post goes to A, B gets none.
    static let onePost = record(posts: 1, rate: 1, floor: 0, territoryShare: 1, regionShare: 1, plan: [("A", 1)])
    /// One post and the national shares (4 % per territory, 20 % per région): both caps round down to 0, nothing is
    /// placed.
    static let capsAtZero = record(posts: 1, rate: 1, floor: 0, territoryShare: 0.04, regionShare: 0.2, plan: [])

    static func check(_ record: RunRecord, golden name: String) throws -> String {
        let report = MarkdownReport.render(record)
        let file = GoldenReportTests.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["REPARTIR_RECORD_GOLDEN"] == "1" {
            try report.write(to: file, atomically: true, encoding: .utf8)
        } else {
            #expect(report == (try String(contentsOf: file, encoding: .utf8)), "differs from Golden/\(name)")
        }
        return report
    }

    @Test func noNeedSaysSoAndNeverThatPostsMeetUnservedPeople() throws {
        let report = try Self.check(Self.noNeed, golden: "report-no-need.md")
        #expect(!report.contains("every post still meets unserved people"))
        #expect(
            !report.contains("more posts could reach more people")
                && !report.contains("more posts would let the plan reach more people"))
        #expect(
            report.contains(
                "**`need`** — slack. No territory has any need under the scenario's need formula: no plan can accompany anyone."
            ))
        #expect(
            report.contains(
                "All 3 posts are placed, and no territory has need left uncovered: more posts would reach no one more.")
        )
        #expect(
            report.contains(
                "No territory has any need under the scenario's need formula, so need cannot explain the posts each one gets."
            ))
    }

    @Test func onePostWithoutFloorsNeverSaysEveryTerritoryGetsMoreThanItsMinimum() throws {
        let report = try Self.check(Self.onePost, golden: "report-one-post.md")
        #expect(!report.contains("every one gets more than the minimum"))
        #expect(report.contains("**`territory_floor`** — slack. No territory has a floor: none is guaranteed a post."))
        #expect(report.contains("no floor per territory"))
    }

    @Test func capsRoundingToZeroAreNamedAsWhatHoldsEveryPost() throws {
        let report = try Self.check(Self.capsAtZero, golden: "report-caps-at-zero.md")
        #expect(!report.contains("every one gets more than the minimum"))
        #expect(!report.contains("every post still meets unserved people"))
        #expect(report.contains("1 of the 1 posts stay unplaced. Used up below: territory caps, région caps."))
        #expect(report.contains("The cap of 4.0 % of 1 posts rounds down to 0 posts: no territory can receive a post."))
        #expect(
            report.contains(
                "The cap of 20.0 % of 1 posts per région rounds down to 0 posts: no région can receive a post."))
        #expect(report.contains("No post is placed, so no need is covered."))
        #expect(report.contains("No post is placed in any territory, so none gets more than another."))
        #expect(report.contains("at most 4.0 % of the 1 posts per territory (0 post(s), rounded down)"))
    }

    /// A territory of population 0 with posts (a population column left empty upstream, the need from its other
    /// columns): posts per 100,000 inhabitants is undefined there, so its cells are empty (a notebook's missing value),
    /// never 0.000, which a mean or a minimum would read as a territory without posts.
    @Test func postsPerHundredThousandIsEmptyWhereThePopulationIsZero() throws {
        let base = Self.onePost
        var territories = base.scenario.territories
        let beta = territories[1]
        territories[1] = Territory(
            code: beta.code, name: beta.name, regionCode: beta.regionCode, regionName: beta.regionName,
            overseas: false, population: 0, population15Plus: 1_000, population75Plus: 1_000, fragilityIndex: 5)
        let scenario = Scenario(
            parameters: base.scenario.parameters, territories: territories, structures: base.scenario.structures)
        let record = RunRecord(
            scenario: scenario,
            plan: Plan(placements: [
                Placement(structureID: "hA", option: "full", posts: 1),
                Placement(structureID: "hB", option: "full", posts: 1),
            ]),
            status: .optimal, bestBound: nil, relativeGap: 0, limitReached: nil, mipGap: 0.0001)
        func cells(_ csv: String, key: String) -> [String: String] {
            let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let header = lines[0].map(String.init)
            let column = try! #require(header.firstIndex(of: "posts_per_100k"))
            let keyColumn = try! #require(header.firstIndex(of: key))
            return Dictionary(
                uniqueKeysWithValues: lines.dropFirst().map { (String($0[keyColumn]), String($0[column])) })
        }
        let byTerritory = cells(Tables.byTerritory(record), key: "territory_code")
        #expect(byTerritory["A"] == "100.000")
        #expect(byTerritory["B"] == "")
        let byRegion = cells(Tables.byRegion(record), key: "region_code")
        #expect(byRegion["R1"] == "100.000")
        #expect(byRegion["R2"] == "")
    }
}
