import Foundation
import Yams

/// One parameter as written, before typing: a scalar or a list, and where it was written.
struct RawParameter: Sendable {
    enum Value: Sendable {
        case scalar(String)
        case list([String])
    }
    let value: Value
    let location: SourceLocation
}

/// A `--set key=value` given on the command line; it wins over the scenario file.
public struct ParameterOverride: Sendable, Hashable {
    public let key: String
    public let value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Parses `key=value`; nil when there is no `=` or no key.
    public init?(_ text: String) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = text[..<equals].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { return nil }
        self.init(key: key, value: String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces))
    }

    /// Takes every `--set key=value` (and `--set=key=value`) out of command-line arguments in one pass, in
    /// order, up to a `--` terminator; a `--set` with no value is left in place for the parser to report.
    /// swift-argument-parser removes each word it parses from an array, so 20,000 `--set` took minutes
    /// there; a CLI can hand it the rest and the settings to `ParameterOverride.init?(_:)`, in linear time.
    public static func extractSettings(from arguments: [String]) -> (rest: [String], settings: [String]) {
        var rest: [String] = [], settings: [String] = []
        rest.reserveCapacity(arguments.count)
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                rest += arguments[index...]
                break
            }
            if argument == "--set", index + 1 < arguments.count {
                settings.append(arguments[index + 1])
                index += 2
                continue
            }
            if argument.hasPrefix("--set=") {
                settings.append(String(argument.dropFirst("--set=".count)))
            } else {
                rest.append(argument)
            }
            index += 1
        }
        return (rest, settings)
    }
}

/// Reads the YAML scenario file into typed parameters, applying overrides; every problem is
/// reported with its line and column (Yams keeps each node's position, which is why YAML was chosen).
struct ParameterReader {
    let displayPath: String
    /// The settings applied over the file (`--set`, a sweep's variant), in the order given.
    let overrides: [ParameterOverride]
    private(set) var raw: [String: RawParameter] = [:]
    /// Where each key itself is written (for unknown-key messages, which point at the key, not its value).
    private var keyLocations: [String: SourceLocation] = [:]
    private(set) var errors = DiagnosticCollector()
    /// False when the YAML could not be parsed at all: then nothing else can be checked.
    private(set) var parsed = false
    /// Known keys suggested for a misspelled one: their absence is not reported a second time.
    private var suggested: Set<String> = []
    private var suggestionsMade = 0

    init(yaml: String, displayPath: String, overrides: [ParameterOverride]) {
        self.displayPath = displayPath
        self.overrides = overrides
        // Anchors and aliases are refused before Yams builds the tree (see `YAMLAliasScan`).
        let aliases = YAMLAliasScan.find(in: yaml)
        guard aliases.isEmpty else {
            for alias in aliases {
                errors.add(
                    .configuration, SourceLocation(file: displayPath, line: alias.line, column: alias.column),
                    "YAML anchors and aliases are not supported: found \(alias.what); write the value out")
            }
            return
        }
        do {
            // The parser is kept alive while the tree is walked: nodes hold their anchor weakly, and the
            // anchors are what lets `flatten` refuse aliases instead of expanding them.
            let parser = try Parser(yaml: yaml)
            defer { withExtendedLifetime(parser) {} }
            guard let root = try parser.singleRoot() else {
                errors.add(
                    .configuration, SourceLocation(file: displayPath, line: 1, column: 1), "the scenario file is empty")
                return
            }
            guard case .mapping = root else {
                let mark = Self.location(root.mark)
                var found = "a list"
                if case .scalar = root { found = "a single value" }
                errors.add(
                    .configuration, SourceLocation(file: displayPath, line: mark.line, column: mark.column),
                    "the scenario file must be a mapping of keys (name:, tables:, programme:, …), found \(found)")
                return
            }
            flatten(root, prefix: "")
            parsed = true
        } catch let error as YamlError {
            errors.add(
                .configuration, Self.location(of: error, file: displayPath), "invalid YAML: \(Self.summary(of: error))")
            return
        } catch {
            errors.add(.configuration, SourceLocation(file: displayPath), "invalid YAML: \(error)")
            return
        }
        for key in raw.keys.sorted() where ParameterSchema.spec(for: key) == nil {
            let place = keyLocations[key] ?? raw[key]!.location
            let location = SourceLocation(file: displayPath, line: place.line, column: place.column)
            errors.add(.configuration, location, unknownKeyMessage(key))
        }
        for (index, override) in overrides.enumerated() {
            let location = SourceLocation(
                file: "--set #\(index + 1) '\(Shown.value("\(override.key)=\(override.value)"))'")
            guard let spec = ParameterSchema.spec(for: override.key) else {
                let message = unknownKeyMessage(override.key)
                errors.add(
                    .configuration, location, message.replacingOccurrences(of: "unknown key", with: "no parameter"))
                continue
            }
            if case .numbers = spec.type {
                // An empty value is an empty list (`robustness.capacity_factors=` turns that analysis off); an empty
                // item among others is kept, to be refused by the reader (`0.5,,1`), never dropped.
                let items = Self.listItems(override.value)
                raw[override.key] = RawParameter(value: .list(items), location: location)
            } else {
                raw[override.key] = RawParameter(value: .scalar(override.value), location: location)
            }
        }
    }

