import Foundation
import LinearProgramming

/// A bound and a fractional plan for the commune model without its LP relaxation (docs/model.md, "Solving the commune
/// model"): at wide radii the relaxation does not finish in a run's time (30 km: 333 s), and a run would otherwise end
/// with no plan. Pricing the `site_service` rows splits the model in two parts that are each easy: the posts (a small
/// LP over the posts' own rows) and the groups (each buys its people at the cheapest price among the units that reach
/// it, a closed form). For prices π ≥ 0, L(π) = max over the posts of Σ_d (c_d + π_u(d) s_d) x_d + Σ_g Σ_j
/// max(0, c_gj − min_{u reaching g} π_u) × width_gj bounds the relaxation, hence every plan (Lagrangian duality).
/// L is convex in π; it is minimised by a search on one price for every unit, then subgradient steps per unit.
public enum CommuneLagrangian {
    public struct Outcome: Sendable {
        /// No plan of the relaxed program is worth more (program units, tie-break included).
        public let bound: Double
        /// The posts part's solutions averaged over the subgradient steps (at the best prices when there were none), as
        /// values of the model's program (flows and coverage 0): they keep every row over the posts alone.
        public let values: [Double]
        /// A row price per row of the model's program: the units' prices on their `site_service` rows, 0 elsewhere
        /// (what `CommuneRounding` reads as the value of one more person served at a unit).
        public let duals: [Double]
        public let iterations: Int
        /// Subgradient steps that lowered the bound below the best single price's.
        public let stepsThatLowered: Int
        public let seconds: Double
        /// The posts part's basis at its last solve, by name: a later warm start of a variant starts its first solve
        /// from it.
        public var postsBasis: PostsBasis?
        /// The first solve started from `solve`'s `startBasis`.
        public var startedFromBasis = false
        /// The deadline (or a posts-part LP's time limit) ended the search before its steps did: the bound, prices and
        /// posts depend on the machine's speed.
        public var stoppedByClock = false
    }

    /// Statuses of the posts part's rows and columns by name (`LPBasis.named`): what `warm_start_basis.csv` holds. The
    /// posts part's first LP solved from scratch is most of a warm variant's Lagrangian (20 km, €190M from the €200M
    /// base, the runs' logs: the three prices in 0.55–0.70 s from scratch, 0.28–0.30 s from the base's basis;
    /// BENCHMARKS.md, "A basis for the warm start's first LP").
    public struct PostsBasis: Sendable {
        public let rows: [(name: String, status: LPBasis.Status)]
        public let columns: [(name: String, status: LPBasis.Status)]

        public init(rows: [(name: String, status: LPBasis.Status)], columns: [(name: String, status: LPBasis.Status)]) {
            self.rows = rows
            self.columns = columns
        }
    }

    /// Price evaluations at most: the search on one price's (after a warm start's bracket, up to 7 more), then the
    /// subgradient's.
    static let searchSteps = 16
    public static let subgradientSteps = 40

