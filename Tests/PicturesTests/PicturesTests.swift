import CommuneFixtures
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
@testable import Pictures  // map and chart geometry helpers (coordinate, niceAxis, insets)
import Scenario

enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let geometry = root.appendingPathComponent("scenarios/france-relance-2020/geometry/departements.paths.tsv")
        .path
}

/// The 101 département codes: 01…95 with 2A/2B for Corse (no 20), 971–974 and 976.
let expectedCodes: [String] = {
    var codes = (1...95).filter { $0 != 20 }.map { String(format: "%02d", $0) }
    codes += ["2A", "2B", "971", "972", "973", "974", "976"]
    return codes.sorted()
}()

func loadGeometry() throws -> MapGeometry { try MapGeometry.load(path: Paths.geometry) }

/// Parses `svg` with Foundation's XMLParser; returns the parse error, if any, and the elements seen.
final class XMLCheck: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var pathFills: [String: String] = [:]
    var titles: [String] = []
    private var inTitle = false
    private var text = ""

    static func parse(_ svg: String) -> (ok: Bool, error: String?, check: XMLCheck) {
        let check = XMLCheck()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = check
        let ok = parser.parse()
        return (ok, parser.parserError.map { "\($0) line \(parser.lineNumber) column \(parser.columnNumber)" }, check)
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements[name, default: 0] += 1
        if name == "path", let id = attributes["id"], let fill = attributes["fill"] { pathFills[id] = fill }
        if name == "title" { inTitle = true; text = "" }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inTitle { text += string } }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title" { inTitle = false; titles.append(text) }
    }
}

/// Runs rsvg-convert on `svg` in a temporary folder and returns the PNG's width and height.
func renderPNG(_ svg: String, name: String) throws -> (width: Int, height: Int, bytes: Int) {
    let tool = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    guard let tool else {
        Issue.record("rsvg-convert is missing: install the Debian package librsvg2-bin (scripts/setup)")
        return (0, 0, 0)
    }
    let dir = TestScratch.root.appendingPathComponent("pictures-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent(name + ".svg"), output = dir.appendingPathComponent(name + ".png")
    try Data(svg.utf8).write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = [input.path, "-o", output.path]
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "rsvg-convert failed: \(message)")
    let png = try Data(contentsOf: output)
    let bytes = [UInt8](png)
    #expect(bytes.count > 100)
    #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
    guard bytes.count >= 24 else { return (0, 0, bytes.count) }
    func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (be32(16), be32(20), bytes.count)
}

