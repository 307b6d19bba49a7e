import Foundation

/// Where people live: the optional commune layer of a scenario (`tables.demand`, `tables.candidates`,
/// `reach.*`). Without it a scenario is the département model alone; with it the commune model
/// (docs/model.md, "The commune model") says which communes have a host within reach.
/// Everything is indexed by position: communes by their place in `communes` (sorted by code).
public struct CommuneInputs: Sendable {
    public struct Commune: Sendable, Hashable {
        public let code: String
        public let name: String
        /// A territory code of `territories.csv`.
        public let territory: String
        /// The EPCI it belongs to; nil when it has none (it is then its own unit in the reports).
        public let epci: String?
        public let population: Int
        /// Fragility index used to split the territory's need; nil: the territory's own `ifn`.
        public let ifn: Double?
        /// Need given as is (the `need` column), instead of the split.
        public let need: Double?
        /// Degrees; nil when unknown (then only a site in the commune itself reaches it).
        public let latitude: Double?
        public let longitude: Double?

        public init(
            code: String, name: String, territory: String, epci: String?, population: Int, ifn: Double? = nil,
            need: Double? = nil, latitude: Double?, longitude: Double?
        ) {
            self.code = code
            self.name = name
            self.territory = territory
            self.epci = epci
            self.population = population
            self.ifn = ifn
            self.need = need
            self.latitude = latitude
            self.longitude = longitude
        }

        public var hasCoordinates: Bool { latitude != nil && longitude != nil }
    }

    /// Sorted by code.
    public let communes: [Commune]
    /// The commune (index into `communes`) of each of the scenario's structures, in `Scenario.structures` order.
    public let structureCommunes: [Int]
    /// New sites that cost nothing until they get a post (`tables.candidates`), sorted by id.
    public let candidates: [HostStructure]
    /// The commune of each candidate, in `candidates` order.
    public let candidateCommunes: [Int]
    /// Great-circle distance (km) within which a site reaches a commune (`reach.radius_km`).
    public let radiusKm: Double
    /// Breakpoints of the value curve per commune group (`reach.breakpoints`), increasing, ending at 1.
    public let breakpoints: [Double]
    /// Travel times that replace the radius (`reach.table`); nil: the great-circle radius decides reach.
    public let reachTable: ReachTable?
    /// What the `endow_reach` stage counts before the value (`reach.stages: endow_reach,value`); nil: value alone.
    public let endowReach: EndowReach?

    /// How the commune plan's bound is proven (`reach.bound`).
    public let bound: Bound
    /// A warm start's answer farther than this from its bound is solved again without the start
    /// (`reach.warm_max_gap`): a faster answer is worth having only as close to its bound as the cold one would be.
    public let warmMaxGap: Double
    /// The most site–commune pairs in reach a run takes on (`reach.max_pairs`): checked before the reach and the model
    /// are built, which grow with them (at 250 km a run took minutes and 11 GB before its first solve).
    public let maxPairs: Int
    public static let defaultMaxPairs = 2_000_000
    /// Nodes of the branch-and-bound a small commune model gets from its plan when the plan is not within the MIP gap
    /// of its bound (`reach.branch_and_bound_nodes`; 0: not tried). A count, not seconds: the same answer on every
    /// machine.
    public let branchAndBoundNodes: Int
    public static let defaultBranchAndBoundNodes = 2_000
    /// 0.5 %: the commune plan's gap target (docs/model.md); the cold solves measured nationally stay under it.
    public static let defaultWarmMaxGap = 0.005

    /// The LP relaxation (the Lagrangian bound when it does not finish in the run's time), or the Lagrangian bound
    /// alone (no LP: seconds where the relaxation takes minutes at wide radii, and looser).
    public enum Bound: String, Sendable {
        case relaxation
        case lagrangian
    }

    /// What an endowed commune counts for in the `endow_reach` stage (`reach.endow_by`).
    public enum EndowReach: String, Sendable {
        case people
        case communes
    }

    public init(
        communes: [Commune], structureCommunes: [Int], candidates: [HostStructure] = [], candidateCommunes: [Int] = [],
        radiusKm: Double, breakpoints: [Double] = CommuneInputs.defaultBreakpoints, reachTable: ReachTable? = nil,
        endowReach: EndowReach? = nil, bound: Bound = .relaxation, warmMaxGap: Double = CommuneInputs.defaultWarmMaxGap,
        maxPairs: Int = CommuneInputs.defaultMaxPairs,
        branchAndBoundNodes: Int = CommuneInputs.defaultBranchAndBoundNodes
    ) {
        self.branchAndBoundNodes = branchAndBoundNodes
        self.maxPairs = maxPairs
        self.endowReach = endowReach
        self.warmMaxGap = warmMaxGap
        self.bound = bound
        self.communes = communes
        self.structureCommunes = structureCommunes
        self.candidates = candidates
        self.candidateCommunes = candidateCommunes
        self.radiusKm = radiusKm
        self.breakpoints = breakpoints
        self.reachTable = reachTable
    }

    /// A handful of segments: enough for diminishing returns, few enough for tens of thousands of groups.
    public static let defaultBreakpoints: [Double] = [0.05, 0.1, 0.2, 0.4, 0.7, 1]

    /// Index of a commune by code (binary search: `communes` is sorted).
    public func index(of code: String) -> Int? {
        var low = 0, high = communes.count
        while low < high {
            let middle = (low + high) / 2
            if communes[middle].code < code { low = middle + 1 } else { high = middle }
        }
        return low < communes.count && communes[low].code == code ? low : nil
    }

    /// Need per commune: the `need` column when the table has one; otherwise each territory's need D_t split over its
    /// communes in proportion to population × IFN (the territory's `ifn` where the commune has none), by largest
    /// remainders so that the communes of a territory add up to D_t exactly (ties: commune code order; remainders
    /// within 10⁻⁹ of each other are ties, so that floating-point noise does not decide them: 406 × 6.2 and 434 × 5.8
    /// are equal weights, 4.5 × 10⁻¹³ apart in doubles).
    public func need(territoryNeed: [String: Double], territories: [Territory]) -> [Double] {
        if communes.allSatisfy({ $0.need != nil }) { return communes.map { $0.need! } }
        let territoryIFN = Dictionary(uniqueKeysWithValues: territories.map { ($0.code, $0.fragilityIndex) })
        var byTerritory: [String: [Int]] = [:]
        for (index, commune) in communes.enumerated() { byTerritory[commune.territory, default: []].append(index) }
        var result = [Double](repeating: 0, count: communes.count)
        for (territory, members) in byTerritory {
            let total = (territoryNeed[territory] ?? 0).rounded()
            let weights = members.map {
                Double(communes[$0].population) * max(communes[$0].ifn ?? territoryIFN[territory] ?? 1, 1e-9)
            }
            let sum = weights.reduce(0, +)
            guard sum > 0 else {
                // No inhabitant anywhere (the loader refuses such a table; a demand built in code may not): the need
                // goes to the first commune, so the total is still kept.
                result[members[0]] = total
                continue
            }
            let shares = weights.map { total * $0 / sum }
            var floors = shares.map { $0.rounded(.down) }
            var left = Int(total - floors.reduce(0, +))
            let remainders = members.indices.map { ((shares[$0] - floors[$0]) * 1e9).rounded() }
            let order = members.indices.sorted {
                (remainders[$0], members[$1]) > (remainders[$1], members[$0])
            }
            for position in order where left > 0 {
                floors[position] += 1
                left -= 1
            }
            for (position, member) in members.enumerated() { result[member] = floors[position] }
        }
        return result
    }
}
