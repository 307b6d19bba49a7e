import Foundation
import LinearProgramming
import Scenario

/// Money moved into funding-option upgrades (docs/model.md, "Solving the commune model", step 4). Once the pairs and
/// relocations of `CommuneImprovement` find nothing, a whole post moved elsewhere gains little; an *upgrade*, a post of
/// the same site unit changed to a decision that serves more people for more money (`full` to `partial_3y` at a public
/// host: 214 more people for €2,500), can be worth ten times as much per euro, but the euros a rounded plan leaves are
/// rarely enough for one. So a step that frees money (a post dropped, a post downgraded in its unit, or a post dropped
/// in a territory whose floor held it once a post of another territory switches to that territory's pool at a site
/// unit they share) is joined to the upgrades the money buys, by exact gain per euro, and the exchange is valued at
/// once. At €40M, HiGHS's optimum differs from the relocations' plan by exactly such an exchange (BENCHMARKS.md, "What
/// HiGHS's optimum changes in the €40M commune plan"). At €80M it differs by new posts paid by posts dropped or
/// downgraded across the country, several for one: so new posts (additions) are bought like upgrades, and one exchange
/// pools the money-freeing steps to pay for them (BENCHMARKS.md, "Money pooled for new posts").
enum CommuneUpgrades {
    /// Upgrades (and as many additions) and money-freeing steps valued per round, and exchanges (steps and the upgrades
    /// and additions they pay for) valued.
    static let upgradesPerRound = 16
    static let giversPerRound = 16
    static let exchangesPerRound = 4

    /// A change of the plan: one post taken from each of `removed` and given to each of `added`; the State euros it
    /// frees (negative: it costs; `CommuneIndependentExchanges` counts posts instead when every post is placed); the
    /// dual-priced bound of its change of value that orders the candidates (the value is concave in each unit's supply,
    /// so Σ price × people changed bounds the gain from above); and, once valued, the exact change of value.
    struct Step {
        var removed: [Int]
        var added: [Int]
        var freed: Double
        var screen: Double
        var change = 0.0

        func applied(to posts: [Int]) -> [Int] {
            var result = posts
            for decision in removed { result[decision] -= 1 }
            for decision in added { result[decision] += 1 }
            return result
        }
    }

    /// The rules' ledger of a plan and the posts within reach of each `endow_reach` row, as steps are tried on it
    /// (`keeps`) and joined into an exchange (`apply`, `undo`): shared by this exchange and
    /// `CommuneIndependentExchanges`.
    struct Rules {
        private var ledger: CommuneRounding.Ledger
        let covers: CommuneImprovement.Covers
        private var coverCounts: [Int]

        init(model: CommuneModel, scenario: Scenario, posts: [Int], covers: CommuneImprovement.Covers) {
            ledger = CommuneRounding.Ledger(model: model, scenario: scenario, posts: posts)
            self.covers = covers
            coverCounts = covers.counts(posts)
        }

        /// True when one post fewer of `decision` leaves every `endow_reach` row with a post.
        func canRemove(_ decision: Int) -> Bool { covers.canRemove(decision, counts: coverCounts) }

        /// Posts the plan leaves unplaced.
        var postsLeft: Int { ledger.scenario.parameters.posts - ledger.total }

        /// True when the plan with `removed` and `added` changed keeps every rule, the budget raised by `room` (and,
        /// with no limit on money, the posts and the territory and région caps by as many as are added: another step
        /// may free them). The ledger is left as it was.
        mutating func keeps(_ removed: [Int], _ added: [Int], room: Double) -> Bool {
            for decision in removed { ledger.remove(decision) }
            var given: [Int] = []
            for decision in added {
                guard ledger.allows(decision, budgetRoom: room, postsRoom: room.isInfinite ? added.count : 0) else {
                    break
                }
                ledger.add(decision)
                given.append(decision)
            }
            let kept = given.count == added.count && ledger.meetsFloors
            for decision in given { ledger.remove(decision) }
            for decision in removed { ledger.add(decision) }
            return kept
        }

