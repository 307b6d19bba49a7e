import AllocationModel
import Baselines
import Foundation
import Pictures
import Scenario
import Studies

/// What a run publishes around its plan, decided here and not in Pipeline: the comparison with the 2021 plan and
/// the baselines (each compared plan scored once, the scores shared by the tables, the report and the chart), the
/// maps, and the order of the report's sections. Pipeline solves (through Studies) and publishes what this returns.
public enum RunReport {
    /// A file of the run: its name in the run folder and its bytes.
    public typealias File = (name: String, content: Data)

    /// The report's own inputs, read and checked with the scenario, before the lock and the solve: a wrong baseline
    /// id is a configuration error (exit 78) and a damaged map drawing a data error (exit 65) at once.
    public struct Inputs: Sendable {
        let baselineSpecs: [BaselineSpec]
        let geometry: MapGeometry?
    }

    public static func inputs(for scenario: Scenario) throws(ScenarioError) -> Inputs {
        Inputs(baselineSpecs: try baselineSpecs(for: scenario), geometry: try geometry(for: scenario))
    }

    /// The baseline ids alone (a sweep checks each variant's before anything runs).
    public static func checkBaselines(for scenario: Scenario) throws(ScenarioError) {
        _ = try baselineSpecs(for: scenario)
    }

    /// Starts computing the baselines on a thread of their own (`BaselinePlans`); `waitSeconds` says how long a
    /// baseline not ready when the comparison needs it may still be waited for.
    public static func startBaselines(
        _ inputs: Inputs, scenario: Scenario,
        waitSeconds: @escaping @Sendable () -> Double
    ) -> BaselinePlans {
        BaselinePlans(inputs.baselineSpecs, scenario: scenario, waitSeconds: waitSeconds)
    }

    /// The compared plans, scored once: the optimised plan first, the 2021 allocation (when the structures carry
    /// posts_2021), then the baselines ready in time; those left out, with why.
    public struct Compared {
        public let rows: [Comparison.Row]
        public let leftOut: [(name: String, reason: String)]
        public var observed: Comparison.Row? { rows.first { $0.name == "2021" } }
    }

    public static func compare(
        _ record: RunRecord, inputs: Inputs, baselines: BaselinePlans,
        log: (String) -> Void
    ) -> Compared {
        let scenario = record.scenario
        var compared: [(name: String, plan: Plan)] = [(name: "optimised", plan: record.plan)]
        var unplaced: [String: Int] = [:]
        var leftOut: [(name: String, reason: String)] = []
        if scenario.structures.contains(where: { ($0.posts2021 ?? 0) > 0 }) {
            compared.append((name: "2021", plan: Baselines.observed2021(scenario).plan))
        }
        for spec in inputs.baselineSpecs {
            do {
                let baseline = try baselines.plan(for: spec)
                compared.append((name: baseline.name, plan: baseline.plan))
                unplaced[baseline.name] = baseline.unplacedTotal
            } catch {
                // Said in the report too, not only on stderr (silenced by -q).
                log("warning: \(error); baseline left out of the comparison")
                leftOut.append((name: spec.id, reason: "\(error)"))
            }
        }
        let rows = Comparison.rows(
            compared, scenario: scenario, optimised: "optimised", unplaced: unplaced,
            coverageThreshold: scenario.parameters.comparison.coverageThreshold)
        return Compared(rows: rows, leftOut: leftOut)
    }

