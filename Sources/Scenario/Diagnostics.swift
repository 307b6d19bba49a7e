import Foundation

/// Where a value came from, so an analyst can jump straight to it: a file with line and column, or the command line.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        switch (line, column) {
        case let (line?, column?): return "\(file):\(line):\(column)"
        case let (line?, nil): return "\(file):\(line)"
        default: return file
        }
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line ?? 0, a.column ?? 0) < (b.file, b.line ?? 0, b.column ?? 0)
    }
}

/// The three kinds of input problem, each with its own exit code in the CLI (65, 66, 78).
public enum DiagnosticCategory: String, Sendable {
    /// A table's contents are wrong (exit 65).
    case data
    /// A file that the scenario names does not exist or cannot be read (exit 66).
    case missingFile
    /// The scenario file or a `--set` override is wrong (exit 78).
    case configuration
}

/// One problem found in the input, phrased for the analyst who has to fix it.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public let category: DiagnosticCategory
    public let location: SourceLocation
    public let message: String

    /// The location's file and the message are kept free of control characters (see `Shown.safe`), whoever
    /// built them: a message is one line, and user input echoed in it cannot drive the operator's terminal.
    public init(_ category: DiagnosticCategory, _ location: SourceLocation, _ message: String) {
        self.category = category
        self.location = SourceLocation(file: Shown.safe(location.file), line: location.line, column: location.column)
        self.message = Shown.safe(message)
    }

    public var description: String { "\(location): \(message)" }
}

/// Every problem found while reading a scenario, sorted by place, so one run reports them all.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    /// At most this many diagnostics are kept; the rest are counted.
    public static let cap = 50

    public let diagnostics: [Diagnostic]
    public let omitted: Int

    public init(_ diagnostics: [Diagnostic]) {
        let sorted = diagnostics.sorted { ($0.location, $0.message) < ($1.location, $1.message) }
        self.diagnostics = Array(sorted.prefix(Self.cap))
        self.omitted = max(0, sorted.count - Self.cap)
    }

    /// The most serious category decides the exit code: a missing file, then configuration, then data.
    public var category: DiagnosticCategory {
        let categories = Set(diagnostics.map(\.category))
        if categories.contains(.missingFile) { return .missingFile }
        if categories.contains(.configuration) { return .configuration }
        return .data
    }

    public var description: String {
        var lines = diagnostics.map { "error: \($0)" }
        if omitted > 0 { lines.append("error: … and \(omitted) more") }
        return lines.joined(separator: "\n")
    }
}

/// Collects diagnostics while reading, so that a file's errors are all reported and not only the first. Each is kept
/// once: two readers of one table (the candidates' columns, then their communes) both see its shape, and a review
/// found every "expected 7 fields" printed twice and the count of the rest doubled.
struct DiagnosticCollector {
    private(set) var diagnostics: [Diagnostic] = []
    private var seen: Set<Diagnostic> = []

    var isEmpty: Bool { diagnostics.isEmpty }

    mutating func add(_ category: DiagnosticCategory, _ location: SourceLocation, _ message: String) {
        append(Diagnostic(category, location, message))
    }

    mutating func merge(_ other: DiagnosticCollector) { other.diagnostics.forEach { append($0) } }

    private mutating func append(_ diagnostic: Diagnostic) {
        if seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
    }

    func throwIfAny() throws(ScenarioError) {
        if !diagnostics.isEmpty { throw ScenarioError(diagnostics) }
    }
}

/// User input as it may be echoed in a message.
public enum Shown {
    /// Control characters (C0, DEL, C1, line and paragraph separators, direction marks and overrides) written as
    /// `\u{1B}`: an escape sequence from a `--set` value or a file name is shown, never sent to the terminal.
    public static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// A value quoted in a message: made safe and cut to `limit` characters, so that one problem stays one
    /// short line however long the value is.
    public static func value(_ text: String, limit: Int = 60) -> String {
        let safe = safe(text)
        return safe.count > limit ? safe.prefix(limit) + "… (\(text.count) characters)" : safe
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || TableReader.isLayoutControl(scalar)
    }
}
