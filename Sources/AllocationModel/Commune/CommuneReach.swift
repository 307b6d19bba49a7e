import Foundation
import Scenario

/// Which communes a set of site communes reaches, and the exact reductions of the commune model
/// (docs/model.md, "The commune model"): communes grouped by identical reachable-site sets (and territory weight),
/// unreachable communes set apart and listed, site communes with identical reach merged into one unit.
/// Distances are great-circle between commune points; a grid of cells one radius wide finds the
/// neighbours of each site, so the work grows with the pairs within reach, not with sites × communes.
/// With a reach table (`inputs.reachTable`, travel times) the table's pairs within its maximum replace the radius,
/// read by site commune position, so the work grows with the table's rows.
public struct CommuneReach: Sendable {
    /// Communes in reach of the same sites, with the same territory weight: interchangeable in the model.
    public struct Group: Sendable, Hashable {
        /// Indices into `CommuneInputs.communes`, increasing.
        public let communes: [Int]
        /// Index into `Scenario.territories` of its first commune (all its communes' territories have the same weight).
        public let territory: Int
        /// Indices into `siteCommunes`, increasing.
        public let sites: [Int]
    }

    /// Commune indices that hold a site, increasing.
    public let siteCommunes: [Int]
    /// For each commune, the positions in `siteCommunes` within reach (empty: white zone).
    public let sitesInReach: [[Int]]
    /// The model's demand groups (communes with no site in reach belong to none).
    public let groups: [Group]
    /// For each commune, its group's index, or nil when no site reaches it.
    public let groupOfCommune: [Int?]
    /// Site units: positions in `siteCommunes` whose reachable groups are identical, merged for the flows.
    public let units: [[Int]]
    /// For each position in `siteCommunes`, its unit.
    public let unitOfSite: [Int]
    /// For each unit, the groups it reaches, increasing.
    public let unitGroups: [[Int]]

    public static let earthRadiusKm = 6371.0088

    /// `grouped: false` keeps one group per reachable commune and one unit per site commune: the unreduced model,
    /// used only to check that the reductions are exact. A reach table in `inputs` replaces `radiusKm`.
    public init(
        inputs: CommuneInputs, territories: [Territory], siteCommunes: [Int], radiusKm: Double, grouped: Bool = true
    ) {
        let table = inputs.reachTable
        let sites = Array(Set(siteCommunes)).sorted()
        self.siteCommunes = sites
        let communes = inputs.communes
        var reach = [[Int]](repeating: [], count: communes.count)
        let grid = table == nil ? Grid(communes: communes, cellKm: radiusKm) : nil
        for (position, site) in sites.enumerated() {
            // A site always reaches its own commune, with or without coordinates (and with a table, listed or not).
            reach[site].append(position)
            let others = table?.communesReached[site] ?? grid!.neighbours(of: site, within: radiusKm)
            for other in others where other != site {
                reach[other].append(position)
            }
        }
        sitesInReach = reach
        let territoryIndex = Dictionary(
            uniqueKeysWithValues: territories.enumerated().map { ($0.element.code, $0.offset) })
        // Territories enter the value only through their weight, so communes of two territories of equal weight group.
        struct Key: Hashable { let sites: [Int]; let weight: Double }
        var groupIndex: [Key: Int] = [:]
        var groups: [(communes: [Int], territory: Int, key: Key)] = []
        var groupOfCommune = [Int?](repeating: nil, count: communes.count)
        for commune in communes.indices where !reach[commune].isEmpty {
            let territory = territoryIndex[communes[commune].territory] ?? 0
            let key = Key(sites: reach[commune], weight: territories[territory].weight)
            if grouped, let index = groupIndex[key] {
                groups[index].communes.append(commune)
                groupOfCommune[commune] = index
            } else {
                groupIndex[key] = groups.count
                groupOfCommune[commune] = groups.count
                groups.append(([commune], territory, key))
            }
        }
        self.groups = groups.map { Group(communes: $0.communes, territory: $0.territory, sites: $0.key.sites) }
        self.groupOfCommune = groupOfCommune
        var siteGroups = [[Int]](repeating: [], count: sites.count)
        for (index, group) in groups.enumerated() {
            for site in group.key.sites { siteGroups[site].append(index) }
        }
        var unitIndex: [[Int]: Int] = [:]
        var units: [[Int]] = []
        var unitGroups: [[Int]] = []
        var unitOfSite = [Int](repeating: 0, count: sites.count)
        for position in sites.indices {
            if grouped, let unit = unitIndex[siteGroups[position]] {
                units[unit].append(position)
                unitOfSite[position] = unit
            } else {
                unitIndex[siteGroups[position]] = units.count
                unitOfSite[position] = units.count
                units.append([position])
                unitGroups.append(siteGroups[position])
            }
        }
        self.units = units
        self.unitOfSite = unitOfSite
        self.unitGroups = unitGroups
    }

