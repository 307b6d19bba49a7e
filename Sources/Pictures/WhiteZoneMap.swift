import Foundation

/// The white-zone map: one point per commune, coloured by its access to a conseiller, mainland France and
/// Corsica in Lambert-93, each overseas département in its own inset box with a local projection.
/// Points are drawn as round dots of zero-length subpaths, one `<g>` per class holding a path for the mainland
/// and one for the insets (35,000 communes stay about 420 KB), coordinates rounded to 0.1 unit.
public enum WhiteZoneMap {
    /// A commune's access under a plan, drawn in this order (white zones last, on top).
    public enum Access: Int, Sendable, CaseIterable {
        /// At least one site with a post within reach, and a 2021 host (endowed or not) within reach too.
        case endowed
        /// At least one site with a post within reach, and no 2021 host: the plan's new sites brought it out of the
        /// 2021 hosts' white zone (which is this class and the white-zone communes no 2021 host reaches: a white-zone
        /// commune may have a host the plan left without posts).
        case endowedNew
        /// White zone, but a site without posts (an unendowed host or an unopened candidate) is within reach:
        /// one post there would close it.
        case siteWithoutPosts
        /// White zone with no site at all within reach.
        case noSite

        public var label: String {
            switch self {
            case .endowed: return "endowed site within reach"
            case .endowedNew: return "endowed site within reach, no 2021 host"
            case .siteWithoutPosts: return "white zone, site without posts in reach"
            case .noSite: return "white zone, no site in reach"
            }
        }

        public var color: String {
            switch self {
            case .endowed: return "#2c7fb8"
            case .endowedNew: return "#1a9850"
            case .siteWithoutPosts: return "#f59e0b"
            case .noSite: return "#d7191c"
            }
        }

        /// The SVG id of the class's `<g>`.
        public var id: String {
            switch self {
            case .endowed: return "access-endowed"
            case .endowedNew: return "access-endowed-new"
            case .siteWithoutPosts: return "access-site-without-posts"
            case .noSite: return "access-no-site"
            }
        }

        public var isWhiteZone: Bool { self == .siteWithoutPosts || self == .noSite }
    }

    public struct Point: Sendable, Equatable {
        public let latitude: Double?
        public let longitude: Double?
        /// Territory (département) code: the points of an overseas territory share one inset.
        public let territory: String
        /// Overseas territories have no Lambert-93 position: each is drawn in its own inset.
        public let overseas: Bool
        public let population: Int
        public let access: Access

        public init(
            latitude: Double?, longitude: Double?, territory: String, overseas: Bool, population: Int, access: Access
        ) {
            self.latitude = latitude
            self.longitude = longitude
            self.territory = territory
            self.overseas = overseas
            self.population = population
            self.access = access
        }
    }

    /// Communes and people per class, in `Access.allCases` order (all communes, drawn or not).
    public static func counts(_ points: [Point]) -> [(communes: Int, people: Int)] {
        var result = Array(repeating: (communes: 0, people: 0), count: Access.allCases.count)
        for point in points {
            result[point.access.rawValue].communes += 1
            result[point.access.rawValue].people += point.population
        }
        return result
    }

    static let mapWidth = 1000.0
    static let mapHeight = 754.0
    static let margin = 8.0
    static let insetWidth = 170.0
    static let mainlandLeft = insetWidth + 2 * margin + 12
    static let captionHeight = 16.0
    static let titleHeight = 56.0
    static let legendWidth = 300.0
    static let footerHeight = 26.0
    static let dotSize = 1.6

