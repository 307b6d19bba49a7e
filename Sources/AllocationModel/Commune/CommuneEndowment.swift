import Foundation
import Scenario

/// The `endow_reach` stage of the commune plan (docs/model.md, "Endowment first"): as many people (or communes) as
/// possible with at least one post within reach, before the value. Every demand group of the model has a site within
/// reach, so covering all of them is the most any plan can do; a greedy cover that does it, within every rule on posts,
/// proves the stage optimal without solving anything, and the value stage then holds it as covering rows on the integer
/// posts (`CommuneModel.Options.covers`). When the greedy cover falls short (too few posts or euros for one post within
/// reach of every group), the groups it covers are held instead, and the stage is reported with the gap against the
/// trivial bound (every group): the binary model of the stage is not solved (GLPK's branch-and-bound finds no plan at
/// this scale).
public enum CommuneEndowment {
    public struct Outcome: Sendable {
        /// Groups with a post within reach in the greedy cover (indices into `reach.groups`), increasing.
        public let covered: [Int]
        /// People (or communes) of the covered groups, and of every group: the stage's value and its bound.
        public let endowed: Double
        public let reachable: Double
        public let unit: CommuneInputs.EndowReach
        /// Posts the cover uses.
        public let posts: Int
        public var proven: Bool { endowed >= reachable - 1e-9 }
    }

    /// The greedy cover: one post at a time, at the site unit whose groups not yet covered weigh most per euro of its
    /// cheapest post the rules allow (`CommuneRounding.Ledger`); lazily re-scored, since a unit's weight only falls.
    /// Deterministic: ties go to the lower unit.
    public static func cover(_ model: CommuneModel, scenario: Scenario, unit: CommuneInputs.EndowReach) -> Outcome {
        let reach = model.reach
        let population = scenario.communes.map { inputs in inputs.communes.map { Double($0.population) } } ?? []
        let weight: [Double] = reach.groups.map { group in
            unit == .communes ? Double(group.communes.count) : group.communes.reduce(0) { $0 + population[$1] }
        }
        var decisionsOfUnit = [[Int]](repeating: [], count: reach.units.count)
        for (index, decision) in model.decisions.enumerated() {
            decisionsOfUnit[reach.unitOfSite[model.pools[decision.pool].site]].append(index)
        }
        for unit in decisionsOfUnit.indices {
            decisionsOfUnit[unit].sort {
                (model.decisions[$0].stateCostEUR, $0) < (model.decisions[$1].stateCostEUR, $1)
            }
        }
        var ledger = CommuneRounding.Ledger(model: model, scenario: scenario)
        var covered = [Bool](repeating: false, count: reach.groups.count)
        func gain(_ unit: Int) -> Double { reach.unitGroups[unit].reduce(0) { $0 + (covered[$1] ? 0 : weight[$1]) } }
        func cheapest(_ unit: Int) -> Int? { decisionsOfUnit[unit].first { ledger.allows($0) } }
        // Scores only fall (groups get covered, rules fill up): pop the best, re-score it, keep it if still the best.
        var heap = BinaryHeap<(score: Double, unit: Int)> { ($0.score, -$0.unit) > ($1.score, -$1.unit) }
        for unit in reach.units.indices {
            if let decision = cheapest(unit) {
                heap.push((gain(unit) / max(model.decisions[decision].stateCostEUR, 1), unit))
            }
        }
        var posts = 0
        while let top = heap.pop() {
            guard top.score > 0, let decision = cheapest(top.unit) else { continue }
            let score = gain(top.unit) / max(model.decisions[decision].stateCostEUR, 1)
            if let next = heap.first, (score, -top.unit) < (next.score, -next.unit) {
                heap.push((score, top.unit))
                continue
            }
            guard score > 0 else { continue }
            ledger.add(decision)
            posts += 1
            for group in reach.unitGroups[top.unit] { covered[group] = true }
        }
        let groups = covered.indices.filter { covered[$0] }
        return Outcome(
            covered: groups, endowed: groups.reduce(0) { $0 + weight[$1] }, reachable: weight.reduce(0, +),
            unit: unit, posts: posts)
    }

    /// The groups among `groups` whose set of sites in reach contains no other's: one post within reach of each of
    /// them puts one within reach of every group of `groups` (a superset's row follows from its subset's).
    /// Sets are compared through the groups holding each set's first site, so the work grows with the overlaps.
    public static func minimal(_ groups: [Int], reach: CommuneReach) -> [Int] {
        let sites = groups.map { reach.groups[$0].sites }
        var byFirstSite: [Int: [Int]] = [:]
        for (position, set) in sites.enumerated() { byFirstSite[set[0], default: []].append(position) }
        func isSubset(_ small: [Int], of large: [Int]) -> Bool {
            guard small.count <= large.count else { return false }
            var j = 0
            for site in small {
                while j < large.count && large[j] < site { j += 1 }
                if j == large.count || large[j] != site { return false }
                j += 1
            }
            return true
        }
        return sites.indices.filter { position in
            let set = sites[position]
            // A proper subset of `set` starts with one of `set`'s sites (sets are increasing and distinct by grouping).
            for site in set {
                for other in byFirstSite[site] ?? [] where other != position && sites[other].count <= set.count {
                    // An equal set (two groups of one reach and different weights) keeps only its first row.
                    if sites[other].count == set.count
                        ? (other < position && sites[other] == set)
                        : isSubset(sites[other], of: set)
                    {
                        return false
                    }
                }
            }
            return true
        }.map { groups[$0] }
    }
}
