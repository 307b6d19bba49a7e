/// Copies of a program with one thing changed, for the studies that solve variants of one model (the staged
/// solve's objectives, the infeasibility explainer's feasibility questions and elastic re-solve). Each keeps the
/// columns and rows it does not change in their order, with their names, so values still index like the original's.
extension LinearProgram {
    /// The same columns and rows with `terms` as the whole objective: every other column's coefficient is 0, terms
    /// naming one column twice are summed, and the constant is `constant`. `sense` defaults to the program's own.
    public func replacingObjective(
        _ terms: [(Variable, Double)], sense: OptimizationSense? = nil,
        constant: Double = 0
    ) -> LinearProgram {
        var coefficients = [Double?](repeating: nil, count: variables.count)
        var dangling: [(Variable, Double)] = []
        for (variable, coefficient) in terms {
            guard coefficients.indices.contains(variable.index) else {
                dangling.append((variable, coefficient))
                continue
            }
            coefficients[variable.index] = coefficients[variable.index].map { $0 + coefficient } ?? coefficient
        }
        var copy = emptyCopy(sense: sense ?? self.sense)
        copy.objectiveConstant = constant
        for (index, variable) in variables.enumerated() {
            copy.addVariable(
                variable.name, lower: variable.lower, upper: variable.upper, kind: variable.kind,
                objective: coefficients[index] ?? 0)
        }
        // A column that does not exist is kept as a dangling reference, so `validate()` names it.
        for (variable, coefficient) in dangling { copy.setObjective(variable, coefficient) }
        copy.copyRows(of: self) { index, row in
            (row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, row.lower, row.upper)
        }
        return copy
    }

    /// The same program without the rows at `rows` (the others keep their order; their indices shift down).
    public func droppingRows(_ rows: Set<Int>) -> LinearProgram {
        var copy = copyWithColumns()
        copy.copyRows(of: self) { index, row in
            rows.contains(index)
                ? nil : (row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, row.lower, row.upper)
        }
        return copy
    }

    /// The same program with the finite bounds of the rows in `amounts` moved outward by the amount: a lower bound
    /// down, an upper bound up (an infinite bound stays infinite).
    public func wideningRows(_ amounts: [Int: Double]) -> LinearProgram {
        var copy = copyWithColumns()
        copy.copyRows(of: self) { index, row in
            let extra = amounts[index] ?? 0
            let lower = row.lower.isFinite ? row.lower - extra : row.lower
            let upper = row.upper.isFinite ? row.upper + extra : row.upper
            return (row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, lower, upper)
        }
        return copy
    }

    /// The same program with the columns in `values` fixed there (both bounds at the value): a neighbourhood of a plan
    /// in which only the other columns move.
    public func fixingColumns(_ values: [Int: Double]) -> LinearProgram {
        var copy = emptyCopy(sense: sense)
        copy.objectiveConstant = objectiveConstant
        for (index, variable) in variables.enumerated() {
            let value = values[index]
            copy.addVariable(
                variable.name, lower: value ?? variable.lower, upper: value ?? variable.upper, kind: variable.kind,
                objective: variable.objective)
        }
        copy.copyRows(of: self) { index, row in
            (row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, row.lower, row.upper)
        }
        return copy
    }

