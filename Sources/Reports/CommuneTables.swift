import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// The commune run's CSV tables (docs/outputs.md, "Commune tables"), declared in `DataPackage.communeTables`.
public enum CommuneTables {
    public static func all(_ results: CommuneResults) -> [(name: String, content: String)] {
        [
            ("allocation_by_commune.csv", byCommune(results)), ("sites.csv", sites(results)),
            ("white_zones.csv", whiteZones(results)), ("commune_model.csv", modelSizes(results)),
        ] + (results.postsBasis.map { [(PreviousCommunePlan.basisFile, basis($0))] } ?? [])
    }

    /// The Lagrangian posts part's simplex basis by name, rows then columns: what a warm-started variant's first
    /// posts-part LP starts from (`PreviousCommunePlan.readBasis` reads it back).
    static func basis(_ basis: CommuneLagrangian.PostsBasis) -> String {
        func text(_ status: LPBasis.Status) -> String {
            switch status {
            case .basic: PreviousCommunePlan.BasisStatus.basic.rawValue
            case .atLower: PreviousCommunePlan.BasisStatus.lower.rawValue
            case .atUpper: PreviousCommunePlan.BasisStatus.upper.rawValue
            case .free: PreviousCommunePlan.BasisStatus.free.rawValue
            case .fixed: PreviousCommunePlan.BasisStatus.fixed.rawValue
            }
        }
        var csv = CSVWriter(columns: ["entry", "name", "status"])
        for row in basis.rows { csv.append([.text("row"), .text(row.name), .text(text(row.status))]) }
        for column in basis.columns { csv.append([.text("column"), .text(column.name), .text(text(column.status))]) }
        return csv.text
    }

    /// `people_covered` has two decimals: most coverage ratios sit on the curve's breakpoints (0.05, 0.1, …) and the
    /// communes' need is whole, so with one decimal every x.x5 rounded up and the column summed 177 people above the
    /// report's total at €60M (a review); with two it is exact there, and the column sums to the total within rounding.
    static func byCommune(_ results: CommuneResults) -> String {
        let plan = results.optimised
        let covered = plan.communeCoverage
        let white = plan.whiteZone
        let nearest = results.nearestEndowedKm(plan)
        let hostsWhite = results.outOfReachOfHosts
        var csv = CSVWriter(columns: [
            "commune_code", "commune_name", "territory_code", "epci", "population", "need", "people_covered",
            "coverage_ratio", "sites_in_reach", "nearest_endowed_site_km", "white_zone", "white_zone_2021_hosts",
            "has_coordinates",
        ])
        for (index, commune) in results.communes.enumerated() {
            let need = plan.model.communeNeed[index]
            csv.append([
                .text(commune.code), .text(commune.name), .text(commune.territory),
                commune.epci.map { .text($0) } ?? .empty,
                .integer(commune.population), .integer(Int(need)), .number(covered[index], decimals: 2),
                need > 0 ? .number(covered[index] / need, decimals: 4) : .empty,
                .integer(plan.model.reach.sitesInReach[index].count),
                nearest[index].map { .number($0, decimals: 1) } ?? .empty, .boolean(white[index]),
                .boolean(hostsWhite[index]), .boolean(commune.hasCoordinates),
            ])
        }
        return csv.text
    }

    static func sites(_ results: CommuneResults) -> String {
        let plan = results.optimised
        let model = plan.model
        let parameters = results.scenario.parameters
        var csv = CSVWriter(columns: [
            "site_commune", "site_name", "territory_code", "kind", "candidate", "funding_option", "posts",
            "capacity", "people_servable", "opened", "value_per_person",
        ])
        var byPool = [[Int]](repeating: [], count: model.pools.count)
        for (index, decision) in model.decisions.enumerated() { byPool[decision.pool].append(index) }
        for (poolIndex, pool) in model.pools.enumerated() {
            let commune = results.communes[pool.commune]
            let territory = results.scenario.territories[pool.territory].code
            let kind = parameters.kinds[pool.kind].id
            let unit = model.reach.unitOfSite[pool.site]
            let price: CSVWriter.Cell =
                unit < results.unitPrices.count ? .number(results.unitPrices[unit], decimals: 6) : .empty
            // One row per option the pool uses (co-financing units summed); a pool without posts gets one row.
            var perOption: [Int: (posts: Int, people: Double)] = [:]
            for index in byPool[poolIndex] where plan.posts[index] > 0 {
                let decision = model.decisions[index]
                perOption[decision.option, default: (0, 0)].posts += plan.posts[index]
                perOption[decision.option]!.people += Double(plan.posts[index]) * decision.peoplePerPost
            }
            let opened = !perOption.isEmpty
            let rows: [(option: String?, posts: Int, people: Double)] =
                opened
                ? perOption.keys.sorted().map {
                    (parameters.fundingOptions[$0].id, perOption[$0]!.posts, perOption[$0]!.people)
                }
                : [(nil, 0, 0)]
            for row in rows {
                csv.append([
                    .text(commune.code), .text(commune.name), .text(territory), .text(kind), .boolean(pool.candidate),
                    row.option.map { .text($0) } ?? .empty, .integer(row.posts), .integer(pool.capacity),
                    .number(row.people, decimals: 1), .boolean(opened), price,
                ])
            }
        }
        return csv.text
    }

