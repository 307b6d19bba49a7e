import Foundation
import Testing

/// The report of a real run whose inputs are hostile or broken: names and labels that are HTML and
/// Markdown payloads, a damaged map drawing, a baseline that cannot be computed.
@Suite("report safety end to end")
struct ReportSafetyTests {
    static let corpus = E2E.pythonDirectory.appendingPathComponent("markdown_payloads.txt")
    /// The small scenario without the re-solve analyses, which add nothing from the inputs to the report.
    static let settings =
        EndToEndTests.smallSettings + [
            "--set", "comparison.sensitivity=false", "--set", "comparison.frontier_points=0",
        ]

    /// The corpus: payloads on one line (for the CSV tables) and those with line breaks (for the YAML file only,
    /// which refuses a carriage return: `\r\n` is given as `\n`).
    static func payloads() throws -> (oneLine: [String], multiLine: [String]) {
        let all = try E2E.text(corpus).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("//") }
            .map { $0.replacingOccurrences(of: "\\r", with: "").replacingOccurrences(of: "\\n", with: "\n") }
        return (all.filter { !$0.contains("\n") }, all.filter { $0.contains("\n") })
    }

    static func csvField(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func yamlString(_ text: String) -> String {
        "\""
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// Puts every payload of the corpus into the small scenario: territory and région names (CSV), the title and
    /// the labels of kinds and funding options (YAML), a few payloads per field.
    static func payloadScenario(in directory: URL) throws -> URL {
        let scenario = try EndToEndTests.makeSmallScenario(in: directory)
        let folder = scenario.deletingLastPathComponent()
        let (oneLine, multiLine) = try payloads()
        let tableSlots = 10, yamlSlots = 5
        var slots = Array(repeating: [String](), count: tableSlots + yamlSlots)
        for (index, payload) in oneLine.enumerated() { slots[index % slots.count].append(payload) }
        for (index, payload) in multiLine.enumerated() { slots[tableSlots + index % yamlSlots].append(payload) }
        let texts = slots.map { $0.joined(separator: " ") }

        let territoriesURL = folder.appendingPathComponent("small_territories.csv")
        var lines = try E2E.text(territoriesURL).split(separator: "\n").map(String.init)
        for row in 1..<lines.count {
            var fields = lines[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[1] = csvField(texts[(row - 1) * 2])
            fields[3] = csvField(texts[(row - 1) * 2 + 1])
            lines[row] = fields.joined(separator: ",")
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: territoriesURL)

        var yaml = try E2E.text(scenario).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var labels = texts[(tableSlots + 1)...].makeIterator()
        for index in yaml.indices {
            if yaml[index].hasPrefix("title:") { yaml[index] = "title: " + yamlString(texts[tableSlots]) }
            if yaml[index].hasPrefix("    label:"), let label = labels.next() {
                yaml[index] = "    label: " + yamlString(label)
            }
        }
        try #require(
            labels.next() == nil, "the default scenario.yaml has two kinds and two funding options, each with a label")
        try Data(yaml.joined(separator: "\n").utf8).write(to: scenario)
        return scenario
    }

    @Test(
        "names, labels and a title made of HTML and Markdown payloads render as text: no live tag, link or image in the HTML"
    )
    func payloadsInTheInputsRenderAsText() throws {
        try E2E.requirePython(modules: ["pandas", "markdown_it"])
        let temp = try E2E.temporaryDirectory(prefix: "payloads")
        defer { try? FileManager.default.removeItem(at: temp) }
        let scenario = try Self.payloadScenario(in: temp)
        let run = temp.appendingPathComponent("run")
        let result = try E2E.repartir(["run", scenario.path] + Self.settings + ["--out", run.path, "-q"], in: temp)
        try #require(result.status == 0, "\(result)")
        let script = E2E.pythonDirectory.appendingPathComponent("check_outputs.py").path
        let check = try E2E.python(
            [
                script, run.path, "--territories", "5", "--codes",
                EndToEndTests.smallTerritoryCodes.joined(separator: ","),
                "--payloads", Self.corpus.path,
            ], in: temp)
        #expect(check.status == 0, "check_outputs.py failed: \(check)")
        #expect(check.stdoutText.contains("all checks passed"), "\(check)")
    }

    /// The small scenario with the real map drawing beside it, one of its label coordinates replaced by `x`.
    static func damagedGeometry(in directory: URL) throws -> (scenario: URL, geometry: URL, line: Int, column: Int) {
        let scenario = try EndToEndTests.makeSmallScenario(in: directory)
        let folder = scenario.deletingLastPathComponent().appendingPathComponent("geometry")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let geometry = folder.appendingPathComponent("departements.paths.tsv")
        var lines = try E2E.text(E2E.defaultScenario.appendingPathComponent("geometry/departements.paths.tsv"))
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("dep\t") })
        var fields = lines[index].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        let column = fields[0...2].reduce(1) { $0 + $1.count + 1 }
        fields[3] = "x"
        lines[index] = fields.joined(separator: "\t")
        try Data(lines.joined(separator: "\n").utf8).write(to: geometry)
        return (scenario, geometry, index + 1, column)
    }

    @Test(
        "a damaged map drawing is refused before the lock and the solve, by run and by validate, as file:line:column once (exit 65)"
    )
    func damagedGeometryFailsBeforeSolving() throws {
        let temp = try E2E.temporaryDirectory(prefix: "geometry")
        defer { try? FileManager.default.removeItem(at: temp) }
        let (scenario, geometry, line, column) = try Self.damagedGeometry(in: temp)
        let message = "error: \(geometry.path):\(line):\(column): label x is not a number: \"x\""
        let out = temp.appendingPathComponent("run")
        let run = try E2E.repartir(["run", scenario.path] + Self.settings + ["--out", out.path], in: temp)
        #expect(run.status == 65, "\(run)")
        #expect(run.stderrText.contains(message), "\(run)")
        #expect(
            run.stderrText.components(separatedBy: "departements.paths.tsv").count == 2, "the path is said once: \(run)"
        )
        #expect(
            !run.stderrText.contains("locked") && !run.stderrText.contains("model:"),
            "nothing is locked or solved: \(run)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let validate = try E2E.repartir(["validate", scenario.path] + Self.settings, in: temp)
        #expect(validate.status == 65, "\(validate)")
        #expect(validate.stderrText.contains(message), "\(validate)")
    }

    @Test(
        "a baseline that cannot be computed (its weights overflow) is named in report.md with why, even with -q; the report lists only the files written"
    )
    func baselineLeftOutIsInTheReport() throws {
        let temp = try E2E.temporaryDirectory(prefix: "left-out")
        defer { try? FileManager.default.removeItem(at: temp) }
        let scenario = try EndToEndTests.makeSmallScenario(in: temp)
        let out = temp.appendingPathComponent("run")
        let overflowing = "webster:(population^10*population15^10)^10"
        let result = try E2E.repartir(
            ["run", scenario.path] + Self.settings
                + ["--set", "comparison.baselines=webster:need,\(overflowing)", "--out", out.path, "-q"], in: temp)
        try #require(result.status == 0, "\(result)")
        let report = try E2E.text(out.appendingPathComponent("report.md"))
        #expect(
            report.contains(
                "Left out of the comparison, because they could not be computed:\n\n- **`\(overflowing)`**: baseline"),
            "\(report)")
        #expect(report.contains("is inf, not a finite number ≥ 0"))
        let comparison = try E2E.table(out.appendingPathComponent("comparison.csv"))
        #expect(comparison.map { $0["plan"] } == ["optimised", "webster:need"])
        // No analyses and no map drawing here: the list of files says so.
        #expect(
            report.contains(
                "## Files of this run\n\n`allocation_by_structure.csv`, `allocation_by_territory.csv`, `allocation_by_region.csv`, `summary.csv`, `summary.json`, `plans.csv`, `comparison.csv`, `report.md`, `datapackage.json`, `manifest.json`."
            ), "\(report)")
        #expect(!report.contains("sensitivity.csv") && !report.contains("frontier.csv") && !report.contains("the maps"))
        #expect(
            Set(try FileManager.default.contentsOfDirectory(atPath: out.path)) == [
                "allocation_by_structure.csv", "allocation_by_territory.csv",
                "allocation_by_region.csv", "summary.csv", "summary.json", "plans.csv", "comparison.csv", "report.md",
                "datapackage.json", "manifest.json",
            ])
    }
}
