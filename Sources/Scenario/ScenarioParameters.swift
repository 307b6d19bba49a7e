import Foundation

/// A kind of host structure (public: collectivités…; private: associations…) and the State's grant
/// for one post at 100 % of the SMIC, which differs by kind and overseas.
public struct HostKind: Sendable, Hashable {
    public let id: String
    public let label: String
    /// State grant for one post at 100 % of the SMIC over `grantMonths`, in mainland France.
    public let grantEUR: Double
    /// Overseas grant for the same post (higher: the plan's "majoration outre-mer").
    public let overseasGrantEUR: Double
    /// The convention's length for this kind (24 months public, 18 private in 2021).
    public let grantMonths: Int
    /// The State's grant to renew one post of this kind over `renewalMonths` (a renewal wave, docs/model.md,
    /// "Commitments and waves"); nil: its posts cannot be renewed.
    public var renewalGrantEUR: Double? = nil
    public var renewalMonths = 36

    public init(id: String, label: String, grantEUR: Double, overseasGrantEUR: Double, grantMonths: Int) {
        self.id = id
        self.label = label
        self.grantEUR = grantEUR
        self.overseasGrantEUR = overseasGrantEUR
        self.grantMonths = grantMonths
    }

    /// Employer cost of one post per month, as the State's reference (grant / months).
    public func monthlyCost(overseas: Bool) -> Double {
        (overseas ? overseasGrantEUR : grantEUR) / Double(grantMonths)
    }
}

/// A way of funding a post: the State pays `stateShare` of the reference cost for `months`
/// (or the kind's convention length), and the host pays the rest.
public struct FundingOption: Sendable, Hashable {
    public let id: String
    public let label: String
    public let stateShare: Double
    /// Funded months; nil means the kind's own convention length.
    public let months: Int?

    public init(id: String, label: String, stateShare: Double, months: Int?) {
        self.id = id
        self.label = label
        self.stateShare = stateShare
        self.months = months
    }

    public func months(for kind: HostKind) -> Int { months ?? kind.grantMonths }
}

/// What one post costs and yields under a funding option, for a kind of host and a zone.
public struct FundingTerms: Sendable, Hashable {
    public let stateCostEUR: Double
    public let hostCostEUR: Double
    public let months: Int

    /// Post-months of service counted over the scenario's horizon (`ServiceBasis.serviceMonths`); the funded
    /// months when no horizon is given.
    public let serviceMonths: Double

    /// `basis` adds its programme cost per post to the State cost and counts service over its horizon.
    public init(kind: HostKind, option: FundingOption, overseas: Bool, basis: ServiceBasis? = nil) {
        let months = option.months(for: kind)
        let total = kind.monthlyCost(overseas: overseas) * Double(months)
        self.months = months
        self.stateCostEUR = (option.stateShare * total + (basis?.costPerPostEUR ?? 0)).rounded(toPlaces: 2)
        self.hostCostEUR = ((1 - option.stateShare) * total).rounded(toPlaces: 2)
        self.serviceMonths = basis?.serviceMonths(funded: months) ?? Double(months)
    }
}

/// The basis every plan is priced and counted on, so plans are compared like for like (docs/baselines.md):
/// a programme cost per post paid by the State on top of the grant (training…), and one horizon over which
/// service is counted, whatever the funding length.
public struct ServiceBasis: Sendable, Hashable {
    public let costPerPostEUR: Double
    /// Years over which service is counted; nil (code-built parameters) counts each post's own funded months.
    public let horizonYears: Int?
    /// Share of a post whose funding ends before the horizon that is renewed, and serves, until the horizon.
    public let renewalShare: Double

    public init(costPerPostEUR: Double = 0, horizonYears: Int? = nil, renewalShare: Double = 0) {
        self.costPerPostEUR = costPerPostEUR
        self.horizonYears = horizonYears
        self.renewalShare = renewalShare
    }

    /// No programme cost, each post's funded months: the basis of parameters built in code. Scenario files get the
    /// schema's defaults (3 years).
    public static let `default` = ServiceBasis()

