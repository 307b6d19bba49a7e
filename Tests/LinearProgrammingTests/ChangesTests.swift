import Testing
import LinearProgramming

/// The copy-with-changes methods: what each keeps (columns, rows, names, order) and what it changes.
@Suite("LinearProgram copies with changes")
struct ChangesTests {
    /// max 3x + 2y, rows `a: x + y ≤ 4` and `b: x ≥ 1`, `c: 1 ≤ y ≤ 2` (x integer).
    static func program() -> LinearProgram {
        var program = LinearProgram(name: "p", sense: .maximize)
        let x = program.addVariable("x", upper: 10, kind: .integer, objective: 3)
        let y = program.addVariable("y", upper: 10, objective: 2)
        program.objectiveConstant = 5
        program.addConstraint("a", [(x, 1), (y, 1)], upper: 4)
        program.addConstraint("b", [(x, 1)], lower: 1)
        program.addConstraint("c", [(y, 1)], lower: 1, upper: 2)
        return program
    }

    @Test func replacingTheObjectiveKeepsColumnsAndRowsAndSumsRepeatedTerms() throws {
        let original = Self.program()
        let x = Variable(index: 0), y = Variable(index: 1)
        let replaced = original.replacingObjective([(y, 1), (y, 0.5)], sense: .minimize)
        #expect(replaced.sense == .minimize)
        #expect(replaced.variables.map(\.objective) == [0, 1.5])
        #expect(replaced.objectiveConstant == 0)
        #expect(
            replaced.variables.map(\.name) == ["x", "y"] && replaced.variables.map(\.kind) == [.integer, .continuous])
        #expect(replaced.variables.map(\.upper) == [10, 10])
        #expect(replaced.constraints == original.constraints)
        // The values of a point index the same columns: 0·x + 1.5·y at (1, 2) is 3.
        #expect(replaced.objectiveValue(of: [1, 2]) == 3)
        // Without a sense, the program's own; an empty objective is a feasibility question.
        #expect(original.replacingObjective([(x, 1)]).sense == .maximize)
        #expect(original.replacingObjective([]).variables.allSatisfy { $0.objective == 0 })
        try replaced.validate()
        // A column that does not exist is named by validate(), not dropped silently.
        #expect(throws: LinearProgramError.self) {
            try original.replacingObjective([(Variable(index: 7), 1)]).validate()
        }
    }

    @Test func droppingRowsKeepsTheOthersInOrder() throws {
        let original = Self.program()
        let dropped = original.droppingRows([1])
        #expect(dropped.constraints.map(\.name) == ["a", "c"])
        #expect(dropped.constraints == [original.constraints[0], original.constraints[2]])
        #expect(dropped.constraintIndex(named: "c") == 1 && dropped.constraintIndex(named: "b") == nil)
        #expect(dropped.variables.map(\.objective) == [3, 2] && dropped.objectiveConstant == 5)
        // x = 0 broke only row b: without it the point is feasible.
        #expect(original.largestViolation(of: [0, 1])?.name == "b")
        #expect(dropped.largestViolation(of: [0, 1]) == nil)
    }

    @Test func fixingColumnsSetsBothBoundsAndKeepsTheRest() {
        let original = Self.program()
        let fixed = original.fixingColumns([0: 2])
        #expect(fixed.variables.map(\.lower) == [2, 0] && fixed.variables.map(\.upper) == [2, 10])
        #expect(fixed.variables.map(\.kind) == original.variables.map(\.kind))
        #expect(fixed.variables.map(\.objective) == [3, 2] && fixed.objectiveConstant == 5)
        #expect(fixed.constraints == original.constraints)
        // x = 3 keeps every row of the original but not the fixed column.
        #expect(original.largestViolation(of: [3, 1]) == nil)
        #expect(fixed.largestViolation(of: [3, 1]) != nil && fixed.largestViolation(of: [2, 1]) == nil)
    }

    @Test func wideningMovesOnlyFiniteBoundsOutward() {
        let widened = Self.program().wideningRows([0: 1, 2: 0.5])
        #expect(widened.constraints.map(\.lower) == [-.infinity, 1, 0.5])
        #expect(widened.constraints.map(\.upper) == [5, .infinity, 2.5])
    }

    /// Rows `a: x ≥ 3` and `b: x ≤ 1` conflict. Relaxed with penalties 1 (a) and 2 (b), minimising: at any x the cost
    /// is max(0, 3 − x) + 2·max(0, x − 1); on [1, 3] that is x + 1, least at x = 1 (cost 2), and outside it is more (3
    /// − x > 2 below 1, 2(x − 1) > 4 above 3). So the optimum moves a by 2 and leaves b: plus[a] = 2, cost 2. Checked
    /// here on the point (x, plus[a], minus[b]) = (1, 2, 0), which the relaxed program accepts at cost 2.
    @Test func penaltyRelaxationAddsSignedSlacksAfterTheColumns() throws {
        var program = LinearProgram(name: "conflict", sense: .minimize)
        let x = program.addVariable("x", lower: -.infinity)
        program.addConstraint("a", [(x, 1)], lower: 3)
        program.addConstraint("b", [(x, 1)], upper: 1)
        let (relaxed, slacks) = program.relaxingRows([0, 1], penalty: { $0 == 0 ? 1 : 2 })
        #expect(relaxed.variables.map(\.name) == ["x", "slack[a]", "slack[b]"])
        let plusA = try #require(slacks[0]?.plus), minusB = try #require(slacks[1]?.minus)
        #expect(slacks[0]?.minus == nil && slacks[1]?.plus == nil)
        #expect(
            relaxed.constraints[0].terms == [
                LinearTerm(variable: 0, coefficient: 1), LinearTerm(variable: plusA.index, coefficient: 1),
            ])
        #expect(
            relaxed.constraints[1].terms == [
                LinearTerm(variable: 0, coefficient: 1), LinearTerm(variable: minusB.index, coefficient: -1),
            ])
        #expect(relaxed.variables[plusA.index].objective == 1 && relaxed.variables[minusB.index].objective == 2)
        #expect(relaxed.variables[plusA.index].lower == 0 && relaxed.variables[minusB.index].lower == 0)
        #expect(program.largestViolation(of: [1]) != nil)
        #expect(relaxed.largestViolation(of: [1, 2, 0]) == nil)
        #expect(relaxed.objectiveValue(of: [1, 2, 0]) == 2)
        try relaxed.validate()
    }

    /// A two-sided row gets both slacks (named apart) unless told which bound may move; a maximising program
    /// subtracts the penalty, so the optimum still moves the rules as little as it can.
    @Test func twoSidedRowsAndMaximisation() throws {
        let original = Self.program()
        let (both, slacks) = original.relaxingRows([2], penalty: { _ in 4 })
        #expect(both.variables.map(\.name) == ["x", "y", "slack_plus[c]", "slack_minus[c]"])
        #expect(both.variables.suffix(2).map(\.objective) == [-4, -4])
        #expect(slacks[2]?.plus?.index == 2 && slacks[2]?.minus?.index == 3)
        #expect(both.constraints[2].terms.map(\.coefficient) == [1, 1, -1])
        #expect(both.constraints[0] == original.constraints[0] && both.constraints[1] == original.constraints[1])
        let (lowerOnly, one) = original.relaxingRows([2], bounds: { _ in .lower }, penalty: { _ in 4 })
        #expect(lowerOnly.variables.map(\.name) == ["x", "y", "slack[c]"] && one[2]?.minus == nil)
        // Row b has no finite upper bound: relaxing only its upper bound adds nothing.
        let (unchanged, none) = original.relaxingRows([1], bounds: { _ in .upper }, penalty: { _ in 1 })
        #expect(unchanged.variables.count == 2 && none.isEmpty)
        try both.validate()
    }
}
