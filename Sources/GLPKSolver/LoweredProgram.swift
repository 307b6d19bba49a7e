import LinearProgramming

/// A `LinearProgram` flattened into the arrays GLPK loads: names in one NUL-separated blob, bounds
/// per row and column, and the matrix as GLPK's 1-based (row, column, value) triplets. The arrays are
/// `OwnedBuffer`s, so their addresses go to C as they are, for as long as the program lives.
///
/// Internal, and deliberately mutable, so tests can feed the C layer a model Swift validation would
/// reject and check that the guard turns GLPK's fatal error into a thrown error.
struct LoweredProgram {
    var nameBlob = OwnedBuffer<CChar>()
    var problemName: Int32 = 0
    var objectiveName: Int32 = 0
    var maximize: Bool
    var objectiveConstant: Double
    var rowNames = OwnedBuffer<Int32>()
    var rowLower = OwnedBuffer<Double>()
    var rowUpper = OwnedBuffer<Double>()
    var columnNames = OwnedBuffer<Int32>()
    var columnLower = OwnedBuffer<Double>()
    var columnUpper = OwnedBuffer<Double>()
    var columnObjective = OwnedBuffer<Double>()
    var columnInteger = OwnedBuffer<UInt8>()
    /// 1-based triplets; index 0 is an unused placeholder, as GLPK expects.
    var ia = OwnedBuffer<Int32>([0])
    var ja = OwnedBuffer<Int32>([0])
    var ar = OwnedBuffer<Double>([0])
    /// A checked MIP start, 1-based like the triplets (index 0 unused); nil for none.
    var start: OwnedBuffer<Double>?

    var nonzeros: Int { ia.count - 1 }

    /// Flattens a program that has passed `validate()` (counts fit in Int32, names are ASCII).
    init(_ program: LinearProgram) {
        maximize = program.sense == .maximize
        objectiveConstant = program.objectiveConstant
        nameBlob.reserveCapacity(16 * (program.variables.count + program.constraints.count + 2))
        problemName = appendName(program.name)
        objectiveName = appendName(program.objectiveName)
        rowNames.reserveCapacity(program.constraints.count)
        ia.reserveCapacity(program.nonzeroCount + 1)
        ja.reserveCapacity(program.nonzeroCount + 1)
        ar.reserveCapacity(program.nonzeroCount + 1)
        for (row, constraint) in program.constraints.enumerated() {
            rowNames.append(appendName(constraint.name))
            rowLower.append(constraint.lower)
            rowUpper.append(constraint.upper)
            for term in constraint.terms {
                ia.append(Int32(row + 1))
                ja.append(Int32(term.variable + 1))
                ar.append(term.coefficient)
            }
        }
        for variable in program.variables {
            columnNames.append(appendName(variable.name))
            columnLower.append(variable.lower)
            columnUpper.append(variable.upper)
            columnObjective.append(variable.objective)
            columnInteger.append(variable.kind == .integer ? 1 : 0)
        }
    }

    private mutating func appendName(_ name: String) -> Int32 {
        let offset = Int32(nameBlob.count)
        nameBlob.append(contentsOf: name.utf8.map { CChar(bitPattern: $0) })
        nameBlob.append(0)
        return offset
    }
}