func attribute(_ name: String, of svg: String) -> String? {
    guard let start = svg.range(of: "<svg "), let range = svg[start.upperBound...].range(of: "\(name)=\"") else {
        return nil
    }
    let rest = svg[range.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
}

/// Every département with a value: its code's digits, to vary the colours.
func sampleValues(_ geometry: MapGeometry) -> [String: Double?] {
    var values: [String: Double?] = [:]
    for (index, dep) in geometry.departements.enumerated() { values[dep.code] = 2 + Double(index % 17) * 0.7 }
    return values
}

@Suite struct GeometryFileTests {
    @Test func hasTheHundredAndOneDepartements() throws {
        let geometry = try loadGeometry()
        #expect(geometry.codes == expectedCodes)
        #expect(geometry.departements.count == 101)
        #expect(geometry.width == 1000)
        #expect(geometry.height > 600 && geometry.height < 900)
        #expect(geometry.departement("22")?.name == "Côtes-d'Armor")
        #expect(geometry.departement("974")?.name == "La Réunion")
        // every label point inside the drawing, every path non-trivial
        for dep in geometry.departements {
            #expect(
                dep.labelX >= 0 && dep.labelX <= geometry.width && dep.labelY >= 0 && dep.labelY <= geometry.height,
                "\(dep.code)")
            #expect(dep.path.count > 20, "\(dep.code)")
        }
    }

    @Test func hasTheOverseasAndParisInsets() throws {
        let geometry = try loadGeometry()
        #expect(geometry.insets.map(\.id) == ["paris", "971", "972", "973", "974", "976"])
        for code in ["971", "972", "973", "974", "976"] {
            let inset = try #require(geometry.insets.first { $0.id == code })
            #expect(inset.caption.contains(code))
            let dep = try #require(geometry.departement(code))
            #expect(
                dep.labelX > inset.x && dep.labelX < inset.x + inset.width && dep.labelY > inset.y
                    && dep.labelY < inset.y + inset.height)
        }
    }

    @Test func isSmall() throws {
        let size = try FileManager.default.attributesOfItem(atPath: Paths.geometry)[.size] as? Int ?? 0
        #expect(size > 50_000 && size < 300_000)
    }

    @Test func malformedLinesNameFileLineAndColumn() throws {
        let good = "# comment\nviewbox\t100\t80\ndep\t01\tAin\t5\t5\tM1 1l2 0 0 2z\n"
        #expect(try MapGeometry.parse(good, file: "g.tsv").codes == ["01"])
        // The column is where the wrong field starts (1 for a record that is wrong as a whole).
        let cases: [(String, Int?, Int?, String)] = [
            ("viewbox\t100\t80\ndep\t01\tAin\t5\tM1 1l2 0 0 2z\n", 2, 1, "6 fields"),
            ("viewbox\t100\t80\ndep\t01\tAin\tx\t5\tM1 1l2 0 0 2z\n", 2, 12, "label x is not a number"),
            (
                "viewbox\t100\t80\ndep\t01\tAin\t5\t5\tM1 1l2 0 0 2z\ndep\t01\tAin\t5\t5\tM1 1l2 0 0 2z\n", 3, 5,
                "duplicate code 01"
            ),
            ("viewbox\t100\t80\ndep\t01\tAin\t5\t5\t<script>\n", 2, 16, "not SVG path data"),
            ("viewbox\t100\t80\npoint\t1\n", 2, 1, "unknown record"),
            ("dep\t01\tAin\t5\t5\tM1 1l2 0 0 2z\n", nil, nil, "no viewbox"),
        ]
        for (text, line, column, message) in cases {
            do {
                _ = try MapGeometry.parse(text, file: "g.tsv")
                Issue.record("accepted: \(text)")
            } catch let error as MapGeometryError {
                #expect(error.file == "g.tsv")
                #expect(error.line == line && error.column == column, "\(error)")
                #expect(error.description.contains(message), "\(error)")
                if let line, let column {
                    #expect(error.description.hasPrefix("g.tsv:\(line):\(column): "), "\(error)")
                }
            }
        }
        #expect(throws: MapGeometryError.self) { try MapGeometry.load(path: "/nonexistent/geometry.tsv") }
    }

    /// A file that is not UTF-8 is refused at its first invalid byte, with the path said once.
    @Test func notUTF8IsRefusedAtItsByte() throws {
        let file = TestScratch.root.appendingPathComponent("geometry-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("viewbox\t100\t80\ndep\t01\tC".utf8 + [0xF4, 0x74] + Data("e\t5\t5\tM1 1z\n".utf8)).write(to: file)
        do {
            _ = try MapGeometry.load(path: file.path)
            Issue.record("accepted a Latin-1 file")
        } catch let error as MapGeometryError {
            #expect(
                error.description
                    == "\(file.path):2:9: byte 0xF4 is not valid UTF-8: the map geometry file must be UTF-8 text")
        }
    }
}

@Suite struct ChoroplethMapTests {
    @Test func isWellFormedAndRenders() throws {
        let geometry = try loadGeometry()
        var values = sampleValues(geometry)
        values["2A"] = .some(nil)  // a missing value
        values.removeValue(forKey: "976")  // and an absent one
        let svg = ChoroplethMap.svg(
            geometry: geometry, values: values, title: "Posts per 100,000 inhabitants",
            legendTitle: "Posts per 100,000 inhabitants", classes: .quantiles(5))
        let parsed = XMLCheck.parse(svg)
        #expect(parsed.ok, "\(parsed.error ?? "")")
        #expect(parsed.check.elements["path"] == 101)
        #expect(parsed.check.pathFills["dep-2A"] == "url(#nodata)")
        #expect(parsed.check.pathFills["dep-976"] == "url(#nodata)")
        #expect(parsed.check.pathFills["dep-01"]?.hasPrefix("#") == true)
        #expect(parsed.check.titles.contains("Côtes-d'Armor (22): \(SVGText.number(values["22"]!!, decimals: 1))"))
        #expect(parsed.check.titles.contains("Corse-du-Sud (2A): no data"))
        #expect(svg.contains("Guadeloupe (971)") && svg.contains("Mayotte (976)") && svg.contains("no data"))
        #expect(svg.contains("Côtes-d&apos;Armor"))
        let width = try #require(attribute("width", of: svg).flatMap(Int.init))
        let height = try #require(attribute("height", of: svg).flatMap(Int.init))
        #expect(attribute("viewBox", of: svg) == "0 0 \(width) \(height)")
        let png = try renderPNG(svg, name: "map")
        #expect(png.width == width && png.height == height)
    }

