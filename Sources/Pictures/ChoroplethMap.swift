import Foundation

/// Colours of a choropleth map.
public enum MapPalette: Sendable, Equatable {
    /// Light to dark (ColorBrewer YlGnBu): for a quantity like posts per 100,000 inhabitants.
    case sequential
    /// Reds below zero, a neutral grey for exactly zero, blues above (ColorBrewer RdBu): for a change.
    case diverging
}

/// How values are cut into classes. Values are first rounded to the map's `decimals` (the precision
/// shown in the legend and in the hover titles), then a class holds the values `v` with
/// previous break < v ≤ its break (upper bound included).
public enum MapClasses: Sendable, Equatable {
    /// `count` classes holding about as many départements each: breaks at the i/count quantiles
    /// (nearest rank) of the values present, rounded to `decimals`; equal breaks are merged.
    /// With the diverging palette, the quantiles are those of |v| over non-zero values, used
    /// symmetrically on both sides of zero (`count` classes per side).
    case quantiles(Int)
    /// Given breaks (upper bounds of all classes but the last). With the diverging palette, give
    /// positive breaks only: they are mirrored below zero.
    case fixed([Double])
}

/// One class of a legend.
public struct MapClass: Sendable, Equatable {
    public let label: String
    public let color: String
    /// Départements in this class.
    public let count: Int
}

/// A choropleth map of the départements as a standalone SVG document.
public enum ChoroplethMap {
    public static let missingColor = "#d9d9d9"
    static let sequentialStops = [
        "#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58",
    ]
    static let negativeStops = ["#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f"]
    static let positiveStops = ["#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"]
    static let zeroColor = "#f7f7f7"
    static let titleHeight = 56.0
    static let legendWidth = 270.0
    static let footerHeight = 26.0

