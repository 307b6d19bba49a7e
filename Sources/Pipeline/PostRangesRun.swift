import AllocationModel
import Foundation
import LinearProgramming
import Reports
import Scenario
import Studies

/// The run's ranges of posts per territory (docs/model.md, "Ranges around the plan"): within the MIP gap and within
/// `comparison.range_tolerance`, from LP relaxations with the value held, two at a time.
enum PostRangesRun {
    /// The log line that announces the ranges, said before they start (they run beside the analyses, which log
    /// their own lines meanwhile); nil when the scenario turns them off.
    static func announcement(scenario: Scenario) -> String? {
        let settings = scenario.parameters.comparison
        guard settings.postRanges else { return nil }
        return
            "ranges: \(4 * scenario.territories.count) LPs (fewest and most posts per territory, within the gap and within \(settings.rangeTolerance))"
    }

    /// The ranges, and a warning for the log when they could not be computed (the plan then stands without them).
    /// Nothing is logged here: this runs on a thread of its own (`RunCommand`'s `assemble`).
    static func run(
        outcome: Solving.Outcome, scenario: Scenario, solver: any LinearSolver, options: SolverOptions,
        budget: RunBudget? = nil, width: Int = 2
    ) -> (ranges: [PostRanges.Ranges], warning: String?) {
        let settings = scenario.parameters.comparison
        guard settings.postRanges else { return ([], nil) }
        let record = outcome.record
        let bound = max(record.bestBound ?? record.evaluation.objective, record.evaluation.objective)
        let posts = Dictionary(uniqueKeysWithValues: record.evaluation.territories.map { ($0.code, $0.posts) })
        // The wider range contains the gap's: a tolerance below the gap is taken as the gap.
        let wider = max(settings.rangeTolerance, options.mipGap)
        do {
            let ranges = try PostRanges.compute(
                model: outcome.model, scenario: scenario, posts: posts, bound: bound,
                tolerances: [options.mipGap, wider], solver: solver, options: options,
                plan: searchStart(outcome), width: width, stop: budget?.flag, heuristicAbove: options.mipGap,
                proveAbove: settings.gapRangeProofs ? nil : options.mipGap)
            // Searches the run's clock cut short make the run's output depend on the machine, like a stopped solve.
            if ranges.contains(where: { $0.searchesCut > 0 }) { budget?.noteStoppedByTime() }
            return (ranges, nil)
        } catch {
            // The plan stands without its ranges: said in the log, and the report and table simply have none.
            return ([], "warning: the ranges of posts could not be computed (\(error)); left out")
        }
    }

    /// Where the search for plans at the ranges' ends starts: the published plan or, when the tie-break moved it, the
    /// main plan before, whichever is worth more (its slack above the held value is what lets posts move; both are
    /// within the gap).
    static func searchStart(_ outcome: Solving.Outcome) -> [Double] {
        let model = outcome.model
        let count = model.program.variables.count
        let plans = [Array(outcome.result.values.prefix(count))] + (outcome.beforeTieBreak.map { [$0] } ?? [])
        func value(_ plan: [Double]) -> Double {
            plan.count < count ? -.infinity : model.valueTerms.reduce(0) { $0 + $1.1 * plan[$1.0.index] }
        }
        return plans.max { value($0) < value($1) }!
    }
}
