import Foundation
import Scenario

/// `repartir diff A B`: what changed between two run folders. Inputs (parameters, input file
/// hashes by role, repartir and GLPK versions) come from the manifests, decoded with `RunManifest`;
/// the summary deltas from summary.csv; the moves from the territory and structure tables. Nothing
/// is recomputed: the diff reads only what the runs published. Rendering: `RunDiffReport`.
public struct RunDiff: Sendable {
    /// One run folder, read.
    public struct Run: Sendable {
        public let folder: String
        public let manifest: RunManifest
        /// summary.csv: (column, value) in its order; empty for a run without a plan.
        public let summary: [(String, String)]
        public let territories: [String: Place]
        public let structures: [String: Place]
        public var hasPlan: Bool { !summary.isEmpty }
    }

    /// A territory or a structure and its posts.
    public struct Place: Sendable {
        public let name: String
        /// The structure's territory (the territory's région for a territory).
        public let parent: String
        public let posts: Int
    }

    public struct Change: Sendable {
        /// `parameter`, `input`, `version`.
        public let kind: String
        public let name: String
        public let before: String?
        public let after: String?
    }

    public struct SummaryDelta: Sendable {
        public let name: String
        /// nil when run A has no such figure (no plan, or a summary.csv without that column).
        public let before: String?
        /// nil when run B has no such figure.
        public let after: String?
        /// after − before when both are numbers.
        public let change: Double?
    }

    public struct Move: Sendable {
        /// `territory` or `structure`.
        public let level: String
        public let code: String
        public let name: String
        public let parent: String
        public let before: Int
        public let after: Int
        public var change: Int { after - before }
    }

    public let a: Run
    public let b: Run
    public let inputChanges: [Change]
    public let summaryDeltas: [SummaryDelta]
    public let moves: [Move]

    /// True when anything differs: an input, a version, a summary figure or a post.
    public var hasChanges: Bool {
        !inputChanges.isEmpty || summaryDeltas.contains { $0.before != $0.after } || !moves.isEmpty
            || a.manifest.status != b.manifest.status
    }

    public init(_ a: Run, _ b: Run) {
        self.a = a
        self.b = b
        var changes: [Change] = []
        for (name, before, after) in [
            ("repartir", a.manifest.repartirVersion, b.manifest.repartirVersion),
            ("GLPK", a.manifest.glpkVersion, b.manifest.glpkVersion),
        ] where before != after {
            changes.append(Change(kind: "version", name: name, before: before, after: after))
        }
        let parametersA = a.manifest.parameters ?? [:], parametersB = b.manifest.parameters ?? [:]
        // `900_000` and `900000` are the same value: only a different value is a change.
        let value = { (text: String?) in
            text.map { Double($0.replacingOccurrences(of: "_", with: "")).map { "\($0)" } ?? $0 }
        }
        for key in Set(parametersA.keys).union(parametersB.keys).sorted()
        where value(parametersA[key]) != value(parametersB[key]) {
            changes.append(Change(kind: "parameter", name: key, before: parametersA[key], after: parametersB[key]))
        }
        let inputsA = Self.inputHashes(a.manifest), inputsB = Self.inputHashes(b.manifest)
        for role in Set(inputsA.keys).union(inputsB.keys).sorted() where inputsA[role] != inputsB[role] {
            changes.append(Change(kind: "input", name: role, before: inputsA[role], after: inputsB[role]))
        }
        inputChanges = changes
        // Every figure of either run, in A's order then B's: when one run has no plan, the other's figures are still
        // listed against an empty side (a review found summary_changes.csv empty whenever one run was infeasible).
        let summaryA = Dictionary(a.summary, uniquingKeysWith: { first, _ in first })
        let summaryB = Dictionary(b.summary, uniquingKeysWith: { first, _ in first })
        var names = a.summary.map(\.0)
        names += b.summary.map(\.0).filter { summaryA[$0] == nil }
        summaryDeltas = names.map { name in
            let before = summaryA[name], after = summaryB[name]
            let change = before.flatMap(Double.init).flatMap { x in after.flatMap(Double.init).map { $0 - x } }
            return SummaryDelta(name: name, before: before, after: after, change: change)
        }
        // A run without a plan (infeasible) has no posts to compare: the page says so instead.
        moves =
            a.hasPlan && b.hasPlan
            ? Self.moves("territory", a.territories, b.territories)
                + Self.moves("structure", a.structures, b.structures) : []
    }