    /// The ids used under `kinds` and `funding`, in sorted order (valid ids only).
    var ids: [String: [String]] {
        var result: [String: Set<String>] = [:]
        for key in raw.keys {
            let parts = key.split(separator: ".")
            if parts.count == 3, ParameterSchema.isIdentifier(parts[1]) {
                result[String(parts[0]), default: []].insert(String(parts[1]))
            }
        }
        return result.mapValues { $0.sorted() }
    }

    /// Why a key is not known, with the nearest known key when one is close.
    private mutating func unknownKeyMessage(_ key: String) -> String {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        let sections = Set(
            ParameterSchema.specs.compactMap { spec -> String? in
                spec.path.contains(".") ? String(spec.path.prefix { $0 != "." }) : nil
            })
        if parts.count == 1, sections.contains(key) {
            let example = ParameterSchema.specs.first { $0.path.hasPrefix(key + ".") }!.path
            return "'\(key)' must hold keys such as '\(example)', found a single value"
        }
        if parts.count == 3, ["kinds", "funding"].contains(parts[0]), !ParameterSchema.isIdentifier(parts[1]) {
            return
                "unknown key '\(Shown.value(key))': '\(Shown.value(String(parts[1])))' is not a valid id under '\(parts[0])' (1 to 40 ASCII letters, digits or '_')"
        }
        if parts.count == 2, ["kinds", "funding"].contains(parts[0]) {
            return
                "unknown key '\(Shown.value(key))': '\(parts[0])' holds ids (such as '\(parts[0] == "kinds" ? "public" : "full")'), each a mapping of keys"
        }
        // Suggestions for the first keys only: more than the report's cap would never be shown.
        suggestionsMade += 1
        guard suggestionsMade <= ScenarioError.cap, let suggestion = ParameterSchema.suggestion(for: key, ids: ids)
        else {
            return "unknown key '\(Shown.value(key, limit: 120))'"
        }
        suggested.insert(suggestion)
        return "unknown key '\(key)' (did you mean '\(suggestion)'?)"
    }

