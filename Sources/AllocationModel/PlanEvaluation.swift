import Foundation
import Scenario

/// A plan's figures recomputed from the scenario alone (never read from the solver): per-territory
/// posts, costs, service and coverage, and the objective. Reports and the verifier both use it.
public struct PlanEvaluation: Sendable {
    public struct TerritoryFigures: Sendable, Hashable {
        public let code: String
        public var posts = 0
        public var postsByOption: [String: Int] = [:]
        public var postsByKind: [String: Int] = [:]
        public var stateCostEUR = 0.0
        public var hostCostEUR = 0.0
        /// Post-months of service funded.
        public var serviceMonths = 0
        /// Post-months of service counted over the scenario's horizon (`ServiceBasis`): what `servable` counts.
        public var horizonServiceMonths = 0.0
        public var structuresEndowed = 0
        public var need = 0.0
        /// People the posts can accompany over their funded months.
        public var servable = 0.0
        /// People covered: min(need, servable).
        public var coverage = 0.0
        public var value = 0.0

        public var coverageRatio: Double { need > 0 ? coverage / need : 0 }
    }

    public let territories: [TerritoryFigures]
    public let posts: Int
    public let stateCostEUR: Double
    public let hostCostEUR: Double
    public let coverage: Double
    public let need: Double
    /// Σ weight × need × g(coverage / need): the model's objective without its tie-break.
    public let objective: Double
    /// Posts per structure id.
    public let postsByStructure: [String: Int]
    public let hostCostByStructure: [String: Double]
    /// Position of each territory in `territories`, so `territory(_:)` is O(1) (verifier and reports call it per
    /// territory).
    private let indexByCode: [String: Int]

    public init(plan: Plan, scenario: Scenario) {
        let curve = ValueCurve(scenario.parameters.objective)
        let structures = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0) })
        let options = Dictionary(uniqueKeysWithValues: scenario.parameters.fundingOptions.map { ($0.id, $0) })
        var figures = Dictionary(
            uniqueKeysWithValues: scenario.territories.map { ($0.code, TerritoryFigures(code: $0.code)) })
        var postsByStructure: [String: Int] = [:]
        var hostByStructure: [String: Double] = [:]
        for placement in plan.placements {
            guard let structure = structures[placement.structureID], let option = options[placement.option],
                let kind = scenario.parameters.kind(structure.kind),
                let territory = scenario.territory(structure.territory)
            else { continue }
            let terms = scenario.terms(kind: kind, option: option, territory: territory)
            var entry = figures[territory.code]!
            entry.posts += placement.posts
            entry.postsByOption[option.id, default: 0] += placement.posts
            entry.postsByKind[kind.id, default: 0] += placement.posts
            entry.stateCostEUR += Double(placement.posts) * terms.stateCostEUR
            entry.hostCostEUR += Double(placement.posts) * terms.hostCostEUR
            entry.serviceMonths += placement.posts * terms.months
            entry.horizonServiceMonths += Double(placement.posts) * terms.serviceMonths
            figures[territory.code] = entry
            postsByStructure[structure.id, default: 0] += placement.posts
            hostByStructure[structure.id, default: 0] += Double(placement.posts) * terms.hostCostEUR
        }
        let endowed = Dictionary(
            grouping: postsByStructure.filter { $0.value > 0 }.keys, by: { structures[$0]!.territory })
        let people = scenario.parameters.peoplePerPostYear
        var list: [TerritoryFigures] = []
        for territory in scenario.territories {
            var entry = figures[territory.code]!
            entry.need = scenario.need[territory.code] ?? 0
            entry.servable = people * entry.horizonServiceMonths / 12
            entry.coverage = min(entry.need, entry.servable)
            entry.value = territory.weight * curve.value(coverage: entry.coverage, need: entry.need)
            entry.structuresEndowed = endowed[territory.code]?.count ?? 0
            list.append(entry)
        }
        territories = list
        indexByCode = Dictionary(list.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { first, _ in first })
        posts = list.reduce(0) { $0 + $1.posts }
        stateCostEUR = list.reduce(0) { $0 + $1.stateCostEUR }
        hostCostEUR = list.reduce(0) { $0 + $1.hostCostEUR }
        coverage = list.reduce(0) { $0 + $1.coverage }
        need = list.reduce(0) { $0 + $1.need }
        objective = list.reduce(0) { $0 + $1.value }
        self.postsByStructure = postsByStructure
        self.hostCostByStructure = hostByStructure
    }

    public func territory(_ code: String) -> TerritoryFigures? { indexByCode[code].map { territories[$0] } }
}
