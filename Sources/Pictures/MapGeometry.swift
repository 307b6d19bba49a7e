import Foundation

/// The drawing of the départements, read from the file written by `scripts/build-map-geometry.py`
/// (`scenarios/france-relance-2020/geometry/departements.paths.tsv`). Coordinates are in the
/// file's own box (`width` × `height`, y down); mainland France is in Lambert-93, the overseas
/// départements and Paris are drawn in inset boxes (see docs/pictures.md).
public struct MapGeometry: Sendable, Equatable {
    public struct Departement: Sendable, Equatable {
        public let code: String
        public let name: String
        /// SVG path data; one département may have several subpaths (islands, the Paris zoom).
        public let path: String
        /// A point inside the département, for a label.
        public let labelX: Double
        public let labelY: Double
    }

    /// A framed box holding an overseas département or an enlargement, with its caption.
    public struct Inset: Sendable, Equatable {
        public let id: String
        public let x: Double
        public let y: Double
        public let width: Double
        public let height: Double
        public let caption: String
    }

    public let width: Double
    public let height: Double
    /// In file order (sorted by code).
    public let departements: [Departement]
    public let insets: [Inset]

    public init(width: Double, height: Double, departements: [Departement], insets: [Inset]) {
        self.width = width
        self.height = height
        self.departements = departements
        self.insets = insets
    }

    public var codes: [String] { departements.map(\.code) }

    public func departement(_ code: String) -> Departement? { departements.first { $0.code == code } }

    /// Reads and checks a geometry file. Throws `MapGeometryError` naming the file and line.
    public static func load(path: String) throws -> MapGeometry {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MapGeometryError(file: path, line: nil, message: "cannot read the map geometry file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MapGeometryError(file: path, line: nil, message: "not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Parses the text of a geometry file; `file` only names it in errors.
    public static func parse(_ text: String, file: String = "<geometry>") throws -> MapGeometry {
        var size: (Double, Double)?
        var departements: [Departement] = []
        var insets: [Inset] = []
        var seen: Set<String> = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            func fail(_ message: String) -> MapGeometryError {
                MapGeometryError(file: file, line: lineNumber, message: message)
            }
            func number(_ index: Int, _ what: String) throws -> Double {
                guard let value = Double(fields[index]), value.isFinite else {
                    throw fail("\(what) is not a number: \"\(fields[index])\"")
                }
                return value
            }
            switch fields[0] {
            case "viewbox":
                guard fields.count == 3 else { throw fail("a viewbox record has 3 fields (viewbox, width, height), found \(fields.count)") }
                guard size == nil else { throw fail("second viewbox record") }
                let w = try number(1, "width"), h = try number(2, "height")
                guard w > 0, h > 0 else { throw fail("width and height must be positive") }
                size = (w, h)
            case "inset":
                guard fields.count == 7 else { throw fail("an inset record has 7 fields (inset, id, x, y, width, height, caption), found \(fields.count)") }
                insets.append(Inset(id: fields[1], x: try number(2, "x"), y: try number(3, "y"),
                                    width: try number(4, "width"), height: try number(5, "height"), caption: fields[6]))
            case "dep":
                guard fields.count == 6 else { throw fail("a dep record has 6 fields (dep, code, name, label x, label y, path), found \(fields.count)") }
                let code = fields[1]
                guard !code.isEmpty else { throw fail("empty code") }
                guard !fields[2].isEmpty else { throw fail("empty name for code \(code)") }
                guard seen.insert(code).inserted else { throw fail("duplicate code \(code)") }
                let path = fields[5]
                guard path.first == "M", path.unicodeScalars.allSatisfy({ Self.pathCharacters.contains($0) }) else {
                    throw fail("path of \(code) is not SVG path data (M, l, z, numbers)")
                }
                departements.append(Departement(code: code, name: fields[2], path: path,
                                                labelX: try number(3, "label x"), labelY: try number(4, "label y")))
            default:
                throw fail("unknown record \"\(fields[0])\" (expected viewbox, inset or dep)")
            }
        }
        guard let size else { throw MapGeometryError(file: file, line: nil, message: "no viewbox record") }
        guard !departements.isEmpty else { throw MapGeometryError(file: file, line: nil, message: "no dep record") }
        return MapGeometry(width: size.0, height: size.1, departements: departements, insets: insets)
    }

    private static let pathCharacters = Set("MmLlHhVvZz0123456789.- ,".unicodeScalars)
}

public struct MapGeometryError: Error, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based line, nil for a problem with the whole file.
    public let line: Int?
    public let message: String

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
