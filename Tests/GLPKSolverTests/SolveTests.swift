import Testing
import LinearProgramming
import GLPKSolver

@Suite("GLPKSolver: statuses and values")
struct SolveTests {
    @Test(arguments: [true, false])
    func smallLPMatchesTheHandSolution(presolve: Bool) throws {
        let result = try GLPKSolver().solve(Instances.smallLP(), options: SolverOptions(presolve: presolve))
        #expect(result.status == .optimal)
        #expect(abs(try #require(result.objective) - 11.5) < 1e-9)
        #expect(zip(result.values, [3.5, 0.5]).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(zip(result.rowActivities, [4, 5]).allSatisfy { abs($0 - $1) < 1e-9 })
        let duals = try #require(result.duals)
        #expect(zip(duals, [2, 0]).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(result.bestBound == nil && result.nodes == nil && result.limitReached == nil)
        #expect(result.log.contains("OPTIMAL"))
    }

    @Test(arguments: [true, false])
    func smallMIPMatchesTheHandSolution(presolve: Bool) throws {
        let program = Instances.smallMIP()
        let result = try GLPKSolver().solve(program, options: SolverOptions(presolve: presolve))
        #expect(result.status == .optimal)
        #expect(result.objective == 20)
        #expect(result.values == [4, 0])
        #expect(zip(result.rowActivities, [24, 4]).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(result.bestBound == 20 && result.relativeGap == 0)
        #expect(result.duals == nil)
        #expect(result.nodes != nil)
        // Never trust the solver: recompute from the model.
        #expect(program.largestViolation(of: result.values) == nil)
        #expect(program.objectiveValue(of: result.values) == result.objective)
    }

    /// x + y ≥ 5 with x, y ≤ 2: no solution, whatever presolve does.
    @Test(arguments: [true, false])
    func infeasibleLP(presolve: Bool) throws {
        var lp = LinearProgram(name: "infeasible", sense: .minimize)
        let x = lp.addVariable("x", upper: 2, objective: 1)
        let y = lp.addVariable("y", upper: 2, objective: 1)
        lp.addConstraint("need", [(x, 1), (y, 1)], lower: 5)
        let result = try GLPKSolver().solve(lp, options: SolverOptions(presolve: presolve))
        #expect(result.status == .infeasible)
        #expect(result.values.isEmpty && result.objective == nil && result.duals == nil)
    }

    /// x ≥ 3 + y and x + y ≤ 1 (x, y ≥ 0) contradict through rows only, not bounds.
    @Test(arguments: [true, false])
    func infeasibleThroughRows(presolve: Bool) throws {
        var lp = LinearProgram(name: "rows", sense: .maximize)
        let x = lp.addVariable("x", objective: 1)
        let y = lp.addVariable("y", objective: 1)
        lp.addConstraint("a", [(x, 1), (y, -1)], lower: 3)
        lp.addConstraint("b", [(x, 1), (y, 1)], upper: 1)
        #expect(try GLPKSolver().solve(lp, options: SolverOptions(presolve: presolve)).status == .infeasible)
    }

    /// 2x = 1 with x integer: the relaxation is feasible (x = 0.5), the MIP is not.
    @Test(arguments: [true, false])
    func integerInfeasibleMIP(presolve: Bool) throws {
        var mip = LinearProgram(name: "parity", sense: .minimize)
        let x = mip.addVariable("x", lower: 0, upper: 10, kind: .integer, objective: 1)
        mip.addConstraint("half", [(x, 2)], lower: 1, upper: 1)
        let result = try GLPKSolver().solve(mip, options: SolverOptions(presolve: presolve))
        #expect(result.status == .infeasible)
        #expect(result.values.isEmpty && result.objective == nil)
    }

    /// max x + y with only x − y ≤ 1: y (and x) grow without limit.
    @Test(arguments: [true, false], [VariableKind.continuous, .integer])
    func unbounded(presolve: Bool, kind: VariableKind) throws {
        var lp = LinearProgram(name: "unbounded", sense: .maximize)
        let x = lp.addVariable("x", kind: kind, objective: 1)
        let y = lp.addVariable("y", kind: kind, objective: 1)
        lp.addConstraint("c", [(x, 1), (y, -1)], upper: 1)
        let result = try GLPKSolver().solve(lp, options: SolverOptions(presolve: presolve))
        #expect(result.status == .unbounded)
        #expect(result.values.isEmpty && result.objective == nil)
    }

    /// Infeasible rows (a + b ≥ 3 and a + b ≤ 1) next to a column that improves without limit
    /// (x, in no row). GLPK's presolver stops at the column with "no dual feasible solution",
    /// which does not say infeasible or unbounded; the re-solve without presolve must find that
    /// there is no feasible point at all.
    @Test(arguments: [true, false])
    func infeasibleWithUnboundedDirection(presolve: Bool) throws {
        var lp = LinearProgram(name: "both", sense: .maximize)
        lp.addVariable("x", objective: 1)
        let a = lp.addVariable("a")
        let b = lp.addVariable("b")
        lp.addConstraint("at_least", [(a, 1), (b, 1)], lower: 3)
        lp.addConstraint("at_most", [(a, 1), (b, 1)], upper: 1)
        let result = try GLPKSolver().solve(lp, options: SolverOptions(presolve: presolve))
        if presolve { #expect(result.log.contains("NO DUAL FEASIBLE SOLUTION")) }
        #expect(result.status == .infeasible)
    }

    @Test func emptyProgramHasTheConstantAsOptimum() throws {
        var program = LinearProgram(name: "empty", sense: .minimize)
        program.objectiveConstant = 7
        let result = try GLPKSolver().solve(program, options: SolverOptions())
        #expect(result.status == .optimal && result.objective == 7 && result.values.isEmpty)
    }

    @Test func invalidModelsNeverReachGLPK() {
        var program = Instances.smallLP()
        program.addVariable("bad", lower: .nan)
        #expect {
            try GLPKSolver().solve(program, options: SolverOptions(presolve: false))
        } throws: { error in
            guard case .invalidModel(let reason) = error as? GLPKError else { return false }
            return reason.location == .variable("bad")
        }
    }

    @Test func invalidOptionsAreRejected() {
        for options in [
            SolverOptions(timeLimitSeconds: .nan), SolverOptions(timeLimitSeconds: 0),
            SolverOptions(mipGap: -1), SolverOptions(mipGap: .infinity),
        ] {
            #expect {
                try GLPKSolver().solve(Instances.smallLP(), options: options)
            } throws: { error in
                if case .invalidOptions = error as? GLPKError { true } else { false }
            }
        }
        // No limit at all is allowed.
        #expect(
            (try? GLPKSolver().solve(Instances.smallLP(), options: SolverOptions(timeLimitSeconds: .infinity)))?.status
                == .optimal)
    }

    @Test func versionIsReported() {
        #expect(GLPKSolver.version.first?.isNumber == true)
        #expect(GLPKSolver.version.contains("."))
    }
}
