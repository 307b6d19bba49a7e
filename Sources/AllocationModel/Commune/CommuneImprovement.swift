import Foundation
import LinearProgramming
import Scenario

/// Local improvement of a rounded commune plan (docs/model.md, "Solving the commune model", step 4). The duals of the
/// fixed-plan LPs only suggest where a post is worth least and most; a whole post (428–642 people) crosses breakpoints,
/// so each suggestion is valued exactly instead: the loss of taking one post from a decision and the gain of giving
/// one to another, each by the component-by-component evaluation (only the changed components are solved, the rest
/// come from its cache). Takers are then paired with givers whose loss is smaller than their gain, every rule kept,
/// and the batch is valued exactly and kept only if the plan's value rises (the best pair alone otherwise).
enum CommuneImprovement {
    /// Givers and takers valued per round.
    static let candidatesPerRound = 16

    /// Improves `posts` (and its `evaluation`) while `allowance` seconds of LP solves remain; returns the seconds used.
    static func improve(
        _ posts: inout [Int], evaluation: inout CommuneFixedPlan.Evaluation, evaluator: inout CommuneFixedPlan,
        scenario: Scenario, allowance: Double, solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void
    ) throws -> Double {
        let model = evaluator.model
        let unit = evaluator.unitOfDecision
        var seconds = 0.0
        var examinedGivers = Set<Int>(), examinedTakers = Set<Int>()
        while seconds < allowance {
            let worth = model.decisions.indices.map {
                abs(evaluation.unitDuals[unit[$0]]) * model.decisions[$0].peoplePerPost
            }
            let givers = firstOnePerUnit(
                model.decisions.indices.filter { posts[$0] > 0 && !examinedGivers.contains($0) }
                    .sorted { (worth[$0], $0) < (worth[$1], $1) }, unit: unit)
            let takers = firstOnePerUnit(
                model.decisions.indices.filter {
                    posts[$0] < model.pools[model.decisions[$0].pool].capacity && !examinedTakers.contains($0)
                }
                .sorted { (worth[$0], -$0) > (worth[$1], -$1) }, unit: unit)
            if givers.isEmpty || takers.isEmpty { break }
            examinedGivers.formUnion(givers)
            examinedTakers.formUnion(takers)
            var loss: [Int: Double] = [:], gain: [Int: Double] = [:]
            for giver in givers where seconds < allowance {
                var trial = posts
                trial[giver] -= 1
                let next = try evaluator.evaluate(trial, solver: solver, options: options)
                seconds += next.seconds
                loss[giver] = evaluation.value - next.value
            }
            for taker in takers where seconds < allowance {
                var trial = posts
                trial[taker] += 1
                let next = try evaluator.evaluate(trial, solver: solver, options: options)
                seconds += next.seconds
                gain[taker] = next.value - evaluation.value
            }
            let pairs = paired(gain: gain, loss: loss, posts: posts, model: model, scenario: scenario, unit: unit)
            if pairs.isEmpty { continue }
            var batch = posts
            for pair in pairs {
                batch[pair.from] -= 1
                batch[pair.to] += 1
            }
            var next = try evaluator.evaluate(batch, solver: solver, options: options)
            seconds += next.seconds
            if pairs.count > 1 && next.value <= evaluation.value + pairs[0].estimate {
                // Pairs sharing a component need not add up: the best pair alone, valued exactly.
                batch = posts
                batch[pairs[0].from] -= 1
                batch[pairs[0].to] += 1
                next = try evaluator.evaluate(batch, solver: solver, options: options)
                seconds += next.seconds
            }
            guard next.value > evaluation.value * (1 + 1e-9) + 1e-9 else { continue }
            log("commune plan improved to \(next.value) (\(pairs.count) moves)")
            posts = batch
            evaluation = next
            // The plan changed: every decision may be worth trying again (unchanged components are cached).
            examinedGivers = []
            examinedTakers = []
        }
        return seconds
    }

    /// The first `candidatesPerRound` decisions of `ordered`, at most one per site unit.
    private static func firstOnePerUnit(_ ordered: [Int], unit: [Int]) -> [Int] {
        var seen = Set<Int>()
        var result: [Int] = []
        for decision in ordered where result.count < candidatesPerRound && seen.insert(unit[decision]).inserted {
            result.append(decision)
        }
        return result
    }

    /// Takers by gain, each with the giver of least loss (smaller than the gain) that keeps every rule; every unit in
    /// at most one pair. `estimate` is gain − loss, exact when the pair's components are shared with no other pair.
    private static func paired(
        gain: [Int: Double], loss: [Int: Double], posts: [Int], model: CommuneModel, scenario: Scenario,
        unit: [Int]
    ) -> [(from: Int, to: Int, estimate: Double)] {
        var ledger = CommuneRounding.Ledger(model: model, scenario: scenario)
        for (index, count) in posts.enumerated() { for _ in 0..<count { ledger.add(index) } }
        let takers = gain.filter { $0.value > 0 }.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }
        let givers = loss.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        var used = Set<Int>()
        var pairs: [(from: Int, to: Int, estimate: Double)] = []
        for (taker, gained) in takers where !used.contains(unit[taker]) {
            for (giver, lost) in givers where lost < gained && !used.contains(unit[giver]) && unit[giver] != unit[taker]
            {
                ledger.remove(giver)
                if ledger.allows(taker) {
                    ledger.add(taker)
                    if ledger.meetsFloors {
                        pairs.append((giver, taker, gained - lost))
                        used.insert(unit[giver])
                        used.insert(unit[taker])
                        break
                    }
                    ledger.remove(taker)
                }
                ledger.add(giver)
            }
        }
        return pairs.sorted { $0.estimate > $1.estimate }
    }
}
