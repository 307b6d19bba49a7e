import Foundation

/// Reach given as travel times (`reach.table`, `reach.max_minutes`; docs/scenarios.md, "reach.csv"), e.g. from a
/// router such as OSRM, instead of the great-circle radius: a site reaches a commune when the table lists the pair
/// (commune, site commune) at most `maxMinutes` apart. Indexed by commune position, like `CommuneInputs.communes`.
public struct ReachTable: Sendable, Hashable {
    /// The largest travel time in reach, minutes (`reach.max_minutes`); a pair at exactly this time is in reach.
    public let maxMinutes: Double
    /// For each commune position (as a site commune), the positions of the other communes it reaches, increasing.
    /// A site's own commune is not listed: it is always in reach, as with the radius.
    public let communesReached: [[Int]]
    /// Rows read, in reach or not (for the report and the manifest).
    public let rows: Int

    public init(maxMinutes: Double, communesReached: [[Int]], rows: Int) {
        self.maxMinutes = maxMinutes
        self.communesReached = communesReached
        self.rows = rows
    }
}

/// Reads `reach.csv` against the demand table's communes, reporting every bad cell with its file:line:column.
enum ReachTableLoader {
    static let columns: [TableReader.Column] = [
        .init(name: "commune_code", required: true), .init(name: "site_commune_code", required: true),
        .init(name: "minutes", required: true),
    ]

    /// Longest travel time accepted in a cell (a week): beyond it the value is a unit error, not a journey.
    static let maxCellMinutes = 10_080.0

    /// `index` finds a commune's position in the demand table (`count` communes).
    static func load(
        _ table: CSVTable, maxMinutes: Double, count: Int, index: (String) -> Int?
    ) -> (ReachTable, DiagnosticCollector) {
        var reader = TableReader(table: table, columns: columns)
        var reached = [[Int]](repeating: [], count: count)
        // First line of each (site, commune) pair, keyed by site × count + commune: positions, not strings.
        var firstLine: [Int: Int] = [:]
        var rows = 0
        for record in table.records where record.count == table.header.count {
            // The position of the commune a column names, or nil after saying that the demand table lacks it.
            func position(_ column: String, _ what: String) -> (code: String, position: Int)? {
                guard let code = reader.text(record, column), let field = reader.field(record, column) else {
                    return nil
                }
                guard let position = index(code) else {
                    reader.fail(
                        field, column,
                        "commune '\(Shown.value(code))' is not in the demand table: every \(what) of the reach table must be one"
                    )
                    return nil
                }
                return (code, position)
            }
            let commune = position("commune_code", "commune")
            let site = position("site_commune_code", "site commune")
            let minutes = reader.number(record, "minutes", in: 0...maxCellMinutes)
            guard let commune, let site, let minutes, let communeField = reader.field(record, "commune_code") else {
                continue
            }
            let key = site.position * count + commune.position
            if let first = firstLine[key] {
                reader.fail(
                    communeField, "commune_code",
                    "duplicated pair (commune '\(Shown.value(commune.code))', site commune '\(Shown.value(site.code))'): also on line \(first)"
                )
                continue
            }
            firstLine[key] = communeField.line
            rows += 1
            if minutes <= maxMinutes && commune.position != site.position {
                reached[site.position].append(commune.position)
            }
        }
        for site in reached.indices where reached[site].count > 1 { reached[site].sort() }
        return (ReachTable(maxMinutes: maxMinutes, communesReached: reached, rows: rows), reader.errors)
    }
}