    /// Nil when the posts part has no solution (its rules cannot all hold) or the deadline passes first. `start`: a
    /// price per unit known to be near the minimum (a previous run's, `CommuneWarmStart`, or the duals of the interior
    /// point's best point when it stopped short); the search then scales
    /// it (λ × start) instead of searching one price for every unit.
    public static func solve(
        _ model: CommuneModel, solver: any LinearSolver, options: SolverOptions, deadline: Date = .distantFuture,
        start: [Double]? = nil, subgradientSteps: Int = Self.subgradientSteps, startBasis: PostsBasis? = nil
    ) throws -> Outcome? {
        let started = Date()
        let program = model.program
        let postsColumns = model.firstFlowColumn
        let posts = model.postsProgram(named: "posts")
        let unitCount = model.serviceRows.count
        let serving = Self.serving(model)
        var unitsOfGroup = [[Int]](repeating: [], count: model.reach.groups.count)
        for (unit, groups) in model.reach.unitGroups.enumerated() {
            for group in groups { unitsOfGroup[group].append(unit) }
        }
        let segments: [[(value: Double, width: Double)]] = model.coverage.map { list in
            list.map { (program.variables[$0.index].objective, program.variables[$0.index].upper) }
        }
        var lpOptions = options.starting(from: nil)
        lpOptions.interiorPoint = false
        // A previous run's basis, mapped by name: only the budget, the posts or some rows differ, so the dual simplex
        // from it needs a few pivots (the prices at λ = 1 are the previous run's: its basis is dual feasible).
        // A basis naming fewer than half of the posts part's columns is another program's: not used (mapped, it would
        // be nearly the slack basis, a start from scratch that the log would call a warm one).
        var basis = startBasis.flatMap { start -> LPBasis? in
            let rows = Dictionary(start.rows.map { ($0.name, $0.status) }, uniquingKeysWith: { first, _ in first })
            let columns = Dictionary(
                start.columns.map { ($0.name, $0.status) }, uniquingKeysWith: { first, _ in first })
            guard 2 * posts.variables.count(where: { columns[$0.name] != nil }) >= posts.variables.count else {
                return nil
            }
            return LPBasis(rows: rows, columns: columns, for: posts)
        }
        let startedFromBasis = basis != nil
        var solves = 0
        var startRejected = false
        var stoppedByClock = false

        /// L(π), the posts part's solution, and each unit's demand minus supply (a subgradient of L, negated).
        func evaluate(_ prices: [Double]) throws -> (value: Double, posts: [Double], excess: [Double])? {
            let priced = Self.priced(posts, model: model, serving: serving, prices: prices)
            if Date() >= deadline {
                stoppedByClock = true
                return nil
            }
            lpOptions.timeLimitSeconds = min(options.timeLimitSeconds, max(deadline.timeIntervalSinceNow, 0.01))
            // Only the objective changes from one price to the next: the last basis stays feasible, and the primal
            // simplex needs a few pivots from it instead of a solve from scratch.
            lpOptions.basis = basis
            lpOptions.dualSimplex = basis == nil || (startedFromBasis && solves == 0)
            let result = try solver.solve(priced, options: lpOptions)
            // GLPK found the start singular and started from scratch: not a start from the previous basis.
            if solves == 0, result.basisRejected { startRejected = true }
            solves += 1
            guard result.status == .optimal, result.hasSolution, let postsValue = result.objective else {
                if result.limitReached != nil { stoppedByClock = true }
                return nil
            }
            basis = result.basis
            var excess = [Double](repeating: 0, count: unitCount)
            for unit in 0..<unitCount {
                for (column, people) in serving[unit] { excess[unit] -= people * result.values[column] }
            }
            var groupsValue = 0.0
            for (group, units) in unitsOfGroup.enumerated() {
                // The cheapest units in reach sell the group its people; where several are equally cheap the demand
                // is split evenly between them (any split is a subgradient; an even one does not pile it on the first).
                guard let price = units.lazy.map({ prices[$0] }).min() else { continue }
                var bought = 0.0
                for segment in segments[group] where segment.value > price {
                    groupsValue += (segment.value - price) * segment.width
                    bought += segment.width
                }
                guard bought > 0 else { continue }
                let cheapest = units.filter { prices[$0] <= price }
                for unit in cheapest { excess[unit] += bought / Double(cheapest.count) }
            }
            return (postsValue + groupsValue, result.values, excess)
        }

        var best: (value: Double, posts: [Double], prices: [Double], excess: [Double])?
        func keep(_ found: (value: Double, posts: [Double], excess: [Double]), _ prices: [Double]) -> Bool {
            guard best == nil || found.value < best!.value - 1e-9 * max(abs(best!.value), 1) else { return false }
            best = (found.value, found.posts, prices, found.excess)
            return true
        }
        // Prices λ × direction: one price for every unit (direction 1), or a start scaled. L(λ × direction) is convex
        // in λ, and its slope there is −direction · excess (more demand than supply: the prices are too low, the
        // minimum lies above λ). A start is evaluated as it is first, then scaled between 0 and 4 times: the bracket
        // is found by steps from 1 that double (1/32 first: a variant's prices are near its base's), then searched.
        // A start's prices are kept within [0, the highest value of a segment]: above it a unit sells to no group and
        // only inflates the posts part (any prices give a bound; these keep it finite and the LP's coefficients sane).
        // A start without any positive price (NaN, negative, zero) says nothing: one price for every unit then.
        let highestValue = segments.lazy.flatMap { $0 }.map(\.value).max() ?? 0
        let start = start.map { $0.map { $0.isNaN ? 0 : min(max($0, 0), highestValue) } }.flatMap {
            $0.contains { $0 > 0 } ? $0 : nil
        }
        let direction = start ?? [Double](repeating: 1, count: unitCount)
        var low = 0.0
        var high = start == nil ? highestValue : 4
        // The evaluated ends of the bracket: λ, L and its slope.
        var below: (lambda: Double, value: Double, slope: Double)?
        var above: (lambda: Double, value: Double, slope: Double)?
        var iterations = 0
        // The last two evaluations moved the same end of the bracket: the next is its middle, so the bracket at least
        // halves every other step.
        var lowerMoved: Bool?
        var stalled = false
        /// Evaluates λ × direction and narrows the bracket; false when the posts part has no solution in time.
        func probe(_ lambda: Double) throws -> Bool {
            let prices = direction.map { $0 * lambda }
            guard let found = try evaluate(prices) else { return false }
            iterations += 1
            _ = keep(found, prices)
            let slope = -zip(direction, found.excess).reduce(0) { $0 + $1.0 * $1.1 }
            if slope < 0 {
                low = lambda
                below = (lambda, found.value, slope)
            } else {
                high = lambda
                above = (lambda, found.value, slope)
            }
            stalled = lowerMoved == (slope < 0)
            lowerMoved = slope < 0
            return true
        }
        /// Where the tangents at the bracket's evaluated ends cross, and the value there: by convexity L lies above
        /// both, so no λ in between can give less.
        func crossing() -> (lambda: Double, value: Double)? {
            guard let below, let above, above.slope > 0 else { return nil }
            let lambda =
                (above.value - below.value + below.slope * below.lambda - above.slope * above.lambda)
                / (below.slope - above.slope)
            return (lambda, below.value + below.slope * (lambda - below.lambda))
        }
        /// True when no λ in the bracket can lower the best bound by more than 10⁻⁷ of it.
        func settled() -> Bool {
            if let above, above.slope == 0 { return true }  // L is flat there: λ is a minimum
            guard let lowest = crossing(), let best else { return false }
            return best.value - lowest.value <= 1e-7 * max(abs(best.value), 1)
        }
        var searched = true
        if start != nil {
            searched = try probe(1)
            var step = 1.0 / 32
            while searched, below == nil || above == nil, !settled() {
                let next = above == nil ? min(low + step, high) : max(high - step, low)
                guard next != low, next != high else { break }
                searched = try probe(next)
                step *= 2
            }
        }
        // Each step evaluates where the tangents at the two ends cross (L is piecewise linear: where its minimum is a
        // kink between the two ends' pieces, that is the kink itself), kept a hundredth of the bracket inside it; an
        // end not evaluated yet is evaluated first (the minimum may be there), the middle when neither is, or when
        // the last two evaluations moved the same end (a crossing that keeps landing near one end).
        for _ in 0..<searchSteps where searched && high - low > 1e-12 * max(high, 1) && !settled() {
            let margin = (high - low) / 100
            let next: Double
            switch (below, above) {
            case (nil, nil): next = (low + high) / 2
            case (_, nil): next = high
            case (nil, _): next = low
            default:
                next =
                    stalled
                    ? (low + high) / 2
                    : crossing().map { min(max($0.lambda, low + margin), high - margin) } ?? (low + high) / 2
            }
            guard try probe(next) else { break }
        }
        guard best != nil else { return nil }
        // Then each unit's price on its own: π ← max(0, π + t × excess), t = θ (L − target) / ‖excess‖², the target
        // 0.5 % below the best bound (no plan value is known yet), θ halved after three steps without a better bound.
        // Measured on the national scenario (10 and 30 km), no step beat the one price: L is not smooth there, and a
        // subgradient is no descent direction. The steps are kept for their posts: each is a vertex that spends
        // everything at the units priced highest, and their average, near the relaxation's posts, is what the rounding
        // starts from. `stepsThatLowered` counts the steps that did beat it (the run's log shows it).
        var theta = 1.0, sinceBetter = 0, stepsThatLowered = 0
        var average = [Double](repeating: 0, count: postsColumns)
        var averaged = 0
        var current = best!.prices
        for step in 0..<subgradientSteps {
            // The first step starts at the best single price, already evaluated by the search on one price.
            let found: (value: Double, posts: [Double], excess: [Double])
            if step == 0 {
                found = (best!.value, best!.posts, best!.excess)
            } else {
                guard let evaluated = try evaluate(current) else { break }
                iterations += 1
                found = evaluated
            }
            for column in 0..<postsColumns { average[column] += found.posts[column] }
            averaged += 1
            if keep(found, current) {
                sinceBetter = 0
                stepsThatLowered += 1
            } else {
                sinceBetter += 1
                if sinceBetter >= 3 {
                    theta /= 2
                    sinceBetter = 0
                }
            }
            let norm = found.excess.reduce(0) { $0 + $1 * $1 }
            let step = theta * max(found.value - best!.value * (1 - 0.005), 0) / max(norm, 1e-300)
            guard norm > 0, step > 0 else { break }  // supply meets demand at every unit: L is at its minimum
            current = zip(current, found.excess).map { max(0, $0 + step * $1) }
        }
        guard let best else { return nil }
        var values = [Double](repeating: 0, count: program.variables.count)
        for column in 0..<postsColumns {
            values[column] = averaged > 0 ? average[column] / Double(averaged) : best.posts[column]
        }
        var duals = [Double](repeating: 0, count: program.constraints.count)
        for (unit, row) in model.serviceRows.enumerated() { duals[row] = best.prices[unit] }
        var outcome = Outcome(
            bound: best.value, values: values, duals: duals, iterations: iterations, stepsThatLowered: stepsThatLowered,
            seconds: Date().timeIntervalSince(started))
        outcome.postsBasis = basis.map { PostsBasis(named: $0, program: posts) }
        outcome.startedFromBasis = startedFromBasis && !startRejected
        outcome.stoppedByClock = stoppedByClock
        return outcome
    }

