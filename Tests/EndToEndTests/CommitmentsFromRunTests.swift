import Foundation
import Testing

/// `repartir run --commitments-from RUN_FOLDER`: tonight's plan extends last night's (docs/model.md, "Commitments and
/// waves"), and a missing or garbled run folder stops the run before solving with the input exit codes.
@Suite("repartir run --commitments-from")
struct CommitmentsFromRunTests {
    static let example = E2E.packageRoot.appendingPathComponent("scenarios/examples/three-territories").path

    /// The plan's (structure, option) → posts, and the committed_posts / new_posts columns when present.
    func plan(_ folder: URL) throws -> (posts: [String: Int], committed: [String: Int], new: [String: Int]) {
        let rows = E2E.csv(try E2E.text(folder.appendingPathComponent("allocation_by_structure.csv")))
        let header = rows[0]
        let column = { (name: String) in header.firstIndex(of: name) }
        var posts: [String: Int] = [:], committed: [String: Int] = [:], new: [String: Int] = [:]
        for row in rows.dropFirst() where row.count == header.count {
            let key = row[column("structure_id")!] + "|" + row[column("funding_option")!]
            posts[key] = Int(row[column("posts")!])
            if let index = column("committed_posts") { committed[key] = Int(row[index]) }
            if let index = column("new_posts") { new[key] = Int(row[index]) }
        }
        return (posts, committed, new)
    }

    func objective(_ folder: URL) throws -> String {
        let rows = E2E.csv(try E2E.text(folder.appendingPathComponent("summary.csv")))
        return rows[1][rows[0].firstIndex(of: "objective")!]
    }