    /// Draws `geometry` coloured by `values` (keyed by département code; a missing key, `nil` or a
    /// non-finite value is drawn hatched grey as "no data"; keys that are not in the geometry are
    /// ignored). Each département carries a `<title>` "name (code): value" shown on hover.
    public static func svg(
        geometry: MapGeometry, values: [String: Double?], title: String, legendTitle: String,
        palette: MapPalette = .sequential, classes: MapClasses = .quantiles(5),
        decimals: Int = 1, subtitle: String? = nil,
        source: String =
            "Map: IGN Admin Express 2018 (Licence Ouverte). Overseas départements and Paris enlarged, not to scale."
    ) -> String {
        let present: [String: Double] = geometry.departements.reduce(into: [:]) { result, dep in
            if let value = values[dep.code] ?? nil, value.isFinite { result[dep.code] = rounded(value, decimals) }
        }
        let scale = ColorScale(values: present.values.sorted(), palette: palette, classes: classes, decimals: decimals)

        let width = geometry.width + legendWidth
        let height = titleHeight + geometry.height + footerHeight
        var doc = SVGDocument(width: width, height: height)
        doc.text(title, x: 12, y: 24, size: 18, weight: "bold")
        if let subtitle { doc.text(subtitle, x: 12, y: 44, size: 12, fill: "#555555") }

        doc.add("<g transform=\"translate(0,\(SVGText.coordinate(titleHeight)))\">")
        for inset in geometry.insets {
            doc.add(
                "<rect x=\"\(SVGText.coordinate(inset.x))\" y=\"\(SVGText.coordinate(inset.y))\" width=\"\(SVGText.coordinate(inset.width))\" height=\"\(SVGText.coordinate(inset.height))\" fill=\"#ffffff\" stroke=\"#9a9a9a\" stroke-width=\"0.8\"/>"
            )
        }
        doc.add("<g stroke=\"#6e6e6e\" stroke-width=\"0.4\" stroke-linejoin=\"round\">")
        var counts = Array(repeating: 0, count: scale.colors.count)
        var missing = 0
        for dep in geometry.departements {
            let fill: String
            let shown: String
            if let value = present[dep.code] {
                let index = scale.classIndex(value)
                counts[index] += 1
                fill = scale.colors[index]
                shown = SVGText.number(value, decimals: decimals, grouping: true, plusSign: palette == .diverging)
            } else {
                missing += 1
                fill = "url(#nodata)"
                shown = "no data"
            }
            let tooltip = "\(dep.name) (\(dep.code)): \(shown)"
            doc.add(
                "<path id=\"dep-\(SVGText.escape(dep.code))\" d=\"\(dep.path)\" fill=\"\(fill)\"><title>\(SVGText.escape(tooltip))</title></path>"
            )
        }
        doc.add("</g>")
        for inset in geometry.insets {
            doc.text(inset.caption, x: inset.x + 4, y: inset.y + 12, size: 10, fill: "#333333")
        }
        doc.add("</g>")

        // Legend, right of the map.
        let legendX = geometry.width + 16
        var y = titleHeight + 24
        for line in wrap(legendTitle, width: 28) {
            doc.text(line, x: legendX, y: y, size: 13, weight: "bold")
            y += 17
        }
        y += 4
        var entries = zip(zip(scale.labels, scale.colors), counts).map {
            MapClass(label: $0.0.0, color: $0.0.1, count: $0.1)
        }
        if missing > 0 { entries.append(MapClass(label: "no data", color: "url(#nodata)", count: missing)) }
        for entry in entries {
            doc.add(
                "<rect x=\"\(SVGText.coordinate(legendX))\" y=\"\(SVGText.coordinate(y))\" width=\"26\" height=\"16\" fill=\"\(entry.color)\" stroke=\"#7f7f7f\" stroke-width=\"0.6\"/>"
            )
            let departements = entry.count == 1 ? "1 département" : "\(entry.count) départements"
            doc.text(entry.label, x: legendX + 34, y: y + 12.5, size: 12)
            doc.text(departements, x: legendX + 246, y: y + 12.5, size: 10, anchor: "end", fill: "#666666")
            y += 22
        }
        y += 6
        let note = "A class holds the values above the previous class and up to its own bound, as rounded here."
        for line in wrap(note, width: 40) {
            doc.text(line, x: legendX, y: y, size: 9.5, fill: "#666666")
            y += 12
        }
        doc.text(source, x: 12, y: height - 9, size: 9.5, fill: "#666666")

        let defs = [
            "<pattern id=\"nodata\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\" patternTransform=\"rotate(45)\">",
            "<rect width=\"5\" height=\"5\" fill=\"\(missingColor)\"/>",
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"#8c8c8c\" stroke-width=\"1.6\"/>",
            "</pattern>",
        ]
        return doc.render(title: title, defs: defs)
    }

    /// The legend classes (label, colour) the map would draw for these values, for tests and reports.
    public static func legend(
        values: [Double], palette: MapPalette, classes: MapClasses, decimals: Int = 1
    ) -> [(label: String, color: String)] {
        let scale = ColorScale(
            values: values.filter(\.isFinite).map { rounded($0, decimals) }.sorted(),
            palette: palette, classes: classes, decimals: decimals)
        return Array(zip(scale.labels, scale.colors)).map { (label: $0.0, color: $0.1) }
    }

