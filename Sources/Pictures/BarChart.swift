import Foundation

/// A horizontal bar chart as a standalone SVG document, one bar per row in the given order.
public enum BarChart {
    /// - Parameters:
    ///   - rows: label and value of each bar, drawn top to bottom in this order; non-finite values
    ///     are drawn as "n/a" with no bar.
    ///   - unit: what the values count ("people accompanied"), written under the axis.
    ///   - decimals: decimals of the value written at the end of each bar and on the axis.
    ///   - highlight: labels of bars drawn in the accent colour (e.g. the optimised plan).
    public static func svg(
        rows: [(label: String, value: Double)], title: String, unit: String,
        decimals: Int = 0, subtitle: String? = nil, highlight: Set<String> = []
    ) -> String {
        let labelSize = 12.0
        let labelWidth = min(
            340, max(80, rows.map { SVGText.estimatedWidth($0.label, fontSize: labelSize) }.max() ?? 80))
        let plotLeft = 16 + labelWidth + 10
        let plotWidth = 520.0
        let valueRoom = 110.0
        let width = plotLeft + plotWidth + valueRoom
        let top = subtitle == nil ? 48.0 : 64.0
        let rowHeight = 28.0
        let plotHeight = max(1, Double(rows.count)) * rowHeight
        let height = top + plotHeight + 58

        let finite = rows.map(\.value).filter(\.isFinite)
        let low = min(0, finite.min() ?? 0), high = max(0, finite.max() ?? 0)
        let axis = niceAxis(low: low, high: high)
        func x(_ v: Double) -> Double { plotLeft + (v - axis.low) / (axis.high - axis.low) * plotWidth }

        var doc = SVGDocument(width: width, height: height)
        doc.text(title, x: 16, y: 26, size: 17, weight: "bold")
        if let subtitle { doc.text(subtitle, x: 16, y: 46, size: 12, fill: "#555555") }

        // grid and ticks
        var tick = axis.low
        var tickIndex = 0
        while tick <= axis.high + axis.step / 2 {
            let tx = SVGText.coordinate(x(tick))
            doc.add(
                "<line x1=\"\(tx)\" y1=\"\(SVGText.coordinate(top - 4))\" x2=\"\(tx)\" y2=\"\(SVGText.coordinate(top + plotHeight))\" stroke=\"#e0e0e0\" stroke-width=\"1\"/>"
            )
            doc.text(
                SVGText.number(tick, decimals: axis.decimals, grouping: true), x: x(tick), y: top + plotHeight + 16,
                size: 10.5, anchor: "middle", fill: "#555555")
            tickIndex += 1
            tick = axis.low + Double(tickIndex) * axis.step
        }
        doc.text(
            unit, x: plotLeft + plotWidth / 2, y: top + plotHeight + 36, size: 11.5, anchor: "middle", fill: "#333333")

        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            doc.text(row.label, x: plotLeft - 10, y: y + rowHeight / 2 + 4, size: labelSize, anchor: "end")
            let valueText = SVGText.number(row.value, decimals: decimals, grouping: true)
            guard row.value.isFinite else {
                doc.text(valueText, x: x(0) + 4, y: y + rowHeight / 2 + 4, size: 11, fill: "#666666")
                continue
            }
            let x0 = x(min(0, row.value)), x1 = x(max(0, row.value))
            let color = highlight.contains(row.label) ? "#d95f02" : "#2c7fb8"
            let tooltip = "\(row.label): \(valueText) \(unit)"
            doc.add(
                "<rect x=\"\(SVGText.coordinate(x0))\" y=\"\(SVGText.coordinate(y + 5))\" width=\"\(SVGText.coordinate(max(x1 - x0, 0.5)))\" height=\"\(SVGText.coordinate(rowHeight - 10))\" fill=\"\(color)\"><title>\(SVGText.escape(tooltip))</title></rect>"
            )
            let textX = row.value < 0 ? x0 - 4 : x1 + 4
            doc.text(valueText, x: textX, y: y + rowHeight / 2 + 4, size: 11, anchor: row.value < 0 ? "end" : "start")
        }
        let zeroX = SVGText.coordinate(x(0))
        doc.add(
            "<line x1=\"\(zeroX)\" y1=\"\(SVGText.coordinate(top - 4))\" x2=\"\(zeroX)\" y2=\"\(SVGText.coordinate(top + plotHeight))\" stroke=\"#444444\" stroke-width=\"1\"/>"
        )
        return doc.render(title: title)
    }

    /// Axis from a multiple of a 1-2-5 step at or below `low` to one at or above `high`, 4–10 ticks.
    static func niceAxis(low: Double, high: Double) -> (low: Double, high: Double, step: Double, decimals: Int) {
        let span = high - low
        guard span > 0, span.isFinite else { return (0, 1, 0.25, 2) }
        let raw = span / 5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let decimals = max(0, Int(-log10(step).rounded(.down)))
        return ((low / step).rounded(.down) * step, (high / step).rounded(.up) * step, step, decimals)
    }
}
