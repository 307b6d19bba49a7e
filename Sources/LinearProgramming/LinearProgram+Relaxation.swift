extension LinearProgram {
    /// The same program with every variable continuous: its LP relaxation, whose optimum bounds every
    /// integer plan's objective (and whose row duals price the shared resources). Names, bounds,
    /// rows and objective are unchanged, so its values index like the program's.
    public func relaxation() -> LinearProgram {
        changingKinds { _, _ in .continuous }
    }

    /// The same program with the columns at `columns` integer (the others as they are): the integer model of a
    /// relaxation built with continuous columns, for branch-and-bound on a model first solved as an LP.
    public func makingInteger(_ columns: [Int]) -> LinearProgram {
        let integer = Set(columns)
        return changingKinds { index, variable in integer.contains(index) ? .integer : variable.kind }
    }
}
