import Foundation

/// The one place where text from the inputs (territory, région and structure names, labels, the
/// title, plan names, parameter values) becomes Markdown. Such text must render as itself: never as a
/// tag, a link, an image, a heading, emphasis, or a broken table, whatever a CSV or YAML file holds.
///
/// Not named `Markdown`: with a public type of that name in this module, `print` in the `repartir`
/// executable wrote nothing to stdout (`--json` printed nothing; Swift 6.3.1 on Linux, cause not found).
public enum MarkdownText {
    /// `text` as inline Markdown that renders as exactly that text (line breaks become spaces), in a
    /// paragraph, a heading, a list item or a table cell, under CommonMark and GitHub's Markdown.
    ///
    /// - `&`, `<`, `>` become entities: no raw HTML, autolink or entity can start.
    /// - The punctuation that opens inline constructs is backslash-escaped: `\` `` ` `` `*` `[` `]`
    /// `|` (table cells) `~` (strikethrough) `#` (a heading's closing sequence) `$` (GitHub's maths), `_` unless it
    /// stands
    ///   between two letters or digits (where it cannot mark emphasis); `@`, the `:` of `:/` and the `.`
    ///   of `www.` too, which GitHub would otherwise turn into bare links (a@b.c, http://…, www.…).
    /// - A leading `-`, `+`, `=` or `1. `/`1) ` is escaped, so text that opens a list item or a line
    ///   never starts a nested list or a heading underline.
    /// - Control characters and Unicode line or paragraph separators become spaces.
    ///
    /// One pass over the text, so a long text costs its length once.
    public static func inline(_ text: String) -> String {
        // Leading blanks never show once rendered, and would let the text's first character open a block.
        let scalars = Array(
            text.unicodeScalars.drop { $0 == " " || $0 == "\t" || $0.properties.generalCategory == .control })
        let leadingDigits = scalars.prefix { $0.isASCII && $0.properties.numericType == .decimal }.count
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count + 16)
        for (index, scalar) in scalars.enumerated() {
            if let entity = entities[scalar] {
                out.append(contentsOf: entity.unicodeScalars)
            } else if alwaysEscaped.contains(scalar)
                || (scalar == "_"
                    && !(index > 0 && index + 1 < scalars.count && isWordCharacter(scalars[index - 1])
                        && isWordCharacter(scalars[index + 1])))
                || (scalar == ":" && index + 1 < scalars.count && scalars[index + 1] == "/")
                || (index == 0 && "-+=".unicodeScalars.contains(scalar))
                || (index > 0 && index == leadingDigits && index <= 9 && (scalar == "." || scalar == ")")
                    && (index + 1 == scalars.count || scalars[index + 1] == " " || scalars[index + 1] == "\t"))
                || (scalar == "." && index >= 3 && scalars[index - 3..<index].allSatisfy { $0 == "w" || $0 == "W" })
            {
                out.append("\\")
                out.append(scalar)
            } else if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                out.append(" ")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static let entities: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;"]
    private static let alwaysEscaped = Set("\\`*[]|~#@$".unicodeScalars)

    /// A `_` between two of these never opens or closes emphasis (`structure_id`), so it is left as is.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// An id (a plan, a parameter path, a constraint) in a code span. Ids made of letters, digits and
    /// `_ . - : ^ * ( ) = + , [ ] /` and spaces go in backticks, where nothing is interpreted; anything else is
    /// written as `inline` text instead, so no text can close the span or break a table.
    public static func code(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
                        || codePunctuation.contains(scalar))
            }
        return plain ? "`\(text)`" : inline(text)
    }

    private static let codePunctuation = Set("_.-:^*()=+,[]/ ".unicodeScalars)
}
