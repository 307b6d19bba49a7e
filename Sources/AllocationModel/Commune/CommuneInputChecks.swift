import Foundation
import Scenario

/// Checks of the commune inputs that are not errors (a scenario may mean them) but change where posts serve, so they
/// are said (the log of `validate` and `run`, and the report) and never pass silently: a site whose commune lies in
/// another territory than its host's (its posts count for the host's territory, its floors and caps, and serve the
/// people around that commune: the published hosts' file has 82, national networks registered at their seat and a
/// few homonyms, e.g. Saint-Denis of Seine-Saint-Denis coded as Saint-Denis of La Réunion; the default scenario's
/// derivation moves 81 of them into their département and keeps an intercommunality's seat), and a commune whose
/// point lies far from its territory's other communes (a latitude and longitude swapped).
public struct CommuneInputChecks: Sendable {
    /// A host or candidate site whose commune is in another territory.
    public struct SiteElsewhere: Sendable, Equatable {
        public let id: String
        public let name: String
        public let territory: String
        public let candidate: Bool
        public let communeCode: String
        public let communeName: String
        public let communeTerritory: String
    }

    /// A commune whose point is more than `distantKm` from the median point of its territory's communes (territories
    /// with at least three communes with coordinates: with two, which one is off cannot be told).
    public struct DistantCommune: Sendable, Equatable {
        public let code: String
        public let name: String
        public let territory: String
        public let kilometres: Double
    }

    /// Farther than any real commune from its territory's median point (the farthest: Maripasoula, Guyane, 226 km;
    /// mainland départements under 150 km), nearer than a point whose latitude and longitude were swapped (thousands).
    public static let distantKm = 300.0

    /// A territory whose communes in the demand table hold another population than the territory's own (more than
    /// `populationTolerance` apart; the default scenario's match exactly), checked when the table gives no need: the
    /// commune split of the territory's need then follows the communes' populations, so one wrong population moves the
    /// need (a review's commune of 100 million people took 20,101 of Creuse's 20,122 in need).
    public struct PopulationMismatch: Sendable, Equatable {
        public let territory: String
        public let communes: Int
        public let territoryPopulation: Int
    }

    /// More than `sharedPointCount` communes at one point: distinct communes have distinct points (the default
    /// scenario's 34,987 do), so such a point is a placeholder, e.g. a missing coordinate written 0 (a review put every
    /// commune at 0, 0: every site then reaches every commune, and the far-point check, against the median, saw
    /// nothing). A few communes at one point may be meant (a test's two communes together), so the count is a floor.
    public struct SharedPoint: Sendable, Equatable {
        public let latitude: Double
        public let longitude: Double
        public let communes: Int
    }

    public static let populationTolerance = 0.01
    public static let sharedPointCount = 10

    public let sitesElsewhere: [SiteElsewhere]
    public let distantCommunes: [DistantCommune]
    public let populationMismatches: [PopulationMismatch]
    /// The points shared by more than `sharedPointCount` communes, the most shared first.
    public let sharedPoints: [SharedPoint]

