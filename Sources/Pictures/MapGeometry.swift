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

    /// Reads and checks a geometry file. Throws `MapGeometryError` naming the file, line and column.
    public static func load(path: String) throws -> MapGeometry {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MapGeometryError(file: path, line: nil, message: "cannot read the map geometry file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column, byte) = firstInvalidUTF8(data)
            throw MapGeometryError(
                file: path, line: line, column: column,
                message: String(
                    format: "byte 0x%02X is not valid UTF-8: the map geometry file must be UTF-8 text", byte))
        }
        return try parse(text, file: path)
    }

    /// Line and column (1-based, in characters) of the first byte that is not valid UTF-8, and that byte.
    static func firstInvalidUTF8(_ data: Data) -> (line: Int, column: Int, byte: UInt8) {
        var line = 1, column = 1
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
                if encoded.first == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
            case .error:
                return (line, column, data[data.startIndex + offset])
            case .emptyInput:
                return (line, column, 0)
            }
        }
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
            // 1-based column, in characters, where field `index` starts (fields are tab-separated).
            func column(_ index: Int) -> Int { fields.prefix(index).reduce(1) { $0 + $1.count + 1 } }
            func fail(_ message: String, field: Int = 0) -> MapGeometryError {
                MapGeometryError(
                    file: file, line: lineNumber, column: column(min(field, fields.count - 1)), message: message)
            }
            func number(_ index: Int, _ what: String) throws -> Double {
                guard let value = Double(fields[index]), value.isFinite else {
                    throw fail("\(what) is not a number: \"\(fields[index])\"", field: index)
                }
                return value
            }
            switch fields[0] {
            case "viewbox":
                guard fields.count == 3 else {
                    throw fail("a viewbox record has 3 fields (viewbox, width, height), found \(fields.count)")
                }
                guard size == nil else { throw fail("second viewbox record") }
                let w = try number(1, "width"), h = try number(2, "height")
                guard w > 0, h > 0 else { throw fail("width and height must be positive", field: w > 0 ? 2 : 1) }
                size = (w, h)
            case "inset":
                guard fields.count == 7 else {
                    throw fail(
                        "an inset record has 7 fields (inset, id, x, y, width, height, caption), found \(fields.count)")
                }
                insets.append(
                    Inset(
                        id: fields[1], x: try number(2, "x"), y: try number(3, "y"),
                        width: try number(4, "width"), height: try number(5, "height"), caption: fields[6]))
            case "dep":
                guard fields.count == 6 else {
                    throw fail(
                        "a dep record has 6 fields (dep, code, name, label x, label y, path), found \(fields.count)")
                }
                let code = fields[1]
                guard !code.isEmpty else { throw fail("empty code", field: 1) }
                guard !fields[2].isEmpty else { throw fail("empty name for code \(code)", field: 2) }
                guard seen.insert(code).inserted else { throw fail("duplicate code \(code)", field: 1) }
                let path = fields[5]
                guard path.first == "M", path.unicodeScalars.allSatisfy({ Self.pathCharacters.contains($0) }) else {
                    throw fail("path of \(code) is not SVG path data (M, l, z, numbers)", field: 5)
                }
                departements.append(
                    Departement(
                        code: code, name: fields[2], path: path,
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
    /// 1-based column in characters, where the wrong field starts; nil with `line`.
    public let column: Int?
    public let message: String

    public init(file: String, line: Int?, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = line == nil ? nil : column
        self.message = message
    }

    /// `file:line:column: message`, as the scenario's own errors.
    public var description: String {
        switch (line, column) {
        case let (line?, column?): return "\(file):\(line):\(column): \(message)"
        case let (line?, nil): return "\(file):\(line): \(message)"
        default: return "\(file): \(message)"
        }
    }
}
