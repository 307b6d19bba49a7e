import Testing
import LinearProgramming

@Suite("LinearProgram building")
struct ModelBuildingTests {
    @Test func duplicateTermsAreMergedInFirstAppearanceOrder() throws {
        var program = LinearProgram(name: "merge", sense: .minimize)
        let x = program.addVariable("x")
        let y = program.addVariable("y")
        let z = program.addVariable("z")
        let row = program.addConstraint("r", [(y, 2), (x, 1), (y, 3), (z, 4), (z, -4)], upper: 1)
        // y: 2 + 3 = 5 first, then x; z cancels out and is dropped.
        #expect(
            program.constraints[row].terms == [
                LinearTerm(variable: y.index, coefficient: 5), LinearTerm(variable: x.index, coefficient: 1),
            ])
        #expect(program.nonzeroCount == 2)
        try program.validate()
    }

    @Test func namesAreFoundAndCountsKept() {
        var program = LinearProgram(name: "lookup", sense: .maximize)
        #expect(program.objectiveName == "objective")
        for i in 0..<1_000 { program.addVariable("x[\(i)]", kind: i.isMultiple(of: 4) ? .integer : .continuous) }
        program.addConstraint("posts_total", [(Variable(index: 3), 1)], upper: 1)
        #expect(program.variable(named: "x[737]") == Variable(index: 737))
        #expect(program.variable(named: "x[1000]") == nil)
        #expect(program.constraintIndex(named: "posts_total") == 0)
        #expect(program.constraintIndex(named: "budget") == nil)
        #expect(program.integerCount == 250)
        #expect(program.isMixedInteger)
    }

    @Test func setObjectiveReplacesTheCoefficient() {
        var program = LinearProgram(name: "objective", sense: .maximize)
        let x = program.addVariable("x", objective: 1)
        program.setObjective(x, 7)
        #expect(program.variables[x.index].objective == 7)
    }

    @Test func evaluationRecomputesObjectiveRowsAndViolations() throws {
        // max 3x + 2y + 1, c: x + y ≤ 4, x integer in [0, 3].
        var program = LinearProgram(name: "eval", sense: .maximize)
        program.objectiveConstant = 1
        let x = program.addVariable("x", upper: 3, kind: .integer, objective: 3)
        let y = program.addVariable("y", objective: 2)
        program.addConstraint("c", [(x, 1), (y, 1)], upper: 4)
        #expect(program.objectiveValue(of: [3, 1]) == 12)
        #expect(program.activity(ofConstraint: 0, values: [3, 1]) == 4)
        #expect(program.largestViolation(of: [3, 1]) == nil)
        let rowViolation = try #require(program.largestViolation(of: [3, 2]))
        #expect(rowViolation.name == "c" && rowViolation.amount == 1)
        let fractional = try #require(program.largestViolation(of: [2.5, 0]))
        #expect(fractional.name == "x" && fractional.amount == 0.5)
        #expect(program.largestViolation(of: [.nan, 0])?.amount.isNaN == true)
    }

    @Test func errorDescriptionsNameThePlace() {
        let error = LinearProgramError(.duplicateEntry, at: .entry(constraint: "budget", variable: "x[01]"), "twice")
        #expect(error.description == "constraint 'budget', variable 'x[01]': twice")
        let tab = LinearProgramError(.invalidName, at: .variable("a\tb"), "invalid")
        #expect(tab.description == "variable 'a\\tb': invalid")
    }
}
