/// A solver that can give the smallest and largest value of many columns over a program's LP relaxation faster than
/// one solve per bound (GLPK warm-starts each simplex from the previous basis).
public protocol ColumnRanging: Sendable {
    /// Per column, its smallest and largest value over the relaxation of `program` (its objective is ignored); nil on
    /// a side that did not solve to optimality.
    func columnRanges(
        _ program: LinearProgram, columns: [Variable], options: SolverOptions
    ) throws -> [(low: Double?, high: Double?)]
}

public enum ColumnRanges {
    /// Through the solver's own `ColumnRanging` when it has one, otherwise two LPs per column.
    public static func compute(
        _ program: LinearProgram, columns: [Variable], solver: any LinearSolver,
        options: SolverOptions
    ) throws -> [(low: Double?, high: Double?)] {
        if let ranging = solver as? any ColumnRanging {
            return try ranging.columnRanges(program, columns: columns, options: options)
        }
        return try oneByOne(program, columns: columns, solver: solver, options: options)
    }

    /// Two LPs per column, each from scratch.
    public static func oneByOne(
        _ program: LinearProgram, columns: [Variable], solver: any LinearSolver,
        options: SolverOptions
    ) throws -> [(low: Double?, high: Double?)] {
        var base = program.relaxation()
        for index in base.variables.indices { base.setObjective(Variable(index: index), 0) }
        var results: [(low: Double?, high: Double?)] = []
        for column in columns {
            var bounds: [Double?] = []
            for sign in [-1.0, 1.0] {
                var lp = base
                lp.setObjective(column, sign)
                let result = try solver.solve(lp, options: options.starting(from: nil))
                bounds.append(
                    result.status == .optimal && result.values.count > column.index ? result.values[column.index] : nil)
            }
            results.append((bounds[0], bounds[1]))
        }
        return results
    }
}
