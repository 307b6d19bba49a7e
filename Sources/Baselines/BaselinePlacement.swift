import AllocationModel
import Foundation
import Scenario

/// Places a number of posts per territory on kinds of host and funding options, then on structures with
/// `PlanSplitter` (the optimiser's own split). The rule (docs/baselines.md):
///
/// 1. In each territory, the (kind, option) slots are filled in order of most funded months per post, then lowest
///    State cost per post, then kind id, option id; a slot takes as many posts as its pool has room for (capacity,
///    and for a co-financed option the pool's co-financing capacity M[t,k], shared by its co-financed options).
///    In the default scenario: private 3-year, public 3-year, public 2-year, private 18-month posts.
/// 2. While the State cost exceeds the budget, one post is moved within its territory to a cheaper slot with room,
///    the move losing the fewest funded months per euro saved (ties: territory code, then slot order), until the
///    plan fits or no move is left (then `PlanVerifier` reports the `budget` violation).
/// 3. Posts a territory's structures cannot take are returned as unplaced, never dropped silently.
public enum BaselinePlacement {
    struct Slot {
        let kind: String
        let option: String
        let months: Int
        let stateCost: Double
        let cofinanced: Bool
    }

    struct TerritoryState {
        let code: String
        var slots: [Slot]
        var posts: [Int]
        var room: [String: Int]  // per kind: capacity left
        var cofinanceRoom: [String: Int]  // per kind: co-financed posts left
    }

    public static func place(seats: [String: Int], scenario: Scenario) -> (plan: Plan, unplaced: [String: Int]) {
        let pools = Dictionary(uniqueKeysWithValues: AllocationModel.pools(of: scenario).map { ($0.key, $0) })
        var states: [TerritoryState] = []
        var unplaced: [String: Int] = [:]
        for territory in scenario.territories {
            var slots: [Slot] = []
            var room: [String: Int] = [:]
            var cofinanceRoom: [String: Int] = [:]
            for kind in scenario.parameters.kinds {
                guard let pool = pools[PoolKey(territory: territory.code, kind: kind.id)] else { continue }
                room[kind.id] = pool.capacity
                cofinanceRoom[kind.id] = pool.cofinanceablePosts
                for option in scenario.parameters.fundingOptions {
                    let terms = scenario.terms(kind: kind, option: option, territory: territory)
                    let cofinanced = terms.hostCostEUR > 0
                    if cofinanced && pool.cofinanceablePosts == 0 { continue }  // the model has no such decision either
                    slots.append(
                        Slot(
                            kind: kind.id, option: option.id, months: terms.months, stateCost: terms.stateCostEUR,
                            cofinanced: cofinanced))
                }
            }
            slots.sort { ($1.months, $0.stateCost, $0.kind, $0.option) < ($0.months, $1.stateCost, $1.kind, $1.option) }
            var state = TerritoryState(
                code: territory.code, slots: slots, posts: Array(repeating: 0, count: slots.count),
                room: room, cofinanceRoom: cofinanceRoom)
            var remaining = max(0, seats[territory.code] ?? 0)
            for (index, slot) in slots.enumerated() where remaining > 0 {
                let available =
                    slot.cofinanced
                    ? min(state.room[slot.kind]!, state.cofinanceRoom[slot.kind]!) : state.room[slot.kind]!
                let given = min(remaining, available)
                state.posts[index] += given
                state.room[slot.kind]! -= given
                if slot.cofinanced { state.cofinanceRoom[slot.kind]! -= given }
                remaining -= given
            }
            if remaining > 0 { unplaced[territory.code] = remaining }
            states.append(state)
        }
        fitBudget(&states, budget: scenario.parameters.budgetEUR)
        return (split(states, scenario: scenario), unplaced)
    }

    /// Step 2: cheaper slots, one post at a time, fewest months lost per euro saved first (ties: territory
    /// order, then slot order). A move changes only its own territory's options, so each territory's best
    /// move is kept in a heap and recomputed after its own moves: O((territories + moves) log territories).
    static func fitBudget(_ states: inout [TerritoryState], budget: Double) {
        var total = states.reduce(0.0) { total, state in
            total + zip(state.slots, state.posts).reduce(0.0) { $0 + $1.0.stateCost * Double($1.1) }
        }
        let tolerance = budget * 1e-9
        guard total > budget + tolerance else { return }
        var heap = BinaryHeap<Move> { ($0.score, $0.state) < ($1.score, $1.state) }
        var version = Array(repeating: 0, count: states.count)
        for index in states.indices {
            if let move = bestMove(states[index]) {
                heap.push(.init(score: move.score, state: index, from: move.from, to: move.to, version: 0))
            }
        }
        while total > budget + tolerance, let move = heap.pop() {
            guard move.version == version[move.state] else { continue }  // superseded by a later move in that territory
            let source = states[move.state].slots[move.from]
            let target = states[move.state].slots[move.to]
            states[move.state].posts[move.from] -= 1
            states[move.state].posts[move.to] += 1
            states[move.state].room[source.kind]! += 1
            states[move.state].room[target.kind]! -= 1
            if source.cofinanced { states[move.state].cofinanceRoom[source.kind]! += 1 }
            if target.cofinanced { states[move.state].cofinanceRoom[target.kind]! -= 1 }
            total -= source.stateCost - target.stateCost
            version[move.state] += 1
            if let next = bestMove(states[move.state]) {
                heap.push(
                    .init(
                        score: next.score, state: move.state, from: next.from, to: next.to, version: version[move.state]
                    ))
            }
        }
    }

    /// The territory's move losing the fewest funded months per euro saved (ties: slot order), if any.
    static func bestMove(_ state: TerritoryState) -> (from: Int, to: Int, score: Double)? {
        var best: (from: Int, to: Int, score: Double)?
        for (from, source) in state.slots.enumerated() where state.posts[from] > 0 {
            for (to, target) in state.slots.enumerated() where to != from && target.stateCost < source.stateCost {
                guard canMove(state, from: source, to: target) else { continue }
                let score = Double(source.months - target.months) / (source.stateCost - target.stateCost)
                if best == nil || score < best!.score { best = (from, to, score) }
            }
        }
        return best
    }

    struct Move {
        let score: Double
        let state: Int
        let from: Int
        let to: Int
        let version: Int
    }

    static func canMove(_ state: TerritoryState, from source: Slot, to target: Slot) -> Bool {
        let room = state.room[target.kind]! + (source.kind == target.kind ? 1 : 0)
        guard room > 0 else { return false }
        guard target.cofinanced else { return true }
        let cofinanceRoom =
            state.cofinanceRoom[target.kind]! + (source.cofinanced && source.kind == target.kind ? 1 : 0)
        return cofinanceRoom > 0
    }

    /// Step 3: the aggregates, split onto structures by `PlanSplitter` (the pooled split, counting co-financed posts
    /// at the pool's largest host share, as the slots above do).
    static func split(_ states: [TerritoryState], scenario: Scenario) -> Plan {
        var posts: [DecisionKey: Int] = [:]
        for state in states {
            for (slot, count) in zip(state.slots, state.posts) where count > 0 {
                posts[DecisionKey(territory: state.code, kind: slot.kind, option: slot.option)] = count
            }
        }
        // Every aggregate respects its pool's capacity and co-financing capacity, so the split cannot fail
        // (docs/model.md, "Exact split onto structures").
        do {
            return try PlanSplitter.plan(pooledPosts: posts, scenario: scenario)
        } catch {
            preconditionFailure("a baseline's aggregates did not fit their pools: \(error)")
        }
    }
}
