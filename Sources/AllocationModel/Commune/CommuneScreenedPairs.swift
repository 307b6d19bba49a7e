import Foundation
import LinearProgramming
import Scenario

/// One post moved from one decision to another, the pairs ranked by the duals' bound on their gain (docs/model.md,
/// "Solving the commune model", step 4). The pairs of `CommuneImprovement` value 16 givers and 16 takers one by one
/// and pair them; at €80M its allowance ends with 1,681 single relocations left that each raise the plan's value
/// (BENCHMARKS.md, "What HiGHS's plan changes at €80M"), because the best pairs are a cheap post where it is worth
/// least per euro and a dear one where it is worth most, which those lists of whole-post worth rarely hold together.
/// Here the bound of every pair among the `listLength` givers and takers of least and most worth is computed first (the
/// fixed-plan value is concave in each unit's supply, so price × people taken and given bounds the change from above;
/// for the best pairs there it equals the exact change), the pairs every rule allows are ranked by it, and the best
/// `valuedPerRound` are valued exactly.
enum CommuneScreenedPairs {
    static let listLength = 256
    static let valuedPerRound = 16

    /// The best of the pairs valued that raises the plan's value, `noneLeft` when none does (or none passes the
    /// screen), `stopped` when the allowance ends first.
    static func move(
        _ posts: [Int], evaluation: CommuneFixedPlan.Evaluation, evaluator: inout CommuneFixedPlan,
        covers: CommuneImprovement.Covers, scenario: Scenario, allowance: inout CommuneImprovement.Allowance,
        solver: any LinearSolver, options: SolverOptions
    ) throws -> CommuneImprovement.Move {
        let model = evaluator.model
        let unit = evaluator.unitOfDecision
        let worth = model.decisions.indices.map {
            abs(evaluation.unitDuals[unit[$0]]) * model.decisions[$0].peoplePerPost
        }
        var ledger = CommuneRounding.Ledger(model: model, scenario: scenario, posts: posts)
        let counts = covers.counts(posts)
        let noise = max(1e-9, 1e-9 * abs(evaluation.value))
        let givers = model.decisions.indices.filter { posts[$0] > 0 && covers.canRemove($0, counts: counts) }
            .sorted { (worth[$0], $0) < (worth[$1], $1) }.prefix(listLength)
        let takers = model.decisions.indices.filter {
            ledger.pool[model.decisions[$0].pool] < model.pools[model.decisions[$0].pool].capacity
        }
        .sorted { (worth[$0], -$0) > (worth[$1], -$1) }.prefix(listLength)
        var pairs: [(giver: Int, taker: Int, bound: Double)] = []
        for giver in givers {
            ledger.remove(giver)
            for taker in takers where taker != giver {
                let bound = worth[taker] - worth[giver]
                if bound <= noise { break }  // takers come by worth, most first
                guard ledger.allows(taker) else { continue }
                ledger.add(taker)
                if ledger.meetsFloors { pairs.append((giver, taker, bound)) }
                ledger.remove(taker)
            }
            ledger.add(giver)
        }
        if pairs.isEmpty { return .noneLeft }
        pairs.sort { ($0.bound, -$0.giver, -$0.taker) > ($1.bound, -$1.giver, -$1.taker) }
        var best: (posts: [Int], evaluation: CommuneFixedPlan.Evaluation)?
        for pair in pairs.prefix(valuedPerRound) {
            if allowance.expired() {
                return best.map { .moved(posts: $0.posts, evaluation: $0.evaluation, inFull: false) } ?? .stopped
            }
            var trial = posts
            trial[pair.giver] -= 1
            trial[pair.taker] += 1
            let next = try evaluator.evaluate(trial, solver: solver, options: options)
            allowance.count(work: next.work)
            if next.value > (best?.evaluation.value ?? evaluation.value + noise) { best = (trial, next) }
        }
        if let best { return .moved(posts: best.posts, evaluation: best.evaluation, inFull: true) }
        return .noneLeft
    }
}
