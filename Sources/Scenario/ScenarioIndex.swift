import Foundation

/// What the scenario's consumers look up again and again, built once with the scenario (`Scenario.init`, so a scenario
/// changed in memory by `applying(_:)` gets its own): positions instead of scans by code, and the host capacities
/// summed once instead of by each consumer. Linear in the number of territories and structures.
public struct ScenarioIndex: Sendable {
    public typealias Region = (code: String, name: String, territories: [Territory])

    /// Position in `Scenario.territories` by territory code.
    public let territoryPositions: [String: Int]
    /// Régions by code, in code order, each with its territories in code order (its name is its first territory's).
    public let regions: [Region]
    /// Position in `regions` by région code.
    public let regionPositions: [String: Int]
    /// The positions in `Scenario.territories` of each région's territories, aligned with `regions`.
    public let regionMembers: [[Int]]
    /// Position in `regions` of each territory's région, aligned with `Scenario.territories`.
    public let regionOfTerritory: [Int]
    /// Each pool's structures, in id order.
    public let structuresByPool: [PoolKey: [HostStructure]]
    /// Each pool's structures as left for new posts (`Scenario.residualStructures`), in id order.
    public let residualStructuresByPool: [PoolKey: [HostStructure]]
    /// Σ capacity of each pool's structures.
    public let capacityByPool: [PoolKey: Int]
    /// Σ capacity of each pool's residual structures: the model's U[t,k].
    public let residualCapacityByPool: [PoolKey: Int]
    /// Σ capacity of each territory's structures, aligned with `Scenario.territories`.
    public let territoryCapacities: [Int]
    /// Σ capacity of each région's structures, aligned with `regions`.
    public let regionCapacities: [Int]

    /// `territories` and `structures` as the scenario keeps them (sorted by code and id); `residualStructures` nil when
    /// they are `structures` (no commitments), so the pools are grouped and summed once.
    init(territories: [Territory], structures: [HostStructure], residualStructures: [HostStructure]?) {
        territoryPositions = Dictionary(
            territories.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { first, _ in first })
        var members: [String: [Int]] = [:]
        for (position, territory) in territories.enumerated() {
            members[territory.regionCode, default: []].append(position)
        }
        let codes = members.keys.sorted()
        regions = codes.map { code in
            let positions = members[code]!
            return (code, territories[positions[0]].regionName, positions.map { territories[$0] })
        }
        regionPositions = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($1, $0) })
        regionMembers = codes.map { members[$0]! }
        var regionOfTerritory = Array(repeating: 0, count: territories.count)
        for (region, positions) in regionMembers.enumerated() {
            for position in positions { regionOfTerritory[position] = region }
        }
        self.regionOfTerritory = regionOfTerritory
        structuresByPool = Dictionary(grouping: structures, by: \.pool)
        capacityByPool = structuresByPool.mapValues { $0.reduce(0) { $0 + $1.capacity } }
        if let residualStructures {
            residualStructuresByPool = Dictionary(grouping: residualStructures, by: \.pool)
            residualCapacityByPool = residualStructuresByPool.mapValues { $0.reduce(0) { $0 + $1.capacity } }
        } else {
            residualStructuresByPool = structuresByPool
            residualCapacityByPool = capacityByPool
        }
        var territoryCapacities = Array(repeating: 0, count: territories.count)
        for structure in structures {
            if let position = territoryPositions[structure.territory] {
                territoryCapacities[position] += structure.capacity
            }
        }
        self.territoryCapacities = territoryCapacities
        regionCapacities = regionMembers.map { $0.reduce(0) { $0 + territoryCapacities[$1] } }
    }

    /// Σ capacity of the structures of the territory `code` (0 for a code the scenario does not have).
    public func capacity(ofTerritory code: String) -> Int {
        territoryPositions[code].map { territoryCapacities[$0] } ?? 0
    }
}