    /// The posts part's basis at these prices (one per unit, program units): what a run whose bound is the LP
    /// relaxation's leaves for its warm-started variants. Nil when the solve does not end optimal by the deadline.
    public static func postsBasis(
        _ model: CommuneModel, prices: [Double], solver: any LinearSolver, options: SolverOptions,
        deadline: Date = .distantFuture
    ) throws -> PostsBasis? {
        let posts = model.postsProgram(named: "posts")
        var lpOptions = options.starting(from: nil)
        lpOptions.interiorPoint = false
        lpOptions.dualSimplex = true
        lpOptions.timeLimitSeconds = min(options.timeLimitSeconds, max(deadline.timeIntervalSinceNow, 0.01))
        guard Date() < deadline else { return nil }
        let result = try solver.solve(
            priced(posts, model: model, serving: serving(model), prices: prices), options: lpOptions)
        guard result.status == .optimal, let basis = result.basis else { return nil }
        return PostsBasis(named: basis, program: posts)
    }

    /// What each post serves at its unit: −(its coefficient in the unit's `site_service` row), per unit.
    static func serving(_ model: CommuneModel) -> [[(column: Int, people: Double)]] {
        var serving: [[(column: Int, people: Double)]] = Array(repeating: [], count: model.serviceRows.count)
        for (unit, row) in model.serviceRows.enumerated() {
            for term in model.program.constraints[row].terms where term.variable < model.firstFlowColumn {
                serving[unit].append((term.variable, -term.coefficient))
            }
        }
        return serving
    }

    /// The posts part with its objective at prices π: c_d + π_u(d) s_d per decision.
    static func priced(
        _ posts: LinearProgram, model: CommuneModel, serving: [[(column: Int, people: Double)]], prices: [Double]
    ) -> LinearProgram {
        var priced = posts
        for column in 0..<model.firstFlowColumn {
            priced.setObjective(Variable(index: column), model.program.variables[column].objective)
        }
        for unit in serving.indices where prices[unit] != 0 {
            for (column, people) in serving[unit] {
                priced.setObjective(Variable(index: column), priced.variables[column].objective + prices[unit] * people)
            }
        }
        return priced
    }
}

extension CommuneLagrangian.PostsBasis {
    init(named basis: LPBasis, program: LinearProgram) {
        let named = basis.named(for: program)
        self.init(rows: named.rows, columns: named.columns)
    }
}
