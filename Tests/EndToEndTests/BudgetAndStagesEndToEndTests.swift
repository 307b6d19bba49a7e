import Foundation
import Pipeline
import Testing

/// The whole-run time budget, staged runs (`stages.csv`, the summary's gap, `export-model --stage`) and a plan
/// GLPK undersold, through the built binary.
@Suite(.serialized) struct BudgetAndStagesEndToEndTests {
    func summary(_ directory: URL) throws -> [String: Any] {
        try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("summary.json")))
                as? [String: Any])
    }

    func checkOutputs(_ run: URL, in directory: URL) throws {
        let script = E2E.pythonDirectory.appendingPathComponent("check_outputs.py").path
        let check = try E2E.python([script, run.path, "--territories", "101"], in: directory)
        #expect(
            check.status == 0 && check.stdoutText.contains("all checks passed"), "check_outputs.py failed: \(check)")
    }

    /// Issue: €170M, `objective.stages=maxmin,value` and a short limit: the value stage stops at its limit with
    /// segments out of order, GLPK claims less than the plan is worth, and the verifier used to refuse it (exit 70 at
    /// `--time-limit 10`, then 10 s per stage, on the main branch: "the solver claims 3885916.74…, the plan is worth
    /// 3909442.61…").
    @Test func maxminThenValueAtAShortLimitPublishesAVerifiedPlan() throws {
        let temp = try E2E.temporaryDirectory(prefix: "undersold")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("out")
        let result = try E2E.repartir(
            [
                "run", E2E.defaultScenario.path, "--out", out.path, "-q", "--time-limit", "10",
                "--set", "programme.budget_eur=170e6", "--set", "objective.stages=maxmin,value",
                "--set", "comparison.sensitivity=false", "--set", "comparison.frontier_points=0",
            ], in: temp)
        // 10 when the value stage stops at the budget (the case), 0 on a machine fast enough to finish it;
        // 21 only on a machine so loaded that the max-min stage finds no plan within the 10 s. Never 70.
        #expect([0, 10, 21].contains(result.status), "\(result)")
        #expect(!result.stderrText.contains("refused by the verifier"), "\(result)")
        guard result.status != 21 else { return }
        let stages = try E2E.table(out.appendingPathComponent("stages.csv"))
        #expect(stages.map { $0["objective"] } == ["maxmin", "value"])
        // The title is the scenario file's ("€200M"): the report names the settings applied over it, in their order.
        #expect(
            try E2E.text(out.appendingPathComponent("report.md")).contains(
                "Settings applied over the scenario file (`--set` or a sweep's variant), which its title does not reflect: `programme.budget_eur=170e6`, `objective.stages=maxmin,value`, `comparison.sensitivity=false`, `comparison.frontier_points=0`."
            ))
        #expect(try summary(out)["status"] as? String == (result.status == 0 ? "optimal" : "feasible"))
    }

    /// €130M, `maxmin,value`, analyses off: both stages proven by territories (docs/model.md, "Stages by
    /// territories"; GLPK's branch-and-bound stopped at its limit there, 0.6 % and 0.4 % open), exit 0, and two runs
    /// publish the same files byte for byte (the small MIPs' prices are summed in row order, not a dictionary's).
    @Test func maxminThenValueAtABindingBudgetIsProvenTheSameWayTwice() throws {
        let temp = try E2E.temporaryDirectory(prefix: "maxmin130")
        defer { try? FileManager.default.removeItem(at: temp) }
        let runs = ["run-1", "run-2"].map { temp.appendingPathComponent($0) }
        for out in runs {
            let result = try E2E.repartir(
                [
                    "run", E2E.defaultScenario.path, "--out", out.path, "-q",
                    "--set", "programme.budget_eur=130e6", "--set", "objective.stages=maxmin,value",
                    "--set", "limits.territory_min_posts=0", "--set", "objective.tie_break=none",
                    "--set", "comparison.sensitivity=false", "--set", "comparison.frontier_points=0",
                    "--set", "comparison.decomposition=false", "--set", "comparison.post_ranges=false",
                    // The robustness variants too: at 5,429 € a post, "host capacities × 2" can stop at its time
                    // limit on a loaded machine (the run then says it is not deterministic); this test is the plan's.
                    "--set", "robustness.capacity_factors=", "--set", "robustness.cofinancing_factors=",
                    "--set", "robustness.people_per_post_year=", "--set", "robustness.fragility_spreads=",
                ], in: temp)
            try #require(result.status == 0, "\(result)")
        }
        let stages = try E2E.table(runs[0].appendingPathComponent("stages.csv"))
        #expect(stages.map { $0["status"] } == ["optimal", "optimal"])
        let first = try E2E.files(in: runs[0]), second = try E2E.files(in: runs[1])
        #expect(Set(first.keys) == Set(second.keys))
        #expect(first.keys.contains("allocation_by_territory.csv") && first.keys.contains("report.md"))
        for (name, data) in first where name != "manifest.json" {
            #expect(second[name] == data, "\(name) differs between two identical runs")
        }
    }

    /// National €20M (the floors take 505 of the 508 posts the money buys): the robustness variants with every host's
    /// capacity halved or doubled do not close (0.15–0.16 % from their relaxation) and used to take the whole budget,
    /// leaving the four others "skipped: no time left". Each variant now has its turn's share of half the budget: all
    /// eight (six, before the need's fragility spread was varied too) get a plan in a 20 s run. The instance is
    /// frozen (`Tests/Fixtures/national-hosts-as-published`): on today's default data €20M's own plan is not proven
    /// (0.043 % from the relaxation) and takes the run's time, an open weakness (BENCHMARKS.md, 2026-12-04).
    @Test func everyRobustnessVariantGetsItsTurn() throws {
        let temp = try E2E.temporaryDirectory(prefix: "robustness-turns")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("out")
        let result = try E2E.repartir(
            [
                "run", E2E.packageRoot.appendingPathComponent("Tests/Fixtures/national-hosts-as-published").path,
                "--out", out.path, "-q", "--time-limit", "20",
                "--set", "programme.budget_eur=20000000", "--set", "comparison.sensitivity=false",
                "--set", "comparison.frontier_points=0", "--set", "comparison.decomposition=false",
                "--set", "comparison.post_ranges=false",
            ], in: temp)
        #expect(result.status == 0, "\(result)")
        let rows = try E2E.table(out.appendingPathComponent("robustness.csv"))
        let statuses = Dictionary(
            rows.map { ($0["variant"] ?? "", $0["status"] ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(statuses.count == 8, "\(statuses)")
        #expect(statuses.values.allSatisfy { $0 == "optimal" || $0 == "feasible" }, "\(statuses)")
        try E2E.expectStoppedSolvesListed(out)
    }

    /// A whole-run budget of 4 s on the €150M scenario, which needs far more (main plan at gap 0, sensitivity,
    /// frontier): it ends within twice the budget with a published best-effort plan (10) or none found (21),
    /// and the report says which analyses were cut short. Alone the run takes 3.6 s (debug build); beside the rest of
    /// the suite on 2 cores it took 6.1 s once (CI, 2026-12-03), so the margin is the budget again, not 2 s: what the
    /// test guards against is a solve that ignores the budget (without it this run takes minutes), not load.
    @Test func aRunKeepsItsTimeBudget() throws {
        let temp = try E2E.temporaryDirectory(prefix: "budget")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("out")
        let started = Date()
        let result = try E2E.repartir(
            [
                "run", E2E.defaultScenario.path, "--out", out.path, "-q", "--time-limit", "4", "--mip-gap", "0",
                "--set", "programme.budget_eur=150e6",
            ], in: temp)
        let elapsed = Date().timeIntervalSince(started)
        #expect([10, 21].contains(result.status), "\(result)")
        #expect(elapsed <= 8, "the run took \(elapsed) s for a budget of 4 s")
        if result.status == 10 {
            let report = try E2E.text(out.appendingPathComponent("report.md"))
            #expect(report.contains("Analyses cut short"))
            #expect(report.contains("**Not deterministic:**"))
            let manifest = try RunManifest.read(folder: out.path)
            #expect(manifest.deterministic == false)
            // Each sensitivity row keeps its own status (and gap column); the files still read as documented.
            let rows = try E2E.table(out.appendingPathComponent("sensitivity.csv"))
            #expect(rows.allSatisfy { $0["status"] == "skipped: no time left" || !($0["gap"] ?? "").isEmpty })
            try checkOutputs(out, in: temp)
        }
    }

    /// The default scenario's plan is proven in well under a second, but a 4 s budget cuts its analyses (sensitivity,
    /// frontier, ranges need several seconds): the run is then not deterministic even though its plan is, because the
    /// analyses' tables depend on how far they got; the manifest and the report say so (before, the manifest said
    /// `"deterministic": true` and two such runs published different decomposition, comparison and robustness tables).
    /// (Without the canonical tie-break, which a 4 s budget cuts too: see the next test.)
    @Test func analysesCutByTheBudgetMakeTheRunNotDeterministic() throws {
        let temp = try E2E.temporaryDirectory(prefix: "cut-analyses")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("out")
        let result = try E2E.repartir(
            [
                "run", E2E.defaultScenario.path, "--out", out.path, "-q", "--time-limit", "4", "--set",
                "objective.tie_break=none",
            ], in: temp)
        #expect([0, 10].contains(result.status), "\(result)")
        let manifest = try RunManifest.read(folder: out.path)
        #expect(manifest.deterministic == false, "\(manifest)")
        let report = try E2E.text(out.appendingPathComponent("report.md"))
        #expect(report.contains("**Not deterministic:**"))
        try E2E.expectStoppedSolvesListed(out)
        if result.status == 0 {
            #expect(
                manifest.nondeterminismReason?.contains(
                    "solve(s) of this run (starts, analyses) stopped at a time limit or the run's budget") == true)
        }
    }

    /// The canonical tie-break's steps end at node limits (docs/model.md, "One canonical plan"): the default scenario's
    /// takes about 4 s on this machine, but it gets a quarter of the run's time, 0.5 s of a 2 s budget. Cut by the
    /// clock, its plan depends on the machine: the run says so, naming the tie-break, and still publishes a plan within
    /// the gap (the closest found, or the solver's).
    @Test func aTieBreakCutByTheClockMakesTheRunNotDeterministic() throws {
        let temp = try E2E.temporaryDirectory(prefix: "cut-tie-break")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("out")
        let result = try E2E.repartir(
            ["run", E2E.defaultScenario.path, "--out", out.path, "-q", "--time-limit", "2"], in: temp)
        #expect([0, 10].contains(result.status), "\(result)")
        let manifest = try RunManifest.read(folder: out.path)
        #expect(manifest.deterministic == false, "\(manifest)")
        #expect(manifest.nondeterminismReason?.contains("tie-break webster:need: the run's time stopped") == true)
        let report = try E2E.text(out.appendingPathComponent("report.md"))
        #expect(report.contains("## The published plan among the optima"))
    }

    /// A three-stage chain writes stages.csv with each stage in order; its last stage is not `value`, so the
    /// summary's gap (printed beside the value of coverage) is unknown, not the last stage's gap.
    @Test func aThreeStageRunWritesStagesCSV() throws {
        let temp = try E2E.temporaryDirectory(prefix: "stages")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("out")
        // The replay scenario: on the default one (hosts able to co-finance many posts) GLPK finds no max-min plan
        // within 60 s (issue 10); the chain's mechanics are the same.
        let replay = E2E.defaultScenario.deletingLastPathComponent().appendingPathComponent(
            "france-relance-2020-replay")
        let result = try E2E.repartir(
            [
                "run", replay.path, "--out", out.path, "-q", "--time-limit", "60",
                "--set", "objective.stages=value,endow,maxmin",
                "--set", "comparison.sensitivity=false", "--set", "comparison.frontier_points=0",
            ], in: temp)
        #expect([0, 10].contains(result.status), "\(result)")
        let text = try E2E.text(out.appendingPathComponent("stages.csv"))
        #expect(text.hasPrefix("stage,objective,value,bound,gap,status\n"))
        let rows = try E2E.table(out.appendingPathComponent("stages.csv"))
        #expect(rows.map { $0["stage"] } == ["1", "2", "3"])
        #expect(rows.map { $0["objective"] } == ["value", "endow", "maxmin"])
        #expect(rows.allSatisfy { !($0["value"] ?? "").isEmpty && !($0["status"] ?? "").isEmpty })
        #expect(try summary(out)["relative_gap"] is NSNull)
        let report = try E2E.text(out.appendingPathComponent("report.md"))
        #expect(report.contains("## Objective stages"))
        // The stages' seconds are in the manifest (the tables hold no timings, so identical runs give identical
        // tables).
        let timings = try RunManifest.read(folder: out.path).timingsSeconds ?? [:]
        #expect(timings["stage_1_value"] != nil && timings["stage_3_maxmin"] != nil, "\(timings)")
        try checkOutputs(out, in: temp)
    }

    /// export-model never drops the stages: without --stage a staged scenario is refused (64, saying why);
    /// --stage 2 writes the second stage's model, with the first stage held by its row.
    @Test func exportModelExportsTheStages() throws {
        let temp = try E2E.temporaryDirectory(prefix: "export-stages")
        defer { try? FileManager.default.removeItem(at: temp) }
        let file = temp.appendingPathComponent("stage2.lp")
        let staged = ["--set", "objective.stages=maxmin,value"]
        let refused = try E2E.repartir(["export-model", E2E.defaultScenario.path, "-o", file.path] + staged, in: temp)
        #expect(refused.status == 64, "\(refused)")
        #expect(refused.stderrText.contains("--stage"))
        #expect(!FileManager.default.fileExists(atPath: file.path))
        let second = try E2E.repartir(
            ["export-model", E2E.defaultScenario.path, "-o", file.path, "--stage", "2"] + staged, in: temp)
        #expect(second.status == 0, "\(second)")
        let model = try E2E.text(file)
        #expect(model.contains("stage_maxmin"))
        let outOfRange = try E2E.repartir(
            ["export-model", E2E.defaultScenario.path, "--stage", "3"] + staged, in: temp)
        #expect(outOfRange.status == 64, "\(outOfRange)")
    }
}
