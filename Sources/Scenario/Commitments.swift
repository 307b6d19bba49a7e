import Foundation

/// Posts already signed at one host structure (the `commitments` table, docs/scenarios.md): the plan starts
/// from them instead of optimising everything from scratch (docs/model.md, "Commitments and waves").
public struct Commitment: Sendable, Hashable {
    /// How a commitment binds the structure.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Exactly `posts` posts under `option` at the structure, and no new post there: the signed contract as it is.
        case locked
        /// At least `posts` posts under `option` at the structure; it may take new posts on its remaining capacity.
        case min
        /// At most `posts` posts at the structure in all (any option): a ceiling, nothing is committed.
        case max
    }

    public let structureID: String
    public let posts: Int
    /// The funding option of the signed posts (nil only for a `max` row, which commits no post).
    public let option: String?
    public let mode: Mode
    /// The row it was read from, for messages (nil when built in code).
    public let location: SourceLocation?

    public init(structureID: String, posts: Int, option: String?, mode: Mode, location: SourceLocation? = nil) {
        self.structureID = structureID
        self.posts = posts
        self.option = option
        self.mode = mode
        self.location = location
    }

    /// Posts that are signed (placed whatever the optimum): those of `locked` and `min` rows.
    public var committedPosts: Int { mode == .max ? 0 : posts }
}

extension Scenario {
    /// The committed posts per (structure, option), in structure then option order: what the splitter places first.
    public var committedPlacements: [(structureID: String, option: String, posts: Int)] {
        commitments.compactMap { commitment in
            guard let option = commitment.option, commitment.committedPosts > 0 else { return nil }
            return (commitment.structureID, option, commitment.committedPosts)
        }.sorted { ($0.structureID, $0.option) < ($1.structureID, $1.option) }
    }

    /// The structures as they are left for *new* posts once the commitments are placed, in id order: a locked
    /// structure has no room left; a `min` one keeps its capacity less its committed posts, and its co-financing
    /// less their host shares; a `max` one has its capacity lowered to the ceiling. Equal to `structures` without
    /// commitments. The model and the splitter decide new posts on these; committed posts are constants.
    static func residualStructures(
        _ structures: [HostStructure], commitments: [Commitment], parameters: ScenarioParameters,
        territories: [Territory]
    ) -> [HostStructure] {
        guard !commitments.isEmpty else { return structures }
        let byStructure = Dictionary(grouping: commitments, by: \.structureID)
        let overseas = Dictionary(territories.map { ($0.code, $0.overseas) }, uniquingKeysWith: { a, _ in a })
        return structures.map { structure in
            guard let rows = byStructure[structure.id], let kind = parameters.kind(structure.kind) else {
                return structure
            }
            // Order-independent: the tightest ceiling, less every committed post (a wave may add ceilings to minimums).
            var capacity = rows.filter { $0.mode == .max }.map(\.posts).reduce(structure.capacity, min)
            var money = structure.cofinancingEUR
            for row in rows {
                switch row.mode {
                case .max:
                    break
                case .locked, .min:
                    capacity -= row.posts
                    if let id = row.option, let option = parameters.fundingOptions.first(where: { $0.id == id }) {
                        let terms = FundingTerms(
                            kind: kind, option: option, overseas: overseas[structure.territory] ?? false)
                        money -= Double(row.posts) * terms.hostCostEUR
                    }
                }
            }
            if rows.contains(where: { $0.mode == .locked }) { capacity = 0 }
            // Whole cents: the host shares are whole cents, so the remainder is exact up to float noise.
            money = max(0, (money * 100).rounded() / 100)
            return HostStructure(
                id: structure.id, name: structure.name, territory: structure.territory, kind: structure.kind,
                capacity: max(0, capacity), cofinancingEUR: money, posts2021: structure.posts2021)
        }
    }
}
