import AllocationModel
import Foundation
import LinearProgramming

/// A plan for the allocation model found without branch-and-bound, to start GLPK's solve
/// (docs/model.md, "Solve strategy").
///
/// The model is separable by territory except for a few shared rows (posts, budget, région floors and
/// caps), and its LP relaxation is close to the integer optimum. GLPK's branch-and-bound proves that
/// quickly once it has a good plan, but on its own it often does not find one. So: solve the
/// relaxation, round every integer decision down (which keeps every `≤` row with non-negative
/// coefficients), repair the `≥` rows it breaks (territory and région floors), add posts greedily by
/// value net of the relaxation's prices of the shared rows, then move one post at a time (within a
/// territory: to another option; between territories) while that raises the objective, adding posts
/// again whenever a move frees resources. Coverage, the only continuous part, is refilled in each
/// territory touched, on the segments with the largest coefficients first (optimal: they are concave).
///
/// Rows and bounds are read from the program, so every integer decision (per pool or per co-financing
/// unit) is handled the same way; the plan is checked against every row before it is returned.
public enum PrimalHeuristic {
    public struct Outcome: Sendable {
        /// One value per variable of the model's program, satisfying every bound, row and integrality.
        public let values: [Double]
        /// The program's objective at `values`.
        public let objective: Double
        /// The LP relaxation's optimum: no integer plan does better.
        public let relaxationBound: Double
        /// Wall-clock seconds in all, and in solving the relaxation.
        public let seconds: Double
        public let relaxationSeconds: Double

        /// Relative gap between the plan and the relaxation, in `SolveResult.relativeGap`'s convention.
        public var gap: Double { SolveResult.relativeGap(objective: objective, bound: relaxationBound) }
    }

    /// A feasible plan of `model.program`, or nil when the relaxation is not solved to optimality or the
    /// floors cannot be repaired. The relaxation has the options' time limit; the one-post moves stop after
    /// `timeLimitSeconds`. `payForGains` adds the search's last step (`Search.payForGains`, docs/model.md, "Solve
    /// strategy", step 7): the main solve and a chain's start take it (10 s); the re-solves around the plan, whose
    /// searches get 2 s and must end before their clock for the run to be deterministic, leave it out (in a debug
    /// build the step's extra rounds took the decomposition's re-solves past their clock).
    public static func plan(
        for model: AllocationModel, solver: any LinearSolver, options: SolverOptions,
        timeLimitSeconds: Double = 10, payForGains: Bool = false
    ) -> Outcome? {
        plan(
            for: model, program: model.program, solver: solver, options: options, timeLimitSeconds: timeLimitSeconds,
            payForGains: payForGains)
    }

    /// The same search on `program`: the model's variables, in the model's order, under the model's rows and possibly
    /// more (e.g. a lexicographic stage's coverage floors, `Σ_j coverage[t,j] ≥ D_t × z`), with its own objective
    /// (a stage's). A `≥` row on one territory's coverage alone is repaired by adding posts in that territory.
    public static func plan(
        for model: AllocationModel, program: LinearProgram, solver: any LinearSolver, options: SolverOptions,
        timeLimitSeconds: Double = 10, payForGains: Bool = false
    ) -> Outcome? {
        let started = Date()
        precondition(program.variables.count == model.program.variables.count, "the model's variables, in order")
        guard program.sense == .maximize, program.isMixedInteger else { return nil }
        guard let relaxed = try? solver.solve(program.relaxation(), options: options.starting(from: nil)),
            relaxed.status == .optimal,
            let bound = relaxed.objective, relaxed.values.count == program.variables.count
        else { return nil }
        let relaxationSeconds = Date().timeIntervalSince(started)
        let search = Search(model: model, program: program, duals: relaxed.duals)
        search.round(relaxed.values)
        guard search.repairFloors() else { return nil }
        search.fill()
        search.improve(until: Date().addingTimeInterval(timeLimitSeconds), payForGains: payForGains)
        guard let values = search.finished() else { return nil }
        return Outcome(
            values: values, objective: program.objectiveValue(of: values), relaxationBound: bound,
            seconds: Date().timeIntervalSince(started), relaxationSeconds: relaxationSeconds)
    }
}

