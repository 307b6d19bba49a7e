import Foundation
import LinearProgramming
import Scenario

/// Local improvement of a rounded commune plan (docs/model.md, "Solving the commune model", step 4). The duals of the
/// fixed-plan LPs only suggest where a post is worth least and most; a whole post (428–642 people) crosses breakpoints,
/// so each suggestion is valued exactly instead: the loss of taking one post from a decision and the gain of giving
/// one to another, each by the component-by-component evaluation (only the changed components are solved, the rest
/// come from its cache). Takers are then paired with givers whose loss is smaller than their gain, every rule kept,
/// and the batch is valued exactly and kept only if the plan's value rises (the best pair alone otherwise). Each plan
/// is first offered the pairs ranked by their duals' bound (`CommuneScreenedPairs`). When no pair is left, a post that
/// alone covers an endowed group is moved (`relocation`), and when no such move pays either, money is exchanged for
/// funding-option upgrades and new posts (`CommuneUpgrades`). A plan more than 1 % below its bound
/// (`Allowance.wideGap`) is offered, once per plan, many such exchanges at once where they touch no common group
/// (`CommuneIndependentExchanges`) and then that exchange, in a window widened by its gap.
enum CommuneImprovement {
    /// Givers and takers valued per round.
    static let candidatesPerRound = 16

    /// The search's allowance, counted in work, not in seconds, so that the plan it ends on is the same on every
    /// machine and at every moment. The work of a plan valued (`CommuneFixedPlan.Evaluation.work`) is the reach pairs
    /// (unit, group) of the components its evaluation solved (cached components cost none), with a quarter of the
    /// pairs of every unit with supply for the work around the solves: a move inside the one component that holds
    /// most of a 15 km plan costs about 0.7 of the model's pairs, one among the small components of a €40M plan a few
    /// percent. The window is `wholePlans` times the model's reach pairs, renewed from every kept move, chosen from a
    /// round valued in full, that closes at least `renewingShare` of the gap then left against the bound; and the
    /// search never passes `latest` (the commune plan's share of the run's budget), the one clock, which only a run
    /// given too little time reaches.
    /// Why a count: the window used to be an eighth of the bound's seconds (at least 0.25 s), so every national cold
    /// commune run was marked not deterministic. Why work rather than plans: at 15 km a plan valued takes 45–80 ms, at
    /// €40M 11–16 ms; the relocations that take €40M from 1.14 % to 0.88 % need 389 plans, while 15 km values 22 in
    /// one window (BENCHMARKS.md, nineteenth session). Why renewed: a search whose moves still pay must not stop on a
    /// count either (at €40M each of the five relocations closes 3–7 % of the gap).
    struct Allowance {
        /// A kept move renews the window when it closes at least this share of the gap left before it.
        static let renewingShare = 0.01
        /// The window, in the model's reach pairs this many times over.
        static let wholePlans = 16

        /// A plan farther than this share of its value below its bound is a wide one: its window is multiplied by its
        /// gap over this share, and each of its plans is first offered independent exchanges
        /// (`CommuneIndependentExchanges`) and then an exchange (`CommuneUpgrades`). At €80M (3.9 %
        /// after the rounding) what separates the plan from HiGHS's is money spent in the wrong places, new posts in
        /// Île-de-France and Réunion paid by posts dropped or downgraded across the country, which only an exchange
        /// moves, and one exchange values up to 52 plans, more work than the whole window there (BENCHMARKS.md,
        /// twenty-second session).
        static let wideGap = 0.01

        private(set) var window: Int
        let bound: Double
        let latest: Date
        /// Plans valued so far; the work they took (`CommuneFixedPlan.Evaluation.work`), and the work at which the
        /// allowance ends.
        private(set) var valued = 0
        private(set) var work = 0
        private(set) var limit: Int

        /// `window`: work units (`wholePlans` × the model's reach pairs in a run).
        init(window: Int, bound: Double, latest: Date = .distantFuture) {
            self.window = window
            self.bound = bound
            self.latest = latest
            limit = window
        }

        /// True when a plan of this value is a wide one (`wideGap`).
        func isWide(_ value: Double) -> Bool { value > 0 && bound > value * (1 + Self.wideGap) }

        /// Widens the window of a search that starts from a wide plan of this value, by its gap over `wideGap`, at
        /// most `widestFactor` times (a plan worth next to nothing would otherwise ask for more work than an `Int`
        /// holds; the run's clock ends such a search anyway).
        mutating func widen(from value: Double) {
            guard isWide(value) else { return }
            let factor = min((bound - value) / (value * Self.wideGap), Self.widestFactor)
            window = Int((Double(window) * factor).rounded(.up))
            limit = max(limit, window)
        }
        /// The most a wide plan's window is widened (`widen(from:)`).
        static let widestFactor = 1_000.0

