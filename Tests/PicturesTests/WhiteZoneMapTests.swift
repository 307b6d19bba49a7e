import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
import Pictures

/// Collects the class groups (id → the data of their paths, mainland then insets) and the legend's exact counts of a
/// white-zone map.
final class WhiteZoneXML: NSObject, XMLParserDelegate {
    var paths: [String: String] = [:]
    var legend: [(communes: Int, people: Int)] = []

    static func parse(_ svg: String) -> (ok: Bool, error: String?, check: WhiteZoneXML) {
        let check = WhiteZoneXML()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = check
        let ok = parser.parse()
        return (ok, parser.parserError.map { "\($0) line \(parser.lineNumber)" }, check)
    }

    private var group: String?
    /// Groups with an `access-` id, in document order.
    var groups: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if name == "g", let id = attributes["id"], id.hasPrefix("access-") {
            group = id; groups.append(id); paths[id] = paths[id] ?? ""
        }
        if name == "path", let group { paths[group, default: ""] += attributes["d"] ?? "" }
        if name == "text", attributes["class"] == "legend-count" {
            legend.append((Int(attributes["data-communes"] ?? "") ?? -1, Int(attributes["data-people"] ?? "") ?? -1))
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "g" { group = nil }
    }

    /// Dots in a class path: every dot is one zero-length "h0" subpath.
    func dots(_ id: String) -> Int { paths[id]?.components(separatedBy: "h0").count.advanced(by: -1) ?? -1 }

    /// Absolute positions of the dots of a path written as "M x y h0" then "m dx dy h0".
    func positions(_ id: String) -> [(x: Double, y: Double)] {
        var result: [(x: Double, y: Double)] = []
        for piece in (paths[id] ?? "").components(separatedBy: "h0") where !piece.isEmpty {
            let relative = piece.hasPrefix("m")
            let numbers = piece.dropFirst().split(separator: " ").compactMap { Double($0) }
            guard numbers.count == 2 else { continue }
            if relative, let last = result.last {
                result.append((last.x + numbers[0], last.y + numbers[1]))
            } else {
                result.append((numbers[0], numbers[1]))
            }
        }
        return result
    }
}

@Suite struct WhiteZoneMapTests {
    /// The origin of Lambert-93 is (46.5° N, 3° E) → (700,000, 6,600,000); Notre-Dame de Paris (48.8530° N, 2.3499° E)
    /// is at about (652,000, 6,862,000) on IGN maps; east is +x and north is +y.
    @Test func lambert93MatchesReferencePoints() {
        let origin = Lambert93.project(latitude: 46.5, longitude: 3)
        #expect(abs(origin.x - 700_000) < 1e-6 && abs(origin.y - 6_600_000) < 1e-6)
        let notreDame = Lambert93.project(latitude: 48.8530, longitude: 2.3499)
        #expect(abs(notreDame.x - 652_000) < 1_000 && abs(notreDame.y - 6_862_000) < 1_000, "\(notreDame)")
        let brest = Lambert93.project(latitude: 48.39, longitude: -4.49),
            strasbourg = Lambert93.project(latitude: 48.58, longitude: 7.75)
        let marseille = Lambert93.project(latitude: 43.30, longitude: 5.37)
        #expect(brest.x < notreDame.x && notreDame.x < strasbourg.x && marseille.y < notreDame.y)
    }

    /// A conformal conic with two standard parallels keeps lengths exactly along 44° and 49° (scale factor 1) and
    /// shrinks them between (about 0.9990 at 46.5°): a short east–west step against the ellipsoid's parallel arc
    /// N(φ)·cos φ·Δλ, N = a / √(1 − e² sin² φ) (GRS80).
    @Test func lambert93KeepsLengthsOnItsStandardParallels() {
        func scale(_ latitude: Double) -> Double {
            let step = 0.001
            let a = Lambert93.project(latitude: latitude, longitude: 3),
                b = Lambert93.project(latitude: latitude, longitude: 3 + step)
            let phi = latitude * Double.pi / 180
            let e2 = 0.006_694_380_022_90
            let n = 6_378_137.0 / (1 - e2 * sin(phi) * sin(phi)).squareRoot()
            return ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                / (n * cos(phi) * step * Double.pi / 180)
        }
        #expect(abs(scale(44) - 1) < 1e-6 && abs(scale(49) - 1) < 1e-6)
        #expect(scale(46.5) < 0.9995 && scale(46.5) > 0.998)
    }

