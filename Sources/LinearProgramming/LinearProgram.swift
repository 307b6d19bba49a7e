/// A linear or mixed-integer program, independent of any solver: named columns with bounds, kinds
/// and objective coefficients, and named sparse rows with bounds.
///
/// It is a value type made of plain arrays so that a model can be built, compared, validated and
/// handed to a solver on any thread. Columns and rows are addressed by position; names are for
/// messages and exported files, so building a model hashes none of them (the 20 km commune model's
/// 367,000 column and row names took 0.3 s of a 3 s warm run when they were indexed). Nothing here is checked
/// while building: `validate()` reports the first problem with its name, before anything reaches a
/// solver.
public struct LinearProgram: Sendable {
    public var name: String
    public var sense: OptimizationSense
    /// Name of the objective row in exported files.
    public var objectiveName: String = "objective"
    /// Constant added to the objective.
    public var objectiveConstant: Double = 0

    public private(set) var variables: [VariableDefinition] = []
    public private(set) var constraints: [ConstraintDefinition] = []
    /// Number of `.integer` variables; a program with none is a pure LP.
    public private(set) var integerCount: Int = 0
    /// Number of stored matrix entries, after merging duplicates.
    public private(set) var nonzeroCount: Int = 0

    /// Variable indices passed to `setObjective` that were out of range; reported by `validate()`.
    private(set) var danglingObjectiveReferences: [Int] = []

    public init(name: String, sense: OptimizationSense) {
        self.name = name
        self.sense = sense
    }

    /// Makes room for `variables` columns and `constraints` rows in all (more may still be added): a model that knows
    /// its size (the commune model's 336,000 columns) then never regrows its arrays while it is built.
    public mutating func reserveCapacity(variables: Int, constraints: Int) {
        self.variables.reserveCapacity(variables)
        self.constraints.reserveCapacity(constraints)
    }

    /// True when at least one variable is integer.
    public var isMixedInteger: Bool { integerCount > 0 }

    /// Adds a column. Bounds may be infinite; they are checked by `validate()`.
    @discardableResult
    public mutating func addVariable(
        _ name: String, lower: Double = 0, upper: Double = .infinity,
        kind: VariableKind = .continuous, objective: Double = 0
    ) -> Variable {
        let index = variables.count
        variables.append(
            VariableDefinition(name: name, lower: lower, upper: upper, kind: kind, objective: objective))
        if kind == .integer { integerCount += 1 }
        return Variable(index: index)
    }

    /// Sets (replaces) the objective coefficient of `variable`.
    public mutating func setObjective(_ variable: Variable, _ coefficient: Double) {
        guard variables.indices.contains(variable.index) else {
            danglingObjectiveReferences.append(variable.index)
            return
        }
        variables[variable.index].objective = coefficient
    }

    /// Adds the row `lower ≤ Σ coefficient × variable ≤ upper` and returns its index.
    ///
    /// Terms naming the same variable twice are merged (their coefficients summed), keeping the
    /// order of first appearance; terms whose coefficient is then exactly zero are dropped. This is
    /// friendlier than rejecting, and GLPK aborts on a duplicate (row, column) entry.
    @discardableResult
    public mutating func addConstraint(
        _ name: String, _ terms: [(Variable, Double)],
        lower: Double = -.infinity, upper: Double = .infinity
    ) -> Int {
        let merged: [LinearTerm]
        if zip(terms, terms.dropFirst()).allSatisfy({ $0.0.0.index < $0.1.0.index }) {
            // Columns in increasing order (how the models build most rows) cannot repeat: nothing to merge.
            merged = terms.compactMap { $0.1 == 0 ? nil : LinearTerm(variable: $0.0.index, coefficient: $0.1) }
        } else {
            var order: [Int] = []
            var sums: [Int: Double] = [:]
            order.reserveCapacity(terms.count)
            for (variable, coefficient) in terms {
                if let sum = sums[variable.index] {
                    sums[variable.index] = sum + coefficient
                } else {
                    sums[variable.index] = coefficient
                    order.append(variable.index)
                }
            }
            merged = order.compactMap { index -> LinearTerm? in
                let coefficient = sums[index]!
                return coefficient == 0 ? nil : LinearTerm(variable: index, coefficient: coefficient)
            }
        }
        let index = constraints.count
        constraints.append(ConstraintDefinition(name: name, terms: merged, lower: lower, upper: upper))
        nonzeroCount += merged.count
        return index
    }

    /// The variable first added under `name`, if any: a scan of the columns, for tests and small models (keep the
    /// `Variable` that `addVariable` returns instead).
    public func variable(named name: String) -> Variable? {
        variables.firstIndex(where: { $0.name == name }).map(Variable.init(index:))
    }

    /// The index of the constraint first added under `name`, if any: a scan of the rows, for tests and small models
    /// (keep the index that `addConstraint` returns instead).
    public func constraintIndex(named name: String) -> Int? {
        constraints.firstIndex(where: { $0.name == name })
    }
}
