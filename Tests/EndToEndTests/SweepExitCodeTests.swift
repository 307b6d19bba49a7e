import Foundation
import Testing

@testable import Pipeline  // SweepStore.Outcome's initialiser, internal to the store

/// The sweep's own exit code and the messages it writes, for a cron wrapper (a review of the nightly sweeps).
@Suite struct SweepExitCodeTests {
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

    /// An explanation on several lines is one line in sweep.csv's `message`, as in runs.csv: `wc -l` counts rows.
    @Test func aMessageOnSeveralLinesIsWrittenOnOne() {
        #expect(
            RunsLog.oneLine("no plan satisfies its rules:\n  repair: raise x\r\n\n  or y ")
                == "no plan satisfies its rules: repair: raise x or y")
    }
}