    static func inputHashes(_ manifest: RunManifest) -> [String: String] {
        var hashes: [String: String] = [:]
        for input in manifest.inputs ?? [] {
            hashes[input.role ?? input.path ?? "input"] = input.sha256 ?? ""
        }
        return hashes
    }

    /// Every place whose posts differ (absent = 0), by code.
    static func moves(_ level: String, _ a: [String: Place], _ b: [String: Place]) -> [Move] {
        Set(a.keys).union(b.keys).sorted().compactMap { code in
            let before = a[code]?.posts ?? 0, after = b[code]?.posts ?? 0
            guard before != after else { return nil }
            let place = b[code] ?? a[code]!
            return Move(level: level, code: code, name: place.name, parent: place.parent, before: before, after: after)
        }
    }

    // MARK: Reading a run folder

    /// Reads a run folder: its manifest (exit 66 if the folder or manifest.json is missing, 65 if it
    /// is not a manifest) and, for a run with a plan, summary.csv and the two allocation tables
    /// (66 naming each one missing, 65 if one cannot be read).
    public static func load(_ folder: String) throws(RunFailure) -> Run {
        let path = URL(fileURLWithPath: folder).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw failure(
                .missingFile, path,
                "no such run folder (a run folder holds manifest.json, summary.csv and the allocation tables)")
        }
        let manifest: RunManifest
        do {
            manifest = try RunManifest.read(folder: path)
        } catch {
            switch error {
            case let .missing(file): throw failure(.missingFile, file, "missing: \(path) is not a repartir run folder")
            case let .invalid(file, why): throw failure(.data, file, "\(why): \(path) is not a repartir run folder")
            }
        }
        guard manifest.status != "infeasible" else {
            return Run(folder: path, manifest: manifest, summary: [], territories: [:], structures: [:])
        }
        let needed = ["summary.csv", "allocation_by_territory.csv", "allocation_by_structure.csv"]
        let missing = needed.filter { !FileManager.default.fileExists(atPath: path + "/" + $0) }
        if !missing.isEmpty {
            throw RunFailure.input(
                ScenarioError(
                    missing.map {
                        Diagnostic(
                            .missingFile, SourceLocation(file: path + "/" + $0),
                            "missing: the run folder has a manifest with a plan (\(manifest.status)) but not this table"
                        )
                    }))
        }
        // The tables a diff reads are the run's own: one edited since (a cell of posts written `abc`, a row deleted)
        // would be read as a plausible change, so each is checked against the SHA-256 the manifest records (a review
        // found the diff reading an unparseable cell as 0 posts, exit 0).
        for name in needed {
            if let change = manifest.outputChange(name, in: path) {
                throw failure(
                    .data, path + "/" + name,
                    "changed since the run: its SHA-256 is \(change.found.prefix(12))…, manifest.json records \(change.recorded.prefix(12))…; restore the run's own file, or run the scenario again"
                )
            }
        }
        let summaryTable = try csv(path + "/summary.csv")
        let territories = try table(
            path + "/allocation_by_territory.csv",
            columns: ["territory_code", "territory_name", "region_code", "posts"])
        let structures = try table(
            path + "/allocation_by_structure.csv",
            columns: ["structure_id", "structure_name", "territory_code", "posts"])
        // Whole posts, each territory once: a run whose manifest lists no hashes (written by hand, or an older run) is
        // still read strictly, never a cell taken as 0.
        func posts(_ row: [String: String], _ file: String) throws(RunFailure) -> Int {
            guard let posts = Int(row["posts"]!), posts >= 0 else {
                throw failure(
                    .data, file, line: Int(row[lineKey] ?? ""),
                    "posts: expected a whole number of posts, found '\(row["posts"]!)'")
            }
            return posts
        }
        var territoryPosts: [String: Place] = [:]
        let territoriesFile = path + "/allocation_by_territory.csv"
        for row in territories {
            let code = row["territory_code"]!
            guard territoryPosts[code] == nil else {
                throw failure(
                    .data, territoriesFile, line: Int(row[lineKey] ?? ""), "territory '\(code)' appears twice")
            }
            territoryPosts[code] = Place(
                name: row["territory_name"]!, parent: row["region_code"]!, posts: try posts(row, territoriesFile))
        }
        var structurePosts: [String: Place] = [:]
        let structuresFile = path + "/allocation_by_structure.csv"
        for row in structures {
            let id = row["structure_id"]!
            let total = (structurePosts[id]?.posts ?? 0) + (try posts(row, structuresFile))
            structurePosts[id] = Place(name: row["structure_name"]!, parent: row["territory_code"]!, posts: total)
        }
        let header = summaryTable.header.map(\.text)
        let values = summaryTable.records.first?.map(\.text) ?? []
        return Run(
            folder: path, manifest: manifest, summary: Array(zip(header, values)), territories: territoryPosts,
            structures: structurePosts)
    }

    /// Rows of a CSV as dictionaries; 65 if it cannot be read or lacks one of `columns`.
    static func table(_ path: String, columns: [String]) throws(RunFailure) -> [[String: String]] {
        let table = try csv(path)
        let header = table.header.map(\.text)
        let absent = columns.filter { !header.contains($0) }
        if !absent.isEmpty {
            throw failure(
                .data, path, "not a repartir table: the columns \(absent.joined(separator: ", ")) are missing")
        }
        return table.records.map { record in
            var row = Dictionary(zip(header, record.map(\.text)), uniquingKeysWith: { first, _ in first })
            row[lineKey] = String(record.first?.line ?? 0)
            return row
        }
    }

    /// The key under which `table` keeps each row's line in its file (no CSV column starts with a space).
    static let lineKey = " line"

    static func csv(_ path: String) throws(RunFailure) -> CSVTable {
        do {
            return try CSVTable(path: path).withoutFormulaGuards()
        } catch {
            throw .input(error)
        }
    }

    static func failure(
        _ category: DiagnosticCategory, _ file: String, line: Int? = nil, _ message: String
    ) -> RunFailure {
        .input(ScenarioError([Diagnostic(category, SourceLocation(file: file, line: line), message)]))
    }

    /// `--runs-root ROOT --last N`: the (N-th last, last) run folders with a plan, from runs.csv
    /// (rows with exit 0 or 10 whose folder still exists); 66 if there are fewer than two.
    public static func lastRuns(root: String, count: Int) throws(RunFailure) -> (String, String) {
        let path = URL(fileURLWithPath: root).standardizedFileURL.path
        let log = path + "/" + RunsLog.fileName
        guard FileManager.default.fileExists(atPath: log) else {
            throw failure(
                .missingFile, log,
                "missing: \(path) is not a runs root with a history (repartir run --runs-root writes it)")
        }
        let rows = try table(log, columns: ["exit_code", "run_folder"])
        let folders = rows.filter { ["0", "10"].contains($0["exit_code"] ?? "") }.compactMap { $0["run_folder"] }
            .filter { !$0.isEmpty && FileManager.default.fileExists(atPath: $0 + "/manifest.json") }
        guard folders.count >= 2 else {
            throw failure(
                .missingFile, log, "only \(folders.count) run(s) with a plan are still in \(path); a diff needs two")
        }
        let last = folders.suffix(count)
        return (last.first!, last.last!)
    }
}
