import Foundation
import LinearProgramming
import Scenario

/// Many exchanges of money at once (docs/model.md, "Solving the commune model", step 4, "Independent exchanges"). In a
/// plan far below its bound, money sits in the wrong places all over the country: at €80M, site units that would gain
/// 2,871 from a new private `partial_3y` post while posts elsewhere lose 1,189 for the same €50,229 (BENCHMARKS.md, "A
/// review's warm-start cases, and where the €80M exchanges stop"). `CommuneUpgrades` keeps one exchange per round of
/// about fifty plans valued. Here each candidate's change is valued exactly (`CommuneFixedPlan.change(of:…)`) or taken
/// from an earlier round's (`Memory`), and the gains, best per euro first, are each paid by the budget left and by the
/// drops and downgrades of least loss per euro (each worth less per euro than the gain; per post instead of per euro
/// when every post is placed: then a new post is paid by a post dropped), every rule and every
/// `endow_reach` row kept, into bundles whose units reach no group in common with any bundle taken before. Such bundles
/// change the value almost independently (within the one large component of a national plan, people may still be
/// re-routed between them), so their summed change estimates the batch's, and one evaluation of the whole plan decides:
/// the batch is kept only if it raises the value (at €80M, 12 bundles estimated at +15,486.8 were worth +15,463.2). Two
/// gains that share a group compete for its people (twelve Paris bundles allowed to share groups were estimated at
/// +29,956.5 and worth +13,195.9), so the second waits for a later round.
enum CommuneIndependentExchanges {
    /// Gains (an addition or an upgrade, one per site unit) and givers (a drop or a downgrade, one per site unit)
    /// valued per round, those of best dual-priced bound per euro first.
    static let gainsPerRound = 32
    static let giversPerRound = 96

    /// Changes valued in earlier rounds, taken again as estimates while no post has changed at a unit that shares a
    /// group with a unit sharing a group with theirs: a move elsewhere in the plan's one large component changes such
    /// a value (an addition's 2,871.1 was 2,836.0 five rounds later at €80M; a move that splits or joins the
    /// component may change it more), and the batch is valued exactly before it is kept, its values forgotten if it is
    /// refused. A round then values only the candidates near the last move, or new ones.
    struct Memory {
        struct Key: Hashable {
            let removed: [Int]
            let added: [Int]
        }
        private(set) var posts: [Int] = []
        var changes: [Key: (value: Double, groups: [Int])] = [:]

        init() {}

        /// Forgets every change near a unit whose posts differ between `posts` and the posts remembered.
        mutating func update(to posts: [Int], model: CommuneModel, unit: [Int], groupUnits: [[Int]]) {
            defer { self.posts = posts }
            guard self.posts.count == posts.count else {
                changes = [:]
                return
            }
            let changedUnits = Set(posts.indices.filter { posts[$0] != self.posts[$0] }.map { unit[$0] })
            if changedUnits.isEmpty { return }
            let reached = Set(changedUnits.flatMap { model.reach.unitGroups[$0] })
            let neighbours = Set(reached.flatMap { groupUnits[$0] })
            let near = Set(neighbours.flatMap { model.reach.unitGroups[$0] })
            changes = changes.filter { !$0.value.groups.contains(where: near.contains) }
        }
    }

    /// A change of the plan, as in `CommuneUpgrades.Step`, valued.
    private struct Candidate {
        let step: CommuneUpgrades.Step
        /// Its change of value, exact or remembered (`Memory`).
        let change: Double
        /// The groups within reach of the units the step changes.
        let groups: [Int]
        /// Its change per euro, or per post when posts limit the plan (`freed` is then counted in posts); infinite
        /// for a gain that needs none of the limiting resource.
        var perEuro: Double { step.freed >= 0 ? .infinity : change / -step.freed }
    }

