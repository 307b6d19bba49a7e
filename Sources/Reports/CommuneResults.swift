import AllocationModel
import Foundation
import Scenario

/// A commune run's facts, per commune and per territory, computed once for the tables and the report:
/// the optimised plan (with candidate sites), the real 2021 plan scored by the same model, and the white
/// zones of each site network (communes with no site, or no endowed site, within reach).
public struct CommuneResults: Sendable {
    /// One plan at commune level: its model, posts, and the people it covers per group (fixed-plan flows).
    public struct ScoredPlan: Sendable {
        public let model: CommuneModel
        public let posts: [Int]
        public let groupCoverage: [Double]
        public let value: Double

        public init(model: CommuneModel, posts: [Int], groupCoverage: [Double], value: Double) {
            self.model = model
            self.posts = posts
            self.groupCoverage = groupCoverage
            self.value = value
        }

        /// Posts, State and host money, and the people the posts can serve over their funded months (Σ posts × κ m /
        /// 12): what a comparison of two plans' coverage must say beside it.
        public typealias Totals = (posts: Int, stateEUR: Double, hostEUR: Double, servable: Double)

        public var totals: Totals {
            var result = (posts: 0, stateEUR: 0.0, hostEUR: 0.0, servable: 0.0)
            for (index, decision) in model.decisions.enumerated() where index < posts.count && posts[index] > 0 {
                let count = Double(posts[index])
                result.posts += posts[index]
                result.stateEUR += count * decision.stateCostEUR
                result.hostEUR += count * decision.hostCostEUR
                result.servable += count * decision.peoplePerPost
            }
            return result
        }

        /// Positions in `model.reach.siteCommunes` with at least one post.
        public var endowedSites: [Bool] {
            var endowed = [Bool](repeating: false, count: model.reach.siteCommunes.count)
            for (index, decision) in model.decisions.enumerated() where posts[index] > 0 {
                endowed[model.pools[decision.pool].site] = true
            }
            return endowed
        }

        /// People covered in each commune: its group's coverage shared in proportion to need (optimal for a concave
        /// value).
        public var communeCoverage: [Double] {
            let reach = model.reach
            return reach.groupOfCommune.indices.map { commune in
                guard let group = reach.groupOfCommune[commune], model.groupNeed[group] > 0 else { return 0 }
                return groupCoverage[group] * model.communeNeed[commune] / model.groupNeed[group]
            }
        }

        /// For each commune: true when no endowed site is within reach.
        public var whiteZone: [Bool] {
            let endowed = endowedSites
            return model.reach.sitesInReach.map { sites in !sites.contains { endowed[$0] } }
        }
    }

    public let scenario: Scenario
    public let optimised: ScoredPlan
    public let bound: Double
    public let proven: Bool
    public let lpSeconds: Double
    /// How `bound` was proven (`reach.bound`): the LP relaxation, or the Lagrangian bound (`CommuneLagrangian`).
    public let boundMethod: CommuneInputs.Bound
    /// Why the relaxation did not finish, when the Lagrangian bound stood in for it.
    public let relaxationUnfinished: String?
    /// "LP bound" or "Lagrangian bound": what the report calls the bound.
    public var boundName: String { CommuneSolve.boundName(method: boundMethod, branchAndBound: branchAndBound) }
    /// Branch-and-bound from the plan on a small model (nil when it was not tried): its bound may be the one above.
    public let branchAndBound: CommuneBranchAndBound.Summary?
    public let evaluationSeconds: Double
    /// The 2021 allocation scored with the same model (posts fixed, its own rules not checked); nil without posts_2021.
    public let plan2021: ScoredPlan?
    /// Reach of every host of structures.csv (the 2021 network), and of hosts and candidates together.
    public let hostNetwork: CommuneReach
    public let fullNetwork: CommuneReach
    /// The model's size without the reductions (communes in reach, site communes) beside the reduced one.
    public let reachableCommunes: Int
    /// The `endow_reach` stage before the value, when `reach.stages` asks for it.
    public let endowment: CommuneEndowment.Outcome?
    /// The previous run this one started from (`--warm-start`), nil for a cold start.
    public let warmStart: CommuneWarmStart?
    /// The interior point stopped short and its best point's duals priced the Lagrangian bound.
    public let pricedByBestPoint: Bool
    /// What the warm start gave: the bound (its prices), and the rounding's start (its plan).
    public let warmBound: Bool
    public let warmPlan: Bool
    /// A warm answer beyond `reach.warm_max_gap`, solved again without the start.
    public let warmFallback: CommuneSolve.WarmFallback?
    /// The bound's price of one more person served at each site unit of the optimised plan's model (value units).
    public let unitPrices: [Double]
    /// The Lagrangian posts part's basis at the bound's prices (`warm_start_basis.csv`); nil when none was found.
    public let postsBasis: CommuneLagrangian.PostsBasis?
    /// The warm start's basis started the posts part's first LP.
    public let warmBasis: Bool
    /// The run's département plan, by kind and funding option (nil when the run has none to compare with).
    public let departmentPlan: PlanMix?
    /// The same plan's posts at its hosts, scored by the commune model (nil without one, or when it could not be).
    public let departmentScored: ScoredPlan?

