import Foundation
import Scenario

/// Contradictions a scenario can hold that no solver run should be needed to find, stated in the
/// analyst's words with the figures (exit 20 in the CLI). Checked before the model is built.
///
/// Costs are lower bounds: a post is counted at the cheapest State cost any of the territory's host
/// structures can take it at (a co-financed option only where the structure's co-financing covers one
/// host share), so a reported contradiction is certain, never a guess.
public enum ConsistencyCheck {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func problems(in scenario: Scenario) -> [Problem] {
        var problems: [Problem] = []
        let parameters = scenario.parameters
        let structuresByTerritory = Dictionary(grouping: scenario.structures, by: \.territory)

        // One post at all: the cheapest post anywhere must fit in the budget.
        var cheapest: (cost: Double, structure: HostStructure, option: FundingOption)?
        for structure in scenario.structures where structure.capacity > 0 {
            guard let territory = scenario.territory(structure.territory),
                let (cost, option) = cheapestPost(at: structure, in: territory, scenario: scenario)
            else { continue }
            if cheapest == nil || cost < cheapest!.cost { cheapest = (cost, structure, option) }
        }
        if let cheapest, cheapest.cost > parameters.budgetEUR {
            let kind = parameters.kind(cheapest.structure.kind)?.label ?? cheapest.structure.kind
            problems.append(
                Problem(
                    message:
                        "the budget of \(euros(parameters.budgetEUR)) is below the cost of one post: the cheapest is "
                        + "\(euros(cheapest.cost)) (\(kind), '\(cheapest.option.label)', structure \(cheapest.structure.id) in territory "
                        + "\(cheapest.structure.territory)), so no post can be funded: raise programme.budget_eur to at least \(euros(cheapest.cost))"
                ))
        }
        if cheapest == nil && !scenario.structures.isEmpty {
            problems.append(
                Problem(
                    message:
                        "none of the \(scenario.structures.count) host structures can take a post (every capacity is 0, "
                        + "or no funding option fits their co-financing): no post can be placed"))
        }

        var floors = 0
        var floorCost = 0.0
        var flooredTerritories = 0
        for territory in scenario.territories {
            let range = scenario.postRange(of: territory)
            floors += range.min
            if range.min > 0 { flooredTerritories += 1 }
            if range.min > range.max {
                problems.append(
                    Problem(
                        message:
                            "territory \(territory.code) (\(territory.name)) has a floor of \(range.min) posts above its cap of \(range.max): lower the floor or raise the cap"
                    ))
            }
            guard range.min > 0 else { continue }
            let hosts = (structuresByTerritory[territory.code] ?? []).filter { $0.capacity > 0 }
            let capacity = scenario.index.capacity(ofTerritory: territory.code)
            if hosts.isEmpty {
                let listed = structuresByTerritory[territory.code]?.count ?? 0
                let why =
                    listed == 0
                    ? "no host structure is listed there"
                    : "its \(listed) host structure\(listed == 1 ? " has" : "s all have") capacity 0"
                problems.append(
                    Problem(
                        message:
                            "territory \(territory.code) (\(territory.name)) must get at least \(range.min) posts but \(why): "
                            + "lower its floor to 0 or add an eligible host structure"))
            } else if range.min > capacity {
                problems.append(
                    Problem(
                        message:
                            "territory \(territory.code) (\(territory.name)) must get at least \(range.min) posts but its host structures can take only \(capacity): lower the floor or add host capacity"
                    ))
            }
            floorCost += cheapestCost(of: range.min, in: territory, hosts: hosts, scenario: scenario)
        }
        if floors > parameters.posts {
            problems.append(
                Problem(
                    message:
                        "the territory floors add up to \(floors) posts (over \(flooredTerritories) territories) and programme.posts is "
                        + "\(parameters.posts): lower limits.territory_min_posts or the min_posts column, or raise the posts"
                ))
        }
        if floorCost > parameters.budgetEUR {
            problems.append(
                Problem(
                    message:
                        "the territory floors cost at least \(euros(floorCost)) (each floor at its territory's cheapest posts) "
                        + "and the budget is \(euros(parameters.budgetEUR)): lower the floors or raise programme.budget_eur"
                ))
        }
        let regionRange = scenario.regionPostRange
        if regionRange.min > 0 {
            let regions = scenario.regions
            if regionRange.min * regions.count > parameters.posts {
                problems.append(
                    Problem(
                        message:
                            "the région floors need \(regionRange.min * regions.count) posts (\(regions.count) régions × \(regionRange.min)) "
                            + "and programme.posts is \(parameters.posts): lower limits.region_min_posts or raise the posts"
                    ))
            }
            if regionRange.min > regionRange.max {
                problems.append(
                    Problem(
                        message:
                            "the région floor of \(regionRange.min) posts is above the région cap of \(regionRange.max) "
                            + "(region_max_share × posts): lower limits.region_min_posts or raise limits.region_max_share"
                    ))
            }
            for (position, region) in regions.enumerated() {
                let capacity = scenario.index.regionCapacities[position]
                if capacity < regionRange.min {
                    problems.append(
                        Problem(
                            message:
                                "région \(region.code) (\(region.name)) must get at least \(regionRange.min) posts but its host "
                                + "structures can take only \(capacity): lower limits.region_min_posts or add host capacity"
                        ))
                }
            }
        }
        return problems
    }

    /// The cheapest State cost of one post at `structure`, and its option: options whose host share the
    /// structure's co-financing cannot cover are left out. Nil when the kind is unknown or no option fits.
    static func cheapestPost(
        at structure: HostStructure, in territory: Territory, scenario: Scenario
    ) -> (Double, FundingOption)? {
        guard let kind = scenario.parameters.kind(structure.kind) else { return nil }
        var best: (Double, FundingOption)?
        for option in scenario.parameters.fundingOptions {
            let terms = scenario.terms(kind: kind, option: option, territory: territory)
            guard terms.hostCostEUR <= structure.cofinancingEUR + 1e-6 else { continue }
            if best == nil || terms.stateCostEUR < best!.0 { best = (terms.stateCostEUR, option) }
        }
        return best
    }

    /// A lower bound on the State cost of `posts` posts in a territory: the cheapest hosts filled first.
    static func cheapestCost(
        of posts: Int, in territory: Territory, hosts: [HostStructure], scenario: Scenario
    ) -> Double {
        let offers = hosts.compactMap { host in
            cheapestPost(at: host, in: territory, scenario: scenario).map { (cost: $0.0, capacity: host.capacity) }
        }
        .sorted { $0.cost < $1.cost }
        var left = posts, total = 0.0
        for offer in offers where left > 0 {
            let taken = min(left, offer.capacity)
            total += Double(taken) * offer.cost
            left -= taken
        }
        return total
    }

    /// `1,234,567 €`: whole euros with thousands separators, as in the reports.
    static func euros(_ value: Double) -> String { NumberText.grouped(Int(value.rounded())) + " €" }
}
