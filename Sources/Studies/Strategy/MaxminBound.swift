import AllocationModel
import Foundation
import LinearProgramming

/// A max-min stage proven without branch-and-bound (docs/model.md, "Solve strategy", "The max-min stage by
/// territories"). GLPK's bound on the largest smallest coverage ratio stays at the relaxation's (0.6 % above the
/// optimum with the budget binding, €130M), since each territory's posts are whole; its branch-and-bound does not close
/// that in minutes, while the gap comes from territories one at a time.
///
/// With the ratio fixed at r, the stage's program falls apart by territory but for a few shared rows (the posts
/// total, the budget, région floors and caps, earlier stages' rows). For prices y on the shared rows, every plan keeps
/// Σ_R y_R A_R x ≤ Σ_R y_R b_R (b_R the row's upper bound where y_R > 0, its lower where y_R < 0), and the left side's
/// least value is the sum of each territory's own least value under its own rows and the floor D_t × r — a small MIP
/// per territory, solved exactly. When that sum exceeds the right side, no plan reaches r: r bounds the stage. The same
/// small MIPs give plans: the territories' solutions together keep every row of their own and the floors; when they
/// also keep the shared rows, they are a plan whose smallest ratio is at least r. A bisection between the two closes
/// the gap. Prices: the shared rows' duals in the stage's relaxation, and each priced row alone.
enum MaxminBound {
    /// What the bisection proved: no plan reaches `bound`; `plan` (the stage program's values), when found, reaches
    /// `ratio`.
    struct Outcome {
        let bound: Double
        let plan: [Double]?
        let ratio: Double
        /// Ratios tested, and the small MIPs solved.
        let tests: Int
        let solves: Int
    }

    /// Bisection steps at most: each halves the interval between the best plan and the smallest proven bound.
    static let steps = 24

    /// What one ratio's test found.
    enum Test {
        /// No plan reaches the ratio.
        case unreachable
        /// A plan of the stage program (values) whose smallest ratio is at least the one tested.
        case reached([Double])
        /// Neither.
        case unknown
    }

    /// Tests ratio `r` with each price vector in turn (the first that proves or reaches decides); `solves` counts the
    /// small MIPs.
    static func test(
        _ split: TerritorySplit, model: AllocationModel, ratio r: Double, prices: [[Int: Double]],
        solver: any LinearSolver,
        options: SolverOptions,
        solves: inout Int
    ) throws -> Test {
        let program = split.program
        for row in split.ratioOnly {
            let activity = program.activity(ofConstraint: row, values: placing(r, at: split.ratio, in: program))
            let constraint = program.constraints[row]
            if activity < constraint.lower - 1e-9 || activity > constraint.upper + 1e-9 { return .unreachable }
        }
        if r < program.variables[split.ratio.index].lower - 1e-12 || r > program.variables[split.ratio.index].upper {
            return .unreachable
        }
        var exact = options.starting(from: nil)
        exact.mipGap = 0
        exact.timeLimitSeconds = min(options.timeLimitSeconds, 10)
        for vector in prices {
            // The right side: each priced row at the bound its price's sign makes binding; an infinite one proves
            // nothing.
            var right = 0.0
            for (row, price) in vector.sorted(by: { $0.key < $1.key }) {  // the same sum in every process
                let constraint = program.constraints[row]
                right += price * (price > 0 ? constraint.upper : constraint.lower)
            }
            guard right.isFinite else { continue }
            var values = placing(r, at: split.ratio, in: program)
            var left = 0.0, complete = true
            for territory in split.members.indices where !split.members[territory].isEmpty {
                let sub = split.subproblem(territory, ratio: r, prices: vector, ownObjective: false)
                solves += 1
                let result = try solver.solve(sub, options: exact)
                switch result.status {
                case .infeasible: return .unreachable
                case .optimal:
                    // The subproblem maximises −Σ y A x: its least Σ y A x is minus its optimum (or bound).
                    left -= max(result.bestBound ?? result.objective!, result.objective!)
                    for (position, variable) in split.members[territory].enumerated() {
                        values[variable] = result.values[position]
                    }
                default:
                    complete = false
                }
                guard complete else { break }
            }
            guard complete else { continue }
            if left > right + 1e-7 * max(abs(right), 1) { return .unreachable }
            // The small MIPs leave coverage at the floors (it costs nothing): refilled as far as the posts serve.
            let count = model.program.variables.count
            let search = Search(model: model, program: model.program, duals: nil)
            search.round(Array(values.prefix(count)))
            values.replaceSubrange(0..<count, with: search.values)
            values[split.ratio.index] = r
            if program.largestViolation(of: values, tolerance: 1e-6) == nil { return .reached(values) }
        }
        return .unknown
    }

