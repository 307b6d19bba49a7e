import Foundation
import Scenario
import Yams

/// A sweep file (docs/sweeps.md), read with every problem located at its line and column:
///
/// ```yaml
/// scenario: ../scenarios/france-relance-2020   # relative to this file
/// name: budgets                                  # the sweep id (default: the file's name)
/// set: {comparison.sensitivity: false}           # shared by every variant
/// grid:                                          # the product of these lists
///   programme.budget_eur: [150e6, 160e6]
///   objective.stages: [value, "maxmin,value"]
/// variants:                                      # and/or explicit variants
///   - {programme.budget_eur: 200e6}
/// time_limit: 60
/// mip_gap: 0.0001
/// shards: 4                                      # the count of a Kubernetes Indexed Job
/// ```
///
/// Only the form of the file is checked here; each value is checked against the scenario when the
/// variants are made (`SweepPlan`), still before anything runs.
public struct SweepFile: Sendable {
    /// One `key: value` of the file, where it was written (the value's place, for a wrong value).
    public struct Setting: Sendable, Hashable {
        public let key: String
        public let value: String
        public let location: SourceLocation
    }

    public struct Axis: Sendable {
        public let key: String
        public let values: [Setting]
    }

    public let path: String
    /// The sweep id: `name`, or the file's name without its extension. It names `ROOT/<id>/`.
    public let name: String
    /// The base scenario, resolved against the sweep file's folder.
    public let scenario: String
    public let shared: [Setting]
    public let grid: [Axis]
    public let variants: [[Setting]]
    public let timeLimit: Double?
    public let mipGap: Double?
    /// The number of shards when the engine does not say it (Kubernetes Indexed Jobs).
    public let shards: Int?
    /// With `load(_:deferring: true)`: the problems of the file's form, kept so that the caller reports them with the
    /// problems of the values (`SweepPlan.make`) in one pass; the file is then only good for finding those.
    public internal(set) var deferredProblems: [Diagnostic] = []

    static let keys = ["scenario", "name", "set", "grid", "variants", "time_limit", "mip_gap", "shards"]

