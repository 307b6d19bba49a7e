import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// For every territory, the fewest and the most posts it can hold in a plan whose value of coverage is within a
/// tolerance of the optimum (docs/model.md, "Ranges around the plan"): which posts the model forces and which are a
/// free choice among nearly optimal plans.
///
/// Each bound is the LP relaxation of the model with the value held by a row, Σ w γ coverage ≥ (1 − τ) × bound,
/// minimising or maximising `posts[t]`: the relaxation contains every integer plan, so its range, rounded inwards to
/// whole posts, contains every integer plan's posts within the tolerance (an outer bound, exact when it is a single
/// value). Two LPs per territory and tolerance, run two at a time.
public enum PostRanges {
    public struct Range: Sendable, Hashable {
        /// No plan within the tolerance holds fewer or more posts: the LP's bounds, rounded inwards, then tightened
        /// where the branch-and-bound root proved the LP's end out of reach of integer plans (`RangeProof`).
        public let low: Int
        public let high: Int
        /// The fewest and most posts of plans actually found within the tolerance (`RangeSearch`), nil when not
        /// searched: the true integer range ends between these and `low`, `high`.
        public let lowFound: Int?
        public let highFound: Int?
        public init(low: Int, high: Int, lowFound: Int? = nil, highFound: Int? = nil) {
            self.low = low
            self.high = high
            self.lowFound = lowFound
            self.highFound = highFound
        }
        /// True when the model forces this number of posts.
        public var isPoint: Bool { low == high }
        /// True when plans were found at both ends of the LP's range: the range is the integer range, exactly.
        public var isExact: Bool { lowFound == low && highFound == high }
        public func contains(_ posts: Int) -> Bool { low <= posts && posts <= high }
        /// Posts by which `posts` lies outside the range, signed: + above, − below, 0 inside.
        public func excess(_ posts: Int) -> Int { posts > high ? posts - high : posts < low ? posts - low : 0 }
    }

    /// The ranges of one tolerance, by territory code; `failed` counts LPs that did not solve (their side then falls
    /// back to the plan's own posts, and the report says so).
    public struct Ranges: Sendable {
        public let tolerance: Double
        public let byTerritory: [String: Range]
        public let failed: Int
        /// Searches for the ends' plans that the run stopped (its time budget, a signal): their found ends then depend
        /// on the machine's speed.
        public let searchesCut: Int
        /// Searches left unfinished when the tolerance's move budget ran out (`RangeSearch.moveBudget`): the same on
        /// every machine.
        public let searchesOutOfMoves: Int
        /// Ends decided over integer plans (`RangeProof`): the sides tried, and the posts by which their bounds were
        /// tightened in all; nil when this tolerance's ends were not tried (within the gap, with
        /// `comparison.gap_range_proofs: false`).
        public let proofs: (sides: Int, postsTightened: Int)?
        /// Open ends neither proof nor heuristic tried because the tolerance's budget of tries had run out
        /// (`RangeProof.workBudget`): the same on every machine.
        public let endsOutOfBudget: Int

        public init(
            tolerance: Double, byTerritory: [String: Range], failed: Int, searchesCut: Int = 0,
            searchesOutOfMoves: Int = 0, proofs: (sides: Int, postsTightened: Int)? = nil, endsOutOfBudget: Int = 0
        ) {
            self.tolerance = tolerance
            self.byTerritory = byTerritory
            self.failed = failed
            self.searchesCut = searchesCut
            self.searchesOutOfMoves = searchesOutOfMoves
            self.proofs = proofs
            self.endsOutOfBudget = endsOutOfBudget
        }
    }

