import Foundation
import LinearProgramming
import Scenario

/// The commune model (docs/model.md, "The commune model"): integer posts per (site commune, territory, kind,
/// funding option) pool; continuous flows of service from site units to the demand groups within reach;
/// coverage of each group at most its need, valued on a concave piecewise-linear curve; and every rule of
/// the département model on the posts (pool capacity, co-financing units, territory and région floors and
/// caps, posts, budget), written as `AllocationModel` writes them.
public struct CommuneModel: Sendable {
    public struct Options: Sendable {
        /// Candidate sites (`tables.candidates`) may receive posts.
        public var candidates: Bool
        /// The exact reductions (docs/model.md); false only to check that they are exact.
        public var grouped: Bool
        /// Posts continuous: the LP relaxation, whose optimum bounds every plan's value.
        public var relaxed: Bool
        /// Posts fixed at these values (one per decision): the model is then the flow LP that values a plan.
        public var fixed: [Double]?
        /// The rules on posts (capacity, co-financing, floors, caps, posts, budget). Off only to score a plan made
        /// under other rules (the 2021 allocation): its posts are then fixed, or unbounded when not.
        public var rules: Bool
        /// Groups (indices into `reach.groups`) that must have a post within reach: the `endow_reach` stage held
        /// (`CommuneEndowment`), one row `endow_reach[g]` per group whose sites contain no other's.
        public var covers: [Int]

        public init(
            candidates: Bool = true, grouped: Bool = true, relaxed: Bool = false, fixed: [Double]? = nil,
            rules: Bool = true, covers: [Int] = []
        ) {
            self.candidates = candidates
            self.grouped = grouped
            self.relaxed = relaxed
            self.fixed = fixed
            self.rules = rules
            self.covers = covers
        }
    }

    /// Structures of one kind in one site commune for one territory (candidates in pools of their own).
    public struct Pool: Sendable {
        public let commune: Int
        /// Position in `reach.siteCommunes`.
        public let site: Int
        public let territory: Int
        public let kind: Int
        public let candidate: Bool
        public let capacity: Int
        public let structures: [String]
        public let units: [CofinancingUnit]
    }

    /// One integer decision: posts of a pool under a funding option (and co-financing unit).
    public struct Decision: Sendable {
        public let pool: Int
        public let option: Int
        public let unit: Int?
        public let variable: Variable
        public let stateCostEUR: Double
        public let hostCostEUR: Double
        /// People one post of this decision accompanies over its funded months, κ m / 12.
        public let peoplePerPost: Double
    }

    public private(set) var program: LinearProgram
    /// What each row of `program` is, index-aligned with its constraints (a pool's rows are scoped by its name's text).
    public private(set) var rows: [RowRef]
    public let reach: CommuneReach
    public let pools: [Pool]
    public let decisions: [Decision]
    /// Need of each commune (`CommuneInputs.need`).
    public let communeNeed: [Double]
    /// Need of each group: the sum of its communes'.
    public let groupNeed: [Double]
    /// Coverage segments of each group.
    public let coverage: [[Variable]]
    /// The value of coverage exactly: each segment with w_t × γ_j (the program holds them divided by `objectiveScale`).
    public let valueTerms: [(Variable, Double)]
    public let objectiveScale: Double
    /// Row index of `site_service[u]` for each site unit (its dual prices one more person served there).
    public let serviceRows: [Int]
    /// Column index of the first flow: flows are consecutive, unit by unit, each unit's in `reach.unitGroups` order.
    public let firstFlowColumn: Int

    /// The model's sites: hosts with some capacity, then candidates when `options` allows them, each with its commune.
    /// Scoring a plan made under other rules (2021, `options.rules` off) keeps the hosts it used even where the
    /// scenario assumes no capacity. The run's size check (`reach.max_pairs`) counts the reach of these sites.
    public static func sites(
        of scenario: Scenario, inputs: CommuneInputs, options: Options = Options()
    ) -> [(structure: HostStructure, commune: Int, candidate: Bool)] {
        var sited: [(structure: HostStructure, commune: Int, candidate: Bool)] = []
        for (index, structure) in scenario.structures.enumerated()
        where (structure.capacity > 0 || (!options.rules && (structure.posts2021 ?? 0) > 0))
            && index < inputs.structureCommunes.count
        {
            sited.append((structure, inputs.structureCommunes[index], false))
        }
        if options.candidates {
            for (index, structure) in inputs.candidates.enumerated() where structure.capacity > 0 {
                sited.append((structure, inputs.candidateCommunes[index], true))
            }
        }
        return sited
    }

