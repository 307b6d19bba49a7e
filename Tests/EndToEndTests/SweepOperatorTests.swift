import Foundation
import Testing

@testable import Pipeline  // SweepStore.Outcome's initialiser, internal to the store

/// What the operator of nightly sweeps relies on (a review of them): the sweep's own exit code, its messages, the
/// shard a Slurm array task runs.
@Suite struct SweepOperatorTests {
    static func outcome(_ id: String, _ code: Int32, _ message: String = "") -> SweepStore.Outcome {
        SweepStore.Outcome(
            variant: id, exitCode: code, message: message, wallSeconds: 1, runFolder: nil, fingerprint: "f")
    }

    /// A lock conflict (75, "skipped" to a cron wrapper) and three write errors (74) exited 75; the most serious
    /// failure is the sweep's code, whatever the codes' values: 74 over 75, 70 over 74, 21 under 65.
    @Test func theMostSeriousFailureIsTheSweepsExitCode() {
        var summary = SweepRunner.Summary()
        summary.outcomes = [
            Self.outcome("a", 74), Self.outcome("b", 74), Self.outcome("c", 75), Self.outcome("d", 0),
            Self.outcome("e", 10), Self.outcome("f", 20),
        ]
        #expect(summary.exitCode == 74)
        summary.outcomes.append(Self.outcome("g", 70))
        #expect(summary.exitCode == 70)
        summary.outcomes = [Self.outcome("a", 75), Self.outcome("b", 21)]
        #expect(summary.exitCode == 21)
        summary.outcomes = [Self.outcome("a", 21), Self.outcome("b", 65), Self.outcome("c", 75)]
        #expect(summary.exitCode == 65)
        summary.outcomes = [Self.outcome("a", 75)]
        #expect(summary.exitCode == 75)
        summary.outcomes = [Self.outcome("a", 0), Self.outcome("b", 10), Self.outcome("c", 20)]
        #expect(summary.exitCode == 0)
    }

    /// `--array=0-4:2` runs tasks 0, 2 and 4 with SLURM_ARRAY_TASK_COUNT=3 and SLURM_ARRAY_TASK_STEP=2: shards 0, 1
    /// and 2 of 3 (task 4 exited 64 and shard 1 never ran); `--array=1-7:3` (tasks 1, 4, 7, minimum 1) the same.
    @Test func aSlurmArrayWithAStepRunsEveryShard() throws {
        for (tasks, minimum) in [([0, 2, 4], 0), ([1, 4, 7], 1)] {
            let shards = try tasks.map { task in
                let environment = [
                    "SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_ARRAY_TASK_COUNT": "3",
                    "SLURM_ARRAY_TASK_MIN": "\(minimum)", "SLURM_ARRAY_TASK_STEP": tasks == [0, 2, 4] ? "2" : "3",
                ]
                return try #require(try SweepShard.choose(flag: nil, environment: environment, shardsInFile: nil).get())
            }
            #expect(shards.map(\.index) == [0, 1, 2] && shards.allSatisfy { $0.count == 3 }, "\(tasks)")
        }
        let off = SweepShard.choose(
            flag: nil,
            environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_STEP": "2"],
            shardsInFile: nil)
        guard case let .failure(problem) = off else {
            Issue.record("a task off the step was accepted: \(off)")
            return
        }
        #expect(problem.message.contains("SLURM_ARRAY_TASK_STEP=2: the task is not on the array's step"))
    }

    /// An explanation on several lines is one line in sweep.csv's `message`, as in runs.csv: `wc -l` counts rows.
    @Test func aMessageOnSeveralLinesIsWrittenOnOne() {
        #expect(
            RunsLog.oneLine("no plan satisfies its rules:\n  repair: raise x\r\n\n  or y ")
                == "no plan satisfies its rules: repair: raise x or y")
    }
}