    /// `posts`: the plan's posts per territory; `bound`: the best bound on the value of coverage (or the plan's value).
    /// One `Ranges` per tolerance, in the order given; the tolerances are ranged in parallel, each in one LP session
    /// (`ColumnRanges`: GLPK warm-starts each bound from the previous basis). With `plan` (the values of
    /// `model.program`: the published plan or another within the gap), each side is then searched for a plan that
    /// reaches it (`RangeSearch`), within a budget of moves (`moveBudget`, by default `RangeSearch.moveBudget`); `stop`
    /// (the run's budget, a signal) cuts the searches short. Tolerances above `heuristicAbove` (the MIP gap) then look
    /// for the ends the moves left short with the primal heuristic (`RangeSearch.heuristicEnd`). Tolerances above
    /// `proveAbove` (every one when nil) then decide the ends still open over integer plans (`RangeProof`); those at or
    /// below `heuristicAbove` then try the heuristic on the ends the proofs left open (none when `heuristicAbove` is
    /// nil).
    public static func compute(
        model: AllocationModel, scenario: Scenario, posts: [String: Int], bound: Double,
        tolerances: [Double], solver: any LinearSolver, options: SolverOptions, plan: [Double]? = nil, width: Int = 2,
        stop: CancellationFlag? = nil, moveBudget: Int? = nil, heuristicAbove: Double? = nil, proveAbove: Double? = nil,
        workBudget: Int? = nil
    ) throws -> [Ranges] {
        let codes = scenario.territories.map(\.code).filter { model.postVariables[$0] != nil }
        let columns = codes.map { model.postVariables[$0]! }
        let program = model.program
        let valueTerms = model.valueTerms
        let scale = model.objectiveScale
        var lpOptions = options.starting(from: nil)
        lpOptions.timeLimitSeconds = min(options.timeLimitSeconds, 30)
        let lp = lpOptions
        // First, per tolerance (two at a time): the LP's bounds and the one-post moves, which share one budget in the
        // order of the territories' codes. Then the sides still open, two at a time over both cores (the gap's
        // moves usually finish long before the wider tolerance's, and its core would idle).
        let searched = try ParallelSolves.map(tolerances, width: width) {
            tolerance -> (held: LinearProgram, sides: [Range], failed: Int, cut: Int, outOfMoves: Int, searched: Bool)
            in
            var held = program
            // The value of coverage held at (1 − τ) × bound, less a hair for the LP's own tolerance, in the program's
            // scale (weights divided by the largest; a coefficient below the LP layer's smallest is left out, as in
            // the objective: it only makes the row stricter by less than 10⁻¹² of a person).
            let terms = valueTerms.map { ($0.0, AllocationModel.solverCoefficient($0.1, scale: scale)) }.filter {
                $0.1 != 0
            }
            held.addConstraint(
                "value_held", terms, lower: ((1 - tolerance) * bound - max(abs(bound), 1) * 1e-9) / scale)
            let bounds = try ColumnRanges.compute(held, columns: columns, solver: solver, options: lp)
            var failed = 0
            var sides = zip(codes, bounds).map { code, side -> Range in
                let own = posts[code] ?? 0
                failed += (side.low == nil ? 1 : 0) + (side.high == nil ? 1 : 0)
                // Rounded inwards (integer posts), never past the plan's own posts (a plan within the tolerance).
                let lower = min(side.low.map { Int(($0 - 1e-6).rounded(.up)) } ?? own, own)
                let upper = max(side.high.map { Int(($0 + 1e-6).rounded(.down)) } ?? own, own)
                return Range(low: lower, high: upper)
            }
            // The plan's search starts from it only when it is itself within the tolerance. The searches take their
            // moves from one budget, in the order of the territories' codes (so the input's row order cannot matter).
            guard let start = plan.flatMap({ RangeSearch.Start(model: model, program: held, plan: $0) }) else {
                return (held, sides, failed, 0, 0, false)
            }
            var moves = moveBudget ?? RangeSearch.moveBudget(territories: codes.count)
            var cut = 0, outOfMoves = 0
            for index in codes.indices.sorted(by: { codes[$0] < codes[$1] }) {
                let code = codes[index], range = sides[index], own = posts[code] ?? 0
                let fewest = RangeSearch.extreme(
                    start, code: code, direction: -1, limit: range.low, moves: &moves, stop: stop)
                let most = RangeSearch.extreme(
                    start, code: code, direction: 1, limit: range.high, moves: &moves, stop: stop)
                for ending in [fewest?.ending, most?.ending] {
                    cut += ending == .stopped ? 1 : 0
                    outOfMoves += ending == .outOfMoves ? 1 : 0
                }
                // The published plan is itself a plan within the tolerance (the search may start from another).
                sides[index] = Range(
                    low: range.low, high: range.high, lowFound: fewest.map { min(max($0.posts, range.low), own) },
                    highFound: most.map { max(min($0.posts, range.high), own) })
            }
            return (held, sides, failed, cut, outOfMoves, true)
        }
        var results: [(sides: [Range], failed: Int, cut: Int, outOfMoves: Int, proofs: (Int, Int)?, outOfBudget: Int)] =
            []
        for (tolerance, first) in zip(tolerances, searched) {
            var sides = first.sides, cut = first.cut
            guard first.searched else {
                results.append((sides, first.failed, cut, first.outOfMoves, nil, 0))
                continue
            }
            let held = first.held
            // The open sides of this tolerance: each looked for on its own, results applied in the territories' code
            // order.
            struct OpenSide: Sendable {
                let index: Int
                let direction: Int
                let end: Int
                let found: Int
            }
            func openSides() -> [OpenSide] {
                codes.indices.sorted(by: { codes[$0] < codes[$1] }).flatMap { index in
                    [1, -1].compactMap { direction -> OpenSide? in
                        let side = sides[index]
                        let end = direction > 0 ? side.high : side.low
                        guard let found = direction > 0 ? side.highFound : side.lowFound, found != end else {
                            return nil
                        }
                        return OpenSide(index: index, direction: direction, end: end, found: found)
                    }
                }
            }
            func update(_ open: OpenSide, end: Int, found: Int) {
                let side = sides[open.index]
                sides[open.index] = Range(
                    low: open.direction < 0 ? end : side.low, high: open.direction > 0 ? end : side.high,
                    lowFound: open.direction < 0 ? found : side.lowFound,
                    highFound: open.direction > 0 ? found : side.highFound)
            }
            // The open ends' tries (proofs and heuristic attempts) come from one budget per tolerance, taken in the
            // territories' code order, `width` sides at a time: each side may take what is left before its batch, so
            // the ends are the same on every machine. Sides reached after it ran out are counted.
            var budget = workBudget ?? RangeProof.workBudget(territories: codes.count)
            var outOfBudget = 0
            func inBatches<T: Sendable>(
                _ open: [OpenSide], _ work: @escaping @Sendable (OpenSide, Int) -> T?, tries: (T) -> Int,
                apply: (OpenSide, T) -> Void
            ) throws {
                var next = 0
                while next < open.count {
                    guard budget > 0 else {
                        // Every end still open: a later phase sees those an earlier one left, so the last count holds.
                        outOfBudget = open.count - next
                        return
                    }
                    let batch = Array(open[next..<min(next + max(width, 1), open.count)])
                    let allowed = budget
                    let results = try ParallelSolves.map(batch, width: width) { work($0, allowed) }
                    for (side, result) in zip(batch, results) {
                        guard let result else {
                            cut += 1
                            continue
                        }
                        budget -= tries(result)
                        apply(side, result)
                    }
                    next += batch.count
                }
            }
            // An end the moves left short, looked for by the primal heuristic with the posts held there
            // (`RangeSearch.heuristicEnd`).
            func heuristicEnds() throws {
                let threshold = (1 - tolerance) * bound - max(abs(bound), 1) * 1e-9
                let basis = Self.basis(of: program, solver: solver, options: lp)
                // nil: stopped by the run before it started; else the posts of the plan kept, if any.
                try inBatches(
                    openSides(),
                    { side, allowed -> (posts: Int?, attempts: Int)? in
                        guard stop?.isCancelled != true else { return nil }
                        return RangeSearch.heuristicEnd(
                            model: model, column: columns[side.index], direction: side.direction, end: side.end,
                            found: side.found, threshold: threshold, basis: basis, solver: solver, options: lp,
                            attempts: min(RangeSearch.heuristicAttempts, allowed))
                    }, tries: { $0.attempts }
                ) { side, result in
                    guard let posts = result.posts else { return }
                    let kept =
                        side.direction > 0
                        ? max(min(posts, side.end), side.found) : min(max(posts, side.end), side.found)
                    update(side, end: side.end, found: kept)
                }
            }
            // Ends still open (the plans found short of the LP's bound): decided over integer plans where the
            // branch-and-bound root can (`RangeProof`), each side within its own number of tries.
            var tried = 0, tightened = 0
            func proofs() throws {
                let basis = Self.basis(of: held, solver: solver, options: lp)
                try inBatches(
                    openSides(),
                    { side, allowed -> RangeProof.Side? in
                        guard stop?.isCancelled != true else { return nil }
                        return RangeProof.settle(
                            held: held, column: columns[side.index], direction: side.direction, end: side.end,
                            found: side.found, basis: basis, solver: solver, options: lp, tries: allowed)
                    }, tries: { $0.tries }
                ) { side, result in
                    tried += 1
                    tightened += abs(side.end - result.end)
                    update(side, end: result.end, found: result.found)
                }
            }
            // Above `heuristicAbove` the heuristic comes first: its rounding loses less than the tolerance, so it finds
            // most ends, and the proofs decide the few left. At or below it (the MIP gap) rounding seldom reaches the
            // LP's end, so the proofs first pull the bounds in, and the heuristic then tries each end still open, now
            // tightened, or one post inside.
            let heuristicFirst = heuristicAbove.map { tolerance > $0 } ?? false
            if heuristicFirst { try heuristicEnds() }
            guard proveAbove.map({ tolerance > $0 }) ?? true else {
                results.append((sides, first.failed, cut, first.outOfMoves, nil, outOfBudget))
                continue
            }
            try proofs()
            if !heuristicFirst, heuristicAbove != nil { try heuristicEnds() }
            results.append((sides, first.failed, cut, first.outOfMoves, (tried, tightened), outOfBudget))
        }
        return zip(tolerances, results).map { tolerance, result in
            Ranges(
                tolerance: tolerance, byTerritory: Dictionary(uniqueKeysWithValues: zip(codes, result.sides)),
                failed: result.failed, searchesCut: result.cut, searchesOutOfMoves: result.outOfMoves,
                proofs: result.proofs.map { (sides: $0.0, postsTightened: $0.1) }, endsOutOfBudget: result.outOfBudget)
        }
    }

    /// The optimal basis of `program`'s relaxation, where the ends' tries start (a row more, basic); nil when it
    /// does not solve (each try then starts from scratch).
    static func basis(of program: LinearProgram, solver: any LinearSolver, options: SolverOptions) -> LPBasis? {
        try? solver.solve(program.relaxation(), options: options).basis
    }
}
