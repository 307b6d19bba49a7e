import Foundation
import LinearProgramming
import Scenario

/// Why each territory gets what it gets, read from the model at the published plan (docs/model.md, "Explanations
/// from the model"), instead of averages: which of its own rows stop one more post, what its next post would be
/// (the funding option and kind of host with the best value per State euro among those with room) and what it would
/// add, set against the shadow prices of the national resources (posts_total, budget).
///
/// Two LPs: the fixed-integer LP (every integer column fixed at the plan) prices one more person served in each
/// territory (dual of `service[t]`); the LP relaxation prices a post and a State euro (duals of `posts_total` and
/// `budget`), which the fixed-integer LP cannot: with every post fixed, those rows hold no column that can move.
public enum MarginalAnalysis {
    /// Shadow prices of the national resources in units of value (the objective without its 1/scale).
    public struct Prices: Sendable, Equatable {
        /// Value of one more post (dual of `posts_total` in the LP relaxation).
        public let perPost: Double
        /// Value of one more State euro (dual of `budget` in the LP relaxation).
        public let perEuro: Double
    }

    /// The next post a territory would take: the open decision with the best value per State euro.
    public struct NextPost: Sendable, Equatable {
        public let kind: String
        public let option: String
        public let stateCostEUR: Double
        public let cofinanced: Bool
        /// Exact gain in value of this one post (the value curve at the plan's coverage, not a linearisation).
        public let value: Double
    }

    public struct Territory: Sendable, Equatable {
        public let code: String
        public let posts: Int
        /// The territory's floor when the plan sits on it (territory_floor active), else nil.
        public let floor: Int?
        /// Families of the territory's own rows that stop every kind of one more post, sorted
        /// ("territory_cap", "host_capacity", "cofinancing"); empty when some post still fits.
        public let blocking: [String]
        /// True when every co-financed option is stopped (some by their hosts' money or slots) while a post still fits.
        public let cofinancingSpent: Bool
        /// Kinds of host whose structures here are full (every option of the kind stopped by its capacity) while a post
        /// of another kind still fits: the resource that leaves the next post to the other kind (a review: Mayotte's
        /// private hosts full, its next post a dearer public one, unsaid). Empty when no post fits (`blocking` says
        /// it).
        public let fullKinds: [String]
        /// All need covered: one more post reaches no one.
        public let needCovered: Bool
        /// Value of one more person served here, from the fixed-integer LP (nil when it did not solve).
        public let valuePerPerson: Double?
        /// Value a post placed here would take from elsewhere (LP relaxation: posts_total plus its région's rows);
        /// its State money is priced apart, at `Prices.perEuro`. Nil without the relaxation's duals.
        public let postPrice: Double?
        public let next: NextPost?
    }

    public struct Result: Sendable {
        public let prices: Prices?
        public let territories: [String: Territory]
    }