    static func rounded(_ value: Double, _ decimals: Int) -> Double {
        Double(SVGText.number(value, decimals: decimals)) ?? value
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

/// Class breaks, labels and colours for one map.
struct ColorScale {
    let palette: MapPalette
    let decimals: Int
    /// Sequential: upper bounds of all classes but the last. Diverging: positive bounds, mirrored.
    let breaks: [Double]
    let labels: [String]
    let colors: [String]

    init(values: [Double], palette: MapPalette, classes: MapClasses, decimals: Int) {
        self.palette = palette
        self.decimals = decimals
        let basis: [Double]
        switch palette {
        case .sequential: basis = values
        case .diverging: basis = values.filter { $0 != 0 }.map(abs).sorted()
        }
        var cuts: [Double]
        switch classes {
        case .quantiles(let count):
            let k = max(1, count)
            cuts = []
            if !basis.isEmpty {
                for i in 1..<k {
                    let rank = Int((Double(i * basis.count) / Double(k)).rounded(.up))
                    cuts.append(ChoroplethMap.rounded(basis[max(0, min(basis.count - 1, rank - 1))], decimals))
                }
                // a bound at (or above) the largest value would leave the last class empty
                cuts = cuts.filter { $0 < basis[basis.count - 1] }
            }
        case .fixed(let given):
            cuts = given.filter(\.isFinite).map { ChoroplethMap.rounded($0, decimals) }
            if palette == .diverging { cuts = cuts.filter { $0 > 0 } }
        }
        cuts = Array(Set(cuts)).sorted()
        breaks = cuts

        let step = pow(10, -Double(max(0, min(decimals, 9))))
        func show(_ v: Double, plus: Bool) -> String {
            SVGText.number(v, decimals: decimals, grouping: true, plusSign: plus)
        }
        func range(_ low: Double, _ high: Double, plus: Bool) -> String {
            let lowText = show(low, plus: plus), highText = show(high, plus: plus)
            return lowText == highText ? lowText : "\(lowText) to \(highText)"
        }
        var sideLabels: [String] = []  // sequential: all classes; diverging: positive side
        let plus = palette == .diverging
        if cuts.isEmpty {
            sideLabels = [palette == .diverging ? "above 0" : "all values"]
        } else {
            sideLabels.append(
                palette == .diverging ? range(step, cuts[0], plus: true) : "up to \(show(cuts[0], plus: false))")
            for i in 1..<cuts.count { sideLabels.append(range(cuts[i - 1] + step, cuts[i], plus: plus)) }
            sideLabels.append("\(show(cuts[cuts.count - 1] + step, plus: plus)) or more")
        }
        switch palette {
        case .sequential:
            labels = sideLabels
            colors = ColorScale.ramp(ChoroplethMap.sequentialStops, count: sideLabels.count, from: 0.5)
        case .diverging:
            var negative: [String] = []
            if cuts.isEmpty {
                negative = ["below 0"]
            } else {
                negative.append("\(show(-(cuts[cuts.count - 1] + step), plus: true)) or less")
                for i in stride(from: cuts.count - 1, through: 1, by: -1) {
                    negative.append(range(-cuts[i], -(cuts[i - 1] + step), plus: true))
                }
                negative.append(range(-cuts[0], -step, plus: true))
            }
            labels = negative + ["0"] + sideLabels
            let side = sideLabels.count
            colors =
                Array(ColorScale.ramp(ChoroplethMap.negativeStops, count: side, from: 0).reversed())
                + [ChoroplethMap.zeroColor] + ColorScale.ramp(ChoroplethMap.positiveStops, count: side, from: 0)
        }
    }

    /// Index in `labels`/`colors` of a value already rounded to `decimals`.
    func classIndex(_ value: Double) -> Int {
        func side(_ v: Double) -> Int { breaks.firstIndex { v <= $0 } ?? breaks.count }
        switch palette {
        case .sequential: return side(value)
        case .diverging:
            let perSide = breaks.count + 1
            if value == 0 { return perSide }
            if value > 0 { return perSide + 1 + side(value) }
            return perSide - 1 - side(-value)
        }
    }

    /// `count` colours spread over `stops` (from position `from`, in stop units, to the last stop),
    /// linearly interpolated in sRGB; a fixed computation, so the same for every run.
    static func ramp(_ stops: [String], count: Int, from: Double) -> [String] {
        let rgb = stops.map { hex -> (Double, Double, Double) in
            let v = Int(hex.dropFirst(), radix: 16) ?? 0
            return (Double((v >> 16) & 255), Double((v >> 8) & 255), Double(v & 255))
        }
        let last = Double(stops.count - 1)
        return (0..<count).map { i in
            let t = count == 1 ? (from + last) / 2 : from + (last - from) * Double(i) / Double(count - 1)
            let lower = min(Int(t.rounded(.down)), stops.count - 2)
            let f = t - Double(lower)
            let a = rgb[lower], b = rgb[lower + 1]
            func channel(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded(.toNearestOrAwayFromZero)) }
            let value = (channel(a.0, b.0) << 16) | (channel(a.1, b.1) << 8) | channel(a.2, b.2)
            let hex = String(value, radix: 16)
            return "#" + String(repeating: "0", count: 6 - hex.count) + hex
        }
    }
}
