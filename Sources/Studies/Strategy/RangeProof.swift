import AllocationModel
import Foundation
import LinearProgramming

/// Ends of a range decided over integer plans, where the LP's bound and the plans found disagree (docs/model.md,
/// "Ranges around the plan"). The LP relaxation lets posts split into fractions, so it allows a territory a post more
/// (or fewer) than any integer plan within the tolerance may hold; the one-post moves and the primal heuristic may stop
/// short of what one does. GLPK's branch-and-bound root settles many such ends at once: with the territory's posts held
/// at the LP's end by a row (`range_end`), the root's Gomory cuts often leave no integer plan (nationally, 10 of the 14
/// ends the search left open within 0.5 %, HiGHS agreeing on each: `scripts/bench-ranges`); or it finds a plan there.
///
/// A proof lowers the published bound by one post (it is then the best bound known: no plan holds more), and the next
/// post inside is tried, until a plan is found, a try decides nothing, or the bound meets the plans found. Each try
/// is a branch-and-bound stopped at `nodeLimit` nodes, its relaxation started from `basis` (the held program's optimal
/// basis, the new row basic): a node limit, not a clock, so the same ends on every machine.
public enum RangeProof {
    /// Tries per side at most (one post each): a bound on work, not on time. The tolerance's budget (`workBudget`)
    /// bounds them all together.
    public static let triesPerSide = 20

    /// Nodes of one try (GLPK counts the root as one node): the root, its cuts and a short search below it. On the
    /// default scenario within the MIP gap, 2 nodes left 71 ranges exact, 20 nodes 75, 100 nodes 78 for 0.8 s more of
    /// the run (BENCHMARKS.md, 2026-12-05); within 0.5 %, 2,000 nodes decide no more than 2.
    public static let nodeLimit = 20

    /// What one side's tries settled: the bound (no plan within the tolerance holds more, or fewer) and the posts of
    /// the best plan found.
    struct Side: Equatable {
        var end: Int
        var found: Int
        /// Tries made, each a branch-and-bound of at most `nodeLimit` nodes: what the side took of its tolerance's
        /// budget (`workBudget`).
        var tries = 0
    }

    /// Tries (proofs, and the primal heuristic's attempts) that one tolerance's open ends may take in all, about
    /// 30 ms of CPU each nationally: a bound on work, not on time, so the same ends on every machine. The default
    /// scenario takes 189 within the MIP gap and 62 within 0.5 %; at €100M the gap's ends would take 427 (13 s more
    /// of a run, measured by a review under load), and the budget, 303, stops them at 5 s more (BENCHMARKS.md,
    /// 2026-12-05).
    public static func workBudget(territories: Int) -> Int { 3 * territories }

    /// The side of `column` in `direction` (+1: the most posts, −1: the fewest) between the LP's `end` and the plans'
    /// `found`, on `held` (the model's program with the value held within the tolerance), at most `triesPerSide`
    /// tries. A plan found keeps every row of `held`, the held value included, so it lies within the tolerance.
    static func settle(
        held: LinearProgram, column: Variable, direction: Int, end: Int, found: Int, basis: LPBasis?,
        solver: any LinearSolver, options: SolverOptions, tries: Int = triesPerSide
    ) -> Side {
        var side = Side(end: end, found: found)
        var tryOptions = options.starting(from: nil)
        tryOptions.presolve = false
        tryOptions.cuts = true
        tryOptions.gomoryCutsOnly = true
        tryOptions.nodeLimit = nodeLimit
        // Any plan within the tolerance settles the side: branch-and-bound need not improve it.
        tryOptions.mipGap = 1
        if let basis { tryOptions.basis = LPBasis(rows: basis.rows + [.basic], columns: basis.columns) }
        for _ in 0..<max(0, min(tries, triesPerSide)) where side.end != side.found {
            side.tries += 1
            var bounded = held
            bounded.addConstraint(
                "range_end", [(column, 1)], lower: direction > 0 ? Double(side.end) : -.infinity,
                upper: direction > 0 ? .infinity : Double(side.end))
            guard let result = try? solver.solve(bounded, options: tryOptions) else { break }
            if result.status == .infeasible {
                side.end -= direction
                continue
            }
            if [.optimal, .feasible].contains(result.status), result.values.count == held.variables.count {
                let posts = Int(result.values[column.index].rounded())
                side.found =
                    direction > 0 ? min(max(posts, side.found), side.end) : max(min(posts, side.found), side.end)
            }
            break
        }
        return side
    }
}
