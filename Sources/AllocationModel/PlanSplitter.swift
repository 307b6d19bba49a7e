import Foundation
import LinearProgramming
import Scenario

/// Places the model's aggregate decisions on real structures, exactly: each co-financing unit's posts on its own
/// structures first (they are the constrained ones), then the other options, one post per structure in turn
/// (id order), so posts spread over as many hosts as possible and the result never depends on input row order.
public enum PlanSplitter {
    public enum SplitError: Error, CustomStringConvertible {
        case fractional(variable: String, value: Double)
        case doesNotFit(territory: String, kind: String, option: String, posts: Int)

        public var description: String {
            switch self {
            case let .fractional(variable, value):
                return "the solver returned \(value) for integer decision \(variable)"
            case let .doesNotFit(territory, kind, option, posts):
                return "\(posts) posts (\(kind), \(option)) do not fit the structures of territory \(territory)"
            }
        }
    }

    /// Rounds the integer decisions of `values` and places them on structures (see
    /// `plan(aggregates:pools:scenario:preferred:)`).
    public static func plan(
        from values: [Double], model: AllocationModel, scenario: Scenario,
        preferred: [PreviousRun.Held] = []
    ) throws -> Plan {
        var aggregates: [DecisionKey: Int] = [:]
        for decision in model.decisions {
            let value = values[decision.variable.index]
            let rounded = value.rounded()
            guard abs(value - rounded) <= 1e-6, rounded >= 0 else {
                throw SplitError.fractional(
                    variable: model.program.variables[decision.variable.index].name, value: value)
            }
            if rounded > 0 { aggregates[decision.key, default: 0] += Int(rounded) }
        }
        return try plan(aggregates: aggregates, pools: model.pools, scenario: scenario, preferred: preferred)
    }

