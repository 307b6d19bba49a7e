import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing
import AllocationModel

/// Reach from a travel-time table (`reach.table`) instead of the radius, on `CommuneFixture` and its `reachTable`.
@Suite struct CommuneReachTableTests {
    static func tableScenario(posts: Int = 3) throws -> Scenario {
        try ScenarioLoader.load(
            try CommuneFixture.folder(posts: posts, radius: nil, reachTable: CommuneFixture.reachTable))
    }

    /// Sites sorted by commune: c1, c2, c4 (candidate K1), c5 are positions 0, 1, 2, 3. By the table (≤ 20 minutes,
    /// own commune always): c1 ← c1, c2; c2 ← c1, c2; c3 ← c1, c2; c4 ← c2 (20 min), c4; c5 ← c5; c6 ← none (35 min);
    /// c7 ← c5 (15 min, no coordinates). The 15 km radius gives instead c4 ← c4 only, c6 ← c5 and c7 ← none.
    @Test func tableGivesTheReachTheRadiusWouldNot() throws {
        let scenario = try Self.tableScenario()
        let code = { (index: Int) in scenario.communes!.communes[index].code }
        let reach = CommuneModel(scenario: scenario).reach
        #expect(reach.siteCommunes.map(code) == ["c1", "c2", "c4", "c5"])
        #expect(reach.sitesInReach == [[0, 1], [0, 1], [0, 1], [1, 2], [3], [], [3]])
        #expect(reach.groups.map { $0.communes.map(code) } == [["c1", "c2", "c3"], ["c4"], ["c5", "c7"]])
        #expect(reach.groups.map(\.sites) == [[0, 1], [1, 2], [3]])
        #expect(reach.unreachable.map(code) == ["c6"])
        // Site c2 now reaches c4's group too, so it no longer shares c1's unit.
        #expect(reach.units == [[0], [1], [2], [3]] && reach.unitGroups == [[0], [0, 1], [1], [2]])

        let radius = CommuneModel(scenario: try CommuneFixture.scenario()).reach
        #expect(radius.sitesInReach == [[0, 1], [0, 1], [0, 1], [2], [3], [3], []])
        #expect(radius.unreachable.map(code) == ["c7"])

        // Hosts only (no candidate c4): c4 is still reached, by the host of c2, where the radius leaves it white.
        let hosts = CommuneModel(scenario: scenario, options: .init(candidates: false)).reach
        #expect(hosts.sitesInReach == [[0, 1], [0, 1], [0, 1], [1], [2], [], [2]])
    }

    /// Hand-solved as in CommuneModelTests: 3 posts of 120 people, value √r on breakpoints 0.5, 1. Group needs
    /// {c1,c2,c3} 600, {c4} 150, {c5,c7} 250 + 40 = 290. No person covered is worth more than the first slope
    /// 1.41421, so 3 × 120 × 1.41421 = 509.12 bounds the value; it is reached, e.g. by two posts at c1 and one at
    /// c5 (240 ≤ 300 and 120 ≤ 145, all on first segments), or by c1 ×2 and c2 ×1 with c2's post sharing 60 with
    /// the first group (300 in all) and 60 with c4 (≤ 75), which only the table's reach allows. Same optimum with
    /// and without the reductions.
    @Test func tableReachSolvesToTheHandOptimum() throws {
        let scenario = try Self.tableScenario()
        let expected = 3 * 120 * (0.5.squareRoot() / 0.5)
        for grouped in [true, false] {
            let model = CommuneModel(scenario: scenario, options: .init(grouped: grouped))
            if grouped { #expect(model.groupNeed == [600, 150, 290]) }
            let result = try GLPKSolver().solve(model.program, options: SolverOptions(mipGap: 0))
            #expect(result.status == .optimal)
            #expect(abs(model.value(of: result.values) - expected) < 1e-6, "grouped: \(grouped)")
        }
    }
}

/// A reach table holding exactly the great-circle pairs within R gives exactly the radius's reach, groups and
/// units (pseudo-random points, fixed seed; minutes = km, max_minutes = R): the two paths share one rule.
@Suite struct CommuneReachTableEquivalenceTests {
    @Test func tableOfTheRadiusPairsEqualsTheRadius() {
        var seed: UInt64 = 7
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53)
        }
        let communes = (0..<300).map { index in
            CommuneInputs.Commune(
                code: String(format: "%05d", index), name: "", territory: index < 150 ? "01" : "02", epci: nil,
                population: 100, latitude: index % 50 == 0 ? nil : 45 + next() * 2,
                longitude: index % 50 == 0 ? nil : 2 + next() * 3)
        }
        let territories = ["01", "02"].map {
            Territory(
                code: $0, name: $0, regionCode: "R", regionName: "R", overseas: false, population: 1,
                population15Plus: 1, population75Plus: 0, fragilityIndex: 1)
        }
        let sites = Array(stride(from: 0, to: 300, by: 9))
        let radius = 25.0
        // Every ordered pair within the radius, for every commune as a site commune (sites or not).
        var reached = [[Int]](repeating: [], count: communes.count)
        var rows = 0
        for site in communes.indices {
            for commune in communes.indices where commune != site {
                if let km = CommuneReach.distanceKm(communes[commune], communes[site]), km <= radius {
                    reached[site].append(commune)
                    rows += 1
                }
            }
        }
        let byRadius = CommuneReach(
            inputs: CommuneInputs(communes: communes, structureCommunes: sites, radiusKm: radius),
            territories: territories, siteCommunes: sites, radiusKm: radius)
        let table = ReachTable(maxMinutes: radius, communesReached: reached, rows: rows)
        let byTable = CommuneReach(
            inputs: CommuneInputs(communes: communes, structureCommunes: sites, radiusKm: 1, reachTable: table),
            territories: territories, siteCommunes: sites, radiusKm: 1)
        #expect(byRadius.sitesInReach.contains { $0.count > 1 } && !byRadius.unreachable.isEmpty)
        #expect(byTable.sitesInReach == byRadius.sitesInReach)
        #expect(byTable.groups == byRadius.groups && byTable.units == byRadius.units)
        #expect(byTable.unitGroups == byRadius.unitGroups && byTable.groupOfCommune == byRadius.groupOfCommune)
    }
}
