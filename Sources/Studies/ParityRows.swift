import LinearProgramming

/// The parity rows of a closeness problem (docs/model.md, "The parity rows"), for the closeness stages (the canonical
/// tie-break, measured with them, proved no more and took about twice the time, so it has none). For each distance d_j
/// ≥ |p_j − b_j|, p_j a sum of whole posts (a territory's, or a pool's under one option) and b_j whole, d_j + p_j − b_j
/// = 2 max(0, p_j − b_j) at exact distances. So the rows `closeness_total[i]`: P − Σ p_j = 0 and `closeness_parity[i]`:
/// Σ d_j + Σ p_j − 2 K = Σ b_j, with P and K whole columns, keep every plan (with its exact distances); the relaxation
/// is the same, but GLPK's cuts and branches on P and K prove problems its bound alone never closed (€120M, the
/// closeness stage of `endow,coverage,closeness`: 1,815 posts proven in 0.3 s by glpsol with both rows, not in 60 s
/// with either alone or none).
enum ParityRows {
    /// One distance's posts and whole target.
    typealias Counted = (terms: [Variable], goal: Double)

    /// Adds `closeness_posts[position]` (P) with its row `closeness_total[position]`, then `closeness_half[position]`
    /// (K) with its row `closeness_parity[position]`, in that order; nil when there is nothing to count.
    static func add(
        position: Int, distances: [Variable], counted: [Counted], to program: inout LinearProgram
    ) -> (total: Variable, half: Variable)? {
        guard !counted.isEmpty else { return nil }
        let goals = counted.reduce(0.0) { $0 + $1.goal }
        let posts = counted.flatMap(\.terms)
        let total = program.addVariable("closeness_posts[\(position)]", lower: 0, kind: .integer)
        program.addConstraint(
            "closeness_total[\(position)]", [(total, 1)] + posts.map { ($0, -1) }, lower: 0, upper: 0)
        let half = program.addVariable("closeness_half[\(position)]", lower: 0, kind: .integer)
        program.addConstraint(
            "closeness_parity[\(position)]", distances.map { ($0, 1) } + posts.map { ($0, 1) } + [(half, -2)],
            lower: goals, upper: goals)
        return (total, half)
    }

    /// P and K at a plan with exact distances: its posts, and its posts above the targets (each p_j rounded, as a
    /// solver's integer columns are whole only within its tolerance).
    static func values(_ counted: [Counted], at values: [Double]) -> (total: Double, half: Double) {
        var total = 0.0
        var half = 0.0
        for (terms, goal) in counted {
            let posts = terms.reduce(0.0) { $0 + values[$1.index] }.rounded()
            total += posts
            half += max(0, posts - goal)
        }
        return (total, half)
    }
}