/// The mutable state of the search: values, row activities and, per decision, the cached effect of
/// adding or removing one post.
final class Search {
    /// One change of plan: the values it moves, the rows it moves, and the objective it gains.
    struct Move {
        var changes: [(variable: Int, delta: Double)]
        var rows: [(row: Int, delta: Double)]
        var gain: Double
    }

    let program: LinearProgram
    /// The territories' codes, in the order of the search's territory indices.
    let codes: [String]
    var values: [Double]
    var activity: [Double]
    /// The rows of each column, with coefficients.
    let columnRows: [[(row: Int, coefficient: Double)]]
    /// Territory index of each variable (decisions, post counts, coverage), -1 for none.
    let territoryOf: [Int]
    /// Integer decisions of each territory.
    let decisionsOf: [[Int]]
    /// The integer post count of each territory (kept equal to the sum of its decisions), if any.
    let postsOf: [Int?]
    /// Per territory, its `committed[t,k,n]` variables (see `AllocationModel.committedVariables`).
    let committedOf: [[Int]]
    /// Coverage variables of each territory, largest objective coefficient first.
    let coverageOf: [[Int]]
    /// Value of the shared resources one post of each decision uses, at the relaxation's row duals.
    let price: [Double]
    let allDecisions: [Int]
    /// Rows whose integer columns belong to more than one territory (posts, budget, région floors and caps).
    let shared: Set<Int>
    /// `shared` by row position, for the moves' checks.
    private let isShared: [Bool]
    // Caches by position (variable, territory), not hashed keys: the searches look them up millions of times.
    private var addCache: [Move?]
    private var removeCache: [Move?]
    private var swapCache: [[Move]?]
    /// A move's row changes, accumulated by row position (zero between moves) and the rows it touched, in order.
    private var rowScratch: [Double]
    private var rowTouched: [Bool]
    /// Gains smaller than this are rounding noise (an option change worth only the tie-break gains ~10⁻⁷).
    let epsilon = 1e-8
    let tolerance = 1e-7

