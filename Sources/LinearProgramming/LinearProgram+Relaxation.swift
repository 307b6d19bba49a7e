extension LinearProgram {
    /// The same program with every variable continuous: its LP relaxation, whose optimum bounds every
    /// integer plan's objective (and whose row duals price the shared resources). Names, bounds,
    /// rows and objective are unchanged, so its values index like the program's.
    public func relaxation() -> LinearProgram {
        var copy = LinearProgram(name: name, sense: sense)
        copy.objectiveName = objectiveName
        copy.objectiveConstant = objectiveConstant
        for variable in variables {
            copy.addVariable(
                variable.name, lower: variable.lower, upper: variable.upper, kind: .continuous,
                objective: variable.objective)
        }
        for row in constraints {
            copy.addConstraint(
                row.name, row.terms.map { (Variable(index: $0.variable), $0.coefficient) },
                lower: row.lower, upper: row.upper)
        }
        return copy
    }
}

extension LinearProgram {
    /// The same program with the columns at `columns` integer (the others as they are): the integer model of a
    /// relaxation built with continuous columns, for branch-and-bound on a model first solved as an LP.
    public func makingInteger(_ columns: [Int]) -> LinearProgram {
        let integer = Set(columns)
        var copy = LinearProgram(name: name, sense: sense)
        copy.objectiveName = objectiveName
        copy.objectiveConstant = objectiveConstant
        for (index, variable) in variables.enumerated() {
            copy.addVariable(
                variable.name, lower: variable.lower, upper: variable.upper,
                kind: integer.contains(index) ? .integer : variable.kind, objective: variable.objective)
        }
        for row in constraints {
            copy.addConstraint(
                row.name, row.terms.map { (Variable(index: $0.variable), $0.coefficient) },
                lower: row.lower, upper: row.upper)
        }
        return copy
    }
}
