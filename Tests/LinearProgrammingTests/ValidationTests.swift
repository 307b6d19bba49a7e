import Testing
import LinearProgramming

/// A valid two-variable program the validation cases start from.
private func baseProgram() -> LinearProgram {
    var program = LinearProgram(name: "base", sense: .maximize)
    let x = program.addVariable("x[01,public]", upper: 10, kind: .integer, objective: 1)
    let y = program.addVariable("q[01]", objective: 2)
    program.addConstraint("budget", [(x, 3), (y, 1)], upper: 100)
    return program
}

private func validationError(_ program: LinearProgram) -> LinearProgramError? {
    do {
        try program.validate()
        return nil
    } catch {
        return error
    }
}

@Suite("LinearProgram validation")
struct ValidationTests {
    @Test func validProgramPasses() throws {
        try baseProgram().validate()
    }

    @Test func nanBoundIsRejectedAndNamed() throws {
        var program = baseProgram()
        program.addVariable("z", lower: .nan)
        let error = try #require(validationError(program))
        #expect(error.reason == .notFinite)
        #expect(error.location == .variable("z"))
        #expect(error.description.contains("variable 'z'"))
    }

    @Test func nanCoefficientIsRejectedWithRowAndVariable() throws {
        var program = baseProgram()
        let x = try #require(program.variable(named: "x[01,public]"))
        program.addConstraint("need[01]", [(x, .nan)], upper: 1)
        let error = try #require(validationError(program))
        #expect(error.reason == .notFinite)
        #expect(error.location == .entry(constraint: "need[01]", variable: "x[01,public]"))
    }

    @Test func nanAndInfiniteObjectiveAreRejected() throws {
        var program = baseProgram()
        program.setObjective(Variable(index: 1), .nan)
        #expect(validationError(program)?.location == .variable("q[01]"))
        program.setObjective(Variable(index: 1), .infinity)
        #expect(validationError(program)?.reason == .notFinite)
        program.setObjective(Variable(index: 1), 1)
        program.objectiveConstant = .nan
        #expect(validationError(program)?.location == .objective)
    }

    @Test func infiniteBoundsOnlyInTheirOwnDirection() throws {
        var ok = baseProgram()
        ok.addVariable("free", lower: -.infinity, upper: .infinity)
        try ok.validate()
        var program = baseProgram()
        program.addConstraint("wrong_way", [], lower: .infinity)
        #expect(validationError(program)?.reason == .notFinite)
    }

    @Test func lowerAboveUpperIsRejected() throws {
        var program = baseProgram()
        program.addVariable("z", lower: 3, upper: 2)
        let error = try #require(validationError(program))
        #expect(error.reason == .lowerAboveUpper)
        #expect(error.description.contains("3.0") && error.description.contains("2.0"))

        var rows = baseProgram()
        rows.addConstraint("posts_total", [(Variable(index: 0), 1)], lower: 5, upper: 4)
        #expect(
            validationError(rows)
                == LinearProgramError(
                    .lowerAboveUpper, at: .constraint("posts_total"), "lower bound 5.0 is above upper bound 4.0"))
    }

    @Test func fractionalIntegerBoundIsRejected() throws {
        var program = baseProgram()
        program.addVariable("n", lower: 0, upper: 2.5, kind: .integer)
        let error = try #require(validationError(program))
        #expect(error.reason == .fractionalIntegerBound)
        #expect(error.location == .variable("n"))
        // A fractional bound on a continuous variable is fine.
        var continuous = baseProgram()
        continuous.addVariable("n", lower: 0, upper: 2.5)
        try continuous.validate()
    }

    @Test func magnitudesOutsideTheSaneRangeAreRejected() throws {
        var big = baseProgram()
        big.addConstraint("big", [(Variable(index: 0), 1e13)], upper: 1)
        #expect(validationError(big)?.reason == .tooLarge)
        var tiny = baseProgram()
        tiny.addConstraint("tiny", [(Variable(index: 0), 1e-13)], upper: 1)
        #expect(validationError(tiny)?.reason == .tooSmall)
        var bigBound = baseProgram()
        bigBound.addVariable("b", upper: 1e13)
        #expect(validationError(bigBound)?.reason == .tooLarge)
        var bigObjective = baseProgram()
        bigObjective.addVariable("o", objective: -2e12)
        #expect(validationError(bigObjective)?.reason == .tooLarge)
    }

    @Test(arguments: [
        "", "has space", "tab\there", "cr\r", "é", "quote'", "dash-name", "semi;colon",
        String(repeating: "a", count: 256),
    ])
    func badVariableNamesAreRejected(name: String) throws {
        var program = baseProgram()
        program.addVariable(name)
        let error = try #require(validationError(program))
        #expect(error.reason == .invalidName)
        #expect(!error.description.contains("\t") && !error.description.contains("\r"))
    }

    @Test(arguments: [
        "host_capacity[01,public]", "x[01,public,full]", "cofinancing", "posts_total", "need[2A]",
        "c.1", String(repeating: "a", count: 255),
    ])
    func generatedNamesAreAccepted(name: String) throws {
        #expect(LinearProgram.isValidName(name))
        var program = baseProgram()
        program.addConstraint(name, [(Variable(index: 1), 1)], upper: 1)
        try program.validate()
    }

    @Test func badConstraintAndProgramNamesAreRejected() throws {
        var row = baseProgram()
        row.addConstraint("need 01", [], upper: 1)
        #expect(validationError(row)?.location == .constraint("need 01"))
        var named = baseProgram()
        named.name = "two words"
        #expect(validationError(named)?.location == .program)
        var objective = baseProgram()
        objective.objectiveName = "budget"  // clashes with the row
        #expect(
            validationError(objective)
                == LinearProgramError(
                    .duplicateName, at: .objective, "a constraint is also named 'budget'"))
    }

    @Test func duplicateNamesAreRejected() throws {
        var variables = baseProgram()
        variables.addVariable("q[01]")
        #expect(
            validationError(variables)
                == LinearProgramError(
                    .duplicateName, at: .variable("q[01]"), "two variables have this name"))
        var rows = baseProgram()
        rows.addConstraint("budget", [], upper: 1)
        #expect(validationError(rows)?.location == .constraint("budget"))
        // Look-up keeps the first one.
        #expect(rows.constraintIndex(named: "budget") == 0)
    }

    @Test func variableFromAnotherProgramIsCaught() throws {
        var program = baseProgram()
        program.addConstraint("stray", [(Variable(index: 7), 1)], upper: 1)
        let error = try #require(validationError(program))
        #expect(error.reason == .unknownVariable)
        #expect(error.location == .constraint("stray"))

        var objective = baseProgram()
        objective.setObjective(Variable(index: 9), 1)
        #expect(validationError(objective)?.reason == .unknownVariable)
    }
}