    init(model: AllocationModel, program: LinearProgram, duals: [Double]?) {
        self.program = program
        values = Array(repeating: 0, count: program.variables.count)
        activity = Array(repeating: 0, count: program.constraints.count)
        var columnRows = Array(repeating: [(row: Int, coefficient: Double)](), count: program.variables.count)
        for (row, constraint) in program.constraints.enumerated() {
            for term in constraint.terms { columnRows[term.variable].append((row, term.coefficient)) }
        }
        self.columnRows = columnRows
        let codes = Array(
            Set(model.decisions.map(\.territory)).union(model.postVariables.keys).union(model.coverageVariables.keys)
        ).sorted()
        self.codes = codes
        let index = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($1, $0) })
        var territoryOf = Array(repeating: -1, count: program.variables.count)
        var decisionsOf = Array(repeating: [Int](), count: codes.count)
        for decision in model.decisions {
            territoryOf[decision.variable.index] = index[decision.territory]!
            decisionsOf[index[decision.territory]!].append(decision.variable.index)
        }
        var postsOf = [Int?](repeating: nil, count: codes.count)
        for (code, variable) in model.postVariables {
            territoryOf[variable.index] = index[code]!
            postsOf[index[code]!] = variable.index
        }
        // Committed posts are constants: they count in their territory's posts, no move touches them.
        var committedOf = Array(repeating: [Int](), count: codes.count)
        for (code, variables) in model.committedVariables where index[code] != nil {
            for variable in variables { territoryOf[variable.index] = index[code]! }
            committedOf[index[code]!] = variables.map(\.index)
        }
        self.committedOf = committedOf
        var coverageOf = Array(repeating: [Int](), count: codes.count)
        for (code, variables) in model.coverageVariables {
            for variable in variables { territoryOf[variable.index] = index[code]! }
            coverageOf[index[code]!] = variables.map(\.index).sorted {
                (program.variables[$0].objective, -$0) > (program.variables[$1].objective, -$1)
            }
        }
        self.territoryOf = territoryOf
        self.decisionsOf = decisionsOf
        self.postsOf = postsOf
        self.coverageOf = coverageOf
        allDecisions = decisionsOf.flatMap { $0 }
        // A row is shared when its integer columns belong to more than one territory: its dual is the price of
        // a resource that territories compete for (posts, budget, région caps).
        shared = Set(
            program.constraints.indices.filter { row in
                Set(program.constraints[row].terms.map { territoryOf[$0.variable] }).count > 1
            })
        var isShared = Array(repeating: false, count: program.constraints.count)
        for row in shared { isShared[row] = true }
        self.isShared = isShared
        addCache = Array(repeating: nil, count: program.variables.count)
        removeCache = Array(repeating: nil, count: program.variables.count)
        swapCache = Array(repeating: nil, count: codes.count)
        rowScratch = Array(repeating: 0, count: program.constraints.count)
        rowTouched = Array(repeating: false, count: program.constraints.count)
        var price = Array(repeating: 0.0, count: program.variables.count)
        if let duals, duals.count == program.constraints.count {
            for row in shared where duals[row] != 0 {
                let constraint = program.constraints[row]
                for term in constraint.terms where program.variables[term.variable].kind == .integer {
                    price[term.variable] += abs(duals[row] * term.coefficient)
                }
            }
        }
        self.price = price
    }

    // MARK: State

    /// Integer variables rounded down, post counts set to their sums, coverage refilled.
    func round(_ relaxed: [Double]) {
        for (index, variable) in program.variables.enumerated() {
            let value = variable.kind == .integer ? (relaxed[index] + 1e-6).rounded(.down) : relaxed[index]
            values[index] = min(max(value, variable.lower), variable.upper)
        }
        for (territory, posts) in postsOf.enumerated() {
            if let posts {
                values[posts] = (decisionsOf[territory] + committedOf[territory]).reduce(0) { $0 + values[$1] }
            }
        }
        recomputeActivities()
        for territory in coverageOf.indices { apply(move(in: territory, [])) }
    }

    /// Territories changed since the last `restore` (their cached moves belong to the state being left).
    private var touched = Set<Int>()

    /// Back to the state saved as `values` and `activity` when no territory had been touched since the last restore
    /// (another search from the same start). What was cached about the territories moved since is forgotten; the rest
    /// still holds, since a territory's moves depend only on its own values and rows.
    func restore(values: [Double], activity: [Double]) {
        self.values = values
        self.activity = activity
        forget(touched)
        touched = []
        moved = []
    }

    /// Territories changed since the last `beginTrial`: what `undo` forgets.
    private var moved = Set<Int>()

    /// Marks the state a trial starts from (saved by the caller as `values` and `activity`).
    func beginTrial() { moved = [] }

    /// Back to the state saved at the last `beginTrial` (a trial undone): the territories moved since are forgotten,
    /// and stay in `touched`, so that a later `restore` to an earlier state still forgets every one of them.
    func undo(to values: [Double], activity: [Double]) {
        self.values = values
        self.activity = activity
        forget(moved)
        moved = []
    }

    private func forget(_ territories: Set<Int>) {
        for territory in territories where territory >= 0 {
            for decision in decisionsOf[territory] {
                addCache[decision] = nil
                removeCache[decision] = nil
            }
            swapCache[territory] = nil
        }
    }

    func recomputeActivities() {
        for row in program.constraints.indices { activity[row] = program.activity(ofConstraint: row, values: values) }
    }

    /// The plan, recomputed from its integer values and checked against every row; nil if it breaks one.
    func finished() -> [Double]? {
        recomputeActivities()
        for territory in coverageOf.indices { apply(move(in: territory, [])) }
        return program.largestViolation(of: values) == nil ? values : nil
    }

    // MARK: Moves

    /// The move that changes decisions of `territory` by `deltas` (keeping its post count their sum) and
    /// refills its coverage.
    func move(in territory: Int, _ deltas: [(variable: Int, delta: Double)]) -> Move {
        var changes = deltas
        let total = deltas.reduce(0) { $0 + $1.delta }
        if total != 0, let posts = postsOf[territory] { changes.append((posts, total)) }
        var rows: [Int] = []
        func add(_ row: Int, _ delta: Double) {
            if !rowTouched[row] {
                rowTouched[row] = true
                rows.append(row)
            }
            rowScratch[row] += delta
        }
        for change in changes {
            for entry in columnRows[change.variable] { add(entry.row, entry.coefficient * change.delta) }
        }
        // Coverage: start from zero on its rows, then fill the best segments first as far as every row allows.
        let coverage = coverageOf[territory]
        for variable in coverage where values[variable] != 0 {
            for entry in columnRows[variable] { add(entry.row, -entry.coefficient * values[variable]) }
        }
        for variable in coverage {
            let definition = program.variables[variable]
            var level = definition.objective > 0 ? definition.upper : definition.lower
            if definition.objective > 0 {
                for entry in columnRows[variable] {
                    let row = program.constraints[entry.row]
                    let current = activity[entry.row] + rowScratch[entry.row]
                    if entry.coefficient > 0, row.upper.isFinite {
                        level = min(level, (row.upper - current) / entry.coefficient)
                    } else if entry.coefficient < 0, row.lower.isFinite {
                        level = min(level, (current - row.lower) / -entry.coefficient)
                    }
                }
            }
            level = max(level, definition.lower)
            for entry in columnRows[variable] where level != 0 { add(entry.row, entry.coefficient * level) }
            if level != values[variable] { changes.append((variable, level - values[variable])) }
        }
        let gain = changes.reduce(0.0) { $0 + program.variables[$1.variable].objective * $1.delta }
        let deltas = rows.map { row in
            defer {
                rowScratch[row] = 0
                rowTouched[row] = false
            }
            return (row: row, delta: rowScratch[row])
        }
        return Move(changes: changes, rows: deltas, gain: gain)
    }

    /// True when `move` keeps every bound and row; with `lenient`, a `≥` row already short may stay short
    /// as long as the move does not take it further away; with `locally`, the shared rows are not checked.
    func allows(_ move: Move, lenient: Bool = false, locally: Bool = false) -> Bool {
        for change in move.changes {
            let value = values[change.variable] + change.delta
            let definition = program.variables[change.variable]
            if value < definition.lower - tolerance || value > definition.upper + tolerance { return false }
        }
        for (row, delta) in move.rows where !(locally && isShared[row]) {
            let value = activity[row] + delta
            let constraint = program.constraints[row]
            if value > constraint.upper + tolerance { return false }
            if value < constraint.lower - tolerance && !(lenient && delta >= 0) { return false }
        }
        return true
    }

    /// Applies `move` and forgets what was cached about the territories it touches.
    func apply(_ move: Move) {
        for change in move.changes { values[change.variable] += change.delta }
        for (row, delta) in move.rows { activity[row] += delta }
        let territories = Set(move.changes.map { territoryOf[$0.variable] })
        forget(territories)
        touched.formUnion(territories)
        moved.formUnion(territories)
    }

    /// The gaining moves of one post between two options of `territory`, best first (cached until it changes).
    func swaps(in territory: Int) -> [Move] {
        if let cached = swapCache[territory] { return cached }
        let decisions = decisionsOf[territory]
        var moves: [Move] = []
        for from in decisions where values[from] >= 1 {
            for to in decisions where to != from {
                let move = move(in: territory, [(from, -1), (to, 1)])
                if move.gain > epsilon { moves.append(move) }
            }
        }
        moves.sort { $0.gain > $1.gain }
        swapCache[territory] = moves
        return moves
    }

    /// Adding one post of `decision` (cached until its territory changes).
    func addition(_ decision: Int) -> Move {
        if let cached = addCache[decision] { return cached }
        let move = move(in: territoryOf[decision], [(decision, 1)])
        addCache[decision] = move
        return move
    }

    func removal(_ decision: Int) -> Move {
        if let cached = removeCache[decision] { return cached }
        let move = move(in: territoryOf[decision], [(decision, -1)])
        removeCache[decision] = move
        return move
    }

    /// Best gain first; equal gains in the order of the first column each move changes (sorting is not stable).
    static func precedes(_ a: Move, _ b: Move) -> Bool {
        a.gain != b.gain ? a.gain > b.gain : (a.changes.first?.variable ?? 0) < (b.changes.first?.variable ?? 0)
    }

    /// The pair of one move of `first` and one of `second` (moves in different territories, each list sorted by
    /// `precedes`) that keeps every row and gains the most, nil when none does. Both lists are scanned best first and
    /// left as soon as no later pair can gain more.
    func bestPair(_ first: [Move], _ second: [Move]) -> Move? {
        var best: (move: Move, gain: Double)?
        for one in first {
            if let best, one.gain + (second.first?.gain ?? -.infinity) <= best.gain { break }
            for other in second {
                let gain = one.gain + other.gain
                if let best, gain <= best.gain { break }
                let move = combined(one, other)
                if allows(move) {
                    best = (move, gain)
                    break
                }
            }
        }
        return best?.move
    }

    /// Two moves in different territories, as one (their row changes add up).
    func combined(_ first: Move, _ second: Move) -> Move {
        var rows: [Int: Double] = [:]
        for (row, delta) in first.rows + second.rows { rows[row, default: 0] += delta }
        return Move(
            changes: first.changes + second.changes, rows: rows.map { ($0.key, $0.value) },
            gain: first.gain + second.gain)
    }

    // MARK: Phases

    /// Adds posts to the `≥` rows that rounding left short (floors), cheapest in value first. False when
    /// some floor cannot be met by adding posts.
    func repairFloors() -> Bool {
        for _ in 0..<100_000 {
            let short = program.constraints.indices.filter { activity[$0] < program.constraints[$0].lower - tolerance }
            guard !short.isEmpty else { return true }
            var candidates = Set<Int>()
            for row in short {
                for term in program.constraints[row].terms where term.coefficient > 0 {
                    let territory = territoryOf[term.variable]
                    guard territory >= 0 else { continue }
                    if program.variables[term.variable].kind == .integer {
                        if postsOf[territory] == term.variable {
                            candidates.formUnion(decisionsOf[territory])
                        } else {
                            candidates.insert(term.variable)
                        }
                    } else {
                        // A floor on coverage (a stage's): more posts in the territory refill more coverage.
                        candidates.formUnion(decisionsOf[territory])
                    }
                }
            }
            let shortRows = Set(short)
            var best: (decision: Int, move: Move, score: Double)?
            for decision in candidates.sorted() {
                let move = addition(decision)
                guard move.rows.contains(where: { shortRows.contains($0.row) && $0.delta > 0 }),
                    allows(move, lenient: true)
                else { continue }
                let score = move.gain - price[decision]
                if best == nil || score > best!.score { best = (decision, move, score) }
            }
            if let best {
                apply(best.move)
                continue
            }
            // No addition fits (a shared row is full): pay for one with a post removed elsewhere, the cheapest pair.
            var pair: (move: Move, score: Double)?
            let removals = allDecisions.filter { values[$0] >= 1 }.map(removal)
            for decision in candidates.sorted() {
                let addition = addition(decision)
                guard addition.rows.contains(where: { shortRows.contains($0.row) && $0.delta > 0 }) else { continue }
                for removal in removals where territoryOf[removal.changes[0].variable] != territoryOf[decision] {
                    let move = combined(removal, addition)
                    guard move.gain > (pair?.score ?? -.infinity), allows(move, lenient: true) else { continue }
                    pair = (move, move.gain)
                }
            }
            guard let pair else { return false }
            apply(pair.move)
        }
        return false
    }

    /// Adds one post at a time, the best value net of the shared resources' prices first, while some
    /// addition is allowed and gains.
    func fill() {
        var dead = Set<Int>()  // additions refused: during a fill, rows only fill up, so they stay refused
        while true {
            var best: (move: Move, score: Double)?
            for decision in allDecisions where !dead.contains(decision) {
                let move = addition(decision)
                guard move.gain > epsilon else { continue }
                let score = move.gain - price[decision]
                if let best, score <= best.score { continue }
                if allows(move) { best = (move, score) } else { dead.insert(decision) }
            }
            guard let best else { return }
            apply(best.move)
        }
    }

    /// One-post moves while they raise the objective: to another option of the same territory, or from one
    /// territory to another, or an option change paid by a post removed elsewhere (the most promising pairs);
    /// each accepted move is followed by a fill. When none gains, a post taken back and its money spent again
    /// (`removeAndRefill`), then, with `payForGains`, a gain the money forbids paid for by givers elsewhere.
    func improve(until deadline: Date, candidates: Int = 40, payForGains paying: Bool = false) {
        for _ in 0..<5_000 {
            guard Date() < deadline else { return }
            if let best = bestMove(candidates: candidates) {
                apply(best)
                fill()
            } else if !removeAndRefill(candidates: candidates, until: deadline),
                !(paying && payForGains(candidates: candidates, until: deadline))
            {
                return
            }
        }
    }

    /// The move of one post, or pair of posts, that gains most and keeps every row; nil when none gains.
    func bestMove(candidates: Int) -> Move? {
        var best: Move?
        // Within a territory, exactly.
        for territory in decisionsOf.indices {
            for move in swaps(in: territory) where move.gain > (best?.gain ?? epsilon) && allows(move) {
                best = move
                break
            }
        }
        // Between territories: the best additions and option changes against the cheapest removals, each allowed
        // by its own territory's rows (the shared rows, e.g. a budget an option change needs, are checked on the
        // pair).
        let changes =
            allDecisions.map { (territoryOf[$0], addition($0)) }
            + decisionsOf.indices.flatMap { territory in swaps(in: territory).prefix(3).map { (territory, $0) } }
        let gains = changes.filter { $0.1.gain > epsilon && allows($0.1, locally: true) }
            .sorted { $0.1.gain > $1.1.gain }.prefix(candidates)
        let removals = allDecisions.filter { values[$0] >= 1 }.map { (territoryOf[$0], removal($0)) }
            .filter { allows($0.1, locally: true) }.sorted { $0.1.gain > $1.1.gain }.prefix(candidates)
        for (to, gain) in gains {
            for (from, removal) in removals where from != to {
                guard gain.gain + removal.gain > (best?.gain ?? epsilon) else { continue }
                let move = combined(removal, gain)
                if allows(move) { best = move }
            }
        }
        return best
    }

    /// One post taken back, then what it frees (money, room) spent again on additions and option changes (`refill`),
    /// kept when the whole gains, undone otherwise. A budget-bound plan needs it: one post's money pays for several
    /// option changes (a 3-year co-financed post instead of an 18-month one), which no move of one post or pair finds.
    func removeAndRefill(candidates: Int, until deadline: Date) -> Bool {
        let removals = allDecisions.filter { values[$0] >= 1 }.map(removal).filter { allows($0) }
            .sorted(by: Self.precedes).prefix(candidates)
        let savedValues = values, savedActivity = activity
        for removal in removals {
            guard Date() < deadline else { break }
            beginTrial()
            apply(removal)
            if removal.gain + refill(excluding: removal.changes[0].variable) > epsilon { return true }
            undo(to: savedValues, activity: savedActivity)
        }
        return false
    }

    /// A gain (an addition or an option change) that one shared row alone forbids (money, most often), paid for by
    /// givers in other territories: option changes and removals that lose value but free that row. Each step takes,
    /// among the givers that free no more than what is still needed, the one that loses least for what it frees, and
    /// finishes with the giver that loses least among those that free all that is left, as soon as the whole then
    /// gains; undone otherwise. Several small givers can pay where one large one cannot: at €20M on the national
    /// scenario every post sits at a floor, and four public posts back from 3 years to 2 (€2,500 each) pay a private
    /// post's 3 years (€12,800) where a private post back to 18 months loses exactly what it pays for; the other
    /// moves left that plan 0.039 % below HiGHS's optimum (BENCHMARKS.md). At most `steps` givers a gain, `candidates`
    /// gains a call; the search's clock still ends it.
    func payForGains(candidates: Int, until deadline: Date, steps: Int = 32) -> Bool {
        /// The gain net of the shared resources it takes, at the relaxation's prices: the most promising first.
        func net(_ move: Move) -> Double {
            var cost = 0.0
            for change in move.changes { cost += change.delta * price[change.variable] }
            return move.gain - cost
        }
        /// The one shared row `move` breaks, with its excess, nil when it breaks none or more than one.
        func blockingRow(_ move: Move) -> (row: Int, delta: Double)? {
            let over = move.rows.filter {
                isShared[$0.row] && activity[$0.row] + $0.delta > program.constraints[$0.row].upper + tolerance
            }
            return over.count == 1 && over[0].delta > 0 ? over[0] : nil
        }
        let blocked: [Move] = (allDecisions.map(addition) + decisionsOf.indices.flatMap { swaps(in: $0).prefix(3) })
            .filter { $0.gain > epsilon && allows($0, locally: true) && blockingRow($0) != nil }
        let gains = blocked.map { (move: $0, net: net($0)) }
            .sorted { $0.net != $1.net ? $0.net > $1.net : Self.precedes($0.move, $1.move) }
            .prefix(candidates).map(\.move)
        guard !gains.isEmpty else { return false }
        /// Every option change and removal of `territory` that loses value (or gains nothing) and keeps its rows.
        func givers(in territory: Int) -> [Move] {
            var moves: [Move] = []
            for from in decisionsOf[territory] where values[from] >= 1 {
                moves.append(move(in: territory, [(from, -1)]))
                for to in decisionsOf[territory] where to != from {
                    moves.append(move(in: territory, [(from, -1), (to, 1)]))
                }
            }
            return moves.filter { $0.gain <= epsilon && allows($0, locally: true) }
        }
        let initial = decisionsOf.indices.map(givers(in:))
        let savedValues = values, savedActivity = activity
        for target in gains {
            guard Date() < deadline else { return false }
            guard let over = blockingRow(target) else { continue }
            let row = over.row
            let home = territoryOf[target.changes[0].variable]
            var available = initial
            beginTrial()
            var total = 0.0
            func need() -> Double { activity[row] + over.delta - program.constraints[row].upper }
            var step = 0
            while step < steps, need() > tolerance {
                step += 1
                let need = need()
                func freed(_ giver: Move) -> Double { -(giver.rows.first { $0.row == row }?.delta ?? 0) }
                var partial: (move: Move, ratio: Double)?
                var finishing: Move?
                for (territory, moves) in available.enumerated() where territory != home {
                    for giver in moves {
                        let frees = freed(giver)
                        guard frees > tolerance else { continue }
                        if frees >= need - tolerance {
                            if giver.gain > (finishing?.gain ?? -.infinity) { finishing = giver }
                        } else if -giver.gain / frees < (partial?.ratio ?? .infinity) {
                            partial = (giver, -giver.gain / frees)
                        }
                    }
                }
                let chosen: Move
                if let finishing, total + finishing.gain + target.gain > epsilon, allows(finishing) {
                    chosen = finishing
                } else if let partial, allows(partial.move) {
                    chosen = partial.move
                } else {
                    break
                }
                apply(chosen)
                total += chosen.gain
                let territory = territoryOf[chosen.changes[0].variable]
                available[territory] = givers(in: territory)
                if total + target.gain <= epsilon { break }
            }
            if need() <= tolerance, allows(target) {
                apply(target)
                if total + target.gain > epsilon {
                    fill()
                    return true
                }
            }
            undo(to: savedValues, activity: savedActivity)
        }
        return false
    }

    /// Additions (but of the decision `excluded`, the post just taken back) and option changes, the best gain net of
    /// the shared resources' prices first, while one is allowed and gains; returns what they gained in all.
    func refill(excluding excluded: Int) -> Double {
        var total = 0.0
        for _ in 0..<100_000 {
            var best: (move: Move, score: Double)?
            for decision in allDecisions where decision != excluded {
                let move = addition(decision)
                let score = move.gain - price[decision]
                guard move.gain > epsilon, score > (best?.score ?? -.infinity), allows(move) else { continue }
                best = (move, score)
            }
            for territory in decisionsOf.indices {
                for move in swaps(in: territory) {
                    let score = move.gain + price[move.changes[0].variable] - price[move.changes[1].variable]
                    guard score > (best?.score ?? -.infinity), allows(move) else { continue }
                    best = (move, score)
                }
            }
            guard let best else { break }
            apply(best.move)
            total += best.move.gain
        }
        return total
    }
}