    /// `values`: the plan, one value per column of `model.program`.
    public static func analyse(
        model: AllocationModel, values: [Double], scenario: Scenario, solver: any LinearSolver,
        options: SolverOptions
    ) throws -> Result {
        let program = model.program
        let plan = Array(values.prefix(program.variables.count))
        let scale = model.objectiveScale
        var lpOptions = SolverOptions(timeLimitSeconds: options.timeLimitSeconds, mipGap: 0, presolve: false)
        lpOptions.dualSimplex = false

        // National prices: the LP relaxation's duals, signed as GLPK gives them under maximisation (≥ 0 on an active
        // upper bound, ≤ 0 on an active lower bound).
        var prices: Prices?
        let relaxed = try solver.solve(program.relaxation(), options: lpOptions)
        let relaxedDuals = relaxed.duals
        func relaxedDual(_ name: String) -> Double {
            guard let relaxedDuals, let row = program.constraintIndex(named: name) else { return 0 }
            return relaxedDuals[row] * scale
        }
        if relaxedDuals != nil { prices = Prices(perPost: relaxedDual("posts_total"), perEuro: relaxedDual("budget")) }

        // Value of one more person served, per territory: the fixed-integer LP's dual of service[t].
        var fixed = LinearProgram(name: program.name, sense: program.sense)
        for (index, variable) in program.variables.enumerated() {
            let integer = variable.kind == .integer
            let value = plan[index].rounded()
            fixed.addVariable(
                variable.name, lower: integer ? value : variable.lower, upper: integer ? value : variable.upper,
                kind: .continuous, objective: variable.objective)
        }
        for row in program.constraints {
            fixed.addConstraint(
                row.name, row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, lower: row.lower,
                upper: row.upper)
        }
        let fixedResult = try solver.solve(fixed, options: lpOptions)
        let fixedDuals = fixedResult.duals

        // Rows by column, once: which rows one more post of a decision touches.
        var rowsOfColumn = Array(repeating: [Int](), count: program.variables.count)
        for (row, constraint) in program.constraints.enumerated() {
            for term in constraint.terms { rowsOfColumn[term.variable].append(row) }
        }
        let activity = program.constraints.indices.map { program.activity(ofConstraint: $0, values: plan) }
        let poolCapacity = Dictionary(model.pools.map { ($0.key, $0.capacity) }, uniquingKeysWith: +)
        let decisionsByTerritory = Dictionary(grouping: model.decisions, by: \.territory)
        let curve = ValueCurve(scenario.parameters.objective)

        var territories: [String: Territory] = [:]
        for territory in scenario.territories {
            guard let postsVariable = model.postVariables[territory.code] else { continue }
            let code = territory.code
            let need = scenario.need[code] ?? 0
            let serviceRow = program.constraintIndex(named: "service[\(code)]")
            // Servable people at the plan: the service row's negative terms (posts × people per post).
            let servable =
                serviceRow.map { row in
                    program.constraints[row].terms.filter { $0.coefficient < 0 }.reduce(0.0) {
                        $0 - $1.coefficient * plan[$1.variable]
                    }
                } ?? 0
            let coverage = min(need, servable)
            let before = territory.weight * curve.value(coverage: coverage, need: need)
            let floorRow = program.constraintIndex(named: "territory_floor[\(code)]")
            let floor = floorRow.flatMap {
                activity[$0] <= program.constraints[$0].lower + 1e-6
                    ? Int(program.constraints[$0].lower.rounded()) : nil
            }

            var blocking = Set<String>()
            var cofinancingSpent = false
            var cofinancedOpen = false
            // A kind is full when every one of its decisions is stopped by its hosts' capacity (a review: with
            // per-structure decisions, a host with places but no money is not a full one).
            var kindsStopped = Set<String>(), kindsNotFull = Set<String>()
            var best: NextPost?
            for decision in decisionsByTerritory[code] ?? [] {
                let column = decision.variable.index
                let bound = program.variables[column].upper
                var stops = Set<String>()
                if plan[column] + 1 > bound + 1e-6 {
                    // A slot's bound is the pool's capacity, or what its hosts can co-finance when that is less.
                    stops.insert(bound < Double(poolCapacity[decision.key.pool] ?? 0) ? "cofinancing" : "host_capacity")
                }
                if plan[postsVariable.index] + 1 > program.variables[postsVariable.index].upper + 1e-6 {
                    stops.insert("host_capacity")
                }
                for row in Set(rowsOfColumn[column] + rowsOfColumn[postsVariable.index]) {
                    let constraint = program.constraints[row]
                    let family = model.rows[row].family
                    guard
                        [.territoryCap, .hostCapacity, .cofinancing, .structureCofinancing, .structureCapacity]
                            .contains(family)
                    else { continue }
                    let delta = constraint.terms.reduce(0.0) {
                        $0 + ($1.variable == column || $1.variable == postsVariable.index ? $1.coefficient : 0)
                    }
                    if activity[row] + delta > constraint.upper + 1e-6 {
                        stops.insert(
                            family == .structureCofinancing
                                ? "cofinancing" : family == .structureCapacity ? "host_capacity" : family.rawValue)
                    }
                }
                if stops.contains("host_capacity") {
                    kindsStopped.insert(decision.kind)
                } else {
                    kindsNotFull.insert(decision.kind)
                }
                if !stops.isEmpty {
                    blocking.formUnion(stops)
                    if decision.hostCostEUR > 0 && stops.contains("cofinancing") { cofinancingSpent = true }
                    continue
                }
                if decision.hostCostEUR > 0 { cofinancedOpen = true }
                let people = scenario.parameters.peoplePerPostYear * decision.serviceMonths / 12
                let gain = territory.weight * curve.value(coverage: min(need, servable + people), need: need) - before
                let candidate = NextPost(
                    kind: decision.kind, option: decision.option, stateCostEUR: decision.stateCostEUR,
                    cofinanced: decision.hostCostEUR > 0, value: gain)
                if let current = best {
                    let better = gain * current.stateCostEUR > current.value * decision.stateCostEUR + 1e-9
                    if better { best = candidate }
                } else {
                    best = candidate
                }
            }
            let valuePerPerson = serviceRow.flatMap { row in fixedDuals.map { $0[row] * scale } }
            // What a post placed here costs in value elsewhere: posts_total and, when a région row is active, the
            // région's (with one région and a cap equal to the posts, the LP may put the whole price on either row).
            let postPrice = prices.map {
                $0.perPost + relaxedDual("region_cap[\(territory.regionCode)]")
                    + relaxedDual("region_floor[\(territory.regionCode)]")
            }
            territories[code] = Territory(
                code: code, posts: Int(plan[postsVariable.index].rounded()), floor: floor,
                blocking: best == nil ? blocking.sorted() : [],
                cofinancingSpent: best != nil && cofinancingSpent && !cofinancedOpen,
                fullKinds: best != nil ? kindsStopped.subtracting(kindsNotFull).sorted() : [],
                needCovered: need > 0 ? coverage >= need - 1e-6 : true, valuePerPerson: valuePerPerson,
                postPrice: postPrice, next: best)
        }
        return Result(prices: prices, territories: territories)
    }
}
