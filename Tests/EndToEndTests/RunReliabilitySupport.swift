import CommuneFixtures
import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// Helpers for RunReliabilityTests: a `repartir` child process the test can watch, signal and kill,
/// snapshots of run directories, a tmpfs, and a lock held by the test process itself.
extension E2E {
    /// The three-territory example: a complete run in a few milliseconds.
    static let smallScenario: URL = packageRoot.appendingPathComponent("scenarios/examples/three-territories")

    /// A running `repartir`, its stdout and stderr going to files the test can read while it runs.
    final class Child {
        let process: Process
        let capture: URL
        private let out: FileHandle, err: FileHandle

        /// `signals` is passed to env(1): by default every stop signal starts at its default action,
        /// whatever the test runner ignores (an ignored signal stays ignored across exec, and repartir
        /// keeps it ignored, as `nohup` expects); `--ignore-signal=HUP` starts it as under nohup.
        init(
            _ arguments: [String], in directory: URL, environment: [String: String],
            signals: String = "--default-signal=HUP,INT,QUIT,TERM"
        ) throws {
            let binary = try #require(
                E2E.binary, "the repartir executable was not found next to the test bundle nor in .build/debug")
            capture = try E2E.temporaryDirectory(prefix: "child")
            let outURL = capture.appendingPathComponent("stdout"), errURL = capture.appendingPathComponent("stderr")
            try Data().write(to: outURL)
            try Data().write(to: errURL)
            out = try FileHandle(forWritingTo: outURL)
            err = try FileHandle(forWritingTo: errURL)
            process = Process()
            // env(1) execs repartir in place: the pid is repartir's.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [signals, binary.path] + arguments
            process.currentDirectoryURL = directory
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = out
            process.standardError = err
            try process.run()
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
            try? FileManager.default.removeItem(at: capture)
        }

        var pid: Int32 { process.processIdentifier }
        var stderrText: String { (try? E2E.text(capture.appendingPathComponent("stderr"))) ?? "" }

        func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// Waits for the exit (killing it after `timeout`, which fails the test) and returns its output.
        func wait(timeout: TimeInterval = 60) throws -> Output {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw E2EError(
                    "repartir \(process.arguments?.joined(separator: " ") ?? "") did not finish in \(Int(timeout)) s:\n\(stderrText)"
                )
            }
            process.waitUntilExit()
            try? out.close(); try? err.close()
            return Output(
                status: process.terminationStatus,
                stdout: try Data(contentsOf: capture.appendingPathComponent("stdout")),
                stderr: try Data(contentsOf: capture.appendingPathComponent("stderr")))
        }
    }

    /// Runs the built `repartir` to the end with extra environment variables (the test hooks).
    static func repartir(
        _ arguments: [String], in directory: URL, environment: [String: String], timeout: TimeInterval = 60
    ) throws -> Output {
        try Child(arguments, in: directory, environment: environment).wait(timeout: timeout)
    }

    /// Polls `condition` every 20 ms; false if `timeout` passes first.
    static func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }

    /// Every file under `directory`, by relative path, with its bytes; symlinks as "-> target".
    static func snapshot(_ directory: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: directory.path) else { return result }
        while let relative = enumerator.nextObject() as? String {
            let path = directory.appendingPathComponent(relative).path
            if let target = try? manager.destinationOfSymbolicLink(atPath: path) {
                result[relative] = Data("-> \(target)".utf8)
                continue
            }
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return result
    }

    /// Hidden entries beside `directory` that a run leaves only if it did not finish
    /// (`.NAME.partial-*`, `.NAME.previous-*`); the lock file `.NAME.lock` is not one.
    static func leftovers(beside directory: URL) -> [String] {
        let name = directory.lastPathComponent
        let entries =
            (try? FileManager.default.contentsOfDirectory(atPath: directory.deletingLastPathComponent().path)) ?? []
        return entries.filter { $0.hasPrefix(".\(name).") && $0 != ".\(name).lock" }.sorted()
    }

    /// Mounts a tmpfs of `kilobytes` at `directory` (created); fails the test, never skips, if it cannot.
    static func mountTmpfs(at directory: URL, kilobytes: Int) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try execute(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["mount", "-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", directory.path],
            in: directory.deletingLastPathComponent())
        try #require(
            result.status == 0,
            """
            these tests need a small tmpfs to fill the disk or make it read-only: `mount -t tmpfs` must work \
            (run them as root, as CI does, or in a container with CAP_SYS_ADMIN): \(result)
            """)
    }

    static func remountReadOnly(_ directory: URL) throws {
        let result = try execute(
            URL(fileURLWithPath: "/usr/bin/env"), ["mount", "-o", "remount,ro", directory.path],
            in: directory.deletingLastPathComponent())
        try #require(result.status == 0, "cannot remount \(directory.path) read-only: \(result)")
    }

    static func unmount(_ directory: URL) {
        _ = try? execute(
            URL(fileURLWithPath: "/usr/bin/env"), ["umount", "-l", directory.path],
            in: TestScratch.root)
    }

    /// Fills the file system of `directory` with a file written until the disk is full.
    static func fillFileSystem(in directory: URL) throws {
        let path = directory.appendingPathComponent("filler").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0, "cannot create \(path)")
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x2E, count: 1024)
        var full = false
        for _ in 0..<100_000 {
            let written = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == ENOSPC { full = true; break }
            if written < 0 { break }
        }
        // Fill the last partial chunk too.
        while Glibc.write(fd, chunk, 1) == 1 {}
        try #require(full, "the file system of \(directory.path) never reported ENOSPC")
    }

    /// Takes the lock a run takes on `directory` (flock on `.NAME.lock`), as another run would.
    static func holdLock(of directory: URL) throws -> Int32 {
        let path = directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent).lock")
            .path
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        try #require(fd >= 0, "cannot open \(path)")
        try #require(flock(fd, LOCK_EX | LOCK_NB) == 0, "cannot lock \(path)")
        return fd
    }
}
