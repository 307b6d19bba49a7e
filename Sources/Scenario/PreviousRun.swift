import Foundation

/// What a previous run's folder says, read for the stability stage `closeness:run:<RUN_FOLDER>`.
public enum PreviousRun {
    public static let territoryFile = "allocation_by_territory.csv"

    /// A previous run's folder must exist before any of its files is read: otherwise a missing input (exit 66) at the
    /// folder, with `message` (what was expected there).
    static func requireFolder(_ folder: String, _ message: String) throws(ScenarioError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ScenarioError([Diagnostic(.missingFile, SourceLocation(file: folder), message)])
        }
    }

    /// Posts per territory code of the run in `folder` (its `allocation_by_territory.csv`); a missing folder or file is
    /// a missing input (exit 66), a garbled table a data error at its file:line:column (exit 65).
    public static func territoryPosts(_ folder: String) throws(ScenarioError) -> [String: Int] {
        try requireFolder(
            folder,
            "closeness:run: no run folder here (give the folder of a previous run, which holds \(territoryFile))")
        let path = (folder as NSString).appendingPathComponent(territoryFile)
        let table = try CSVTable(
            data: try InputFileReader.bytes(of: path, shownAs: path, what: "the previous run's plan"), path: path
        ).withoutFormulaGuards()
        var reader = TableReader(
            table: table,
            columns: [.init(name: "territory_code", required: true), .init(name: "posts", required: true)])
        var posts: [String: Int] = [:]
        for record in table.records where record.count == table.header.count {
            guard let code = reader.text(record, "territory_code"),
                let count = reader.integer(record, "posts", in: 0...1_000_000)
            else { continue }
            if posts[code] != nil {
                reader.fail(
                    reader.field(record, "territory_code")!, "territory_code",
                    "territory '\(Shown.value(code))' appears twice")
                continue
            }
            posts[code] = count
        }
        try reader.errors.throwIfAny()
        return posts
    }

    public static let structureFile = "allocation_by_structure.csv"

    /// One row of a previous run's plan: posts of a funding option at a structure.
    public struct Held: Sendable, Hashable {
        public let structureID: String
        public let option: String
        public let posts: Int
    }

    /// The posts per structure and option of the run in `folder` (its `allocation_by_structure.csv`), for closeness per
    /// structure; nil when the folder has no such table (an older run: closeness then stays per territory). A garbled
    /// table is a data error at its file:line:column (exit 65).
    public static func structurePosts(_ folder: String) throws(ScenarioError) -> [Held]? {
        let path = (folder as NSString).appendingPathComponent(structureFile)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let table = try CSVTable(
            data: try InputFileReader.bytes(of: path, shownAs: path, what: "the previous run's plan"), path: path
        ).withoutFormulaGuards()
        var reader = TableReader(
            table: table,
            columns: [
                .init(name: "structure_id", required: true), .init(name: "funding_option", required: true),
                .init(name: "posts", required: true),
            ])
        var held: [Held] = []
        for record in table.records where record.count == table.header.count {
            guard let id = reader.text(record, "structure_id"), let option = reader.text(record, "funding_option"),
                let posts = reader.integer(record, "posts", in: 0...1_000_000)
            else { continue }
            held.append(Held(structureID: id, option: option, posts: posts))
        }
        try reader.errors.throwIfAny()
        return held
    }
}