    /// Hand-made input: four mainland communes (Paris, Brest, Strasbourg, Marseille), two in Guadeloupe, one
    /// without coordinates. Classes: endowed {Paris, Brest, Pointe-à-Pitre} 3 communes 2,100 people; site
    /// without posts {Strasbourg} 1 / 300; no site {Marseille, Basse-Terre, no coordinates} 3 / 470.
    static let points: [WhiteZoneMap.Point] = [
        .init(
            latitude: 48.8530, longitude: 2.3499, territory: "75", overseas: false, population: 1000, access: .endowed),
        .init(latitude: 48.39, longitude: -4.49, territory: "29", overseas: false, population: 800, access: .endowed),
        .init(
            latitude: 48.58, longitude: 7.75, territory: "67", overseas: false, population: 300,
            access: .siteWithoutPosts),
        .init(latitude: 43.30, longitude: 5.37, territory: "13", overseas: false, population: 200, access: .noSite),
        .init(latitude: 16.24, longitude: -61.53, territory: "971", overseas: true, population: 300, access: .endowed),
        .init(latitude: 15.99, longitude: -61.73, territory: "971", overseas: true, population: 250, access: .noSite),
        .init(latitude: nil, longitude: nil, territory: "13", overseas: false, population: 20, access: .noSite),
    ]

    @Test func svgIsWellFormedWithOneMarkPerClassAndTheLegendCounts() throws {
        let svg = WhiteZoneMap.svg(points: Self.points, radiusKm: 15, territoryNames: ["971": "Guadeloupe"])
        let (ok, error, check) = WhiteZoneXML.parse(svg)
        #expect(ok, "\(error ?? "")")
        #expect(
            check.groups == ["access-endowed", "access-endowed-new", "access-site-without-posts", "access-no-site"])
        #expect(
            check.dots("access-endowed") == 3 && check.dots("access-site-without-posts") == 1
                && check.dots("access-no-site") == 2)
        #expect(check.legend.map(\.communes) == [3, 0, 1, 3] && check.legend.map(\.people) == [2100, 0, 300, 470])
        #expect(svg.contains("White zones within 15 km: 4 of 7 communes, 770 of 2,870 people"))
        #expect(svg.contains("Guadeloupe (971)") && svg.contains("1 commune without coordinates"))
        // Same input, same bytes.
        #expect(svg == WhiteZoneMap.svg(points: Self.points, radiusKm: 15, territoryNames: ["971": "Guadeloupe"]))
    }

    /// North up, east right, the overseas commune in its inset box on the left (x < 186), mainland to its right.
    @Test func pointsLandWhereTheyShould() throws {
        let (_, _, check) = WhiteZoneXML.parse(WhiteZoneMap.svg(points: Self.points, radiusKm: 15))
        let endowed = check.positions("access-endowed")  // Paris, Brest, Pointe-à-Pitre in input order
        let white = check.positions("access-no-site")  // Marseille, Basse-Terre
        #expect(endowed.count == 3 && white.count == 2)
        guard endowed.count == 3, white.count == 2 else { return }
        let (paris, brest, pointeAPitre) = (endowed[0], endowed[1], endowed[2])
        let (marseille, basseTerre) = (white[0], white[1])
        #expect(brest.x < paris.x && paris.y < marseille.y)
        #expect(pointeAPitre.x < 186 && basseTerre.x < 186 && paris.x > 186 && brest.x >= 198 - 0.05)
        #expect(basseTerre.y > pointeAPitre.y && basseTerre.x < pointeAPitre.x)
    }

    /// A commune with no site within reach is drawn in the white-zone path and counted as white, never as endowed;
    /// turning it endowed moves its dot to the endowed path.
    @Test func aWhiteZoneCommuneGetsTheWhiteZoneClass() throws {
        let lone = WhiteZoneMap.Point(
            latitude: 45.0, longitude: 2.0, territory: "15", overseas: false, population: 42, access: .noSite)
        let (_, _, white) = WhiteZoneXML.parse(WhiteZoneMap.svg(points: [lone], radiusKm: 10))
        #expect(white.dots("access-no-site") == 1 && white.dots("access-endowed") == 0)
        #expect(white.legend.map(\.communes) == [0, 0, 0, 1])
        #expect(
            WhiteZoneMap.Access.noSite.isWhiteZone && WhiteZoneMap.Access.siteWithoutPosts.isWhiteZone
                && !WhiteZoneMap.Access.endowedNew.isWhiteZone
                && !WhiteZoneMap.Access.endowed.isWhiteZone)
        let endowed = WhiteZoneMap.Point(
            latitude: 45.0, longitude: 2.0, territory: "15", overseas: false, population: 42, access: .endowed)
        let (_, _, blue) = WhiteZoneXML.parse(WhiteZoneMap.svg(points: [endowed], radiusKm: 10))
        #expect(blue.dots("access-no-site") == 0 && blue.dots("access-endowed") == 1)
    }
}
