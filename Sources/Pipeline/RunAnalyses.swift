import AllocationModel
import Foundation
import LinearProgramming
import Pictures
import Reports
import Scenario
import Studies

/// The re-solves and pictures that surround a run's plan: sensitivity, the efficiency–equity frontier,
/// the maps and the chart of the compared plans. Each adds files and a report section.
enum RunAnalyses {
    struct Output {
        var files: [(name: String, content: Data)] = []
        var sections: [String] = []
        /// The analyses a limit or the run's budget stopped before they finished, for the report and the log.
        var cutShort: [String] = []
    }

    static func run(outcome: Solving.Outcome, scenario: Scenario, request: RunCommand.Request, solver: any LinearSolver,
                    options: SolverOptions, compared: [Comparison.Row], geometry: MapGeometry?,
                    log: (String) -> Void, forced: (posts: [String: Int], tolerance: Double)? = nil) throws(RunFailure) -> Output {
        var output = Output()
        let settings = scenario.parameters.comparison
        do {
            // The re-solves themselves (`PlanAnalyses`, in Studies); their tables and sections are published here.
            let base = Sensitivity.Point(objective: outcome.record.evaluation.objective, coverage: outcome.record.evaluation.coverage)
            let results = try PlanAnalyses.run(scenario: scenario, plan: outcome.record.plan, model: outcome.model,
                                               values: outcome.result.values, base: base, solver: solver, options: options, log: log)
            let frontier = settings.frontierPoints >= 2
            let rows = results.sensitivity
            let points = results.frontier
            if let robustness = results.robustness {
                output.files.append((name: "robustness.csv", content: Data(RobustnessReport.csv(robustness).utf8)))
                output.sections.append(RobustnessReport.section(robustness))
            }
            output.cutShort = RunLimitsSection.cutShort(rows: rows ?? [], points: points, pointsAsked: frontier ? settings.frontierPoints : 0)
            if let rows {
                output.files.append((name: "sensitivity.csv", content: Data(AnalysesReport.sensitivityCSV(rows).utf8)))
                output.sections.append(AnalysesReport.sensitivitySection(rows, mipGap: options.mipGap, baseObjective: base.objective)
                    .joined(separator: "\n"))
            }
            if let points {
                output.files.append((name: "frontier.csv", content: Data(AnalysesReport.frontierCSV(points).utf8)))
                output.sections.append(AnalysesReport.frontierSection(points, mipGap: options.mipGap).joined(separator: "\n"))
            }
        } catch let error as ScenarioError {
            throw .input(error)
        } catch {
            throw .solver("while re-solving for the analyses: \(error)")
        }
        if let geometry { pictures(outcome: outcome, scenario: scenario, compared: compared, geometry: geometry, forced: forced, into: &output) }
        return output
    }

    /// The map drawing of the scenario, `geometry/departements.paths.tsv` beside its scenario file, or nil
    /// when there is none. Read with the scenario, before any solve, so a damaged file fails at once
    /// (exit 65, `file:line:column: what`) and `validate` refuses it too.
    static func geometry(for scenario: Scenario) throws(RunFailure) -> MapGeometry? {
        guard let file = scenario.inputFiles.first(where: { $0.role == "scenario" })?.path else { return nil }
        let path = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("geometry/departements.paths.tsv").path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try MapGeometry.load(path: path)
        } catch let error as MapGeometryError {
            throw .input(ScenarioError([Diagnostic(.data, SourceLocation(file: error.file, line: error.line, column: error.column), error.message)]))
        } catch {
            throw .input(ScenarioError([Diagnostic(.data, SourceLocation(file: path), "\(error)")]))
        }
    }

    /// Maps and chart of the plan, from the geometry read with the scenario.
    /// `forced`: the 2021 posts moved into each territory's range (`PostRangesReport.forcedPosts`); the change map then
    /// shows only the changes every plan within that tolerance makes.
    static func pictures(outcome: Solving.Outcome, scenario: Scenario, compared: [Comparison.Row],
                         geometry: MapGeometry, forced: (posts: [String: Int], tolerance: Double)? = nil, into output: inout Output) {
        let posts = Dictionary(uniqueKeysWithValues: outcome.record.evaluation.territories.map { ($0.code, $0.posts) })
        let map = ChoroplethMap.svg(geometry: geometry, values: MapValues.postsPer100k(territories: scenario.territories, posts: posts),
                                    title: "Conseillers numériques per 100,000 inhabitants", legendTitle: "Posts per 100,000 inhabitants",
                                    palette: .sequential, classes: .quantiles(5), decimals: 1)
        let changeTitle = forced.map { "Posts against the real 2021 allocation that every plan within \(Format.percent($0.tolerance, decimals: 2)) of the optimum changes" }
            ?? "Posts against the real 2021 allocation"
        let change = ChoroplethMap.svg(geometry: geometry, values: MapValues.changeVs2021(territories: scenario.territories, posts: forced?.posts ?? posts),
                                       title: changeTitle, legendTitle: forced == nil ? "Posts, plan minus 2021" : "Posts, forced change against 2021",
                                       palette: .diverging, classes: .fixed([5, 15, 30]), decimals: 0)
        let rows = compared.map { (label: $0.name, value: $0.evaluation.coverage) }
        let chart = BarChart.svg(rows: rows, title: "People accompanied \(scenario.parameters.basis.period)", unit: "people", highlight: ["optimised"])
        output.files += [(name: "map_posts_per_100k.svg", content: Data(map.utf8)),
                         (name: "map_change_vs_2021.svg", content: Data(change.utf8)),
                         (name: "chart_plans.svg", content: Data(chart.utf8))]
        output.sections.append(["## Maps", "",
                                "![Posts per 100,000 inhabitants](map_posts_per_100k.svg)", "",
                                "![Posts against the real 2021 allocation](map_change_vs_2021.svg)", "",
                                "![People accompanied per plan](chart_plans.svg)", ""].joined(separator: "\n"))
    }
}
