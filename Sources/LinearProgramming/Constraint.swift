/// One nonzero of a row: `coefficient × variables[variable]`.
public struct LinearTerm: Sendable, Hashable {
    /// Index into `LinearProgram.variables`.
    public let variable: Int
    public let coefficient: Double

    public init(variable: Int, coefficient: Double) {
        self.variable = variable
        self.coefficient = coefficient
    }
}

/// A named row `lower ≤ Σ terms ≤ upper` (either bound may be infinite; equal bounds make an
/// equality). Each variable appears at most once in `terms` (see `LinearProgram.addConstraint`).
public struct ConstraintDefinition: Sendable, Equatable {
    public let name: String
    public let terms: [LinearTerm]
    public let lower: Double
    public let upper: Double

    public init(name: String, terms: [LinearTerm], lower: Double, upper: Double) {
        self.name = name
        self.terms = terms
        self.lower = lower
        self.upper = upper
    }
}
