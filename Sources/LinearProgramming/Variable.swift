/// A handle to a column of one `LinearProgram`: its position in `LinearProgram.variables`.
///
/// Handles are plain indices so that models stay value types and can cross threads; a handle used
/// with another program than the one that made it is caught by `LinearProgram.validate()`.
public struct Variable: Hashable, Sendable {
    public let index: Int

    public init(index: Int) {
        self.index = index
    }
}

/// Whether a column may take any value between its bounds or only whole numbers.
public enum VariableKind: Sendable, Equatable {
    case continuous
    case integer
}

/// Direction of the objective.
public enum OptimizationSense: Sendable, Equatable {
    case minimize
    case maximize
}

/// One column as the solver will see it: name, bounds (±infinity for none), kind and objective
/// coefficient.
public struct VariableDefinition: Sendable, Equatable {
    public let name: String
    public let lower: Double
    public let upper: Double
    public let kind: VariableKind
    public var objective: Double

    public init(name: String, lower: Double, upper: Double, kind: VariableKind, objective: Double) {
        self.name = name
        self.lower = lower
        self.upper = upper
        self.kind = kind
        self.objective = objective
    }
}
