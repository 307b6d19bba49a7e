import Foundation
import Scenario

extension AllocationModel {
    /// Committed posts of one (territory, kind, option): one `commitment[t,k,n]` row of the model.
    public struct CommittedAggregate: Sendable {
        public let kind: HostKind
        public let option: FundingOption
        public let posts: Int
    }

    /// The scenario's committed posts summed per territory, then per (kind, option) in the scenario's order: the
    /// aggregate decisions are per pool, so the committed ones are too (the splitter puts them back on their
    /// structures).
    static func committedAggregates(of scenario: Scenario) -> [String: [CommittedAggregate]] {
        guard !scenario.commitments.isEmpty else { return [:] }
        let parameters = scenario.parameters
        let structureByID = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0) })
        let kindIndex = Dictionary(uniqueKeysWithValues: parameters.kinds.enumerated().map { ($1.id, $0) })
        let optionIndex = Dictionary(uniqueKeysWithValues: parameters.fundingOptions.enumerated().map { ($1.id, $0) })
        // territory → kind position × option position → posts
        var sums: [String: [Int: Int]] = [:]
        let width = parameters.fundingOptions.count
        for placement in scenario.committedPlacements {
            guard let structure = structureByID[placement.structureID], let kind = kindIndex[structure.kind],
                let option = optionIndex[placement.option]
            else { continue }
            sums[structure.territory, default: [:]][kind * width + option, default: 0] += placement.posts
        }
        return sums.mapValues { cells in
            cells.keys.sorted().map { key in
                CommittedAggregate(
                    kind: parameters.kinds[key / width], option: parameters.fundingOptions[key % width],
                    posts: cells[key]!)
            }
        }
    }
}
