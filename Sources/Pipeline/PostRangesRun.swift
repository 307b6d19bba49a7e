import AllocationModel
import Foundation
import LinearProgramming
import Reports
import Scenario

/// The run's ranges of posts per territory (docs/model.md, "Ranges around the plan"): within the MIP gap and within
/// `comparison.range_tolerance`, from LP relaxations with the value held, two at a time.
enum PostRangesRun {
    /// The wider tolerance must be at least the gap (the narrower range): a configuration error (exit 78) before solving.
    static func check(_ scenario: Scenario, options: SolverOptions) throws(RunFailure) {
        let settings = scenario.parameters.comparison
        guard settings.postRanges, settings.rangeTolerance < options.mipGap else { return }
        throw .input(ScenarioError([Diagnostic(.configuration, SourceLocation(file: "comparison.range_tolerance"),
            "'comparison.range_tolerance' = \(settings.rangeTolerance) is below the MIP gap \(options.mipGap): allowed \(options.mipGap)…0.2 (the wider range contains the gap's)")]))
    }

    static func run(outcome: Solving.Outcome, scenario: Scenario, solver: any LinearSolver, options: SolverOptions,
                    log: (String) -> Void) throws(RunFailure) -> [PostRanges.Ranges] {
        let settings = scenario.parameters.comparison
        guard settings.postRanges else { return [] }
        let record = outcome.record
        let bound = max(record.bestBound ?? record.evaluation.objective, record.evaluation.objective)
        let posts = Dictionary(uniqueKeysWithValues: record.evaluation.territories.map { ($0.code, $0.posts) })
        log("ranges: \(4 * scenario.territories.count) LPs (fewest and most posts per territory, within the gap and within \(settings.rangeTolerance))")
        do {
            return try PostRanges.compute(model: outcome.model, scenario: scenario, posts: posts, bound: bound,
                                          tolerances: [options.mipGap, settings.rangeTolerance], solver: solver, options: options)
        } catch {
            throw .solver("while computing the ranges of posts: \(error)")
        }
    }
}
