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
}

/// Reads the YAML scenario file into typed parameters, applying overrides; every problem is
/// reported with its line and column (Yams keeps each node's position, which is why YAML was chosen).
struct ParameterReader {
    let displayPath: String
    private(set) var raw: [String: RawParameter] = [:]
    /// Where each key itself is written (for unknown-key messages, which point at the key, not its value).
    private var keyLocations: [String: SourceLocation] = [:]
    private(set) var errors = DiagnosticCollector()

    init(yaml: String, displayPath: String, overrides: [ParameterOverride]) {
        self.displayPath = displayPath
        do {
            guard let root = try Yams.compose(yaml: yaml) else {
                errors.add(.configuration, SourceLocation(file: displayPath, line: 1, column: 1), "the scenario file is empty")
                return
            }
            flatten(root, prefix: "")
        } catch let error as YamlError {
            errors.add(.configuration, Self.location(of: error, file: displayPath), "invalid YAML: \(Self.summary(of: error))")
            return
        } catch {
            errors.add(.configuration, SourceLocation(file: displayPath), "invalid YAML: \(error)")
            return
        }
        for key in raw.keys.sorted() where ParameterSchema.spec(for: key) == nil {
            let hint = ParameterSchema.suggestion(for: key, ids: ids).map { " (did you mean '\($0)'?)" } ?? ""
            let place = keyLocations[key] ?? raw[key]!.location
            errors.add(.configuration, SourceLocation(file: displayPath, line: place.line, column: place.column), "unknown key '\(key)'\(hint)")
        }
        for (index, override) in overrides.enumerated() {
            let location = SourceLocation(file: "--set #\(index + 1) '\(override.key)=\(override.value)'")
            guard let spec = ParameterSchema.spec(for: override.key) else {
                let hint = ParameterSchema.suggestion(for: override.key, ids: ids).map { " (did you mean '\($0)'?)" } ?? ""
                errors.add(.configuration, location, "no parameter '\(override.key)'\(hint)")
                continue
            }
            if case .numbers = spec.type {
                let items = override.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                raw[override.key] = RawParameter(value: .list(items), location: location)
            } else {
                raw[override.key] = RawParameter(value: .scalar(override.value), location: location)
            }
        }
    }

    /// The ids used under `kinds` and `funding`, in sorted order.
    var ids: [String: [String]] {
        var result: [String: Set<String>] = [:]
        for key in raw.keys {
            let parts = key.split(separator: ".")
            if parts.count == 3 { result[String(parts[0]), default: []].insert(String(parts[1])) }
        }
        return result.mapValues { $0.sorted() }
    }

    private mutating func flatten(_ node: Node, prefix: String) {
        let location = Self.location(node.mark)
        switch node {
        case let .mapping(mapping):
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? ""
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                keyLocations[path] = Self.location(keyNode.mark)
                if raw[path] != nil {
                    errors.add(.configuration, Self.location(keyNode.mark), "key '\(path)' is given twice")
                }
                flatten(value, prefix: path)
            }
        case let .sequence(sequence):
            var items: [String] = []
            for item in sequence {
                guard case let .scalar(scalar) = item else {
                    errors.add(.configuration, Self.location(item.mark), "'\(prefix)' must be a list of plain values")
                    continue
                }
                items.append(scalar.string)
            }
            raw[prefix] = RawParameter(value: .list(items), location: location)
        case let .scalar(scalar):
            raw[prefix] = RawParameter(value: .scalar(scalar.string), location: location)
        case .alias:
            errors.add(.configuration, location, "YAML aliases are not supported here ('\(prefix)')")
        }
    }

    private static func location(_ mark: Mark?) -> SourceLocation { SourceLocation(file: "", line: mark?.line, column: mark?.column) }

    private static func location(of error: YamlError, file: String) -> SourceLocation {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        default:
            return SourceLocation(file: file)
        }
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _):
            return problem
        default:
            return "\(error)"
        }
    }

    // MARK: typed access

    private func located(_ parameter: RawParameter) -> SourceLocation {
        parameter.location.file.isEmpty
            ? SourceLocation(file: displayPath, line: parameter.location.line, column: parameter.location.column)
            : parameter.location
    }

    /// The raw text of a parameter, or its default; reports a missing required key.
    private mutating func rawText(_ path: String) -> (String, SourceLocation)? {
        guard let spec = ParameterSchema.spec(for: path) else { return nil }
        if let parameter = raw[path] {
            switch parameter.value {
            case let .scalar(text): return (text, located(parameter))
            case let .list(items): return (items.joined(separator: ","), located(parameter))
            }
        }
        if let defaultValue = spec.defaultValue { return (defaultValue, SourceLocation(file: displayPath)) }
        if spec.required { errors.add(.configuration, SourceLocation(file: displayPath), "missing required key '\(path)' (\(spec.help))") }
        return nil
    }

    mutating func text(_ path: String) -> String? { rawText(path)?.0 }

    mutating func integer(_ path: String) -> Int? {
        guard let (text, location) = rawText(path), case let .integer(range)? = ParameterSchema.spec(for: path)?.type else { return nil }
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        guard let value = Int(cleaned) else {
            errors.add(.configuration, location, "'\(path)' must be a whole number, found '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            errors.add(.configuration, location, "'\(path)' = \(value) is out of range (\(ParameterSpecDescription.range(range)))")
            return nil
        }
        return value
    }

    mutating func number(_ path: String) -> Double? {
        guard let (text, location) = rawText(path), case let .number(range)? = ParameterSchema.spec(for: path)?.type else { return nil }
        guard let value = Self.parseNumber(text) else {
            errors.add(.configuration, location, "'\(path)' must be a number, found '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            errors.add(.configuration, location, "'\(path)' = \(text) is out of range (\(ParameterSpecDescription.range(range)))")
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
            errors.add(.configuration, location, "'\(path)' must be true or false, found '\(text)'")
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
            case let .scalar(text): items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
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
                errors.add(.configuration, location, "'\(path)' must hold numbers in \(ParameterSpecDescription.range(range)), found '\(item)'")
                return nil
            }
            values.append(value)
        }
        return values
    }

    mutating func configurationError(_ path: String, _ message: String) {
        let location = raw[path].map(located) ?? SourceLocation(file: displayPath)
        errors.add(.configuration, location, message)
    }

    static func parseNumber(_ text: String) -> Double? {
        let cleaned = text.replacingOccurrences(of: "_", with: "")
        guard cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }
}

enum ParameterSpecDescription {
    static func range<T: Comparable>(_ range: ClosedRange<T>) -> String { "\(range.lowerBound)…\(range.upperBound)" }
}
