import Foundation
import LinearProgramming
import Scenario

/// The allocation MIP built from a scenario (see docs/model.md, whose names it uses).
/// Integer decisions are made per (territory, kind, funding option): structures of one kind in one
/// territory are interchangeable for coverage, so `PlanSplitter` places the aggregates on structures
/// exactly afterwards. This keeps the model small and its LP relaxation tight.
public struct AllocationModel: Sendable {
    /// One integer decision: posts of `kind` in `territory` under `option`.
    public struct Decision: Sendable, Hashable {
        public let territory: String
        public let kind: String
        public let option: String
        public let variable: Variable
        public let stateCostEUR: Double
        public let hostCostEUR: Double
        public let months: Int
        /// For a co-financed option: the index of the pool's `CofinancingUnit` whose posts this is; nil otherwise.
        public let unit: Int?
        /// Post-months of service counted over the scenario's horizon (`ServiceBasis`): the months of `service[t]`.
        public var serviceMonths: Double = 0

        public var key: DecisionKey { DecisionKey(territory: territory, kind: kind, option: option, unit: unit) }
    }

    /// A territory's pool of structures of one kind: what the aggregate decisions may use.
    public struct Pool: Sendable, Hashable {
        public let territory: String
        public let kind: String
        /// U: Σ capacity of the pool's structures.
        public let capacity: Int
        /// Co-financed posts the pool can take whatever the mix of options, Σ min(capacity, ⌊co-financing € / h̄⌋):
        /// exact when the pool's co-financed options share one host share, a safe count otherwise (baselines use it;
        /// the model uses `units`).
        public let cofinanceablePosts: Int
        /// The largest host share per post among co-financed options (h̄).
        public let hostSharePerPost: Double
        /// The host share per post of each co-financed option, by option id.
        public let hostShares: [String: Double]
        /// How the pool's structures co-finance posts, exactly (see `CofinancingUnit`).
        public let units: [CofinancingUnit]

        public var key: PoolKey { PoolKey(territory: territory, kind: kind) }
    }

    public let program: LinearProgram
    /// What each row of `program` is, index-aligned with its constraints (`rows[i]` names `program.constraints[i]`).
    public let rows: [RowRef]
    public let decisions: [Decision]
    public let pools: [Pool]
    /// The value of coverage, exactly: each coverage segment with its coefficient w_t × γ_j. The program's objective
    /// holds these divided by `objectiveScale` (and the tie-break).
    public let valueTerms: [(Variable, Double)]
    /// The program's coverage coefficients are the value's divided by this (the largest weight): the program's
    /// objective × `objectiveScale` is the value of coverage (plus the scaled tie-break).
    public let objectiveScale: Double
    /// The coverage segments of each territory (their sum is the people it covers), by territory code.
    public let coverageVariables: [String: [Variable]]
    /// The integer `posts[t]` of each territory, by code.
    public let postVariables: [String: Variable]
    /// The `committed[t,k,n]` constants of each territory (fixed by their `commitment` rows), by code; empty without
    /// commitments.
    public let committedVariables: [String: [Variable]]
    /// The pool and option of each `committed[t,k,f]` constant, by variable index.
    public let committedKeys: [Int: DecisionKey]
    /// Weight of the tie-break term: among plans of exactly equal value, prefer the one that costs the State less
    /// (scaled so a whole plan moves the objective by < 0.01). It is far below the MIP gap, so it settles only exact
    /// ties; a plan's independence from row order comes from building the model in sorted order and splitting
    /// aggregates deterministically.
    public static let tieBreakPerPost = 1e-6

    /// How co-financing is stated: `exact` is the scenario's rule (docs/model.md, "Co-financing"). `pooled(quantile:)`
    /// is a restriction of it (every plan of it is a plan of the scenario, not conversely), only ever used to find a
    /// first plan quickly: in each pool, the co-financed options whose host share is at most the share H at that
    /// quantile of the pool's shares (0: the smallest, 1: the largest), every structure counted at H.
    public enum CofinancingRule: Sendable, Hashable { case exact, pooled(quantile: Double) }

    public let cofinancingRule: CofinancingRule