        /// The count is spent: a deterministic end.
        var spent: Bool { work >= limit }
        /// The run's clock ended the search (the plan then depends on the machine).
        func pastLatest(at now: Date = Date()) -> Bool { now >= latest }
        func expired(at now: Date = Date()) -> Bool { spent || pastLatest(at: now) }

        /// Counts one plan valued, whose evaluation took `work`.
        mutating func count(work: Int) {
            valued += 1
            self.work += work
        }

        /// A move took the plan's value from `before` to `after`: renews the window from the work done if it closed
        /// enough of the gap left. Only for a move chosen from a round valued in full: one chosen from a round the
        /// count cut short renews nothing (the search then ends there).
        mutating func kept(from before: Double, to after: Double) {
            guard bound > before, after > before, after - before >= Self.renewingShare * (bound - before) else {
                return
            }
            limit = max(limit, work + window)
        }
    }

    /// How the search ended.
    struct Result {
        let seconds: Double
        /// Plans valued, the work they took (`Allowance.work`), and moves kept.
        let valued: Int
        let work: Int
        let kept: Int
        /// The count ran out before the search ran out of moves to value (the same on every machine).
        let spent: Bool
        /// The run's clock (`Allowance.latest`) ended the search: the plan depends on the machine's speed.
        let cutByTime: Bool
    }

