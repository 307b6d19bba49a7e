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

    init(table: CSVTable, columns: [Column]) {
        self.table = table
        var seen: [String: CSVTable.Field] = [:]
        for (index, field) in table.header.enumerated() {
            let name = field.text.trimmingCharacters(in: .whitespaces)
            if let first = seen[name] {
                errors.add(.data, location(field), "column '\(name)' appears twice (first at column \(first.column))")
                continue
            }
            seen[name] = field
            indexByName[name] = index
        }
        for column in columns where column.required && indexByName[column.name] == nil {
            let known = columns.map(\.name).joined(separator: ", ")
            errors.add(.data, SourceLocation(file: table.path, line: 1, column: 1),
                       "missing column '\(column.name)' (expected columns: \(known))")
        }
        if table.records.isEmpty {
            errors.add(.data, SourceLocation(file: table.path, line: 1), "the table has a header but no rows")
        }
        for record in table.records where record.count != table.header.count {
            errors.add(.data, location(record[0]),
                       "expected \(table.header.count) fields as in the header, found \(record.count)")
        }
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

    /// Text, trimmed; empty is an error unless `optional`.
    mutating func text(_ record: [CSVTable.Field], _ column: String, optional: Bool = false) -> String? {
        guard let field = field(record, column) else { return nil }
        let value = field.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty {
            if !optional { fail(field, column, "a value is required") }
            return nil
        }
        if let bad = value.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            fail(field, column, "control character U+\(String(bad.value, radix: 16, uppercase: true)) in '\(value.debugDescription)'")
            return nil
        }
        return value
    }

    /// A whole number in `range`.
    mutating func integer(_ record: [CSVTable.Field], _ column: String, in range: ClosedRange<Int>, optional: Bool = false) -> Int? {
        guard let field = field(record, column), let raw = text(record, column, optional: optional) else { return nil }
        guard raw.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }), let value = Int(raw) else {
            fail(field, column, "expected a whole number, found '\(raw)'")
            return nil
        }
        guard range.contains(value) else {
            fail(field, column, "\(value) is out of range (expected \(range.lowerBound)…\(range.upperBound))")
            return nil
        }
        return value
    }

    /// A finite decimal number in `range`, `.` as separator.
    mutating func number(_ record: [CSVTable.Field], _ column: String, in range: ClosedRange<Double>, optional: Bool = false) -> Double? {
        guard let field = field(record, column), let raw = text(record, column, optional: optional) else { return nil }
        guard raw.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let value = Double(raw), value.isFinite else {
            let hint = raw.contains(",") ? " (use '.' as decimal separator, no thousands separator)" : ""
            fail(field, column, "expected a number, found '\(raw)'\(hint)")
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
