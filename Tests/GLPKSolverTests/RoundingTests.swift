import LinearProgramming
import Testing
@testable import GLPKSolver  // the internal brokenIntegerRows

/// GLPK rounds integer values within its integrality tolerance and does not check the rows again; on a row of euro
/// coefficients that broke the row by cents (review of the exact co-financing model). The shim's tolerance (10⁻⁹)
/// and the re-check after rounding (`GLPKSolver+IntegerRows.swift`) keep every integer row.
@Suite("GLPKSolver: rounding never breaks an integer row")
struct RoundingTests {
    /// One structure's rule as the model states it: `a` (50,000 € of host money, worth 231.83) and `b` (40,000 €,
    /// worth 178.33), at most 10 posts, host money `money`. The integer plans within 129,999.99 € are those with
    /// 5a + 4b ≤ 12 (in 10,000 €): the best is b = 3 (535); a = 1, b = 2 needs exactly 130,000 € (588.5).
    static func moneyRow(money: Double = 129_999.99, fixed: (a: Double, b: Double)? = nil) -> LinearProgram {
        var program = LinearProgram(name: "money", sense: .maximize)
        let a = program.addVariable("a", lower: fixed?.a ?? 0, upper: fixed?.a ?? 10, kind: .integer, objective: 231.83)
        let b = program.addVariable("b", lower: fixed?.b ?? 0, upper: fixed?.b ?? 10, kind: .integer, objective: 178.33)
        program.addConstraint("structure_cofinancing", [(a, 50_000), (b, 40_000)], upper: money)
        program.addConstraint("structure_capacity", [(a, 1), (b, 1)], upper: 10)
        return program
    }

    /// Before: GLPK reached b = 1.99999975 at a = 1, took it as 2 (within 10⁻⁵) and returned 588.5, 0.01 € over
    /// (at 129,999.99 €; at 129,999.97 € the value was 1.99999925).
    @Test(arguments: [true, false], [129_999.97, 129_999.99])
    func theBestPlanWithinTheMoney(presolve: Bool, money: Double) throws {
        let program = Self.moneyRow(money: money)
        let result = try GLPKSolver().solve(program, options: SolverOptions(mipGap: 0, presolve: presolve))
        #expect(result.status == .optimal)
        #expect(result.values == [0, 3])
        #expect(program.activity(ofConstraint: 0, values: result.values) <= money)
        // Found by GLPK itself at the shim's integrality tolerance (10⁻⁹), not by the re-solve after rounding (at
        // GLPK's default 10⁻⁵ only the re-solve finds it).
        #expect(!result.log.contains("after GLPK rounded"), "\(result.log.prefix(600))")
    }

    /// The re-check itself: a plan 0.01 € over the row is seen, with its amount and side; a plan within it is not.
    @Test func brokenIntegerRowsSeesACentOver() {
        let program = Self.moneyRow()
        let broken = GLPKSolver.brokenIntegerRows([1, 1.99999975], rows: [0, 1], of: program)
        #expect(broken.count == 1)
        #expect(broken.first?.row == 0 && broken.first?.excess.isUpper == true)
        #expect(abs((broken.first?.excess.amount ?? 0) - 0.01) < 1e-6)
        #expect(GLPKSolver.brokenIntegerRows([0, 3], rows: [0, 1], of: program).isEmpty)
    }
}
