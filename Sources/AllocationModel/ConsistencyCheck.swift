import Foundation
import Scenario

/// Contradictions a scenario can hold that no solver run should be needed to find, stated in the
/// analyst's words with the figures (exit 20 in the CLI). Checked before the model is built.
public enum ConsistencyCheck {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func problems(in scenario: Scenario) -> [Problem] {
        var problems: [Problem] = []
        let parameters = scenario.parameters
        let capacityByTerritory = Dictionary(grouping: scenario.structures, by: \.territory).mapValues { $0.reduce(0) { $0 + $1.capacity } }
        var floors = 0
        var cheapestFloorCost = 0.0
        for territory in scenario.territories {
            let range = scenario.postRange(of: territory)
            floors += range.min
            if range.min > range.max {
                problems.append(Problem(message: "territory \(territory.code) (\(territory.name)) has a floor of \(range.min) posts above its cap of \(range.max): lower the floor or raise the cap"))
            }
            let capacity = capacityByTerritory[territory.code] ?? 0
            if range.min > capacity {
                problems.append(Problem(message: "territory \(territory.code) (\(territory.name)) must get at least \(range.min) posts but its host structures can take only \(capacity): lower the floor or add host capacity"))
            }
            if range.min > 0 {
                cheapestFloorCost += Double(range.min) * cheapestPost(in: territory, scenario: scenario)
            }
        }
        if floors > parameters.posts {
            problems.append(Problem(message: "the floors need \(floors) posts and \(parameters.posts) exist: lower the floors or raise the posts"))
        }
        if cheapestFloorCost > parameters.budgetEUR {
            problems.append(Problem(message: "the floors cost at least \(Int(cheapestFloorCost.rounded())) € and the budget is \(Int(parameters.budgetEUR)) €: lower the floors or raise the budget"))
        }
        let regionRange = scenario.regionPostRange
        if regionRange.min > 0 && regionRange.min * scenario.regions.count > parameters.posts {
            problems.append(Problem(message: "the région floors need \(regionRange.min * scenario.regions.count) posts and \(parameters.posts) exist: lower region_min_posts or raise the posts"))
        }
        return problems
    }

    static func cheapestPost(in territory: Territory, scenario: Scenario) -> Double {
        var cheapest = Double.infinity
        for kind in scenario.parameters.kinds {
            for option in scenario.parameters.fundingOptions {
                cheapest = min(cheapest, scenario.terms(kind: kind, option: option, territory: territory).stateCostEUR)
            }
        }
        return cheapest.isFinite ? cheapest : 0
    }
}