    public init(
        scenario: Scenario, optimised: ScoredPlan, bound: Double, proven: Bool, lpSeconds: Double,
        evaluationSeconds: Double,
        plan2021: ScoredPlan?, hostNetwork: CommuneReach, fullNetwork: CommuneReach,
        endowment: CommuneEndowment.Outcome? = nil, boundMethod: CommuneInputs.Bound = .relaxation,
        relaxationUnfinished: String? = nil, pricedByBestPoint: Bool = false, warmStart: CommuneWarmStart? = nil,
        warmBound: Bool = false,
        warmPlan: Bool = false, warmFallback: CommuneSolve.WarmFallback? = nil, unitPrices: [Double] = [],
        postsBasis: CommuneLagrangian.PostsBasis? = nil, warmBasis: Bool = false, departmentPlan: PlanMix? = nil,
        departmentScored: ScoredPlan? = nil, branchAndBound: CommuneBranchAndBound.Summary? = nil
    ) {
        self.branchAndBound = branchAndBound
        self.departmentPlan = departmentPlan
        self.departmentScored = departmentScored
        self.postsBasis = postsBasis
        self.warmBasis = warmBasis
        self.warmFallback = warmFallback
        self.pricedByBestPoint = pricedByBestPoint
        self.warmStart = warmStart
        self.warmBound = warmBound
        self.warmPlan = warmPlan
        self.unitPrices = unitPrices
        self.boundMethod = boundMethod
        self.relaxationUnfinished = relaxationUnfinished
        self.endowment = endowment
        self.scenario = scenario
        self.optimised = optimised
        self.bound = bound
        self.proven = proven
        self.lpSeconds = lpSeconds
        self.evaluationSeconds = evaluationSeconds
        self.plan2021 = plan2021
        self.hostNetwork = hostNetwork
        self.fullNetwork = fullNetwork
        reachableCommunes = optimised.model.reach.groupOfCommune.filter { $0 != nil }.count
    }

    public var gap: Double { CommuneSolve.relativeGap(value: optimised.value, bound: bound) }

    public var communes: [CommuneInputs.Commune] { scenario.communes?.communes ?? [] }

    /// Distance from each commune to its nearest endowed site, km (0 in the site's own commune): within reach when one
    /// is; for a white zone, the nearest beyond reach, which says how far its people are from a conseiller (a review
    /// found the column empty for all 240 white zones, Maripasoula 107.8 km away). Nil: no endowed site, or none whose
    /// distance is known (with a reach table, a commune or site without coordinates is in reach by the table's
    /// minutes, and has no great-circle distance).
    public func nearestEndowedKm(_ plan: ScoredPlan) -> [Double?] {
        let endowed = plan.endowedSites
        let reach = plan.model.reach
        let communes = self.communes
        let endowedCommunes = reach.siteCommunes.indices.filter { endowed[$0] }.map { reach.siteCommunes[$0] }
        return reach.sitesInReach.indices.map { commune in
            var best: Double?
            var inReach = false
            for site in reach.sitesInReach[commune] where endowed[site] {
                inReach = true
                let siteCommune = reach.siteCommunes[site]
                let distance =
                    siteCommune == commune ? 0 : CommuneReach.distanceKm(communes[commune], communes[siteCommune])
                if let distance, distance < (best ?? .infinity) { best = distance }
            }
            if !inReach {
                // White zones only (a few hundred communes at 15 km): one pass over the endowed sites each.
                for siteCommune in endowedCommunes {
                    if let distance = CommuneReach.distanceKm(communes[commune], communes[siteCommune]),
                        distance < (best ?? .infinity)
                    {
                        best = distance
                    }
                }
            }
            return best
        }
    }

    /// For each commune: no host of structures.csv (the 2021 network, endowed or not) within reach.
    public var outOfReachOfHosts: [Bool] { hostNetwork.sitesInReach.map(\.isEmpty) }

    /// Per territory (scenario order): the communes in `flags`, each counted by `weight` (1, or its population).
    func byTerritory(where flags: [Bool], weight: (CommuneInputs.Commune) -> Int) -> [Int] {
        sumByTerritory(where: flags) { _, commune in Double(weight(commune)) }.map { Int($0.rounded()) }
    }

    /// The one home of the sums per territory: `weight` of each commune in `flags`, by its position and row.
    func sumByTerritory(where flags: [Bool], weight: (Int, CommuneInputs.Commune) -> Double) -> [Double] {
        let index = Dictionary(
            uniqueKeysWithValues: scenario.territories.enumerated().map { ($0.element.code, $0.offset) })
        var result = [Double](repeating: 0, count: scenario.territories.count)
        for (position, commune) in communes.enumerated() where flags[position] {
            result[index[commune.territory]!] += weight(position, commune)
        }
        return result
    }

    /// Communes per territory where `flags` holds.
    public func communesByTerritory(where flags: [Bool]) -> [Int] { byTerritory(where: flags) { _ in 1 } }

    /// EPCIs of the demand table, and those with a site holding posts of `plan` in one of their communes: whether an
    /// intercommunality has a conseiller of its own at all (a commune without an EPCI code counts in neither).
    public func endowedEPCIs(_ plan: ScoredPlan) -> (endowed: Int, all: Int) {
        let all = Set(communes.compactMap(\.epci))
        let endowed = plan.endowedSites
        var found = Set<String>()
        for (position, commune) in plan.model.reach.siteCommunes.enumerated() where endowed[position] {
            if let epci = communes[commune].epci { found.insert(epci) }
        }
        return (found.count, all.count)
    }

    /// Per territory (scenario order): population of the communes in `flags`.
    public func populationByTerritory(where flags: [Bool]) -> [Int] {
        byTerritory(where: flags) { $0.population }
    }

    /// Per territory (scenario order): people in need in the communes in `flags`, rounded to whole people. A white
    /// zone's inhabitants and its people in need are a factor of about 6 apart: a review found only the first given.
    public func needByTerritory(where flags: [Bool]) -> [Int] {
        let need = optimised.model.communeNeed
        precondition(need.count == communes.count, "one need per commune of the demand table")
        return sumByTerritory(where: flags) { position, _ in need[position] }.map { Int($0.rounded()) }
    }
}