    /// The SVG document. `territoryNames` captions the insets ("Guadeloupe (971)"); `radiusKm` and
    /// `subtitle` are only written. `maxMinutes`: reach came from a travel-time table (`reach.table`), not the radius.
    public static func svg(
        points: [Point], radiusKm: Double, maxMinutes: Double? = nil, territoryNames: [String: String] = [:],
        subtitle: String? = nil,
        source: String =
            "Commune points: the scenario's demand table (see its SOURCES.md). Overseas départements in insets, not to scale."
    ) -> String {
        let counts = counts(points)
        let totalCommunes = points.count
        let totalPeople = points.reduce(0) { $0 + $1.population }
        let white = Access.allCases.filter(\.isWhiteZone)
        let whiteCommunes = white.reduce(0) { $0 + counts[$1.rawValue].communes }
        let whitePeople = white.reduce(0) { $0 + counts[$1.rawValue].people }
        let radius =
            maxMinutes.map { SVGText.number($0, decimals: $0.rounded() == $0 ? 0 : 1) + " minutes" }
            ?? SVGText.number(radiusKm, decimals: radiusKm.rounded() == radiusKm ? 0 : 1) + " km"
        let title =
            "White zones within \(radius): \(grouped(whiteCommunes)) of \(grouped(totalCommunes)) communes, "
            + "\(grouped(whitePeople)) of \(grouped(totalPeople)) people with no endowed site in reach"

        // Project every drawable point into the drawing: mainland by Lambert-93, overseas per territory.
        var drawn = [(x: Double, y: Double)?](repeating: nil, count: points.count)
        var mainland: [Int] = []
        var overseas: [String: [Int]] = [:]
        for (index, point) in points.enumerated() where point.latitude != nil && point.longitude != nil {
            if point.overseas { overseas[point.territory, default: []].append(index) } else { mainland.append(index) }
        }
        let mainBox = (
            x: mainlandLeft, y: margin, width: mapWidth - margin - mainlandLeft, height: mapHeight - 2 * margin
        )
        let projected = mainland.map {
            Lambert93.project(latitude: points[$0].latitude!, longitude: points[$0].longitude!)
        }
        for (index, position) in zip(mainland, fit(projected, into: mainBox)) { drawn[index] = position }

        var insets: [(x: Double, y: Double, width: Double, height: Double, caption: String)] = []
        let insetCodes = overseas.keys.sorted()
        if !insetCodes.isEmpty {
            let gap = 6.0
            let boxHeight = min(
                142.8, (mapHeight - 2 * margin - Double(insetCodes.count - 1) * gap) / Double(insetCodes.count))
            for (i, code) in insetCodes.enumerated() {
                let box = (x: margin, y: margin + Double(i) * (boxHeight + gap), width: insetWidth, height: boxHeight)
                insets.append(
                    (box.x, box.y, box.width, box.height, territoryNames[code].map { "\($0) (\(code))" } ?? code))
                let indices = overseas[code]!
                let latitudes = indices.map { points[$0].latitude! }
                // Local equirectangular: x shrunk by the cosine of the middle latitude, fine at an island's size.
                let k = cos((latitudes.min()! + latitudes.max()!) / 2 * Double.pi / 180)
                let local = indices.map { (x: points[$0].longitude! * k * 111_320, y: points[$0].latitude! * 110_574) }
                let inner = (
                    x: box.x + 6, y: box.y + captionHeight + 2, width: box.width - 12,
                    height: box.height - captionHeight - 8
                )
                for (index, position) in zip(indices, fit(local, into: inner)) { drawn[index] = position }
            }
        }

        let width = mapWidth + legendWidth
        let height = titleHeight + mapHeight + footerHeight
        var doc = SVGDocument(width: width, height: height)
        doc.text(title, x: 12, y: 24, size: 15, weight: "bold")
        if let subtitle { doc.text(subtitle, x: 12, y: 44, size: 12, fill: "#555555") }
        doc.add("<g transform=\"translate(0,\(SVGText.coordinate(titleHeight)))\">")
        for inset in insets {
            doc.add(
                "<rect x=\"\(SVGText.coordinate(inset.x))\" y=\"\(SVGText.coordinate(inset.y))\" width=\"\(SVGText.coordinate(inset.width))\" height=\"\(SVGText.coordinate(inset.height))\" fill=\"#ffffff\" stroke=\"#9a9a9a\" stroke-width=\"0.8\"/>"
            )
            doc.text(inset.caption, x: inset.x + 4, y: inset.y + 12, size: 10, fill: "#333333")
        }
        // One group per class: the mainland dots, then the inset dots drawn twice as big (a few dozen communes per
        // box).
        for access in Access.allCases {
            let members = points.indices.filter { points[$0].access == access && drawn[$0] != nil }
            doc.add(
                "<g id=\"\(access.id)\" fill=\"none\" stroke=\"\(access.color)\" stroke-linecap=\"round\"><title>\(SVGText.escape(access.label)): \(grouped(counts[access.rawValue].communes)) communes</title>"
            )
            for (part, size) in [(false, dotSize), (true, 2 * dotSize)] {
                let positions = members.filter { points[$0].overseas == part }.map { drawn[$0]! }
                if !positions.isEmpty {
                    doc.add("<path d=\"\(dots(positions))\" stroke-width=\"\(SVGText.coordinate(size))\"/>")
                }
            }
            doc.add("</g>")
        }
        doc.add("</g>")

        // Legend: one swatch per class with its communes and people.
        let legendX = mapWidth + 12
        var y = titleHeight + 24
        doc.text("Access to a conseiller", x: legendX, y: y, size: 13, weight: "bold")
        y += 10
        for access in Access.allCases {
            let count = counts[access.rawValue]
            doc.add(
                "<circle cx=\"\(SVGText.coordinate(legendX + 7))\" cy=\"\(SVGText.coordinate(y + 9))\" r=\"5\" fill=\"\(access.color)\"/>"
            )
            doc.text(access.label, x: legendX + 20, y: y + 13, size: 11)
            doc.add(
                "<text class=\"legend-count\" data-communes=\"\(count.communes)\" data-people=\"\(count.people)\" x=\"\(SVGText.coordinate(legendX + 20))\" y=\"\(SVGText.coordinate(y + 27))\" font-size=\"10\" fill=\"#666666\">\(grouped(count.communes)) communes, \(grouped(count.people)) people</text>"
            )
            y += 40
        }
        y += 10
        let undrawn = points.count - drawn.compactMap { $0 }.count
        var notes = [
            maxMinutes == nil
                ? "Each dot is a commune's point; a site reaches the communes whose points are within \(radius) (great circle)."
                : "Each dot is a commune's point; a site reaches the communes the reach table puts within \(radius) of it."
        ]
        if undrawn > 0 {
            notes.append(
                "\(grouped(undrawn)) commune\(undrawn == 1 ? "" : "s") without coordinates counted but not drawn.")
        }
        notes.append("Mainland and Corsica: Lambert-93.")
        for note in notes {
            for line in ChoroplethMap.wrap(note, width: 46) {
                doc.text(line, x: legendX, y: y, size: 9.5, fill: "#666666")
                y += 12
            }
            y += 3
        }
        doc.text(source, x: 12, y: height - 9, size: 9.5, fill: "#666666")
        return doc.render(title: title)
    }