    /// Reads and checks the file's form: unknown key, wrong type, a grid or `set` key that is no
    /// parameter, a table path, no variant: every problem at once, exit 78 (66 when unreadable).
    /// `deferring`: when the file names its scenario, its form's problems are returned in `deferredProblems` instead
    /// of thrown, so that the values' problems are found too and the whole file is reported in one pass (a review
    /// fixed a sweep file in two rounds).
    public static func load(_ path: String, deferring: Bool = false) throws(ScenarioError) -> SweepFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError([Diagnostic(.missingFile, SourceLocation(file: path), "cannot read the sweep file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError([
                Diagnostic(.configuration, SourceLocation(file: path), "the sweep file is not UTF-8 text")
            ])
        }
        var reader = Reader(path: path, deferring: deferring)
        return try reader.read(text)
    }

    /// Walks the YAML tree, collecting located problems.
    private struct Reader {
        let path: String
        let deferring: Bool
        var problems: [Diagnostic] = []

        init(path: String, deferring: Bool) {
            self.path = path
            self.deferring = deferring
        }

        func location(_ node: Node) -> SourceLocation {
            SourceLocation(file: path, line: node.mark?.line, column: node.mark?.column)
        }

        mutating func problem(_ node: Node?, _ message: String) {
            problems.append(Diagnostic(.configuration, node.map(location) ?? SourceLocation(file: path), message))
        }

        mutating func read(_ text: String) throws(ScenarioError) -> SweepFile {
            let root: Node
            do {
                guard let node = try Yams.compose(yaml: text) else {
                    throw ScenarioError([
                        Diagnostic(
                            .configuration, SourceLocation(file: path, line: 1, column: 1), "the sweep file is empty")
                    ])
                }
                root = node
            } catch let error as ScenarioError {
                throw error
            } catch let error as YamlError {
                throw ScenarioError([
                    Diagnostic(
                        .configuration, yamlLocation(error),
                        "invalid YAML: \(String("\(error)".prefix { !$0.isNewline }.prefix(200)))")
                ])
            } catch {
                throw ScenarioError([Diagnostic(.configuration, SourceLocation(file: path), "invalid YAML: \(error)")])
            }
            guard case let .mapping(mapping) = root else {
                throw ScenarioError([
                    Diagnostic(
                        .configuration, location(root),
                        "the sweep file must be a mapping of keys (\(SweepFile.keys.joined(separator: ", ")))")
                ])
            }
            var scenario: String?, name: String?, timeLimit: Double?, mipGap: Double?, shards: Int?
            var shared: [Setting] = [], grid: [Axis] = [], variants: [[Setting]] = []
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? ""
                switch key {
                case "scenario": scenario = scalar(value, key)
                case "name":
                    name = scalar(value, key)
                    if let given = name, !SweepFile.isID(given) {
                        problem(
                            value,
                            "'name' must be 1 to 64 ASCII letters, digits, '_', '.' or '-', not starting with '.' or '-' (it names the sweep's folder), found '\(Shown.value(given))'"
                        )
                    }
                case "set": shared = settings(value, key)
                case "grid":
                    guard case let .mapping(axes) = value else {
                        problem(value, "'grid' must be a mapping of parameter: [values]"); continue
                    }
                    for (axisKey, list) in axes {
                        let parameter = axisKey.string ?? ""
                        guard checkParameter(axisKey, parameter) else { continue }
                        guard case let .sequence(items) = list else {
                            problem(list, "'grid.\(parameter)' must be a list of values, e.g. [150e6, 160e6]")
                            continue
                        }
                        if items.count == 0 {
                            // Said, and left out of the grid, so the other lists' values are still checked (every
                            // problem at once: a review found an empty list hiding a 'ten' in another).
                            problem(list, "'grid.\(parameter)' is an empty list: the grid would have no variant")
                            continue
                        }
                        var values: [Setting] = []
                        for item in items {
                            if let text = valueText(item, "grid.\(parameter)") {
                                values.append(Setting(key: parameter, value: text, location: location(item)))
                            }
                        }
                        grid.append(Axis(key: parameter, values: values))
                    }
                case "variants":
                    guard case let .sequence(items) = value else {
                        problem(value, "'variants' must be a list of mappings of parameter: value"); continue
                    }
                    for item in items {
                        let variant = settings(item, "variants")
                        if case .mapping = item, variant.isEmpty {
                            problem(item, "a variant with no parameter: give at least one parameter: value")
                        }
                        variants.append(variant)
                    }
                case "time_limit":
                    timeLimit = number(value, key)
                    if let seconds = timeLimit, !(seconds > 0 && seconds <= 86_400) {
                        problem(value, "'time_limit' must be seconds in (0, 86400]")
                    }
                case "mip_gap":
                    mipGap = number(value, key)
                    if let gap = mipGap, !(gap >= 0 && gap <= 1) {
                        problem(value, "'mip_gap' must be a relative gap from 0 to 1")
                    }
                case "shards":
                    let text = scalar(value, key)
                    if let text {
                        if let count = Int(text), count >= 1 {
                            shards = count
                        } else {
                            problem(
                                value, "'shards' must be a whole number of at least 1, found '\(Shown.value(text))'")
                        }
                    }
                default:
                    problem(
                        keyNode,
                        "unknown key '\(Shown.value(key))' in a sweep file (expected \(SweepFile.keys.joined(separator: ", ")))"
                    )
                }
            }
            if scenario == nil {
                problems.append(
                    Diagnostic(
                        .configuration, SourceLocation(file: path),
                        "missing required key 'scenario' (the base scenario file or folder)"))
            }
            if grid.isEmpty && variants.isEmpty && problems.isEmpty {
                problem(
                    root, "the sweep has no variant: give a 'grid' of parameter lists, a list of 'variants', or both")
            }
            if !problems.isEmpty && (!deferring || scenario == nil) { throw ScenarioError(problems) }
            let folder = (path as NSString).deletingLastPathComponent
            let resolved =
                scenario!.hasPrefix("/") || folder.isEmpty
                ? scenario! : (folder as NSString).appendingPathComponent(scenario!)
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let id = name ?? stem
            // An invalid `name:` is already said at its place; the file's own name is at fault only without one.
            if !SweepFile.isID(id) && name != nil { throw ScenarioError(problems) }
            if !SweepFile.isID(id) {
                throw ScenarioError(
                    problems + [
                        Diagnostic(
                            .configuration, SourceLocation(file: path),
                            "the sweep file's name '\(Shown.value(stem))' is no valid sweep id: give 'name: <id>' (ASCII letters, digits, '_', '.' or '-', not starting with '.' or '-')"
                        )
                    ])
            }
            var file = SweepFile(
                path: path, name: id, scenario: resolved, shared: shared, grid: grid, variants: variants,
                timeLimit: timeLimit, mipGap: mipGap, shards: shards)
            file.deferredProblems = problems
            return file
        }

        /// A scalar, or nil with a problem.
        mutating func scalar(_ node: Node, _ key: String) -> String? {
            guard case let .scalar(scalar) = node else { problem(node, "'\(key)' must be a single value"); return nil }
            return scalar.string
        }

        mutating func number(_ node: Node, _ key: String) -> Double? {
            guard let text = scalar(node, key) else { return nil }
            guard let cleaned = DigitSeparators.removed(from: text), let value = Double(cleaned), value.isFinite else {
                problem(node, "'\(key)' must be a number, found '\(Shown.value(text))'")
                return nil
            }
            return value
        }

        /// A parameter's value: a scalar, or a list of scalars written as `a,b` (as `--set` takes it).
        mutating func valueText(_ node: Node, _ key: String) -> String? {
            switch node {
            case let .scalar(scalar): return scalar.string
            case let .sequence(items):
                var parts: [String] = []
                for item in items {
                    guard case let .scalar(scalar) = item else {
                        problem(item, "'\(key)' must hold plain values"); return nil
                    }
                    parts.append(scalar.string)
                }
                return parts.joined(separator: ",")
            default:
                problem(node, "'\(key)' must be a value or a list of values, found a mapping")
                return nil
            }
        }

        /// A mapping of parameter: value (`set:`, one variant).
        mutating func settings(_ node: Node, _ key: String) -> [Setting] {
            guard case let .mapping(mapping) = node else {
                problem(node, "'\(key)' must be a mapping of parameter: value"); return []
            }
            var result: [Setting] = []
            for (keyNode, value) in mapping {
                let parameter = keyNode.string ?? ""
                guard checkParameter(keyNode, parameter) else { continue }
                if let text = valueText(value, parameter) {
                    result.append(Setting(key: parameter, value: text, location: location(value)))
                }
            }
            return result
        }

        /// A key that a variant may set: a parameter of the scenario file, not a table path.
        mutating func checkParameter(_ node: Node, _ key: String) -> Bool {
            if !ScenarioLoader.isParameter(key) {
                problem(node, "'\(Shown.value(key))' is no parameter of a scenario file (docs/scenarios.md lists them)")
                return false
            }
            if ScenarioLoader.isTablePath(key) {
                problem(
                    node,
                    "'\(key)' cannot vary in a sweep: the tables are read once for every variant (make one sweep per table)"
                )
                return false
            }
            return true
        }

        func yamlLocation(_ error: YamlError) -> SourceLocation {
            switch error {
            case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
                return SourceLocation(file: path, line: mark.line, column: mark.column)
            default:
                return SourceLocation(file: path)
            }
        }
    }

    static func isID(_ text: String) -> Bool {
        (1...64).contains(text.count) && !text.hasPrefix(".") && !text.hasPrefix("-")
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }
}