    /// People with no site (or no endowed site) within reach, per territory, under each network and plan.
    public struct WhiteZoneRow: Sendable {
        public let territory: Territory
        public let population: Int
        public let hosts: Int
        public let hostsAndCandidates: Int
        public let plan2021: Int?
        public let optimised: Int
        /// The same counted in communes.
        public let communes: Int
        public let hostsCommunes: Int
        public let hostsAndCandidatesCommunes: Int
        public let plan2021Communes: Int?
        public let optimisedCommunes: Int
        /// The same counted in people in need (the need of the communes, whole people).
        public let need: Int
        public let hostsNeed: Int
        public let hostsAndCandidatesNeed: Int
        public let plan2021Need: Int?
        public let optimisedNeed: Int
    }

    public static func whiteZoneRows(_ results: CommuneResults) -> [WhiteZoneRow] {
        let population = results.populationByTerritory(where: results.communes.map { _ in true })
        let hosts = results.populationByTerritory(where: results.outOfReachOfHosts)
        let all = results.populationByTerritory(where: results.fullNetwork.sitesInReach.map(\.isEmpty))
        let plan2021 = results.plan2021.map { results.populationByTerritory(where: $0.whiteZone) }
        let optimised = results.populationByTerritory(where: results.optimised.whiteZone)
        let communes = results.communesByTerritory(where: results.communes.map { _ in true })
        let hostsCommunes = results.communesByTerritory(where: results.outOfReachOfHosts)
        let allCommunes = results.communesByTerritory(where: results.fullNetwork.sitesInReach.map(\.isEmpty))
        let plan2021Communes = results.plan2021.map { results.communesByTerritory(where: $0.whiteZone) }
        let optimisedCommunes = results.communesByTerritory(where: results.optimised.whiteZone)
        let need = results.needByTerritory(where: results.communes.map { _ in true })
        let hostsNeed = results.needByTerritory(where: results.outOfReachOfHosts)
        let allNeed = results.needByTerritory(where: results.fullNetwork.sitesInReach.map(\.isEmpty))
        let plan2021Need = results.plan2021.map { results.needByTerritory(where: $0.whiteZone) }
        let optimisedNeed = results.needByTerritory(where: results.optimised.whiteZone)
        return results.scenario.territories.enumerated().map { index, territory in
            WhiteZoneRow(
                territory: territory, population: population[index], hosts: hosts[index],
                hostsAndCandidates: all[index],
                plan2021: plan2021?[index], optimised: optimised[index], communes: communes[index],
                hostsCommunes: hostsCommunes[index], hostsAndCandidatesCommunes: allCommunes[index],
                plan2021Communes: plan2021Communes?[index], optimisedCommunes: optimisedCommunes[index],
                need: need[index], hostsNeed: hostsNeed[index], hostsAndCandidatesNeed: allNeed[index],
                plan2021Need: plan2021Need?[index], optimisedNeed: optimisedNeed[index])
        }
    }

    static func whiteZones(_ results: CommuneResults) -> String {
        var csv = CSVWriter(columns: [
            "territory_code", "territory_name", "population", "out_of_reach_hosts", "out_of_reach_hosts_and_candidates",
            "out_of_reach_2021_plan", "out_of_reach_optimised", "communes", "communes_out_of_reach_hosts",
            "communes_out_of_reach_hosts_and_candidates", "communes_out_of_reach_2021_plan",
            "communes_out_of_reach_optimised", "need", "need_out_of_reach_hosts",
            "need_out_of_reach_hosts_and_candidates", "need_out_of_reach_2021_plan", "need_out_of_reach_optimised",
        ])
        for row in whiteZoneRows(results) {
            csv.append([
                .text(row.territory.code), .text(row.territory.name), .integer(row.population), .integer(row.hosts),
                .integer(row.hostsAndCandidates), row.plan2021.map { .integer($0) } ?? .empty, .integer(row.optimised),
                .integer(row.communes), .integer(row.hostsCommunes), .integer(row.hostsAndCandidatesCommunes),
                row.plan2021Communes.map { .integer($0) } ?? .empty, .integer(row.optimisedCommunes),
                .integer(row.need), .integer(row.hostsNeed), .integer(row.hostsAndCandidatesNeed),
                row.plan2021Need.map { .integer($0) } ?? .empty, .integer(row.optimisedNeed),
            ])
        }
        return csv.text
    }