    /// The plan with the independent bundles found from `posts` applied, if it is worth more; `noneLeft` when no
    /// bundle gains, `stopped` when the allowance ended first. Each change valued counts against `allowance`.
    static func exchange(
        _ posts: [Int], evaluation: CommuneFixedPlan.Evaluation, evaluator: inout CommuneFixedPlan,
        covers: CommuneImprovement.Covers, scenario: Scenario, allowance: inout CommuneImprovement.Allowance,
        memory: inout Memory, solver: any LinearSolver, options: SolverOptions
    ) throws -> CommuneImprovement.Move {
        let model = evaluator.model
        let unit = evaluator.unitOfDecision
        var groupUnits = [[Int]](repeating: [], count: model.reach.groups.count)
        for (u, groups) in model.reach.unitGroups.enumerated() { for group in groups { groupUnits[group].append(u) } }
        memory.update(to: posts, model: model, unit: unit, groupUnits: groupUnits)
        let price = evaluation.unitDuals.map(abs)
        let people = model.decisions.map(\.peoplePerPost)
        let cost = model.decisions.map(\.stateCostEUR)
        var decisionsOfUnit = [[Int]](repeating: [], count: (unit.max() ?? -1) + 1)
        for (decision, u) in unit.enumerated() { decisionsOfUnit[u].append(decision) }
        var rules = CommuneUpgrades.Rules(model: model, scenario: scenario, posts: posts, covers: covers)
        // What a step frees of the resource that limits the plan: State euros, or posts when every post is placed
        // (1,000 posts at €200M: a new post is paid by a post dropped, whatever the euros). The money is still checked
        // by the rules at every step: a new post that the euros freed cannot pay for is not bought.
        let postsLimit = rules.postsLeft <= 0
        func freed(_ removed: [Int], _ added: [Int]) -> Double {
            postsLimit
                ? Double(removed.count - added.count)
                : removed.reduce(0) { $0 + cost[$1] } - added.reduce(0) { $0 + cost[$1] }
        }
        let supply = evaluator.supply(of: posts)
        let noise = max(1e-9, 1e-9 * abs(evaluation.value))

        // The step's exact change, or the change remembered from an earlier round (an estimate).
        func valued(_ step: CommuneUpgrades.Step) throws -> Candidate {
            let key = Memory.Key(removed: step.removed, added: step.added)
            if let known = memory.changes[key] {
                return Candidate(step: step, change: known.value, groups: known.groups)
            }
            let change = try evaluator.change(
                of: posts, evaluation: evaluation, supply: supply, removed: step.removed, added: step.added,
                solver: solver, options: options)
            allowance.count(work: change.work)
            let units = Set((step.removed + step.added).map { unit[$0] })
            let groups = Array(Set(units.flatMap { model.reach.unitGroups[$0] })).sorted()
            memory.changes[key] = (change.value, groups)
            return Candidate(step: step, change: change.value, groups: groups)
        }
        func perEuroBound(_ step: CommuneUpgrades.Step) -> Double {
            step.freed >= 0 ? .infinity : step.screen / -step.freed
        }

        // Gains: per site unit, the addition or the upgrade of best bound per euro (the value is concave in a unit's
        // supply, so price × people bounds a gain from above).
        var gainOfUnit = [CommuneUpgrades.Step?](repeating: nil, count: decisionsOfUnit.count)
        func offer(_ step: CommuneUpgrades.Step, at u: Int) {
            guard step.screen > 0 else { return }
            if let best = gainOfUnit[u], (perEuroBound(best), best.screen) >= (perEuroBound(step), step.screen) {
                return
            }
            guard rules.keeps(step.removed, step.added, room: .infinity) else { return }
            gainOfUnit[u] = step
        }
        for to in model.decisions.indices where cost[to] > 0 {
            offer(
                CommuneUpgrades.Step(
                    removed: [], added: [to], freed: freed([], [to]), screen: price[unit[to]] * people[to]),
                at: unit[to])
        }
        for from in model.decisions.indices where posts[from] > 0 {
            for to in decisionsOfUnit[unit[from]] where people[to] > people[from] + 1e-9 {
                offer(
                    CommuneUpgrades.Step(
                        removed: [from], added: [to], freed: freed([from], [to]),
                        screen: price[unit[from]] * (people[to] - people[from])), at: unit[from])
            }
        }
        let gainSteps = gainOfUnit.compactMap { $0 }
            .sorted {
                (perEuroBound($0), $0.screen, -($0.removed.first ?? -1), -$0.added[0])
                    > (perEuroBound($1), $1.screen, -($1.removed.first ?? -1), -$1.added[0])
            }
            .prefix(gainsPerRound)
        if gainSteps.isEmpty { return .noneLeft }
        // When the allowance ends, the batch is made of what was valued (not `inFull`).
        var inFull = true
        var gains: [Candidate] = []
        for step in gainSteps {
            if allowance.expired() {
                inFull = false
                break
            }
            let candidate = try valued(step)
            if candidate.change > noise { gains.append(candidate) }
        }
        if gains.isEmpty { return inFull ? .noneLeft : .stopped }
        gains.sort { ($0.perEuro, $0.change, -$0.step.added[0]) > ($1.perEuro, $1.change, -$1.step.added[0]) }
        // Givers pay only for gains that need the limiting resource (those of finite gain per euro or per post).
        let bestGainPerEuro = gains.first(where: { $0.perEuro.isFinite })?.perEuro ?? 0

        // Givers: a post dropped where every endowed group keeps a post within reach, or changed to a cheaper
        // decision of its unit serving no more people; their bound (price × people, a lower bound on the loss)
        // per euro first, and only those whose bound is below the best gain per euro.
        var giverSteps: [CommuneUpgrades.Step] = []
        for from in model.decisions.indices where posts[from] > 0 {
            let u = unit[from]
            for to in decisionsOfUnit[u] where people[to] <= people[from] + 1e-9 && cost[to] < cost[from] {
                if rules.keeps([from], [to], room: 0) {
                    giverSteps.append(
                        CommuneUpgrades.Step(
                            removed: [from], added: [to], freed: freed([from], [to]),
                            screen: price[u] * (people[from] - people[to])))
                }
            }
            if rules.canRemove(from), rules.keeps([from], [], room: 0) {
                giverSteps.append(
                    CommuneUpgrades.Step(
                        removed: [from], added: [], freed: freed([from], []), screen: price[u] * people[from])
                )
            }
        }
        // One per site unit: two steps at a unit share its groups, so a batch takes at most one of them.
        var giverUnits = Set<Int>()
        let giverOrder = giverSteps.filter { $0.freed > 0 && $0.screen / $0.freed < bestGainPerEuro }
            .sorted {
                ($0.screen / $0.freed, $0.removed[0], $0.added.first ?? -1)
                    < ($1.screen / $1.freed, $1.removed[0], $1.added.first ?? -1)
            }
            .filter { giverUnits.insert(unit[$0.removed[0]]).inserted }
            .prefix(giversPerRound)
        var givers: [Candidate] = []
        for step in giverOrder {
            if allowance.expired() {
                inFull = false
                break
            }
            givers.append(try valued(step))
        }
        givers.sort {
            (-$0.change / $0.step.freed, $0.step.removed[0]) < (-$1.change / $1.step.freed, $1.step.removed[0])
        }

        // Bundles: each gain, best per euro first, paid by the budget left and then by the givers of least loss per
        // euro below its gain per euro; a candidate whose units share a group (or a unit) with the bundles taken so
        // far, or with the bundle being made, waits for a later round. The money is pooled: a bundle's givers may free
        // more than its gain costs, and what is left pays for the next gain, so the batch is the prefix of the bundles
        // whose summed estimate is largest.
        var takenGroups = Set<Int>(), takenUnits = Set<Int>()
        func units(_ candidate: Candidate) -> [Int] { (candidate.step.removed + candidate.step.added).map { unit[$0] } }
        func apart(_ candidate: Candidate, from groups: Set<Int>, _ unitsUsed: Set<Int>) -> Bool {
            !candidate.groups.contains(where: groups.contains) && !units(candidate).contains(where: unitsUsed.contains)
        }
        var giverUsed = [Bool](repeating: false, count: givers.count)
        var bundlesTaken: [[Candidate]] = []
        var estimates: [Double] = [0]
        for gain in gains where apart(gain, from: takenGroups, takenUnits) {
            var bundleGroups = takenGroups.union(gain.groups), bundleUnits = takenUnits.union(units(gain))
            var paying: [Int] = []
            var paid = rules.apply(gain.step)
            for index in givers.indices where !paid && gain.perEuro.isFinite {
                let giver = givers[index]
                guard !giverUsed[index], -giver.change / giver.step.freed < gain.perEuro,
                    apart(giver, from: bundleGroups, bundleUnits), rules.apply(giver.step)
                else { continue }
                paying.append(index)
                bundleGroups.formUnion(giver.groups)
                bundleUnits.formUnion(units(giver))
                paid = rules.apply(gain.step)
            }
            let bundle = [gain] + paying.map { givers[$0] }
            // Posts are not pooled between bundles as money is: a bundle priced in posts that loses (a new post the
            // euros of one drop could not pay, paid by two) is not made.
            guard paid, !postsLimit || bundle.reduce(0, { $0 + $1.change }) > noise else {
                if paid { rules.undo(gain.step) }
                paying.reversed().forEach { rules.undo(givers[$0].step) }
                continue
            }
            (takenGroups, takenUnits) = (bundleGroups, bundleUnits)
            paying.forEach { giverUsed[$0] = true }
            bundlesTaken.append(bundle)
            estimates.append(estimates.last! + bundle.reduce(0) { $0 + $1.change })
        }
        let bundles = estimates.indices.max { (estimates[$0], -$0) < (estimates[$1], -$1) }!
        let estimate = estimates[bundles]
        var batch = CommuneUpgrades.Step(removed: [], added: [], freed: 0, screen: 0)
        for part in bundlesTaken.prefix(bundles).joined() {
            batch.removed += part.step.removed
            batch.added += part.step.added
        }
        if bundles == 0 || estimate <= noise { return inFull ? .noneLeft : .stopped }
        if allowance.pastLatest() { return .stopped }
        let trial = batch.applied(to: posts)
        let next = try evaluator.evaluate(trial, solver: solver, options: options)
        allowance.count(work: next.work)
        guard next.value > evaluation.value + noise else {
            // The estimates were wrong (remembered values gone stale, or flows re-routed between bundles): valued again
            // next time, so the same batch is not made and refused again after every unrelated move.
            for part in bundlesTaken.prefix(bundles).joined() {
                memory.changes[Memory.Key(removed: part.step.removed, added: part.step.added)] = nil
            }
            return inFull ? .noneLeft : .stopped
        }
        return .moved(posts: trial, evaluation: next, inFull: inFull)
    }
}