    private mutating func flatten(_ node: Node, prefix: String) {
        let location = Self.location(node.mark)
        // Yams resolves aliases into copies of the anchored node, which keep its anchor: stopping at any
        // anchored node refuses both, and keeps an alias "bomb" from being expanded.
        if node.anchor != nil {
            errors.add(
                .configuration, inFile(node.mark),
                "YAML anchors and aliases (&name, *name) are not supported here ('\(prefix)'): write the value out")
            return
        }
        switch node {
        case let .mapping(mapping):
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? ""
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                keyLocations[path] = Self.location(keyNode.mark)
                if raw[path] != nil {
                    errors.add(.configuration, inFile(keyNode.mark), "key '\(path)' is given twice")
                }
                flatten(value, prefix: path)
            }
        case let .sequence(sequence):
            var items: [String] = []
            for item in sequence {
                guard case let .scalar(scalar) = item else {
                    errors.add(.configuration, inFile(item.mark), "'\(prefix)' must be a list of plain values")
                    continue
                }
                items.append(scalar.string)
            }
            raw[prefix] = RawParameter(value: .list(items), location: location)
        case let .scalar(scalar):
            raw[prefix] = RawParameter(value: .scalar(scalar.string), location: location)
        case .alias:
            errors.add(.configuration, inFile(node.mark), "YAML aliases are not supported here ('\(prefix)')")
        }
    }

    private func inFile(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: displayPath, line: mark?.line, column: mark?.column)
    }

    private static func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: "", line: mark?.line, column: mark?.column)
    }

    private static func location(of error: YamlError, file: String) -> SourceLocation {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        case let .duplicatedKeysInMapping(_, context):
            return SourceLocation(file: file, line: context.mark.line, column: context.mark.column)
        case let .reader(_, offset?, _, yaml):
            let (line, column) = TextDecoding.position(of: offset, in: Array(yaml.utf8))
            return SourceLocation(file: file, line: line, column: column)
        default:
            return SourceLocation(file: file)
        }
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _),
            let .reader(problem, _, _, _):
            return problem
        case let .duplicatedKeysInMapping(duplicates, _):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return "\(keys) given twice in the mapping that starts here"
        default:
            // Never the whole file: Yams' descriptions can quote it.
            return String("\(error)".prefix { !$0.isNewline }.prefix(200))
        }
    }

    // MARK: typed access

    private func located(_ parameter: RawParameter) -> SourceLocation {
        parameter.location.file.isEmpty
            ? SourceLocation(file: displayPath, line: parameter.location.line, column: parameter.location.column)
            : parameter.location
    }

    /// The raw text of a parameter, or its default; reports a missing required key (unless a misspelling of
    /// it was already reported) and a list where one value is expected.
    private mutating func rawText(_ path: String) -> (String, SourceLocation)? {
        guard let spec = ParameterSchema.spec(for: path) else { return nil }
        if let parameter = raw[path] {
            switch parameter.value {
            case let .scalar(text): return (text, located(parameter))
            case .list:
                errors.add(
                    .configuration, located(parameter),
                    "'\(path)' must be a single value (\(spec.type.expectation)), found a list")
                return nil
            }
        }
        if let defaultValue = spec.defaultValue { return (defaultValue, SourceLocation(file: displayPath)) }
        if spec.required && !suggested.contains(path) {
            // At its section's key (`funding.x:`), or the `--set` that made the section (a review found
            // `--set funding.x.label=foo` reported at the file alone); the file for a top-level key.
            let section = path.split(separator: ".").dropLast().joined(separator: ".")
            errors.add(
                .configuration, section.isEmpty ? SourceLocation(file: displayPath) : location(of: section),
                "missing required key '\(path)' (\(spec.help))")
        }
        return nil
    }

    /// Longest text for each text key, as for table texts: paths may be longer, lists of ids a little longer.
    static func maxLength(of path: String) -> Int {
        switch path {
        case "tables.territories", "tables.structures": return 1024
        case "comparison.baselines", "objective.stages": return 1000
        default: return TableReader.maxTextLength
        }
    }

    /// Text; a required text may not be empty.
    mutating func text(_ path: String) -> String? {
        guard let (text, location) = rawText(path) else { return nil }
        let limit = Self.maxLength(of: path)
        if text.count > limit {
            errors.add(
                .configuration, location, "'\(path)' is \(text.count) characters long, more than \(limit): shorten it")
            return nil
        }
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            let spec = ParameterSchema.spec(for: path)
            if spec?.required == true {
                errors.add(.configuration, location, "'\(path)' must not be empty")
                return nil
            }
            // An optional table named by nothing would be read as the scenario's folder (a review: exit 66, "is a
            // directory"): the key is left out for no table.
            if spec != nil && (ScenarioLoader.isTablePath(path) || path == "reach.table") {
                errors.add(
                    .configuration, location, "'\(path)' must not be empty: name a CSV file, or leave the key out")
                return nil
            }
        }
        if let bad = text.unicodeScalars.first(where: {
            ($0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t") || TableReader.isLayoutControl($0)
        }) {
            errors.add(
                .configuration, location, "'\(path)' holds the control character U+\(String(format: "%04X", bad.value))"
            )
            return nil
        }
        return text
    }

    /// The scenario's name: it names the run directory (`out/<name>`) and the model, so it is an id.
    mutating func name() -> String? {
        guard let (text, location) = rawText("name") else { return nil }
        let valid =
            (1...64).contains(text.count) && !text.hasPrefix(".") && !text.hasPrefix("-")
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
        guard valid else {
            errors.add(
                .configuration, location,
                "'name' must be 1 to 64 ASCII letters, digits, '_', '.' or '-', not starting with '.' or '-' (it names the run directory), found '\(Shown.value(text))'"
            )
            return nil
        }
        return text
    }

    mutating func integer(_ path: String) -> Int? {
        guard let (text, location) = rawText(path), case let .integer(range)? = ParameterSchema.spec(for: path)?.type
        else { return nil }
        let separated = DigitSeparators.removed(from: text)
        let cleaned = separated ?? text
        guard separated != nil, let value = Int(cleaned) else {
            // All digits but too many for an Int: out of range, not "not a whole number".
            let digits = cleaned.hasPrefix("-") || cleaned.hasPrefix("+") ? cleaned.dropFirst() : Substring(cleaned)
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                errors.add(
                    .configuration, location,
                    "'\(path)' = \(Shown.value(text)) is out of range (\(ParameterSpecDescription.range(range)))")
            } else {
                errors.add(.configuration, location, "'\(path)' must be a whole number, found '\(Shown.value(text))'")
            }
            return nil
        }
        guard range.contains(value) else {
            errors.add(
                .configuration, location,
                "'\(path)' = \(value) is out of range (\(ParameterSpecDescription.range(range)))")
            return nil
        }
        return value
    }

    mutating func number(_ path: String) -> Double? {
        guard let (text, location) = rawText(path), case let .number(range)? = ParameterSchema.spec(for: path)?.type
        else { return nil }
        guard let value = Self.parseNumber(text) else {
            errors.add(.configuration, location, "'\(path)' must be a number, found '\(Shown.value(text))'")
            return nil
        }
        guard range.contains(value) else {
            errors.add(
                .configuration, location,
                "'\(path)' = \(Shown.value(text)) is out of range (\(ParameterSpecDescription.range(range)))")
            return nil
        }
        return value
    }

    mutating func boolean(_ path: String) -> Bool? {
        guard let (text, location) = rawText(path) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            errors.add(.configuration, location, "'\(path)' must be true or false, found '\(Shown.value(text))'")
            return nil
        }
    }

    mutating func numbers(_ path: String) -> [Double]? {
        guard let spec = ParameterSchema.spec(for: path), case let .numbers(range) = spec.type else { return nil }
        let items: [String]
        let location: SourceLocation
        if let parameter = raw[path] {
            location = located(parameter)
            switch parameter.value {
            case let .list(list): items = list
            // An empty item (`0.5,,1`, `0.5,1,`) is refused, not dropped.
            case let .scalar(text): items = Self.listItems(text)
            }
        } else if let defaultValue = spec.defaultValue {
            location = SourceLocation(file: displayPath)
            items = defaultValue.split(separator: ",").map(String.init)
        } else {
            return nil
        }
        var values: [Double] = []
        for item in items {
            guard let value = Self.parseNumber(item), range.contains(value) else {
                errors.add(
                    .configuration, location,
                    "'\(path)' must hold numbers in \(ParameterSpecDescription.range(range)), found '\(Shown.value(item))'"
                )
                return nil
            }
            values.append(value)
        }
        return values
    }

    /// Where `path` was written: its value's place; for a section (`waves.w1`), its key's place in the file, else the
    /// place of its first key given by `--set`; the scenario file alone when it was not written (a review found the
    /// waves' cross-checks placed at the file alone).
    func location(of path: String) -> SourceLocation {
        if let parameter = raw[path] { return located(parameter) }
        if let place = keyLocations[path] {
            return SourceLocation(file: displayPath, line: place.line, column: place.column)
        }
        let inside = raw.keys.filter { $0.hasPrefix(path + ".") }.sorted()
        return inside.first.flatMap { raw[$0] }.map(located) ?? SourceLocation(file: displayPath)
    }

    mutating func configurationError(_ path: String, _ message: String) {
        errors.add(.configuration, location(of: path), message)
    }

    /// A list written `a,b,c`: nothing for an empty text, else every item, an empty one included (to be refused).
    static func listItems(_ text: String) -> [String] {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        return text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
    }

    static func parseNumber(_ text: String) -> Double? {
        DigitSeparators.removed(from: text).flatMap(NumberText.decimal)
    }
}

enum ParameterSpecDescription {
    static func range<T: Comparable>(_ range: ClosedRange<T>) -> String { "\(range.lowerBound)…\(range.upperBound)" }

    /// As written in docs/scenarios.md: `0.000001…1.0`, never Swift's `1e-06`.
    static func range(_ range: ClosedRange<Double>) -> String { "\(text(range.lowerBound))…\(text(range.upperBound))" }

    private static func text(_ value: Double) -> String {
        let plain = "\(value)"
        guard plain.contains("e"), abs(value) < 1, let fixed = NumberText.fixed(value, decimals: 12) else {
            return plain
        }
        var trimmed = fixed
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        return trimmed
    }
}
