import Foundation
import Testing

/// A sweep on a real engine: a single-node Slurm cluster on this machine (scripts/slurm-cluster) runs
/// the sweep as a 4-task job array (`sbatch --wait`, docs/slurm-sweep.sbatch); the collected sweep.csv
/// and every variant's tables must be byte-identical to the same sweep run locally with `--jobs 2`.
/// If the daemons cannot start, the test fails with their logs; it is never skipped.
@Suite("Slurm sweep", .serialized)
struct SlurmSweepTests {
    static let script = E2E.packageRoot.appendingPathComponent("scripts/slurm-cluster")
    static let batch = E2E.packageRoot.appendingPathComponent("docs/slurm-sweep.sbatch")

    /// 3 budgets × 2 objective chains, analyses off: 6 variants, seconds in all.
    static let sweep = """
        scenario: \(E2E.smallScenario.path)
        name: grid
        set:
          comparison.sensitivity: false
          comparison.frontier_points: 0
        grid:
          programme.budget_eur: [700_000, 800_000, 900_000]
          objective.stages: [value, "maxmin,value"]

        """

    /// Through python's `close_fds`: the daemons that `slurm-cluster start` leaves running must not
    /// inherit the descriptor Foundation's Process watches for the child's exit, or it never sees it.
    static func shell(_ command: String, in directory: URL, timeout: TimeInterval = 120) throws -> E2E.Output {
        try E2E.execute(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import subprocess, sys; sys.exit(subprocess.call(['/bin/bash', '-c', sys.argv[1]], close_fds=True))",
                command,
            ],
            in: directory, timeout: timeout)
    }

    /// sweep.csv without its one column that measures time.
    static func timeless(_ url: URL) throws -> [[String]] {
        let records = E2E.csv(try E2E.text(url))
        guard let wall = records.first?.firstIndex(of: "wall_seconds") else { return records }
        return records.map { record in record.enumerated().filter { $0.offset != wall }.map(\.element) }
    }

    @Test("A 4-task Slurm job array gives the same sweep.csv and variant tables as a local --jobs 2 sweep")
    func slurmArrayMatchesLocalSweep() throws {
        let binary = try #require(E2E.binary, "the repartir executable was not found")
        let temp = try E2E.temporaryDirectory(prefix: "slurm-sweep")
        defer { try? FileManager.default.removeItem(at: temp) }
        let file = temp.appendingPathComponent("grid.yaml")
        try Data(Self.sweep.utf8).write(to: file)

        // A cluster already running (another test's) is used and left running; one started here is stopped.
        let wasRunning = try Self.shell("\(Self.script.path) status", in: temp).status == 0
        if !wasRunning {
            let started = try Self.shell("\(Self.script.path) start", in: temp, timeout: 180)
            try #require(
                started.status == 0, "the Slurm daemons did not start:\n\(started.stderrText)\n\(started.stdoutText)")
        }
        defer { if !wasRunning { _ = try? Self.shell("\(Self.script.path) stop", in: temp, timeout: 120) } }

        let slurmRoot = temp.appendingPathComponent("slurm-runs")
        // Bounded by timeout(1) with SIGKILL: the test runner may start children with SIGTERM ignored.
        let submit =
            "REPARTIR=\(binary.path) timeout --signal=KILL 300 sbatch --wait --time=5 --array=0-3 --chdir=\(temp.path) --output=\(temp.path)/task-%a.out "
            + "--export=ALL \(Self.batch.path) \(file.path) \(slurmRoot.path)"
        let submitted = try Self.shell(submit, in: temp, timeout: 600)
        let logs = (0..<4).map {
            (try? E2E.text(temp.appendingPathComponent("task-\($0).out"))) ?? "(no output of task \($0))"
        }
        try #require(submitted.status == 0, "sbatch --wait failed: \(submitted)\n\(logs.joined(separator: "\n---\n"))")
        for index in 0..<4 {
            #expect(
                logs[index].contains("(shard \(index)/4)"),
                "task \(index) did not run shard \(index)/4:\n\(logs[index])")
        }
        let collected = try E2E.repartir(["sweep", "collect", slurmRoot.appendingPathComponent("grid").path], in: temp)
        #expect(
            collected.status == 0 && collected.stderrText.contains("6 finished (0 failed), 0 missing"), "\(collected)")

        let localRoot = temp.appendingPathComponent("local-runs")
        let local = try E2E.repartir(
            ["sweep", file.path, "--runs-root", localRoot.path, "--jobs", "2", "-q"], in: temp)
        #expect(local.status == 0, "\(local)")
        #expect(
            try E2E.repartir(["sweep", "collect", localRoot.appendingPathComponent("grid").path], in: temp).status == 0)

        let slurmFolder = slurmRoot.appendingPathComponent("grid"),
            localFolder = localRoot.appendingPathComponent("grid")
        #expect(
            try Self.timeless(slurmFolder.appendingPathComponent("sweep.csv"))
                == Self.timeless(localFolder.appendingPathComponent("sweep.csv")))
        #expect(
            try E2E.text(slurmFolder.appendingPathComponent("datapackage.json"))
                == E2E.text(localFolder.appendingPathComponent("datapackage.json")))
        let variants = try FileManager.default.contentsOfDirectory(atPath: localFolder.path)
            .filter { !$0.hasPrefix(".") && !$0.contains(".") && $0 != "outcomes" }.sorted()
        #expect(variants.count == 6)
        for id in variants {
            let there = try SweepTests.comparable(slurmFolder.appendingPathComponent(id))
            let here = try SweepTests.comparable(localFolder.appendingPathComponent(id))
            #expect(there.keys.sorted() == here.keys.sorted())
            for name in here.keys.sorted() {
                #expect(
                    there[name] == here[name],
                    "variant \(id): \(name) differs between the Slurm array and the local sweep")
            }
        }
    }
}