    /// Flow pairs (unit, group) of the model.
    public var flowPairs: Int { unitGroups.reduce(0) { $0 + $1.count } }

    /// Communes no site reaches.
    public var unreachable: [Int] { sitesInReach.indices.filter { sitesInReach[$0].isEmpty } }

    /// Great-circle distance between two communes, km; nil when one has no coordinates.
    public static func distanceKm(_ a: CommuneInputs.Commune, _ b: CommuneInputs.Commune) -> Double? {
        guard let la = a.latitude, let oa = a.longitude, let lb = b.latitude, let ob = b.longitude else { return nil }
        let radians = Double.pi / 180
        let dLat = (lb - la) * radians, dLon = (ob - oa) * radians
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(la * radians) * cos(lb * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadiusKm * asin(min(1, sqrt(h)))
    }

    /// Buckets of communes by cells of latitude and longitude about one radius wide.
    struct Grid {
        let communes: [CommuneInputs.Commune]
        let cellDegrees: Double
        var cells: [Int64: [Int]] = [:]

        init(communes: [CommuneInputs.Commune], cellKm: Double) {
            self.communes = communes
            // One degree of latitude is 111.19 km; longitude cells are as many degrees, queried wider off the equator.
            cellDegrees = max(cellKm / 111.19, 1e-4)
            for (index, commune) in communes.enumerated() {
                guard let latitude = commune.latitude, let longitude = commune.longitude else { continue }
                cells[key(row(latitude), column(longitude)), default: []].append(index)
            }
        }

        func row(_ latitude: Double) -> Int { Int((latitude / cellDegrees).rounded(.down)) }
        func column(_ longitude: Double) -> Int { Int((longitude / cellDegrees).rounded(.down)) }
        func key(_ row: Int, _ column: Int) -> Int64 {
            Int64(row) << 32 | Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: column)))
        }

        /// Communes within `radius` km of commune `center` (itself included), in no particular order.
        func neighbours(of center: Int, within radius: Double) -> [Int] {
            let origin = communes[center]
            guard let latitude = origin.latitude, let longitude = origin.longitude else { return [] }
            let latitudeSpan = radius / 111.19
            let widest = min(89.9, abs(latitude) + latitudeSpan)
            let longitudeSpan = min(180, latitudeSpan / max(cos(widest * .pi / 180), 1e-3))
            let columns = Int((longitudeSpan / cellDegrees).rounded(.up))
            let rows = Int((latitudeSpan / cellDegrees).rounded(.up))
            let centerRow = row(latitude), centerColumn = column(longitude)
            var found: [Int] = []
            for r in (centerRow - rows)...(centerRow + rows) {
                for c in (centerColumn - columns)...(centerColumn + columns) {
                    for other in cells[key(r, c)] ?? [] {
                        if let distance = CommuneReach.distanceKm(origin, communes[other]), distance <= radius {
                            found.append(other)
                        }
                    }
                }
            }
            return found
        }
    }
}
