import Foundation
import LinearProgramming

/// A better plan near a given one, by relaxation-induced neighbourhood search (RINS; Danna, Rothberg and Le Pape,
/// "Exploring relaxation induced neighborhoods to improve MIP solutions", Math. Programming 102, 2005): the integer
/// columns on which the plan and the LP relaxation's optimum agree are fixed there, and the rest is solved as a
/// smaller MIP, started from the plan. Used by the canonical plan (docs/model.md, "One canonical plan"), where GLPK's
/// branch-and-bound on the whole tie-break finds no closer plan: on the national scenario the relaxation agrees with
/// the plan on 349 of 501 integer columns, and the remaining MIP finds a plan 82 posts closer in 1,000 nodes.
enum RelaxationNeighbourhood {
    /// The sub-MIP's result when it has a plan (at least as good as `incumbent`, which starts it), nil when the
    /// relaxation is not solved to optimality, when it agrees with `incumbent` on every integer column, or when the
    /// sub-MIP ends without a plan. `options` are the sub-MIP's (gap, node and time limits).
    static func improve(
        _ program: LinearProgram, incumbent: [Double], solver: any LinearSolver, options: SolverOptions
    ) throws -> SolveResult? {
        precondition(incumbent.count == program.variables.count, "one value per column")
        let relaxed = try solver.solve(program.relaxation(), options: options.starting(from: nil))
        guard relaxed.status == .optimal, relaxed.values.count == program.variables.count else { return nil }
        let fixed = agreement(program, relaxed: relaxed.values, incumbent: incumbent)
        guard fixed.count < program.integerCount else { return nil }
        let found = try solver.solve(program.fixingColumns(fixed), options: options.starting(from: incumbent))
        guard found.hasSolution, found.values.count == program.variables.count else { return nil }
        return found
    }

    /// The integer columns on which the relaxation's optimum and the plan agree (within 10⁻⁶), at the plan's values.
    static func agreement(_ program: LinearProgram, relaxed: [Double], incumbent: [Double]) -> [Int: Double] {
        var fixed: [Int: Double] = [:]
        for (index, variable) in program.variables.enumerated()
        where variable.kind == .integer && abs(relaxed[index] - incumbent[index]) < 1e-6 {
            fixed[index] = incumbent[index]
        }
        return fixed
    }
}
