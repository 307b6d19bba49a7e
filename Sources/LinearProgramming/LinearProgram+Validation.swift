/// The first line of defence before a model reaches GLPK (see ARCHITECTURE.md, "GLPK, safely").
extension LinearProgram {
    /// Largest magnitude accepted for a coefficient or a finite bound.
    public static let maximumMagnitude = 1e12
    /// Smallest magnitude accepted for a nonzero coefficient (matrix or objective).
    public static let minimumNonzeroMagnitude = 1e-12
    /// Longest name GLPK accepts, in bytes.
    public static let maximumNameLength = 255

    /// True when `name` is one GLPK and its LP/MPS writers accept unchanged: 1 to 255 ASCII
    /// letters, digits or `_ [ ] , .` (no spaces, tabs, CR, quotes).
    ///
    /// Note: GLPK's CPLEX LP writer prints `[`/`]` as `(`/`)`, and replaces a name starting with a
    /// digit or `.` by a generic `r_N`/`x_N`; free MPS keeps every accepted name as is.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= maximumNameLength else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "["),
                UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: "."):
                true
            default: false
            }
        }
    }

    /// Throws the first problem found, in a fixed order (program, objective, variables in order,
    /// constraints in order), so the same model always gives the same message:
    /// - every number is finite (bounds may be ±infinity in their own direction, never NaN) and at
    ///   most `maximumMagnitude`; nonzero coefficients are at least `minimumNonzeroMagnitude`;
    /// - lower ≤ upper; integer variables have integral finite bounds;
    /// - each (row, variable) entry appears once and names an existing variable;
    /// - names are valid (`isValidName`) and unique among variables, and among constraints plus
    ///   the objective;
    /// - counts fit GLPK's `int`.
    public func validate() throws(LinearProgramError) {
        try validateProgram()
        for definition in variables { try Self.validate(definition) }
        var names = Set<String>(minimumCapacity: variables.count)
        for v in variables where !names.insert(v.name).inserted {
            throw LinearProgramError(.duplicateName, at: .variable(v.name), "two variables have this name")
        }
        try validateConstraints()
    }

    private func validateProgram() throws(LinearProgramError) {
        // GLPK allows an empty problem name; exports then have an anonymous problem.
        if !name.isEmpty, !Self.isValidName(name) {
            throw LinearProgramError(.invalidName, at: .program, "invalid problem name \(Self.quoted(name))")
        }
        if !Self.isValidName(objectiveName) {
            throw LinearProgramError(.invalidName, at: .objective, "invalid name \(Self.quoted(objectiveName))")
        }
        if constraintIndex(named: objectiveName) != nil {
            throw LinearProgramError(
                .duplicateName, at: .objective, "a constraint is also named '\(objectiveName)'")
        }
        if !objectiveConstant.isFinite || abs(objectiveConstant) > Self.maximumMagnitude {
            throw LinearProgramError(
                objectiveConstant.isFinite ? .tooLarge : .notFinite, at: .objective,
                "constant \(objectiveConstant) is not a finite number of magnitude ≤ 1e12")
        }
        if let index = danglingObjectiveReferences.first {
            throw LinearProgramError(
                .unknownVariable, at: .objective,
                "coefficient set for variable #\(index), but the program has \(variables.count) variables")
        }
        let limit = Int(Int32.max) - 1
        if variables.count > limit || constraints.count > limit || nonzeroCount > limit {
            throw LinearProgramError(
                .tooManyEntries, at: .program,
                "\(constraints.count) rows, \(variables.count) columns, \(nonzeroCount) nonzeros exceed GLPK's limit \(limit)"
            )
        }
    }

    private static func validate(_ v: VariableDefinition) throws(LinearProgramError) {
        let location = LinearProgramError.Location.variable(v.name)
        if !isValidName(v.name) {
            throw LinearProgramError(
                .invalidName, at: location, "invalid name (allowed: 1–255 of A–Z a–z 0–9 _ [ ] , .)")
        }
        try checkBounds(lower: v.lower, upper: v.upper, at: location)
        if v.kind == .integer {
            for (label, bound) in [("lower", v.lower), ("upper", v.upper)]
            where bound.isFinite && bound != bound.rounded() {
                throw LinearProgramError(
                    .fractionalIntegerBound, at: location, "integer variable has fractional \(label) bound \(bound)")
            }
        }
        try checkCoefficient(v.objective, at: location, what: "objective coefficient")
    }

    private func validateConstraints() throws(LinearProgramError) {
        var seen = Set<Int>()
        for row in constraints {
            let location = LinearProgramError.Location.constraint(row.name)
            if !Self.isValidName(row.name) {
                throw LinearProgramError(
                    .invalidName, at: location, "invalid name (allowed: 1–255 of A–Z a–z 0–9 _ [ ] , .)")
            }
            try Self.checkBounds(lower: row.lower, upper: row.upper, at: location)
            seen.removeAll(keepingCapacity: true)
            for term in row.terms {
                guard variables.indices.contains(term.variable) else {
                    throw LinearProgramError(
                        .unknownVariable, at: location,
                        "refers to variable #\(term.variable), but the program has \(variables.count) variables")
                }
                let entry = LinearProgramError.Location.entry(
                    constraint: row.name, variable: variables[term.variable].name)
                guard seen.insert(term.variable).inserted else {
                    throw LinearProgramError(.duplicateEntry, at: entry, "the variable appears twice in the row")
                }
                try Self.checkCoefficient(term.coefficient, at: entry, what: "coefficient")
            }
        }
        var names = Set<String>(minimumCapacity: constraints.count)
        for row in constraints where !names.insert(row.name).inserted {
            throw LinearProgramError(.duplicateName, at: .constraint(row.name), "two constraints have this name")
        }
    }

    private static func checkBounds(
        lower: Double, upper: Double, at location: LinearProgramError.Location
    ) throws(LinearProgramError) {
        if lower.isNaN || upper.isNaN || lower == .infinity || upper == -.infinity {
            throw LinearProgramError(
                .notFinite, at: location, "bounds [\(lower), \(upper)] must be numbers (lower may be -inf, upper +inf)")
        }
        for bound in [lower, upper] where bound.isFinite && abs(bound) > maximumMagnitude {
            throw LinearProgramError(.tooLarge, at: location, "bound \(bound) exceeds 1e12 in magnitude")
        }
        if lower > upper {
            throw LinearProgramError(
                .lowerAboveUpper, at: location, "lower bound \(lower) is above upper bound \(upper)")
        }
    }

    private static func checkCoefficient(
        _ value: Double, at location: LinearProgramError.Location, what: String
    ) throws(LinearProgramError) {
        if !value.isFinite {
            throw LinearProgramError(.notFinite, at: location, "\(what) \(value) is not finite")
        }
        if abs(value) > maximumMagnitude {
            throw LinearProgramError(.tooLarge, at: location, "\(what) \(value) exceeds 1e12 in magnitude")
        }
        if value != 0, abs(value) < minimumNonzeroMagnitude {
            throw LinearProgramError(.tooSmall, at: location, "\(what) \(value) is below 1e-12 in magnitude")
        }
    }

    private static func quoted(_ name: String) -> String {
        "'" + LinearProgramError.escaped(name) + "'"
    }
}