    public init(scenario: Scenario, cofinancing: CofinancingRule = .exact) {
        let parameters = scenario.parameters
        var program = LinearProgram(name: "repartir_\(Self.sanitized(parameters.name))", sense: .maximize)
        let curve = ValueCurve(parameters.objective)
        let maxCost = max(1, scenario.stateCostRange.upperBound)
        var decisions: [Decision] = []
        var pools: [Pool] = []
        var rows: [RowRef] = []
        var coverageVariables: [String: [Variable]] = [:]
        var postVariables: [String: Variable] = [:]
        var postsTerms: [(Variable, Double)] = []
        var budgetTerms: [(Variable, Double)] = []
        var valueTerms: [(Variable, Double)] = []
        let objectiveScale = Self.objectiveScale(of: scenario)

        let poolByKey = Dictionary(
            uniqueKeysWithValues: Self.pools(of: scenario, cofinancing: cofinancing).map { ($0.key, $0) })

        let committedByTerritory = Self.committedAggregates(of: scenario)
        var committedVariables: [String: [Variable]] = [:]
        var committedKeys: [Int: DecisionKey] = [:]
        // Per territory, for the région rows: linear in the model's size (no scan of every pool per territory).
        var capacityByTerritory = Array(repeating: 0, count: scenario.territories.count)
        var postTermsByTerritory = Array(repeating: [(Variable, Double)](), count: scenario.territories.count)
        for (position, territory) in scenario.territories.enumerated() {
            var territoryPosts: [(Variable, Double)] = []
            var territoryCapacity = 0
            var serviceTerms: [(Variable, Double)] = []
            for kind in parameters.kinds {
                guard let pool = poolByKey[PoolKey(territory: territory.code, kind: kind.id)] else { continue }
                pools.append(pool)
                territoryCapacity += pool.capacity
                let capacity = pool.capacity
                let terms = parameters.fundingOptions.map {
                    ($0, scenario.terms(kind: kind, option: $0, territory: territory))
                }
                // With one count unit (always so when the co-financed options share one host share) the variables and
                // the row keep the pool's name; otherwise each unit has its own, numbered from 1.
                let single = pool.units.count == 1 && pool.units[0].isCount
                var poolTerms: [(Variable, Double)] = []
                var unitTerms = Array(repeating: [(Variable, Double)](), count: pool.units.count)
                var moneyTerms = Array(repeating: [(Variable, Double)](), count: pool.units.count)
                for (option, term) in terms {
                    let cofinanced = term.hostCostEUR > 0
                    let slots: [(name: String, upper: Int, unit: Int?)]
                    if !cofinanced {
                        slots = [("x[\(territory.code),\(kind.id),\(option.id)]", capacity, nil)]
                    } else {
                        slots = pool.units.indices.filter { pool.units[$0].options.contains(option.id) }.map { index in
                            let unit = pool.units[index]
                            let upper: Int
                            switch unit.rule {
                            case let .count(posts): upper = min(capacity, posts.reduce(0, +))
                            case let .money(structureCapacity, money):
                                upper = CofinancingUnit.affordable(
                                    capacity: structureCapacity, money: money, hostShare: term.hostCostEUR)
                            }
                            let name =
                                single
                                ? "x[\(territory.code),\(kind.id),\(option.id)]"
                                : "x[\(territory.code),\(kind.id),\(option.id),\(index + 1)]"
                            return (name, upper, index)
                        }
                    }
                    for slot in slots {
                        let variable = program.addVariable(
                            slot.name, lower: 0, upper: Double(slot.upper), kind: .integer,
                            objective: -Self.tieBreakPerPost * term.stateCostEUR / maxCost)
                        decisions.append(
                            Decision(
                                territory: territory.code, kind: kind.id, option: option.id, variable: variable,
                                stateCostEUR: term.stateCostEUR, hostCostEUR: term.hostCostEUR, months: term.months,
                                unit: slot.unit, serviceMonths: term.serviceMonths))
                        poolTerms.append((variable, 1))
                        if let unit = slot.unit {
                            unitTerms[unit].append((variable, 1))
                            moneyTerms[unit].append((variable, term.hostCostEUR))
                        }
                        postsTerms.append((variable, 1))
                        budgetTerms.append((variable, term.stateCostEUR))
                        territoryPosts.append((variable, 1))
                        serviceTerms.append((variable, -parameters.peoplePerPostYear * term.serviceMonths / 12))
                    }
                }
                if poolTerms.count > 1 {  // with one option its bound already says it
                    program.addConstraint(
                        RowRef(.hostCapacity, .pool(pool.key, unit: nil)), into: &rows, poolTerms,
                        upper: Double(capacity))
                }
                for (index, unit) in pool.units.enumerated() where !unitTerms[index].isEmpty {
                    let scope = RowRef.Scope.pool(pool.key, unit: single ? nil : index)
                    switch unit.rule {
                    case let .count(posts):
                        // A unit with one variable of its own is said by its bound (the single unit keeps the row, as
                        // it always had).
                        let cofinanceable = posts.reduce(0, +)
                        if cofinanceable < capacity && (single || unitTerms[index].count > 1) {
                            program.addConstraint(
                                RowRef(.cofinancing, scope), into: &rows, unitTerms[index], upper: Double(cofinanceable)
                            )
                        }
                    case let .money(structureCapacity, money):
                        program.addConstraint(
                            RowRef(.structureCofinancing, scope), into: &rows, moneyTerms[index], upper: money)
                        // Implied by the money row unless the structure could afford more posts than it can take.
                        let cheapest = unit.options.compactMap { pool.hostShares[$0] }.min() ?? 0
                        if structureCapacity
                            < CofinancingUnit.affordable(capacity: Int.max, money: money, hostShare: cheapest)
                        {
                            program.addConstraint(
                                RowRef(.structureCapacity, scope), into: &rows, unitTerms[index],
                                upper: Double(structureCapacity))
                        }
                    }
                }
            }
            // Committed posts are constants held by named rows (docs/model.md, "Commitments and waves").
            for committed in committedByTerritory[territory.code] ?? [] {
                let term = scenario.terms(kind: committed.kind, option: committed.option, territory: territory)
                let variable = program.addVariable(
                    "committed[\(territory.code),\(committed.kind.id),\(committed.option.id)]",
                    lower: 0, upper: Double(committed.posts))
                let key = DecisionKey(territory: territory.code, kind: committed.kind.id, option: committed.option.id)
                program.addConstraint(
                    RowRef(.commitment, .commitment(key)), into: &rows, [(variable, 1)],
                    lower: Double(committed.posts), upper: Double(committed.posts))
                territoryCapacity += committed.posts
                committedVariables[territory.code, default: []].append(variable)
                committedKeys[variable.index] = key
                postsTerms.append((variable, 1))
                budgetTerms.append((variable, term.stateCostEUR))
                territoryPosts.append((variable, 1))
                serviceTerms.append((variable, -parameters.peoplePerPostYear * Double(term.months) / 12))
            }
            // Coverage on the value curve's segments: filled in order because slopes decrease.
            let need = scenario.need[territory.code] ?? 0
            var coverageTerms: [(Variable, Double)] = []
            for (index, segment) in curve.segments.enumerated() {
                let value = territory.weight * segment.slope
                let variable = program.addVariable(
                    "coverage[\(territory.code),\(index + 1)]", lower: 0, upper: segment.width * need,
                    objective: Self.solverCoefficient(value, scale: objectiveScale))
                coverageTerms.append((variable, 1))
                valueTerms.append((variable, value))
            }
            coverageVariables[territory.code] = coverageTerms.map(\.0)
            program.addConstraint(
                RowRef(.service, .territory(territory.code)), into: &rows, coverageTerms + serviceTerms, upper: 0)
            program.addConstraint(RowRef(.need, .territory(territory.code)), into: &rows, coverageTerms, upper: need)
            let range = scenario.postRange(of: territory)
            capacityByTerritory[position] = territoryCapacity
            postTermsByTerritory[position] = territoryPosts
            let total = program.addVariable(
                "posts[\(territory.code)]", lower: 0, upper: Double(territoryCapacity), kind: .integer)
            program.addConstraint(
                RowRef(.territoryPosts, .territory(territory.code)), into: &rows, territoryPosts + [(total, -1)],
                lower: 0, upper: 0)
            postVariables[territory.code] = total
            if range.min > 0 {
                program.addConstraint(
                    RowRef(.territoryFloor, .territory(territory.code)), into: &rows, [(total, 1)],
                    lower: Double(range.min))
            }
            if range.max < territoryCapacity {
                program.addConstraint(
                    RowRef(.territoryCap, .territory(territory.code)), into: &rows, [(total, 1)],
                    upper: Double(range.max))
            }
        }

        let regionRange = scenario.regionPostRange
        for (position, region) in scenario.regions.enumerated() {
            let members = scenario.index.regionMembers[position]
            let terms = members.flatMap { postTermsByTerritory[$0] }
            let capacity = members.reduce(0) { $0 + capacityByTerritory[$1] }
            if regionRange.min > 0 {
                program.addConstraint(
                    RowRef(.regionFloor, .region(region.code)), into: &rows, terms, lower: Double(regionRange.min))
            }
            if regionRange.max < capacity && !terms.isEmpty {
                program.addConstraint(
                    RowRef(.regionCap, .region(region.code)), into: &rows, terms, upper: Double(regionRange.max))
            }
        }
        program.addConstraint(RowRef(.postsTotal), into: &rows, postsTerms, upper: Double(parameters.posts))
        program.addConstraint(RowRef(.budget), into: &rows, budgetTerms, upper: parameters.budgetEUR)
        self.program = program
        self.rows = rows
        self.coverageVariables = coverageVariables
        self.postVariables = postVariables
        self.committedVariables = committedVariables
        self.committedKeys = committedKeys
        self.decisions = decisions
        self.pools = pools
        self.valueTerms = valueTerms
        self.objectiveScale = objectiveScale
        self.cofinancingRule = cofinancing
    }

