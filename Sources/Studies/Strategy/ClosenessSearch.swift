import AllocationModel
import Foundation
import LinearProgramming

/// A plan closer to given seats per territory among the plans that keep every row of a program, found by one-post
/// moves without branch-and-bound (docs/model.md, "One canonical plan").
///
/// On the national scenario, branch-and-bound (GLPK's, and HiGHS's in the same time) rarely improves the distance
/// Σ_t |posts[t] − seats[t]| of the main plan: the held value leaves about one post's worth of slack, so almost every
/// plan it tries breaks it. The search moves one post at a time instead, each move keeping every row: from a territory
/// above its seats to one below (the distance falls by 2), else one post removed above or added below (by 1); the move
/// that keeps the most value first, after any change of option within a territory that raises the value (which frees
/// slack for the next move). It is deterministic: ties go to the lower territory and decision indices.
enum ClosenessSearch {
    /// Moves made at most: each takes the distance down by at least one post, so this is never the limit in practice;
    /// the search stops when no move is left (or at the deadline, which the result reports).
    static let moveLimit = 100_000

    /// `program`: the model's variables, in the model's order, under the model's rows and more (the held value); its
    /// objective fills each territory's coverage. `start` satisfies `program`. Returns a plan of `program` no farther
    /// from `seats` than `start`, and whether the search ended by itself (false: `deadline` stopped it, so the plan
    /// depends on the machine's speed); nil when `start` does not satisfy `program` once its coverage is refilled.
    static func closer(
        model: AllocationModel, program: LinearProgram, start: [Double], seats: [String: Int], until deadline: Date
    ) -> (values: [Double], finished: Bool)? {
        let search = Search(model: model, program: program, duals: nil)
        search.round(start)
        guard program.largestViolation(of: search.values) == nil else { return nil }
        let territories = search.decisionsOf.indices.filter { search.postsOf[$0] != nil }
        let target = search.codes.map { Double(seats[$0] ?? 0) }
        func posts(_ territory: Int) -> Double { search.values[search.postsOf[territory]!] }

        var timedOut = false
        for _ in 0..<moveLimit {
            guard Date() < deadline else {
                timedOut = true
                break
            }
            // Options within a territory that raise the value, first: the slack they free pays for later moves.
            for territory in territories {
                if let swap = search.swaps(in: territory).first(where: { search.allows($0) }) { search.apply(swap) }
            }
            let above = territories.filter { posts($0) > target[$0] + 0.5 }
            let below = territories.filter { posts($0) < target[$0] - 0.5 }
            let removals = above.flatMap { territory in
                search.decisionsOf[territory].filter { search.values[$0] >= 1 }.map(search.removal)
            }.filter { search.allows($0, locally: true) }.sorted(by: Search.precedes)
            let additions = below.flatMap { search.decisionsOf[$0].map(search.addition) }
                .filter { search.allows($0, locally: true) }.sorted(by: Search.precedes)
            // One post from above to below, the pair that keeps the most value.
            if let best = search.bestPair(removals, additions) {
                search.apply(best)
                continue
            }
            // Else one post fewer above, or one more below.
            if let single = (removals + additions).filter({ search.allows($0) }).sorted(by: Search.precedes).first {
                search.apply(single)
                continue
            }
            break
        }
        return search.finished().map { ($0, !timedOut) }
    }

    /// Σ_t |posts[t] − seats[t]| of a plan of `model`.
    static func distance(_ values: [Double], model: AllocationModel, seats: [String: Int]) -> Int {
        model.postVariables.reduce(0) { $0 + Int(abs(values[$1.value.index] - Double(seats[$1.key] ?? 0)).rounded()) }
    }
}
