import AllocationModel
import Foundation
import LinearProgramming

/// Plans that reach the ends of a territory's range (docs/model.md, "Ranges around the plan"). The published ranges
/// are LP outer bounds: no plan within the tolerance holds more (or fewer) posts. Whether some plan actually holds
/// that many is shown by finding one: from the published plan, one-post moves into the territory (or out of it), each
/// keeping every row, the held value included, until the LP bound is reached or no move is left. The number reached
/// is an inner bound: a real plan holds it; where it meets the LP bound, that end of the range is exact.
///
/// The moves are `ClosenessSearch`'s: one post added (or removed) alone when every row allows it, else paired with
/// one post removed from (or added to) another territory, the pair that keeps the most value; first, any change of
/// option within a territory that raises the value (which frees slack for the next move). Deterministic: ties go to
/// the lower decision index.
enum RangeSearch {
    /// Moves made at most per tolerance, over all its searches (each move moves one post into or out of the territory
    /// searched, so a side needs as many moves as posts between the start and its end): a bound on work, not on time,
    /// so that the ends found never depend on the machine's speed. At least 20,000 moves (the default national run
    /// needs about 9,300 for its wider tolerance), 100 per territory at larger scales.
    static func moveBudget(territories: Int) -> Int { max(20_000, 100 * territories) }

    /// How a side's search ended: at the LP's bound, with no move left, out of the tolerance's move budget, or
    /// stopped by the run (its time budget, a signal).
    enum Ending: Equatable {
        case reachedBound, noMoveLeft, outOfMoves, stopped
    }

    /// The search's start, built once per program and restored for every side (building it indexes every row).
    final class Start {
        let search: Search
        let values: [Double]
        let activity: [Double]

        /// `program`: the model's variables, in its order, under its rows and the held value; `plan` satisfies it.
        /// Nil when the plan does not satisfy `program` once its coverage is refilled.
        init?(model: AllocationModel, program: LinearProgram, plan: [Double]) {
            guard plan.count >= program.variables.count else { return nil }
            let search = Search(model: model, program: program, duals: nil)
            search.round(plan)
            guard program.largestViolation(of: search.values) == nil else { return nil }
            // More value first: the slack above the held value is what lets posts move (the published plan may sit
            // at the edge of the gap). One-post moves that raise the value, a bounded number: deterministic.
            search.fill()
            search.improve(until: .distantFuture)
            search.restore(values: search.values, activity: search.activity)
            self.search = search
            values = search.values
            activity = search.activity
        }
    }

    /// The most (`direction` +1) or fewest (−1) posts of territory `code` reached by one-post moves from the start,
    /// never past `limit` (the LP's bound on that side), each move taken from `moves`; nil when the territory has no
    /// post variable. `stop` (the run's budget, a signal) ends the search where it is.
    static func extreme(
        _ start: Start, code: String, direction: Int, limit: Int, moves: inout Int, stop: CancellationFlag?
    ) -> (posts: Int, ending: Ending)? {
        let search = start.search
        search.restore(values: start.values, activity: start.activity)
        guard let territory = search.codes.firstIndex(of: code), let postsColumn = search.postsOf[territory] else {
            return nil
        }
        func posts() -> Int { Int(search.values[postsColumn].rounded()) }
        let territories = search.decisionsOf.indices.filter { search.postsOf[$0] != nil }
        // The other territories' opposite moves that their own rows allow, sorted by `Search.precedes`; a territory's
        // depend only on its own values, so only the territories a move changed are computed again.
        func opposites(of other: Int) -> [Search.Move] {
            search.decisionsOf[other].filter { direction < 0 || search.values[$0] >= 1 }
                .map { direction > 0 ? search.removal($0) : search.addition($0) }
                .filter { search.allows($0, locally: true) }
        }
        func owner(of move: Search.Move) -> Int { search.territoryOf[move.changes[0].variable] }
        var opposite = territories.filter { $0 != territory }.flatMap(opposites).sorted(by: Search.precedes)
        var changed = Set<Int>()
        func apply(_ move: Search.Move) {
            search.apply(move)
            for change in move.changes { changed.insert(search.territoryOf[change.variable]) }
        }
        while direction > 0 ? posts() < limit : posts() > limit {
            guard moves > 0 else { return (posts(), .outOfMoves) }
            guard stop?.isCancelled != true else { return (posts(), .stopped) }
            moves -= 1
            changed = []
            for other in territories {
                if let swap = search.swaps(in: other).first(where: { search.allows($0) }) { apply(swap) }
            }
            let others = changed.subtracting([territory, -1])
            if !others.isEmpty {
                let fresh = others.sorted().flatMap(opposites).sorted(by: Search.precedes)
                opposite = merged(opposite.filter { !others.contains(owner(of: $0)) }, fresh)
            }
            changed = []
            // The moves of the territory itself (one post in, or out), and the other territories' opposite moves.
            let own = search.decisionsOf[territory].filter { direction > 0 || search.values[$0] >= 1 }
                .map { direction > 0 ? search.addition($0) : search.removal($0) }
                .filter { search.allows($0, locally: true) }.sorted(by: Search.precedes)
            if own.isEmpty { return (posts(), .noMoveLeft) }
            if let alone = own.first(where: { search.allows($0) }) {
                apply(alone)
            } else if let best = search.bestPair(own, opposite) {
                apply(best)
            } else {
                return (posts(), .noMoveLeft)
            }
            let moved = changed.subtracting([territory, -1])
            if !moved.isEmpty {
                let fresh = moved.sorted().flatMap(opposites).sorted(by: Search.precedes)
                opposite = merged(opposite.filter { !moved.contains(owner(of: $0)) }, fresh)
            }
        }
        return (posts(), .reachedBound)
    }

