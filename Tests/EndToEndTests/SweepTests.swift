import CommuneFixtures
import Foundation
import Pipeline
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// `repartir sweep`: variants in-process with stable ids, `--jobs`, shards from a flag or an engine's
/// environment, `sweep collect` into one tidy table, reruns that reuse what is done, and every bad
/// sweep file or shard refused before anything runs.
@Suite("Sweep", .serialized)
struct SweepTests {
    /// Analyses off so each variant of the small scenario takes a fraction of a second.
    static let shared = "set:\n  comparison.sensitivity: false\n  comparison.frontier_points: 0\n"

    /// 2 budgets × 2 objective chains, and one explicit variant: 5 variants.
    static let grid = """
        scenario: \(E2E.smallScenario.path)
        name: budgets
        \(shared)grid:
          programme.budget_eur: [800_000, 900_000]
          objective.stages: [value, "maxmin,value"]
        variants:
          - {programme.budget_eur: 1_000_000, objective.stages: value}

        """

    /// Another process (flock) holding a variant's lock for `seconds`, from when the lock file is there.
    final class LockHolder {
        private let process = Process()

        init(variant id: String, of sweep: Sweep, seconds: Int) throws {
            try FileManager.default.createDirectory(at: sweep.folder, withIntermediateDirectories: true)
            let lock = sweep.folder.appendingPathComponent(".\(id).lock").path
            process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
            process.arguments = ["--no-fork", lock, "sleep", "\(seconds)"]
            try process.run()
            #expect(E2E.waitUntil(timeout: 5) { FileManager.default.fileExists(atPath: lock) })
            Thread.sleep(forTimeInterval: 0.2)
        }

        /// SIGKILL: the test runner may start children with SIGTERM ignored.
        func stop() {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }

    struct Sweep {
        let temp: URL
        let root: URL
        let file: URL
        init(_ prefix: String, _ text: String = SweepTests.grid) throws {
            temp = try E2E.temporaryDirectory(prefix: prefix)
            root = temp.appendingPathComponent("runs")
            file = temp.appendingPathComponent("sweep.yaml")
            try Data(text.utf8).write(to: file)
        }
        var folder: URL { root.appendingPathComponent("budgets") }
        func remove() { try? FileManager.default.removeItem(at: temp) }
        func run(_ extra: [String] = [], environment: [String: String] = [:], file: URL? = nil) throws -> E2E.Output {
            try E2E.repartir(
                ["sweep", (file ?? self.file).path, "--runs-root", root.path] + extra, in: temp,
                environment: environment, timeout: 300)
        }
        func collect() throws -> E2E.Output { try E2E.repartir(["sweep", "collect", folder.path], in: temp) }
        func variantFolders() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { !$0.hasPrefix(".") && !$0.contains(".") && $0 != "outcomes" }.sorted()
        }
        func rows() throws -> [[String: String]] { try E2E.table(folder.appendingPathComponent("sweep.csv")) }
    }

