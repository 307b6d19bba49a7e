import Foundation

/// A CSV table read with the position of every field, so that a wrong value can be reported as
/// `file:line:column`. RFC 4180: comma separator, optional double quotes (doubled inside), quoted
/// fields may hold commas and line breaks; UTF-8 with or without BOM; LF or CRLF; final newline optional.
public struct CSVTable: Sendable {
    /// One field's text and where it starts (1-based line and column, columns in characters).
    public struct Field: Sendable {
        public let text: String
        public let line: Int
        public let column: Int
    }

    public let path: String
    public let header: [Field]
    /// Data records, each with as many fields as it had in the file (ragged rows are the caller's to report).
    public let records: [[Field]]
    /// The line on which each record starts.
    public var recordLines: [Int] { records.map { $0.first?.line ?? 0 } }

    /// Reads and splits `path`; throws a `.missingFile` or `.data` diagnostic when it cannot.
    public init(path: String, displayPath: String? = nil) throws(ScenarioError) {
        let shown = displayPath ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError([Diagnostic(.missingFile, SourceLocation(file: shown), "cannot read the file (does it exist?)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError([Diagnostic(.data, SourceLocation(file: shown), "the file is not valid UTF-8; re-export it as CSV UTF-8 (comma-separated)")])
        }
        try self.init(text: text, path: shown)
    }

    /// Splits CSV text already in memory (used by the file initialiser and by tests).
    public init(text: String, path: String) throws(ScenarioError) {
        self.path = path
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var rows: [[Field]] = []
        var row: [Field] = []
        var field = String.UnicodeScalarView()
        var line = 1, column = 1
        var fieldLine = 1, fieldColumn = 1
        var inQuotes = false, wasQuoted = false, atFieldStart = true
        var errors = DiagnosticCollector()

        func endField() {
            row.append(Field(text: String(field), line: fieldLine, column: fieldColumn))
            field = String.UnicodeScalarView()
            wasQuoted = false
            atFieldStart = true
        }
        func endRow() {
            endField()
            // A line that is entirely empty is not a record.
            if !(row.count == 1 && row[0].text.isEmpty && !wasQuoted) { rows.append(row) }
            row = []
        }

        var index = scalars.startIndex
        while index < scalars.endIndex {
            let c = scalars[index]
            let next = scalars.index(after: index)
            if atFieldStart {
                fieldLine = line
                fieldColumn = column
                atFieldStart = false
                if c == "\"" {
                    inQuotes = true
                    wasQuoted = true
                    column += 1
                    index = next
                    continue
                }
            }
            if inQuotes {
                if c == "\"" {
                    if next < scalars.endIndex, scalars[next] == "\"" {
                        field.append("\"")
                        column += 2
                        index = scalars.index(after: next)
                        continue
                    }
                    inQuotes = false
                    column += 1
                    index = next
                    // After a closing quote only a separator or a line end may follow.
                    if index < scalars.endIndex, ![",", "\n", "\r"].contains(scalars[index]) {
                        errors.add(.data, SourceLocation(file: path, line: line, column: column),
                                   "unexpected character after a closing quote (a quote inside a quoted field must be doubled)")
                        while index < scalars.endIndex, ![",", "\n", "\r"].contains(scalars[index]) { index = scalars.index(after: index); column += 1 }
                    }
                    continue
                }
                if c == "\r", next < scalars.endIndex, scalars[next] == "\n" {
                    field.append("\n")
                    line += 1; column = 1
                    index = scalars.index(after: next)
                    continue
                }
                field.append(c)
                if c == "\n" || c == "\r" { line += 1; column = 1 } else { column += 1 }
                index = next
                continue
            }
            switch c {
            case ",":
                endField()
                column += 1
                index = next
            case "\r":
                endRow()
                index = (next < scalars.endIndex && scalars[next] == "\n") ? scalars.index(after: next) : next
                line += 1; column = 1
            case "\n":
                endRow()
                index = next
                line += 1; column = 1
            case "\"":
                errors.add(.data, SourceLocation(file: path, line: line, column: column),
                           "a quote in the middle of an unquoted field (quote the whole field and double the quote)")
                column += 1
                index = next
            default:
                field.append(c)
                column += 1
                index = next
            }
        }
        if inQuotes {
            errors.add(.data, SourceLocation(file: path, line: fieldLine, column: fieldColumn), "a quoted field is never closed")
        }
        if !atFieldStart || !row.isEmpty || wasQuoted { endRow() }
        try errors.throwIfAny()
        guard let first = rows.first else {
            throw ScenarioError([Diagnostic(.data, SourceLocation(file: path, line: 1, column: 1), "the file is empty: expected a header line")])
        }
        header = first
        records = Array(rows.dropFirst())
    }
}
