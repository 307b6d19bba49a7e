import Foundation
import LinearProgramming
import Scenario

/// A previous plan cut down to this scenario's posts and money before the rounding (docs/model.md, "A variant from a
/// solved run", step 2). Why: the rounding keeps a previous plan's posts decision by decision, best value per euro
/// first at the warm start's prices, so with less money the last decisions lost all their posts at once, priced by
/// duals that are equal almost everywhere (at 15 km most units price one more person at 0.926). At 15 km and €180M
/// from the €200M plan that kept Paris's 113 posts (the cold plan holds 59) and left the plan 0.816 % below a bound
/// equal to the LP's; the local improvement's moves then recovered 0.02 point. Here the posts go a batch at a time,
/// at most one per site unit per batch, the least loss per euro first (per post when only the number of posts is
/// exceeded), each batch priced on the plan the one before left by what a whole post's people would lose
/// (`CommuneFixedPlan.removalLosses`): 0.133 % there.
enum CommuneWarmTrim {
    /// Batches the excess is cut in: each takes an equal share of it, then a fresh evaluation prices the next (each
    /// evaluation 0.07–0.10 s at 20 km). Measured on `scripts/bench-warm`'s variants: 2 batches left 10 km €190M at
    /// 0.546 % and 15 km €180M at 0.167 %; 5 give 0.479 % and 0.133 %, 8 give 0.479 % and 0.115 % for 0.3 s more.
    static let batches = 5

    /// `values` (a program's values: posts per decision column) with posts removed until the plan holds no more posts
    /// and State euros than the scenario allows, never a territory below its floor nor an `endow_reach` row without a
    /// post; unchanged when they already fit. What cannot be removed under those rules is left to the rounding.
    static func trim(
        _ values: [Double], evaluator: inout CommuneFixedPlan, scenario: Scenario, solver: any LinearSolver,
        options: SolverOptions, log: (String) -> Void
    ) throws -> [Double] {
        let model = evaluator.model
        let unit = evaluator.unitOfDecision
        let parameters = scenario.parameters
        var posts = model.decisions.map { Int(max(0, values[$0.variable.index]).rounded()) }
        let territoryOf = model.decisions.map { model.pools[$0.pool].territory }
        var territoryPosts = [Int](repeating: 0, count: scenario.territories.count)
        var count = 0
        var money = 0.0
        for (index, decision) in model.decisions.enumerated() {
            territoryPosts[territoryOf[index]] += posts[index]
            count += posts[index]
            money += Double(posts[index]) * decision.stateCostEUR
        }
        let floors = scenario.territories.map { scenario.postRange(of: $0).min }
        let moneyLimit = parameters.budgetEUR + 1e-6
        guard count > parameters.posts || money > moneyLimit else { return values }
        let startCount = count
        let startMoney = money
        let postsStep = max(1, (count - parameters.posts + batches - 1) / batches)
        let moneyStep = max(0, money - parameters.budgetEUR) / Double(batches)
        let covers = CommuneImprovement.Covers(model)
        var counts = covers.counts(posts)
        var rounds = 0
        while count > parameters.posts || money > moneyLimit {
            rounds += 1
            let evaluation = try evaluator.evaluate(posts, solver: solver, options: options)
            let perEuro = money > moneyLimit
            // The loss of one post at each unit, for the unit's own post size (its decisions' largest).
            var postPeople = [Double](repeating: 0, count: model.reach.units.count)
            for (index, decision) in model.decisions.enumerated() where posts[index] > 0 {
                postPeople[unit[index]] = max(postPeople[unit[index]], decision.peoplePerPost)
            }
            let losses = evaluator.removalLosses(of: posts, evaluation: evaluation, people: postPeople)
            let worth = model.decisions.indices.map { index in
                let perPost =
                    losses[unit[index]] * model.decisions[index].peoplePerPost / max(postPeople[unit[index]], 1)
                return perEuro ? perPost / max(model.decisions[index].stateCostEUR, 1) : perPost
            }
            let candidates = model.decisions.indices.filter {
                posts[$0] > 0 && territoryPosts[territoryOf[$0]] > floors[territoryOf[$0]]
                    && covers.canRemove($0, counts: counts)
            }
            .sorted { (worth[$0], $0) < (worth[$1], $1) }
            let postsTarget = count - postsStep
            let moneyTarget = money - moneyStep
            var cutUnits = Set<Int>()
            var removed = 0
            for index in candidates {
                let postsDone = count <= max(postsTarget, parameters.posts)
                let moneyDone = money <= max(moneyTarget, moneyLimit)
                if postsDone && moneyDone { break }
                guard territoryPosts[territoryOf[index]] > floors[territoryOf[index]],
                    covers.canRemove(index, counts: counts), cutUnits.insert(unit[index]).inserted
                else { continue }
                posts[index] -= 1
                for row in covers.rowsOf[index] { counts[row] -= 1 }
                territoryPosts[territoryOf[index]] -= 1
                count -= 1
                money -= model.decisions[index].stateCostEUR
                removed += 1
            }
            if removed == 0 { break }
        }
        log(
            "warm start: the previous plan cut from \(startCount) to \(count) posts and from \((startMoney / 1e6).logged(decimals: 2)) to \((money / 1e6).logged(decimals: 2)) M€ in \(rounds) batches, each priced by the plan the one before left"
        )
        var trimmed = values
        for (index, decision) in model.decisions.enumerated() {
            trimmed[decision.variable.index] = Double(posts[index])
        }
        return trimmed
    }
}
