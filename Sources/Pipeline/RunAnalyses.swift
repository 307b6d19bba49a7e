import AllocationModel
import Foundation
import LinearProgramming
import Reports
import Scenario
import Studies

/// The re-solves that surround a run's plan (robustness, sensitivity, the efficiency–equity frontier), solved by
/// `PlanAnalyses` in Studies; each adds files and a report section. The maps are `RunReport`'s.
enum RunAnalyses {
    struct Output {
        var files: [(name: String, content: Data)] = []
        var sections: [String] = []
        /// The analyses a limit or the run's budget stopped before they finished, for the report and the log.
        var cutShort: [String] = []
    }

    static func run(
        outcome: Solving.Outcome, scenario: Scenario, request: RunCommand.Request, solver: any LinearSolver,
        options: SolverOptions, rangesWithinGap: () -> [PostRanges.Range?]? = { nil }, log: (String) -> Void
    ) throws(RunFailure) -> Output {
        var output = Output()
        let settings = scenario.parameters.comparison
        do {
            // The re-solves themselves (`PlanAnalyses`, in Studies); their tables and sections are published here.
            // The variants (sensitivity and robustness) are solved by the objective alone, as the main plan was before
            // the tie-break chose the published one among the optima: they are compared with that plan, and start from
            // it (a review found every unchanged variant 224 people "above" the tie-broken plan, and 15 territories
            // "moved" by the tie-break alone).
            var base = Sensitivity.Point(
                objective: outcome.record.evaluation.objective, coverage: outcome.record.evaluation.coverage)
            var solverOwn: (plan: Plan, values: [Double])?
            if let own = outcome.beforeTieBreak,
                let plan = try? PlanSplitter.plan(from: own, model: outcome.model, scenario: scenario)
            {
                let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
                base = Sensitivity.Point(objective: evaluation.objective, coverage: evaluation.coverage)
                solverOwn = (plan, own)
            }
            let results = try PlanAnalyses.run(
                scenario: scenario, plan: outcome.record.plan, model: outcome.model,
                values: outcome.result.values, base: base, solverOwn: solverOwn, solver: solver, options: options,
                log: log)
            let frontier = settings.frontierPoints >= 2
            let rows = results.sensitivity
            let points = results.frontier
            if var robustness = results.robustness {
                // A difference between the posts of the scenario's own plans found within the gap is not the guess's
                // effect: the section waits for the ranges (computed beside the analyses) to say which moves are.
                robustness.baseRanges = rangesWithinGap()
                output.files.append((name: "robustness.csv", content: Data(RobustnessReport.csv(robustness).utf8)))
                output.sections.append(RobustnessReport.section(robustness))
            }
            output.cutShort =
                RunLimitsSection.cutShort(robustness: results.robustness?.rows ?? [])
                + RunLimitsSection.cutShort(
                    rows: rows ?? [], points: points, pointsAsked: frontier ? settings.frontierPoints : 0)
            if let rows {
                output.files.append((name: "sensitivity.csv", content: Data(AnalysesReport.sensitivityCSV(rows).utf8)))
                output.sections.append(
                    AnalysesReport.sensitivitySection(rows, mipGap: options.mipGap, baseObjective: base.objective)
                        .joined(separator: "\n"))
            }
            if let points {
                output.files.append((name: "frontier.csv", content: Data(AnalysesReport.frontierCSV(points).utf8)))
                output.sections.append(
                    AnalysesReport.frontierSection(
                        points, mipGap: options.mipGap, published: outcome.record.evaluation,
                        capacityBounds: (results.robustness?.rows ?? []).compactMap { row in
                            row.highestFloorBound.map { (row.label, $0) }
                        }, baseBound: results.robustness?.baseHighestFloorBound
                    ).joined(separator: "\n"))
            }
        } catch let error as ScenarioError {
            throw .input(error)
        } catch {
            throw .solver("while re-solving for the analyses", cause: error)
        }
        return output
    }
}
