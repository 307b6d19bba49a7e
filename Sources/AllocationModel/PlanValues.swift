import Foundation
import Scenario

extension AllocationModel {
    /// The values of the model's variables that state `plan` (for a MIP start): posts per decision, `posts[t]`, and
    /// each territory's coverage segments filled in order up to min(need, people its posts can serve). Nil when the
    /// plan does not fit the model's decisions (a structure or option it does not know, or a co-financed post at a
    /// structure that belongs to no unit); the solver checks every row of a start anyway.
    public func values(for plan: Plan, scenario: Scenario) -> [Double]? {
        var values = Array(repeating: 0.0, count: program.variables.count)
        let structures = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0) })
        var unitOf: [String: Int] = [:]
        for pool in pools {
            for (index, unit) in pool.units.enumerated() { for id in unit.structures { unitOf[id] = index } }
        }
        var decisionIndex: [DecisionKey: (variable: Int, months: Double)] = [:]
        for decision in decisions { decisionIndex[decision.key] = (decision.variable.index, decision.serviceMonths) }
        let poolByKey = Dictionary(uniqueKeysWithValues: pools.map { ($0.key, $0) })
        var servable: [String: Double] = [:]
        for placement in plan.placements {
            guard let structure = structures[placement.structureID],
                let pool = poolByKey[structure.pool]
            else { return nil }
            // A co-financed post at a structure of no unit has no decision.
            let cofinanced = pool.hostShares[placement.option] != nil
            if cofinanced && unitOf[structure.id] == nil { return nil }
            guard
                let decision = decisionIndex[
                    DecisionKey(pool: pool.key, option: placement.option, unit: cofinanced ? unitOf[structure.id] : nil)
                ]
            else { return nil }
            values[decision.variable] += Double(placement.posts)
            servable[structure.territory, default: 0] +=
                scenario.parameters.peoplePerPostYear * decision.months / 12 * Double(placement.posts)
            if let total = postVariables[structure.territory] { values[total.index] += Double(placement.posts) }
        }
        for territory in scenario.territories {
            var left = min(servable[territory.code] ?? 0, scenario.need[territory.code] ?? 0)
            for segment in coverageVariables[territory.code] ?? [] {
                let filled = min(left, program.variables[segment.index].upper)
                values[segment.index] = filled
                left -= filled
            }
        }
        return values
    }
}