    public init(scenario: Scenario, options: Options = Options()) {
        guard let inputs = scenario.communes else { preconditionFailure("a commune model needs a demand table") }
        let parameters = scenario.parameters
        let territories = scenario.territories
        let territoryIndex = Dictionary(
            uniqueKeysWithValues: territories.enumerated().map { ($0.element.code, $0.offset) })
        let kindIndex = Dictionary(
            uniqueKeysWithValues: parameters.kinds.enumerated().map { ($0.element.id, $0.offset) })

        let sited = Self.sites(of: scenario, inputs: inputs, options: options)
        let reach = CommuneReach(
            inputs: inputs, territories: territories, siteCommunes: sited.map(\.commune),
            radiusKm: inputs.radiusKm, grouped: options.grouped)
        self.reach = reach
        let sitePosition = Dictionary(
            uniqueKeysWithValues: reach.siteCommunes.enumerated().map { ($0.element, $0.offset) })

        struct PoolKey: Hashable, Comparable {
            let commune: Int, territory: Int, kind: Int, candidate: Bool
            static func < (a: PoolKey, b: PoolKey) -> Bool {
                (a.commune, a.territory, a.kind, a.candidate ? 1 : 0) < (
                    b.commune, b.territory, b.kind, b.candidate ? 1 : 0
                )
            }
        }
        var members: [PoolKey: [HostStructure]] = [:]
        for entry in sited {
            let key = PoolKey(
                commune: entry.commune, territory: territoryIndex[entry.structure.territory] ?? 0,
                kind: kindIndex[entry.structure.kind] ?? 0, candidate: entry.candidate)
            members[key, default: []].append(entry.structure)
        }

        var program = LinearProgram(
            name: "repartir_communes_\(AllocationModel.sanitized(parameters.name))", sense: .maximize)
        let maxCost = max(1, scenario.stateCostRange.upperBound)
        let objectiveScale = AllocationModel.objectiveScale(of: scenario)
        var pools: [Pool] = []
        var rows: [RowRef] = []
        var decisions: [Decision] = []
        var serviceBySite = [[(Variable, Double)]](repeating: [], count: reach.siteCommunes.count)
        var postsByTerritory = [[(Variable, Double)]](repeating: [], count: territories.count)
        var capacityByTerritory = [Int](repeating: 0, count: territories.count)
        var postsTerms: [(Variable, Double)] = []
        var budgetTerms: [(Variable, Double)] = []
        let communes = inputs.communes

        for key in members.keys.sorted() {
            let structures = members[key]!.sorted { $0.id < $1.id }
            let territory = territories[key.territory]
            let kind = parameters.kinds[key.kind]
            let capacity = structures.reduce(0) { $0 + $1.capacity }
            let terms = parameters.fundingOptions.map { scenario.terms(kind: kind, option: $0, territory: territory) }
            let shares = zip(parameters.fundingOptions, terms).filter { $0.1.hostCostEUR > 0 }.map {
                (option: $0.0.id, eur: $0.1.hostCostEUR)
            }
            let units = CofinancingUnit.units(members: structures, hostShares: shares)
            let poolIndex = pools.count
            let site = sitePosition[key.commune]!
            pools.append(
                Pool(
                    commune: key.commune, site: site, territory: key.territory, kind: key.kind,
                    candidate: key.candidate,
                    capacity: capacity, structures: structures.map(\.id), units: units))
            capacityByTerritory[key.territory] += capacity
            let prefix = "\(key.candidate ? "xc" : "x")[\(communes[key.commune].code),\(territory.code),\(kind.id)"
            var poolTerms: [(Variable, Double)] = []
            var unitTerms = [[(Variable, Double)]](repeating: [], count: units.count)
            var moneyTerms = [[(Variable, Double)]](repeating: [], count: units.count)
            for (optionIndex, option) in parameters.fundingOptions.enumerated() {
                let term = terms[optionIndex]
                var slots: [(name: String, upper: Int, unit: Int?)] = []
                if term.hostCostEUR <= 0 {
                    slots = [("\(prefix),\(option.id)]", capacity, nil)]
                } else {
                    for (index, unit) in units.enumerated() where unit.options.contains(option.id) {
                        let upper: Int
                        switch unit.rule {
                        case let .count(posts): upper = min(capacity, posts.reduce(0, +))
                        case let .money(structureCapacity, money):
                            upper = CofinancingUnit.affordable(
                                capacity: structureCapacity, money: money, hostShare: term.hostCostEUR)
                        }
                        slots.append(("\(prefix),\(option.id),\(index + 1)]", upper, index))
                    }
                }
                for slot in slots {
                    let decision = decisions.count
                    let fixed = options.fixed.map { $0[decision] }
                    // Without the rules (a plan made under other rules, posts given), no bound from this scenario.
                    let upper = options.rules ? Double(slot.upper) : (fixed ?? .infinity)
                    let variable = program.addVariable(
                        slot.name, lower: fixed ?? 0, upper: fixed ?? upper,
                        kind: options.relaxed || fixed != nil ? .continuous : .integer,
                        objective: -AllocationModel.tieBreakPerPost * term.stateCostEUR / maxCost)
                    let people = parameters.peoplePerPostYear * Double(term.months) / 12
                    decisions.append(
                        Decision(
                            pool: poolIndex, option: optionIndex, unit: slot.unit, variable: variable,
                            stateCostEUR: term.stateCostEUR, hostCostEUR: term.hostCostEUR, peoplePerPost: people))
                    poolTerms.append((variable, 1))
                    if let unit = slot.unit {
                        unitTerms[unit].append((variable, 1))
                        moneyTerms[unit].append((variable, term.hostCostEUR))
                    }
                    postsTerms.append((variable, 1))
                    budgetTerms.append((variable, term.stateCostEUR))
                    postsByTerritory[key.territory].append((variable, 1))
                    serviceBySite[site].append((variable, -people))
                }
            }
            guard options.rules else { continue }
            let name = "\(communes[key.commune].code),\(territory.code),\(kind.id)\(key.candidate ? ",candidate" : "")"
            if poolTerms.count > 1 {
                program.addConstraint(
                    RowRef(.hostCapacity, .other(name)), into: &rows, poolTerms, upper: Double(capacity))
            }
            for (index, unit) in units.enumerated() where !unitTerms[index].isEmpty {
                switch unit.rule {
                case let .count(posts):
                    let cofinanceable = posts.reduce(0, +)
                    if cofinanceable < capacity && unitTerms[index].count > 1 {
                        program.addConstraint(
                            RowRef(.cofinancing, .other("\(name),\(index + 1)")), into: &rows, unitTerms[index],
                            upper: Double(cofinanceable))
                    }
                case let .money(structureCapacity, money):
                    program.addConstraint(
                        RowRef(.structureCofinancing, .other("\(name),\(index + 1)")), into: &rows, moneyTerms[index],
                        upper: money)
                    program.addConstraint(
                        RowRef(.structureCapacity, .other("\(name),\(index + 1)")), into: &rows, unitTerms[index],
                        upper: Double(structureCapacity))
                }
            }
        }

        // Demand groups: coverage on the curve's segments, fed by the flows of the site units within reach.
        let communeNeed = inputs.need(territoryNeed: scenario.need, territories: territories)
        let curve = ValueCurve(
            ObjectiveParameters(exponent: parameters.objective.exponent, breakpoints: inputs.breakpoints))
        var coverage: [[Variable]] = []
        var groupNeed: [Double] = []
        var valueTerms: [(Variable, Double)] = []
        var groupInflow = [[(Variable, Double)]](repeating: [], count: reach.groups.count)
        var unitOutflow = [[(Variable, Double)]](repeating: [], count: reach.units.count)
        let flowCount = reach.unitGroups.reduce(0) { $0 + $1.count }
        program.reserveCapacity(
            variables: program.variables.count + flowCount + reach.groups.count * curve.segments.count,
            constraints: program.constraints.count + reach.groups.count + reach.units.count)
        let firstFlowColumn = program.variables.count
        for (unit, groups) in reach.unitGroups.enumerated() {
            let siteCode = communes[reach.siteCommunes[reach.units[unit][0]]].code
            for group in groups {
                let flow = program.addVariable("flow[\(siteCode),\(group + 1)]", lower: 0)
                groupInflow[group].append((flow, -1))
                unitOutflow[unit].append((flow, 1))
            }
        }
        for (index, group) in reach.groups.enumerated() {
            let need = group.communes.reduce(0.0) { $0 + communeNeed[$1] }
            groupNeed.append(need)
            let weight = territories[group.territory].weight
            var segments: [Variable] = []
            for (segmentIndex, segment) in curve.segments.enumerated() {
                let value = weight * segment.slope
                let variable = program.addVariable(
                    "cover[\(index + 1),\(segmentIndex + 1)]", lower: 0, upper: segment.width * need,
                    objective: AllocationModel.solverCoefficient(value, scale: objectiveScale))
                segments.append(variable)
                valueTerms.append((variable, value))
            }
            coverage.append(segments)
            program.addConstraint(
                RowRef(.groupService, .other("\(index + 1)")), into: &rows,
                segments.map { ($0, 1.0) } + groupInflow[index], upper: 0)
        }
        var serviceRows: [Int] = []
        for (unit, positions) in reach.units.enumerated() {
            let supply = positions.flatMap { serviceBySite[$0] }
            let siteCode = communes[reach.siteCommunes[positions[0]]].code
            serviceRows.append(
                program.addConstraint(
                    RowRef(.siteService, .other(siteCode)), into: &rows, unitOutflow[unit] + supply, upper: 0))
        }

        if options.rules {
            for (index, territory) in territories.enumerated() {
                let range = scenario.postRange(of: territory)
                if range.min > 0 {
                    program.addConstraint(
                        RowRef(.territoryFloor, .territory(territory.code)), into: &rows, postsByTerritory[index],
                        lower: Double(range.min))
                }
                if range.max < capacityByTerritory[index] {
                    program.addConstraint(
                        RowRef(.territoryCap, .territory(territory.code)), into: &rows, postsByTerritory[index],
                        upper: Double(range.max))
                }
            }
            let regionRange = scenario.regionPostRange
            for region in scenario.regions {
                let members = region.territories.compactMap { territoryIndex[$0.code] }
                let terms = members.flatMap { postsByTerritory[$0] }
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
        }
        self.program = program
        self.rows = rows
        self.pools = pools
        self.decisions = decisions
        self.communeNeed = communeNeed
        self.groupNeed = groupNeed
        self.coverage = coverage
        self.valueTerms = valueTerms
        self.objectiveScale = objectiveScale
        self.serviceRows = serviceRows
        self.firstFlowColumn = firstFlowColumn
        if options.rules && !options.covers.isEmpty { addCovers(options.covers) }
    }

    /// Adds the `endow_reach` rows of `groups` (the `covers` option) to a model built with its rules and without
    /// such rows: the rows come last, so the model is the one built with them, without building its 300,000 columns
    /// again (0.3 s at 20 km). Called once.
    public mutating func addCovers(_ groups: [Int]) {
        precondition(!rows.contains { $0.family == .endowReach }, "addCovers: the model already has covering rows")
        precondition(rows.contains { $0.family == .postsTotal }, "addCovers: a model without its rules")
        var postsAtSite = [[(Variable, Double)]](repeating: [], count: reach.siteCommunes.count)
        for decision in decisions { postsAtSite[pools[decision.pool].site].append((decision.variable, 1)) }
        for group in CommuneEndowment.minimal(groups, reach: reach) {
            program.addConstraint(
                RowRef(.endowReach, .other("\(group + 1)")), into: &rows,
                reach.groups[group].sites.flatMap { postsAtSite[$0] }, lower: 1)
        }
    }

    /// The program the LP relaxation is solved on. Without `endow_reach` rows, `program`. With them, each covering
    /// row is written over one column per site unit, `unit_posts[u]`, tied to the unit's decisions by a row
    /// `unit_posts_total[u]`: Σ x − unit_posts = 0, instead of over every decision at its sites. Substituting each
    /// column by its row gives `program` back, so the two have the same optimum and the same values on the model's
    /// columns; the new columns and rows come after the model's, so values and row duals read by position are the
    /// model's. Why: GLPK's interior point stops short ("no convergence") on the long rows (20 km, €180M: 5,192 rows,
    /// 129,365 nonzeros) and converges on the short ones (56,866), where the dual simplex took two minutes.
    public var relaxationProgram: LinearProgram {
        guard rows.contains(where: { $0.family == .endowReach }) else { return program }
        var copy = LinearProgram(name: program.name, sense: program.sense)
        copy.objectiveName = program.objectiveName
        copy.objectiveConstant = program.objectiveConstant
        copy.reserveCapacity(
            variables: program.variables.count + reach.units.count,
            constraints: program.constraints.count + reach.units.count)
        for variable in program.variables {
            copy.addVariable(
                variable.name, lower: variable.lower, upper: variable.upper, kind: variable.kind,
                objective: variable.objective)
        }
        appendRowsOverUnitTotals(to: &copy) { _ in true }
        return copy
    }

    /// The posts alone: the program's columns before the flows (continuous) and the rows over them only (pools,
    /// co-financing, floors, caps, posts, budget, `endow_reach`), no objective. The part a price on the service rows
    /// leaves of the model (`CommuneLagrangian`), and the rules the endowment stage's relaxation keeps. Its
    /// `endow_reach` rows are written over site units' totals, as in `relaxationProgram` (the same posts; columns and
    /// rows after the posts' own): each price's LP is the smaller for it (20 km, warm, €190M: the Lagrangian's three
    /// prices in 0.92–1.07 s against 1.11–1.20 s, four runs of each build, alternated; BENCHMARKS.md).
    func postsProgram(named suffix: String, keepingKinds: Bool = false) -> LinearProgram {
        let columns = firstFlowColumn
        var posts = LinearProgram(name: "\(program.name)_\(suffix)", sense: .maximize)
        for variable in program.variables.prefix(columns) {
            posts.addVariable(
                variable.name, lower: variable.lower, upper: variable.upper,
                kind: keepingKinds ? variable.kind : .continuous)
        }
        appendRowsOverUnitTotals(to: &posts) { $0.terms.allSatisfy { $0.variable < columns } }
        return posts
    }

    /// Appends the rows of `program` that `keep` accepts to `target` (which holds at least the decisions' columns, at
    /// their indices), each `endow_reach` row written over one column per site unit in it, `unit_posts[u]` (added to
    /// `target` where first named), then one row `unit_posts_total[u]`: Σ x − unit_posts = 0 per unit named. Every
    /// decision of a unit in reach is in a covering row: a group that reaches one site of a unit reaches all of them.
    private func appendRowsOverUnitTotals(
        to target: inout LinearProgram, keep: (ConstraintDefinition) -> Bool
    ) {
        var unitOfColumn = [Int](repeating: -1, count: program.variables.count)
        var decisionsOfUnit = [[Variable]](repeating: [], count: reach.units.count)
        for decision in decisions {
            let unit = reach.unitOfSite[pools[decision.pool].site]
            unitOfColumn[decision.variable.index] = unit
            decisionsOfUnit[unit].append(decision.variable)
        }
        var unitPosts = [Variable?](repeating: nil, count: reach.units.count)
        var named: [Int] = []
        for (index, row) in program.constraints.enumerated() where keep(row) {
            guard rows[index].family == .endowReach else {
                target.addConstraint(
                    row.name, row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, lower: row.lower,
                    upper: row.upper)
                continue
            }
            let units = Set(row.terms.map { unitOfColumn[$0.variable] }.filter { $0 >= 0 }).sorted()
            for unit in units where unitPosts[unit] == nil {
                unitPosts[unit] = target.addVariable("unit_posts[\(unit + 1)]", lower: 0)
                named.append(unit)
            }
            target.addConstraint(row.name, units.map { (unitPosts[$0]!, 1) }, lower: row.lower, upper: row.upper)
        }
        for unit in named {
            target.addConstraint(
                "unit_posts_total[\(unit + 1)]", decisionsOfUnit[unit].map { ($0, 1) } + [(unitPosts[unit]!, -1)],
                lower: 0, upper: 0)
        }
    }

    /// The decisions (indices into `decisions`) of each `endow_reach` row: one post among them keeps the row.
    public var coverRows: [[Int]] {
        var decisionOfColumn = [Int](repeating: -1, count: program.variables.count)
        for (index, decision) in decisions.enumerated() { decisionOfColumn[decision.variable.index] = index }
        return zip(rows, program.constraints).filter { $0.0.family == .endowReach }.map { _, row in
            row.terms.map { decisionOfColumn[$0.variable] }
        }
    }

    /// The value of coverage of a solution, with the exact weights (not GLPK's objective, which holds the tie-break).
    public func value(of values: [Double]) -> Double {
        valueTerms.reduce(0) { $0 + $1.1 * values[$1.0.index] }
    }

    /// People covered in each group by a solution.
    public func groupCoverage(of values: [Double]) -> [Double] {
        coverage.map { $0.reduce(0) { $0 + values[$1.index] } }
    }
}