    /// Which bounds of a row a penalty relaxation may move.
    public struct RelaxedBounds: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// The row's activity may fall below its lower bound (a `plus` column, coefficient +1).
        public static let lower = RelaxedBounds(rawValue: 1)
        /// The row's activity may rise above its upper bound (a `minus` column, coefficient −1).
        public static let upper = RelaxedBounds(rawValue: 2)
        public static let both: RelaxedBounds = [.lower, .upper]
    }

    /// The penalty relaxation of `rows`, after MathOptInterface's `PenaltyRelaxation`: each row `l ≤ a·x ≤ u` becomes
    /// `l ≤ a·x + plus − minus ≤ u` with `plus, minus ≥ 0`, each unit of slack costing `penalty(row)` in the objective
    /// (added when minimising, subtracted when maximising), so the optimum moves the rules as little as it can.
    /// Only finite bounds among `bounds(row)` get a column (an infinite bound needs none). The slack columns come
    /// after the program's own, row by row (plus before minus), named `slack[row]`, or `slack_plus[row]` and
    /// `slack_minus[row]` when a row has both; each is the last term of its row.
    /// Returns the program and, by row index, its slack columns.
    public func relaxingRows(
        _ rows: [Int], bounds: (Int) -> RelaxedBounds = { _ in .both }, penalty: (Int) -> Double
    )
        -> (program: LinearProgram, slacks: [Int: (minus: Variable?, plus: Variable?)])
    {
        var copy = copyWithColumns()
        let sign = sense == .minimize ? 1.0 : -1.0
        var slacks: [Int: (minus: Variable?, plus: Variable?)] = [:]
        for index in rows where constraints.indices.contains(index) {
            let row = constraints[index]
            let allowed = bounds(index)
            let plus = allowed.contains(.lower) && row.lower.isFinite
            let minus = allowed.contains(.upper) && row.upper.isFinite
            guard plus || minus else { continue }
            let cost = sign * penalty(index)
            var pair: (minus: Variable?, plus: Variable?) = (nil, nil)
            if plus {
                pair.plus = copy.addVariable(
                    minus ? "slack_plus[\(row.name)]" : "slack[\(row.name)]", lower: 0, objective: cost)
            }
            if minus {
                pair.minus = copy.addVariable(
                    plus ? "slack_minus[\(row.name)]" : "slack[\(row.name)]", lower: 0, objective: cost)
            }
            slacks[index] = pair
        }
        copy.copyRows(of: self) { index, row in
            var terms = row.terms.map { (Variable(index: $0.variable), $0.coefficient) }
            if let plus = slacks[index]?.plus { terms.append((plus, 1)) }
            if let minus = slacks[index]?.minus { terms.append((minus, -1)) }
            return (terms, row.lower, row.upper)
        }
        return (copy, slacks)
    }

    /// A program with this one's name, objective name and the given sense, and nothing else.
    private func emptyCopy(sense: OptimizationSense) -> LinearProgram {
        var copy = LinearProgram(name: name, sense: sense)
        copy.objectiveName = objectiveName
        return copy
    }

    /// The same columns and rows, each column of the kind `kind` gives it (its index and definition): the LP
    /// relaxation of a program, or the integer model of a relaxation built with continuous columns.
    public func changingKinds(_ kind: (Int, VariableDefinition) -> VariableKind) -> LinearProgram {
        var copy = copyWithColumns(kind: kind)
        copy.copyRows(of: self) { _, row in
            (row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, row.lower, row.upper)
        }
        return copy
    }

    /// This program's columns (with their objective, of the kind `kind` gives, their own by default) and objective
    /// constant, without rows.
    private func copyWithColumns(kind: (Int, VariableDefinition) -> VariableKind = { $1.kind }) -> LinearProgram {
        var copy = emptyCopy(sense: sense)
        copy.objectiveConstant = objectiveConstant
        for (index, variable) in variables.enumerated() {
            copy.addVariable(
                variable.name, lower: variable.lower, upper: variable.upper, kind: kind(index, variable),
                objective: variable.objective)
        }
        return copy
    }

    /// Appends `program`'s rows in order, each as `change` makes it (nil leaves it out).
    private mutating func copyRows(
        of program: LinearProgram,
        _ change: (Int, ConstraintDefinition) -> (terms: [(Variable, Double)], lower: Double, upper: Double)?
    ) {
        for (index, row) in program.constraints.enumerated() {
            guard let changed = change(index, row) else { continue }
            addConstraint(row.name, changed.terms, lower: changed.lower, upper: changed.upper)
        }
    }
}