    /// Maps and chart of the plan (none without a map drawing), with their report section.
    /// `forced`: the 2021 posts moved into each territory's range (`PostRangesReport.forcedPosts`); the change map then
    /// shows only the changes every plan within that tolerance makes.
    public static func pictures(
        _ record: RunRecord, inputs: Inputs, compared: Compared,
        forced: (posts: [String: Int], tolerance: Double)? = nil
    ) -> (files: [File], section: String)? {
        guard let geometry = inputs.geometry else { return nil }
        let scenario = record.scenario
        let posts = Dictionary(uniqueKeysWithValues: record.evaluation.territories.map { ($0.code, $0.posts) })
        let map = ChoroplethMap.svg(
            geometry: geometry, values: MapValues.postsPer100k(territories: scenario.territories, posts: posts),
            title: "Conseillers numériques per 100,000 inhabitants", legendTitle: "Posts per 100,000 inhabitants",
            palette: .sequential, classes: .quantiles(5), decimals: 1)
        let changeTitle =
            forced.map {
                "Posts against the real 2021 allocation that every plan within \(Format.percent($0.tolerance, decimals: 2)) of the optimum's bound changes"
            }
            ?? "Posts against the real 2021 allocation"
        let change = ChoroplethMap.svg(
            geometry: geometry,
            values: MapValues.changeVs2021(territories: scenario.territories, posts: forced?.posts ?? posts),
            title: changeTitle,
            legendTitle: forced == nil ? "Posts, plan minus 2021" : "Posts, forced change against 2021",
            palette: .diverging, classes: .fixed([5, 15, 30]), decimals: 0)
        let rows = compared.rows.map { (label: $0.name, value: $0.evaluation.coverage) }
        let chart = BarChart.svg(
            rows: rows, title: "People accompanied \(scenario.parameters.basis.period)", unit: "people",
            highlight: ["optimised"])
        let files: [File] = [
            (name: "map_posts_per_100k.svg", content: Data(map.utf8)),
            (name: "map_change_vs_2021.svg", content: Data(change.utf8)),
            (name: "chart_plans.svg", content: Data(chart.utf8)),
        ]
        let section = [
            "## Maps", "",
            "![Posts per 100,000 inhabitants](map_posts_per_100k.svg)", "",
            "![Posts against the real 2021 allocation](map_change_vs_2021.svg)", "",
            "![People accompanied per plan](chart_plans.svg)", "",
        ].joined(separator: "\n")
        return (files, section)
    }

    /// The scenario's `comparison.baselines`, parsed; a wrong id or two ids of one baseline are configuration errors.
    static func baselineSpecs(for scenario: Scenario) throws(ScenarioError) -> [BaselineSpec] {
        var specs: [BaselineSpec] = []
        var written: [String: String] = [:]
        for id in scenario.parameters.comparison.baselines {
            let spec: BaselineSpec
            do {
                spec = try BaselineSpec(parsing: id)
            } catch {
                throw ScenarioError([
                    Diagnostic(
                        .configuration, scenario.parameters.location(of: "comparison.baselines"),
                        "'comparison.baselines': \(error.description)")
                ])
            }
            // Aliases name the same baseline (sainte-lague is webster): it would be two rows of one key in plans.csv.
            if let first = written[spec.id] {
                throw ScenarioError([
                    Diagnostic(
                        .configuration, scenario.parameters.location(of: "comparison.baselines"),
                        "'\(first)' and '\(id)' are the same baseline, \(spec.id): each baseline is compared once, remove one"
                    )
                ])
            }
            written[spec.id] = id
            specs.append(spec)
        }
        return specs
    }

    /// The map drawing of the scenario, `geometry/departements.paths.tsv` beside its scenario file, or nil when there
    /// is none; a damaged file is refused with its place (`file:line:column: what`).
    static func geometry(for scenario: Scenario) throws(ScenarioError) -> MapGeometry? {
        guard let file = scenario.inputFiles.first(where: { $0.role == "scenario" })?.path else { return nil }
        let path = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(
            "geometry/departements.paths.tsv"
        ).path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try MapGeometry.load(path: path)
        } catch let error as MapGeometryError {
            throw ScenarioError([
                Diagnostic(
                    .data, SourceLocation(file: error.file, line: error.line, column: error.column), error.message)
            ])
        } catch {
            throw ScenarioError([Diagnostic(.data, SourceLocation(file: path), "\(error)")])
        }
    }
}
