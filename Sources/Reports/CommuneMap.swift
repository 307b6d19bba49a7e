import AllocationModel
import Foundation
import Pictures
import Scenario

/// The white-zone map of a commune run (`map_white_zones.svg`): every commune of the demand table coloured by its
/// access under the optimised commune plan (docs/pictures.md, "White-zone map").
public enum CommuneMap {
    public static let fileName = "map_white_zones.svg"

    /// One point per commune, in demand-table order: endowed site in reach (with a 2021 host in reach, or none: new
    /// sites closed the 2021 hosts' white zone there), only sites without posts in reach (hosts or candidates of the
    /// plan's network), or no site at all.
    public static func points(_ results: CommuneResults, plan: CommuneResults.ScoredPlan) -> [WhiteZoneMap.Point] {
        let overseas = Set(results.scenario.territories.filter(\.overseas).map(\.code))
        let endowed = plan.endowedSites
        let reach = plan.model.reach
        let hostless = results.outOfReachOfHosts
        return results.communes.enumerated().map { index, commune in
            let sites = reach.sitesInReach[index]
            let access: WhiteZoneMap.Access =
                sites.contains { endowed[$0] }
                ? (index < hostless.count && hostless[index] ? .endowedNew : .endowed)
                : (sites.isEmpty ? .noSite : .siteWithoutPosts)
            return WhiteZoneMap.Point(
                latitude: commune.latitude, longitude: commune.longitude, territory: commune.territory,
                overseas: overseas.contains(commune.territory), population: commune.population, access: access)
        }
    }

    /// The map of the optimised commune plan.
    public static func svg(_ results: CommuneResults) -> String {
        let names = Dictionary(uniqueKeysWithValues: results.scenario.territories.map { ($0.code, $0.name) })
        return WhiteZoneMap.svg(
            points: points(results, plan: results.optimised), radiusKm: results.scenario.communes?.radiusKm ?? 0,
            maxMinutes: results.scenario.communes?.reachTable?.maxMinutes,
            territoryNames: names, subtitle: "Optimised commune plan, with the candidate sites allowed")
    }
}
