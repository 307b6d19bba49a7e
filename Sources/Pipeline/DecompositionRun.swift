import AllocationModel
import Foundation
import LinearProgramming
import Reports
import Scenario
import Studies

/// The run's decomposition of the gain over the 2021 allocation (docs/baselines.md, "Decomposition"): the seven
/// re-solves beside the optimised plan, and the scenario with every shorter post renewed, two at a time. Nil when the
/// scenario has no observed plan or turns it off.
enum DecompositionRun {
    static func run(
        outcome: Solving.Outcome, scenario: Scenario, observed: Comparison.Row?, solver: any LinearSolver,
        options: SolverOptions, width: Int = 2, log: (String) -> Void
    ) throws(RunFailure) -> Decomposition.Outcome? {
        guard scenario.parameters.comparison.decomposition, let observed,
            let option = StudyTargets.observedOption(scenario)
        else { return nil }
        let levels = Decomposition.ObservedLevels(
            stateCostEUR: observed.evaluation.stateCostEUR, option: option,
            posts: Dictionary(uniqueKeysWithValues: observed.evaluation.territories.map { ($0.code, $0.posts) }))
        log(
            "decomposition: re-solving 7 combinations of the 2021 money, funding rule and geography, then the 2021 shares "
                + "at the free geography's posts where their number differs (at most 2)"
                + (Decomposition.renewedScenario(scenario) != nil
                    ? ", and the scenario with every shorter post renewed (service.renewal_share 1)" : ""))
        do {
            return try Decomposition.run(
                base: scenario, levels: levels, optimised: outcome.record.plan,
                optimisedGap: outcome.record.relativeGap, solver: solver, options: options, width: width)
        } catch {
            throw .solver("while re-solving for the decomposition", cause: error)
        }
    }
}
