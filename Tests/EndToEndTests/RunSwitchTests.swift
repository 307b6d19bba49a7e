import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// What a run replaces and removes (docs/reliability.md, "Runs and outputs"): only the run folder
/// it checked before the solve, never a folder or file put at `--out` or `ROOT/latest` during the
/// run; removals that cope with any file name and any depth; staging folders nobody else can
/// write into; and the signal set-up windows (nohup, export-model's temporary folder).
@Suite("repartir replaces only what it checked, and removes what it made", .serialized)
struct RunSwitchTests {
    /// A `repartir` started through sh(1), so a test can set the umask and the open-file limit.
    final class ShellChild {
        let process = Process()
        let capture: URL

        init(
            _ arguments: [String], in directory: URL, environment: [String: String] = [:], prelude: String,
            signals: String = "--default-signal=HUP,INT,QUIT,TERM"
        ) throws {
            let binary = try #require(E2E.binary, "the repartir executable was not found")
            capture = try E2E.temporaryDirectory(prefix: "shell-child")
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                ["-c", "\(prelude); exec /usr/bin/env \(signals) \"$@\"", "sh", binary.path] + arguments
            process.currentDirectoryURL = directory
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardInput = FileHandle.nullDevice
            for name in ["stdout", "stderr"] { try Data().write(to: capture.appendingPathComponent(name)) }
            process.standardOutput = try FileHandle(forWritingTo: capture.appendingPathComponent("stdout"))
            process.standardError = try FileHandle(forWritingTo: capture.appendingPathComponent("stderr"))
            try process.run()
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
            try? FileManager.default.removeItem(at: capture)
        }

        var pid: Int32 { process.processIdentifier }
        var stderrText: String { (try? E2E.text(capture.appendingPathComponent("stderr"))) ?? "" }
        func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        func wait(timeout: TimeInterval = 60) throws -> E2E.Output {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return E2E.Output(
                status: process.terminationStatus,
                stdout: try Data(contentsOf: capture.appendingPathComponent("stdout")),
                stderr: try Data(contentsOf: capture.appendingPathComponent("stderr")))
        }
    }

    static func run(_ arguments: [String], in temp: URL, environment: [String: String] = [:]) throws -> E2E.Output {
        try E2E.repartir(["run", E2E.smallScenario.path] + arguments, in: temp, environment: environment)
    }

    static func waitForStaging(beside destination: URL, _ child: E2E.Child) throws {
        try #require(
            E2E.waitUntil(timeout: 30) {
                E2E.leftovers(beside: destination).contains {
                    $0.hasPrefix(".\(destination.lastPathComponent).partial-")
                }
            },
            "the run never started writing: \(child.stderrText)")
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    // MARK: Something put at --out or latest during the run

