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

    /// The pairs (site commune, commune) in reach of `siteCommunes`, each site's own commune counted, as `init` would
    /// find them, counted without building the reach and no further than just past `limit`: the run checks the size of
    /// what it is asked to build before building it (`reach.max_pairs`).
    public static func pairs(
        inputs: CommuneInputs, siteCommunes: [Int], radiusKm: Double, countingPast limit: Int
    ) -> Int {
        let sites = Array(Set(siteCommunes)).sorted()
        var count = 0
        if let table = inputs.reachTable {
            for site in sites {
                count += 1 + table.communesReached[site].filter { $0 != site }.count
                if count > limit { break }
            }
            return count
        }
        let grid = Grid(communes: inputs.communes, cellKm: radiusKm)
        for site in sites {
            count += 1 + grid.neighbours(of: site, within: radiusKm).filter { $0 != site }.count
            if count > limit { break }
        }
        return count
    }

    /// Flow pairs (unit, group) of the model.
    public var flowPairs: Int { unitGroups.reduce(0) { $0 + $1.count } }

    /// Communes no site reaches.
    public var unreachable: [Int] { sitesInReach.indices.filter { sitesInReach[$0].isEmpty } }

    /// Great-circle distance between two communes, km; nil when one has no coordinates.
    public static func distanceKm(_ a: CommuneInputs.Commune, _ b: CommuneInputs.Commune) -> Double? {
        guard let la = a.latitude, let oa = a.longitude, let lb = b.latitude, let ob = b.longitude else { return nil }
        return distanceKm(la, oa, lb, ob)
    }

    /// Great-circle distance between two points given in degrees (the haversine formula), km.
    static func distanceKm(_ la: Double, _ oa: Double, _ lb: Double, _ ob: Double) -> Double {
        let radians = Double.pi / 180
        let dLat = (lb - la) * radians, dLon = (ob - oa) * radians
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(la * radians) * cos(lb * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadiusKm * asin(min(1, sqrt(h)))
    }

    /// Buckets of communes by cells of latitude and longitude about one radius wide.
    ///
    /// A pair is tested on the chord between the two points on the unit sphere, which grows with the great-circle
    /// distance and needs no trigonometry per pair: the points are computed once (at 20 km the haversine per pair,
    /// and copying each commune's record to read its coordinates, took about 0.15 s per reach, four reaches a run).
    /// Within 10⁻⁶ of the radius's chord, the haversine distance decides, so the communes found are exactly those
    /// `distanceKm` puts within the radius.
    struct Grid {
        let latitudes: [Double]
        let longitudes: [Double]
        /// Unit vectors, x y z interleaved; nil coordinates: none (such a commune is in no cell).
        let points: [Double]
        let cellDegrees: Double
        var cells: [Int64: [Int]] = [:]

        init(communes: [CommuneInputs.Commune], cellKm: Double) {
            // One degree of latitude is 111.19 km; longitude cells are as many degrees, queried wider off the equator.
            cellDegrees = max(cellKm / 111.19, 1e-4)
            latitudes = communes.map { $0.latitude ?? .nan }
            longitudes = communes.map { $0.longitude ?? .nan }
            var points = [Double](repeating: .nan, count: communes.count * 3)
            let radians = Double.pi / 180
            for index in communes.indices {
                let latitude = latitudes[index], longitude = longitudes[index]
                guard !latitude.isNaN, !longitude.isNaN else { continue }
                points[3 * index] = cos(latitude * radians) * cos(longitude * radians)
                points[3 * index + 1] = cos(latitude * radians) * sin(longitude * radians)
                points[3 * index + 2] = sin(latitude * radians)
            }
            self.points = points
            for index in communes.indices where !points[3 * index].isNaN {
                cells[key(row(latitudes[index]), column(longitudes[index])), default: []].append(index)
            }
        }

        func row(_ latitude: Double) -> Int { Int((latitude / cellDegrees).rounded(.down)) }
        func column(_ longitude: Double) -> Int { Int((longitude / cellDegrees).rounded(.down)) }
        func key(_ row: Int, _ column: Int) -> Int64 {
            Int64(row) << 32 | Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: column)))
        }

        /// Communes within `radius` km of commune `center` (itself included), in no particular order.
        func neighbours(of center: Int, within radius: Double) -> [Int] {
            let latitude = latitudes[center], longitude = longitudes[center]
            guard !latitude.isNaN, !longitude.isNaN else { return [] }
            let latitudeSpan = radius / 111.19
            let widest = min(89.9, abs(latitude) + latitudeSpan)
            let longitudeSpan = min(180, latitudeSpan / max(cos(widest * .pi / 180), 1e-3))
            let columns = Int((longitudeSpan / cellDegrees).rounded(.up))
            let rows = Int((latitudeSpan / cellDegrees).rounded(.up))
            let centerRow = row(latitude), centerColumn = column(longitude)
            // The squared chord of an arc of `radius` km (half the arc's angle: radius / (2 R), at most a half turn).
            let halfAngle = min(radius / (2 * CommuneReach.earthRadiusKm), Double.pi / 2)
            let chord = 4 * sin(halfAngle) * sin(halfAngle)
            let surelyIn = chord * (1 - 1e-6), surelyOut = chord * (1 + 1e-6)
            let x = points[3 * center], y = points[3 * center + 1], z = points[3 * center + 2]
            var found: [Int] = []
            for r in (centerRow - rows)...(centerRow + rows) {
                for c in (centerColumn - columns)...(centerColumn + columns) {
                    guard let cell = cells[key(r, c)] else { continue }
                    for other in cell {
                        let dx = points[3 * other] - x, dy = points[3 * other + 1] - y, dz = points[3 * other + 2] - z
                        let squared = dx * dx + dy * dy + dz * dz
                        if squared < surelyIn
                            || (squared <= surelyOut
                                && CommuneReach.distanceKm(latitude, longitude, latitudes[other], longitudes[other])
                                    <= radius)
                        {
                            found.append(other)
                        }
                    }
                }
            }
            return found
        }
    }
}
