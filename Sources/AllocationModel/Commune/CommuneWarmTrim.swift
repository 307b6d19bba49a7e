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
    /// and State euros than the scenario allows, never a territory or a region below its floor nor an `endow_reach`
    /// row without a post; unchanged when they already fit. What cannot be removed under those rules, or in twice the
    /// batches planned, is left to the rounding.
    static func trim(
        _ values: [Double], evaluator: inout CommuneFixedPlan, scenario: Scenario, solver: any LinearSolver,
        options: SolverOptions, log: (String) -> Void
    ) throws -> [Double] {
        let started = Date()
        let model = evaluator.model
        let unit = evaluator.unitOfDecision
        let parameters = scenario.parameters
        var posts = model.decisions.map { Int(max(0, values[$0.variable.index]).rounded()) }
        let territoryOf = model.decisions.map { model.pools[$0.pool].territory }
        // What the plan uses of the posts, euros and floors, updated post by post (the rounding's own ledger).
        var ledger = CommuneRounding.Ledger(model: model, scenario: scenario, posts: posts)
        let regionFloor = scenario.regionPostRange.min
        let moneyLimit = parameters.budgetEUR + 1e-6
        guard ledger.total > parameters.posts || ledger.spent > moneyLimit else { return values }
        let startCount = ledger.total
        let startMoney = ledger.spent
        let postsStep = max(1, (ledger.total - parameters.posts + batches - 1) / batches)
        let moneyStep = max(0, ledger.spent - parameters.budgetEUR) / Double(batches)
        let covers = CommuneImprovement.Covers(model)
        var counts = covers.counts(posts)
        /// One post fewer of `index` keeps its territory's and its region's floors and a post in every covering row.
        func removable(_ index: Int) -> Bool {
            let t = territoryOf[index]
            return posts[index] > 0 && ledger.territory[t] > ledger.floors[t]
                && ledger.region[ledger.regionOfTerritory[t]] > regionFloor && covers.canRemove(index, counts: counts)
        }
        // A batch cut short (one post per unit, the rest kept by the floors or the covers) leaves the excess to the
        // next, up to twice the batches planned; what is left then goes to the rounding.
        var rounds = 0
        for _ in 0..<(2 * batches) where ledger.total > parameters.posts || ledger.spent > moneyLimit {
            let evaluation = try evaluator.evaluate(posts, solver: solver, options: options)
            let perEuro = ledger.spent > moneyLimit
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
            // Equal worth (posts that lose nothing): the dearer post first when euros are short.
            let cost = model.decisions.map { perEuro ? -$0.stateCostEUR : 0 }
            let candidates = model.decisions.indices.filter(removable)
                .sorted { (worth[$0], cost[$0], $0) < (worth[$1], cost[$1], $1) }
            let postsTarget = max(ledger.total - postsStep, parameters.posts)
            let moneyTarget = max(ledger.spent - moneyStep, moneyLimit)
            var cutUnits = Set<Int>()
            var removed = 0
            for index in candidates {
                if ledger.total <= postsTarget && ledger.spent <= moneyTarget { break }
                guard removable(index), cutUnits.insert(unit[index]).inserted else { continue }
                posts[index] -= 1
                ledger.remove(index)
                for row in covers.rowsOf[index] { counts[row] -= 1 }
                removed += 1
            }
            if removed == 0 { break }
            rounds += 1
        }
        log(
            "warm start: the previous plan cut from \(startCount) to \(ledger.total) posts and from \((startMoney / 1e6).logged(decimals: 2)) to \((ledger.spent / 1e6).logged(decimals: 2)) M€ in \(rounds) batches, each priced by the plan the one before left, in \(Date().timeIntervalSince(started).loggedSeconds) s"
        )
        var trimmed = values
        for (index, decision) in model.decisions.enumerated() {
            trimmed[decision.variable.index] = Double(posts[index])
        }
        return trimmed
    }
}