    @Test(
        "a folder or a file put at --out during the run (the old run moved away) is left as it is: exit 74, nothing published, the moved run intact (exchange and two-rename paths)"
    )
    func somethingPutAtOutDuringTheRunIsNeverDeleted() throws {
        let temp = try E2E.temporaryDirectory(prefix: "switch-replaced")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("o/run"), moved = temp.appendingPathComponent("o/oldrun")
        let manager = FileManager.default
        for (environment, asFile) in [
            ([String: String](), false), ([:], true), (["REPARTIR_TEST_NO_EXCHANGE": "1"], false),
        ] {
            try? manager.removeItem(at: out)
            try? manager.removeItem(at: moved)
            let first = try Self.run(["--out", out.path, "-q"], in: temp)
            try #require(first.status == 0, "\(first)")
            let child = try E2E.Child(
                ["run", E2E.smallScenario.path, "--out", out.path], in: temp,
                environment: environment.merging(["REPARTIR_TEST_SLOW_WRITE_MS": "200"]) { $1 })
            try Self.waitForStaging(beside: out, child)
            // The analyst keeps the last run aside and starts a folder of their own under its name.
            try manager.moveItem(at: out, to: moved)
            let precious = Data("precious\n".utf8)
            if asFile {
                try precious.write(to: out)
            } else {
                try manager.createDirectory(at: out, withIntermediateDirectories: false)
                try precious.write(to: out.appendingPathComponent("precious.txt"))
            }
            let result = try child.wait()
            let what = "\(environment), \(asFile ? "a file" : "a folder")"
            #expect(result.status == 74, "\(what): \(result)")
            #expect(
                result.stderrText.contains("\(out.path) was replaced or changed during the run"), "\(what): \(result)")
            let kept = try? Data(contentsOf: asFile ? out : out.appendingPathComponent("precious.txt"))
            #expect(kept == precious, "\(what): what was put at --out must be left as it is")
            #expect(
                manager.fileExists(atPath: moved.appendingPathComponent("manifest.json").path),
                "\(what): the moved run is intact")
            #expect(E2E.leftovers(beside: out).isEmpty, "\(what): \(E2E.leftovers(beside: out))")
        }
    }

    @Test(
        "--runs-root: a file put at ROOT/latest during the run is never replaced: exit 74, the file intact, no run folder nor latest.tmp-* left"
    )
    func fileReplacingLatestDuringTheRunIsKept() throws {
        let temp = try E2E.temporaryDirectory(prefix: "switch-latest")
        defer { try? FileManager.default.removeItem(at: temp) }
        let root = temp.appendingPathComponent("nightly"), latest = root.appendingPathComponent("latest")
        let first = try Self.run(["--runs-root", root.path, "-q"], in: temp)
        try #require(first.status == 0, "\(first)")
        let runsBefore = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            !$0.hasPrefix(".") && $0 != "latest"
        }
        let child = try E2E.Child(
            ["run", E2E.smallScenario.path, "--runs-root", root.path], in: temp,
            environment: ["REPARTIR_TEST_SLOW_WRITE_MS": "200"])
        try #require(
            E2E.waitUntil(timeout: 30) {
                ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).contains {
                    $0.contains(".partial-")
                }
            }, "the run never started writing: \(child.stderrText)")
        try FileManager.default.removeItem(at: latest)
        let precious = Data("precious\n".utf8)
        try precious.write(to: latest)
        let result = try child.wait()
        #expect(result.status == 74, "\(result)")
        #expect(
            result.stderrText.contains("\(latest.path) became something other than a symlink during the run"),
            "\(result)")
        #expect(
            NoFollowKind.isRegularFile(latest.path) && (try? Data(contentsOf: latest)) == precious,
            "the file at latest is left as it is")
        let entries = try FileManager.default.contentsOfDirectory(atPath: root.path)
        #expect(
            entries.filter { !$0.hasPrefix(".") && $0 != "latest" && $0 != "runs.csv" }.sorted()
                == runsBefore.filter { $0 != "runs.csv" }.sorted(),
            "no new run folder is left: \(entries)")
        #expect(!entries.contains { $0.hasPrefix("latest.tmp-") || $0.contains(".partial-") }, "\(entries)")
    }

    @Test(
        "--runs-root: a file of someone else at latest.tmp-PID during the run is never removed; the run still switches latest"
    )
    func foreignFileAtTheTemporaryLinkNameIsKept() throws {
        let temp = try E2E.temporaryDirectory(prefix: "switch-latest-tmp")
        defer { try? FileManager.default.removeItem(at: temp) }
        let root = temp.appendingPathComponent("nightly")
        let child = try E2E.Child(
            ["run", E2E.smallScenario.path, "--runs-root", root.path], in: temp,
            environment: ["REPARTIR_TEST_SLOW_WRITE_MS": "200"])
        try #require(
            E2E.waitUntil(timeout: 30) {
                ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).contains {
                    $0.contains(".partial-")
                }
            }, "the run never started writing: \(child.stderrText)")
        let foreign = root.appendingPathComponent("latest.tmp-\(child.pid)")
        let precious = Data("not repartir's\n".utf8)
        try precious.write(to: foreign)
        let result = try child.wait()
        #expect(result.status == 0, "\(result)")
        #expect((try? Data(contentsOf: foreign)) == precious, "the file at latest.tmp-PID is left as it is")
        let target = try? FileManager.default.destinationOfSymbolicLink(
            atPath: root.appendingPathComponent("latest").path)
        #expect(
            target?.hasPrefix("three-territories-") == true,
            "latest points to the new run: \(String(describing: target))")
    }

    // MARK: Removing old runs

    @Test(
        "an old run holding a file whose name is not UTF-8, and a folder deeper than the open-file limit, is removed: no leftover, no warning on the next runs"
    )
    func oldRunWithAnyNameAndDepthIsRemoved() throws {
        let temp = try E2E.temporaryDirectory(prefix: "switch-remove")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("o/run")
        let first = try Self.run(["--out", out.path, "-q"], in: temp)
        try #require(first.status == 0, "\(first)")
        // `bad\xff`: readdir gives these bytes, which are not UTF-8.
        let badName: [CChar] = [98, 97, 100, -1, 0]
        let folder = open(out.path, O_RDONLY | O_DIRECTORY)
        try #require(folder >= 0)
        let file = openat(folder, badName, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        try #require(file >= 0, "cannot create the file with a non-UTF-8 name")
        close(file)
        // 100 nested folders, more than the 64 files repartir may open below.
        var current = folder
        for _ in 0..<100 {
            try #require(mkdirat(current, "d", 0o755) == 0)
            let next = openat(current, "d", O_RDONLY | O_DIRECTORY)
            try #require(next >= 0)
            if current != folder { close(current) }
            current = next
        }
        try #require(openat(current, badName, O_WRONLY | O_CREAT | O_EXCL, 0o644) >= 0)
        close(current)
        close(folder)

        for attempt in 1...2 {
            let result = try ShellChild(
                ["run", E2E.smallScenario.path, "--out", out.path], in: temp, prelude: "ulimit -n 64"
            ).wait()
            #expect(result.status == 0, "run \(attempt): \(result)")
            #expect(!result.stderrText.contains("cannot remove"), "run \(attempt): \(result)")
            #expect(E2E.leftovers(beside: out).isEmpty, "run \(attempt): \(E2E.leftovers(beside: out))")
        }
    }

    // MARK: Staging folders

    @Test(
        "under umask 0, the staging folder is 0700 while the run writes (nobody else can add a file) and the published run 0755"
    )
    func stagingFolderIsPrivateUntilTheSwitch() throws {
        let temp = try E2E.temporaryDirectory(prefix: "switch-mode")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("o/run")
        let child = try ShellChild(
            ["run", E2E.smallScenario.path, "--out", out.path], in: temp,
            environment: ["REPARTIR_TEST_SLOW_WRITE_MS": "200"], prelude: "umask 0")
        var stagingMode: mode_t?
        _ = E2E.waitUntil(timeout: 30) {
            if let staging = E2E.leftovers(beside: out).first(where: { $0.hasPrefix(".run.partial-") }) {
                stagingMode = Self.mode(out.deletingLastPathComponent().appendingPathComponent(staging).path)
            }
            return stagingMode != nil
        }
        let result = try child.wait()
        #expect(result.status == 0, "\(result)")
        let shown = stagingMode.map { String($0, radix: 8) } ?? "never seen"
        #expect(stagingMode == 0o700, "staging folder mode \(shown)")
        let published = Self.mode(out.path)
        #expect(published == 0o755, "published run mode \(published.map { String($0, radix: 8) } ?? "missing")")
    }

    // MARK: Signal set-up windows

    @Test("SIGHUP ignored at start (nohup) is never caught, even while the handlers are being installed: exit 0")
    func sighupIgnoredAtStartIsNeverCaughtDuringSetUp() throws {
        let temp = try E2E.temporaryDirectory(prefix: "switch-nohup")
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("out")
        let child = try ShellChild(
            ["run", E2E.smallScenario.path, "--out", out.path], in: temp,
            environment: ["REPARTIR_TEST_SLOW_SIGNAL_SETUP_MS": "200"], prelude: "true", signals: "--ignore-signal=HUP")
        try #require(
            E2E.waitUntil(timeout: 20) { child.stderrText.contains("REPARTIR_TEST_SLOW_SIGNAL_SETUP_MS") },
            "\(child.stderrText)")
        // A hangup every 20 ms through the whole set-up (each signal's step takes 200 ms).
        let deadline = Date().addingTimeInterval(2)
        while child.process.isRunning && Date() < deadline {
            child.send(SIGHUP)
            Thread.sleep(forTimeInterval: 0.02)
        }
        let result = try child.wait()
        #expect(child.process.terminationReason == .exit && result.status == 0, "\(result)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path), "\(result)")
    }

    @Test(
        "export-model stopped by SIGTERM just after its temporary folder is made dies of the signal and leaves no folder"
    )
    func exportStoppedRightAfterMakingItsFolderLeavesNothing() throws {
        let temp = try E2E.temporaryDirectory(prefix: "switch-export")
        defer { try? FileManager.default.removeItem(at: temp) }
        let tmpdir = temp.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmpdir, withIntermediateDirectories: false)
        let child = try E2E.Child(
            ["export-model", E2E.smallScenario.path, "--format", "lp"], in: temp,
            environment: ["TMPDIR": tmpdir.path, "REPARTIR_TEST_SLOW_SIGNAL_SETUP_MS": "1000"])
        try #require(
            E2E.waitUntil(timeout: 20) {
                ((try? FileManager.default.contentsOfDirectory(atPath: tmpdir.path)) ?? []).contains {
                    $0.hasPrefix("repartir-export-")
                }
            }, "the private folder never appeared: \(child.stderrText)")
        child.send(SIGTERM)
        let result = try child.wait(timeout: 30)
        #expect(child.process.terminationReason == .uncaughtSignal && result.status == SIGTERM, "\(result)")
        let left = try FileManager.default.contentsOfDirectory(atPath: tmpdir.path)
        #expect(left.isEmpty, "temporary files left: \(left)")
    }
}

/// The kind of a path, links not followed (the tests' own, not repartir's).
enum NoFollowKind {
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
