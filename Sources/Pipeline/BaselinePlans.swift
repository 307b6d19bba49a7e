import Baselines
import Foundation
import Scenario

/// The comparison's baseline plans, computed before the main plan is solved: they depend only on the scenario,
/// and computed after the solve they would come out of the run's time budget's small reserve (they take seconds
/// in a debug build or on a loaded machine), pushing the run past its deadline. Computed first, their time
/// comes out of the solve's share instead.
struct BaselinePlans {
    private let results: [BaselineSpec: Result<Baselines.BaselinePlan, Baselines.BaselineError>]

    init(_ specs: [BaselineSpec], scenario: Scenario) {
        var computed: [BaselineSpec: Result<Baselines.BaselinePlan, Baselines.BaselineError>] = [:]
        for spec in specs where computed[spec] == nil {
            do throws(Baselines.BaselineError) {
                computed[spec] = .success(try Baselines.plan(for: spec, scenario: scenario))
            } catch {
                computed[spec] = .failure(error)
            }
        }
        results = computed
    }

    /// The plan of `spec`, or the error computing it gave.
    func plan(for spec: BaselineSpec) throws(Baselines.BaselineError) -> Baselines.BaselinePlan {
        guard let result = results[spec] else { preconditionFailure("baseline \(spec) was not computed") }
        return try result.get()
    }
}
