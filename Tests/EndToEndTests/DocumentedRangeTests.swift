import Foundation
import Studies
import Testing

/// Every numeric range documented in docs/scenarios.md, read from the doc itself (issue 9, item 6): at each
/// edge of the range `validate` and `run` agree, and a scenario that `validate` accepts runs (exit 0, 10, 20 or
/// 21, never 70); just outside the range both refuse, with 78 for a key of the YAML file and 65 for a cell of a
/// table. The scenario is the three-territory example; kinds.* is `public`, funding.* is `partial_3y`.
@Suite struct DocumentedRangeTests {
    /// A documented range: a YAML key (`table` nil) or a column of `territories.csv` / `structures.csv`.
    struct Range: Sendable, CustomTestStringConvertible {
        let key: String
        let table: String?
        let whole: Bool
        let lower: Double
        let upper: Double
        var testDescription: String { "\(table.map { "\($0):" } ?? "")\(key) \(lower) … \(upper)" }
    }

    /// The ranges of docs/scenarios.md: rows of its tables whose type is a number or a whole number and whose
    /// range (or rule) starts with `A … B`.
    static let ranges: [Range] = {
        let doc =
            (try? String(contentsOf: E2E.packageRoot.appendingPathComponent("docs/scenarios.md"), encoding: .utf8))
            ?? ""
        var found: [Range] = []
        var table: String?
        for line in doc.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("### Every key") { table = nil }
            if line.hasPrefix("### `territories.csv`") { table = "territories.csv" }
            if line.hasPrefix("### `structures.csv`") { table = "structures.csv" }
            guard line.hasPrefix("| `") else { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count > 4 else { continue }
            let key = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            // YAML table: | key | type | range | …; CSV tables: | column | required | type | rule | …
            let (type, rangeText) = table == nil ? (cells[2], cells[3]) : (cells[3], cells[4])
            guard type == "number" || type == "whole number",
                let (lower, upper) = parseRange(rangeText)
            else { continue }
            found.append(Range(key: key, table: table, whole: type == "whole number", lower: lower, upper: upper))
        }
        return found
    }()

    /// `0 … 1,000,000`, `1 … 10¹²`, `0.01 … 86,400` (what follows the upper bound is ignored).
    static func parseRange(_ text: String) -> (Double, Double)? {
        let parts = text.components(separatedBy: " … ")
        guard parts.count >= 2 else { return nil }
        let upperText = parts[1].components(separatedBy: ";")[0].components(separatedBy: ", ")[0].components(
            separatedBy: " ")[0]
        guard let lower = number(parts[0]), let upper = number(upperText) else { return nil }
        return (lower, upper)
    }

