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
    /// Moves made at most per side: each moves one post, and a side stops at its LP bound first in practice.
    static let moveLimit = 10_000

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
    /// never past `limit` (the LP's bound on that side); nil when the territory has no post variable.
    static func extreme(
        _ start: Start, code: String, direction: Int, limit: Int, until deadline: Date
    ) -> (posts: Int, finished: Bool)? {
        let search = start.search
        search.restore(values: start.values, activity: start.activity)
        guard let territory = search.codes.firstIndex(of: code), let postsColumn = search.postsOf[territory] else {
            return nil
        }
        func posts() -> Int { Int(search.values[postsColumn].rounded()) }
        let territories = search.decisionsOf.indices.filter { search.postsOf[$0] != nil }
        let others = territories.filter { $0 != territory }
        for _ in 0..<moveLimit {
            if direction > 0 ? posts() >= limit : posts() <= limit { break }
            guard Date() < deadline else { return (posts(), false) }
            for other in territories {
                if let swap = search.swaps(in: other).first(where: { search.allows($0) }) { search.apply(swap) }
            }
            // The moves of the territory itself (one post in, or out), and the other territories' opposite moves.
            let own = search.decisionsOf[territory].filter { direction > 0 || search.values[$0] >= 1 }
                .map { direction > 0 ? search.addition($0) : search.removal($0) }
                .filter { search.allows($0, locally: true) }.sorted(by: Search.precedes)
            if own.isEmpty { break }
            if let alone = own.first(where: { search.allows($0) }) {
                search.apply(alone)
                continue
            }
            let opposite = others.flatMap { other in
                search.decisionsOf[other].filter { direction < 0 || search.values[$0] >= 1 }
                    .map { direction > 0 ? search.removal($0) : search.addition($0) }
            }.filter { search.allows($0, locally: true) }.sorted(by: Search.precedes)
            guard let best = search.bestPair(own, opposite) else { break }
            search.apply(best)
        }
        return (posts(), true)
    }
}
