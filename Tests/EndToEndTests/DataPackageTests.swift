import Foundation
import Pipeline
import Testing

/// `datapackage.json` in every run folder: `frictionless validate` accepts the folder (types,
/// required cells, primary and foreign keys), and a reader that takes its dtypes from the package
/// alone reads the région code `01` as the text "01".
@Suite("datapackage.json", .serialized)
struct DataPackageTests {
    /// `frictionless validate --json PACKAGE`: (valid, resources validated, error types).
    static func validate(
        _ package: URL, in directory: URL
    ) throws -> (valid: Bool, tables: [String], errors: [String], output: E2E.Output) {
        try E2E.requirePython(modules: ["frictionless"])
        let result = try E2E.python(["-m", "frictionless", "validate", "--json", package.path], in: directory)
        let report = try #require(
            JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "no JSON report: \(result)")
        let tasks = report["tasks"] as? [[String: Any]] ?? []
        let errors = tasks.flatMap {
            ($0["errors"] as? [[String: Any]] ?? []).map { "\($0["type"] ?? "?"): \($0["message"] ?? "")" }
        }
        return (report["valid"] as? Bool == true, tasks.compactMap { $0["name"] as? String }.sorted(), errors, result)
    }

    static func csvNames(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".csv") }
            .map { String($0.dropLast(4)) }.sorted()
    }

    @Test(
        "a run folder and an infeasible run's folder validate with frictionless; every CSV is a resource; a broken foreign key is caught"
    )
    func runFoldersValidate() throws {
        let temp = try E2E.temporaryDirectory(prefix: "datapackage")
        defer { try? FileManager.default.removeItem(at: temp) }
        let run = temp.appendingPathComponent("run"), infeasible = temp.appendingPathComponent("infeasible")
        let first = try E2E.repartir(["run", E2E.smallScenario.path, "--out", run.path, "-q"], in: temp)
        try #require(first.status == 0, "\(first)")
        let second = try E2E.repartir(
            ["run", E2E.smallScenario.path, "--out", infeasible.path, "-q"] + NightlyRunsRootTests.infeasible, in: temp)
        try #require(second.status == 20, "\(second)")

        for folder in [run, infeasible] {
            let package = folder.appendingPathComponent("datapackage.json")
            let report = try Self.validate(package, in: temp)
            #expect(report.valid, "\(folder.lastPathComponent): \(report.errors) \(report.output)")
            #expect(report.tables == (try Self.csvNames(folder)), "every CSV is described: \(report.tables)")
            let manifest = try RunManifest.read(folder: folder.path)
            #expect(
                manifest.outputs?.contains { $0.file == "datapackage.json" } == true,
                "the package is an output with its hash")
        }

        // The keys are checked: a structure moved to an unknown territory breaks the foreign key.
        let broken = temp.appendingPathComponent("broken")
        try FileManager.default.copyItem(at: run, to: broken)
        let structures = broken.appendingPathComponent("allocation_by_structure.csv")
        var lines = try E2E.text(structures).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[2] = "99"
        lines[1] = cells.joined(separator: ",")
        try Data(lines.joined(separator: "\n").utf8).write(to: structures)
        let report = try Self.validate(broken.appendingPathComponent("datapackage.json"), in: temp)
        #expect(!report.valid && report.errors.contains { $0.hasPrefix("foreign-key") }, "\(report.errors)")

        // A reader with no dtype dict of its own: région 01 (Guadeloupe) stays "01", counts are integers.
        try E2E.requirePython(modules: ["pandas"])
        let read = try E2E.python(
            [
                "-c",
                """
                import json, sys, pandas as pd
                folder = sys.argv[1]
                package = json.load(open(folder + "/datapackage.json"))
                types = {"string": "string", "number": "float64", "boolean": "boolean"}
                def dtype(field):
                    if field["type"] == "integer":
                        return "int64" if field.get("constraints", {}).get("required") else "Int64"
                    return types[field["type"]]
                for resource in package["resources"]:
                    dtypes = {f["name"]: dtype(f) for f in resource["schema"]["fields"]}
                    frame = pd.read_csv(folder + "/" + resource["path"], dtype=dtypes, keep_default_na=False, na_values=[""])
                    if resource["name"] == "allocation_by_region":
                        assert "01" in list(frame["region_code"]), list(frame["region_code"])
                        print("region codes", list(frame["region_code"]), frame["posts"].dtype)
                """, run.path,
            ], in: temp)
        #expect(read.status == 0 && read.stdoutText.contains("region codes ['01', '75'] int64"), "\(read)")

        // And the checker reads every CSV through the package.
        let check = try E2E.python(
            [
                E2E.pythonDirectory.appendingPathComponent("check_outputs.py").path, run.path,
                "--territories", "3", "--codes", "23,87,971", "--coverage-tolerance", "0.2",
            ], in: temp)
        #expect(check.status == 0, "\(check)")
    }
}
