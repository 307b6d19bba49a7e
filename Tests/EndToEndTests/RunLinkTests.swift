import CommuneFixtures
import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// Links planted where repartir writes (docs/reliability.md, "Runs and outputs"): repartir runs as
/// root from cron beside folders others can write to, so a symlink or a hard link under one of the
/// names it uses must never make it write, truncate or delete the link's target. Each test plants a
/// link to a victim file or folder and checks the victim is byte-identical afterwards.
@Suite("repartir never writes through a link it did not create", .serialized)
struct RunLinkTests {
    /// A temp folder with `victim/secret.txt` and `victim/notes/old.txt`, and `shared/` where
    /// the run's output goes, as in a shared reports folder.
    struct Place {
        let temp: URL
        let victim: URL
        let secret: URL
        let shared: URL
        var out: URL { shared.appendingPathComponent("out") }

        init(_ prefix: String) throws {
            temp = try E2E.temporaryDirectory(prefix: prefix)
            victim = temp.appendingPathComponent("victim")
            secret = victim.appendingPathComponent("secret.txt")
            shared = temp.appendingPathComponent("shared")
            try FileManager.default.createDirectory(
                at: victim.appendingPathComponent("notes"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
            try Data("root:secret\n".utf8).write(to: secret)
            try Data("keep me\n".utf8).write(to: victim.appendingPathComponent("notes/old.txt"))
        }

        var victimSnapshot: [String: Data] { (try? E2E.snapshot(victim)) ?? [:] }
        static let victimContents: [String: Data] = [
            "secret.txt": Data("root:secret\n".utf8), "notes/old.txt": Data("keep me\n".utf8),
        ]

        func plant(_ name: String, to target: URL, in folder: URL? = nil) throws {
            try FileManager.default.createSymbolicLink(
                atPath: (folder ?? shared).appendingPathComponent(name).path, withDestinationPath: target.path)
        }

        func run(_ arguments: [String], environment: [String: String] = [:]) throws -> E2E.Output {
            try E2E.repartir(["run", E2E.smallScenario.path] + arguments, in: temp, environment: environment)
        }

        func remove() { try? FileManager.default.removeItem(at: temp) }
    }

    /// Every message line is one line under 300 characters, the test folder's path (which the machine chooses) counted
    /// as one character.
    static func expectShortLines(_ output: E2E.Output, _ case: String) {
        for line in output.stderrText.split(separator: "\n") where line.hasPrefix("error:") {
            let text = line.replacingOccurrences(of: TestScratch.root.path, with: "~")
            #expect(text.count < 300, "\(`case`): message over 300 characters: \(line)")
        }
    }

    // MARK: The lock file

    @Test(
        "a symlink planted as .out.lock (to a file, or dangling) is refused with exit 73; the file is not truncated and nothing is created"
    )
    func lockFileSymlinkIsRefused() throws {
        let place = try Place("link-lock")
        defer { place.remove() }
        try place.plant(".out.lock", to: place.secret)
        let result = try place.run(["--out", place.out.path])
        #expect(result.status == 73, "\(result)")
        #expect(result.stderrText.contains("\(place.shared.path)/.out.lock is a symbolic link"), "\(result)")
        #expect(place.victimSnapshot == Place.victimContents, "the link's target must not be truncated or rewritten")
        #expect(!FileManager.default.fileExists(atPath: place.out.path), "nothing published")
        Self.expectShortLines(result, "lock symlink")

        // A dangling link must not create its target.
        let elsewhere = place.victim.appendingPathComponent("created-by-repartir")
        let other = place.shared.appendingPathComponent("other")
        try place.plant(".other.lock", to: elsewhere)
        let dangling = try place.run(["--out", other.path])
        #expect(dangling.status == 73, "\(dangling)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere.path), "no file may be created through the link")
    }

    @Test("a hard link planted as .out.lock is locked but never truncated nor rewritten")
    func lockFileHardLinkIsNotTruncated() throws {
        let place = try Place("hardlink-lock")
        defer { place.remove() }
        try #require(
            link(place.secret.path, place.shared.appendingPathComponent(".out.lock").path) == 0,
            "cannot make a hard link")
        let result = try place.run(["--out", place.out.path, "-q"])
        #expect(result.status == 0, "\(result)")
        #expect(place.victimSnapshot == Place.victimContents, "the other name of the file must keep its content")
    }

