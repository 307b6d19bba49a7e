import Foundation

/// A previous run's commune plan, read from its `sites.csv` for `repartir run --warm-start`: the posts of each site
/// pool and funding option, and the bound's price per person served at each site commune. A variant of that run
/// starts from them (`CommuneWarmStart`) instead of solving the LP relaxation again.
public struct PreviousCommunePlan: Sendable {
    public static let file = "sites.csv"

    /// One row of `sites.csv`.
    public struct Site: Sendable, Hashable {
        public let siteCommune: String
        public let territory: String
        public let kind: String
        public let candidate: Bool
        /// Nil on a pool's row without posts.
        public let option: String?
        public let posts: Int
        /// Value of coverage one more person served from this site would add (the relaxation's dual, or the
        /// Lagrangian's price); nil in a run written before the column existed.
        public let valuePerPerson: Double?
    }

    public let folder: String
    public let sites: [Site]
    /// The bytes read, for the manifest's inputs (role `warm_start`).
    public let file: Scenario.InputFile

    /// The previous run's basis of the Lagrangian's posts part (`warm_start_basis.csv`): the variant's first posts-part
    /// LP starts from it. Optional: a run that left none (an older one, or one whose basis was not found in time) is
    /// started without.
    public static let basisFile = "warm_start_basis.csv"

    /// A simplex status, as `warm_start_basis.csv` writes it.
    public enum BasisStatus: String, Sendable, CaseIterable {
        case basic, lower, upper, free, fixed
    }

    public struct BasisEntry: Sendable, Hashable {
        public let name: String
        public let status: BasisStatus
    }

    /// Rows and columns of the posts part by name; nil without a basis file.
    public let basis: (rows: [BasisEntry], columns: [BasisEntry])?
    /// The basis file's bytes, for the manifest's inputs (role `warm_start_basis`: an input of its own role, since
    /// recording an input replaces the one of the same role, and `sites.csv` is `warm_start`).
    public let basisInput: Scenario.InputFile?

    /// Largest price read: far above any value of coverage one person adds (the national scenario's are about 1–2),
    /// and small enough that a price times a post's people stays a coefficient GLPK takes (≤ 10¹²).
    public static let maxValuePerPerson = 1e6

    /// A missing folder or file is a missing input (exit 66), a garbled table a data error at its file:line:column
    /// (exit 65).
    public static func read(_ folder: String) throws(ScenarioError) -> PreviousCommunePlan {
        let path = (folder as NSString).appendingPathComponent(file)
        try PreviousRun.requireFolder(
            folder,
            "--warm-start: no run folder here (give the folder of a previous run of a scenario with a demand table, which holds \(file))"
        )
        let bytes = try InputFileReader.bytes(of: path, shownAs: path, what: "the previous run's commune plan")
        let table = try CSVTable(data: bytes, path: path).withoutFormulaGuards()
        var reader = TableReader(
            table: table,
            columns: [
                .init(name: "site_commune", required: true), .init(name: "territory_code", required: true),
                .init(name: "kind", required: true), .init(name: "candidate", required: true),
                .init(name: "funding_option", required: true), .init(name: "posts", required: true),
                .init(name: "value_per_person", required: false),
            ])
        var sites: [Site] = []
        // One row per site pool and funding option, as a run writes it: a repeated one would add its posts twice.
        var firstLine: [String: Int] = [:]
        for record in table.records where record.count == table.header.count {
            guard let commune = reader.text(record, "site_commune"),
                let territory = reader.text(record, "territory_code"), let kind = reader.text(record, "kind"),
                let candidate = reader.boolean(record, "candidate"),
                let posts = reader.integer(record, "posts", in: 0...1_000_000)
            else { continue }
            let option = reader.text(record, "funding_option", optional: true)
            let key = [commune, territory, kind, candidate ? "true" : "false", option ?? ""].joined(separator: "\u{1F}")
            if let first = firstLine[key], let field = reader.field(record, "site_commune") {
                reader.fail(
                    field, "site_commune",
                    "duplicated site pool and funding option (site commune '\(Shown.value(commune))', territory '\(Shown.value(territory))', kind '\(Shown.value(kind))', candidate \(candidate), option '\(Shown.value(option ?? ""))'): also on line \(first)"
                )
                continue
            }
            if let field = reader.field(record, "site_commune") { firstLine[key] = field.line }
            let price =
                reader.field(record, "value_per_person") == nil
                ? nil : reader.number(record, "value_per_person", in: 0...maxValuePerPerson, optional: true)
            sites.append(
                Site(
                    siteCommune: commune, territory: territory, kind: kind, candidate: candidate, option: option,
                    posts: posts, valuePerPerson: price))
        }
        try reader.errors.throwIfAny()
        let basisPath = (folder as NSString).appendingPathComponent(basisFile)
        var basis: (rows: [BasisEntry], columns: [BasisEntry])?
        var basisInput: Scenario.InputFile?
        // Anything named so, a dangling link included, is read (and refused when it cannot be, exit 66), as a folder
        // of that name is: only its absence means "no basis".
        if FileManager.default.fileExists(atPath: basisPath)
            || (try? FileManager.default.attributesOfItem(atPath: basisPath)) != nil
        {
            let basisBytes = try InputFileReader.bytes(
                of: basisPath, shownAs: basisPath, what: "the previous run's posts-part basis")
            basis = try readBasis(basisBytes, path: basisPath)
            basisInput = Scenario.InputFile(role: "warm_start_basis", path: basisPath, bytes: basisBytes)
        }
        return PreviousCommunePlan(
            folder: folder, sites: sites, file: Scenario.InputFile(role: "warm_start", path: path, bytes: bytes),
            basis: basis, basisInput: basisInput)
    }

    /// `entry` (row or column), `name`, `status`; a garbled table is a data error at its file:line:column (exit 65).
    static func readBasis(
        _ bytes: Data, path: String
    ) throws(ScenarioError) -> (
        rows: [BasisEntry], columns: [BasisEntry]
    ) {
        let table = try CSVTable(data: bytes, path: path).withoutFormulaGuards()
        var reader = TableReader(
            table: table,
            columns: [
                .init(name: "entry", required: true), .init(name: "name", required: true),
                .init(name: "status", required: true),
            ])
        var rows: [BasisEntry] = []
        var columns: [BasisEntry] = []
        let statuses = BasisStatus.allCases.map(\.rawValue).joined(separator: ", ")
        for record in table.records where record.count == table.header.count {
            guard let entry = reader.text(record, "entry"), let name = reader.text(record, "name"),
                let text = reader.text(record, "status")
            else { continue }
            guard let status = BasisStatus(rawValue: text) else {
                if let field = reader.field(record, "status") {
                    reader.fail(field, "status", "'\(text)' is not a simplex status (\(statuses))")
                }
                continue
            }
            switch entry {
            case "row": rows.append(BasisEntry(name: name, status: status))
            case "column": columns.append(BasisEntry(name: name, status: status))
            default:
                if let field = reader.field(record, "entry") {
                    reader.fail(field, "entry", "'\(entry)' is neither row nor column")
                }
            }
        }
        try reader.errors.throwIfAny()
        return (rows, columns)
    }
}
