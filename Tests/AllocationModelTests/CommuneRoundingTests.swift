import CommuneFixtures
import Foundation
import LinearProgramming
import Scenario
import Testing

@testable import AllocationModel

/// `CommuneRounding`: the integer plan a commune solve values, rounded from fractional posts.
@Suite struct CommuneRoundingTests {
    /// Three posts, a floor of one post per territory. Whole posts asked for every pool of territory 01 (4 of them,
    /// as a previous plan or an interior point's posts may) would take all three posts before the floors are met, and
    /// territory 02 could not get its post: the rounding keeps room for it (`Ledger.keepsRoomForFloors`), placing two
    /// posts in 01 and then 02's floor. Without that reservation this rounding fails on `territory_floor[02]`.
    @Test func wholePostsKeepRoomForTheFloors() throws {
        let scenario = try ScenarioLoader.load(
            try CommuneFixture.folder(posts: 3, extraYAML: "limits:\n  territory_min_posts: 1"))
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        var values = [Double](repeating: 0, count: model.program.variables.count)
        for decision in model.decisions where model.pools[decision.pool].territory == 0 {
            values[decision.variable.index] = Double(model.pools[decision.pool].capacity)
        }
        let posts = try CommuneRounding.round(model, scenario: scenario, values: values, duals: nil)
        let byTerritory = model.decisions.indices.reduce(into: [0, 0]) { sums, index in
            sums[model.pools[model.decisions[index].pool].territory] += posts[index]
        }
        #expect(byTerritory == [2, 1])
    }

    /// A floor met with a dear post can leave a later territory without the euros for its own. Floors of one post,
    /// €15,000, no post asked for: territory 01 may take H1 (public, €10,000) or H2 (private, €5,000), territory 02
    /// only H3 (public, €10,000). H1 comes first in 01's order, and with it 02's floor would be €5,000 short; the
    /// floors first take only posts that leave room for the floors after them (`Ledger.keepsRoomForFloors`), so 01
    /// gets H2 and the plan costs €15,000. The room is priced at each territory's cheapest post: at the cheapest of
    /// all (€5,000), H1 would seem to leave enough.
    @Test func aFloorKeepsRoomForTheFloorsAfterIt() throws {
        let scenario = try ScenarioLoader.load(
            try CommuneFixture.folder(
                posts: 3, budget: 15_000, extraYAML: "limits:\n  territory_min_posts: 1", privateGrant: 5000))
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let values = [Double](repeating: 0, count: model.program.variables.count)
        let posts = try CommuneRounding.round(model, scenario: scenario, values: values, duals: nil)
        let held = model.decisions.indices.filter { posts[$0] > 0 }.map { index -> String in
            let pool = model.pools[model.decisions[index].pool]
            return "\(pool.territory):\(model.decisions[index].stateCostEUR)"
        }
        #expect(held.sorted() == ["0:5000.0", "1:10000.0"])
    }

    /// The rounding's last fallback. Territory 01 has a site m whose reach holds three outer communes, each also
    /// reached by its own site (o1, o2, o3; 11.1 km from m, 15.7–22 km from each other, reach 12 km); territory 02 one
    /// commune d with a site of capacity 2. Four posts, a floor of two per territory, `endow_reach` first: the cover
    /// endows everyone with m and d and keeps room for the floors. The relaxation's posts (0.9 at each outer site, 0.1
    /// at m, 0.5 at d) make both roundings from it put the covering rows' posts at o1, o2 and o3, which leaves d one
    /// post short of its floor; the cover's posts with the relaxation's above them keep the rows with m, and the plan
    /// meets every rule (two posts in each territory, one at m). Before this fallback the cover's posts alone were
    /// rounded (the log line differs).
    @Test func theLastFallbackStartsFromTheCoverAndTheRelaxation() throws {
        let demand = """
            code,name,territory,epci,population,need,latitude,longitude
            m,Centre,01,E1,1000,300,0,0
            o1,East,01,E1,500,150,0,0.1
            o2,West,01,E1,500,150,0,-0.1
            o3,North,01,E1,500,150,0.1,0
            d,Far,02,E2,800,250,0,1.0

            """
        let structures = """
            id,name,territory,kind,capacity,cofinancing_eur,posts_2021,commune_code
            Sm,Centre host,01,public,1,0,0,m
            S1,East host,01,public,1,0,0,o1
            S2,West host,01,public,1,0,0,o2
            S3,North host,01,public,1,0,0,o3
            Sd,Far host,02,public,2,0,0,d

            """
        let scenario = try ScenarioLoader.load(
            try CommuneFixture.folder(
                posts: 4, radius: "12", extraYAML: "limits:\n  territory_min_posts: 2", demand: demand,
                structures: structures,
                candidates: "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nK,No room,02,public,0,0,d\n",
                reachYAML: "stages: endow_reach,value"))
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let communes = try #require(scenario.communes).communes
        let siteCode = model.decisions.map { communes[model.pools[$0.pool].commune].code }
        // The relaxation's optimum with these posts as the interior point's best point (its duals, hence the bound,
        // the optimum's).
        let posts = siteCode.map { ["m": 0.1, "d": 0.5][$0] ?? 0.9 }
        let columns = model.decisions.map(\.variable.index)
        var solver = CommuneLagrangianTests.InteriorStopsShort(relaxedColumns: model.program.variables.count)
        solver.distort = { _, dual in dual }
        solver.values = { values in
            var values = values
            for (column, post) in zip(columns, posts) { values[column] = post }
            return values
        }
        nonisolated(unsafe) var lines: [String] = []
        let outcome = try CommuneSolve.solve(
            scenario, candidates: true, solver: solver, options: SolverOptions(mipGap: 1e-4),
            log: { lines.append($0) })
        #expect(lines.contains { $0.hasSuffix("again from the endow_reach cover's posts and the relaxation's") })
        #expect(!lines.contains { $0.contains("cover's posts alone") })
        var byTerritory = [0, 0]
        var atCentre = 0
        for (index, decision) in outcome.model.decisions.enumerated() {
            let pool = outcome.model.pools[decision.pool]
            byTerritory[pool.territory] += outcome.posts[index]
            if communes[pool.commune].code == "m" { atCentre += outcome.posts[index] }
        }
        #expect(byTerritory == [2, 2] && atCentre == 1, "\(byTerritory), \(atCentre) at m")
    }
}
