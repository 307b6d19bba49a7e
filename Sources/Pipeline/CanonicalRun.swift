import AllocationModel
import Baselines
import Foundation
import Scenario

/// The scenario's `objective.tie_break` (docs/model.md, "One canonical plan"): the baseline whose seats pick one plan
/// among the optima, resolved before any solve so that an unknown baseline is a configuration error (exit 78).
enum CanonicalRun {
    /// The tie-break's name and target posts per territory; nil when the scenario asks for none.
    static func target(for scenario: Scenario) throws(RunFailure) -> (name: String, seats: [String: Int])? {
        guard let id = scenario.parameters.objective.tieBreak else { return nil }
        do {
            let spec = try BaselineSpec(parsing: id)
            return (id, try Baselines.seats(for: spec, scenario: scenario))
        } catch {
            throw .input(ScenarioError([Diagnostic(.configuration, SourceLocation(file: "objective.tie_break"),
                                                   "'objective.tie_break': \(error) (expected a baseline id such as webster:need, docs/baselines.md, or none)")]))
        }
    }
}
