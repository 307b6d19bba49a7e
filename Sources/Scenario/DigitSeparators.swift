/// `_` between digits, as YAML 1.1 and Swift write `1_000_000`: accepted in every number of a scenario file, a `--set`
/// and a sweep file, and only there (a review found `_1`, `1_` and `1__0` accepted as numbers).
public enum DigitSeparators {
    /// `text` without its digit separators, or nil when one is not between two digits (`1_000` is `1000`; `_1`,
    /// `1_`, `1__0` and `1_.5` are not numbers).
    public static func removed(from text: String) -> String? {
        let characters = Array(text)
        for (index, character) in characters.enumerated() where character == "_" {
            guard index > 0, index + 1 < characters.count, isDigit(characters[index - 1]),
                isDigit(characters[index + 1])
            else { return nil }
        }
        return text.replacingOccurrences(of: "_", with: "")
    }

    private static func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }
}
