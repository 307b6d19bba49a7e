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
