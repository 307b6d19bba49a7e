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

    /// The search's wall time: a window, renewed from the moment of every kept move that closes at least
    /// `renewingShare` of the gap then left against the bound, and never past `latest` (the commune plan's share of
    /// the run's budget). Why: a fixed allowance (a quarter of the bound's time: 2.5 s at 10 km, 4.4 s at 15 km) found
    /// nothing at 15 km and one move of 0.006 % in one 10 km run of three, while a search whose moves still pay must
    /// not stop on a clock (at €40M each of the five relocations closes 3–7 % of the gap and renews the window; the
    /// search ends on its candidates).
    struct Allowance {
        /// A kept move renews the window when it closes at least this share of the gap left before it.
        static let renewingShare = 0.01

        let window: Double
        let bound: Double
        let latest: Date
        private(set) var deadline: Date

        init(window: Double, bound: Double, latest: Date = .distantFuture, from start: Date = Date()) {
            self.window = window
            self.bound = bound
            self.latest = latest
            deadline = min(start.addingTimeInterval(window), latest)
        }

        func expired(at now: Date = Date()) -> Bool { now >= deadline }

        /// A move took the plan's value from `before` to `after` at `now`: renews the window if it paid enough and the
        /// window is still open (a move valued after it closed was chosen from a round the clock cut short: once
        /// expired, the allowance stays so, and the search says the clock ended it).
        mutating func kept(from before: Double, to after: Double, at now: Date = Date()) {
            guard !expired(at: now), after > before, after - before >= Self.renewingShare * (bound - before) else {
                return
            }
            deadline = min(max(deadline, now.addingTimeInterval(window)), latest)
        }
    }

    /// Improves `posts` (and its `evaluation`) while its `allowance` lasts (wall time: the evaluations and the work
    /// around them; with `CommuneFlowGreedy` a component's solve is the smaller part); returns the seconds used, and
    /// whether the allowance, not the candidates, ended the search (then the plan depends on the machine's speed).
    static func improve(
        _ posts: inout [Int], evaluation: inout CommuneFixedPlan.Evaluation, evaluator: inout CommuneFixedPlan,
        scenario: Scenario, allowance: Allowance, solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void
    ) throws -> (seconds: Double, cutByTime: Bool) {
        let model = evaluator.model
        let unit = evaluator.unitOfDecision
        let covers = Covers(model)
        let began = Date()
        var seconds: Double { Date().timeIntervalSince(began) }
        var allowance = allowance
        var examinedGivers = Set<Int>(), examinedTakers = Set<Int>()
        while !allowance.expired() {
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
                guard
                    let moved = try relocation(
                        posts, evaluation: evaluation, evaluator: &evaluator, covers: covers, worth: worth,
                        scenario: scenario, until: { allowance.expired() }, solver: solver,
                        options: options)
                else { return (seconds, allowance.expired()) }
                log(
                    "commune plan improved to \(moved.evaluation.value.logged(decimals: 1)) (a post moved within its cover)"
                )
                allowance.kept(from: evaluation.value, to: moved.evaluation.value)
                (posts, evaluation) = moved
                examinedGivers = []
                examinedTakers = []
                continue
            }
            examinedGivers.formUnion(givers)
            examinedTakers.formUnion(takers)
            var loss: [Int: Double] = [:], gain: [Int: Double] = [:]
            for giver in givers where !allowance.expired() {
                var trial = posts
                trial[giver] -= 1
                let next = try evaluator.evaluate(trial, solver: solver, options: options)
                loss[giver] = evaluation.value - next.value
            }
            for taker in takers where !allowance.expired() {
                var trial = posts
                trial[taker] += 1
                let next = try evaluator.evaluate(trial, solver: solver, options: options)
                gain[taker] = next.value - evaluation.value
            }
            let pairs = paired(
                gain: gain, loss: loss, posts: posts, model: model, scenario: scenario, unit: unit, covers: covers)
            if pairs.isEmpty { continue }
            var batch = posts
            for pair in pairs {
                batch[pair.from] -= 1
                batch[pair.to] += 1
            }
            var next = try evaluator.evaluate(batch, solver: solver, options: options)
            if pairs.count > 1 && next.value <= evaluation.value + pairs[0].estimate {
                // Pairs sharing a component need not add up: the best pair alone, valued exactly (if, without the
                // others, it still leaves a post within reach of every endowed group).
                var counts = covers.counts(posts)
                covers.move(from: pairs[0].from, to: pairs[0].to, counts: &counts)
                guard covers.canRemove(pairs[0].from, counts: counts, after: true) else { continue }
                batch = posts
                batch[pairs[0].from] -= 1
                batch[pairs[0].to] += 1
                next = try evaluator.evaluate(batch, solver: solver, options: options)
            }
            guard next.value > evaluation.value * (1 + 1e-9) + 1e-9 else { continue }
            log("commune plan improved to \(next.value.logged(decimals: 1)) (\(pairs.count) moves)")
            allowance.kept(from: evaluation.value, to: next.value)
            posts = batch
            evaluation = next
            // The plan changed: every decision may be worth trying again (unchanged components are cached).
            examinedGivers = []
            examinedTakers = []
        }
        return (seconds, true)
    }

    /// Takers tried for each post moved within its cover.
    static let relocationTakers = 4

    /// A post that is the only one within reach of some endowed group (`endow_reach`), which no pair above may take,
    /// moved to a decision of another unit within reach of every such group, so the cover holds: the posts worth least
    /// first, each to the `relocationTakers` decisions worth most that keep every rule, valued exactly; for the first
    /// post with a move that raises the plan's value, the best of its moves is returned (nil when no post has one
    /// before `until` says stop). At €40M the rounded plan is the endowment's cover, one post per covering row almost
    /// everywhere, and HiGHS's optimum moves about a hundred of those posts to other sites within reach of the same
    /// groups (BENCHMARKS.md).
    static func relocation(
        _ posts: [Int], evaluation: CommuneFixedPlan.Evaluation, evaluator: inout CommuneFixedPlan, covers: Covers,
        worth: [Double], scenario: Scenario, until stop: () -> Bool,
        solver: any LinearSolver, options: SolverOptions
    ) throws -> (posts: [Int], evaluation: CommuneFixedPlan.Evaluation)? {
        let model = evaluator.model
        let unit = evaluator.unitOfDecision
        let counts = covers.counts(posts)
        var ledger = CommuneRounding.Ledger(model: model, scenario: scenario)
        for (index, count) in posts.enumerated() { for _ in 0..<count { ledger.add(index) } }
        let givers = model.decisions.indices.filter {
            posts[$0] > 0 && !covers.canRemove($0, counts: counts)
        }
        .sorted { (worth[$0], $0) < (worth[$1], $1) }
        for giver in givers {
            if stop() { return nil }
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
                var trial = posts
                trial[giver] -= 1
                trial[taker] += 1
                let next = try evaluator.evaluate(trial, solver: solver, options: options)
                if next.value > (best?.evaluation.value ?? evaluation.value * (1 + 1e-9) + 1e-9) {
                    best = (trial, next)
                }
            }
            if let best { return best }
        }
        return nil
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
        var ledger = CommuneRounding.Ledger(model: model, scenario: scenario)
        for (index, count) in posts.enumerated() { for _ in 0..<count { ledger.add(index) } }
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
