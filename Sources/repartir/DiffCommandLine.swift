import ArgumentParser
import Foundation
import GLPKSolver
import LinearProgramming
import Pipeline
import Scenario
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "What changed between two run folders: inputs, headline figures, the territories and structures whose posts moved.",
        discussion:
            "Prints the Markdown page on stdout, or writes diff.md, changes.csv, input_changes.csv, summary_changes.csv and datapackage.json into --out DIR. Exit 0 whether or not something changed (1 with --fail-on-change when it did); 66 or 65 when a folder is not a run, 65 when a table it reads was changed since the run (its manifest's SHA-256), 73 when --out holds a run."
    )

    @Argument(help: "Two run folders, A (before) then B (after).")
    var runs: [String] = []

    @Option(
        name: .customLong("runs-root"),
        help: ArgumentHelp("Compare runs of ROOT/runs.csv instead of two folders (with --last).", valueName: "ROOT"))
    var runsRoot: String?

    @Option(
        help: ArgumentHelp(
            "With --runs-root: compare the N-th last run that has a plan with the last one (default 2: the last two).",
            valueName: "N"))
    var last: Int?

    @Option(help: "Write the diff folder DIR (replaced atomically) instead of printing the page.")
    var out: String?

    @Flag(
        name: .customLong("fail-on-change"),
        help: "Exit 1 when the runs differ (for a test or a gate; a diff is a report otherwise).")
    var failOnChange = false

    @Flag(name: .shortAndLong, help: "No progress messages on stderr.")
    var quiet = false

    func validate() throws {
        if runsRoot == nil && runs.count != 2 {
            throw ValidationError("give two run folders (repartir diff A B), or --runs-root ROOT --last 2")
        }
        if runsRoot != nil && !runs.isEmpty {
            throw ValidationError("give either two run folders or --runs-root, not both")
        }
        if last != nil && runsRoot == nil {
            throw ValidationError("--last compares runs of a runs root: give --runs-root ROOT")
        }
        if let last, last < 2 { throw ValidationError("--last must be at least 2 (the last two runs), got \(last)") }
        if let out, Run.namesNoFolderOfItsOwn(out) {
            throw ValidationError(
                "--out '\(out)' names the current folder or a parent; give a folder of its own, e.g. --out out/diff")
        }
    }

    func run() throws {
        do throws(RunFailure) {
            let (a, b) = runsRoot.map { _ in ("", "") } ?? (runs[0], runs[1])
            let pair =
                try runsRoot.map { root throws(RunFailure) in try RunDiff.lastRuns(root: root, count: last ?? 2) } ?? (
                    a, b
                )
            let diff = RunDiff(try RunDiff.load(pair.0), try RunDiff.load(pair.1))
            let files = RunDiffReport.files(diff)
            if let out {
                try OutputPublisher.checkHoldsNone(
                    of: [pair.0, pair.1], destination: out, what: "a run this diff reads", example: "--out out/diff")
                try OutputPublisher.checkHoldsKind("diff", destination: out, example: "out/diff")
                try OutputPublisher.publish(files, to: out)
                if !quiet { StandardError.line("wrote \(out)\(diff.hasChanges ? "" : " (no change)")") }
            } else if let page = files.first(where: { $0.name == "diff.md" }) {
                _ = writeAll(1, page.content)
            }
            Foundation.exit(failOnChange && diff.hasChanges ? 1 : 0)
        } catch {
            fail(error)
        }
    }
}