    /// Affine map of projected points (y up) into a box (y down), keeping the aspect ratio, centred.
    /// A single point (or points all on one line) is centred rather than divided by zero.
    static func fit(
        _ points: [(x: Double, y: Double)], into box: (x: Double, y: Double, width: Double, height: Double)
    ) -> [(x: Double, y: Double)] {
        guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(),
            let minY = points.map(\.y).min(), let maxY = points.map(\.y).max()
        else { return [] }
        let spanX = maxX - minX, spanY = maxY - minY
        let scale = min(spanX > 0 ? box.width / spanX : .infinity, spanY > 0 ? box.height / spanY : .infinity)
        let s = scale.isFinite ? scale : 1
        let offsetX = box.x + (box.width - s * spanX) / 2
        let offsetY = box.y + (box.height - s * spanY) / 2
        return points.map { (x: offsetX + s * ($0.x - minX), y: offsetY + s * (maxY - $0.y)) }
    }

    /// Path data of round dots: "M x y h0" then relative moves "m dx dy h0", in tenths of a unit.
    static func dots(_ positions: [(x: Double, y: Double)]) -> String {
        var out = ""
        var previous: (Int, Int)?
        for position in positions {
            let point = (Int((position.x * 10).rounded()), Int((position.y * 10).rounded()))
            if let last = previous {
                out += "m\(tenths(point.0 - last.0)) \(tenths(point.1 - last.1))h0"
            } else {
                out += "M\(tenths(point.0)) \(tenths(point.1))h0"
            }
            previous = point
        }
        return out.isEmpty ? "M0 0" : out
    }

    static func tenths(_ value: Int) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    static func grouped(_ value: Int) -> String { SVGText.number(Double(value), decimals: 0, grouping: true) }
}
