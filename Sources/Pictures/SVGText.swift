import Foundation
import Scenario

/// Text and number formatting for SVG output: XML escaping and locale-free fixed decimals.
/// Everything here is pure and deterministic (no `NumberFormatter`, no locale); numbers go through `NumberText`.
public enum SVGText {
    /// Escapes `&`, `<`, `>`, `"` and `'` so the text is safe in element content and in attributes.
    /// Control characters that XML 1.0 forbids are dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `value` with exactly `decimals` decimals, `.` separator, optional `,` thousands grouping and
    /// leading `+` for positive values; never `-0`. Non-finite values give `n/a`.
    public static func number(_ value: Double, decimals: Int, grouping: Bool = false, plusSign: Bool = false) -> String
    {
        NumberText.fixed(value, decimals: min(decimals, 9), grouping: grouping, plusSign: plusSign) ?? "n/a"
    }

    /// A coordinate for SVG attributes: at most 2 decimals, trailing zeros removed.
    static func coordinate(_ value: Double) -> String {
        var text = number(value, decimals: 2)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// Rough width of `text` in DejaVu Sans / Arial at `fontSize` (no font metrics available).
    static func estimatedWidth(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.6
    }
}

/// Minimal SVG document builder shared by the map and the charts.
struct SVGDocument {
    let width: Double
    let height: Double
    private(set) var body: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    mutating func add(_ line: String) { body.append(line) }

    mutating func text(
        _ content: String, x: Double, y: Double, size: Double, anchor: String = "start",
        weight: String? = nil, fill: String = "#222222"
    ) {
        var attributes =
            "x=\"\(SVGText.coordinate(x))\" y=\"\(SVGText.coordinate(y))\" font-size=\"\(SVGText.coordinate(size))\""
        if anchor != "start" { attributes += " text-anchor=\"\(anchor)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if fill != "#222222" { attributes += " fill=\"\(fill)\"" }
        add("<text \(attributes)>\(SVGText.escape(content))</text>")
    }

    func render(title: String, defs: [String] = []) -> String {
        let w = SVGText.coordinate(width), h = SVGText.coordinate(height)
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">",
            "<title>\(SVGText.escape(title))</title>",
        ]
        if !defs.isEmpty { lines.append("<defs>"); lines += defs; lines.append("</defs>") }
        lines.append("<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>")
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }
}
