import AllocationModel
import Foundation
import Studies

/// `stages.csv` and the report's section for a lexicographic run (`objective.stages`): each stage with the
/// value it reached, its bound and gap in its own units, so no gap is ever shown beside another objective.
/// No timings here: identical inputs give byte-identical tables; each stage's seconds are in the manifest.
public enum StagesTable {
    public static func csv(_ records: [StagedSolve.StageRecord]) -> String {
        var writer = CSVWriter(columns: ["stage", "objective", "value", "bound", "gap", "status"])
        for record in records {
            writer.append([
                .integer(record.position), .text(record.name),
                record.value.map { .number($0, decimals: 6) } ?? .empty,
                record.bound.map { .number($0, decimals: 6) } ?? .empty,
                record.relativeGap.map { .number($0, decimals: 8) } ?? .empty,
                .text(record.status.rawValue),
            ])
        }
        return writer.text
    }

    /// The report's section (no timings: the report stays identical between identical runs).
    public static func section(_ records: [StagedSolve.StageRecord]) -> String {
        guard !records.isEmpty else { return "" }
        var lines = [
            "## Objective stages", "",
            "Each stage is optimised in turn, the earlier ones held within the MIP gap of the value they reached. Values, bounds and gaps are in each stage's own units (the summary's value is the recomputed value of coverage).",
            "",
            "| stage | objective | value | bound | gap | status |",
            "| ---: | --- | ---: | ---: | ---: | --- |",
        ]
        for record in records {
            lines.append(
                "| \(record.position) | \(record.name) | \(record.value.map { Format.fixed($0, decimals: 6) } ?? "–") | "
                    + "\(record.bound.map { Format.fixed($0, decimals: 6) } ?? "–") | \(record.relativeGap.map { Format.percent($0, decimals: 3) } ?? "–") | "
                    + "\(record.status.rawValue)\(record.limitReached.map { " (\($0))" } ?? "") |")
        }
        return lines.joined(separator: "\n") + "\n\n"
    }
}
