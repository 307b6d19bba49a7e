import AllocationModel
import Foundation
import Scenario
import Studies

extension RunReport {
    /// Everything a run found around its plan, as values: what Pipeline's solves and studies returned, plus the
    /// sections only Pipeline can write (stability, waves, the commune plan), already rendered.
    public struct Parts {
        public var record: RunRecord
        public var stages: [StagedSolve.StageRecord] = []
        public var ranges: [PostRanges.Ranges] = []
        public var compared: Compared
        public var decomposition: Decomposition.Outcome?
        /// With waves: `allocation_by_wave.csv` and its report section.
        public var waves: (csv: String, section: String)?
        /// The re-solves around the plan (robustness, sensitivity, frontier): their files, sections, and those cut
        /// short.
        public var analyses: (files: [File], sections: [String], cutShort: [String]) = ([], [], [])
        /// With a demand table: the commune plan's files, section, its sentence for the Status section, and its answer
        /// for the summary.
        public var communes: (files: [File], section: String, statusNote: String, answer: CommunePlanAnswer)?
        public var stabilitySection = ""
        public var budgetSeconds: Double
        public var tieBreakNote: String?
        /// The section on the plan the tie-break published, nil without a tie-break.
        public var tieBreakSummary: String?
        public var timingDependence: String?
        public var mipGap: Double

        public init(record: RunRecord, compared: Compared, budgetSeconds: Double, mipGap: Double) {
            self.record = record
            self.compared = compared
            self.budgetSeconds = budgetSeconds
            self.mipGap = mipGap
        }
    }

    /// The files of a run with a plan, but its data package and manifest, in the order the report lists them: the
    /// plan's tables (posts per territory with their ranges), the stages, the comparison and its decomposition, the
    /// waves, the analyses, the maps, the commune plan, then the report itself with its sections in their order.
    public static func files(_ parts: Parts, inputs: Inputs) -> [File] {
        let record = parts.record
        let scenario = record.scenario
        var files = Tables.all(record, commune: parts.communes?.answer).map {
            (name: $0.name, content: Data($0.content.utf8))
        }
        if !parts.ranges.isEmpty, let index = files.firstIndex(where: { $0.name == "allocation_by_territory.csv" }) {
            files[index].content = Data(Tables.byTerritory(record, ranges: parts.ranges).utf8)
        }
        if !parts.stages.isEmpty {
            files.append((name: "stages.csv", content: Data(StagesTable.csv(parts.stages).utf8)))
        }
        let threshold = scenario.parameters.comparison.coverageThreshold
        let decompositionRows =
            parts.decomposition.map {
                Comparison.decompositionRows(
                    $0, scenario: scenario, optimised: parts.compared.rows.first, coverageThreshold: threshold)
            } ?? []
        files += Comparison.tables(parts.compared.rows, scenario: scenario, decomposition: decompositionRows).map {
            (name: $0.name, content: Data($0.content.utf8))
        }
        if let decomposition = parts.decomposition, let observed = parts.compared.observed,
            let csv = DecompositionReport.csv(
                decomposition, scenario: scenario, observed: observed.evaluation, observedPlan: observed.plan)
        {
            files.append((name: "decomposition.csv", content: Data(csv.utf8)))
        }
        if let waves = parts.waves { files.append((name: "allocation_by_wave.csv", content: Data(waves.csv.utf8))) }
        files += parts.analyses.files
        var sections = parts.analyses.sections
        // The change map shows only the changes every plan within the ranges' tolerance makes.
        let forced = parts.ranges.first.map { (PostRangesReport.forcedPosts($0, scenario: scenario), $0.tolerance) }
        if let pictures = pictures(record, inputs: inputs, compared: parts.compared, forced: forced) {
            files += pictures.files
            sections.append(pictures.section)
        }
        files += parts.communes?.files ?? []
        // The report lists the files this run writes: itself, the data package and the manifest come last.
        let posts = Dictionary(uniqueKeysWithValues: record.evaluation.territories.map { ($0.code, $0.posts) })
        let report =
            MarkdownReport.render(
                record, files: files.map(\.name) + ["report.md", "datapackage.json", "manifest.json"],
                statusNote: parts.communes?.statusNote)
            + "\n" + StagesTable.section(parts.stages) + parts.stabilitySection
            + RunLimitsSection.section(
                budgetSeconds: parts.budgetSeconds,
                cutShort: parts.analyses.cutShort + (parts.tieBreakNote.map { [$0] } ?? []),
                timingDependence: parts.timingDependence)
            + Comparison.markdownSection(
                parts.compared.rows, scenario: scenario, optimised: "optimised", coverageThreshold: threshold,
                leftOut: parts.compared.leftOut, decomposition: parts.decomposition, ranges: parts.ranges.first,
                wider: parts.ranges.count == 2 ? parts.ranges[1] : nil)
            + PostRangesReport.section(parts.ranges, scenario: scenario, posts: posts, mipGap: parts.mipGap)
            + (parts.tieBreakSummary.map { "\n" + $0 } ?? "")
            + "\n" + (parts.waves.map { $0.section + "\n" } ?? "") + sections.joined(separator: "\n") + "\n"
            + (parts.communes.map { "\n" + $0.section } ?? "")
            + (parts.ranges.count == 2
                ? "\n" + PostRangesReport.appendix(parts.ranges, scenario: scenario, posts: posts) : "")
        files.append((name: "report.md", content: Data(report.utf8)))
        return files
    }
}
