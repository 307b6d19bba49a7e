import Foundation

/// Reads typed columns out of a `CSVTable`, collecting every problem with its position instead of
/// stopping at the first. Numbers use `.` as decimal separator and no thousands separator.
struct TableReader {
    struct Column: Sendable {
        let name: String
        let required: Bool
    }

    let table: CSVTable
    private(set) var errors = DiagnosticCollector()
    private var indexByName: [String: Int] = [:]

    /// Checks the header (missing or doubled columns, no rows) and the rows' field counts. None of these
    /// stops the cell checks: the cells of every row with the right number of fields are still read. `expected`: the
    /// table's whole list of columns, for the message of a missing one, when this reader reads only some of them.
    init(table: CSVTable, columns: [Column], expected: [String]? = nil) {
        self.table = table
        let known = Set(columns.map(\.name))
        var seen: [String: CSVTable.Field] = [:]
        for (index, field) in table.header.enumerated() {
            let name = Self.trimmed(field.text, newlines: false)
            if let first = seen[name] {
                // A doubled column that is not read (spreadsheets add empty trailing ones) is harmless.
                if known.contains(name) {
                    errors.add(
                        .data, location(field), "column '\(name)' appears twice (first at column \(first.column))")
                }
                continue
            }
            seen[name] = field
            indexByName[name] = index
        }
        for column in columns where column.required && indexByName[column.name] == nil {
            let expected = (expected ?? columns.map(\.name)).joined(separator: ", ")
            let near = seen.keys.filter {
                !known.contains($0) && $0.count <= 40
                    && (ParameterSchema.editDistance($0.lowercased(), column.name) <= 2)
            }.sorted()
            let hint =
                near.first.map { " (found '\($0)' at column \(seen[$0]!.column): names are matched exactly)" } ?? ""
            errors.add(
                .data, SourceLocation(file: table.path, line: 1, column: 1),
                "missing column '\(column.name)'\(hint) (expected columns: \(expected))")
        }
        // An optional column written in another case would be read as absent, and its values silently replaced by
        // the default (a review: `Need` dropped every given need for the split): refused instead.
        // So is a near miss of its name (`max-posts`, `max_post`): a review found Guadeloupe's cap dropped that way.
        let absent = columns.filter { !$0.required && indexByName[$0.name] == nil }.map(\.name)
        for found in seen.keys.sorted() where !known.contains(found) {
            let near = absent.compactMap { name in Self.nearMiss(found, of: name).map { (name, $0) } }
            guard let closest = near.min(by: { ($0.1, $0.0) < ($1.1, $1.0) }) else { continue }
            errors.add(
                .data, location(seen[found]!),
                "column '\(found)' is not read: names are matched exactly, and the optional column is '\(closest.0)'")
        }
        if table.records.isEmpty {
            errors.add(.data, SourceLocation(file: table.path, line: 1), "the table has a header but no rows")
        }
        for record in table.records where record.count != table.header.count {
            // The hint fits the case: a line of spaces is no row (empty lines alone are skipped), fewer fields is a
            // value left out or a row split in two, more is an unquoted comma (a review found the comma hint given for
            // a line of spaces).
            let hint =
                record.count == 1 && Self.trimmed(record[0].text).isEmpty
                ? "a line holding only spaces: remove it (entirely empty lines are skipped)"
                : record.count < table.header.count
                    ? "a value is missing, or a line break splits the row" : "a comma inside a value must be quoted"
            errors.add(
                .data, location(record[0]),
                "expected \(table.header.count) fields as in the header, found \(record.count) (\(hint))")
        }
    }

    /// How near `found` is to the optional column `name`: 0 when only case or `-` and spaces for `_` differ; 1 or 2
    /// edits, for names of 5 characters or more (`max_post`); nil when it is no near miss.
    static func nearMiss(_ found: String, of name: String) -> Int? {
        let normal = found.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(
            of: " ", with: "_")
        if normal == name.lowercased() { return 0 }
        guard name.count >= 5, found.count <= 40 else { return nil }
        let distance = ParameterSchema.editDistance(normal, name.lowercased())
        return distance <= 2 ? distance : nil
    }

    func has(_ column: String) -> Bool { indexByName[column] != nil }

    func location(_ field: CSVTable.Field) -> SourceLocation {
        SourceLocation(file: table.path, line: field.line, column: field.column)
    }

    /// The field of `record` in `column`, or nil when the column or the field is absent.
    func field(_ record: [CSVTable.Field], _ column: String) -> CSVTable.Field? {
        guard let index = indexByName[column], index < record.count else { return nil }
        return record[index]
    }

    mutating func fail(_ field: CSVTable.Field, _ column: String, _ message: String) {
        errors.add(.data, location(field), "\(column): \(message)")
    }

    /// Longest text cell accepted (the default tables' longest name has 119 characters).
    static let maxTextLength = 300

    /// A line or paragraph separator (U+2028, U+2029), or a direction mark or override (U+200E, U+200F, U+061C,
    /// U+202A…U+202E, U+2066…U+2069): invisible, they break a value's line or reverse how a report, a terminal or a
    /// spreadsheet shows it (a review put U+202E in a name). Refused like the control characters.
    static func isLayoutControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2028, 0x2029, 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Text, trimmed; empty is an error unless `optional`.
    mutating func text(_ record: [CSVTable.Field], _ column: String, optional: Bool = false) -> String? {
        guard let field = field(record, column) else { return nil }
        let value = Self.trimmed(field.text)
        if value.isEmpty {
            if !optional { fail(field, column, "a value is required") }
            return nil
        }
        if let bad = value.unicodeScalars.first(where: {
            $0.isASCII
                ? $0.value < 0x20 || $0.value == 0x7F
                : $0.properties.generalCategory == .control || $0 == "\u{FEFF}" || $0 == "\u{FFFD}"
                    || Self.isLayoutControl($0)
        }) {
            fail(
                field, column,
                "control character U+\(String(format: "%04X", bad.value)) in \(value.debugDescription) (values must be one line of text)"
            )
            return nil
        }
        if value.count > Self.maxTextLength {
            fail(
                field, column,
                "a value of \(value.count) characters, more than \(Self.maxTextLength) (starts '\(value.prefix(30))…')")
            return nil
        }
        return value
    }

