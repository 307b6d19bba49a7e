import Foundation

/// What a previous run's folder says, read for the stability stage `closeness:run:<RUN_FOLDER>`.
public enum PreviousRun {
    public static let territoryFile = "allocation_by_territory.csv"

    /// Posts per territory code of the run in `folder` (its `allocation_by_territory.csv`); a missing folder or file is
    /// a missing input (exit 66), a garbled table a data error at its file:line:column (exit 65).
    public static func territoryPosts(_ folder: String) throws(ScenarioError) -> [String: Int] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ScenarioError([Diagnostic(.missingFile, SourceLocation(file: folder),
                "closeness:run: no run folder here (give the folder of a previous run, which holds \(territoryFile))")])
        }
        let path = (folder as NSString).appendingPathComponent(territoryFile)
        let table = try CSVTable(data: try InputFileReader.bytes(of: path, shownAs: path, what: "the previous run's plan"), path: path)
        var reader = TableReader(table: table, columns: [.init(name: "territory_code", required: true), .init(name: "posts", required: true)])
        var posts: [String: Int] = [:]
        for record in table.records where record.count == table.header.count {
            guard let code = reader.text(record, "territory_code"), let count = reader.integer(record, "posts", in: 0...1_000_000) else { continue }
            if posts[code] != nil {
                reader.fail(reader.field(record, "territory_code")!, "territory_code", "territory '\(Shown.value(code))' appears twice")
                continue
            }
            posts[code] = count
        }
        try reader.errors.throwIfAny()
        return posts
    }
}