    @Test("a lock holder line with terminal escapes is echoed with its control characters neutralised")
    func lockHolderLineControlCharactersAreNeutralised() throws {
        let place = try Place("lock-escapes")
        defer { place.remove() }
        try Data("pid 1\u{1B}]0;owned\u{07}\u{1B}[2J since now\r\nforged line\n".utf8).write(
            to: place.shared.appendingPathComponent(".out.lock"))
        let fd = try E2E.holdLock(of: place.out)
        defer { close(fd) }
        let result = try place.run(["--out", place.out.path])
        #expect(result.status == 75, "\(result)")
        #expect(
            !result.stderrText.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D },
            "\(result)")
        #expect(result.stderrText.contains("held by pid 1\\u{1B}]0;owned\\u{7}\\u{1B}[2J since now)"), "\(result)")
        #expect(!result.stderrText.contains("forged line"), "only the first line of the file is echoed: \(result)")
    }

    @Test("an output path with terminal escapes and a line break is echoed escaped, in every message that quotes it")
    func outputPathControlCharactersAreNeutralised() throws {
        let place = try Place("path-escapes")
        defer { place.remove() }
        let out = place.shared.appendingPathComponent("x\u{1B}[31mRED\ny")
        let published = try place.run(["--out", out.path])
        #expect(published.status == 0, "\(published)")
        try Data("a file\n".utf8).write(to: place.shared.appendingPathComponent("f\u{1B}[33mY"))
        let blocked = try place.run(["--out", place.shared.appendingPathComponent("f\u{1B}[33mY").path])
        #expect(blocked.status == 73, "\(blocked)")
        for result in [published, blocked] {
            #expect(!result.stderrText.unicodeScalars.contains { $0.value == 0x1B }, "\(result)")
            #expect(result.stderrText.split(separator: "\n").allSatisfy { !$0.hasPrefix("y") }, "\(result)")
        }
        #expect(published.stderrText.contains("x\\u{1B}[31mRED\\u{A}y"), "\(published)")
        #expect(blocked.stderrText.contains("f\\u{1B}[33mY"), "\(blocked)")
    }

    // MARK: Staging and leftovers

    @Test(
        "links planted under the leftover names .out.partial-* and .out.previous-* are removed themselves; their targets and a link inside an old run are never followed"
    )
    func leftoverNamesPlantedAsLinksAreNeverFollowed() throws {
        let place = try Place("link-leftovers")
        defer { place.remove() }
        // DIR missing and a `.previous-*` link: before, it was "restored" as DIR, a link to the victim.
        try place.plant(".out.previous-4000010", to: place.victim)
        try place.plant(".out.partial-4000011", to: place.victim)
        try place.plant(".out.partial-4000012", to: place.secret)
        // A real leftover of a killed run holding a link to the victim folder: removed without descending into the
        // victim.
        let leftover = place.shared.appendingPathComponent(".out.partial-4000013")
        try FileManager.default.createDirectory(at: leftover, withIntermediateDirectories: false)
        try place.plant("inside", to: place.victim, in: leftover)

        let result = try place.run(["--out", place.out.path])
        #expect(result.status == 0, "\(result)")
        #expect(!result.stderrText.contains("restored"), "a link is not a run to restore: \(result)")
        #expect(
            result.stderrText.contains("removed the symbolic link \(place.shared.path)/.out.previous-4000010"),
            "\(result)")
        #expect(place.victimSnapshot == Place.victimContents, "the victim folder is untouched")
        #expect(E2E.leftovers(beside: place.out).isEmpty, "\(E2E.leftovers(beside: place.out))")
        var info = stat()
        #expect(lstat(place.out.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR, "out is a real folder")
        #expect(FileManager.default.fileExists(atPath: place.out.appendingPathComponent("manifest.json").path))
    }

    @Test(
        "a link planted as the staging folder .out.partial-PID during the solve is removed itself; the run publishes and the target is untouched"
    )
    func stagingFolderPlantedAsLinkDuringTheRun() throws {
        let place = try Place("link-staging")
        defer { place.remove() }
        // The default scenario solves for seconds after the lock, when the leftovers are already
        // cleaned: time to plant the link where the staging folder will be made.
        let child = try E2E.Child(
            ["run", E2E.defaultScenario.path, "--out", place.out.path], in: place.temp, environment: [:])
        try #require(
            E2E.waitUntil(timeout: 60) { child.stderrText.contains("repartir: locked ") },
            "never locked: \(child.stderrText)")
        try place.plant(".out.partial-\(child.pid)", to: place.victim)
        try #require(
            child.process.isRunning && !child.stderrText.contains("plan verified"),
            "the link must be planted before the run writes: \(child.stderrText)")
        let result = try child.wait(timeout: 300)
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stderrText.contains("removed the symbolic link \(place.shared.path)/.out.partial-\(child.pid)"),
            "\(result)")
        #expect(place.victimSnapshot == Place.victimContents, "no output may be written into the link's target")
        #expect(
            FileManager.default.fileExists(atPath: place.out.appendingPathComponent("manifest.json").path), "\(result)")
        #expect(E2E.leftovers(beside: place.out).isEmpty, "\(E2E.leftovers(beside: place.out))")
    }

    @Test(
        "an old run holding a link to a folder elsewhere is replaced without touching that folder (exchange and two-rename paths)"
    )
    func oldRunHoldingALinkIsRemovedWithoutFollowingIt() throws {
        let place = try Place("link-old-run")
        defer { place.remove() }
        for environment in [[:], ["REPARTIR_TEST_NO_EXCHANGE": "1"]] {
            let first = try place.run(["--out", place.out.path, "-q"])
            try #require(first.status == 0, "\(first)")
            // An analyst's shortcut inside the run directory.
            try place.plant("data", to: place.victim, in: place.out)
            let second = try place.run(["--out", place.out.path, "-q"], environment: environment)
            #expect(second.status == 0, "\(environment): \(second)")
            #expect(place.victimSnapshot == Place.victimContents, "\(environment): the victim folder is untouched")
            #expect(E2E.leftovers(beside: place.out).isEmpty, "\(E2E.leftovers(beside: place.out))")
        }
    }

    // MARK: --runs-root

    @Test(
        "--runs-root: latest replaced by a link to a folder elsewhere, and links under latest.tmp-* and .*.partial-*, are switched or removed; their targets untouched"
    )
    func runsRootLinksAreNeverFollowed() throws {
        let place = try Place("link-runs-root")
        defer { place.remove() }
        let root = place.shared.appendingPathComponent("nightly")
        let first = try place.run(["--runs-root", root.path, "-q"])
        try #require(first.status == 0, "\(first)")
        let latest = root.appendingPathComponent("latest")
        try FileManager.default.removeItem(at: latest)
        try place.plant("latest", to: place.victim, in: root)
        try place.plant("latest.tmp-4000020", to: place.secret, in: root)
        try place.plant(".three-territories-x.partial-4000021", to: place.victim, in: root)

        let second = try place.run(["--runs-root", root.path])
        #expect(second.status == 0, "\(second)")
        #expect(place.victimSnapshot == Place.victimContents, "the victim is untouched")
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: latest.path)
        #expect(target.hasPrefix("three-territories-"), "latest points to the new run again: \(target)")
        let entries = try FileManager.default.contentsOfDirectory(atPath: root.path)
        #expect(!entries.contains { $0.contains(".partial-") || $0.hasPrefix("latest.tmp-") }, "\(entries)")

        // The lock of a runs root, planted as a link, is refused like any lock file.
        try FileManager.default.removeItem(at: root.appendingPathComponent(".latest.lock"))
        try place.plant(".latest.lock", to: place.secret, in: root)
        let locked = try place.run(["--runs-root", root.path])
        #expect(locked.status == 73 && locked.stderrText.contains(".latest.lock is a symbolic link"), "\(locked)")
        #expect(place.victimSnapshot == Place.victimContents)
    }

    // MARK: --out naming a link

    @Test(
        "--out naming a symlink (ROOT/latest, or a link to any folder) is refused with exit 73; the link and its target stay as they were"
    )
    func outNamingASymlinkIsRefused() throws {
        let place = try Place("link-out")
        defer { place.remove() }
        let root = place.shared.appendingPathComponent("nightly")
        let first = try place.run(["--runs-root", root.path, "-q"])
        try #require(first.status == 0, "\(first)")
        let latest = root.appendingPathComponent("latest")
        let before = try E2E.snapshot(root).filter { $0.key != ".latest.lock" }

        let result = try place.run(["--out", latest.path])
        #expect(result.status == 73, "\(result)")
        #expect(result.stderrText.contains("\(latest.path) is a symbolic link"), "\(result)")
        #expect(
            try E2E.snapshot(root).filter { $0.key != ".latest.lock" } == before,
            "latest is still the link, the run byte-identical")
        Self.expectShortLines(result, "--out latest")
        let next = try place.run(["--runs-root", root.path, "-q"])
        #expect(next.status == 0, "later --runs-root runs still work: \(next)")

        try place.plant("report", to: place.victim)
        let other = try place.run(["--out", place.shared.appendingPathComponent("report").path])
        #expect(other.status == 73 && other.stderrText.contains("is a symbolic link"), "\(other)")
        #expect(place.victimSnapshot == Place.victimContents)
    }

    // MARK: export-model

    @Test(
        "export-model -o naming a symlink (to a file, or dangling) is refused with exit 73; the target is not written and no temporary file is left"
    )
    func exportModelToASymlinkIsRefused() throws {
        let place = try Place("link-export")
        defer { place.remove() }
        let model = place.shared.appendingPathComponent("model.lp")
        try place.plant("model.lp", to: place.secret)
        let result = try E2E.repartir(
            ["export-model", E2E.smallScenario.path, "--format", "lp", "-o", model.path], in: place.temp,
            environment: [:])
        #expect(result.status == 73, "\(result)")
        #expect(result.stderrText.contains("\(model.path) is a symbolic link"), "\(result)")
        #expect(place.victimSnapshot == Place.victimContents, "GLPK must not write through the link")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: place.shared.path) == ["model.lp"],
            "no temporary file beside it")

        let elsewhere = place.victim.appendingPathComponent("model-by-repartir.lp")
        try place.plant("dangling.lp", to: elsewhere)
        let dangling = try E2E.repartir(
            ["export-model", E2E.smallScenario.path, "-o", place.shared.appendingPathComponent("dangling.lp").path],
            in: place.temp, environment: [:])
        #expect(dangling.status == 73, "\(dangling)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere.path))

        // A regular file is replaced in one rename (its other hard links keep the old content); the temporary folder is
        // gone.
        let plain = place.shared.appendingPathComponent("plain.lp")
        try Data("old\n".utf8).write(to: plain)
        let written = try E2E.repartir(
            ["export-model", E2E.smallScenario.path, "-o", plain.path, "-q"], in: place.temp, environment: [:])
        #expect(written.status == 0, "\(written)")
        #expect(try E2E.text(plain).contains("Subject To"), "an LP file")
        #expect(
            !(try FileManager.default.contentsOfDirectory(atPath: place.shared.path)).contains { $0.contains(".tmp-") })
    }
}
