import Foundation
import LinearProgramming
import Scenario

/// Places the model's aggregate decisions on real structures, exactly: co-financed posts first on the
/// structures that can co-finance them, then the rest, one post per structure in turn (id order), so
/// posts spread over as many hosts as possible and the result never depends on input row order.
public enum PlanSplitter {
    public enum SplitError: Error, CustomStringConvertible {
        case fractional(variable: String, value: Double)
        case doesNotFit(territory: String, kind: String, option: String, posts: Int)

        public var description: String {
            switch self {
            case let .fractional(variable, value): return "the solver returned \(value) for integer decision \(variable)"
            case let .doesNotFit(territory, kind, option, posts):
                return "\(posts) posts (\(kind), \(option)) do not fit the structures of territory \(territory)"
            }
        }
    }

    /// Rounds the integer decisions of `values` and places them on structures.
    public static func plan(from values: [Double], model: AllocationModel, scenario: Scenario) throws -> Plan {
        var aggregates: [String: [(option: String, hostCost: Double, posts: Int)]] = [:]
        for decision in model.decisions {
            let value = values[decision.variable.index]
            let rounded = value.rounded()
            guard abs(value - rounded) <= 1e-6, rounded >= 0 else {
                throw SplitError.fractional(variable: model.program.variables[decision.variable.index].name, value: value)
            }
            if rounded > 0 {
                aggregates["\(decision.territory)|\(decision.kind)", default: []].append((decision.option, decision.hostCostEUR, Int(rounded)))
            }
        }
        let structuresByPool = Dictionary(grouping: scenario.structures) { "\($0.territory)|\($0.kind)" }
        let poolByKey = Dictionary(uniqueKeysWithValues: model.pools.map { ("\($0.territory)|\($0.kind)", $0) })
        var placements: [Placement] = []
        for key in aggregates.keys.sorted() {
            let members = structuresByPool[key] ?? []
            let pool = poolByKey[key]!
            var room = members.map(\.capacity)
            var cofinanceRoom = members.map { AllocationModel.cofinanceablePosts($0, hostShare: pool.hostSharePerPost) }
            // Co-financed options first: they are the constrained ones.
            let ordered = aggregates[key]!.sorted { ($0.hostCost > 0 ? 0 : 1, $0.option) < ($1.hostCost > 0 ? 0 : 1, $1.option) }
            for aggregate in ordered {
                let cofinanced = aggregate.hostCost > 0
                var given = Array(repeating: 0, count: members.count)
                var remaining = aggregate.posts
                while remaining > 0 {
                    var progressed = false
                    for index in members.indices where remaining > 0 && room[index] > 0 && (!cofinanced || cofinanceRoom[index] > 0) {
                        given[index] += 1
                        room[index] -= 1
                        if cofinanced { cofinanceRoom[index] -= 1 }
                        remaining -= 1
                        progressed = true
                    }
                    if !progressed {
                        let parts = key.split(separator: "|")
                        throw SplitError.doesNotFit(territory: String(parts[0]), kind: String(parts[1]), option: aggregate.option, posts: aggregate.posts)
                    }
                }
                for (index, posts) in given.enumerated() where posts > 0 {
                    placements.append(Placement(structureID: members[index].id, option: aggregate.option, posts: posts))
                }
            }
        }
        return Plan(placements: placements)
    }
}
