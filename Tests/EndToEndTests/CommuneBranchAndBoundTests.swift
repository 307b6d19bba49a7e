import Foundation
import Scenario
import Testing

/// Branch-and-bound on a small commune model (docs/model.md, "Solving the commune model", step 5), on real data: one
/// département of the real commune scenario, the view a département's analyst takes. Before it, this slice ended
/// 1.2 % below its LP bound and exited 10; glpsol on the exported model is the independent check of the optimum.
@Suite struct CommuneBranchAndBoundTests {
    /// The real commune scenario cut to the département `code`: its territory, hosts, communes and France Services
    /// sites, and the scenario's own keys (the run sets the posts, the money and the caps).
    static func slice(_ code: String, in folder: URL) throws -> URL {
        let root = E2E.packageRoot.appendingPathComponent("scenarios")
        let target = folder.appendingPathComponent("slice-\(code)")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let tables = [
            ("france-relance-2020/territories.csv", "territories.csv", "code"),
            ("france-relance-2020/structures.csv", "structures.csv", "territory"),
            ("france-relance-2020-communes/demand.csv", "demand.csv", "territory"),
            ("france-relance-2020-communes/candidates.csv", "candidates.csv", "territory"),
        ]
        for (source, name, column) in tables {
            let table = try CSVTable(path: root.appendingPathComponent(source).path)
            let index = try #require(table.header.firstIndex { $0.text == column }, "\(source): \(column)")
            func line(_ fields: [CSVTable.Field]) -> String {
                fields.map { "\"" + $0.text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
            }
            let rows = table.records.filter { $0[index].text == code }
            try #require(!rows.isEmpty, "\(source) has no row for \(code)")
            let text = ([line(table.header)] + rows.map(line)).joined(separator: "\n") + "\n"
            try text.write(to: target.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        var yaml = try String(
            contentsOf: root.appendingPathComponent("france-relance-2020-communes/scenario.yaml"), encoding: .utf8)
        for (old, new) in [
            ("../france-relance-2020/territories.csv", "territories.csv"),
            ("../france-relance-2020/structures.csv", "structures.csv"),
        ] {
            try #require(yaml.contains(old))
            yaml = yaml.replacingOccurrences(of: old, with: new)
        }
        try yaml.write(to: target.appendingPathComponent("scenario.yaml"), atomically: true, encoding: .utf8)
        return target
    }

    /// Creuse (23) with 20 posts and €1.1M: the heuristic's plan is 1.2 % below its LP bound; branch-and-bound from it
    /// proves it within the MIP gap (571 nodes when measured), exit 0, and glpsol, solving the exported integer model
    /// from nothing, finds the same optimum.
    @Test func oneDepartmentOfTheRealScenarioIsProven() throws {
        let temp = try E2E.temporaryDirectory(prefix: "communes-slice")
        defer { try? FileManager.default.removeItem(at: temp) }
        let scenario = try Self.slice("23", in: temp)
        let keys = [
            "--set", "programme.posts=20", "--set", "programme.budget_eur=1100000",
            "--set", "limits.territory_max_share=1", "--set", "limits.region_max_share=1",
        ]
        let out = temp.appendingPathComponent("run")
        let run = try E2E.repartir(["run", scenario.path, "--out", out.path] + keys, in: temp)
        let summary = try #require(try E2E.table(out.appendingPathComponent("summary.csv")).first, "\(run)")
        #expect(summary["commune_status"] == "optimal", "\(summary)")
        #expect(summary["commune_bound_method"] == "branch_and_bound", "\(summary)")
        let value = try #require(try CommuneRunTests.metric(out, "value"))
        let lpBound = try #require(try CommuneRunTests.metric(out, "lp_bound"))
        // Not proven before branch-and-bound: the LP bound alone is more than the MIP gap above the plan.
        #expect((lpBound - value) / lpBound > 1e-3, "\(value) \(lpBound)")
        #expect((try CommuneRunTests.metric(out, "branch_and_bound_nodes") ?? 0) > 1)

        let mps = temp.appendingPathComponent("commune.mps")
        let export = try E2E.repartir(
            ["export-model", scenario.path, "--commune", "--format", "mps", "-o", mps.path, "-q"] + keys, in: temp)
        try #require(export.status == 0, "\(export)")
        let solution = temp.appendingPathComponent("glpsol.txt")
        let glpsol = try E2E.execute(
            URL(fileURLWithPath: "/usr/bin/glpsol"),
            ["--freemps", mps.path, "--max", "--tmlim", "100", "-o", solution.path], in: temp, timeout: 150)
        try #require(glpsol.status == 0, "\(glpsol)")
        let text = try String(contentsOf: solution, encoding: .utf8)
        #expect(text.contains("INTEGER OPTIMAL"), "\(text.prefix(400))")
        let objective = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("Objective:") }
                .flatMap { $0.split(separator: "=").last?.split(separator: " ").first }.flatMap { Double($0) })
        // The exported objective is the value (every territory's weight is 1 here) less the tie-break, 10⁻⁶ a post.
        #expect(abs(objective - value) / value < 1e-6, "glpsol \(objective), repartir \(value)")
        #expect(run.status == 0, "\(run)")
    }
}