    static func number(_ text: String) -> Double? {
        let superscripts: [Character: Character] = [
            "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9",
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("10"), trimmed.dropFirst(2).allSatisfy({ superscripts[$0] != nil }), trimmed.count > 2 {
            return Double("1e" + String(trimmed.dropFirst(2).map { superscripts[$0]! }))
        }
        return Double(trimmed.replacingOccurrences(of: ",", with: ""))
    }

    /// The doc must yield the ranges this test is about: if its tables change shape, this fails instead of testing
    /// nothing.
    @Test func theDocumentedRangesAreRead() {
        let keys = Set(Self.ranges.map { "\($0.table ?? "")\($0.key)" })
        for expected in [
            "programme.posts", "programme.budget_eur", "service.people_per_post_year", "funding.*.state_share",
            "objective.exponent", "solver.mip_gap", "solver.time_limit_seconds", "comparison.frontier_points",
            "territories.csvweight", "territories.csvpopulation", "structures.csvcapacity",
            "structures.csvcofinancing_eur",
        ] {
            #expect(keys.contains(expected), "docs/scenarios.md: no range read for \(expected)")
        }
        #expect(Self.ranges.count >= 30)
    }

    static func text(_ value: Double, whole: Bool) -> String {
        whole ? String(Int(value)) : String(format: "%.12g", value)
    }

    /// The key as set on the example: its kind `public`, its option `partial_3y`.
    static func setKey(_ range: Range) -> String {
        range.key.replacingOccurrences(of: "kinds.*", with: "kinds.public").replacingOccurrences(
            of: "funding.*", with: "funding.partial_3y")
    }

    /// A fresh copy of the example with one value set: `--set` for a YAML key, the whole column for a table
    /// (related columns moved along so that the value itself is what is tested).
    static func prepare(_ range: Range, value: Double) throws -> (folder: URL, arguments: [String]) {
        let root = try E2E.temporaryDirectory(prefix: "range")
        let folder = root.appendingPathComponent("scenario")
        try FileManager.default.copyItem(at: E2E.smallScenario, to: folder)
        let written = text(value, whole: range.whole)
        guard let table = range.table else { return (folder, ["--set", "\(setKey(range))=\(written)"]) }
        var columns = [range.key: written]
        switch range.key {
        case "population", "population_15_plus", "population_75_plus":
            for column in ["population", "population_15_plus", "population_75_plus"] { columns[column] = written }
        case "min_posts":
            columns["max_posts"] = written
        default: break
        }
        let url = folder.appendingPathComponent(table)
        var lines = try E2E.text(url).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        for (column, cell) in columns {
            if let index = lines[0].firstIndex(of: column) {
                for row in 1..<lines.count { lines[row][index] = cell }
            } else {
                lines[0].append(column)
                for row in 1..<lines.count { lines[row].append(cell) }
            }
        }
        try (lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(
            to: url, atomically: true, encoding: .utf8)
        return (folder, [])
    }

    func validateAndRun(_ range: Range, _ value: Double) throws -> (validate: E2E.Output, run: E2E.Output) {
        let (folder, arguments) = try Self.prepare(range, value: value)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let validate = try E2E.repartir(["validate", folder.path] + arguments, in: folder)
        let run = try E2E.repartir(
            [
                "run", folder.path, "--out", folder.appendingPathComponent("out").path, "-q",
                "--time-limit", "30",
            ] + arguments, in: folder)
        return (validate, run)
    }

    /// At both edges: `validate` accepts ⇒ `run` ends with a documented outcome, never 70; a refusal by
    /// `validate` (a rule across columns) is also `run`'s.
    @Test(arguments: ranges) func edgesRun(range: Range) throws {
        for value in [range.lower, range.upper] {
            let (validate, run) = try validateAndRun(range, value)
            if validate.status == 0 {
                // At the upper edge of the budget and posts the sensitivity variants that step past the range are left
                // out (`Sensitivity.variants`), so the run still ends with a documented outcome.
                #expect([0, 10, 20, 21].contains(run.status), "\(range.key)=\(value): validate accepts, run: \(run)")
            } else {
                #expect(run.status == validate.status, "\(range.key)=\(value): validate \(validate), run \(run)")
                #expect(validate.status != 70, "\(range.key)=\(value): \(validate)")
            }
        }
    }

    /// Just outside: both refuse, naming the key or the column.
    @Test(arguments: ranges) func outsideIsRefused(range: Range) throws {
        let step = range.whole ? 1 : max(abs(range.lower), abs(range.upper), 1) * 1e-3
        let below =
            range.whole
            ? range.lower - 1 : (range.lower == 0 ? -1e-3 : range.lower - min(step, abs(range.lower) * 1e-3))
        for value in [below, range.upper + step] {
            let (validate, run) = try validateAndRun(range, value)
            let expected: Int32 = range.table == nil ? 78 : 65
            #expect(validate.status == expected, "\(range.key)=\(value): \(validate)")
            #expect(run.status == expected, "\(range.key)=\(value): \(run)")
            #expect(validate.stderrText.contains(Self.setKey(range)), "\(range.key)=\(value): \(validate)")
        }
    }

    /// A stage listed twice was valid for `validate` and failed `run` after solving on a duplicate row name (exit 70).
    @Test func repeatedStageIsRefusedByBoth() throws {
        let root = try E2E.temporaryDirectory(prefix: "stages")
        defer { try? FileManager.default.removeItem(at: root) }
        let arguments = ["--set", "objective.stages=endow,endow,value"]
        let validate = try E2E.repartir(["validate", E2E.smallScenario.path] + arguments, in: root)
        let run = try E2E.repartir(
            ["run", E2E.smallScenario.path, "--out", root.appendingPathComponent("out").path, "-q"] + arguments,
            in: root)
        #expect(validate.status == 78, "\(validate)")
        #expect(run.status == 78, "\(run)")
        #expect(
            validate.stderrText.contains("objective.stages") && validate.stderrText.contains("endow"), "\(validate)")
    }

    /// A weight of 10⁻¹² on one territory (inside 0 … 1000) ran into the LP layer's smallest coefficient (exit 70).
    @Test func tinyWeightOnOneTerritoryRuns() throws {
        let range = Range(key: "weight", table: "territories.csv", whole: false, lower: 0, upper: 1000)
        let (folder, _) = try Self.prepare(range, value: 1)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let url = folder.appendingPathComponent("territories.csv")
        let rows = try E2E.text(url).split(separator: "\n").map(String.init)
        let weight = try #require(rows[0].split(separator: ",").firstIndex(of: "weight"))
        var first = rows[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        first[weight] = "1e-12"
        try ([rows[0], first.joined(separator: ",")] + rows.dropFirst(2)).joined(separator: "\n").appending("\n").write(
            to: url, atomically: true, encoding: .utf8)
        let validate = try E2E.repartir(["validate", folder.path], in: folder)
        let run = try E2E.repartir(
            ["run", folder.path, "--out", folder.appendingPathComponent("out").path, "-q"], in: folder)
        #expect(validate.status == 0, "\(validate)")
        #expect(run.status == 0, "\(run)")
    }
}
