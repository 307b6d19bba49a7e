import Foundation

/// The one number formatter of repartir: fixed decimals, `.` separator, optional `,` thousands grouping and
/// leading `+`, never `-0`, no locale, no exponent. CSV cells, report sentences and SVG labels print numbers
/// through it (`Format` in Reports, `SVGText` in Pictures), so a figure reads the same everywhere and on every
/// machine. It lives here, in the module every other one imports, so no module above needs another.
public enum NumberText {
    /// A finite number written in decimal notation (digits, sign, `.`, exponent), the one notation repartir reads:
    /// Swift's parser alone also takes `0x10`, `inf` and `nan`.
    public static func decimal(_ text: String) -> Double? {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let value = Double(text),
            value.isFinite
        else { return nil }
        return value
    }

    /// `value` with exactly `decimals` decimals (0…15); nil for NaN and infinities, which each caller names its way.
    public static func fixed(_ value: Double, decimals: Int, grouping: Bool = false, plusSign: Bool = false) -> String?
    {
        guard value.isFinite else { return nil }
        let decimals = max(0, min(decimals, 15))
        let scale = pow(10.0, Double(decimals))
        var scaled = (value * scale).rounded()
        if scaled == 0 { scaled = 0 }
        let magnitude = abs(scaled)
        let integerPart = (magnitude / scale).rounded(.down)
        let fraction = magnitude - integerPart * scale
        var integer = wholeDigits(integerPart)
        if grouping { integer = grouped(digits: integer) }
        var text = integer
        if decimals > 0 {
            let digits = wholeDigits(fraction)
            text += "." + String(repeating: "0", count: max(0, decimals - digits.count)) + digits
        }
        if scaled < 0 { return "-" + text }
        return plusSign && scaled > 0 ? "+" + text : text
    }

    /// The digits of a whole `value`, as `String(format: "%.0f")` prints them; below 2⁵³ in magnitude (every whole
    /// number a Double holds exactly) without the C formatter, which was a tenth of a commune run's table writing.
    /// Parts beyond 2⁵³, and anything not whole, are printed by the C formatter as before (and never reach `Int64`,
    /// whose conversion would stop the process).
    private static func wholeDigits(_ value: Double) -> String {
        if abs(value) < 9_007_199_254_740_992, value == value.rounded(.towardZero) { return String(Int64(value)) }
        return String(format: "%.0f", value)
    }

    /// A whole number with thousands separators: 4,000; -12,345.
    public static func grouped(_ value: Int) -> String {
        value < 0 ? "-" + grouped(digits: String(value.magnitude)) : grouped(digits: String(value))
    }

    private static func grouped(digits: String) -> String {
        guard digits.count > 3 else { return digits }
        var result = ""
        result.reserveCapacity(digits.count + digits.count / 3)
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}
