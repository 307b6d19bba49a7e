import AllocationModel
import Foundation
import Scenario

/// Tables and report sections for the re-solve analyses: sensitivity and the efficiency–equity frontier.
public enum AnalysesReport {
    public static func sensitivityCSV(_ rows: [Sensitivity.Row]) -> String {
        var writer = CSVWriter(columns: ["change", "override", "status", "objective", "coverage", "delta_objective",
                                         "delta_coverage", "coverage_per_unit", "unit"])
        for row in rows {
            writer.append([.text(row.label), .text(row.override), .text(row.status),
                           row.objective.map { .number($0, decimals: 3) } ?? .empty,
                           row.coverage.map { .number($0, decimals: 1) } ?? .empty,
                           row.deltaObjective.map { .number($0, decimals: 3) } ?? .empty,
                           row.deltaCoverage.map { .number($0, decimals: 1) } ?? .empty,
                           row.coveragePerUnit.map { .number($0, decimals: 3) } ?? .empty,
                           .text(row.unit)])
        }
        return writer.text
    }

    public static func frontierCSV(_ points: [Frontier.Point]) -> String {
        var writer = CSVWriter(columns: ["step", "epsilon", "min_coverage_ratio", "coverage", "objective"])
        for (index, point) in points.enumerated() {
            writer.append([.integer(index), .number(point.epsilon, decimals: 6), .number(point.minCoverageRatio, decimals: 6),
                           .number(point.coverage, decimals: 1), .number(point.objective, decimals: 3)])
        }
        return writer.text
    }

    public static func sensitivitySection(_ rows: [Sensitivity.Row]) -> [String] {
        guard !rows.isEmpty else { return [] }
        var out = ["## What one more euro or post buys", "",
                   "Each line re-solves the whole integer plan with one change (not LP duals, which an integer plan does not have). People are counted over the posts' funded months.", "",
                   "| change | people accompanied | change in people | per unit | change in objective |",
                   "| --- | ---: | ---: | ---: | ---: |"]
        for row in rows {
            let people = row.coverage.map { Format.grouped($0) } ?? "no plan (\(row.status))"
            let delta = row.deltaCoverage.map { ($0 >= 0 ? "+" : "") + Format.grouped($0) } ?? ""
            let perUnit = row.coveragePerUnit.map { Format.fixed($0, decimals: 1) + " " + row.unit } ?? row.unit
            let objective = row.deltaObjective.map { ($0 >= 0 ? "+" : "") + Format.fixed($0, decimals: 1) } ?? ""
            out.append("| \(MarkdownReport.escape(row.label)) | \(people) | \(delta) | \(perUnit) | \(objective) |")
        }
        out.append("")
        return out
    }

    public static func frontierSection(_ points: [Frontier.Point]) -> [String] {
        guard points.count >= 2 else { return [] }
        var out = ["## Efficiency against equity", "",
                   "Each row maximises the people accompanied while every département's coverage of its need stays at or above a floor (ε). Raising the floor helps the least covered départements and costs total coverage:", "",
                   "| floor on every département's coverage | smallest coverage reached | people accompanied | value of coverage |",
                   "| ---: | ---: | ---: | ---: |"]
        for point in points {
            out.append("| \(Format.percent(point.epsilon)) | \(Format.percent(point.minCoverageRatio)) | \(Format.grouped(point.coverage)) | \(Format.fixed(point.objective, decimals: 1)) |")
        }
        out.append("")
        return out
    }
}
