import Foundation
import LinearProgramming

/// The safety net behind GLPK's rounding.
///
/// GLPK takes an integer column within its integrality tolerance (`iocp.tol_int`, 1e-9 in the shim) of a whole number
/// as integral, rounds it and never checks the rows again; its simplex also accepts a row broken by up to about
/// 1e-7 × (1 + |bound|). On a row with euro coefficients (a structure's host money, tens of thousands of euros a post)
/// the rounded solution can then break the row by cents: 1 × 50,000 € + 2 × 40,000 € "fits" 129,999.99 €. A row
/// whose variables are all integer is exact in integers, so after rounding it must hold exactly (up to 1e-9 of its
/// bound, float noise on the sum). When one does not, the program is solved again with that bound moved inwards by
/// the excess plus what rounding and GLPK's row tolerance can hide, so the same plan cannot be accepted again; at
/// most `roundingResolves` times. A solution still breaking a row (no plan within the moved bounds, or the attempts
/// used up) is returned as it is: the caller's own verification (`PlanVerifier`) refuses it, so it is never published.
extension GLPKSolver {
    /// Re-solves allowed after a rounded solution broke an integer row.
    static let roundingResolves = 3

    /// `solve(lowered:)` plus the check above. `program` is the one `lowered` was made from (its bounds are the rules).
    func solveKeepingIntegerRows(
        _ lowered: LoweredProgram, program: LinearProgram, options: SolverOptions
    ) throws(GLPKError)
        -> SolveResult
    {
        var result = try solve(lowered, sense: program.sense, options: options)
        guard program.integerCount > 0 else { return result }
        let rows = program.constraints.indices.filter { row in
            program.constraints[row].terms.allSatisfy { program.variables[$0.variable].kind == .integer }
        }
        var tightened = lowered
        var notes = ""
        var spent = result.seconds
        for attempt in 0..<Self.roundingResolves {
            guard result.hasSolution else { break }
            let broken = Self.brokenIntegerRows(result.values, rows: rows, of: program)
            guard !broken.isEmpty else { break }
            for (row, excess) in broken {
                let constraint = program.constraints[row]
                let bound = excess.isUpper ? constraint.upper : constraint.lower
                // The excess, plus what rounding (10⁻⁹ × Σ |coefficients|) and GLPK's row tolerance (10⁻⁷ × (1 +
                // |bound|)) can hide: the same rounded plan cannot come back. Ten times more at each further attempt,
                // should GLPK's tolerances be wider than stated.
                let hidden = 1e-9 * constraint.terms.reduce(0) { $0 + abs($1.coefficient) } + 1e-7 * (1 + abs(bound))
                let move = (excess.amount + hidden) * pow(10, Double(attempt))
                if excess.isUpper { tightened.rowUpper[row] -= move } else { tightened.rowLower[row] += move }
                notes +=
                    "repartir: \(constraint.name) broken by \(excess.amount) after GLPK rounded its integer values; "
                    + "solved again with that bound moved by \(move)\n"
            }
            // A row squeezed past its other bound (an equality row) has no plan left: keep what GLPK found.
            guard broken.allSatisfy({ tightened.rowLower[$0.row] <= tightened.rowUpper[$0.row] }) else {
                notes += "repartir: a broken row cannot be moved further; the plan found is returned as it is\n"
                break
            }
            var again = options
            again.timeLimitSeconds = max(options.timeLimitSeconds - spent, options.timeLimitSeconds / 10)
            let resolved = try solve(tightened, sense: program.sense, options: again)
            spent += resolved.seconds
            // No plan within the moved bounds (infeasible, or out of time) says nothing about the scenario: keep the
            // plan found before, which the caller's verification then refuses, rather than claim "infeasible".
            guard resolved.hasSolution else {
                notes +=
                    "repartir: no plan found within the moved bounds (\(resolved.status)); the plan found before is returned as it is\n"
                break
            }
            result = resolved
        }
        result.seconds = spent
        result.log = notes + result.log
        return result
    }

    /// The rows of `rows` that `values`, integer columns rounded, break by more than 1e-9 × (1 + |bound|): with the
    /// amount and the side (upper or lower bound).
    static func brokenIntegerRows(
        _ values: [Double], rows: [Int], of program: LinearProgram
    )
        -> [(row: Int, excess: (amount: Double, isUpper: Bool))]
    {
        guard values.count == program.variables.count else { return [] }
        let rounded = zip(values, program.variables).map { $1.kind == .integer ? $0.rounded() : $0 }
        var broken: [(row: Int, excess: (amount: Double, isUpper: Bool))] = []
        for row in rows {
            let constraint = program.constraints[row]
            let activity = program.activity(ofConstraint: row, values: rounded)
            if constraint.upper.isFinite, activity - constraint.upper > 1e-9 * (1 + abs(constraint.upper)) {
                broken.append((row, (activity - constraint.upper, true)))
            } else if constraint.lower.isFinite, constraint.lower - activity > 1e-9 * (1 + abs(constraint.lower)) {
                broken.append((row, (constraint.lower - activity, false)))
            }
        }
        return broken
    }
}
