import Foundation

/// A territory that receives posts (a département by default), with what its need is derived from.
public struct Territory: Sendable, Hashable {
    public let code: String
    public let name: String
    public let regionCode: String
    public let regionName: String
    public let overseas: Bool
    public let population: Int
    public let population15Plus: Int
    public let population75Plus: Int
    /// Digital-fragility index (0–10, 10 = most fragile).
    public let fragilityIndex: Double
    public let povertyRatePct: Double?
    /// Relative weight in the objective (1 unless the table says otherwise).
    public let weight: Double
    /// Per-territory floor and cap on posts, when the table sets them; they add to the scenario's limits.
    public let minPosts: Int?
    public let maxPosts: Int?
    /// Posts validated in 2021–2023 (the real allocation), when known.
    public let posts2021: Int?

    public init(
        code: String, name: String, regionCode: String, regionName: String, overseas: Bool,
        population: Int, population15Plus: Int, population75Plus: Int, fragilityIndex: Double,
        povertyRatePct: Double? = nil, weight: Double = 1, minPosts: Int? = nil, maxPosts: Int? = nil,
        posts2021: Int? = nil
    ) {
        self.code = code
        self.name = name
        self.regionCode = regionCode
        self.regionName = regionName
        self.overseas = overseas
        self.population = population
        self.population15Plus = population15Plus
        self.population75Plus = population75Plus
        self.fragilityIndex = fragilityIndex
        self.povertyRatePct = povertyRatePct
        self.weight = weight
        self.minPosts = minPosts
        self.maxPosts = maxPosts
        self.posts2021 = posts2021
    }
}

/// A real host structure that can take posts: a candidate of the plan.
public struct HostStructure: Sendable, Hashable {
    public let id: String
    public let name: String
    public let territory: String
    public let kind: String
    /// How many posts it could take (a scenario assumption).
    public let capacity: Int
    /// Euros it can put in as host share of co-financed options.
    public let cofinancingEUR: Double
    public let posts2021: Int?

    public init(
        id: String, name: String, territory: String, kind: String, capacity: Int, cofinancingEUR: Double,
        posts2021: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.territory = territory
        self.kind = kind
        self.capacity = capacity
        self.cofinancingEUR = cofinancingEUR
        self.posts2021 = posts2021
    }
}
