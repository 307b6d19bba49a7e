import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// A bound and a plan for a stage over the model's own variables (the value after a max-min stage) by territories
/// (docs/model.md, "Stages by territories"). With the max-min ratio held, nearly every territory sits at its coverage
/// floor: GLPK's bound stays near the relaxation's (0.05 % above the optimum at €130M) and its plans 0.1 % below,
/// because each territory's posts are whole and its own rows decide how few of them reach its floor.
///
/// Lagrangian relaxation of the shared rows (posts, budget, région rows): for prices y with the right signs, every plan
/// is worth at most L(y) = Σ_R y_R b_R + Σ_t max over territory t's own rows of (c_t − y A_t) x_t, one small MIP per
/// territory. L is minimised over y from the relaxation's duals: by bisection on the price when one row is priced
/// (L is convex in it, and the row's slack at the territories' solutions says on which side the minimum lies), by
/// subgradient steps otherwise. The plan: every territory's solutions met on the way are kept, and a small MIP picks
/// one per territory under the shared rows (a multiple-choice knapsack: the territories whose solution flips at the
/// optimal price decide how the shared rows are filled); the primal heuristic's one-post moves then fill and improve
/// it.
enum StageLagrangian {
    struct Outcome {
        /// No plan of the stage is worth more (in the program's objective units).
        let bound: Double
        /// The best plan found (values of the stage's program), and its objective.
        let plan: [Double]?
        let objective: Double
        let iterations: Int
        let solves: Int
    }

    /// Price updates at most.
    static let iterations = 40
    /// Branch-and-bound nodes for the choice of one solution per territory.
    static let masterNodes = 500

    /// One territory's solution: its values (of `TerritorySplit.members`), objective and shared rows' activities.
    struct Piece: Hashable {
        let values: [Double]
        let objective: Double
        let activity: [Int: Double]
    }

    /// `program`: the stage's, maximising an objective over the model's variables, with the max-min ratio `ratio` held
    /// at `held` by its rows (the smallest value they allow); `best`, a plan of it. Nil when the program does not split
    /// or its relaxation gives no duals.
    static func solve(
        program: LinearProgram, ratio: Variable, held: Double, model: AllocationModel, scenario: Scenario,
        best: [Double]?,
        gap: Double, solver: any LinearSolver, options: SolverOptions
    ) throws -> Outcome? {
        guard let split = TerritorySplit(program: program, ratio: ratio, model: model) else { return nil }
        let relaxed = try solver.solve(program.relaxation(), options: options.starting(from: nil))
        guard relaxed.status == .optimal, let duals = relaxed.duals, duals.count == program.constraints.count,
            let relaxationBound = relaxed.objective
        else { return nil }
        var exact = options.starting(from: nil)
        exact.mipGap = 0
        exact.timeLimitSeconds = min(options.timeLimitSeconds, 10)
        let rows = split.shared
        // A price's sign says which bound of its row it prices; a row with no such bound keeps a price of 0.
        func projected(_ price: Double, _ row: Int) -> Double {
            let constraint = program.constraints[row]
            if price > 0 { return constraint.upper.isFinite ? price : 0 }
            if price < 0 { return constraint.lower.isFinite ? price : 0 }
            return 0
        }
        var prices = Dictionary(uniqueKeysWithValues: rows.map { ($0, projected(duals[$0], $0)) })
        let territories = split.members.indices.filter { !split.members[$0].isEmpty }
        var pools = Array(repeating: Set<Piece>(), count: split.members.count)
        func piece(_ territory: Int, _ values: [Double]) -> Piece {
            let members = split.members[territory]
            var activity: [Int: Double] = [:]
            var objective = 0.0
            for (position, variable) in members.enumerated() where values[position] != 0 {
                objective += program.variables[variable].objective * values[position]
            }
            for entry in split.sharedTerms[territory] {
                activity[entry.row, default: 0] += entry.coefficient * values[entry.position]
            }
            activity = activity.filter { $0.value != 0 }
            return Piece(values: values, objective: objective, activity: activity)
        }
        if let best {
            for territory in territories {
                pools[territory].insert(piece(territory, split.members[territory].map { best[$0] }))
            }
        }
        var bound = relaxationBound
        var step = 1.0, sinceImprovement = 0, solves = 0, iteration = 0
        var lower: [Int: Double] = [:], upper: [Int: Double] = [:]
        while iteration < iterations {
            iteration += 1
            var lagrangian = 0.0
            for (row, price) in prices.sorted(by: { $0.key < $1.key }) where price != 0 {
                let constraint = program.constraints[row]
                lagrangian += price * (price > 0 ? constraint.upper : constraint.lower)
            }
            var activity: [Int: Double] = [:]
            for territory in territories {
                let sub = split.subproblem(territory, ratio: held, prices: prices, ownObjective: true)
                solves += 1
                let result = try solver.solve(sub, options: exact)
                guard result.status == .optimal, let objective = result.objective else { return nil }
                lagrangian += max(result.bestBound ?? objective, objective)
                let found = piece(territory, Array(result.values.prefix(split.members[territory].count)))
                pools[territory].insert(found)
                for (row, value) in found.activity { activity[row, default: 0] += value }
            }
            if lagrangian < bound - 1e-9 * max(abs(bound), 1) {
                bound = lagrangian
                sinceImprovement = 0
            } else {
                sinceImprovement += 1
                if sinceImprovement >= 3 {
                    step /= 2
                    sinceImprovement = 0
                }
            }
            // The subgradient: each priced row's slack at the territories' solutions (negative where they break it).
            var slack: [Int: Double] = [:]
            for row in rows {
                let constraint = program.constraints[row]
                let used = activity[row] ?? 0
                let price = prices[row] ?? 0
                let g =
                    price > 0 || (price == 0 && used > constraint.upper)
                    ? constraint.upper - used
                    : price < 0 || (price == 0 && used < constraint.lower) ? constraint.lower - used : 0
                if g.isFinite, g != 0 { slack[row] = g }
            }
            let priced = prices.filter { $0.value != 0 }
            if slack.isEmpty { break }  // the territories' solutions keep every shared row: they are optimal
            if priced.count == 1, let row = priced.keys.first, priced[row]! > 0,
                slack.allSatisfy({ $0.key == row })
            {
                // One priced row (a ≤ row): L is convex in its price, and its slack's sign says on which side the
                // minimum lies.
                let price = priced[row]!
                if slack[row]! < 0 { lower[row] = price } else { upper[row] = price }
                let low = lower[row] ?? 0
                guard let high = upper[row] else {
                    prices[row] = 2 * price
                    continue
                }
                if high - low <= 1e-9 * high { break }
                prices[row] = (low + high) / 2
                continue
            }
            let target = best.map { program.objectiveValue(of: $0) } ?? relaxationBound * (1 - 10 * gap)
            let norm = slack.sorted(by: { $0.key < $1.key }).reduce(0) { $0 + $1.value * $1.value }
            let length = step * max(lagrangian - target, 1e-9 * abs(lagrangian)) / norm
            for (row, g) in slack { prices[row] = projected((prices[row] ?? 0) - length * g, row) }
        }
        let plan = try master(
            pools: pools, territories: territories, split: split, held: held, model: model, scenario: scenario,
            solver: solver,
            options: exact, gap: gap)
        let planObjective = plan.map { program.objectiveValue(of: $0) } ?? -.infinity
        let bestObjective = best.map { program.objectiveValue(of: $0) } ?? -.infinity
        return planObjective > bestObjective
            ? Outcome(bound: bound, plan: plan, objective: planObjective, iterations: iteration, solves: solves)
            : Outcome(bound: bound, plan: best, objective: bestObjective, iterations: iteration, solves: solves)
    }