    /// Nothing changed: the plan taken as locked commitments is the plan again, every post committed, none new, same
    /// value.
    @Test func reproducesThePreviousRunExactly() throws {
        let directory = try E2E.temporaryDirectory(prefix: "commitments-from")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try E2E.repartir(["run", Self.example, "--out", "first", "-q"], in: directory)
        #expect(first.status == 0, "\(first)")
        let second = try E2E.repartir(
            ["run", Self.example, "--out", "second", "-q", "--commitments-from", "first"], in: directory)
        #expect(second.status == 0, "\(second)")
        #expect(!second.stderrText.contains("warning"), "the same structures: nothing to say: \(second)")
        let before = try plan(directory.appendingPathComponent("first")),
            after = try plan(directory.appendingPathComponent("second"))
        #expect(!before.posts.isEmpty)
        #expect(after.posts == before.posts)
        #expect(after.committed == before.posts)
        #expect(after.new.values.allSatisfy { $0 == 0 })
        #expect(
            try objective(directory.appendingPathComponent("second"))
                == objective(directory.appendingPathComponent("first")))
        #expect(try E2E.text(directory.appendingPathComponent("second/report.md")).contains("## Commitments"))
    }

    /// A previous plan whose row gives a structure another kind than the scenario's (the structures table changed
    /// since): the commitment follows the scenario, and the run says so at the row, even with -q (a review found it
    /// followed in silence).
    @Test func aPreviousRowThatContradictsTheStructuresIsSaid() throws {
        let directory = try E2E.temporaryDirectory(prefix: "commitments-from-kind")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try E2E.repartir(["run", Self.example, "--out", "first", "-q"], in: directory)
        try #require(first.status == 0, "\(first)")
        let file = directory.appendingPathComponent("first/allocation_by_structure.csv")
        var rows = E2E.csv(try E2E.text(file))
        let kind = try #require(rows[0].firstIndex(of: "kind")),
            id = try #require(rows[0].firstIndex(of: "structure_id"))
        let given = rows[1][kind]
        rows[1][kind] = given == "public" ? "private" : "public"
        try (rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(
            to: file, atomically: true, encoding: .utf8)
        let second = try E2E.repartir(
            ["run", Self.example, "--out", "second", "-q", "--commitments-from", "first"], in: directory)
        #expect(second.status == 0, "\(second)")
        let column = rows[1][..<kind].reduce(1) { $0 + $1.count + 1 }  // the cell's first character
        #expect(
            second.stderrText.contains(
                "warning: first/allocation_by_structure.csv:2:\(column): structure '\(rows[1][id])' has kind '\(rows[1][kind])' in the previous run and '\(given)' in this scenario"
            ), "\(second)")
    }

    /// A structure id starting with `-` (the input rules allow it) is written `'-…` in the run's tables, guarded
    /// against spreadsheet formulas; read back as last night's plan, it is the scenario's structure again (a review
    /// found it refused as an unknown structure, exit 65).
    @Test func readsBackAnIdItsCSVWriterGuarded() throws {
        let directory = try E2E.temporaryDirectory(prefix: "commitments-from-dash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenario = directory.appendingPathComponent("scenario")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.example), to: scenario)
        let structures = scenario.appendingPathComponent("structures.csv")
        let text = try E2E.text(structures)
        #expect(text.contains("S21230080000019,"))
        try Data(text.replacingOccurrences(of: "S21230080000019,", with: "-S21230080000019,").utf8).write(
            to: structures)
        let first = try E2E.repartir(["run", scenario.path, "--out", "first", "-q"], in: directory)
        #expect(first.status == 0, "\(first)")
        let before = try plan(directory.appendingPathComponent("first"))
        #expect((before.posts["'-S21230080000019|full"] ?? 0) + (before.posts["'-S21230080000019|partial_3y"] ?? 0) > 0)
        let second = try E2E.repartir(
            ["run", scenario.path, "--out", "second", "-q", "--commitments-from", "first"], in: directory)
        #expect(second.status == 0, "\(second)")
        #expect(try plan(directory.appendingPathComponent("second")).posts == before.posts)
    }

    /// The same at national scale (2,886 structures, up to 4,000 posts): last night's plan as locked commitments is
    /// tonight's.
    @Test func reproducesANationalRunExactly() throws {
        let directory = try E2E.temporaryDirectory(prefix: "commitments-from")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = ["--set", "comparison.sensitivity=false", "--set", "comparison.frontier_points=0"]
        let first = try E2E.repartir(["run", E2E.defaultScenario.path, "--out", "first", "-q"] + plain, in: directory)
        #expect(first.status == 0, "\(first)")
        let second = try E2E.repartir(
            ["run", E2E.defaultScenario.path, "--out", "second", "-q", "--commitments-from", "first"] + plain,
            in: directory)
        #expect(second.status == 0, "\(second)")
        let before = try plan(directory.appendingPathComponent("first")),
            after = try plan(directory.appendingPathComponent("second"))
        // A national plan: the budget binds before the 4,000 posts on the default inputs (3,984 posts today).
        #expect((3_000...4_000).contains(before.posts.values.reduce(0, +)))
        #expect(after.posts == before.posts)
        #expect(
            try objective(directory.appendingPathComponent("second"))
                == objective(directory.appendingPathComponent("first")))
    }

    /// Last night 8 posts; tonight 20, the 8 kept as minimums: every earlier post is still there, 12 are new.
    @Test func extendsAPreviousRunAsMinimums() throws {
        let directory = try E2E.temporaryDirectory(prefix: "commitments-from")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try E2E.repartir(
            ["run", Self.example, "--out", "first", "-q", "--set", "programme.posts=8"], in: directory)
        #expect(first.status == 0, "\(first)")
        let second = try E2E.repartir(
            ["run", Self.example, "--out", "second", "-q", "--commitments-from", "first", "--commitments-mode", "min"],
            in: directory)
        #expect(second.status == 0, "\(second)")
        let before = try plan(directory.appendingPathComponent("first")),
            after = try plan(directory.appendingPathComponent("second"))
        #expect(before.posts.values.reduce(0, +) == 8)
        for (key, posts) in before.posts { #expect((after.posts[key] ?? 0) >= posts, "\(key)") }
        #expect(after.committed.values.reduce(0, +) == 8)
        #expect(after.new.values.reduce(0, +) == after.posts.values.reduce(0, +) - 8)
    }

    @Test func missingOrGarbledRunFolderStopsBeforeSolving() throws {
        let directory = try E2E.temporaryDirectory(prefix: "commitments-from")
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try E2E.repartir(
            ["run", Self.example, "--out", "out", "-q", "--commitments-from", "nowhere"], in: directory)
        #expect(missing.status == 66, "\(missing)")
        #expect(missing.stderrText.contains("--commitments-from: no run folder here"))
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let empty = try E2E.repartir(
            ["run", Self.example, "--out", "out", "-q", "--commitments-from", "empty"], in: directory)
        #expect(empty.status == 66, "\(empty)")
        let garbled = directory.appendingPathComponent("garbled")
        try FileManager.default.createDirectory(at: garbled, withIntermediateDirectories: true)
        try "structure_id,funding_option,posts\nNO_SUCH_HOST,full,1\nS1,full,two\n".write(
            to: garbled.appendingPathComponent("allocation_by_structure.csv"), atomically: true, encoding: .utf8)
        let bad = try E2E.repartir(
            ["run", Self.example, "--out", "out", "-q", "--commitments-from", "garbled"], in: directory)
        #expect(bad.status == 65, "\(bad)")
        #expect(
            bad.stderrText.contains(
                "garbled/allocation_by_structure.csv:2:1: structure_id: unknown structure 'NO_SUCH_HOST'"), "\(bad)")
        #expect(bad.stderrText.contains("garbled/allocation_by_structure.csv:3:"), "\(bad)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }
}
