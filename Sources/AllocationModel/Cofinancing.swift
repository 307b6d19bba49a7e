import Foundation
import Scenario

/// A part of a pool whose co-financed posts the model states exactly (docs/model.md, "Co-financing").
///
/// The scenario's rule is per structure: structure s takes at most u_s posts, and the host shares of its
/// co-financed posts add up to at most b_s. For most structures that rule is a plain count: s can take
/// a_s = min(u_s, ⌊b_s / h_f⌋) co-financed posts of any option f it can afford, the same a_s for each of
/// them, in any mix. Structures of a pool with the same affordable options are then summed into one
/// `count` unit (at most Σ a_s posts of those options), which is exact. A structure for which the number
/// depends on the option (say one 25,000 € share or two of 22,500 € from 45,000 €) gets a `money` unit
/// of its own, with its host money and capacity as rows.
public struct CofinancingUnit: Sendable, Hashable {
    public enum Rule: Sendable, Hashable {
        /// At most Σ `postsPerStructure` co-financed posts of any mix of the unit's options; structure i takes at most
        /// `postsPerStructure[i]`.
        case count(postsPerStructure: [Int])
        /// One structure: Σ_f h_f y_f ≤ `moneyEUR` and Σ_f y_f ≤ `capacity`.
        case money(capacity: Int, moneyEUR: Double)
    }

    /// The unit's structures, in id order (one for a `money` unit).
    public let structures: [String]
    /// The co-financed options the unit can afford at least one post of, in option order.
    public let options: [String]
    public let rule: Rule

    /// The co-financed posts the unit can take in all, whatever the mix (for a `money` unit: of its cheapest option).
    public func posts(hostShares: [String: Double]) -> Int {
        switch rule {
        case let .count(postsPerStructure): return postsPerStructure.reduce(0, +)
        case let .money(capacity, money):
            return options.map { Self.affordable(capacity: capacity, money: money, hostShare: hostShares[$0] ?? 0) }
                .max() ?? 0
        }
    }

    /// The units of a pool: `members` in id order, `hostShares` the host cost per post of each co-financed option (>
    /// 0), in option order. Structures that can afford no co-financed post belong to no unit. Count units come first,
    /// ordered by their options; then the money units, in structure id order.
    public static func units(members: [HostStructure], hostShares: [(option: String, eur: Double)]) -> [CofinancingUnit]
    {
        var groups: [[String]: (structures: [String], posts: [Int])] = [:]
        var single: [CofinancingUnit] = []
        for structure in members where structure.capacity > 0 {
            let posts = hostShares.map {
                affordable(capacity: structure.capacity, money: structure.cofinancingEUR, hostShare: $0.eur)
            }
            let options = zip(hostShares, posts).filter { $0.1 > 0 }
            guard let first = options.first else { continue }
            if options.allSatisfy({ $0.1 == first.1 }) {
                let key = options.map(\.0.option)
                groups[key, default: ([], [])].structures.append(structure.id)
                groups[key]!.posts.append(first.1)
            } else {
                single.append(
                    CofinancingUnit(
                        structures: [structure.id], options: options.map(\.0.option),
                        rule: .money(capacity: structure.capacity, moneyEUR: structure.cofinancingEUR)))
            }
        }
        let counted = groups.keys.sorted { $0.lexicographicallyPrecedes($1) }.map {
            CofinancingUnit(
                structures: groups[$0]!.structures, options: $0, rule: .count(postsPerStructure: groups[$0]!.posts))
        }
        return counted + single
    }

    /// min(capacity, ⌊money / host share⌋): the posts of one option a structure can take alone.
    public static func affordable(capacity: Int, money: Double, hostShare: Double) -> Int {
        hostShare > 0 ? min(capacity, Int((money / hostShare + 1e-9).rounded(.down))) : capacity
    }
}

extension CofinancingUnit {
    public var isCount: Bool { if case .count = rule { true } else { false } }
}

extension CofinancingUnit {
    /// The pool as one count unit at the largest host share h̄: each structure co-finances at most min(u_s, ⌊b_s / h̄⌋)
    /// posts of any co-financed option. A restriction of the scenario's rule when host shares differ (exact when
    /// they are equal); nil units when no structure affords h̄.
    public static func pooled(
        members: [HostStructure], hostShares: [(option: String, eur: Double)]
    ) -> [CofinancingUnit] {
        guard let largest = hostShares.map(\.eur).max() else { return [] }
        let counted = members.map {
            (id: $0.id, posts: affordable(capacity: $0.capacity, money: $0.cofinancingEUR, hostShare: largest))
        }
        .filter { $0.posts > 0 }
        guard !counted.isEmpty else { return [] }
        return [
            CofinancingUnit(
                structures: counted.map(\.id), options: hostShares.map(\.option),
                rule: .count(postsPerStructure: counted.map(\.posts)))
        ]
    }
}
