/// Where a simplex ended: which rows and columns are basic and at which bound the others sit. An LP solved again
/// with a changed objective or changed bounds starts from it and needs a few pivots instead of a solve from scratch
/// (the commune model's Lagrangian solves its posts part once per price vector).
public struct LPBasis: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case basic
        case atLower
        case atUpper
        /// A free row or column, not basic.
        case free
        /// A fixed row or column (lower = upper), not basic.
        case fixed
    }

    /// One status per constraint, in `LinearProgram.constraints` order.
    public var rows: [Status]
    /// One status per variable, in `LinearProgram.variables` order.
    public var columns: [Status]

    public init(rows: [Status], columns: [Status]) {
        self.rows = rows
        self.columns = columns
    }

    /// True when it has one status per row and column of `program` and as many basic entries as rows (what a
    /// simplex can start from).
    public func fits(_ program: LinearProgram) -> Bool {
        rows.count == program.constraints.count && columns.count == program.variables.count
            && rows.count(where: { $0 == .basic }) + columns.count(where: { $0 == .basic }) == rows.count
    }
}

extension LPBasis {
    /// Statuses by row and column name, to start a program whose rows and columns sit at other positions (a
    /// variant's: other sites, other rows) from this basis.
    public func named(
        for program: LinearProgram
    ) -> (rows: [(name: String, status: Status)], columns: [(name: String, status: Status)]) {
        (
            zip(program.constraints, rows).map { ($0.0.name, $0.1) },
            zip(program.variables, columns).map { ($0.0.name, $0.1) }
        )
    }

    /// A basis for `program` from statuses by name (another program's): a row not named is basic, a column not named
    /// sits at a bound; a non-basic status is set to the bound the entry has in `program` (lower when finite, else
    /// upper, else free; fixed when both are equal). Nil when the result cannot start a simplex (not as many basic
    /// entries as rows): the solve then starts from scratch.
    public init?(rows byName: [String: Status], columns columnsByName: [String: Status], for program: LinearProgram) {
        func nonbasic(_ status: Status?, lower: Double, upper: Double) -> Status {
            if lower == upper { return .fixed }
            if status == .atUpper, upper.isFinite { return .atUpper }
            if lower.isFinite { return .atLower }
            return upper.isFinite ? .atUpper : .free
        }
        let rows = program.constraints.map { row -> Status in
            let status = byName[row.name] ?? .basic
            return status == .basic ? .basic : nonbasic(status, lower: row.lower, upper: row.upper)
        }
        let columns = program.variables.map { column -> Status in
            let status = columnsByName[column.name]
            return status == .basic ? .basic : nonbasic(status, lower: column.lower, upper: column.upper)
        }
        self.init(rows: rows, columns: columns)
        guard fits(program) else { return nil }
    }
}