    /// Bisects between `low` (a ratio `plan` reaches, or 0) and `high` (the relaxation's) until the plan found is
    /// within `gap` of the smallest ratio proven out of reach, or a ratio cannot be decided. Nil when the relaxation
    /// gives no prices or the program does not split.
    static func bisect(
        program: LinearProgram, ratio: Variable, model: AllocationModel, plan: [Double]?, low: Double,
        gap: Double, solver: any LinearSolver, options: SolverOptions
    ) throws -> Outcome? {
        guard let split = TerritorySplit(program: program, ratio: ratio, model: model) else { return nil }
        let relaxed = try solver.solve(program.relaxation(), options: options.starting(from: nil))
        guard relaxed.status == .optimal, let duals = relaxed.duals, duals.count == program.constraints.count else {
            return nil
        }
        var high = relaxed.values[ratio.index]
        // The shared rows' duals together, then each shared row alone (a row with a zero dual still binds the plans of
        // whole posts: with a territory's own capacity setting the relaxation's ratio, every dual is zero).
        var combined: [Int: Double] = [:]
        for row in split.shared where abs(duals[row]) > 1e-12 { combined[row] = duals[row] }
        var prices = combined.isEmpty ? [] : [combined]
        for row in split.shared {
            let constraint = program.constraints[row]
            let sign = combined[row].map { $0 > 0 ? 1.0 : -1.0 } ?? (constraint.upper.isFinite ? 1 : -1)
            if (sign > 0 ? constraint.upper : constraint.lower).isFinite { prices.append([row: sign]) }
        }
        if prices.isEmpty { prices = [[:]] }
        var low = low, best = plan, tests = 0, solves = 0
        for _ in 0..<steps where SolveResult.relativeGap(objective: low, bound: high) > gap {
            // First just under the relaxation's ratio: where a territory's own capacity sets it, plans reach it.
            let middle = tests == 0 ? high * (1 - gap) : (low + high) / 2
            tests += 1
            switch try test(
                split, model: model, ratio: middle, prices: prices, solver: solver, options: options, solves: &solves)
            {
            case .unreachable: high = middle
            case .reached(let values):
                best = values
                low = max(middle, reached(values, split: split))
            case .unknown:
                return Outcome(bound: high, plan: best, ratio: low, tests: tests, solves: solves)
            }
        }
        return Outcome(bound: high, plan: best, ratio: low, tests: tests, solves: solves)
    }

    /// The largest ratio the rows allow with `values`' other variables: the plan's smallest coverage ratio.
    static func reached(_ values: [Double], split: TerritorySplit) -> Double {
        let program = split.program, ratio = split.ratio.index
        var largest = program.variables[ratio].upper
        for constraint in program.constraints {
            guard let own = constraint.terms.first(where: { $0.variable == ratio }) else { continue }
            let rest = constraint.terms.reduce(0.0) {
                $0 + ($1.variable == ratio ? 0 : $1.coefficient * values[$1.variable])
            }
            if own.coefficient < 0, constraint.lower.isFinite {
                largest = min(largest, (rest - constraint.lower) / -own.coefficient)
            } else if own.coefficient > 0, constraint.upper.isFinite {
                largest = min(largest, (constraint.upper - rest) / own.coefficient)
            }
        }
        return largest
    }

    private static func placing(_ r: Double, at ratio: Variable, in program: LinearProgram) -> [Double] {
        var values = Array(repeating: 0.0, count: program.variables.count)
        values[ratio.index] = r
        return values
    }
}