    /// Improves `posts` (and its `evaluation`) while its `allowance` lasts, counted in work.
    static func improve(
        _ posts: inout [Int], evaluation: inout CommuneFixedPlan.Evaluation, evaluator: inout CommuneFixedPlan,
        scenario: Scenario, allowance: Allowance, solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void
    ) throws -> Result {
        let model = evaluator.model
        let unit = evaluator.unitOfDecision
        let covers = Covers(model)
        let began = Date()
        var allowance = allowance
        allowance.widen(from: evaluation.value)
        var kept = 0
        func ended(candidatesLeft: Bool) -> Result {
            let cutByTime = candidatesLeft && !allowance.spent && allowance.pastLatest()
            return Result(
                seconds: Date().timeIntervalSince(began), valued: allowance.valued, work: allowance.work, kept: kept,
                spent: candidatesLeft && allowance.spent, cutByTime: cutByTime)
        }
        // Values a variant of the plan, counted against the allowance.
        func valued(_ trial: [Int]) throws -> CommuneFixedPlan.Evaluation {
            let next = try evaluator.evaluate(trial, solver: solver, options: options)
            allowance.count(work: next.work)
            return next
        }
        var examinedGivers = Set<Int>(), examinedTakers = Set<Int>()
        // The pairs ranked by the duals' bound are tried first, once per plan (`CommuneScreenedPairs`).
        var screened = false
        // A wide plan is offered independent exchanges and then an exchange first, once per plan.
        var batched = false, exchanged = false
        var remembered = CommuneIndependentExchanges.Memory()
        /// Keeps the move one of the searches found (true), or says it found none (false) or that the allowance ended
        /// first (nil). `how` names the move in the log, with the posts it changed when `counted`.
        func adopt(_ found: Move, _ how: String, counted: Bool = true) -> Bool? {
            switch found {
            case .stopped: return nil
            case .noneLeft: return false
            case .moved(let next, let evaluated, let inFull):
                if inFull { allowance.kept(from: evaluation.value, to: evaluated.value) }
                let changed = zip(posts, next).reduce(0) { $0 + abs($1.0 - $1.1) }
                log(
                    "commune plan improved to \(evaluated.value.logged(decimals: 1)) (\(how)"
                        + (counted ? ": \(changed) posts changed)" : ")"))
                kept += 1
                (posts, evaluation) = (next, evaluated)
                // The plan changed: every search and every decision is worth trying again.
                examinedGivers = []
                examinedTakers = []
                screened = false
                batched = false
                exchanged = false
                return true
            }
        }
        while !allowance.expired() {
            if !batched && allowance.isWide(evaluation.value) {
                batched = true
                let found = try CommuneIndependentExchanges.exchange(
                    posts, evaluation: evaluation, evaluator: &evaluator, covers: covers, scenario: scenario,
                    allowance: &allowance, memory: &remembered, solver: solver, options: options)
                guard let adopted = adopt(found, "independent exchanges") else { return ended(candidatesLeft: true) }
                if adopted { continue }
            }
            if !exchanged && allowance.isWide(evaluation.value) {
                exchanged = true
                let found = try CommuneUpgrades.exchange(
                    posts, evaluation: evaluation, evaluator: &evaluator, covers: covers, scenario: scenario,
                    allowance: &allowance, solver: solver, options: options)
                guard let adopted = adopt(found, "money moved between posts") else {
                    return ended(candidatesLeft: true)
                }
                if adopted { continue }
            }
            if !screened {
                screened = true
                let found = try CommuneScreenedPairs.move(
                    posts, evaluation: evaluation, evaluator: &evaluator, covers: covers, scenario: scenario,
                    allowance: &allowance, solver: solver, options: options)
                guard let adopted = adopt(found, "a pair ranked by its bound", counted: false) else {
                    return ended(candidatesLeft: true)
                }
                if adopted { continue }
            }
            let worth = model.decisions.indices.map {
                abs(evaluation.unitDuals[unit[$0]]) * model.decisions[$0].peoplePerPost
            }
            let counts = covers.counts(posts)
            let givers = firstOnePerUnit(
                model.decisions.indices.filter {
                    posts[$0] > 0 && !examinedGivers.contains($0) && covers.canRemove($0, counts: counts)
                }
                .sorted { (worth[$0], $0) < (worth[$1], $1) }, unit: unit)
            let takers = firstOnePerUnit(
                model.decisions.indices.filter {
                    posts[$0] < model.pools[model.decisions[$0].pool].capacity && !examinedTakers.contains($0)
                }
                .sorted { (worth[$0], -$0) > (worth[$1], -$1) }, unit: unit)
            if givers.isEmpty || takers.isEmpty {
                // No pair left to try: move a post that is the only one within reach of an endowed group instead.
                // When no such move raises the value either, money is moved between posts (`CommuneUpgrades`).
                var found = try relocation(
                    posts, evaluation: evaluation, evaluator: &evaluator, covers: covers, worth: worth,
                    scenario: scenario, allowance: &allowance, solver: solver, options: options)
                var how = "a post moved within its cover"
                if case .noneLeft = found {
                    found = try CommuneUpgrades.exchange(
                        posts, evaluation: evaluation, evaluator: &evaluator, covers: covers, scenario: scenario,
                        allowance: &allowance, solver: solver, options: options)
                    how = "money moved between posts"
                }
                switch adopt(found, how) {
                case nil: return ended(candidatesLeft: true)
                case false?: return ended(candidatesLeft: false)
                case true?: continue
                }
            }
            examinedGivers.formUnion(givers)
            examinedTakers.formUnion(takers)
            var loss: [Int: Double] = [:], gain: [Int: Double] = [:]
            for giver in givers where !allowance.expired() {
                var trial = posts
                trial[giver] -= 1
                let next = try valued(trial)
                loss[giver] = evaluation.value - next.value
            }
            for taker in takers where !allowance.expired() {
                var trial = posts
                trial[taker] += 1
                let next = try valued(trial)
                gain[taker] = next.value - evaluation.value
            }
            let pairs = paired(
                gain: gain, loss: loss, posts: posts, model: model, scenario: scenario, unit: unit, covers: covers)
            // The batch is valued only from a round valued in full (so a move kept from it may renew the window), even
            // when the round's last valuation spent the count, as a relocation's is.
            let roundInFull = loss.count == givers.count && gain.count == takers.count
            if pairs.isEmpty || !roundInFull { continue }
            var batch = posts
            for pair in pairs {
                batch[pair.from] -= 1
                batch[pair.to] += 1
            }
            var next = try valued(batch)
            if pairs.count > 1 && next.value <= evaluation.value + pairs[0].estimate {
                // Pairs sharing a component need not add up: the best pair alone, valued exactly (if, without the
                // others, it still leaves a post within reach of every endowed group).
                var counts = covers.counts(posts)
                covers.move(from: pairs[0].from, to: pairs[0].to, counts: &counts)
                guard covers.canRemove(pairs[0].from, counts: counts, after: true) else { continue }
                batch = posts
                batch[pairs[0].from] -= 1
                batch[pairs[0].to] += 1
                next = try valued(batch)
            }
            guard next.value > evaluation.value * (1 + 1e-9) + 1e-9 else { continue }
            _ = adopt(.moved(posts: batch, evaluation: next, inFull: true), "\(pairs.count) moves", counted: false)
        }
        return ended(candidatesLeft: true)
    }

    /// Takers tried for each post moved within its cover.
    static let relocationTakers = 4

    /// What a relocation (or an exchange, `CommuneUpgrades`) found.
    enum Move {
        case moved(posts: [Int], evaluation: CommuneFixedPlan.Evaluation, inFull: Bool)
        /// Every post's moves were valued and none raises the value.
        case noneLeft
        /// The allowance ended first.
        case stopped
    }

