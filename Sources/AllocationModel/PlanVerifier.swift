import Foundation
import Scenario

/// Checks a plan against the scenario by recomputing every constraint and the objective from the
/// scenario's own data, never from the solver's numbers: GLPK can return wrong "optimal" answers.
public enum PlanVerifier {
    /// One broken rule, named as in docs/model.md.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        /// The rule, with its family and what it is about.
        public let rule: RowRef
        public let message: String
        /// The rule's name, as in docs/model.md.
        public var constraint: String { rule.name }
        public var description: String { "\(constraint): \(message)" }
    }

    public struct Rejected: Error, CustomStringConvertible {
        public let violations: [Violation]
        public var description: String {
            "the plan breaks \(violations.count) rule(s) of the scenario:\n"
                + violations.prefix(20).map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    /// Relative tolerance on sums of euros and on the objective.
    static let tolerance = 1e-7

    /// All violations of `plan`; `claimedObjective`, when given, must not exceed the recomputed one beyond tolerance.
    public static func violations(of plan: Plan, scenario: Scenario, claimedObjective: Double? = nil) -> [Violation] {
        var found: [Violation] = []
        let parameters = scenario.parameters
        let structures = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0) })
        let options = Set(parameters.fundingOptions.map(\.id))
        for placement in plan.placements {
            if structures[placement.structureID] == nil {
                found.append(Violation(rule: RowRef(.placement), message: "unknown structure \(placement.structureID)"))
            }
            if !options.contains(placement.option) {
                found.append(Violation(rule: RowRef(.placement), message: "unknown funding option \(placement.option)"))
            }
            if placement.posts < 0 {
                found.append(
                    Violation(rule: RowRef(.placement), message: "\(placement.posts) posts at \(placement.structureID)")
                )
            }
        }
        let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
        for structure in scenario.structures {
            let posts = evaluation.postsByStructure[structure.id] ?? 0
            if posts > structure.capacity {
                found.append(
                    Violation(
                        rule: RowRef(.hostCapacity, .structure(structure.id)),
                        message: "\(posts) posts at a structure that can take \(structure.capacity)"))
            }
            let host = evaluation.hostCostByStructure[structure.id] ?? 0
            // Half a cent, absolute: a structure's money is a sum of a few shares, exact to far less; a relative
            // tolerance would let a plan over the host's money pass (0.013 € at 130,000 €).
            if host > structure.cofinancingEUR + 0.005 {
                found.append(
                    Violation(
                        rule: RowRef(.cofinancing, .structure(structure.id)),
                        message:
                            "host share \(cents(host)) € above its co-financing capacity \(cents(structure.cofinancingEUR)) €"
                    ))
            }
        }
        if evaluation.posts > parameters.posts {
            found.append(
                Violation(
                    rule: RowRef(.postsTotal),
                    message: "\(evaluation.posts) posts placed, \(parameters.posts) available"))
        }
        if evaluation.stateCostEUR > parameters.budgetEUR * (1 + tolerance) {
            found.append(
                Violation(
                    rule: RowRef(.budget),
                    message:
                        "State cost \(Int(evaluation.stateCostEUR.rounded())) € above the budget \(Int(parameters.budgetEUR)) €"
                ))
        }
        for territory in scenario.territories {
            let posts = evaluation.territory(territory.code)?.posts ?? 0
            let range = scenario.postRange(of: territory)
            if posts < range.min {
                found.append(
                    Violation(
                        rule: RowRef(.territoryFloor, .territory(territory.code)),
                        message: "\(posts) posts, floor \(range.min)"))
            }
            if posts > range.max {
                found.append(
                    Violation(
                        rule: RowRef(.territoryCap, .territory(territory.code)),
                        message: "\(posts) posts, cap \(range.max)"))
            }
        }
        found += commitmentViolations(of: plan, scenario: scenario)
        let regionRange = scenario.regionPostRange
        for region in scenario.regions {
            let posts = region.territories.reduce(0) { $0 + (evaluation.territory($1.code)?.posts ?? 0) }
            if posts < regionRange.min {
                found.append(
                    Violation(
                        rule: RowRef(.regionFloor, .region(region.code)),
                        message: "\(posts) posts, floor \(regionRange.min)"))
            }
            if posts > regionRange.max {
                found.append(
                    Violation(
                        rule: RowRef(.regionCap, .region(region.code)),
                        message: "\(posts) posts, cap \(regionRange.max)"))
            }
        }
        // Only a claim *above* the recomputed value means a bug (the model promised coverage the plan does
        // not give). A claim below it is a plan GLPK undersold: a solve stopped at a limit, or a stage that
        // did not optimise value, may leave the coverage segments filled out of order; the plan obeys every
        // rule, and its value is the recomputed one.
        if let claimed = claimedObjective {
            let excess = claimed - evaluation.objective
            if !(excess <= max(1e-6, 1e-6 * abs(evaluation.objective))) {
                found.append(
                    Violation(
                        rule: RowRef(.objective),
                        message:
                            "the solver claims \(claimed), the plan is worth \(evaluation.objective) when recomputed"))
            }
        }
        return found
    }

    /// Euros with their cents (129999.97, not 129999): the figures a money rule is decided on.
    static func cents(_ euros: Double) -> String { NumberText.fixed(euros, decimals: 2) ?? "\(euros)" }

    /// Throws `Rejected` unless the plan satisfies every rule.
    public static func verify(_ plan: Plan, scenario: Scenario, claimedObjective: Double? = nil) throws(Rejected) {
        let found = violations(of: plan, scenario: scenario, claimedObjective: claimedObjective)
        if !found.isEmpty { throw Rejected(violations: found) }
    }
}
