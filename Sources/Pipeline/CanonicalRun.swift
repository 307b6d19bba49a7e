import AllocationModel
import Baselines
import Foundation
import LinearProgramming
import Scenario
import Studies

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

    /// The main result replaced by the tie-break's plan, with the same status and bound; the main result itself when
    /// the scenario asks for no tie-break, when the main solve has no plan or was interrupted, or when the tie-break
    /// stops at a limit (said in `note`).
    static func apply(_ main: SolveResult, model: AllocationModel, scenario: Scenario, solver: any LinearSolver,
                      options: SolverOptions, log: (String) -> Void) throws -> (result: SolveResult, note: String?) {
        guard main.hasSolution, main.status == .optimal || main.status == .feasible,
              let target = try? target(for: scenario) else { return (main, nil) }
        var tieOptions = options
        // A quarter of the run's limit: the main plan stands if the tie-break cannot finish in it.
        tieOptions.timeLimitSeconds = options.timeLimitSeconds / 4
        let outcome = try CanonicalPlan.solve(model: model, main: main, target: target.seats, scenario: scenario,
                                              solver: solver, options: tieOptions)
        if let kept = outcome.kept {
            let note = "tie-break \(target.name): \(kept) (distance to its seats \(outcome.distanceBefore) posts)"
            log(note)
            return (outcome.result, note)
        }
        log(String(format: "tie-break %@: distance to its seats %d → %d posts, %.2f s", target.name,
                   outcome.distanceBefore, outcome.distanceAfter, outcome.seconds))
        return (outcome.result, nil)
    }
}
