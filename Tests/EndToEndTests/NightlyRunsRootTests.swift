import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// A runs root a cron job can trust: `latest` only moves to a run with a plan, `runs.csv` gets one
/// row per outcome, `--json` always prints an object, `--keep` prunes, `--wait` waits for the lock,
/// the manifest says who ran what, and the example cron wrapper in docs/ acts on the exit codes.
@Suite("Nightly runs root", .serialized)
struct NightlyRunsRootTests {
    /// Two floors of 5 posts in région 75 against a région cap of 8: the solver finds it infeasible
    /// and the explanation is published (exit 20).
    static let infeasible = ["--set", "limits.territory_min_posts=5", "--set", "limits.region_max_share=0.4"]

    struct Root {
        let temp: URL
        let root: URL
        init(_ prefix: String) throws {
            temp = try E2E.temporaryDirectory(prefix: prefix)
            root = temp.appendingPathComponent("nightly")
        }
        func remove() { try? FileManager.default.removeItem(at: temp) }
        func run(
            _ extra: [String], scenario: String = E2E.smallScenario.path, environment: [String: String] = [:]
        ) throws -> E2E.Output {
            try E2E.repartir(["run", scenario, "--runs-root", root.path] + extra, in: temp, environment: environment)
        }
        func latest() -> String? {
            try? FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("latest").path)
        }
        func runs() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: root.path)
                .filter { !$0.hasPrefix(".") && $0 != "latest" && !$0.hasPrefix("runs.csv") }.sorted()
        }
        func log() throws -> [[String: String]] { try E2E.table(root.appendingPathComponent("runs.csv")) }
    }

    static func jsonObject(_ output: E2E.Output) throws -> [String: Any] {
        try #require(
            JSONSerialization.jsonObject(with: output.stdout) as? [String: Any],
            "stdout is not one JSON object: \(output)")
    }

    @Test(
        "runs.csv gets one row per outcome (optimal, infeasible, bad input, lock held), pandas reads it; latest never moves to the infeasible night; --json prints a status object on failures"
    )
    func runsLogRecordsEveryOutcome() throws {
        let place = try Root("nightly-log")
        defer { place.remove() }
        let first = try place.run(["-q"])
        try #require(first.status == 0, "\(first)")
        let good = try #require(place.latest())

        let infeasible = try place.run(Self.infeasible + ["--json"])
        try #require(infeasible.status == 20, "\(infeasible)")
        #expect(place.latest() == good, "latest still points to the last run with a plan")
        let status = try Self.jsonObject(infeasible)
        #expect(status["exit_code"] as? Int == 20 && status["status"] as? String == "infeasible", "\(status)")
        let explanation = try #require(status["run_folder"] as? String, "\(status)")
        #expect(
            FileManager.default.fileExists(atPath: explanation + "/conflict.csv"),
            "the infeasible night has its own folder: \(explanation)")
        #expect(try place.runs().count == 2)

        // Bad input: a territories table with a broken number (exit 65), before any lock.
        let broken = try E2E.copyDefaultScenario(into: place.temp, name: "broken")
        try FileManager.default.removeItem(at: broken)
        try FileManager.default.copyItem(at: E2E.smallScenario, to: broken)
        let territories = broken.appendingPathComponent("territories.csv")
        try Data(try E2E.text(territories).replacingOccurrences(of: "115702", with: "11x5702").utf8).write(
            to: territories)
        let bad = try place.run(["--json"], scenario: broken.path)
        #expect(bad.status == 65, "\(bad)")
        let badStatus = try Self.jsonObject(bad)
        #expect(badStatus["exit_code"] as? Int == 65 && badStatus["status"] as? String == "bad_input", "\(badStatus)")
        #expect(
            badStatus["run_folder"] is NSNull && (badStatus["message"] as? String ?? "").contains("territories.csv"),
            "\(badStatus)")

        // Lock held by another process: exit 75 at once, and still a row.
        let fd = try E2E.holdLock(of: place.root.appendingPathComponent("latest"))
        let locked = try place.run(["--json"])
        close(fd)
        #expect(locked.status == 75, "\(locked)")
        #expect(try Self.jsonObject(locked)["status"] as? String == "locked")
        #expect(place.latest() == good)

        let rows = try place.log()
        #expect(rows.map { $0["exit_code"] } == ["0", "20", "65", "75"], "\(rows)")
        #expect(rows.map { $0["status"] } == ["optimal", "infeasible", "bad_input", "locked"], "\(rows)")
        #expect(
            rows[0]["run_folder"] == place.root.appendingPathComponent(good).path
                && rows[1]["run_folder"] == explanation, "\(rows)")
        #expect(rows[2]["run_folder"] == "" && rows[3]["run_folder"] == "", "\(rows)")
        #expect(
            rows[0]["result_hash"]?.count == 64 && good.contains(String(rows[0]["result_hash"]!.prefix(8))),
            "the result hash is the run name's: \(rows[0])")
        #expect(rows[2]["scenario"] == "broken" && rows[0]["scenario"] == "three-territories", "\(rows)")
        #expect(!(rows[0]["objective"] ?? "").isEmpty && (rows[1]["objective"] ?? "x").isEmpty, "\(rows)")
        #expect(rows.allSatisfy { ($0["time_utc"] ?? "").hasSuffix("Z") }, "\(rows)")
        let entries = try FileManager.default.contentsOfDirectory(atPath: place.root.path)
        #expect(!entries.contains { $0.contains(".tmp-") }, "no temporary file left: \(entries)")

        try E2E.requirePython(modules: ["pandas"])
        let read = try E2E.python(
            [
                "-c",
                """
                import sys, pandas as pd
                frame = pd.read_csv(sys.argv[1], dtype={"scenario": "string", "variant": "string", "status": "string",
                                    "result_hash": "string", "run_folder": "string", "message": "string"},
                                    parse_dates=["time_utc"], keep_default_na=False, na_values=[""])
                assert list(frame["exit_code"]) == [0, 20, 65, 75], frame["exit_code"]
                assert str(frame["exit_code"].dtype) == "int64" and str(frame["time_utc"].dtype).startswith("datetime64"), frame.dtypes
                print(len(frame), "rows")
                """, place.root.appendingPathComponent("runs.csv").path,
            ], in: place.temp)
        #expect(read.status == 0 && read.stdoutText.contains("4 rows"), "\(read)")
    }

    @Test(
        "runs.csv is never written through a link: a symlink planted as runs.csv or as its temporary file is replaced, its target untouched"
    )
    func runsLogNeverFollowsALink() throws {
        let place = try Root("nightly-log-link")
        defer { place.remove() }
        try FileManager.default.createDirectory(at: place.root, withIntermediateDirectories: true)
        let victim = place.temp.appendingPathComponent("victim.csv"),
            other = place.temp.appendingPathComponent("other.txt")
        try Data("someone's file\n".utf8).write(to: victim)
        try Data("another file\n".utf8).write(to: other)
        try FileManager.default.createSymbolicLink(
            atPath: place.root.appendingPathComponent("runs.csv").path, withDestinationPath: victim.path)
        try FileManager.default.createSymbolicLink(
            atPath: place.root.appendingPathComponent(".runs.csv.tmp-4000030").path, withDestinationPath: other.path)
        let result = try place.run([])
        #expect(result.status == 0, "\(result)")
        #expect(
            try E2E.text(victim) == "someone's file\n" && (try E2E.text(other)) == "another file\n",
            "the links' targets are untouched")
        let log = place.root.appendingPathComponent("runs.csv").path
        #expect(
            (try? FileManager.default.destinationOfSymbolicLink(atPath: log)) == nil,
            "runs.csv is now a file of its own")
        #expect(try place.log().map { $0["exit_code"] } == ["0"])
        #expect(
            !FileManager.default.fileExists(atPath: place.root.appendingPathComponent(".runs.csv.tmp-4000030").path))
    }

    /// runs.csv names a scenario by its `name` once the file was read, whatever ends the run: a review found the
    /// infeasible, no-plan and failed nights filed under the folder's name, so a notebook filtering by name lost them.
    @Test("runs.csv names the scenario by its name once read, for a plan and for an infeasible night alike")
    func runsLogNamesTheScenarioOnceRead() throws {
        let place = try Root("nightly-name")
        defer { place.remove() }
        let renamed = place.temp.appendingPathComponent("renamed")
        try FileManager.default.copyItem(at: E2E.smallScenario, to: renamed)
        #expect(try place.run(["-q"], scenario: renamed.path).status == 0)
        #expect(try place.run(Self.infeasible + ["-q"], scenario: renamed.path).status == 20)
        #expect(try place.run(["-q"], scenario: place.temp.appendingPathComponent("absent").path).status == 66)
        let rows = try place.log()
        #expect(rows.map { $0["scenario"] } == ["three-territories", "three-territories", "absent"], "\(rows)")
    }

    @Test("with -q, a run that cannot record itself in runs.csv still says so on stderr; progress stays silent")
    func quietRunsStillWarn() throws {
        let root = try Root("quiet-warning")
        defer { root.remove() }
        try FileManager.default.createDirectory(
            at: root.root.appendingPathComponent("runs.csv/sub"), withIntermediateDirectories: true)
        let output = try root.run(["-q"])
        #expect(output.status == 0, "\(output)")
        // A review found this silent under -q, the way docs/nightly-cron.sh runs it.
        #expect(output.stderrText.contains("warning: cannot record this run in"), "\(output.stderrText)")
        #expect(!output.stderrText.contains("loading"), "\(output.stderrText)")
    }

    @Test("a usage error with --json prints a status object and is a row of runs.csv (exit 64)")
    func usageErrorWithJSONPrintsAnObject() throws {
        let place = try Root("nightly-usage")
        defer { place.remove() }
        let result = try place.run(["--keep", "0", "--json"])
        #expect(result.status == 64, "\(result)")
        let object = try Self.jsonObject(result)
        #expect(object["exit_code"] as? Int == 64 && object["status"] as? String == "usage_error", "\(object)")
        #expect((object["message"] as? String ?? "").contains("--keep"), "\(object)")
        let unknown = try place.run(["--no-such-flag"])
        #expect(unknown.status == 64 && unknown.stdout.isEmpty, "\(unknown)")
        let rows = try place.log()
        #expect(
            rows.map { $0["status"] } == ["usage_error", "usage_error"]
                && (rows.last?["message"] ?? "").contains("--no-such-flag"), "\(rows)")
    }

    @Test("the manifest records the UTC start time, the host, the full command line, and the sweep and variant ids")
    func manifestRecordsTheInvocation() throws {
        let place = try Root("nightly-manifest")
        defer { place.remove() }
        let before = Date()
        let result = try place.run(["-q", "--sweep", "budget-sweep", "--variant", "b190"])
        try #require(result.status == 0, "\(result)")
        let manifest = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: place.root.appendingPathComponent("latest/manifest.json"))) as? [String: Any])
        let started = try #require(manifest["started_at"] as? String)
        let date = try #require(ISO8601DateFormatter().date(from: started), "\(started)")
        #expect(started.hasSuffix("Z") && abs(date.timeIntervalSince(before)) < 60, "\(started)")
        #expect((manifest["host"] as? String)?.isEmpty == false)
        let commandLine = try #require(manifest["command_line"] as? [String])
        #expect(
            Array(commandLine.dropFirst()) == [
                "run", E2E.smallScenario.path, "--runs-root", place.root.path, "-q", "--sweep", "budget-sweep",
                "--variant", "b190",
            ], "\(commandLine)")
        #expect(manifest["sweep_id"] as? String == "budget-sweep" && manifest["variant_id"] as? String == "b190")
        #expect(try place.log().first?["variant"] == "b190")
    }

    @Test("--keep N prunes the older runs but never the one latest points to; --keep-days too")
    func keepPrunesButKeepsLatest() throws {
        let place = try Root("nightly-keep")
        defer { place.remove() }
        for _ in 0..<3 { try #require(try place.run(["-q"]).status == 0) }
        let three = try place.runs()
        try #require(three.count == 3, "\(three)")
        let kept = try place.run(["-q", "--keep", "2"])
        try #require(kept.status == 0, "\(kept)")
        let afterKeep = try place.runs()
        #expect(afterKeep.count == 2, "\(afterKeep)")
        let newest = try #require(place.latest())
        #expect(afterKeep.contains(newest))
        let oldest = try #require(afterKeep.first { $0 != newest })

        // latest on the older run; an infeasible night (which does not move latest) with --keep 1
        // keeps itself (the newest) and latest's target, which is not among the newest.
        let link = place.root.appendingPathComponent("latest")
        try FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: oldest)
        let night = try place.run(Self.infeasible + ["-q", "--keep", "1"])
        #expect(night.status == 20, "\(night)")
        let remaining = try place.runs()
        #expect(remaining.count == 2 && remaining.contains(oldest) && !remaining.contains(newest), "\(remaining)")
        #expect(place.latest() == oldest)
        #expect(
            FileManager.default.fileExists(atPath: place.root.appendingPathComponent("runs.csv").path),
            "runs.csv is never pruned")

        // A folder that is not a run (a diff written into ROOT, someone's notes) is never pruned.
        let diff = try E2E.repartir(
            [
                "diff", place.root.appendingPathComponent(oldest).path, place.root.appendingPathComponent(oldest).path,
                "--out", place.root.appendingPathComponent("a-diff").path, "-q",
            ], in: place.temp)
        try #require(diff.status == 0, "\(diff)")
        let notes = place.root.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: notes.appendingPathComponent("manifest.json"))
        let pruning = try place.run(["-q", "--keep", "1"])
        #expect(pruning.status == 0, "\(pruning)")
        let left = try place.runs()
        #expect(left.contains("a-diff") && left.contains("notes") && left.contains(oldest) == false, "\(left)")
        try FileManager.default.removeItem(at: notes)
        try FileManager.default.removeItem(at: place.root.appendingPathComponent("a-diff"))

        // --keep-days: two runs three days old, one of them latest's target; an infeasible night
        // (latest stays) with --keep-days 1 removes the other one only.
        let survivor = try #require(left.first { $0.hasPrefix("three-territories-") })
        try #require(try place.run(["-q"]).status == 0)
        let target = try #require(place.latest())
        let threeDaysAgo = Date().addingTimeInterval(-3 * 86_400)
        for run in [survivor, target] {
            try FileManager.default.setAttributes(
                [.modificationDate: threeDaysAgo],
                ofItemAtPath: place.root.appendingPathComponent("\(run)/manifest.json").path)
        }
        let days = try place.run(Self.infeasible + ["-q", "--keep-days", "1"])
        #expect(days.status == 20, "\(days)")
        let afterDays = try place.runs()
        #expect(afterDays.count == 2 && afterDays.contains(target) && !afterDays.contains(survivor), "\(afterDays)")
        #expect(place.latest() == target)
    }

    @Test("--wait acquires the lock once the holder ends; --wait=S times out with 75")
    func waitAcquiresTheLockAfterTheHolder() throws {
        let place = try Root("nightly-wait")
        defer { place.remove() }
        try FileManager.default.createDirectory(at: place.root, withIntermediateDirectories: true)
        let fd = try E2E.holdLock(of: place.root.appendingPathComponent("latest"))
        let started = Date()
        let timedOut = try place.run(["--wait=1"])
        #expect(timedOut.status == 75 && Date().timeIntervalSince(started) >= 1, "\(timedOut)")
        #expect(timedOut.stderrText.contains("after waiting 1 s"), "\(timedOut)")

        let waiting = try E2E.Child(
            ["run", E2E.smallScenario.path, "--runs-root", place.root.path, "--wait"], in: place.temp, environment: [:])
        Thread.sleep(forTimeInterval: 1.0)
        #expect(waiting.process.isRunning, "--wait waits while the lock is held: \(waiting.stderrText)")
        close(fd)
        let result = try waiting.wait(timeout: 60)
        #expect(result.status == 0, "\(result)")
        #expect(place.latest() != nil)
        #expect(try place.log().map { $0["exit_code"] } == ["75", "0"])
    }

    /// A full disk: the run fails (74) and so does its runs.csv row, said on stderr; the half-written
    /// `.runs.csv.tmp-PID` goes with it (a review found it left in the runs root), and runs.csv and `latest` are
    /// intact.
    @Test("on a full disk the runs.csv row's temporary file is removed; runs.csv and latest stay as they were")
    func aFullDiskLeavesNoTemporaryRunsLog() throws {
        let place = try Root("nightly-full")
        defer { place.remove() }
        try E2E.mountTmpfs(at: place.root, kilobytes: 1024)
        defer { E2E.unmount(place.root) }
        let first = try place.run(["-q"])
        try #require(first.status == 0, "\(first)")
        let good = try #require(place.latest())
        let log = try Data(contentsOf: place.root.appendingPathComponent("runs.csv"))
        try E2E.fillFileSystem(in: place.root)
        let full = try place.run(["-q"])
        #expect(full.status == 74, "\(full)")
        #expect(full.stderrText.contains("warning: cannot record this run in"), "\(full)")
        let entries = try FileManager.default.contentsOfDirectory(atPath: place.root.path)
        #expect(!entries.contains { $0.hasPrefix(".runs.csv.tmp-") }, "\(entries)")
        #expect(place.latest() == good)
        #expect(try Data(contentsOf: place.root.appendingPathComponent("runs.csv")) == log)
    }

    @Test(
        "docs/nightly-cron.sh treats 0 and 10 as success, 75 as skipped, and alerts through ALERT_COMMAND on anything else"
    )
    func cronWrapperActsOnExitCodes() throws {
        let place = try Root("nightly-cron")
        defer { place.remove() }
        let wrapper = E2E.packageRoot.appendingPathComponent("docs/nightly-cron.sh").path
        let alert = place.temp.appendingPathComponent("alert.txt")
        // A stand-in for repartir that exits with FAKE_EXIT, so every code is reached.
        let fake = place.temp.appendingPathComponent("fake-repartir")
        try Data("#!/bin/sh\necho '{\"exit_code\": '$FAKE_EXIT'}'\nexit $FAKE_EXIT\n".utf8).write(to: fake)
        chmod(fake.path, 0o755)
        func wrap(
            _ repartir: String, _ code: Int? = nil, _ scenario: String = E2E.smallScenario.path
        ) throws -> E2E.Output {
            try? FileManager.default.removeItem(at: alert)
            var environment = ["REPARTIR": repartir, "ALERT_COMMAND": "cat > '\(alert.path)'"]
            if let code { environment["FAKE_EXIT"] = String(code) }
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/bin/sh")
            child.arguments = [wrapper, scenario, place.root.path]
            child.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            child.currentDirectoryURL = place.temp
            let out = Pipe()
            child.standardOutput = out
            child.standardError = out
            try child.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            child.waitUntilExit()
            return E2E.Output(status: child.terminationStatus, stdout: data, stderr: Data())
        }
        var alerted: Bool { FileManager.default.fileExists(atPath: alert.path) }
        for code in [0, 10] {
            let result = try wrap(fake.path, code)
            #expect(result.status == 0 && !alerted, "exit \(code) is a success: \(result)")
        }
        let skipped = try wrap(fake.path, 75)
        #expect(skipped.status == 0 && !alerted && skipped.stdoutText.contains("skipped"), "\(skipped)")
        for code in [20, 65, 70, 143] {
            let result = try wrap(fake.path, code)
            #expect(result.status == Int32(code), "the wrapper keeps exit \(code): \(result)")
            let message = (try? E2E.text(alert)) ?? ""
            #expect(
                message.contains("exit \(code)") && message.contains("\"exit_code\": \(code)"),
                "exit \(code) alerts with the status object: \(message)")
        }
        // The real repartir: a good night is silent, a missing scenario (66) alerts.
        let binary = try #require(E2E.binary).path
        let real = try wrap(binary)
        #expect(real.status == 0 && !alerted && place.latest() != nil, "\(real)")
        let missing = try wrap(binary, nil, place.temp.appendingPathComponent("no-such-scenario").path)
        #expect(missing.status == 66 && alerted, "\(missing)")
        #expect(((try? E2E.text(alert)) ?? "").contains("input_missing"))
    }
}