        /// Applies `step` if every rule still holds after it and no row is left without a post (true); otherwise
        /// leaves everything as it was (false).
        mutating func apply(_ step: Step) -> Bool {
            for decision in step.removed {
                ledger.remove(decision)
                for row in covers.rowsOf[decision] { coverCounts[row] -= 1 }
            }
            var given: [Int] = []
            for decision in step.added {
                guard ledger.allows(decision) else { break }
                ledger.add(decision)
                for row in covers.rowsOf[decision] { coverCounts[row] += 1 }
                given.append(decision)
            }
            let covered = step.removed.allSatisfy { covers.canRemove($0, counts: coverCounts, after: true) }
            if given.count == step.added.count && ledger.meetsFloors && covered { return true }
            undo(Step(removed: step.removed, added: given, freed: 0, screen: 0))
            return false
        }

        /// Takes back a step applied.
        mutating func undo(_ step: Step) {
            for decision in step.added {
                ledger.remove(decision)
                for row in covers.rowsOf[decision] { coverCounts[row] -= 1 }
            }
            for decision in step.removed {
                ledger.add(decision)
                for row in covers.rowsOf[decision] { coverCounts[row] += 1 }
            }
        }
    }

    /// The best exchange found from `posts` that raises the plan's value, or why none: every candidate of the round
    /// valued (`noneLeft`), or the allowance ended first (`stopped`). Each plan valued counts against `allowance`.
    static func exchange(
        _ posts: [Int], evaluation: CommuneFixedPlan.Evaluation, evaluator: inout CommuneFixedPlan,
        covers: CommuneImprovement.Covers, scenario: Scenario, allowance: inout CommuneImprovement.Allowance,
        solver: any LinearSolver, options: SolverOptions
    ) throws -> CommuneImprovement.Move {
        let model = evaluator.model
        let unit = evaluator.unitOfDecision
        let price = evaluation.unitDuals.map(abs)
        let people = model.decisions.map(\.peoplePerPost)
        let cost = model.decisions.map(\.stateCostEUR)
        let territory = model.decisions.map { model.pools[$0.pool].territory }
        var decisionsOfUnit = [[Int]](repeating: [], count: (unit.max() ?? -1) + 1)
        for (decision, u) in unit.enumerated() { decisionsOfUnit[u].append(decision) }
        var rules = Rules(model: model, scenario: scenario, posts: posts, covers: covers)

        func valued(_ step: Step) throws -> Step {
            let next = try evaluator.evaluate(step.applied(to: posts), solver: solver, options: options)
            allowance.count(work: next.work)
            var result = step
            result.change = next.value - evaluation.value
            return result
        }
        let noise = max(1e-9, 1e-9 * abs(evaluation.value))

        // Upgrades: per unit, the change of one post to a decision of the same unit serving more people, whatever its
        // cost, best by bound per euro (a change that costs nothing first).
        var upgradeOfUnit = [Step?](repeating: nil, count: decisionsOfUnit.count)
        func perEuro(_ step: Step) -> Double { step.freed >= 0 ? .infinity : step.screen / -step.freed }
        for from in model.decisions.indices where posts[from] > 0 {
            for to in decisionsOfUnit[unit[from]] where people[to] > people[from] + 1e-9 {
                let step = Step(
                    removed: [from], added: [to], freed: cost[from] - cost[to],
                    screen: price[unit[from]] * (people[to] - people[from]))
                guard step.screen > 0, rules.keeps([from], [to], room: .infinity) else { continue }
                if let best = upgradeOfUnit[unit[from]], perEuro(best) >= perEuro(step) { continue }
                upgradeOfUnit[unit[from]] = step
            }
        }
        let upgradeCandidates = upgradeOfUnit.compactMap { $0 }
            .sorted { (perEuro($0), -$0.removed[0], -$0.added[0]) > (perEuro($1), -$1.removed[0], -$1.added[0]) }
            .prefix(upgradesPerRound)
        // Additions: one more post where its pool has room, per unit the best by bound per euro. At €80M what HiGHS's
        // plan gains is new posts (private `partial_3y` in Île-de-France and Réunion) paid by posts dropped or
        // downgraded elsewhere, not upgrades (BENCHMARKS.md, "What HiGHS's plan changes at €80M").
        var additionOfUnit = [Step?](repeating: nil, count: decisionsOfUnit.count)
        for to in model.decisions.indices where cost[to] > 0 && price[unit[to]] > 0 {
            let step = Step(removed: [], added: [to], freed: -cost[to], screen: price[unit[to]] * people[to])
            if let best = additionOfUnit[unit[to]], perEuro(best) >= perEuro(step) { continue }
            guard rules.keeps([], [to], room: .infinity) else { continue }
            additionOfUnit[unit[to]] = step
        }
        let additionCandidates = additionOfUnit.compactMap { $0 }
            .sorted { (perEuro($0), -$0.added[0]) > (perEuro($1), -$1.added[0]) }
            .prefix(upgradesPerRound)
        if upgradeCandidates.isEmpty && additionCandidates.isEmpty { return .noneLeft }
        var upgrades: [Step] = []
        for candidate in upgradeCandidates + additionCandidates {
            if allowance.expired() { return .stopped }
            let step = try valued(candidate)
            if step.change > noise { upgrades.append(step) }
        }
        if upgrades.isEmpty { return .noneLeft }
        upgrades.sort {
            ($0.freed >= 0 ? .infinity : $0.change / -$0.freed, -($0.removed.first ?? -1), -$0.added[0])
                > ($1.freed >= 0 ? .infinity : $1.change / -$1.freed, -($1.removed.first ?? -1), -$1.added[0])
        }

        // Steps that free money without leaving an endowed group out of reach of a post: a post dropped; a post
        // changed to a cheaper decision of its unit serving no more people; and, where a territory's floor holds the
        // dropped post, the drop with a post of another territory switched to the dropped one's territory at a site
        // unit both have pools in.
        var givers: [Step] = []
        for from in model.decisions.indices where posts[from] > 0 {
            let u = unit[from]
            for to in decisionsOfUnit[u] where people[to] <= people[from] + 1e-9 && cost[to] < cost[from] {
                if rules.keeps([from], [to], room: 0) {
                    givers.append(
                        Step(
                            removed: [from], added: [to], freed: cost[from] - cost[to],
                            screen: price[u] * (people[from] - people[to])))
                }
            }
            guard rules.canRemove(from) else { continue }
            if rules.keeps([from], [], room: 0) {
                givers.append(Step(removed: [from], added: [], freed: cost[from], screen: price[u] * people[from]))
                continue
            }
            let t = territory[from]
            for to in model.decisions.indices where territory[to] == t && to != from {
                for switched in decisionsOfUnit[unit[to]]
                where posts[switched] > 0 && territory[switched] != t && switched != from {
                    let freed = cost[from] + cost[switched] - cost[to]
                    guard freed > 0, rules.keeps([from, switched], [to], room: 0) else { continue }
                    givers.append(
                        Step(
                            removed: [from, switched], added: [to], freed: freed,
                            screen: price[u] * people[from] + price[unit[to]] * (people[switched] - people[to])))
                }
            }
        }
        var seen = Set<Int>()
        // Every step is a candidate, whatever it frees: pooled, several pay for what none pays for alone.
        let giverCandidates =
            givers
            .sorted {
                ($0.screen / $0.freed, $0.removed[0], $0.removed.last!, $0.added.first ?? -1)
                    < ($1.screen / $1.freed, $1.removed[0], $1.removed.last!, $1.added.first ?? -1)
            }
            .filter { seen.insert($0.removed[0]).inserted }
            .prefix(giversPerRound)
        var freeing: [Step] = [Step(removed: [], added: [], freed: 0, screen: 0)]
        for candidate in giverCandidates {
            if allowance.expired() { return .stopped }
            freeing.append(try valued(candidate))
        }

        // Each step with the upgrades its money (and the budget left) buys, best gain per euro first, at most one
        // change per unit; the estimate adds the changes valued one by one (exact when their components differ).
        var exchanges: [(step: Step, estimate: Double)] = []
        for giver in freeing {
            guard rules.apply(giver) else { continue }
            var used = Set((giver.removed + giver.added).map { unit[$0] })
            var exchange = giver
            var estimate = giver.change
            for upgrade in upgrades where !used.contains(unit[upgrade.added[0]]) {
                if rules.apply(upgrade) {
                    exchange.removed += upgrade.removed
                    exchange.added += upgrade.added
                    estimate += upgrade.change
                    used.insert(unit[upgrade.added[0]])
                }
            }
            rules.undo(exchange)  // everything this exchange changed, the giver's part included
            if exchange.added.count + exchange.removed.count > giver.added.count + giver.removed.count,
                estimate > noise
            {
                exchanges.append((exchange, estimate))
            }
        }
        // The givers pooled: the gains best per euro first, each paid by the budget left and then by the givers of
        // least loss per euro, as long as a gain is worth more per euro than the giver that pays for it.
        do {
            let pool = freeing.dropFirst().filter { $0.freed > 0 }
                .sorted { (-$0.change / $0.freed, $0.removed[0]) < (-$1.change / $1.freed, $1.removed[0]) }
            var exchange = Step(removed: [], added: [], freed: 0, screen: 0)
            var estimate = 0.0
            var used = Set<Int>()
            var nextGiver = 0
            for upgrade in upgrades where !used.contains(unit[upgrade.added[0]]) {
                let gainPerEuro = upgrade.freed >= 0 ? Double.infinity : upgrade.change / -upgrade.freed
                var paid = rules.apply(upgrade)
                var paying: [Step] = []
                while !paid, nextGiver < pool.count, -pool[nextGiver].change / pool[nextGiver].freed < gainPerEuro {
                    let giver = pool[nextGiver]
                    nextGiver += 1
                    let units = (giver.removed + giver.added).map { unit[$0] }
                    guard !units.contains(where: { used.contains($0) || $0 == unit[upgrade.added[0]] }),
                        rules.apply(giver)
                    else { continue }
                    paying.append(giver)
                    paid = rules.apply(upgrade)
                }
                guard paid else {
                    paying.reversed().forEach { rules.undo($0) }
                    break
                }
                for step in paying + [upgrade] {
                    (step.removed + step.added).forEach { used.insert(unit[$0]) }
                    exchange.removed += step.removed
                    exchange.added += step.added
                    estimate += step.change
                }
            }
            rules.undo(exchange)
            if !exchange.added.isEmpty, estimate > noise { exchanges.append((exchange, estimate)) }
        }
        exchanges.sort { ($0.estimate, -$0.step.removed.count) > ($1.estimate, -$1.step.removed.count) }
        var best: (posts: [Int], evaluation: CommuneFixedPlan.Evaluation)?
        for (exchange, _) in exchanges.prefix(exchangesPerRound) {
            if allowance.expired() {
                return best.map { .moved(posts: $0.posts, evaluation: $0.evaluation, inFull: false) } ?? .stopped
            }
            let trial = exchange.applied(to: posts)
            let next = try evaluator.evaluate(trial, solver: solver, options: options)
            allowance.count(work: next.work)
            if next.value > (best?.evaluation.value ?? evaluation.value + noise) { best = (trial, next) }
        }
        if let best { return .moved(posts: best.posts, evaluation: best.evaluation, inFull: true) }
        return .noneLeft
    }
}