    /// The model's size with the reductions, beside what they reduced, and the solve's figures.
    public static func sizes(_ results: CommuneResults) -> [(metric: String, value: Double, decimals: Int)] {
        let model = results.optimised.model
        let reach = model.reach
        // With a reach table the radius is not used: its maximum and rows are listed after it (docs/scenarios.md).
        var table: [(metric: String, value: Double, decimals: Int)] = []
        if let reachTable = results.scenario.communes?.reachTable {
            table = [("reach_max_minutes", reachTable.maxMinutes, 3), ("reach_table_rows", Double(reachTable.rows), 0)]
        }
        let rows: [(metric: String, value: Double, decimals: Int)] = [
            ("communes", Double(results.communes.count), 0),
            ("communes_in_reach", Double(results.reachableCommunes), 0),
            ("communes_out_of_reach", Double(reach.unreachable.count), 0),
            ("demand_groups", Double(reach.groups.count), 0),
            ("site_communes", Double(reach.siteCommunes.count), 0),
            ("site_units", Double(reach.units.count), 0),
            ("flow_pairs", Double(reach.flowPairs), 0),
            ("commune_site_pairs", Double(reach.sitesInReach.reduce(0) { $0 + $1.count }), 0),
            ("columns", Double(model.program.variables.count), 0),
            ("rows", Double(model.program.constraints.count), 0),
            ("nonzeros", Double(model.program.nonzeroCount), 0),
            ("radius_km", results.scenario.communes?.radiusKm ?? 0, 3),
        ]
        // The endowment stage (`reach.stages: endow_reach,value`): what it reached, its bound and its rows.
        let endowment = results.endowment.map { endowment -> [(metric: String, value: Double, decimals: Int)] in
            [
                ("endow_reached", endowment.endowed, 0), ("endow_bound", endowment.bound, 0),
                ("endow_reachable", endowment.reachable, 0),
                ("endow_cover_posts", Double(endowment.posts), 0),
                ("endow_rows", Double(model.rows.filter { $0.family == .endowReach }.count), 0),
            ]
                + [
                    ("endow_greedy", endowment.greedyEndowed), ("endow_greedy_swaps", endowment.greedySwapsEndowed),
                    ("endow_relaxation_swaps", endowment.relaxationSwapsEndowed),
                ].compactMap { metric, value in value.map { (metric, $0, 0) } }
        }
        return rows + table + (endowment ?? []) + [
            ("value", results.optimised.value, 3),
            (
                results.boundMethod == .relaxation ? "lp_bound" : "lagrangian_bound",
                results.branchAndBound?.boundBefore ?? results.bound, 3
            ),
        ]
            // Branch-and-bound from the plan on a small model: its nodes, and the bound published (its own when
            // tighter than the one above, which is then the root's).
            + (results.branchAndBound.map {
                [("branch_and_bound_nodes", Double($0.nodes), 0), ("branch_and_bound_bound", results.bound, 3)]
            } ?? [])
            + [("relative_gap", results.gap, 6)]
            // A warm answer beyond `reach.warm_max_gap`: its gap, whether it was kept (1) or the cold one published
            // (0), and whether the plan published is the warm one under the cold bound (1).
            + (results.warmFallback.map {
                [
                    ("warm_gap", $0.warmGap, 6), ("warm_answer_kept", $0.keptWarm ? 1 : 0, 0),
                    ("warm_plan_with_cold_bound", $0.warmPlanWithColdBound ? 1 : 0, 0),
                ]
            } ?? [])
    }

    static func modelSizes(_ results: CommuneResults) -> String {
        var csv = CSVWriter(columns: ["metric", "value"])
        for row in sizes(results) { csv.append([.text(row.metric), .number(row.value, decimals: row.decimals)]) }
        return csv.text
    }
}
