import AllocationModel
import Foundation
import Scenario

/// A plan's posts and the people they can serve per kind of host and funding option, with its money and the people it
/// covers: how a commune run's report says where its two plans of one scenario differ. A review read the commune plan
/// covering fewer people than the département plan with more posts, and the report said nothing of why (a post's
/// funded months, hence the people it can serve, depend on its kind and option, and co-financing buys the longer ones).
public struct PlanMix: Sendable, Equatable {
    public struct Class: Sendable, Hashable, Comparable {
        /// Positions in the scenario's kinds and funding options (the table's order).
        public let kind: Int
        public let option: Int

        public static func < (a: Class, b: Class) -> Bool { (a.option, a.kind) < (b.option, b.kind) }
    }

    public private(set) var posts: [Class: Int] = [:]
    /// People the class's posts can serve over their funded months, up to the horizon (κ × service months / 12 each).
    public private(set) var servable: [Class: Double] = [:]
    /// Posts of each class at candidate sites (the commune plan's new sites; none in a département plan).
    public private(set) var candidatePosts: [Class: Int] = [:]
    public let covered: Double
    public let stateEUR: Double
    public let hostEUR: Double

    public var totalPosts: Int { posts.values.reduce(0, +) }
    public var totalServable: Double { servable.values.reduce(0, +) }

    /// The département plan: its placements, their kinds and options read from the scenario.
    public init(plan: Plan, evaluation: PlanEvaluation, scenario: Scenario) {
        let parameters = scenario.parameters
        let kindIndex = Dictionary(uniqueKeysWithValues: parameters.kinds.enumerated().map { ($1.id, $0) })
        let optionIndex = Dictionary(uniqueKeysWithValues: parameters.fundingOptions.enumerated().map { ($1.id, $0) })
        let structures = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0) })
        covered = evaluation.coverage
        stateEUR = evaluation.stateCostEUR
        hostEUR = evaluation.hostCostEUR
        for placement in plan.placements {
            guard let structure = structures[placement.structureID], let kind = kindIndex[structure.kind],
                let option = optionIndex[placement.option], let territory = scenario.territory(structure.territory)
            else { continue }
            let terms = scenario.terms(
                kind: parameters.kinds[kind], option: parameters.fundingOptions[option], territory: territory)
            add(
                Class(kind: kind, option: option), posts: placement.posts,
                servable: Double(placement.posts) * parameters.peoplePerPostYear * terms.serviceMonths / 12,
                candidate: false)
        }
    }

    /// A commune plan: its decisions' pools give the kind and whether the site is a candidate.
    public init(commune plan: CommuneResults.ScoredPlan) {
        covered = plan.groupCoverage.reduce(0, +)
        let totals = plan.totals
        stateEUR = totals.stateEUR
        hostEUR = totals.hostEUR
        for (index, decision) in plan.model.decisions.enumerated()
        where index < plan.posts.count && plan.posts[index] > 0 {
            let pool = plan.model.pools[decision.pool]
            add(
                Class(kind: pool.kind, option: decision.option), posts: plan.posts[index],
                servable: Double(plan.posts[index]) * decision.peoplePerPost, candidate: pool.candidate)
        }
    }

    private mutating func add(_ key: Class, posts count: Int, servable people: Double, candidate: Bool) {
        posts[key, default: 0] += count
        servable[key, default: 0] += people
        if candidate { candidatePosts[key, default: 0] += count }
    }
}
