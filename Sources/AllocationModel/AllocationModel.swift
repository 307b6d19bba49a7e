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
    }

    /// A territory's pool of structures of one kind: what the aggregate decisions may use.
    public struct Pool: Sendable, Hashable {
        public let territory: String
        public let kind: String
        /// U: Σ capacity of the pool's structures.
        public let capacity: Int
        /// M: posts the pool can co-finance, Σ min(capacity, ⌊co-financing € / largest host share⌋).
        public let cofinanceablePosts: Int
        /// The largest host share per post among co-financed options (h̄).
        public let hostSharePerPost: Double
    }

    public let program: LinearProgram
    public let decisions: [Decision]
    public let pools: [Pool]
    /// The coverage segments of each territory (their sum is the people it covers), by territory code.
    public let coverageVariables: [String: [Variable]]
    /// The integer `posts[t]` of each territory, by code.
    public let postVariables: [String: Variable]
    /// Weight of the tie-break term: among plans of exactly equal value, prefer the one that costs the State less
    /// (scaled so a whole plan moves the objective by < 0.01). It is far below the MIP gap, so it settles only exact
    /// ties; a plan's independence from row order comes from building the model in sorted order and splitting
    /// aggregates deterministically.
    public static let tieBreakPerPost = 1e-6

    public init(scenario: Scenario) {
        let parameters = scenario.parameters
        var program = LinearProgram(name: "repartir_\(Self.sanitized(parameters.name))", sense: .maximize)
        let curve = ValueCurve(parameters.objective)
        let maxCost = max(1, scenario.stateCostRange.upperBound)
        var decisions: [Decision] = []
        var pools: [Pool] = []
        var coverageVariables: [String: [Variable]] = [:]
        var postVariables: [String: Variable] = [:]
        var postsTerms: [(Variable, Double)] = []
        var budgetTerms: [(Variable, Double)] = []

        let poolByKey = Dictionary(uniqueKeysWithValues: Self.pools(of: scenario).map { ("\($0.territory)|\($0.kind)", $0) })

        for territory in scenario.territories {
            var territoryPosts: [(Variable, Double)] = []
            var serviceTerms: [(Variable, Double)] = []
            for kind in parameters.kinds {
                guard let pool = poolByKey["\(territory.code)|\(kind.id)"] else { continue }
                pools.append(pool)
                let capacity = pool.capacity
                let cofinanceable = pool.cofinanceablePosts
                let terms = parameters.fundingOptions.map { ($0, scenario.terms(kind: kind, option: $0, territory: territory)) }
                var poolTerms: [(Variable, Double)] = []
                var cofinancedTerms: [(Variable, Double)] = []
                for (option, term) in terms {
                    let cofinanced = term.hostCostEUR > 0
                    if cofinanced && cofinanceable == 0 { continue }
                    let upper = cofinanced ? min(capacity, cofinanceable) : capacity
                    let variable = program.addVariable(
                        "x[\(territory.code),\(kind.id),\(option.id)]", lower: 0, upper: Double(upper), kind: .integer,
                        objective: -Self.tieBreakPerPost * term.stateCostEUR / maxCost)
                    decisions.append(Decision(territory: territory.code, kind: kind.id, option: option.id, variable: variable,
                                              stateCostEUR: term.stateCostEUR, hostCostEUR: term.hostCostEUR, months: term.months))
                    poolTerms.append((variable, 1))
                    if cofinanced { cofinancedTerms.append((variable, 1)) }
                    postsTerms.append((variable, 1))
                    budgetTerms.append((variable, term.stateCostEUR))
                    territoryPosts.append((variable, 1))
                    serviceTerms.append((variable, -parameters.peoplePerPostYear * Double(term.months) / 12))
                }
                if poolTerms.count > 1 {  // with one option its bound already says it
                    program.addConstraint("host_capacity[\(territory.code),\(kind.id)]", poolTerms, upper: Double(capacity))
                }
                if !cofinancedTerms.isEmpty && cofinanceable < capacity {
                    program.addConstraint("cofinancing[\(territory.code),\(kind.id)]", cofinancedTerms, upper: Double(cofinanceable))
                }
            }
            // Coverage on the value curve's segments: filled in order because slopes decrease.
            let need = scenario.need[territory.code] ?? 0
            var coverageTerms: [(Variable, Double)] = []
            for (index, segment) in curve.segments.enumerated() {
                let variable = program.addVariable("coverage[\(territory.code),\(index + 1)]", lower: 0, upper: segment.width * need,
                                                   objective: territory.weight * segment.slope)
                coverageTerms.append((variable, 1))
            }
            coverageVariables[territory.code] = coverageTerms.map(\.0)
            program.addConstraint("service[\(territory.code)]", coverageTerms + serviceTerms, upper: 0)
            program.addConstraint("need[\(territory.code)]", coverageTerms, upper: need)
            let range = scenario.postRange(of: territory)
            let territoryCapacity = pools.filter { $0.territory == territory.code }.reduce(0) { $0 + $1.capacity }
            let total = program.addVariable("posts[\(territory.code)]", lower: 0, upper: Double(territoryCapacity), kind: .integer)
            program.addConstraint("territory_posts[\(territory.code)]", territoryPosts + [(total, -1)], lower: 0, upper: 0)
            postVariables[territory.code] = total
            if range.min > 0 {
                program.addConstraint("territory_floor[\(territory.code)]", [(total, 1)], lower: Double(range.min))
            }
            if range.max < territoryCapacity {
                program.addConstraint("territory_cap[\(territory.code)]", [(total, 1)], upper: Double(range.max))
            }
        }

        let regionRange = scenario.regionPostRange
        for region in scenario.regions {
            let codes = Set(region.territories.map(\.code))
            let terms = decisions.filter { codes.contains($0.territory) }.map { ($0.variable, 1.0) }
            let capacity = pools.filter { codes.contains($0.territory) }.reduce(0) { $0 + $1.capacity }
            if regionRange.min > 0 {
                program.addConstraint("region_floor[\(region.code)]", terms, lower: Double(regionRange.min))
            }
            if regionRange.max < capacity && !terms.isEmpty {
                program.addConstraint("region_cap[\(region.code)]", terms, upper: Double(regionRange.max))
            }
        }
        program.addConstraint("posts_total", postsTerms, upper: Double(parameters.posts))
        program.addConstraint("budget", budgetTerms, upper: parameters.budgetEUR)
        self.program = program
        self.coverageVariables = coverageVariables
        self.postVariables = postVariables
        self.decisions = decisions
        self.pools = pools
    }

    /// The (territory, kind) pools with some capacity, in territory then kind order.
    public static func pools(of scenario: Scenario) -> [Pool] {
        let structuresByPool = Dictionary(grouping: scenario.structures) { "\($0.territory)|\($0.kind)" }
        var pools: [Pool] = []
        for territory in scenario.territories {
            for kind in scenario.parameters.kinds {
                let members = structuresByPool["\(territory.code)|\(kind.id)"] ?? []
                let capacity = members.reduce(0) { $0 + $1.capacity }
                guard capacity > 0 else { continue }
                let hostShare = scenario.parameters.fundingOptions
                    .map { scenario.terms(kind: kind, option: $0, territory: territory).hostCostEUR }.max() ?? 0
                pools.append(Pool(territory: territory.code, kind: kind.id, capacity: capacity,
                                  cofinanceablePosts: members.reduce(0) { $0 + cofinanceablePosts($1, hostShare: hostShare) },
                                  hostSharePerPost: hostShare))
            }
        }
        return pools
    }

    /// Posts a structure can co-finance: min(capacity, ⌊co-financing € / host share per post⌋).
    public static func cofinanceablePosts(_ structure: HostStructure, hostShare: Double) -> Int {
        hostShare > 0 ? min(structure.capacity, Int((structure.cofinancingEUR / hostShare + 1e-9).rounded(.down))) : structure.capacity
    }

    static func sanitized(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}
