import LinearProgramming
import Testing

/// `LinearProgram.relaxation()`: the same columns, rows and objective, every column continuous.
@Suite struct RelaxationTests {
    @Test func relaxationKeepsEverythingButIntegrality() {
        var program = LinearProgram(name: "p", sense: .maximize)
        program.objectiveConstant = 2
        let x = program.addVariable("x", lower: 0, upper: 3, kind: .integer, objective: 5)
        let y = program.addVariable("y", lower: -1, upper: .infinity, objective: -1)
        program.addConstraint("r", [(x, 2), (y, 1)], lower: 1, upper: 7)
        let relaxed = program.relaxation()
        #expect(program.isMixedInteger)
        #expect(!relaxed.isMixedInteger)
        #expect(relaxed.variables.map(\.kind) == [.continuous, .continuous])
        #expect(relaxed.variables.map(\.name) == ["x", "y"])
        #expect(relaxed.variables.map(\.upper) == [3, .infinity])
        #expect(relaxed.variables.map(\.objective) == [5, -1])
        #expect(relaxed.constraints == program.constraints)
        #expect(relaxed.sense == .maximize && relaxed.objectiveConstant == 2)
        #expect(relaxed.objectiveValue(of: [1.5, 0]) == 9.5)
    }
}
