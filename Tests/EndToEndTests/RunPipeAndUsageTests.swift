import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// A reader that goes away (`repartir … 2>&1 | head -n 1`, `export-model | head -c 0`), mistyped or
/// empty `--out` values from a crontab, negative numbers, and a read-only output without a lock
/// file (docs/reliability.md, "Runs and outputs").
@Suite("repartir: closed pipes, --out values, negative numbers, read-only output", .serialized)
struct RunPipeAndUsageTests {
    /// Runs the built repartir with one of stdout (1) or stderr (2) the write end of a pipe whose
    /// read end is already closed, as after `| head -c 0`; the other stream goes to a file.
    static func runWithClosedPipe(
        on stream: Int32, _ arguments: [String], in directory: URL,
        environment: [String: String] = [:]
    ) throws -> (status: Int32, other: String) {
        let binary = try #require(E2E.binary, "the repartir executable was not found")
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0, "pipe(2) failed")
        close(fds[0])  // no reader: every write gets EPIPE (and SIGPIPE unless ignored)
        let capture = try E2E.temporaryDirectory(prefix: "pipe-capture")
        defer { try? FileManager.default.removeItem(at: capture) }
        let file = capture.appendingPathComponent("captured")
        try Data().write(to: file)
        let otherHandle = try FileHandle(forWritingTo: file)
        let pipeHandle = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stream == 1 ? pipeHandle : otherHandle
        process.standardError = stream == 2 ? pipeHandle : otherHandle
        try process.run()
        try? pipeHandle.close()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? otherHandle.close()
        let status =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, try E2E.text(file))
    }

    /// `validate` refuses what `run` refuses before solving (a floor above its cap): exit 20 and the same message, not
    /// "valid" (a review found a cron pre-check misled).
    /// A waves scenario exports its single-shot model and says which model that is (a review found it exported
    /// without a word: none of the waves' own models can be).
    @Test("export-model on a waves scenario says it writes the single-shot model")
    func exportingAWavesScenarioSaysWhichModel() throws {
        let temp = try E2E.temporaryDirectory(prefix: "export-waves")
        defer { try? FileManager.default.removeItem(at: temp) }
        let waves = E2E.packageRoot.appendingPathComponent("scenarios/france-relance-2020-waves").path
        let model = temp.appendingPathComponent("waves.lp").path
        let output = try E2E.repartir(["export-model", waves, "-o", model], in: temp)
        #expect(output.status == 0, "\(output)")
        #expect(output.stderrText.contains("the single-shot model (every wave's posts placed at once"), "\(output)")
        #expect(FileManager.default.fileExists(atPath: model))
    }

    @Test("validate exits 20 with run's message where run stops before solving")
    func validateRefusesWhatRunRefusesBeforeSolving() throws {
        let temp = try E2E.temporaryDirectory(prefix: "validate-consistency")
        defer { try? FileManager.default.removeItem(at: temp) }
        let set = ["--set", "limits.territory_max_share=0"]
        let validate = try E2E.repartir(["validate", E2E.smallScenario.path] + set, in: temp)
        let run = try E2E.repartir(
            ["run", E2E.smallScenario.path, "--out", temp.appendingPathComponent("out").path, "-q"] + set, in: temp)
        #expect(validate.status == 20 && run.status == 20, "\(validate) \(run)")
        let message = "has a floor of 2 posts above its cap of 0"
        #expect(validate.stderrText.contains(message) && run.stderrText.contains(message), "\(validate)")
    }

    @Test(
        "stderr into a pipe nobody reads (2>&1 | head -n 1): the run ignores SIGPIPE, stops logging, publishes and exits 0"
    )
    func closedStderrDoesNotStopTheRun() throws {
        let temp = try E2E.temporaryDirectory(prefix: "epipe-stderr")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("out")
        let result = try Self.runWithClosedPipe(
            on: 2, ["run", E2E.smallScenario.path, "--out", out.path, "--json"], in: temp)
        #expect(result.status == 0, "exit \(result.status) (141 = killed by SIGPIPE)")
        #expect(
            FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path),
            "the run is published")
        let summary = try E2E.text(out.appendingPathComponent("summary.json"))
        #expect(
            result.other.hasPrefix(String(summary.dropLast(3))) && result.other.contains("\"exit_code\": 0"),
            "stdout still gets the --json object")
        #expect(E2E.leftovers(beside: out).isEmpty, "\(E2E.leftovers(beside: out))")
    }

    @Test(
        "export-model to a stdout nobody reads (| head -c 0): exit 74 with a message, no temporary file left in TMPDIR")
    func exportModelToAClosedStdoutLeavesNoTemporaryFile() throws {
        let temp = try E2E.temporaryDirectory(prefix: "epipe-export")
        defer { try? FileManager.default.removeItem(at: temp) }
        let tmpdir = temp.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmpdir, withIntermediateDirectories: false)
        let result = try Self.runWithClosedPipe(
            on: 1, ["export-model", E2E.defaultScenario.path, "--format", "lp"], in: temp,
            environment: ["TMPDIR": tmpdir.path])
        #expect(result.status == 74, "exit \(result.status) (141 = killed by SIGPIPE): \(result.other)")
        #expect(result.other.contains("cannot write the model to stdout: Broken pipe"), "\(result.other)")
        let left = try FileManager.default.contentsOfDirectory(atPath: tmpdir.path)
        #expect(left.isEmpty, "temporary files left: \(left)")

        // Written to stdout normally, nothing is left either.
        let normal = try E2E.repartir(
            ["export-model", E2E.smallScenario.path, "--format", "lp"], in: temp, environment: ["TMPDIR": tmpdir.path])
        #expect(normal.status == 0 && normal.stdoutText.contains("Subject To"), "\(normal)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmpdir.path).isEmpty)
    }

    @Test("export-model stopped by SIGTERM while its private temporary folder exists removes it and dies of the signal")
    func exportModelStoppedBySignalLeavesNoTemporaryFolder() throws {
        let temp = try E2E.temporaryDirectory(prefix: "export-signal")
        defer { try? FileManager.default.removeItem(at: temp) }
        let tmpdir = temp.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmpdir, withIntermediateDirectories: false)
        // The default scenario takes a moment to load, after the folder is made and before GLPK writes.
        let child = try E2E.Child(
            ["export-model", E2E.defaultScenario.path, "--format", "mps"], in: temp,
            environment: ["TMPDIR": tmpdir.path])
        let made = E2E.waitUntil(timeout: 20) {
            ((try? FileManager.default.contentsOfDirectory(atPath: tmpdir.path)) ?? []).contains {
                $0.hasPrefix("repartir-export-")
            }
        }
        try #require(made, "the private folder never appeared: \(child.stderrText)")
        child.send(SIGTERM)
        let result = try child.wait(timeout: 30)
        #expect(child.process.terminationReason == .uncaughtSignal && result.status == SIGTERM, "\(result)")
        let left = try FileManager.default.contentsOfDirectory(atPath: tmpdir.path)
        #expect(left.isEmpty, "temporary files left: \(left)")
    }

    // MARK: --out values that name no folder of their own

    @Test(
        "--out '', '.', './', '..' and 'a/..' are refused with exit 64 before anything is read; the current folder stays",
        arguments: ["", ".", "./", "..", "sub/.."])
    func outNamingTheCurrentFolderIsAUsageError(_ value: String) throws {
        let temp = try E2E.temporaryDirectory(prefix: "out-dot")
        defer { try? FileManager.default.removeItem(at: temp) }
        // An empty working folder: the case where a run used to replace it.
        let work = temp.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        var before = stat()
        try #require(stat(work.path, &before) == 0)
        let result = try E2E.repartir(["run", E2E.smallScenario.path, "--out", value], in: work, environment: [:])
        #expect(result.status == 64, "--out '\(value)': \(result)")
        #expect(result.stderrText.contains("names the current folder or a parent"), "\(result)")
        var after = stat()
        #expect(stat(work.path, &after) == 0 && after.st_ino == before.st_ino, "the working folder is the same folder")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty, "nothing written")
    }

    /// A scenario kept in an old run folder (it has a manifest.json) and `--out` naming that folder: the run once
    /// replaced it, and the scenario's tables were gone.
    @Test func outHoldingTheScenarioIsRefused() throws {
        let temp = try E2E.temporaryDirectory(prefix: "out-inputs")
        defer { try? FileManager.default.removeItem(at: temp) }
        let folder = temp.appendingPathComponent("scenario")
        try FileManager.default.copyItem(at: E2E.smallScenario, to: folder)
        try Data("{}".utf8).write(to: folder.appendingPathComponent("manifest.json"))
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for out in [folder.path, temp.path] {
            let result = try E2E.repartir(["run", folder.path, "--out", out, "-q"], in: temp, environment: [:])
            #expect(result.status == 73, "--out \(out): \(result)")
            #expect(result.stderrText.contains("an input of this run"), "\(result)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == before)
    }

    @Test("--out given the current folder by its absolute path is refused with exit 73; --runs-root '' with 64")
    func outNamingTheCurrentFolderAbsolutelyIsRefused() throws {
        let temp = try E2E.temporaryDirectory(prefix: "out-pwd")
        defer { try? FileManager.default.removeItem(at: temp) }
        let work = temp.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        var before = stat()
        try #require(stat(work.path, &before) == 0)
        let result = try E2E.repartir(["run", E2E.smallScenario.path, "--out", work.path], in: work, environment: [:])
        #expect(result.status == 73, "\(result)")
        #expect(result.stderrText.contains("is the current folder or one of its parents"), "\(result)")
        var after = stat()
        #expect(stat(work.path, &after) == 0 && after.st_ino == before.st_ino)

        let root = try E2E.repartir(["run", E2E.smallScenario.path, "--runs-root", ""], in: work, environment: [:])
        #expect(root.status == 64 && root.stderrText.contains("--runs-root is empty"), "\(root)")
    }

    // MARK: Numbers

    @Test(
        "--time-limit -1, --mip-gap -0.5, --keep -1 and --keep-days -1 are read as values and refused with the rule (exit 64), not 'Missing value'",
        arguments: [
            ["--time-limit", "-1"], ["--mip-gap", "-0.5"], ["--time-limit", "0"], ["--keep", "-1"],
            ["--keep-days", "-1"],
        ])
    func negativeNumbersAreValues(_ option: [String]) throws {
        let temp = try E2E.temporaryDirectory(prefix: "negative")
        defer { try? FileManager.default.removeItem(at: temp) }
        // --keep and --keep-days go with --runs-root.
        let destination =
            option[0].hasPrefix("--keep")
            ? ["--runs-root", temp.appendingPathComponent("runs").path]
            : ["--out", temp.appendingPathComponent("out").path]
        let result = try E2E.repartir(
            ["run", E2E.smallScenario.path] + destination + option, in: temp, environment: [:])
        #expect(result.status == 64, "\(result)")
        #expect(!result.stderrText.contains("Missing value"), "\(result)")
        let rule =
            switch option[0] {
            case "--time-limit":
                "--time-limit must be a number of seconds greater than 0 and at most 86400, got \(option[1])"
            case "--mip-gap": "--mip-gap must be a relative gap from 0 to 1, got \(option[1])"
            case "--keep": "--keep must be at least 1 (the run just made is kept), got -1"
            default: "--keep-days must be a number of days greater than 0, got -1"
            }
        #expect(result.stderrText.contains(rule), "\(result)")
    }

    /// Swift's number parser also takes hexadecimal, `inf` and `nan`: a review found `--time-limit 0x10` run as 16 s.
    /// The options take decimal numbers only, as the scenario does (exit 64).
    @Test(
        "--time-limit, --mip-gap and --keep-days take decimal numbers only: 0x10, nan, inf are usage errors (64)",
        arguments: [
            ["--time-limit", "0x10"], ["--time-limit", "nan"], ["--mip-gap", "0x0"], ["--keep-days", "inf"],
        ])
    func nonDecimalNumbersAreRefused(_ option: [String]) throws {
        let temp = try E2E.temporaryDirectory(prefix: "non-decimal")
        defer { try? FileManager.default.removeItem(at: temp) }
        let result = try E2E.repartir(
            ["run", E2E.smallScenario.path, "--runs-root", temp.appendingPathComponent("runs").path] + option, in: temp,
            environment: [:])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderrText.contains("\(option[0]) must be a decimal number, got '\(option[1])'"), "\(result)")
    }

    // MARK: Read-only output

    @Test(
        "an output on a read-only file system with no lock file yet says 'Read-only file system' (exit 73), not 'No such file or directory'"
    )
    func readOnlyOutputWithoutLockFileSaysReadOnly() throws {
        let temp = try E2E.temporaryDirectory(prefix: "ro-fresh")
        defer { try? FileManager.default.removeItem(at: temp) }
        let folder = temp.appendingPathComponent("mnt")
        try E2E.mountTmpfs(at: folder, kilobytes: 64)
        defer { E2E.unmount(folder) }
        try E2E.remountReadOnly(folder)
        let result = try E2E.repartir(
            ["run", E2E.smallScenario.path, "--out", folder.appendingPathComponent("out").path], in: temp,
            environment: [:])
        #expect(result.status == 73, "\(result)")
        #expect(result.stderrText.contains("Read-only file system"), "\(result)")
        #expect(!result.stderrText.contains("No such file or directory"), "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