    /// One solution per territory from `pools`, the most value under the shared rows (a small MIP), then filled and
    /// improved by one-post moves under the model's rows and the floors; nil when no choice keeps the shared rows
    /// (or none was found within the node limit: the start's own solutions are in the pools, but measured, handing
    /// them to GLPK as its first incumbent made it stop at them within the limit where it otherwise found better).
    static func master(
        pools: [Set<Piece>], territories: [Int], split: TerritorySplit, held: Double, model: AllocationModel,
        scenario: Scenario, solver: any LinearSolver, options: SolverOptions, gap: Double
    ) throws -> [Double]? {
        func significant(_ value: Double) -> Double { abs(value) < 1e-9 ? 0 : value }
        let program = split.program
        var choice = LinearProgram(name: "pieces", sense: .maximize)
        var columns: [(territory: Int, piece: Piece, variable: Variable)] = []
        var rowTerms: [Int: [(Variable, Double)]] = [:]
        for territory in territories {
            // Sorted, so that the same pools give the same program (a set's order is not).
            let pieces = pools[territory].sorted { $0.values.lexicographicallyPrecedes($1.values) }
            var one: [(Variable, Double)] = []
            for piece in pieces {
                // Sums of the program's coefficients: a rounding residue below the LP layer's smallest is a zero.
                let variable = choice.addVariable(
                    "p\(columns.count)", lower: 0, upper: 1, kind: .integer, objective: significant(piece.objective))
                columns.append((territory, piece, variable))
                one.append((variable, 1))
                for (row, value) in piece.activity where significant(value) != 0 {
                    rowTerms[row, default: []].append((variable, value))
                }
            }
            choice.addConstraint("one[\(territory)]", one, lower: 1, upper: 1)
        }
        for row in split.shared {
            let constraint = program.constraints[row]
            choice.addConstraint(
                "shared[\(row)]", rowTerms[row] ?? [], lower: constraint.lower, upper: constraint.upper)
        }
        // Within the gap asked of the stage, and a node limit (not a clock, so that every machine picks the same):
        // proving a knapsack to the last euro can take GLPK thousands of nodes for nothing the stage needs.
        var limited = options
        limited.mipGap = gap
        limited.nodeLimit = masterNodes
        let result = try solver.solve(choice, options: limited)
        guard result.hasSolution else { return nil }
        var values = Array(repeating: 0.0, count: program.variables.count)
        for column in columns where result.values[column.variable.index] > 0.5 {
            for (position, variable) in split.members[column.territory].enumerated() {
                values[variable] = column.piece.values[position]
            }
        }
        values[split.ratio.index] = held
        // Filled and improved under the model's rows and the floors at the held ratio, with the stage's objective.
        let count = model.program.variables.count
        let own = StagedSolve.withCoverageFloors(
            model: model, scenario: scenario,
            objective: (0..<count).map { (Variable(index: $0), program.variables[$0].objective) }, ratio: held)
        let search = Search(model: model, program: own, duals: nil)
        search.round(Array(values.prefix(count)))
        search.fill()
        search.improve(until: .distantFuture)
        if let found = search.finished() {
            var improved = values
            improved.replaceSubrange(0..<count, with: found)
            if program.largestViolation(of: improved, tolerance: 1e-6) == nil { return improved }
        }
        return program.largestViolation(of: values, tolerance: 1e-6) == nil ? values : nil
    }
}
