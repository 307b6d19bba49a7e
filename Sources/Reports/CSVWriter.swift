import Foundation
import Scenario

/// Writes tidy CSV a notebook reads without cleaning: UTF-8 without BOM, `\n` line ends, `.` decimals,
/// no exponents, quotes only where needed, and text cells that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or carriage return) prefixed with `'`.
public struct CSVWriter: Sendable {
    /// A cell: text (possibly neutralised), an integer, or a number with fixed decimals.
    public enum Cell: Sendable, Hashable {
        case text(String)
        case integer(Int)
        case number(Double, decimals: Int)
        case boolean(Bool)
        case empty
    }

    public let columns: [String]
    private(set) var lines: [String]

    public init(columns: [String]) {
        self.columns = columns
        self.lines = [columns.map(Self.quote).joined(separator: ",")]
    }

    public mutating func append(_ cells: [Cell]) {
        precondition(cells.count == columns.count, "row has \(cells.count) cells for \(columns.count) columns")
        lines.append(cells.map(Self.render).joined(separator: ","))
    }

    public var text: String { lines.joined(separator: "\n") + "\n" }

    static func render(_ cell: Cell) -> String {
        switch cell {
        case let .text(value): return quote(neutralised(value))
        case let .integer(value): return String(value)
        case let .number(value, decimals): return Format.fixed(value, decimals: decimals)
        case let .boolean(value): return value ? "true" : "false"
        case .empty: return ""
        }
    }

    static func neutralised(_ value: String) -> String {
        guard let first = value.unicodeScalars.first else { return value }
        return ["=", "+", "-", "@", "\t", "\r"].contains(first) ? "'" + value : value
    }

    /// Quoted when the value holds a comma, a quote, a CR or an LF, each quote doubled. Read by bytes and scalars, not
    /// by `Character`s: `"\r\n"` is one `Character`, equal to neither `"\n"` nor `"\r"` (the cell was left unquoted,
    /// its row broken in two), and a quote followed by a combining mark is one `Character` too, which Foundation's
    /// `replacingOccurrences` did not double (the quoted cell then ended early).
    static func quote(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return value }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in value.unicodeScalars {
            quoted.append(scalar)
            if scalar == "\"" { quoted.append("\"") }
        }
        quoted.append("\"")
        return String(quoted)
    }
}

/// Locale-independent number formatting, so outputs are byte-identical on every machine.
public enum Format {
    /// Fixed decimals, `.` separator, no exponent, no negative zero.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        NumberText.fixed(value, decimals: decimals) ?? ""
    }

    /// A whole number with thousands separators for people: 4,000.
    public static func grouped(_ value: Int) -> String { NumberText.grouped(value) }

    public static func grouped(_ value: Double) -> String { grouped(Int(value.rounded())) }

    /// Euros in millions with one or two decimals: €199.98M.
    public static func millions(_ euros: Double, decimals: Int = 2) -> String {
        "€" + fixed(euros / 1_000_000, decimals: decimals) + "M"
    }

    public static func percent(_ ratio: Double, decimals: Int = 1) -> String {
        fixed(ratio * 100, decimals: decimals) + " %"
    }

    /// A gap as a percentage, never a positive gap printed as zero: "< 0.001 %" where it would round to "0.000 %" (a
    /// review read "a better one may exist: gap 0.000 %" for a gap of 2.7 × 10⁻⁷).
    public static func gapPercent(_ ratio: Double, decimals: Int = 3) -> String {
        let smallest = pow(10, -Double(decimals))
        return ratio > 0 && ratio * 100 < smallest / 2
            ? "< " + fixed(smallest, decimals: decimals) + " %" : percent(ratio, decimals: decimals)
    }
}
