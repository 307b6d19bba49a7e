import Foundation
import Reports
import Scenario

/// `sweep.md`: the headline figures per variant, what is missing or failed, and a chart of people
/// accompanied against the first numeric parameter varied (the budget, when it is), one line per
/// combination of the other parameters (e.g. per objective chain), drawn in `sweep.svg`.
enum SweepPage {
    static func markdown(
        sweep: String, keys: [String], rows: [[String: String]], missing: [String],
        failed: [(id: String, exitCode: Int32, message: String)]
    ) -> String {
        var lines = ["# Sweep \(MarkdownText.inline(sweep))", ""]
        // A variant a signal stopped is neither finished nor missing (a review read it counted as finished).
        let interrupted = SweepCollect.interrupted(in: failed)
        let done = rows.count - missing.count - interrupted
        lines.append(
            "\(rows.count) variants: \(done) finished (\(failed.count - interrupted) failed), "
                + (interrupted > 0 ? "\(interrupted) interrupted, " : "") + "\(missing.count) missing.")
        lines.append("")
        if !missing.isEmpty {
            lines.append(
                "Missing (no shard has finished them yet): " + missing.map { "`\($0)`" }.joined(separator: ", ") + ".")
            lines.append("")
        }
        for failure in failed {
            lines.append(
                "- Failed: `\(failure.id)`, exit \(failure.exitCode): \(MarkdownText.inline(String(failure.message.prefix { !$0.isNewline })))"
            )
        }
        if !failed.isEmpty { lines.append("") }
        // With a demand table, the commune plan's gap: a run can be optimal for the département plan and not for it.
        let commune = rows.contains { !($0["commune_status"] ?? "").isEmpty } ? ["commune_relative_gap"] : []
        let columns =
            ["variant_id"] + keys + ["status", "objective", "relative_gap"] + commune + [
                "posts", "state_cost_eur", "coverage", "coverage_ratio_gini", "wall_seconds",
            ]
        lines.append("| " + columns.joined(separator: " | ") + " |")
        lines.append("|" + columns.map { _ in " --- |" }.joined())
        for row in rows {
            lines.append("| " + columns.map { MarkdownText.inline(row[$0] ?? "") }.joined(separator: " | ") + " |")
        }
        lines.append("")
        if chart(keys: keys, rows: rows) != nil {
            lines += ["## People accompanied", "", "![People accompanied per variant](sweep.svg)", ""]
        }
        return lines.joined(separator: "\n")
    }

    /// The SVG chart, or nil when no parameter varied is numeric or no variant has a plan.
    static func chart(keys: [String], rows: [[String: String]]) -> String? {
        let numeric = keys.filter { key in rows.allSatisfy { Double($0[key] ?? "") != nil } }
        guard let x = numeric.contains(ParameterKeys.budget) ? ParameterKeys.budget : numeric.first else { return nil }
        let others = keys.filter { $0 != x }
        var series: [String: [(Double, Double)]] = [:]
        for row in rows {
            guard let px = Double(row[x] ?? ""), let py = Double(row["coverage"] ?? "") else { continue }
            // A variant with no run has no recorded value for a parameter it leaves at the scenario's: named as such,
            // not "key=".
            let name = others.map { "\($0)=\((row[$0] ?? "").isEmpty ? "(scenario's)" : row[$0]!)" }
                .joined(separator: " ")
            series[name, default: []].append((px, py))
        }
        let points = series.values.flatMap { $0 }
        guard let minX = points.map(\.0).min(), let maxX = points.map(\.0).max(), let maxY = points.map(\.1).max()
        else { return nil }
        let width = 640.0, height = 320.0, left = 70.0, bottom = 40.0, top = 20.0, right = 20.0
        func sx(_ v: Double) -> Double {
            left + (maxX > minX ? (v - minX) / (maxX - minX) : 0.5) * (width - left - right)
        }
        func sy(_ v: Double) -> Double { height - bottom - (maxY > 0 ? v / maxY : 0) * (height - top - bottom) }
        let colours = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c"]
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height + 20 * Double(series.count)))\" font-family=\"sans-serif\" font-size=\"11\">"
        ]
        svg.append(
            "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"black\"/>"
        )
        svg.append("<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>")
        svg.append(
            "<text x=\"\(left)\" y=\"\(height - 8)\">\(escaped(x)): \(Format.grouped(minX)) … \(Format.grouped(maxX))</text>"
        )
        svg.append("<text x=\"4\" y=\"\(top)\">people \(Format.grouped(maxY))</text>")
        for (index, name) in series.keys.sorted().enumerated() {
            let colour = colours[index % colours.count]
            let points = series[name]!.sorted { $0.0 < $1.0 }.map {
                (x: Format.fixed(sx($0.0), decimals: 1), y: Format.fixed(sy($0.1), decimals: 1))
            }
            let path = points.map { "\($0.x),\($0.y)" }
            svg.append(
                "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(path.joined(separator: " "))\"/>"
            )
            // Every point marked too: a series of one point draws no line (a review saw a variant only in the legend).
            for point in points {
                svg.append("<circle cx=\"\(point.x)\" cy=\"\(point.y)\" r=\"3\" fill=\"\(colour)\"/>")
            }
            svg.append(
                "<text x=\"\(left)\" y=\"\(height + 14 + 20 * Double(index))\" fill=\"\(colour)\">\(escaped(name.isEmpty ? "all variants" : name))</text>"
            )
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