    /// A post that is the only one within reach of some endowed group (`endow_reach`), which no pair above may take,
    /// moved to a decision of another unit within reach of every such group, so the cover holds: the posts worth least
    /// first, each to the `relocationTakers` decisions worth most that keep every rule, valued exactly; for the first
    /// post with a move that raises the plan's value, the best of its moves is returned (`inFull` when all of that
    /// post's moves were valued before the allowance ended; each move valued counts against it). At €40M the rounded
    /// plan is the endowment's cover, one post per covering row almost everywhere, and HiGHS's optimum moves about a
    /// hundred of those posts to other sites within reach of the same groups (BENCHMARKS.md).
    static func relocation(
        _ posts: [Int], evaluation: CommuneFixedPlan.Evaluation, evaluator: inout CommuneFixedPlan, covers: Covers,
        worth: [Double], scenario: Scenario, allowance: inout Allowance,
        solver: any LinearSolver, options: SolverOptions
    ) throws -> Move {
        let model = evaluator.model
        let unit = evaluator.unitOfDecision
        let counts = covers.counts(posts)
        var ledger = CommuneRounding.Ledger(model: model, scenario: scenario, posts: posts)
        let givers = model.decisions.indices.filter {
            posts[$0] > 0 && !covers.canRemove($0, counts: counts)
        }
        .sorted { (worth[$0], $0) < (worth[$1], $1) }
        for giver in givers {
            if allowance.expired() { return .stopped }
            let critical = covers.rowsOf[giver].filter { counts[$0] == 1 }
            guard let first = critical.first else { continue }
            ledger.remove(giver)
            defer { ledger.add(giver) }
            let takers = covers.rows[first].filter { taker in
                unit[taker] != unit[giver] && posts[taker] < model.pools[model.decisions[taker].pool].capacity
                    && critical.allSatisfy { covers.rowsOf[taker].contains($0) } && ledger.allows(taker)
                    && {
                        ledger.add(taker)
                        defer { ledger.remove(taker) }
                        return ledger.meetsFloors
                    }()
            }
            .sorted { (worth[$0], -$0) > (worth[$1], -$1) }.prefix(relocationTakers)
            var best: (posts: [Int], evaluation: CommuneFixedPlan.Evaluation)?
            for taker in takers {
                if allowance.expired() {
                    return best.map { .moved(posts: $0.posts, evaluation: $0.evaluation, inFull: false) } ?? .stopped
                }
                var trial = posts
                trial[giver] -= 1
                trial[taker] += 1
                let next = try evaluator.evaluate(trial, solver: solver, options: options)
                allowance.count(work: next.work)
                if next.value > (best?.evaluation.value ?? evaluation.value * (1 + 1e-9) + 1e-9) {
                    best = (trial, next)
                }
            }
            if let best { return .moved(posts: best.posts, evaluation: best.evaluation, inFull: true) }
        }
        return .noneLeft
    }

    /// The `endow_reach` rows of the model (`CommuneModel.coverRows`): a move may not leave one without a post.
    struct Covers {
        let rows: [[Int]]
        /// The rows each decision is in.
        let rowsOf: [[Int]]

        init(_ model: CommuneModel) {
            rows = model.coverRows
            var rowsOf = [[Int]](repeating: [], count: model.decisions.count)
            for (row, decisions) in rows.enumerated() { for decision in decisions { rowsOf[decision].append(row) } }
            self.rowsOf = rowsOf
        }

        /// Posts within reach of each row's group.
        func counts(_ posts: [Int]) -> [Int] { rows.map { $0.reduce(0) { $0 + posts[$1] } } }

        /// True when one post fewer of `decision` leaves every row with a post; `after`: the post is already counted
        /// out, so every row must still have one.
        func canRemove(_ decision: Int, counts: [Int], after: Bool = false) -> Bool {
            rowsOf[decision].allSatisfy { counts[$0] >= (after ? 1 : 2) }
        }

        func move(from giver: Int, to taker: Int, counts: inout [Int]) {
            for row in rowsOf[giver] { counts[row] -= 1 }
            for row in rowsOf[taker] { counts[row] += 1 }
        }
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
        unit: [Int], covers: Covers
    ) -> [(from: Int, to: Int, estimate: Double)] {
        var counts = covers.counts(posts)
        var ledger = CommuneRounding.Ledger(model: model, scenario: scenario, posts: posts)
        let takers = gain.filter { $0.value > 0 }.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }
        let givers = loss.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        var used = Set<Int>()
        var pairs: [(from: Int, to: Int, estimate: Double)] = []
        for (taker, gained) in takers where !used.contains(unit[taker]) {
            for (giver, lost) in givers where lost < gained && !used.contains(unit[giver]) && unit[giver] != unit[taker]
            {
                covers.move(from: giver, to: taker, counts: &counts)
                guard covers.canRemove(giver, counts: counts, after: true) else {
                    covers.move(from: taker, to: giver, counts: &counts)
                    continue
                }
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
                covers.move(from: taker, to: giver, counts: &counts)
            }
        }
        return pairs.sorted { $0.estimate > $1.estimate }
    }
}