    /// True when some structure's co-financing depends on the mix of options (a money unit): the exact model then has
    /// variables per structure and option, and a first plan from the pooled restriction helps GLPK.
    public var hasStructureUnits: Bool { pools.contains { $0.units.contains { !$0.isCount } } }

    /// Weights are relative, so the solver sees them divided by the largest one (`objectiveScale`): the tie-break
    /// then stays 10⁻⁶ of a unit of value whatever their size. A coefficient still below the smallest that the LP layer
    /// accepts (10⁻¹²) is set to 0: those people count for less than 10⁻¹² of the largest weight's, far below any gap,
    /// and the reported value, recomputed from the plan, still counts them (docs/model.md, "Objective").
    public static func solverCoefficient(_ value: Double, scale: Double) -> Double {
        let scaled = value / scale
        return abs(scaled) < LinearProgram.minimumNonzeroMagnitude ? 0 : scaled
    }

    /// The largest territory weight, or 1 when every weight is 0.
    static func objectiveScale(of scenario: Scenario) -> Double {
        let largest = scenario.territories.map(\.weight).max() ?? 0
        return largest > 0 ? largest : 1
    }

    /// The (territory, kind) pools with some capacity, in territory then kind order.
    public static func pools(of scenario: Scenario, cofinancing: CofinancingRule = .exact) -> [Pool] {
        // New posts only: committed posts are constants of the model, placed before the pools are split.
        var pools: [Pool] = []
        for territory in scenario.territories {
            for kind in scenario.parameters.kinds {
                let key = PoolKey(territory: territory.code, kind: kind.id)
                let members = scenario.index.residualStructuresByPool[key] ?? []
                let capacity = scenario.index.residualCapacityByPool[key] ?? 0
                guard capacity > 0 else { continue }
                let shares = scenario.parameters.fundingOptions
                    .map {
                        (option: $0.id, eur: scenario.terms(kind: kind, option: $0, territory: territory).hostCostEUR)
                    }
                    .filter { $0.eur > 0 }
                let hostShare = shares.map(\.eur).max() ?? 0
                pools.append(
                    Pool(
                        territory: territory.code, kind: kind.id, capacity: capacity,
                        cofinanceablePosts: members.reduce(0) { $0 + cofinanceablePosts($1, hostShare: hostShare) },
                        hostSharePerPost: hostShare,
                        hostShares: Dictionary(uniqueKeysWithValues: shares.map { ($0.option, $0.eur) }),
                        units: Self.units(members: members, hostShares: shares, rule: cofinancing)))
            }
        }
        return pools
    }

    static func units(
        members: [HostStructure], hostShares: [(option: String, eur: Double)], rule: CofinancingRule
    ) -> [CofinancingUnit] {
        switch rule {
        case .exact: return CofinancingUnit.units(members: members, hostShares: hostShares)
        case let .pooled(quantile):
            let sorted = hostShares.map(\.eur).sorted()
            guard !sorted.isEmpty else { return [] }
            let threshold = sorted[Int((min(max(quantile, 0), 1) * Double(sorted.count - 1)).rounded())]
            return CofinancingUnit.pooled(members: members, hostShares: hostShares.filter { $0.eur <= threshold })
        }
    }

    /// Posts a structure can co-finance: min(capacity, ⌊co-financing € / host share per post⌋).
    public static func cofinanceablePosts(_ structure: HostStructure, hostShare: Double) -> Int {
        CofinancingUnit.affordable(capacity: structure.capacity, money: structure.cofinancingEUR, hostShare: hostShare)
    }

    static func sanitized(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}
