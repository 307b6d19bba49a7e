import CommuneFixtures
import Foundation
import Testing

/// Helpers for the end-to-end tests: find the built `repartir`, run it (or python3) as a child
/// process with captured output, and make throw-away scenario folders.
enum E2E {
    /// The report's "Analyses cut short" names every sensitivity row, robustness variant, frontier point and
    /// decomposition re-solve that a limit stopped (not proven within its gap, none found, or not started), and
    /// nothing else: robustness, decomposition and frontier rows at their limit used to be left out, and the report
    /// said "Every analysis finished" beside them.
    static func expectStoppedSolvesListed(_ out: URL) throws {
        let stoppedStatuses: Set<String> = ["feasible", "noSolution", "interrupted", "skipped: no time left"]
        let report = try text(out.appendingPathComponent("report.md"))
        let prefixes = ["- sensitivity '", "- robustness '", "- decomposition '", "- frontier point at a floor of "]
        let listed = report.components(separatedBy: "\n").filter { line in prefixes.contains { line.hasPrefix($0) } }
        var stopped: [String] = []
        func rows(_ name: String) throws -> [[String: String]] {
            let url = out.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: url.path) ? try table(url) : []
        }
        for row in try rows("sensitivity.csv") where stoppedStatuses.contains(row["status"] ?? "") {
            stopped.append("- sensitivity '\(row["change"] ?? "")': \(row["status"] ?? "")")
        }
        var seen = Set<String>()
        for row in try rows("robustness.csv") where seen.insert(row["variant"] ?? "").inserted {
            if stoppedStatuses.contains(row["status"] ?? "") {
                stopped.append("- robustness '\(row["variant"] ?? "")': \(row["status"] ?? "")")
            }
        }
        for row in try rows("frontier.csv") where stoppedStatuses.contains(row["status"] ?? "") {
            // The report names the point by its floor, as its frontier table does (in %, one decimal).
            let floor = (Double(row["epsilon"] ?? "") ?? -1) * 100
            stopped.append("- frontier point at a floor of \(String(format: "%.1f", floor)) %")
        }
        if let heading = report.range(of: "## What money, the funding rule and geography each buy") {
            let section = report[heading.upperBound...].components(separatedBy: "\n## ")[0]
            for line in section.components(separatedBy: "\n")
            where line.hasPrefix("| 2021 |") || line.hasPrefix("| scenario |") {
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count >= 9, let status = cells.last else { continue }
                if stoppedStatuses.contains(where: { status.hasPrefix($0) }) {
                    stopped.append("- decomposition 'money=\(cells[2]),funding_rule=\(cells[1]),geography=\(cells[0])'")
                }
            }
        }
        // The placement re-solves (the 2021 shares at the free geography's posts), whose status the lead sentence and
        // the decomposition section give in words.
        let placements: [(pattern: Regex<(Substring, Substring)>, label: String)] = [
            (/shares of [0-9,]+ posts, re-solved on the same terms \(([^,)]+)/, "placement at the 2021 terms"),
            (/each buy was not re-solved \(([^,)]+)/, "placement at the 2021 terms"),
            (/re-solved on the scenario's terms \([0-9,]+ posts, ([^,)]+)/, "placement at the scenario's terms"),
            (/the optimised plan's [0-9,]+ posts ended ([^,.]+)/, "placement at the scenario's terms"),
        ]
        for (pattern, label) in placements {
            if let match = report.firstMatch(of: pattern), stoppedStatuses.contains(String(match.output.1)) {
                stopped.append("- decomposition '\(label)'")
            }
        }
        #expect(listed.count == stopped.count, "listed \(listed), stopped \(stopped)")
        for line in stopped { #expect(listed.contains { $0.hasPrefix(line) }, "\(line) not in \(listed)") }
        if !stopped.isEmpty { #expect(!report.contains("Every analysis finished.")) }
    }

    /// The package root, from this file's path: Tests/EndToEndTests/Support.swift.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    static let defaultScenario: URL = packageRoot.appendingPathComponent("scenarios/france-relance-2020")
    static let pythonDirectory: URL = packageRoot.appendingPathComponent("Tests/python")

    /// The `repartir` executable built with the tests: SwiftPM puts it in the products directory, which on
    /// Linux is the parent of the `.xctest` bundle (the test target depends on the executable target, so
    /// it is always built first). Falls back to `<package root>/.build/debug/repartir`.
    static let binary: URL? = {
        var candidates: [URL] = []
        for bundle in Bundle.allBundles + [Bundle.main] {
            var url = bundle.bundleURL
            // On Linux the test runner may be the .xctest executable itself or a file inside it.
            while url.pathComponents.count > 1 {
                if url.pathExtension == "xctest" {
                    candidates.append(url.deletingLastPathComponent().appendingPathComponent("repartir"))
                    break
                }
                url = url.deletingLastPathComponent()
            }
            candidates.append(bundle.bundleURL.appendingPathComponent("repartir"))
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("repartir"))
        }
        if let executable = CommandLine.arguments.first {
            candidates.append(
                URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("repartir"))
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/repartir"))
        return candidates.first { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: url.path)
        }
    }()

    struct Output: Sendable, CustomStringConvertible {
        let status: Int32
        let stdout: Data
        let stderr: Data
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        var description: String {
            "exit \(status)\n--- stdout ---\n\(stdoutText.prefix(4000))\n--- stderr ---\n\(stderrText.prefix(4000))"
        }
    }

    /// Runs `executable arguments…` in `directory`, stdout and stderr captured through files (no pipe deadlock).
    static func execute(
        _ executable: URL, _ arguments: [String], in directory: URL, timeout: TimeInterval = 120
    ) throws -> Output {
        let capture = try temporaryDirectory(prefix: "capture")
        defer { try? FileManager.default.removeItem(at: capture) }
        let outURL = capture.appendingPathComponent("stdout"), errURL = capture.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            try? out.close(); try? err.close()
            throw E2EError(
                "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) did not finish in \(Int(timeout)) s"
            )
        }
        process.waitUntilExit()
        try out.close(); try err.close()
        return Output(
            status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
            stderr: try Data(contentsOf: errURL))
    }

    /// Runs the built `repartir` (fails the test if it cannot be found).
    static func repartir(_ arguments: [String], in directory: URL) throws -> Output {
        let binary = try #require(
            binary, "the repartir executable was not found next to the test bundle nor in .build/debug")
        return try execute(binary, arguments, in: directory)
    }

