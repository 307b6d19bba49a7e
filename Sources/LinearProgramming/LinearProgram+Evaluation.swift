/// Recomputing a solution from the model, independently of the solver that produced it: GLPK's
/// answers are never trusted as such (see ARCHITECTURE.md, "GLPK, safely").
extension LinearProgram {
    /// Objective value of `values` (one per variable), constant included.
    public func objectiveValue(of values: [Double]) -> Double {
        precondition(values.count == variables.count, "one value per variable")
        var total = objectiveConstant
        for (definition, value) in zip(variables, values) where definition.objective != 0 {
            total += definition.objective * value
        }
        return total
    }

    /// Activity `Σ coefficient × value` of constraint `row`.
    public func activity(ofConstraint row: Int, values: [Double]) -> Double {
        precondition(values.count == variables.count, "one value per variable")
        var total = 0.0
        for term in constraints[row].terms { total += term.coefficient * values[term.variable] }
        return total
    }

    /// The largest violation of any bound, row, or integrality by `values`, with the name of the
    /// variable or constraint concerned; nil when every violation is within `tolerance`.
    public func largestViolation(
        of values: [Double], tolerance: Double = 1e-6
    )
        -> (name: String, amount: Double)?
    {
        precondition(values.count == variables.count, "one value per variable")
        var worst: (name: String, amount: Double)?
        func consider(_ name: String, _ amount: Double) {
            if amount.isNaN {
                if !(worst?.amount.isNaN ?? false) { worst = (name, amount) }
            } else if amount > tolerance, !(worst?.amount.isNaN ?? false), amount > (worst?.amount ?? 0) {
                worst = (name, amount)
            }
        }
        for (definition, value) in zip(variables, values) {
            consider(definition.name, max(definition.lower - value, value - definition.upper, 0))
            if definition.kind == .integer { consider(definition.name, abs(value - value.rounded())) }
            if value.isNaN { consider(definition.name, .nan) }
        }
        for row in constraints.indices {
            let activity = activity(ofConstraint: row, values: values)
            let definition = constraints[row]
            consider(definition.name, max(definition.lower - activity, activity - definition.upper, 0))
            if activity.isNaN { consider(definition.name, .nan) }
        }
        return worst
    }
}
