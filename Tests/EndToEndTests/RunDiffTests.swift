import Foundation
import Pipeline
import Testing

/// `repartir diff A B`: a report of what changed between two runs (exit 0 either way, 1 only with
/// --fail-on-change), its CSV and Markdown, and 66/65 for a folder that is not a run.
@Suite("repartir diff", .serialized)
struct RunDiffTests {
    @Test(
        "two identical runs: 'No change', exit 0 (also with --fail-on-change); --runs-root --last 2 picks the last two")
    func identicalRunsSayNoChange() throws {
        let temp = try E2E.temporaryDirectory(prefix: "diff-same")
        defer { try? FileManager.default.removeItem(at: temp) }
        let root = temp.appendingPathComponent("nightly")
        for _ in 0..<2 {
            let run = try E2E.repartir(["run", E2E.smallScenario.path, "--runs-root", root.path, "-q"], in: temp)
            try #require(run.status == 0, "\(run)")
        }
        let runs = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            $0.hasPrefix("three-territories-")
        }.sorted()
        try #require(runs.count == 2)
        let direct = try E2E.repartir(
            ["diff", root.appendingPathComponent(runs[0]).path, root.appendingPathComponent(runs[1]).path], in: temp)
        #expect(direct.status == 0 && direct.stdoutText.contains("**No change.**"), "\(direct)")
        let gated = try E2E.repartir(["diff", "--runs-root", root.path, "--last", "2", "--fail-on-change"], in: temp)
        #expect(gated.status == 0 && gated.stdoutText.contains("**No change.**"), "\(gated)")
        #expect(gated.stdoutText.contains(runs[0]) && gated.stdoutText.contains(runs[1]), "\(gated)")
    }

    /// `diff A B --out B` once replaced run B with the diff (exit 0); an `--out` that is or holds a run the diff reads
    /// is refused (73) before anything is written, and both runs stay as they were. `export-model -o` naming one of the
    /// scenario's own files is refused the same way.
    @Test(
        "diff --out naming a run it reads, and export-model -o naming a scenario file, are refused (73); nothing changes"
    )
    func anOutputOverAnInputIsRefused() throws {
        let temp = try E2E.temporaryDirectory(prefix: "diff-over-input")
        defer { try? FileManager.default.removeItem(at: temp) }
        let a = temp.appendingPathComponent("a"), b = temp.appendingPathComponent("b")
        try #require(try E2E.repartir(["run", E2E.smallScenario.path, "--out", a.path, "-q"], in: temp).status == 0)
        try #require(
            try E2E.repartir(
                ["run", E2E.smallScenario.path, "--out", b.path, "-q", "--set", "programme.budget_eur=800000"], in: temp
            ).status == 0)
        let before = try E2E.snapshot(b)
        for target in [b, temp] {
            let diff = try E2E.repartir(["diff", a.path, b.path, "--out", target.path], in: temp)
            #expect(diff.status == 73 && diff.stderrText.contains("a run this diff reads"), "\(diff)")
        }
        #expect(try E2E.snapshot(b) == before)
        #expect(try E2E.repartir(["diff", a.path, b.path], in: temp).status == 0)

        let scenario = temp.appendingPathComponent("scenario")
        try FileManager.default.copyItem(at: E2E.smallScenario, to: scenario)
        let file = scenario.appendingPathComponent("scenario.yaml")
        let text = try E2E.text(file)
        for target in [file, scenario.appendingPathComponent("territories.csv")] {
            let export = try E2E.repartir(["export-model", scenario.path, "-o", target.path], in: temp)
            #expect(export.status == 73 && export.stderrText.contains("an input of this scenario"), "\(export)")
        }
        #expect(try E2E.text(file) == text)
    }

    @Test(
        "two budgets: the moved territories and structures in changes.csv and diff.md, the why from the manifests; exit 0, 1 with --fail-on-change; the diff folder validates with frictionless"
    )
    func differentBudgetsListMoves() throws {
        let temp = try E2E.temporaryDirectory(prefix: "diff-budget")
        defer { try? FileManager.default.removeItem(at: temp) }
        let a = temp.appendingPathComponent("a"), b = temp.appendingPathComponent("b"),
            out = temp.appendingPathComponent("diff")
        try #require(try E2E.repartir(["run", E2E.smallScenario.path, "--out", a.path, "-q"], in: temp).status == 0)
        try #require(
            try E2E.repartir(
                ["run", E2E.smallScenario.path, "--out", b.path, "-q", "--set", "programme.budget_eur=800000"], in: temp
            ).status == 0)

        let diff = try E2E.repartir(["diff", a.path, b.path, "--out", out.path], in: temp)
        #expect(diff.status == 0, "a diff that finds changes is a report: \(diff)")
        let page = try E2E.text(out.appendingPathComponent("diff.md"))
        #expect(page.contains("The budget fell by €0.100M (€0.90M → €0.80M)"), "\(page)")
        #expect(page.contains("1 post left 1 territory; the loss: Creuse (23) -1."), "\(page)")
        let changes = try E2E.table(out.appendingPathComponent("changes.csv"))
        // The moves are those of the two runs' own tables.
        let before = Dictionary(
            uniqueKeysWithValues: try E2E.table(a.appendingPathComponent("allocation_by_territory.csv")).map {
                ($0["territory_code"]!, Int($0["posts"]!)!)
            })
        let after = Dictionary(
            uniqueKeysWithValues: try E2E.table(b.appendingPathComponent("allocation_by_territory.csv")).map {
                ($0["territory_code"]!, Int($0["posts"]!)!)
            })
        let moved = before.keys.filter { before[$0] != after[$0] }.sorted()
        try #require(!moved.isEmpty, "the budget cut moves posts")
        let territoryRows = changes.filter { $0["level"] == "territory" }
        #expect(territoryRows.map { $0["code"]! } == moved, "\(territoryRows)")
        for row in territoryRows {
            let code = row["code"]!
            #expect(
                row["before"] == String(before[code]!) && row["after"] == String(after[code]!)
                    && row["change"] == String(after[code]! - before[code]!), "\(row)")
        }
        #expect(changes.contains { $0["level"] == "structure" }, "structures that moved are listed too")
        let inputs = try E2E.table(out.appendingPathComponent("input_changes.csv"))
        #expect(
            inputs.map { [$0["kind"]!, $0["name"]!, $0["before"]!, $0["after"]!] } == [
                ["parameter", "programme.budget_eur", "900_000", "800000"]
            ], "\(inputs)")

        let gated = try E2E.repartir(["diff", a.path, b.path, "--fail-on-change", "-q"], in: temp)
        #expect(gated.status == 1, "\(gated)")

        let report = try DataPackageTests.validate(out.appendingPathComponent("datapackage.json"), in: temp)
        #expect(
            report.valid && report.tables == ["changes", "input_changes", "summary_changes"],
            "\(report.errors) \(report.output)")
        // --out replaces an earlier diff folder.
        let again = try E2E.repartir(["diff", b.path, a.path, "--out", out.path, "-q"], in: temp)
        let reversed = try E2E.text(out.appendingPathComponent("diff.md"))
        #expect(again.status == 0 && reversed.contains("The budget rose"), "\(again)")
    }

    @Test(
        "the national scenario, budget €200M then €190M: 'The budget fell by €10M', the five largest losses, counts that match changes.csv; both folders validate with frictionless"
    )
    func nationalBudgetCut() throws {
        let temp = try E2E.temporaryDirectory(prefix: "diff-national")
        defer { try? FileManager.default.removeItem(at: temp) }
        let a = temp.appendingPathComponent("a"), b = temp.appendingPathComponent("b"),
            out = temp.appendingPathComponent("diff")
        let quick = ["-q", "--set", "comparison.sensitivity=false", "--set", "comparison.frontier_points=0"]
        try #require(
            try E2E.repartir(["run", E2E.defaultScenario.path, "--out", a.path] + quick, in: temp).status == 0)
        try #require(
            try E2E.repartir(
                ["run", E2E.defaultScenario.path, "--out", b.path, "--set", "programme.budget_eur=190000000"] + quick,
                in: temp
            ).status == 0)
        let diff = try E2E.repartir(["diff", a.path, b.path, "--out", out.path, "-q"], in: temp)
        try #require(diff.status == 0, "\(diff)")
        let page = try E2E.text(out.appendingPathComponent("diff.md"))
        #expect(page.contains("**The budget fell by €10M (€200.00M → €190.00M)."), "\(page.prefix(800))")
        let losses = try E2E.table(out.appendingPathComponent("changes.csv")).filter {
            $0["level"] == "territory" && Int($0["change"]!)! < 0
        }
        let left = losses.reduce(0) { $0 - Int($1["change"]!)! }
        #expect(
            page.contains("\(Self.grouped(left)) posts left \(losses.count) territories; the five largest losses: "),
            "\(page.prefix(800))")
        for folder in [a, out] {
            let report = try DataPackageTests.validate(folder.appendingPathComponent("datapackage.json"), in: temp)
            #expect(report.valid, "\(folder.lastPathComponent): \(report.errors)")
        }
    }

    static func grouped(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    @Test("an input file that changed is named with its hashes; a different GLPK version is reported")
    func inputFileAndVersionChanges() throws {
        let temp = try E2E.temporaryDirectory(prefix: "diff-inputs")
        defer { try? FileManager.default.removeItem(at: temp) }
        let scenario = temp.appendingPathComponent("scenario")
        try FileManager.default.copyItem(at: E2E.smallScenario, to: scenario)
        let a = temp.appendingPathComponent("a"), b = temp.appendingPathComponent("b")
        try #require(try E2E.repartir(["run", scenario.path, "--out", a.path, "-q"], in: temp).status == 0)
        let territories = scenario.appendingPathComponent("territories.csv")
        try Data(try E2E.text(territories).replacingOccurrences(of: "115702", with: "215702").utf8).write(
            to: territories)
        try #require(try E2E.repartir(["run", scenario.path, "--out", b.path, "-q"], in: temp).status == 0)
        // The same run B, as if made with another GLPK.
        var manifest = try RunManifest.read(folder: b.path)
        let version = try #require(manifest.glpkVersion)
        manifest.glpkVersion = "9.9"
        try manifest.encoded().write(to: b.appendingPathComponent("manifest.json"))

        let diff = try E2E.repartir(["diff", a.path, b.path], in: temp)
        #expect(diff.status == 0, "\(diff)")
        #expect(diff.stdoutText.contains("GLPK changed from \(version) to 9.9"), "\(diff.stdoutText.prefix(1200))")
        #expect(diff.stdoutText.contains("the territories file changed (SHA-256 "), "\(diff.stdoutText.prefix(1200))")
        #expect(!diff.stdoutText.contains("`programme."), "no parameter changed: \(diff.stdoutText.prefix(1200))")
    }

    @Test(
        "a run with a plan against an infeasible night: the parameters that changed, 'Run B has no plan', no posts listed as moved"
    )
    func planAgainstInfeasibleRun() throws {
        let temp = try E2E.temporaryDirectory(prefix: "diff-infeasible")
        defer { try? FileManager.default.removeItem(at: temp) }
        let a = temp.appendingPathComponent("a"), b = temp.appendingPathComponent("b"),
            out = temp.appendingPathComponent("diff")
        try #require(try E2E.repartir(["run", E2E.smallScenario.path, "--out", a.path, "-q"], in: temp).status == 0)
        try #require(
            try E2E.repartir(
                ["run", E2E.smallScenario.path, "--out", b.path, "-q"] + NightlyRunsRootTests.infeasible, in: temp
            ).status == 20)
        let diff = try E2E.repartir(["diff", a.path, b.path, "--out", out.path, "-q"], in: temp)
        #expect(diff.status == 0, "\(diff)")
        let page = try E2E.text(out.appendingPathComponent("diff.md"))
        #expect(
            page.contains("`limits.territory_min_posts` rose from 2 to 5")
                && page.contains("Run B has no plan (infeasible)"), "\(page)")
        #expect(try E2E.table(out.appendingPathComponent("changes.csv")).isEmpty, "no plan, no moves")
        // Run A's figures are still listed, against an empty side (the table was empty before).
        let figures = try E2E.table(out.appendingPathComponent("summary_changes.csv"))
        let summaryA = try E2E.table(a.appendingPathComponent("summary.csv"))
        let columnsA = try #require(summaryA.first).keys
        #expect(Set(figures.map { $0["name"]! }) == Set(columnsA) && figures.count == columnsA.count, "\(figures)")
        #expect(figures.allSatisfy { $0["after"] == "" && $0["change"] == "" }, "\(figures)")
        #expect(figures.first { $0["name"] == "objective" }?["before"].flatMap(Double.init) != nil, "\(figures)")
    }

    @Test(
        "a folder that is not a run: 66 when it or a table is missing, 65 when manifest.json is not a manifest; each says what is missing"
    )
    func notARunFolder() throws {
        let temp = try E2E.temporaryDirectory(prefix: "diff-bad")
        defer { try? FileManager.default.removeItem(at: temp) }
        let run = temp.appendingPathComponent("run")
        try #require(try E2E.repartir(["run", E2E.smallScenario.path, "--out", run.path, "-q"], in: temp).status == 0)
        let empty = temp.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let noManifest = try E2E.repartir(["diff", empty.path, run.path], in: temp)
        #expect(
            noManifest.status == 66 && noManifest.stderrText.contains("\(empty.path)/manifest.json")
                && noManifest.stderrText.contains("missing"), "\(noManifest)")
        let absent = try E2E.repartir(["diff", run.path, temp.appendingPathComponent("nope").path], in: temp)
        #expect(absent.status == 66 && absent.stderrText.contains("no such run folder"), "\(absent)")

        let garbage = temp.appendingPathComponent("garbage")
        try FileManager.default.createDirectory(at: garbage, withIntermediateDirectories: true)
        try Data("{\"hello\": 1}".utf8).write(to: garbage.appendingPathComponent("manifest.json"))
        let bad = try E2E.repartir(["diff", run.path, garbage.path], in: temp)
        #expect(bad.status == 65 && bad.stderrText.contains("\"scenario\" is missing"), "\(bad)")

        let partial = temp.appendingPathComponent("partial")
        try FileManager.default.copyItem(at: run, to: partial)
        try FileManager.default.removeItem(at: partial.appendingPathComponent("allocation_by_structure.csv"))
        let missingTable = try E2E.repartir(["diff", run.path, partial.path], in: temp)
        #expect(
            missingTable.status == 66 && missingTable.stderrText.contains("allocation_by_structure.csv"),
            "\(missingTable)")
    }

    /// The tables a diff reads are checked against the manifest's hashes, and read strictly where the manifest has
    /// none: a review found a posts cell written `abc` read as 0 (exit 0, "Ain −35"). `--out` over a run's folder is
    /// refused; over an earlier diff's it is replaced.
    @Test("an edited run table is refused (65) at its file, a garbled cell at its line; --out never replaces a run")
    func editedTablesAndRunFoldersAreRefused() throws {
        let temp = try E2E.temporaryDirectory(prefix: "diff-edited")
        defer { try? FileManager.default.removeItem(at: temp) }
        let a = temp.appendingPathComponent("a"), b = temp.appendingPathComponent("b")
        try #require(try E2E.repartir(["run", E2E.smallScenario.path, "--out", a.path, "-q"], in: temp).status == 0)
        try FileManager.default.copyItem(at: a, to: b)
        let table = b.appendingPathComponent("allocation_by_territory.csv")
        var lines = try E2E.text(table).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let column = try #require(header.firstIndex(of: "posts"))
        var cells = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[column] = "abc"
        lines[2] = cells.joined(separator: ",")
        try lines.joined(separator: "\n").write(to: table, atomically: true, encoding: .utf8)
        let edited = try E2E.repartir(["diff", a.path, b.path], in: temp)
        #expect(edited.status == 65, "\(edited)")
        #expect(
            edited.stderrText.contains("\(table.path): changed since the run: its SHA-256 is"), "\(edited.stderrText)")
        // Without the hashes (a manifest written by hand), the cell itself is refused at its line.
        let manifestFile = b.appendingPathComponent("manifest.json")
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: manifestFile)) as? [String: Any])
        manifest["outputs"] = nil
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestFile)
        let garbled = try E2E.repartir(["diff", a.path, b.path], in: temp)
        #expect(garbled.status == 65, "\(garbled)")
        #expect(
            garbled.stderrText.contains("\(table.path):3: posts: expected a whole number of posts, found 'abc'"),
            "\(garbled.stderrText)")

        let c = temp.appendingPathComponent("c")
        try #require(try E2E.repartir(["run", E2E.smallScenario.path, "--out", c.path, "-q"], in: temp).status == 0)
        let before = try E2E.snapshot(c)
        let overRun = try E2E.repartir(["diff", a.path, a.path, "--out", c.path], in: temp)
        #expect(overRun.status == 73 && overRun.stderrText.contains("holds a run"), "\(overRun)")
        #expect(try E2E.snapshot(c) == before)
        let out = temp.appendingPathComponent("diff")
        for _ in 0..<2 {
            let diff = try E2E.repartir(["diff", a.path, a.path, "--out", out.path, "-q"], in: temp)
            #expect(diff.status == 0, "an earlier diff's folder is replaced: \(diff)")
        }
    }
}