    /// Runs `python3 arguments…` through /usr/bin/env, so the PATH's python3 (pyenv, venv) is used.
    static func python(_ arguments: [String], in directory: URL) throws -> Output {
        try execute(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, in: directory)
    }

    /// Fails (never skips) when python3 or one of `modules` is missing.
    static func requirePython(modules: [String]) throws {
        let probe = try python(
            ["-c", "import sys, \(modules.joined(separator: ", ")); print(sys.version)"],
            in: TestScratch.root)
        try #require(
            probe.status == 0,
            """
            python3 with \(modules.joined(separator: ", ")) is required by the end-to-end tests \
            (scripts/setup --with-python installs them): \(probe)
            """)
    }

    static func temporaryDirectory(prefix: String) throws -> URL {
        let url = TestScratch.root.appendingPathComponent(
            "repartir-e2e-\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the default scenario folder in a fresh temporary directory.
    static func copyDefaultScenario(into parent: URL, name: String = "scenario") throws -> URL {
        let target = parent.appendingPathComponent(name)
        try FileManager.default.copyItem(at: defaultScenario, to: target)
        return target
    }

    /// Files of a directory, by name.
    static func files(in directory: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            result[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return result
    }

    static func text(_ url: URL) throws -> String { String(decoding: try Data(contentsOf: url), as: UTF8.self) }

    /// A minimal RFC 4180 reader (quotes, doubled quotes, commas in quotes; `\n` records), for reading outputs back.
    static func csv(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" && field.isEmpty {
                quoted = true
            } else if scalar == "," {
                record.append(field); field = ""
            } else if scalar == "\n" {
                record.append(field); records.append(record); record = []; field = ""
            } else {
                field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    /// Rows of a CSV file as dictionaries keyed by header.
    static func table(_ url: URL) throws -> [[String: String]] {
        let records = csv(try text(url))
        guard let header = records.first else { return [] }
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0).map { ($0, $1) }) }
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