    public init(_ inputs: CommuneInputs, structures: [HostStructure], territories: [Territory] = []) {
        let communes = inputs.communes
        var elsewhere: [SiteElsewhere] = []
        let sites =
            zip(structures, inputs.structureCommunes).map { ($0, $1, false) }
            + zip(inputs.candidates, inputs.candidateCommunes).map { ($0, $1, true) }
        for (host, position, candidate) in sites where communes.indices.contains(position) {
            let commune = communes[position]
            guard commune.territory != host.territory else { continue }
            elsewhere.append(
                SiteElsewhere(
                    id: host.id, name: host.name, territory: host.territory, candidate: candidate,
                    communeCode: commune.code, communeName: commune.name, communeTerritory: commune.territory))
        }
        sitesElsewhere = elsewhere
        // The median latitude and longitude of each territory's communes (robust to the few far points it looks for).
        var points: [String: (latitudes: [Double], longitudes: [Double])] = [:]
        for commune in communes {
            guard let latitude = commune.latitude, let longitude = commune.longitude else { continue }
            points[commune.territory, default: ([], [])].latitudes.append(latitude)
            points[commune.territory, default: ([], [])].longitudes.append(longitude)
        }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
        let centre = points.filter { $0.value.latitudes.count >= 3 }.mapValues {
            (median($0.latitudes), median($0.longitudes))
        }
        distantCommunes = communes.compactMap { commune in
            guard let latitude = commune.latitude, let longitude = commune.longitude,
                let (lat, lon) = centre[commune.territory]
            else { return nil }
            let kilometres = CommuneReach.distanceKm(latitude, longitude, lat, lon)
            guard kilometres > Self.distantKm else { return nil }
            return DistantCommune(
                code: commune.code, name: commune.name, territory: commune.territory, kilometres: kilometres)
        }
        var population: [String: Int] = [:]
        for commune in communes { population[commune.territory, default: 0] += commune.population }
        // Only where the need is split by population (no need column): given needs do not depend on it.
        let split = communes.allSatisfy { $0.need == nil }
        populationMismatches = territories.compactMap { territory in
            let held = population[territory.code] ?? 0
            guard split, territory.population > 0, held > 0,
                abs(Double(held - territory.population)) > Self.populationTolerance * Double(territory.population)
            else { return nil }
            return PopulationMismatch(
                territory: territory.code, communes: held, territoryPopulation: territory.population)
        }
        struct Point: Hashable { let latitude: Double, longitude: Double }
        var sharing: [Point: Int] = [:]
        for commune in communes {
            guard let latitude = commune.latitude, let longitude = commune.longitude else { continue }
            sharing[Point(latitude: latitude, longitude: longitude), default: 0] += 1
        }
        sharedPoints = sharing.filter { $0.value > Self.sharedPointCount }
            .map { SharedPoint(latitude: $0.key.latitude, longitude: $0.key.longitude, communes: $0.value) }
            .sorted { ($0.communes, $1.latitude, $1.longitude) > ($1.communes, $0.latitude, $0.longitude) }
    }

    /// The log's warning lines (none when every check passes); at most `listed` examples each.
    public func warnings(listed: Int = 5) -> [String] {
        var lines: [String] = []
        if !sitesElsewhere.isEmpty {
            let examples = sitesElsewhere.prefix(listed).map {
                "\($0.id) (territory \($0.territory)) at \($0.communeCode) \($0.communeName) (territory \($0.communeTerritory))"
            }
            lines.append(
                "warning: \(sitesElsewhere.count) site(s) in a commune of another territory than their host's: their posts count for the host's territory and serve around that commune (e.g. \(examples.joined(separator: "; ")))"
            )
        }
        if !distantCommunes.isEmpty {
            let examples = distantCommunes.prefix(listed).map {
                "\($0.code) \($0.name) (territory \($0.territory)) \(Int($0.kilometres.rounded())) km"
            }
            lines.append(
                "warning: \(distantCommunes.count) commune(s) of the demand table more than \(Int(Self.distantKm)) km from the median point of their territory's communes (latitude and longitude swapped?): \(examples.joined(separator: "; "))"
            )
        }
        if !populationMismatches.isEmpty {
            let examples = populationMismatches.prefix(listed).map {
                "\($0.territory): \(NumberText.grouped($0.communes)) against \(NumberText.grouped($0.territoryPopulation))"
            }
            lines.append(
                "warning: in \(populationMismatches.count) territory(ies) the demand table's communes hold another population than the territory's own (more than \(Int(Self.populationTolerance * 100)) % apart): the commune split of its need follows the communes' populations (\(examples.joined(separator: "; ")))"
            )
        }
        if let most = sharedPoints.first {
            let communes = sharedPoints.reduce(0) { $0 + $1.communes }
            lines.append(
                "warning: \(communes) commune(s) of the demand table sit at points shared by more than \(Self.sharedPointCount) communes (the most: \(most.communes) at latitude \(most.latitude), longitude \(most.longitude)): distinct communes have distinct points, so these look like placeholders (a missing coordinate written 0?); leave a coordinate empty to put a commune out of reach, listed"
            )
        }
        return lines
    }
}