    /// The id as documented, computed by sha256sum: first 12 hex digits of the sorted `key=value` lines.
    static func documentedID(_ overrides: [String]) throws -> String {
        let text = overrides.sorted().joined(separator: "\n")
        let output = try E2E.execute(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '%s' \"$0\" | sha256sum", text],
            in: TestScratch.root)
        return String(output.stdoutText.prefix(12))
    }

    /// The files of a run folder that must not depend on how it was run: all but the manifest, and
    /// the manifest without its timings, start time, host and command line.
    static func comparable(_ folder: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        for (name, data) in try E2E.files(in: folder) {
            var text = String(decoding: data, as: UTF8.self)
            if name == "manifest.json" {
                // What may differ between two runs of the same variant: when, where, how it was started, how long it
                // took.
                var manifest = try JSONDecoder().decode(RunManifest.self, from: data)
                manifest.startedAt = nil
                manifest.host = nil
                manifest.commandLine = nil
                manifest.timingsSeconds = nil
                text = String(decoding: manifest.encoded(), as: UTF8.self)
            }
            result[name] = text
        }
        return result
    }

    @Test(
        "Every variant runs in-process with its stable id in its manifest; progress names variant and stage; collect writes one row per variant that pandas reads with its datapackage"
    )
    func sweepRunsEveryVariant() throws {
        let sweep = try Sweep("sweep-all")
        defer { sweep.remove() }
        let output = try sweep.run(["--jobs", "2"])
        #expect(output.status == 0, "\(output)")
        let expected = try [
            ["objective.stages=value", "programme.budget_eur=800_000"],
            ["objective.stages=maxmin,value", "programme.budget_eur=800_000"],
            ["objective.stages=value", "programme.budget_eur=900_000"],
            ["objective.stages=maxmin,value", "programme.budget_eur=900_000"],
            ["objective.stages=value", "programme.budget_eur=1_000_000"],
        ].map(Self.documentedID).sorted()
        #expect(try sweep.variantFolders() == expected)
        for id in expected {
            let manifest = try RunManifest.read(folder: sweep.folder.appendingPathComponent(id).path)
            #expect(manifest.sweepID == "budgets")
            #expect(manifest.variantID == id, "the manifest of \(id) carries another variant's id")
        }
        // The tables are read once, not once per variant.
        #expect(output.stderrText.components(separatedBy: "loading ").count == 2, "\(output)")
        #expect(output.stderrText.contains("5/5 done, 0 running"), "\(output)")
        #expect(output.stderrText.contains(" running, ETA "), "\(output)")
        #expect(output.stderrText.contains("variant \(expected[0]) [solve"), "\(output)")

        let collected = try sweep.collect()
        #expect(collected.status == 0, "\(collected)")
        let rows = try sweep.rows()
        #expect(rows.count == 5)
        #expect(Set(rows.map { $0["variant_id"] ?? "" }) == Set(expected))
        #expect(
            rows.allSatisfy {
                $0["status"] == "optimal" && $0["exit_code"] == "0" && $0["run_folder"] == $0["variant_id"]
            })
        #expect(Set(rows.map { $0["programme.budget_eur"] ?? "" }) == ["800000", "900000", "1000000"])
        #expect(rows.allSatisfy { Double($0["coverage"] ?? "") ?? 0 > 0 && !($0["posts_per_100k_gini"] ?? "").isEmpty })
        let page = try E2E.text(sweep.folder.appendingPathComponent("sweep.md"))
        #expect(page.contains("](sweep.svg)"))
        let chart = try E2E.text(sweep.folder.appendingPathComponent("sweep.svg"))
        #expect(chart.components(separatedBy: "<polyline").count == 3, "one line per objective chain: \(chart)")
        // And a mark per variant, so a chain with one budget (a line of one point) is seen too.
        #expect(chart.components(separatedBy: "<circle").count == 6, "\(chart)")

        try E2E.requirePython(modules: ["pandas"])
        let script = """
            import json, sys, pandas as pd
            folder = sys.argv[1]
            package = json.load(open(folder + "/datapackage.json"))
            fields = package["resources"][0]["schema"]["fields"]
            types = {"string": str, "integer": "Int64", "number": "float64"}
            frame = pd.read_csv(folder + "/sweep.csv", dtype={f["name"]: types[f["type"]] for f in fields}, keep_default_na=False, na_values=[""])
            assert list(frame.columns) == [f["name"] for f in fields], (list(frame.columns), fields)
            assert len(frame) == 5 and frame["variant_id"].is_unique
            assert frame["programme.budget_eur"].dtype == "float64" and frame["exit_code"].dtype == "Int64"
            print(frame.groupby("objective.stages")["coverage"].max().to_dict())
            """
        let checked = try E2E.python(["-c", script, sweep.folder.path], in: sweep.temp)
        #expect(checked.status == 0, "\(checked)")
    }

    @Test(
        "Ids do not depend on the order of the file; a variant's tables are byte-identical sequentially, with --jobs 2 and as repartir run --set"
    )
    func idsAndTablesAreStable() throws {
        let sweep = try Sweep("sweep-stable")
        defer { sweep.remove() }
        let reordered = sweep.temp.appendingPathComponent("reordered.yaml")
        try Data(
            """
            name: budgets
            variants:
              - {objective.stages: value, programme.budget_eur: 1_000_000}
            grid:
              objective.stages: ["maxmin,value", value]
              programme.budget_eur: [900_000, 800_000]
            \(Self.shared)scenario: \(E2E.smallScenario.path)

            """.utf8
        ).write(to: reordered)
        let parallel = try sweep.run(["--jobs", "2", "-q"])
        #expect(parallel.status == 0, "\(parallel)")
        let first = try sweep.variantFolders()
        let tablesParallel = try first.map { try Self.comparable(sweep.folder.appendingPathComponent($0)) }

        let other = try Sweep("sweep-stable-seq")
        defer { other.remove() }
        let sequential = try other.run(["-q"], file: reordered)
        #expect(sequential.status == 0, "\(sequential)")
        #expect(try other.variantFolders() == first, "the same variants listed in another order got other ids")
        for (index, id) in first.enumerated() {
            #expect(
                try Self.comparable(other.folder.appendingPathComponent(id)) == tablesParallel[index],
                "variant \(id) differs between --jobs 2 and sequential")
        }

        // The same variant as a plain run: the same tables.
        let id = try Self.documentedID(["objective.stages=maxmin,value", "programme.budget_eur=900_000"])
        let single = sweep.temp.appendingPathComponent("single")
        let run = try E2E.repartir(
            [
                "run", E2E.smallScenario.path, "--out", single.path, "-q", "--set", "comparison.sensitivity=false",
                "--set", "comparison.frontier_points=0", "--set", "programme.budget_eur=900_000",
                "--set", "objective.stages=maxmin,value",
            ], in: sweep.temp)
        #expect(run.status == 0, "\(run)")
        let plain = try Self.comparable(single).filter { $0.key.hasSuffix(".csv") }
        let variant = try Self.comparable(sweep.folder.appendingPathComponent(id)).filter { $0.key.hasSuffix(".csv") }
        #expect(!plain.isEmpty && plain == variant)
    }

    @Test(
        "Shards from --shard and from the Slurm and Kubernetes environment split the variants; collect lists the missing ones until every shard has run"
    )
    func shardsSplitTheVariants() throws {
        let sweep = try Sweep("sweep-shards")
        defer { sweep.remove() }
        let first = try sweep.run(["--shard", "0/2", "-q"])
        #expect(first.status == 0, "\(first)")
        let shard0 = try sweep.variantFolders()
        #expect((2...3).contains(shard0.count), "\(shard0)")
        let partial = try sweep.collect()
        #expect(partial.status == 0)
        #expect(partial.stderrText.contains("\(5 - shard0.count) missing"), "\(partial)")
        let missingRows = try sweep.rows().filter { $0["status"] == "missing" }
        #expect(missingRows.count == 5 - shard0.count && missingRows.allSatisfy { $0["exit_code"] == "" })

        let second = try sweep.run(["-q"], environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"])
        #expect(second.status == 0, "\(second)")
        #expect(try sweep.variantFolders().count == 5)
        let complete = try sweep.collect()
        #expect(complete.stderrText.contains("5 finished (0 failed), 0 missing"), "\(complete)")

        // Kubernetes: JOB_COMPLETION_INDEX with the count from the file; every variant is already done.
        let k8s = try Sweep("sweep-k8s", Self.grid + "shards: 5\n")
        defer { k8s.remove() }
        var seen: [String] = []
        for index in 0..<5 {
            let output = try k8s.run(["-q"], environment: ["JOB_COMPLETION_INDEX": "\(index)"])
            #expect(output.status == 0, "\(output)")
            let now = try k8s.variantFolders()
            #expect(now.count == seen.count + 1, "each of 5 shards of 5 equal variants runs one")
            seen = now
        }
    }

    @Test(
        "A sweep of a commune scenario carries each variant's commune plan answer: a variant proven for its département plan and not for its commune plan shows the commune gap"
    )
    func communeSweepShowsTheCommuneGap() throws {
        // The hand-solved commune fixture: at €25,000 (2.5 posts) the commune plan is 20 % below its LP bound and the
        // run exits 10; at €1M it is proven (CommuneRunTests).
        let scenario = try CommuneFixture.folder()
        let sweep = try Sweep(
            "sweep-communes",
            "scenario: \(scenario)\nname: budgets\ngrid:\n  programme.budget_eur: [25_000, 1_000_000]\n")
        defer { sweep.remove() }
        let output = try sweep.run()
        // A variant that exits 10 published its plan: the sweep has a result for every variant.
        #expect(output.status == 0, "\(output)")
        #expect(try sweep.collect().status == 0)
        let rows = try sweep.rows()
        let low = try #require(rows.first { $0["programme.budget_eur"] == "25000" }, "\(rows)")
        let high = try #require(rows.first { $0["programme.budget_eur"] == "1000000" }, "\(rows)")
        #expect(
            low["status"] == "feasible" && low["exit_code"] == "10" && low["commune_status"] == "feasible", "\(low)")
        #expect(abs((Double(low["commune_relative_gap"] ?? "") ?? 0) - 0.2) < 1e-4, "\(low)")
        #expect(high["status"] == "optimal" && high["commune_status"] == "optimal", "\(high)")
        let page = try E2E.text(sweep.folder.appendingPathComponent("sweep.md"))
        #expect(page.contains("| commune_relative_gap |"), "\(page)")

        try E2E.requirePython(modules: ["pandas"])
        let script = """
            import json, sys, pandas as pd
            folder = sys.argv[1]
            fields = json.load(open(folder + "/datapackage.json"))["resources"][0]["schema"]["fields"]
            types = {"string": str, "integer": "Int64", "number": "float64"}
            frame = pd.read_csv(folder + "/sweep.csv", dtype={f["name"]: types[f["type"]] for f in fields}, keep_default_na=False, na_values=[""])
            assert list(frame.columns) == [f["name"] for f in fields], (list(frame.columns), fields)
            assert frame["commune_relative_gap"].dtype == "float64"
            assert sorted(frame["commune_status"]) == ["feasible", "optimal"], frame["commune_status"]
            """
        let checked = try E2E.python(["-c", script, sweep.folder.path], in: sweep.temp)
        #expect(checked.status == 0, "\(checked)")
    }

    /// An outcome file damaged after the run: collect counts the variant as missing and says so, in its warning (even
    /// with -q) and in the row's message (a review found it listed as missing without a word).
    @Test("A parameter a variant leaves at the base scenario's shows the value its run recorded, not an empty cell")
    func aParameterLeftAtTheBasesShowsItsValue() throws {
        let sweep = try Sweep(
            "sweep-base-values",
            "scenario: \(E2E.smallScenario.path)\nname: budgets\n\(Self.shared)grid:\n  programme.budget_eur: [800_000]\n"
                + "variants:\n  - {objective.stages: \"maxmin,value\"}\n"
        )
        defer { sweep.remove() }
        #expect(try sweep.run().status == 0)
        #expect(try sweep.collect().status == 0)
        let rows = try sweep.rows()
        let chain = try #require(rows.first { $0["programme.budget_eur"] == "800000" }, "\(rows)")
        let budget = try #require(rows.first { $0["objective.stages"] == "maxmin,value" }, "\(rows)")
        // The scenario file's budget (900_000) and chain (the default, value), as each run's manifest recorded them.
        #expect(chain["objective.stages"] == "value", "\(chain)")
        #expect(budget["programme.budget_eur"] == "900000", "\(budget)")
        let manifest = try RunManifest.read(
            folder: sweep.folder.appendingPathComponent(budget["run_folder"] ?? "").path)
        let recorded = manifest.parameters?["programme.budget_eur"]?.replacingOccurrences(of: "_", with: "")
        #expect(recorded.flatMap(Double.init) == 900_000, "\(manifest.parameters ?? [:])")
    }

    /// A variant's summary.csv edited since its run: its figures are left empty and said, never copied into sweep.csv
    /// against the column's declared type (a review found `posts` = `xx` there).
    @Test("A run table changed since its run is left out of sweep.csv and said")
    func aChangedRunTableIsLeftOutAndSaid() throws {
        let sweep = try Sweep(
            "sweep-changed",
            "scenario: \(E2E.smallScenario.path)\nname: budgets\n\(Self.shared)grid:\n  programme.budget_eur: [800_000, 900_000]\n"
        )
        defer { sweep.remove() }
        #expect(try sweep.run().status == 0)
        let id = try Self.documentedID(["programme.budget_eur=800_000"])
        let summary = sweep.folder.appendingPathComponent("\(id)/summary.csv")
        var lines = try E2E.text(summary).split(separator: "\n").map(String.init)
        let column = try #require(lines[0].split(separator: ",").firstIndex(of: "posts"))
        var cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[column] = "xx"
        lines[1] = cells.joined(separator: ",")
        try (lines.joined(separator: "\n") + "\n").write(to: summary, atomically: true, encoding: .utf8)
        let collected = try E2E.repartir(["sweep", "collect", sweep.folder.path, "-q"], in: sweep.temp)
        #expect(collected.status == 0, "\(collected)")
        #expect(
            collected.stderrText.contains("warning: \(summary.path) was changed since its run"), "\(collected)")
        let rows = try sweep.rows()
        let row = try #require(rows.first { $0["variant_id"] == id })
        #expect(row["posts"] == "" && row["status"] == "optimal", "\(row)")
        #expect(rows.first { $0["variant_id"] != id }?["posts"]?.isEmpty == false, "\(rows)")
    }

    @Test("A damaged outcome file is counted as missing and said")
    func aDamagedOutcomeIsSaid() throws {
        let sweep = try Sweep(
            "sweep-damaged",
            "scenario: \(E2E.smallScenario.path)\nname: budgets\n\(Self.shared)grid:\n  programme.budget_eur: [800_000, 900_000]\n"
        )
        defer { sweep.remove() }
        #expect(try sweep.run().status == 0)
        let id = try Self.documentedID(["programme.budget_eur=800_000"])
        let outcome = sweep.folder.appendingPathComponent("outcomes/\(id).json")
        try #require(FileManager.default.fileExists(atPath: outcome.path), "\(outcome.path)")
        try Data("{\"exit_code\": \"zero\"}".utf8).write(to: outcome)
        let collected = try E2E.repartir(["sweep", "collect", sweep.folder.path, "-q"], in: sweep.temp)
        #expect(collected.status == 0, "\(collected)")
        #expect(
            collected.stderrText.contains("warning: the outcome file of \(id) cannot be read: counted as missing"),
            "\(collected)")
        let row = try #require(try sweep.rows().first { $0["variant_id"] == id })
        #expect(row["status"] == "missing" && (row["message"] ?? "").contains("cannot be read"), "\(row)")
    }

    @Test(
        "A variant that fails is a row with its exit code and message; rerunning completes it and reuses the variants already done"
    )
    func failedVariantIsARowAndRerunCompletesIt() throws {
        let sweep = try Sweep("sweep-fail")
        defer { sweep.remove() }
        let id = try Self.documentedID(["objective.stages=value", "programme.budget_eur=800_000"])
        // Another process holds this variant's lock: it fails at once (75), the others go on.
        let holder = try LockHolder(variant: id, of: sweep, seconds: 60)
        defer { holder.stop() }
        let output = try sweep.run(["-q"])
        #expect(output.status == 75, "\(output)")
        // Even quiet, a failed sweep says which variant failed and why: cron mails only what is printed.
        #expect(
            output.stderrText.contains(
                "error: sweep budgets: 5 variants ran, 0 reused (same inputs), 1 failed: \(id) (exit 75)"), "\(output)")
        #expect(output.stderrText.contains("error: \(id) (exit 75): another run"), "\(output)")
        _ = try sweep.collect()
        let rows = try sweep.rows()
        let failed = try #require(rows.first { $0["variant_id"] == id })
        #expect(
            failed["exit_code"] == "75" && failed["status"] == "locked"
                && (failed["message"] ?? "").contains("another run"), "\(failed)")
        #expect(rows.filter { $0["status"] == "optimal" }.count == 4)
        let before = try Self.comparable(
            sweep.folder.appendingPathComponent(rows.first { $0["status"] == "optimal" }!["variant_id"]!))

        holder.stop()
        let rerun = try sweep.run()
        #expect(rerun.status == 0, "\(rerun)")
        #expect(rerun.stderrText.contains("1 variants ran, 4 reused"), "\(rerun)")
        _ = try sweep.collect()
        #expect(try sweep.rows().allSatisfy { $0["status"] == "optimal" })
        #expect(
            try Self.comparable(
                sweep.folder.appendingPathComponent(rows.first { $0["status"] == "optimal" }!["variant_id"]!)) == before
        )

        // Other shared inputs: not the same variant any more, recomputed.
        // Until the changed sweep runs, collect does not pass the old results off as its own.
        let plan = sweep.temp.appendingPathComponent("frontier.yaml")
        try Data(SweepTests.grid.replacingOccurrences(of: "frontier_points: 0", with: "frontier_points: 1").utf8).write(
            to: plan)
        let shard = try sweep.run(["--shard", "0/5"], file: plan)
        #expect(shard.stderrText.contains("1 variants ran, 0 reused"), "\(shard)")
        let stale = try sweep.collect()
        #expect(stale.stderrText.contains("1 finished (0 failed), 4 missing"), "\(stale)")
        let changed = try sweep.run(file: plan)
        #expect(changed.stderrText.contains("4 variants ran, 1 reused"), "\(changed)")

        // Shared inputs no plan satisfies: every variant's run publishes nothing (exit 20 before the solver), and the
        // folders of the earlier plans, which a glob of the sweep's folders would read as tonight's, are moved aside.
        let impossible = sweep.temp.appendingPathComponent("impossible.yaml")
        try Data(
            SweepTests.grid.replacingOccurrences(
                of: "frontier_points: 0", with: "frontier_points: 0\n  limits.territory_min_posts: 60"
            ).utf8
        ).write(to: impossible)
        #expect(!SweepTests.grid.contains("territory_min_posts"))
        let refused = try sweep.run(file: impossible)
        #expect(refused.status == 0, "an explained infeasibility is a result: \(refused)")
        let left = try sweep.variantFolders()
        #expect(left.isEmpty, "\(left)")
        #expect(refused.stderrText.contains("moved to .\(id).stale"), "\(refused)")
        #expect(FileManager.default.fileExists(atPath: sweep.folder.appendingPathComponent(".\(id).stale").path))
        _ = try sweep.collect()
        #expect(try sweep.rows().allSatisfy { $0["status"] == "infeasible" && ($0["run_folder"] ?? "").isEmpty })
        // Their outcome is their whole result: a rerun reuses it.
        let again = try sweep.run(file: impossible)
        #expect(again.stderrText.contains("0 variants ran, 5 reused"), "\(again)")
    }

    @Test(
        "A shard killed mid-sweep leaves the finished variants intact; collect lists the missing ones; the rerun completes them"
    )
    func killedShardIsCompletedByARerun() throws {
        let sweep = try Sweep("sweep-kill")
        defer { sweep.remove() }
        let child = try E2E.Child(
            ["sweep", sweep.file.path, "--runs-root", sweep.root.path], in: sweep.temp,
            environment: ["REPARTIR_TEST_SLOW_WRITE_MS": "40"])
        let outcomes = sweep.folder.appendingPathComponent("outcomes")
        #expect(
            E2E.waitUntil(timeout: 120) {
                ((try? FileManager.default.contentsOfDirectory(atPath: outcomes.path)) ?? []).filter {
                    $0.hasSuffix(".json")
                }.count >= 2
            })
        child.send(SIGKILL)
        _ = try? child.wait(timeout: 10)
        let done = try FileManager.default.contentsOfDirectory(atPath: outcomes.path).filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }
        #expect(done.count < 5, "the sweep finished before it was killed")
        for id in done {
            #expect(
                FileManager.default.fileExists(atPath: sweep.folder.appendingPathComponent("\(id)/manifest.json").path))
        }
        let collected = try sweep.collect()
        #expect(collected.stderrText.contains("\(5 - done.count) missing"), "\(collected)")
        let rerun = try sweep.run()
        #expect(rerun.status == 0, "\(rerun)")
        #expect(rerun.stderrText.contains("\(5 - done.count) variants ran, \(done.count) reused"), "\(rerun)")
        _ = try sweep.collect()
        #expect(try sweep.rows().allSatisfy { $0["status"] == "optimal" })
    }

    @Test("With --wait, a variant another process holds is taken once this sweep's own variants are done")
    func waitTakesAHeldVariantAfterTheOthers() throws {
        let sweep = try Sweep("sweep-wait")
        defer { sweep.remove() }
        let id = try Self.documentedID(["objective.stages=value", "programme.budget_eur=800_000"])
        let holder = try LockHolder(variant: id, of: sweep, seconds: 4)
        defer { holder.stop() }
        let output = try sweep.run(["--wait=60"])
        // The holder published nothing: once it let go, the sweep ran the variant itself; every variant has a plan.
        #expect(output.status == 0, "\(output)")
        #expect(
            output.stderrText.contains("variant \(id): another process holds it; waiting for it (at most 60 s)"),
            "\(output)")
        _ = try sweep.collect()
        #expect(try sweep.rows().allSatisfy { $0["status"] == "optimal" })
        // Another sweep of the same name but other inputs: its holder publishes the variant while this one waits. This
        // sweep leaves it as it is and exits 75 (each of two such sweeps used to rerun the other's variants and both
        // exit 0); collect says the folder holds a run from other inputs, not that the variant is missing.
        let clash = try Sweep("sweep-wait-clash")
        defer { clash.remove() }
        try FileManager.default.createDirectory(
            at: clash.folder.appendingPathComponent("outcomes"), withIntermediateDirectories: true)
        let other = try LockHolder(variant: id, of: clash, seconds: 4)
        defer { other.stop() }
        let child = try E2E.Child(
            ["sweep", clash.file.path, "--runs-root", clash.root.path, "--wait=60"], in: clash.temp, environment: [:])
        #expect(E2E.waitUntil(timeout: 30) { child.stderrText.contains("another process holds it; waiting") })
        let published = """
            {"variant_id": "\(id)", "exit_code": 0, "status": "optimal", "message": "published \(id)", "wall_seconds": 1.000, "run_folder": "\(id)", "fingerprint": "another-sweep"}

            """
        try Data(published.utf8).write(to: clash.folder.appendingPathComponent("outcomes/\(id).json"))
        let clashed = try child.wait(timeout: 60)
        #expect(clashed.status == 75, "\(clashed)")
        #expect(
            clashed.stderrText.contains("another sweep published \(id) from other inputs while this one ran"),
            "\(clashed)")
        _ = try clash.collect()
        let row = try #require(try clash.rows().first { $0["variant_id"] == id })
        #expect(
            row["status"] == "missing" && (row["message"] ?? "").contains("holds a run from other inputs"), "\(row)")

        // Without --wait the held variant is tried once more at the end, without waiting: 75 while it is still held
        // (`failedVariantIsARowAndRerunCompletesIt`).
    }

    @Test(
        "SIGTERM stops a sweep: exit 143, the running variant publishes nothing, the finished ones are kept and reused by the rerun"
    )
    func signalStopsTheSweep() throws {
        let sweep = try Sweep("sweep-term")
        defer { sweep.remove() }
        let child = try E2E.Child(
            ["sweep", sweep.file.path, "--runs-root", sweep.root.path], in: sweep.temp,
            environment: ["REPARTIR_TEST_SLOW_WRITE_MS": "40"])
        let outcomes = sweep.folder.appendingPathComponent("outcomes")
        #expect(
            E2E.waitUntil(timeout: 120) {
                ((try? FileManager.default.contentsOfDirectory(atPath: outcomes.path)) ?? []).count >= 1
            })
        child.send(SIGTERM)
        let output = try child.wait(timeout: 60)
        #expect(output.status == 143, "\(output)")
        // Every variant that ended has an outcome: the finished ones theirs, the one the signal stopped "interrupted"
        // (collect then tells it from one never started). Under load the signal may fall between two variants, when
        // none is running: then none is stopped.
        let recorded = try FileManager.default.contentsOfDirectory(atPath: outcomes.path).filter {
            $0.hasSuffix(".json")
        }
        .map { try E2E.text(outcomes.appendingPathComponent($0)) }
        let stopped = recorded.filter { $0.contains("\"status\": \"interrupted\"") }
        let done = recorded.count - stopped.count
        #expect(stopped.count <= 1 && stopped.allSatisfy { $0.contains("\"exit_code\": 143") }, "\(recorded)")
        #expect(done < 5 && output.stderrText.contains("the \(done) finished are kept"), "\(output)")
        #expect(try sweep.variantFolders().count == done, "a variant stopped by the signal published its folder")
        _ = try sweep.collect()
        #expect(try sweep.rows().filter { $0["status"] == "interrupted" }.count == stopped.count)
        let rerun = try sweep.run()
        #expect(rerun.stderrText.contains("\(5 - done) variants ran, \(done) reused"), "\(rerun)")
    }

    @Test("Collects running at once, during a shard, never leave a half-written sweep.csv")
    func concurrentCollectsWriteWholeFiles() throws {
        let sweep = try Sweep("sweep-collects")
        defer { sweep.remove() }
        #expect(try sweep.run(["-q"]).status == 0)
        let binary = try #require(E2E.binary)
        var children: [Process] = []
        for _ in 0..<6 {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["sweep", "collect", "-q", sweep.folder.path]
            try process.run()
            children.append(process)
        }
        var reads = 0
        while children.contains(where: \.isRunning) || reads < 20 {
            if let text = try? E2E.text(sweep.folder.appendingPathComponent("sweep.csv")) {
                let records = E2E.csv(text)
                #expect(records.count == 6 && text.hasSuffix("\n"), "a half-written sweep.csv: \(text.count) bytes")
                reads += 1
            }
        }
        for child in children { child.waitUntilExit(); #expect(child.terminationStatus == 0) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sweep.folder.path).filter {
            $0.contains(".tmp-")
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test(
        "Bad sweep files exit 78 with file:line:column, bad shards 64 with what was read, before anything runs",
        arguments: [
            (
                "scenario: \(E2E.smallScenario.path)\nbudget: 3\ngrid:\n  programme.posts: [10]\n",
                "sweep.yaml:2:1: unknown key 'budget'", Int32(78)
            ),
            (
                "scenario: \(E2E.smallScenario.path)\ngrid:\n  programme.posts: 10\n",
                "sweep.yaml:3:20: 'grid.programme.posts' must be a list", 78
            ),
            (
                "scenario: \(E2E.smallScenario.path)\ngrid:\n  programme.posts: [10, ten]\n",
                "sweep.yaml:3:25: 'programme.posts' must be a whole number", 78
            ),
            (
                "scenario: \(E2E.smallScenario.path)\ntime_limit: soon\nvariants:\n  - {programme.posts: 10}\n",
                "sweep.yaml:2:13: 'time_limit' must be a number", 78
            ),
            // Counted before any variant is made: a review's 10⁶ variants took the machine's memory.
            (
                "scenario: \(E2E.smallScenario.path)\ngrid:\n  programme.posts: [\((1...100).map(String.init).joined(separator: ", "))]\n"
                    + "  programme.budget_eur: [\((1...100).map { String(800_000 + $0) }.joined(separator: ", "))]\n"
                    + "  limits.territory_min_posts: [0, 1]\n",
                "the sweep has 20,000 variants (100 programme.posts × 100 programme.budget_eur × 2 limits.territory_min_posts), more than 2,000: split it into several sweep files",
                78
            ),
            // An invalid name is said once, at its place, without blaming the file's own name.
            (
                "scenario: \(E2E.smallScenario.path)\nname: ../escape\nvariants:\n  - {programme.posts: 10}\n",
                "sweep.yaml:2:7: 'name' must be 1 to 64", 78
            ),
            (
                "scenario: \(E2E.smallScenario.path)\ngrid:\n  programme.budget: [1e6]\n",
                "sweep.yaml:3:3: 'programme.budget' is no parameter", 78
            ),
            (
                "scenario: \(E2E.smallScenario.path)\ngrid:\n  tables.structures: [a.csv]\n",
                "sweep.yaml:3:3: 'tables.structures' cannot vary in a sweep", 78
            ),
            ("scenario: \(E2E.smallScenario.path)\nname: empty\n", "the sweep has no variant", 78),
            (
                "scenario: \(E2E.smallScenario.path)\ngrid:\n  programme.posts: []\n",
                "sweep.yaml:3:20: 'grid.programme.posts' is an empty list", 78
            ),
            // A stage naming an unknown baseline in one variant: refused before anything runs, at its place.
            (
                "scenario: \(E2E.smallScenario.path)\ngrid:\n  objective.stages: [value, \"coverage,closeness:webster:needs\"]\n",
                "sweep.yaml:3:29: stage 'closeness:webster:needs'", 78
            ),
        ])
    func badSweepFile(text: String, message: String, code: Int32) throws {
        let sweep = try Sweep("sweep-bad", text)
        defer { sweep.remove() }
        let output = try sweep.run()
        #expect(output.status == code, "\(output)")
        #expect(output.stderrText.contains(message), "\(output)")
        #expect(!output.stderrText.contains("the sweep file's name"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: sweep.root.path), "something ran: \(sweep.root.path) exists")
    }

    /// A file with problems of form (an unknown key, a time limit that is no number) and of values (a grid value that
    /// is no whole number, an unknown stage) is reported whole in one run: a review fixed such a file in two rounds.
    @Test("Every problem of a sweep file, of form and of values, is reported in one run")
    func everyProblemInOneRun() throws {
        let text = """
            scenario: \(E2E.smallScenario.path)
            budget: 3
            time_limit: soon
            grid:
              programme.posts: [10, ten]
              objective.stages: [value, bogus]

            """
        let sweep = try Sweep("sweep-bad-all", text)
        defer { sweep.remove() }
        let output = try sweep.run(["--shard", "5/2"])
        #expect(output.status == 78, "a file with problems ends 78, not 64 for its shard: \(output)")
        for message in [
            "sweep.yaml:2:1: unknown key 'budget'", "sweep.yaml:3:13: 'time_limit' must be a number",
            "sweep.yaml:5:25: 'programme.posts' must be a whole number", "bogus",
        ] {
            #expect(output.stderrText.contains(message), "\(message): \(output)")
        }
        #expect(!FileManager.default.fileExists(atPath: sweep.root.path), "something ran: \(sweep.root.path) exists")
        // An empty list is said beside the other lists' bad values (a review found it hiding them).
        let empty = try Sweep(
            "sweep-bad-empty",
            "scenario: \(E2E.smallScenario.path)\ngrid:\n  programme.posts: [10, ten]\n  objective.stages: []\n")
        defer { empty.remove() }
        let both = try empty.run()
        #expect(both.status == 78, "\(both)")
        for message in [
            "'grid.objective.stages' is an empty list", "sweep.yaml:3:25: 'programme.posts' must be a whole number",
        ] {
            #expect(both.stderrText.contains(message), "\(message): \(both)")
        }
    }

    @Test(
        "Bad shards exit 64 quoting what was read, before anything runs",
        arguments: [
            (["--shard", "3/2"], [String: String](), "--shard 3/2: shard index 3 is out of range 0…1"),
            (["--shard", "0/0"], [:], "--shard 0/0: the number of shards must be at least 1"),
            (["--shard", "one/2"], [:], "--shard expects I/N"),
            (
                [], ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"],
                "SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=4: shard index 4 is out of range 0…3"
            ),
            ([], ["SLURM_ARRAY_TASK_ID": "x"], "SLURM_ARRAY_TASK_ID=x SLURM_ARRAY_TASK_COUNT="),
            ([], ["JOB_COMPLETION_INDEX": "2"], "JOB_COMPLETION_INDEX=2 is set but the sweep file gives no 'shards'"),
        ])
    func badShard(arguments: [String], environment: [String: String], message: String) throws {
        let sweep = try Sweep("sweep-badshard")
        defer { sweep.remove() }
        let output = try sweep.run(arguments, environment: environment)
        #expect(output.status == 64, "\(output)")
        #expect(output.stderrText.contains(message), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: sweep.root.path))
    }
}