    /// "over 3 years", or "over the funded period" without a horizon, for the report.
    public var period: String {
        horizonYears.map { "over \($0) year\($0 == 1 ? "" : "s")" } ?? "over the funded period"
    }

    /// Months a post funded for `funded` months serves within the horizon: its funded months up to it, then the
    /// renewed share of the months left.
    public func serviceMonths(funded: Int) -> Double {
        guard let years = horizonYears else { return Double(funded) }
        let horizon = 12 * years
        return Double(min(funded, horizon)) + renewalShare * Double(max(0, horizon - funded))
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

/// How need (people needing digital help) is derived per territory; see docs/model.md.
public struct NeedParameters: Sendable, Hashable {
    /// National share of people 15+ lacking basic digital skills (INSEE 2019: 16.5 %).
    public let rate15Plus: Double
    /// Share of people 75+ needing help (INSEE 2019: 64 % had not used the internet).
    public let rate75Plus: Double
    /// How strongly the digital-fragility index modulates the 15–74 rate (0 = not at all).
    public let fragilityExponent: Double
    /// When set, the index is read on an interval scale: the 15–74 rate moves by this share per standard
    /// deviation of the index (`need.fragility_spread`), and the exponent is not used.
    public let fragilitySpread: Double?

    public init(rate15Plus: Double, rate75Plus: Double, fragilityExponent: Double, fragilitySpread: Double? = nil) {
        self.rate15Plus = rate15Plus
        self.rate75Plus = rate75Plus
        self.fragilityExponent = fragilityExponent
        self.fragilitySpread = fragilitySpread
    }
}

/// Floors and caps on posts, per territory and per région (group).
public struct Limits: Sendable, Hashable {
    public let territoryMinPosts: Int
    public let territoryMaxShare: Double
    public let regionMinPosts: Int
    public let regionMaxShare: Double

    public init(territoryMinPosts: Int, territoryMaxShare: Double, regionMinPosts: Int, regionMaxShare: Double) {
        self.territoryMinPosts = territoryMinPosts
        self.territoryMaxShare = territoryMaxShare
        self.regionMinPosts = regionMinPosts
        self.regionMaxShare = regionMaxShare
    }
}

/// Diminishing returns: each territory's value is need × (coverage ratio)^exponent, linearised on breakpoints.
public struct ObjectiveParameters: Sendable, Hashable {
    public let exponent: Double
    /// Coverage ratios in (0, 1], increasing, ending at 1.
    public let breakpoints: [Double]
    /// The baseline whose seats pick one plan among the optima (`objective.tie_break`, docs/model.md,
    /// "One canonical plan"); nil for none (`none`): the plan is then the vertex the solver reaches.
    public var tieBreak: String? = nil

    public init(exponent: Double, breakpoints: [Double]) {
        self.exponent = exponent
        self.breakpoints = breakpoints
    }
}

/// Limits given to the solver; both can be overridden on the command line.
public struct SolverParameters: Sendable, Hashable {
    public let timeLimitSeconds: Double
    public let mipGap: Double
    public let presolve: Bool
    public let cuts: Bool

    public init(timeLimitSeconds: Double, mipGap: Double, presolve: Bool, cuts: Bool) {
        self.timeLimitSeconds = timeLimitSeconds
        self.mipGap = mipGap
        self.presolve = presolve
        self.cuts = cuts
    }
}

/// What the run compares the optimised plan with (docs/baselines.md).
public struct ComparisonParameters: Sendable, Hashable {
    /// Baseline ids (`webster:need`, …), checked by the run (the Baselines module parses them).
    public let baselines: [String]
    public let coverageThreshold: Double

    /// Re-solve the sensitivity variants (docs/model.md).
    public let sensitivity: Bool
    /// Points of the efficiency–equity frontier; fewer than 2 means none.
    public let frontierPoints: Int
    /// Lexicographic objective stages, by name (`value`, `coverage`, `maxmin`, `cost`, `endow`,
    /// `closeness:<baseline>`).
    public let stages: [String]

    /// Split the gain over the observed plan into money, funding rule and geography (8 re-solves).
    public var decomposition: Bool = false
    /// Compute each territory's range of posts within the gap and within `rangeTolerance` (`PostRanges`).
    public var postRanges: Bool = false
    public var rangeTolerance: Double = 0.005
    /// Decide the open ends of the gap's ranges over integer plans too (`RangeProof`, then the primal heuristic on the
    /// ends left open), as the wider tolerance's are: on by default (nationally 75 ranges of 101 exact within the gap
    /// instead of 20, for about 2.5 s more of the run); off for a faster run whose gap ranges are looser bounds.
    public var gapRangeProofs = true

    public init(
        baselines: [String], coverageThreshold: Double, sensitivity: Bool = true, frontierPoints: Int = 5,
        stages: [String] = ["value"],
        decomposition: Bool = false, postRanges: Bool = false, rangeTolerance: Double = 0.005
    ) {
        self.decomposition = decomposition
        self.postRanges = postRanges
        self.rangeTolerance = rangeTolerance
        self.baselines = baselines
        self.coverageThreshold = coverageThreshold
        self.sensitivity = sensitivity
        self.frontierPoints = frontierPoints
        self.stages = stages
    }

    public static let `default` = ComparisonParameters(
        baselines: ["webster:need", "webster:population"], coverageThreshold: 0.2)
}

/// Every parameter of a scenario, validated.
public struct ScenarioParameters: Sendable {
    public let name: String
    public let title: String
    public let posts: Int
    public let budgetEUR: Double
    public let peoplePerPostYear: Double
    public let need: NeedParameters
    /// Sorted by id, so that model building never depends on file order.
    public let kinds: [HostKind]
    public let fundingOptions: [FundingOption]
    public let limits: Limits
    public var objective: ObjectiveParameters
    public let solver: SolverParameters
    /// Every parameter as `path = value` after overrides, for the manifest and the report.
    public let effective: [(path: String, value: String)]
    /// The settings applied over the scenario file (`--set`, a sweep's variant), in the order given: the report names
    /// them under its title, which is the file's and may describe another budget or rule.
    public var settingsOverFile: [(path: String, value: String)] = []
    /// Last, with a default, so that code building parameters by hand needs no change.
    public var comparison: ComparisonParameters = .default
    /// The waves of calls for applications, in date order (docs/model.md, "Commitments and waves"); none by default.
    public var waves: [Wave] = []
    /// Where the keys holding baseline ids were written (`comparison.baselines`, `objective.stages`,
    /// `objective.tie_break`: the file's line and column, or the `--set`): their ids are checked once the tables are
    /// read, by other modules, whose errors must still name the place (a review found them naming the key alone).
    public var keyLocations: [String: SourceLocation] = [:]

    /// Where `path` was written; the key's name alone when it was not recorded.
    public func location(of path: String) -> SourceLocation { keyLocations[path] ?? SourceLocation(file: path) }

    /// The documented ranges of the scenario's guesses (`robustness.*`); empty: no robustness analysis.
    public var robustness: RobustnessParameters = .none
    /// Programme cost per post and horizon of service, with defaults (no cost, 3 years, no renewal).
    public var basis: ServiceBasis = .default

    public init(
        name: String, title: String, posts: Int, budgetEUR: Double, peoplePerPostYear: Double, need: NeedParameters,
        kinds: [HostKind], fundingOptions: [FundingOption], limits: Limits, objective: ObjectiveParameters,
        solver: SolverParameters, effective: [(path: String, value: String)],
        comparison: ComparisonParameters = .default,
        basis: ServiceBasis = .default
    ) {
        self.basis = basis
        self.name = name
        self.title = title
        self.posts = posts
        self.budgetEUR = budgetEUR
        self.peoplePerPostYear = peoplePerPostYear
        self.need = need
        self.kinds = kinds
        self.fundingOptions = fundingOptions
        self.limits = limits
        self.objective = objective
        self.solver = solver
        self.effective = effective
        self.comparison = comparison
    }

    public func kind(_ id: String) -> HostKind? { kinds.first { $0.id == id } }
}