    /// An end the moves left short, looked for the other way: the primal heuristic (relaxation, rounding, repair,
    /// one-post moves that raise the value; `PrimalHeuristic`) on the model with the territory's posts held at the end
    /// or beyond by a row, `range_end`, maximising the value; a plan it finds is kept when its value is at least
    /// `threshold`. Tried at the LP's end `end`, then one post inside (`attempts` ends in all, never reaching `found`).
    /// Each relaxation starts from `basis`, the model's relaxation's optimal basis (one row more, basic): a few dual
    /// simplex pivots instead of a solve. The moves of the heuristic stop when none raises the value (at most 5,000),
    /// not on a clock: the same plans on every machine. Returns the territory's posts in the plan kept, or nil, and the
    /// attempts made.
    static func heuristicEnd(
        model: AllocationModel, column: Variable, direction: Int, end: Int, found: Int, threshold: Double,
        basis: LPBasis?, solver: any LinearSolver, options: SolverOptions, attempts: Int = Self.heuristicAttempts
    ) -> (posts: Int?, attempts: Int) {
        var lpOptions = options.starting(from: nil)
        if let basis {
            lpOptions.basis = LPBasis(rows: basis.rows + [.basic], columns: basis.columns)
            lpOptions.dualSimplex = true
        }
        var target = end, made = 0
        for _ in 0..<max(0, attempts) where target != found {
            made += 1
            var bounded = model.program
            bounded.addConstraint(
                "range_end", [(column, 1)], lower: direction > 0 ? Double(target) : -.infinity,
                upper: direction > 0 ? .infinity : Double(target))
            if let outcome = PrimalHeuristic.plan(
                for: model, program: bounded, solver: solver, options: lpOptions, timeLimitSeconds: 1e9),
                model.valueTerms.reduce(0, { $0 + $1.1 * outcome.values[$1.0.index] }) >= threshold
            {
                return (Int(outcome.values[column.index].rounded()), made)
            }
            target -= direction
        }
        return (nil, made)
    }

    /// Heuristic plans tried per end the moves left short: at the LP's end, then one post inside.
    static let heuristicAttempts = 2

    /// Two lists sorted by `Search.precedes`, as one.
    private static func merged(_ a: [Search.Move], _ b: [Search.Move]) -> [Search.Move] {
        var result: [Search.Move] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if Search.precedes(b[j], a[i]) {
                result.append(b[j])
                j += 1
            } else {
                result.append(a[i])
                i += 1
            }
        }
        result.append(contentsOf: a[i...])
        result.append(contentsOf: b[j...])
        return result
    }
}
