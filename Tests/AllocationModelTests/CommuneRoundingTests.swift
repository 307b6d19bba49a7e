import CommuneFixtures
import Foundation
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
}