    @Test func divergingMapIsWellFormedAndRenders() throws {
        let geometry = try loadGeometry()
        var values: [String: Double?] = [:]
        for (index, dep) in geometry.departements.enumerated() { values[dep.code] = Double(index % 13) - 6 }
        let svg = ChoroplethMap.svg(
            geometry: geometry, values: values, title: "Change against 2021",
            legendTitle: "Posts, plan minus 2021", palette: .diverging, classes: .fixed([2, 4]), decimals: 0)
        let parsed = XMLCheck.parse(svg)
        #expect(parsed.ok, "\(parsed.error ?? "")")
        let zero = try #require(geometry.departements.enumerated().first { $0.offset % 13 == 6 }?.element.code)
        #expect(parsed.check.pathFills["dep-\(zero)"] == ChoroplethMap.zeroColor)
        #expect(parsed.check.titles.contains { $0.hasSuffix(": +6") })
        let png = try renderPNG(svg, name: "change")
        #expect(png.width == Int(geometry.width + ChoroplethMap.legendWidth))
    }

    @Test func aValueChangeRecoloursThatDepartementOnly() throws {
        let geometry = try loadGeometry()
        let values = sampleValues(geometry)
        let classes = MapClasses.fixed([3, 5, 7, 9])
        let before = XMLCheck.parse(
            ChoroplethMap.svg(geometry: geometry, values: values, title: "t", legendTitle: "l", classes: classes)
        ).check.pathFills
        var changed = values
        changed["33"] = 0.5  // to the bottom class ("up to 3.0")
        let after = XMLCheck.parse(
            ChoroplethMap.svg(geometry: geometry, values: changed, title: "t", legendTitle: "l", classes: classes)
        ).check.pathFills
        #expect(before.count == 101 && after.count == 101)
        let differing = before.keys.filter { before[$0] != after[$0] }
        #expect(differing == ["dep-33"])
    }

    @Test func escapesNamesAndTitles() throws {
        let geometry = MapGeometry(
            width: 100, height: 80,
            departements: [
                .init(
                    code: "X&1", name: "Côtes-d'Armor & <Nord> \"Ouest\"", path: "M1 1l20 0 0 20z", labelX: 5, labelY: 5
                )
            ], insets: [.init(id: "i", x: 0, y: 0, width: 50, height: 50, caption: "R&D <inset>")])
        let svg = ChoroplethMap.svg(
            geometry: geometry, values: ["X&1": 1.5], title: "A & B < C", legendTitle: "l'unité \"x\"")
        let parsed = XMLCheck.parse(svg)
        #expect(parsed.ok, "\(parsed.error ?? "")")
        #expect(parsed.check.titles.contains("Côtes-d'Armor & <Nord> \"Ouest\" (X&1): 1.5"))
        #expect(parsed.check.titles.contains("A & B < C"))
        #expect(svg.contains("Côtes-d&apos;Armor &amp; &lt;Nord&gt; &quot;Ouest&quot;"))
        #expect(!svg.contains("R&D"))
        #expect(SVGText.escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&apos;f")
    }

    @Test func isDeterministic() throws {
        let geometry = try loadGeometry()
        let values = sampleValues(geometry)
        let first = ChoroplethMap.svg(geometry: geometry, values: values, title: "t", legendTitle: "l")
        let shuffled = Dictionary(uniqueKeysWithValues: values.shuffled().map { ($0.key, $0.value) })
        let second = ChoroplethMap.svg(geometry: try loadGeometry(), values: shuffled, title: "t", legendTitle: "l")
        #expect(Data(first.utf8) == Data(second.utf8))
    }

