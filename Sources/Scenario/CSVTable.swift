import Foundation

/// A CSV table read with the position of every field, so that a wrong value can be reported as
/// `file:line:column`. RFC 4180: comma separator, optional double quotes (doubled inside), quoted
/// fields may hold commas and line breaks; UTF-8 with or without BOM; LF or CRLF; final newline optional.
/// Refused with a located message: other encodings (see `TextDecoding`), a BOM, U+FFFD or NUL inside the
/// text, a semicolon- or tab-separated header, quotes misplaced or never closed.
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

    /// Reads and splits `path`; throws a `.missingFile` or `.data` diagnostic when it cannot. Only a regular
    /// file is read (see `InputFileReader`).
    public init(path: String, displayPath: String? = nil) throws(ScenarioError) {
        let shown = displayPath ?? path
        try self.init(data: try InputFileReader.bytes(of: path, shownAs: shown, what: "the table"), path: shown)
    }

    /// Decodes bytes (UTF-8 only: UTF-16, Windows-1252 and text holding U+FFFD are refused with the
    /// offending place, see `TextDecoding`) and splits them.
    public init(data: Data, path: String) throws(ScenarioError) {
        switch TextDecoding.decode(data, file: path, category: .data, csv: true) {
        case let .success(text): try self.init(text: text, path: path)
        case let .failure(error): throw error
        }
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
        // Characters no value may hold, reported once each (with the first place) rather than on every row.
        var reportedOddities: Set<Unicode.Scalar> = []
        func checkOddity(_ c: Unicode.Scalar) {
            let message: String
            switch c {
            case "\u{FEFF}":
                message =
                    "a byte-order mark (U+FEFF) inside the file, not at its start (two exports pasted together?): remove it"
            case "\u{FFFD}":
                message =
                    "U+FFFD, the replacement character: the text was decoded with the wrong encoding once and the original characters are lost; export it again from the source"
            case "\u{0}":
                message =
                    "a NUL character: the file is not text, or it is UTF-16 (re-export it as 'CSV UTF-8 (comma-separated)')"
            default: return
            }
            if reportedOddities.insert(c).inserted {
                errors.add(.data, SourceLocation(file: path, line: line, column: column), message)
            }
        }

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
            if c == "\u{FEFF}" || c == "\u{FFFD}" || c == "\u{0}" { checkOddity(c) }
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
                        errors.add(
                            .data, SourceLocation(file: path, line: line, column: column),
                            "unexpected character after a closing quote (a quote inside a quoted field must be doubled)"
                        )
                        while index < scalars.endIndex, ![",", "\n", "\r"].contains(scalars[index]) {
                            index = scalars.index(after: index); column += 1
                        }
                    }
                    continue
                }
                if c == "\r", next < scalars.endIndex, scalars[next] == "\n" {
                    field.append("\n")
                    line += 1; column = 1
                    index = scalars.index(after: next)
                    continue
                }
                // A lone CR inside quotes is a line break too: no value ever keeps a '\r'.
                field.append(c == "\r" ? "\n" : c)
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
                errors.add(
                    .data, SourceLocation(file: path, line: line, column: column),
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
            errors.add(
                .data, SourceLocation(file: path, line: fieldLine, column: fieldColumn),
                "a quoted field is never closed")
        }
        if !atFieldStart || !row.isEmpty || wasQuoted { endRow() }
        try errors.throwIfAny()
        guard let first = rows.first else {
            throw ScenarioError([
                Diagnostic(
                    .data, SourceLocation(file: path, line: 1, column: 1), "the file is empty: expected a header line")
            ])
        }
        // A header with no comma but with semicolons (or tabs) is another dialect: refuse it as a whole
        // rather than report every row as one field.
        if first.count == 1, let separator = [";", "\t"].first(where: { first[0].text.contains($0) }) {
            let offset = first[0].text.distance(
                from: first[0].text.startIndex, to: first[0].text.firstIndex(of: Character(separator))!)
            let seen = separator == ";" ? "';' (semicolon)" : "tabs"
            throw ScenarioError([
                Diagnostic(
                    .data, SourceLocation(file: path, line: first[0].line, column: first[0].column + offset),
                    "the header is separated by \(seen), not by commas: this looks like a spreadsheet's "
                        + "\(separator == ";" ? "'CSV (semicolon-separated)' export, often with decimal commas" : "tab-separated export")"
                        + "; re-export it as 'CSV UTF-8 (comma-separated)' with '.' as decimal separator")
            ])
        }
        header = first
        records = Array(rows.dropFirst())
    }
}

extension CSVTable {
    /// The table as repartir wrote it, read back: a text cell its CSV writer guarded against spreadsheet formulas
    /// (a leading `'` before `=`, `+`, `-`, `@`, tab or carriage return; docs/outputs.md) is read without the `'`,
    /// so a structure id such as `-S1` written `'-S1` joins the scenario again. Only for a run's own tables: an input
    /// table is read as given.
    public func withoutFormulaGuards() -> CSVTable {
        func unguarded(_ field: Field) -> Field {
            let scalars = field.text.unicodeScalars
            guard scalars.first == "'", let next = scalars.dropFirst().first,
                ["=", "+", "-", "@", "\t", "\r"].contains(next)
            else { return field }
            return Field(text: String(field.text.dropFirst()), line: field.line, column: field.column)
        }
        return CSVTable(path: path, header: header.map(unguarded), records: records.map { $0.map(unguarded) })
    }

    private init(path: String, header: [Field], records: [[Field]]) {
        self.path = path
        self.header = header
        self.records = records
    }
}