    /// Places posts given per decision of the model (pool, option and co-financing unit of `pools`) on structures.
    /// `preferred` (a previous run's plan, for the stability stage) gives each structure its previous posts of an
    /// option first, as far as its room allows, before the rest of the pool's posts go round the structures: a pool
    /// whose count did not change keeps its holders.
    public static func plan(
        aggregates: [DecisionKey: Int], pools: [AllocationModel.Pool], scenario: Scenario,
        preferred: [PreviousRun.Held] = []
    ) throws -> Plan {
        var byPool: [PoolKey: [(key: DecisionKey, posts: Int)]] = [:]
        for (key, posts) in aggregates where posts > 0 { byPool[key.pool, default: []].append((key, posts)) }
        // New posts go on the room the commitments leave; the committed posts are placed first, at their own
        // structures.
        let structuresByPool = scenario.index.residualStructuresByPool
        let poolByKey = Dictionary(uniqueKeysWithValues: pools.map { ($0.key, $0) })
        var placements = scenario.committedPlacements.map {
            Placement(structureID: $0.structureID, option: $0.option, posts: $0.posts)
        }
        // Previous posts per structure and option, less what is committed there (placed already).
        var previous: [String: [String: Int]] = [:]
        for held in preferred { previous[held.structureID, default: [:]][held.option, default: 0] += held.posts }
        for placement in placements { previous[placement.structureID]?[placement.option]? -= placement.posts }
        for key in byPool.keys.sorted() {
            let members = structuresByPool[key] ?? []
            let aggregates = byPool[key]!.sorted { $0.key < $1.key }
            // A pool or unit the model does not have cannot hold posts.
            guard let pool = poolByKey[key],
                aggregates.allSatisfy({ $0.key.unit.map(pool.units.indices.contains) ?? true })
            else {
                let first = aggregates[0]
                throw SplitError.doesNotFit(
                    territory: key.territory, kind: key.kind, option: first.key.option, posts: first.posts)
            }
            let index = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1.id, $0) })
            var split = PoolSplit(key: key, members: members)
            split.previous =
                previous.isEmpty
                ? [:]
                : Dictionary(
                    uniqueKeysWithValues: members.enumerated().compactMap { index, member in
                        previous[member.id].map { (index, $0) }
                    })
            // Each unit's co-financed posts on its own structures: a money unit is one structure (the model's rows hold
            // its capacity and host money); a count unit's structures each take at most their own count, any mix.
            for (position, unit) in pool.units.enumerated() {
                let posts = aggregates.filter { $0.key.unit == position }
                switch unit.rule {
                case .money:
                    for aggregate in posts {
                        try split.give(aggregate.posts, of: aggregate.key.option, at: [index[unit.structures[0]]!])
                    }
                case let .count(postsPerStructure):
                    var cofinanceRoom = Array(repeating: 0, count: members.count)
                    for (id, room) in zip(unit.structures, postsPerStructure) { cofinanceRoom[index[id]!] = room }
                    for aggregate in posts {
                        try split.give(
                            aggregate.posts, of: aggregate.key.option, at: unit.structures.map { index[$0]! },
                            cofinanceRoom: &cofinanceRoom)
                    }
                }
            }
            for aggregate in aggregates where aggregate.key.unit == nil {
                try split.give(aggregate.posts, of: aggregate.key.option, at: Array(members.indices))
            }
            placements += split.placements
        }
        return Plan(placements: scenario.commitments.isEmpty ? placements : merged(placements))
    }

    /// One placement per (structure, option): a structure with a `min` commitment may also get new posts of its option.
    public static func merged(_ placements: [Placement]) -> [Placement] {
        var result: [Placement] = []
        for placement in placements.sorted() {
            if let last = result.last, last.structureID == placement.structureID, last.option == placement.option {
                result[result.count - 1] = Placement(
                    structureID: last.structureID, option: last.option, posts: last.posts + placement.posts)
            } else {
                result.append(placement)
            }
        }
        return result
    }

    /// Places posts given per pool and option (the keys' units are not used) counting each structure's co-financed
    /// posts at the pool's largest host share h̄: fits whenever a pool's co-financed posts are at most its
    /// `cofinanceablePosts` and all its posts at most its capacity (baselines place their posts so). Needs the pools
    /// only, never the model's program.
    public static func plan(pooledPosts: [DecisionKey: Int], scenario: Scenario) throws -> Plan {
        var byPool: [PoolKey: [(option: String, posts: Int)]] = [:]
        for (key, posts) in pooledPosts where posts > 0 { byPool[key.pool, default: []].append((key.option, posts)) }
        let structuresByPool = scenario.index.structuresByPool
        let poolByKey = Dictionary(uniqueKeysWithValues: AllocationModel.pools(of: scenario).map { ($0.key, $0) })
        var placements: [Placement] = []
        for key in byPool.keys.sorted() {
            let members = structuresByPool[key] ?? []
            guard let pool = poolByKey[key] else {
                let first = byPool[key]!.min { ($0.option, $0.posts) < ($1.option, $1.posts) }!
                throw SplitError.doesNotFit(
                    territory: key.territory, kind: key.kind, option: first.option, posts: first.posts)
            }
            var split = PoolSplit(key: key, members: members)
            var cofinanceRoom = members.map { AllocationModel.cofinanceablePosts($0, hostShare: pool.hostSharePerPost) }
            let ordered = byPool[key]!.sorted { ($0.option, $0.posts) < ($1.option, $1.posts) }
            for aggregate in ordered where pool.hostShares[aggregate.option] != nil {
                try split.give(
                    aggregate.posts, of: aggregate.option, at: Array(members.indices), cofinanceRoom: &cofinanceRoom)
            }
            for aggregate in ordered where pool.hostShares[aggregate.option] == nil {
                try split.give(aggregate.posts, of: aggregate.option, at: Array(members.indices))
            }
            placements += split.placements
        }
        return Plan(placements: placements)
    }

    /// The structures of one pool with the room each has left, and the placements made so far.
    struct PoolSplit {
        let key: PoolKey
        let members: [HostStructure]
        var room: [Int]
        var placements: [Placement] = []
        /// Posts per option each member held in a previous run (by member position), given back to it first.
        var previous: [Int: [String: Int]] = [:]

        init(key: PoolKey, members: [HostStructure]) {
            self.key = key
            self.members = members
            self.room = members.map(\.capacity)
        }

        /// `posts` of `option`, one per structure in turn among `candidates` with room left.
        mutating func give(_ posts: Int, of option: String, at candidates: [Int]) throws {
            var unlimited = Array(repeating: Int.max, count: members.count)
            try give(posts, of: option, at: candidates, cofinanceRoom: &unlimited)
        }

        /// The same, among the candidates that also have co-financing room left, which each post uses up.
        mutating func give(_ posts: Int, of option: String, at candidates: [Int], cofinanceRoom: inout [Int]) throws {
            var given = Array(repeating: 0, count: members.count)
            var remaining = posts
            for index in candidates where remaining > 0 {
                guard var wanted = previous[index]?[option], wanted > 0 else { continue }
                wanted = min(wanted, remaining, room[index], cofinanceRoom[index])
                guard wanted > 0 else { continue }
                given[index] += wanted
                room[index] -= wanted
                cofinanceRoom[index] -= wanted
                remaining -= wanted
                previous[index]![option]! -= wanted
            }
            while remaining > 0 {
                var progressed = false
                for index in candidates where remaining > 0 && room[index] > 0 && cofinanceRoom[index] > 0 {
                    given[index] += 1
                    room[index] -= 1
                    cofinanceRoom[index] -= 1
                    remaining -= 1
                    progressed = true
                }
                if !progressed {
                    throw SplitError.doesNotFit(territory: key.territory, kind: key.kind, option: option, posts: posts)
                }
            }
            for (index, count) in given.enumerated() where count > 0 {
                placements.append(Placement(structureID: members[index].id, option: option, posts: count))
            }
        }
    }
}