    /// `text` without its leading and trailing white space (and line ends, when `newlines`), as Foundation's
    /// `trimmingCharacters(in:)` gives it. Nearly every cell has none, and is returned without a Foundation call: at
    /// 35,000 communes the Foundation call was most of the demand table's loading time.
    static func trimmed(_ text: String, newlines: Bool = true) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return text }
        // Unicode's White_Space property holds every scalar of `.whitespacesAndNewlines`.
        if !first.properties.isWhitespace && !last.properties.isWhitespace { return text }
        return text.trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
    }

    /// Texts that statistical tables (INSEE and others) write for a value that is not given:
    /// `s` (secret statistique), `nd`/`n.d.` (non disponible), `NA`/`N/A`, `NC` (non communiqué).
    static let missingMarkers: Set<String> = ["s", "nd", "n.d.", "na", "n/a", "nc"]

    /// What to do with a missing-value marker in a numeric cell.
    enum MarkerRule {
        /// An optional indicator: the marker means "not given" (nil), never 0.
        case missing
        /// Any other column: the marker is an error that names it and says the rule.
        case refuse
    }

    /// nil when `raw` is not a marker; otherwise whether to stop reading the cell (after reporting when refused).
    private mutating func marker(
        _ field: CSVTable.Field, _ column: String, _ raw: String, optional: Bool, rule: MarkerRule
    ) -> Bool? {
        guard Self.missingMarkers.contains(raw.lowercased()) else { return nil }
        switch rule {
        case .missing:
            return true
        case .refuse:
            let why =
                optional
                ? "leave the cell empty when the value is not given"
                : "\(column) is required and a missing value is never read as 0: fill it in from another source, or remove the row"
            fail(field, column, "'\(raw)' marks a value that is not given (secret or not available): \(why)")
            return true
        }
    }

    /// Why `raw` is not a number, for the message.
    static func hint(_ raw: String, whole: Bool) -> String {
        let lower = raw.lowercased()
        if ["nan", "+nan", "-nan"].contains(lower) {
            return " (NaN is not a value: leave the cell empty if it is optional)"
        }
        if lower.hasSuffix("inf") || lower.hasSuffix("infinity") { return " (infinity is not accepted)" }
        if lower.hasPrefix("0x") || lower.hasPrefix("-0x") { return " (hexadecimal is not accepted)" }
        if raw.contains(",") { return " (use '.' as decimal separator, no thousands separator)" }
        if raw.unicodeScalars.contains(where: { $0 == " " || $0 == "\u{A0}" || $0 == "\u{202F}" || $0 == "'" }) {
            return " (no thousands separator)"
        }
        if raw.hasSuffix("%") { return " (write the number without '%')" }
        if whole, raw.contains(".") || raw.lowercased().contains("e") {
            return " (a count has no decimals or exponent)"
        }
        if !whole, raw.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
            Double(raw)?.isFinite == false
        {
            return " (far too large)"
        }
        return ""
    }

    /// A whole number in `range`.
    mutating func integer(
        _ record: [CSVTable.Field], _ column: String, in range: ClosedRange<Int>, optional: Bool = false
    ) -> Int? {
        guard let field = field(record, column), let raw = text(record, column, optional: optional) else { return nil }
        if marker(field, column, raw, optional: optional, rule: .refuse) != nil { return nil }
        let digits = raw.hasPrefix("-") ? raw.dropFirst() : Substring(raw)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            fail(field, column, "expected a whole number, found '\(raw)'\(Self.hint(raw, whole: true))")
            return nil
        }
        // All digits but too many for an Int: out of range, not "not a whole number".
        guard let value = Int(raw) else {
            fail(
                field, column,
                "\(raw) is out of range (far too large; expected \(range.lowerBound)…\(range.upperBound))")
            return nil
        }
        guard range.contains(value) else {
            fail(field, column, "\(value) is out of range (expected \(range.lowerBound)…\(range.upperBound))")
            return nil
        }
        return value
    }

    /// A finite decimal number in `range`, `.` as separator. `markers` says what a missing-value marker means.
    mutating func number(
        _ record: [CSVTable.Field], _ column: String, in range: ClosedRange<Double>, optional: Bool = false,
        markers: MarkerRule = .refuse
    ) -> Double? {
        guard let field = field(record, column), let raw = text(record, column, optional: optional) else { return nil }
        if marker(field, column, raw, optional: optional, rule: markers) != nil { return nil }
        guard raw.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let value = Double(raw),
            value.isFinite
        else {
            fail(field, column, "expected a number, found '\(raw)'\(Self.hint(raw, whole: false))")
            return nil
        }
        guard range.contains(value) else {
            fail(field, column, "\(raw) is out of range (expected \(range.lowerBound)…\(range.upperBound))")
            return nil
        }
        return value
    }

    /// `true` or `false` (also `1`/`0`, `yes`/`no`).
    mutating func boolean(_ record: [CSVTable.Field], _ column: String, optional: Bool = false) -> Bool? {
        guard let field = field(record, column), let raw = text(record, column, optional: optional) else { return nil }
        switch raw.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default:
            fail(field, column, "expected true or false, found '\(raw)'")
            return nil
        }
    }
}