    @Test func quantileClassesAndLabels() {
        let values = (1...20).map(Double.init)
        let legend = ChoroplethMap.legend(values: values, palette: .sequential, classes: .quantiles(4), decimals: 0)
        #expect(legend.map(\.label) == ["up to 5", "6 to 10", "11 to 15", "16 or more"])
        #expect(Set(legend.map(\.color)).count == 4)
        let diverging = ChoroplethMap.legend(
            values: [-7, -3, 0, 2, 9], palette: .diverging, classes: .fixed([5]), decimals: 0)
        #expect(diverging.map(\.label) == ["-6 or less", "-5 to -1", "0", "+1 to +5", "+6 or more"])
        #expect(diverging[2].color == ChoroplethMap.zeroColor)
        // a single value or none still gives a usable legend
        #expect(ChoroplethMap.legend(values: [3], palette: .sequential, classes: .quantiles(5)).count == 1)
        #expect(ChoroplethMap.legend(values: [], palette: .diverging, classes: .quantiles(3)).count == 3)
    }
}

@Suite struct BarChartTests {
    @Test func isWellFormedRendersAndEscapes() throws {
        let rows: [(label: String, value: Double)] = [
            ("Optimised plan", 2_200_883), ("Proportional to population", 1_987_000),
            ("Real 2021 & \"Côtes-d'Armor\" <x>", 2_012_000), ("Missing", .nan),
        ]
        let svg = BarChart.svg(rows: rows, title: "People accompanied", unit: "people", highlight: ["Optimised plan"])
        let parsed = XMLCheck.parse(svg)
        #expect(parsed.ok, "\(parsed.error ?? "")")
        #expect(parsed.check.elements["rect"] == 4)  // background + 3 finite bars
        #expect(parsed.check.titles.contains("Optimised plan: 2,200,883 people"))
        #expect(svg.contains("2,200,883") && svg.contains("n/a"))
        #expect(
            svg == BarChart.svg(rows: rows, title: "People accompanied", unit: "people", highlight: ["Optimised plan"]))
        let width = try #require(attribute("width", of: svg).flatMap(Double.init))
        let height = try #require(attribute("height", of: svg).flatMap(Double.init))
        let png = try renderPNG(svg, name: "chart")
        #expect(png.width == Int(width.rounded(.up)) && png.height == Int(height.rounded(.up)))
    }

    @Test func negativeValuesAndAxis() {
        let axis = BarChart.niceAxis(low: -3, high: 17)
        #expect(axis.low == -5 && axis.high == 20 && axis.step == 5)
        let svg = BarChart.svg(rows: [("a", -3), ("b", 17)], title: "t", unit: "u")
        #expect(XMLCheck.parse(svg).ok)
    }
}

@Suite struct NumberFormattingTests {
    @Test func fixedDecimalsWithoutLocale() {
        #expect(SVGText.number(1234567.891, decimals: 2, grouping: true) == "1,234,567.89")
        #expect(SVGText.number(-0.04, decimals: 1) == "0.0")
        #expect(SVGText.number(2.5, decimals: 0) == "3")
        #expect(SVGText.number(-2.5, decimals: 0) == "-3")
        #expect(SVGText.number(3, decimals: 0, plusSign: true) == "+3")
        #expect(SVGText.number(0, decimals: 0, plusSign: true) == "0")
        #expect(SVGText.number(0.05, decimals: 3) == "0.050")
        #expect(SVGText.number(.infinity, decimals: 1) == "n/a")
        #expect(SVGText.coordinate(12.50) == "12.5" && SVGText.coordinate(3) == "3")
    }
}

@Suite struct MapValuesTests {
    @Test func perHundredThousandAndChange() {
        let territories = [
            Territory(
                code: "01", name: "Ain", regionCode: "84", regionName: "ARA", overseas: false, population: 200_000,
                population15Plus: 150_000, population75Plus: 20_000, fragilityIndex: 5, posts2021: 10),
            Territory(
                code: "02", name: "Aisne", regionCode: "32", regionName: "HdF", overseas: false, population: 0,
                population15Plus: 0, population75Plus: 0, fragilityIndex: 5),
        ]
        let per100k = MapValues.postsPer100k(territories: territories, posts: ["01": 12])
        #expect(per100k["01"] == .some(6.0))
        #expect(per100k["02"] == .some(nil))
        #expect(per100k.count == 2)
        let change = MapValues.changeVs2021(territories: territories, posts: ["01": 12])
        #expect(change["01"] == .some(2.0))
        #expect(change["02"] == .some(nil))
        #expect(MapValues.changePer100kVs2021(territories: territories, posts: ["01": 12])["01"] == .some(1.0))
    }
}
