import Foundation
import Scenario
import Testing

/// `ScenarioIndex` (issue 8, item 2): every lookup and capacity equals the scan or sum it replaces, on the default
/// scenario, on a scenario changed in memory, and with commitments (whose residual pools the model uses).
@Suite struct ScenarioIndexTests {
    static let defaultPath = ScenarioLoaderTests.root.appendingPathComponent("scenarios/france-relance-2020").path

    /// The index against brute force: linear scans and sums over the scenario's own arrays.
    static func checkAgainstBruteForce(_ scenario: Scenario) {
        let index = scenario.index
        #expect(index.territoryPositions.count == scenario.territories.count)
        for (position, territory) in scenario.territories.enumerated() {
            #expect(scenario.territory(territory.code) == scenario.territories.first { $0.code == territory.code })
            #expect(index.territoryPositions[territory.code] == position)
            let capacity = scenario.structures.filter { $0.territory == territory.code }.reduce(0) { $0 + $1.capacity }
            #expect(
                index.territoryCapacities[position] == capacity
                    && index.capacity(ofTerritory: territory.code) == capacity)
            #expect(index.regions[index.regionOfTerritory[position]].code == territory.regionCode)
        }
        #expect(scenario.territory("no such code") == nil && index.capacity(ofTerritory: "no such code") == 0)
        let regionCodes = Set(scenario.territories.map(\.regionCode)).sorted()
        #expect(scenario.regions.map(\.code) == regionCodes)
        for (position, region) in scenario.regions.enumerated() {
            let members = scenario.territories.filter { $0.regionCode == region.code }
            #expect(region.territories == members && region.name == members[0].regionName)
            #expect(index.regionPositions[region.code] == position)
            #expect(index.regionMembers[position].map { scenario.territories[$0] } == members)
            let codes = Set(members.map(\.code))
            #expect(
                index.regionCapacities[position]
                    == scenario.structures.filter { codes.contains($0.territory) }.reduce(0) { $0 + $1.capacity })
        }
        let pools = Set(scenario.structures.map { PoolKey(territory: $0.territory, kind: $0.kind) })
        for key in pools {
            let members = scenario.structures.filter { $0.territory == key.territory && $0.kind == key.kind }
            #expect(index.structuresByPool[key] == members)
            #expect(index.capacityByPool[key] == members.reduce(0) { $0 + $1.capacity })
            let residual = scenario.residualStructures.filter { $0.territory == key.territory && $0.kind == key.kind }
            #expect(index.residualStructuresByPool[key] ?? [] == residual)
            #expect(index.residualCapacityByPool[key] ?? 0 == residual.reduce(0) { $0 + $1.capacity })
        }
        #expect(Set(index.structuresByPool.keys) == pools && Set(index.capacityByPool.keys) == pools)
    }

    @Test func defaultScenarioIndexEqualsBruteForce() throws {
        let scenario = try ScenarioLoader.load(Self.defaultPath)
        #expect(scenario.territories.count == 101 && scenario.regions.count == 18)
        Self.checkAgainstBruteForce(scenario)
    }

    /// A scenario changed in memory is a new scenario with its own index, equal to the scans on it.
    @Test func changedScenarioKeepsItsIndex() throws {
        let scenario = try ScenarioLoader.load(Self.defaultPath)
        let changed = try scenario.applying(.posts(scenario.parameters.posts / 2))
        Self.checkAgainstBruteForce(changed)
        #expect(changed.index.territoryCapacities == scenario.index.territoryCapacities)
    }

    /// A locked commitment leaves its structure no room: the residual pool's capacity drops by the structure's
    /// capacity, the full pool's does not.
    @Test func commitmentsLowerTheResidualPools() throws {
        let base = try ScenarioLoader.load(Self.defaultPath)
        let structure = try #require(base.structures.first { $0.capacity > 1 })
        let option = base.parameters.fundingOptions[0].id
        let scenario = Scenario(
            parameters: base.parameters, territories: base.territories, structures: base.structures,
            commitments: [Commitment(structureID: structure.id, posts: 1, option: option, mode: .locked)])
        Self.checkAgainstBruteForce(scenario)
        let key = structure.pool
        #expect(
            scenario.index.residualCapacityByPool[key] == base.index.residualCapacityByPool[key]! - structure.capacity)
        #expect(scenario.index.capacityByPool[key] == base.index.capacityByPool[key])
    }
}
