/// The documented plausible ranges of a scenario's guesses (`robustness.*` keys, docs/model.md "Robustness").
///
/// Each list holds the ends of a range (one or more values); the robustness analysis re-solves the scenario
/// once per value, every other input as written. Factors multiply every structure's `capacity` (rounded
/// down, at least 1 for a host with capacity) or `cofinancing_eur`.
public struct RobustnessParameters: Sendable, Hashable {
    public let capacityFactors: [Double]
    public let cofinancingFactors: [Double]
    public let peoplePerPostYear: [Double]
    /// Values of `need.fragility_spread` (the need's split between territories by their fragility index).
    public let fragilitySpreads: [Double]
    /// A territory whose posts move by more than this in a variant is listed as moved.
    public let movedPosts: Int

    public init(
        capacityFactors: [Double] = [], cofinancingFactors: [Double] = [], peoplePerPostYear: [Double] = [],
        fragilitySpreads: [Double] = [], movedPosts: Int = 3
    ) {
        self.capacityFactors = capacityFactors
        self.cofinancingFactors = cofinancingFactors
        self.peoplePerPostYear = peoplePerPostYear
        self.fragilitySpreads = fragilitySpreads
        self.movedPosts = movedPosts
    }

    public static let none = RobustnessParameters()

    /// No variant: the analysis does not run.
    public var isEmpty: Bool {
        capacityFactors.isEmpty && cofinancingFactors.isEmpty && peoplePerPostYear.isEmpty && fragilitySpreads.isEmpty
    }

    /// Lists of more than this many values are refused (each value is a full re-solve).
    public static let maxValuesPerGuess = 4

    static func read(_ reader: inout ParameterReader) -> RobustnessParameters {
        var lists: [[Double]] = []
        for path in [
            "robustness.capacity_factors", "robustness.cofinancing_factors", "robustness.people_per_post_year",
            "robustness.fragility_spreads",
        ] {
            let values = reader.numbers(path) ?? []
            if values.count > maxValuesPerGuess {
                reader.configurationError(
                    path,
                    "'\(path)' lists \(values.count) values, at most \(maxValuesPerGuess) (the ends of the range: each is a re-solve)"
                )
            }
            lists.append(values)
        }
        return RobustnessParameters(
            capacityFactors: lists[0], cofinancingFactors: lists[1], peoplePerPostYear: lists[2],
            fragilitySpreads: lists[3], movedPosts: reader.integer("robustness.moved_posts") ?? 3)
    }
}

extension RobustnessParameters {
    /// A capacity factor applied to one structure: rounded down, but a host that can take a post keeps at
    /// least one (the capacity guesses give every host that applied one post; only the rate beyond it is a guess).
    public static func scaled(capacity: Int, by factor: Double) -> Int {
        guard capacity > 0 else { return 0 }
        return max(1, Int((Double(capacity) * factor + 1e-9).rounded(.down)))
    }

    /// The ends of a range that would make the base scenario's rules impossible: a capacity factor that leaves
    /// a territory less room than its floor, or a région less than the région floor. Co-financing factors and
    /// people per post-year only change which options are open and what a post is worth, never the floors' room.
    public func rangeProblems(
        parameters: ScenarioParameters, territories: [Territory],
        structures: [HostStructure]
    ) -> [(key: String, message: String)] {
        guard !capacityFactors.isEmpty else { return [] }
        let key = "robustness.capacity_factors"
        let index = Dictionary(territories.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        let limits = parameters.limits
        let shareCap = Int((limits.territoryMaxShare * Double(parameters.posts)).rounded(.down))
        // When the base scenario's own floors cannot hold (more floor posts than posts, or a floor above a territory's
        // whole capacity), that is the scenario's contradiction, reported as such before solving (exit 20), not a
        // fault of the robustness range.
        var baseRoom = [Int](repeating: 0, count: territories.count)
        for structure in structures { if let t = index[structure.territory] { baseRoom[t] += structure.capacity } }
        let floors = territories.map { max(limits.territoryMinPosts, $0.minPosts ?? 0) }
        if floors.reduce(0, +) > parameters.posts || zip(floors, baseRoom).contains(where: { $0 > $1 }) { return [] }
        func room(_ factor: Double) -> [Int] {
            var room = [Int](repeating: 0, count: territories.count)
            for structure in structures {
                if let t = index[structure.territory] {
                    room[t] += Self.scaled(capacity: structure.capacity, by: factor)
                }
            }
            return room
        }
        func holds(_ factor: Double) -> Bool {
            let room = room(factor)
            var regionRoom: [String: Int] = [:]
            for (t, territory) in territories.enumerated() {
                if floors[t] > room[t] { return false }
                regionRoom[territory.regionCode, default: 0] += min(
                    room[t], min(shareCap, territory.maxPosts ?? Int.max))
            }
            return limits.regionMinPosts <= 0 || regionRoom.values.allSatisfy { $0 >= limits.regionMinPosts }
        }
        // The smallest factor, to the hundredth above, that keeps every floor: the room only grows with the factor and
        // the scenario's own capacities (factor 1) hold them, so a bisection finds it (a review asked for the allowed
        // range, as every other refused value gives).
        lazy var raise: String = {
            var low = 0.0, high = 1.0
            for _ in 0..<40 {
                let middle = (low + high) / 2
                if holds(middle) { high = middle } else { low = middle }
            }
            var hundredths = Int((high * 100).rounded(.up))
            while hundredths < 100 && !holds(Double(hundredths) / 100) { hundredths += 1 }
            return
                "raise the factor to at least \(String(format: "%.2f", Double(hundredths) / 100)) (the smallest that keeps every floor)"
        }()
        // The same for a région floor the scenario's own capacities cannot hold (a review: the factor was blamed,
        // "raise the factor", which cannot help).
        if !holds(1) { return [] }
        var problems: [(String, String)] = []
        for factor in capacityFactors {
            let room = room(factor)
            var regionRoom: [String: Int] = [:]
            for (t, territory) in territories.enumerated() {
                let floor = max(limits.territoryMinPosts, territory.minPosts ?? 0)
                let cap = min(shareCap, territory.maxPosts ?? Int.max)
                regionRoom[territory.regionCode, default: 0] += min(room[t], cap)
                if floor > room[t] {
                    problems.append(
                        (
                            key,
                            "'\(key)': at factor \(factor) the host structures of territory \(territory.code) (\(territory.name)) "
                                + "can take \(room[t]) posts, below its floor of \(floor): that end of the range makes the base scenario infeasible; "
                                + "\(raise) or lower the floor"
                        ))
                }
            }
            if limits.regionMinPosts > 0 {
                for (region, posts) in regionRoom.sorted(by: { $0.key < $1.key }) where posts < limits.regionMinPosts {
                    problems.append(
                        (
                            key,
                            "'\(key)': at factor \(factor) région \(region) can take \(posts) posts, below the région floor of "
                                + "\(limits.regionMinPosts): that end of the range makes the base scenario infeasible; \(raise) or lower the floor"
                        ))
                }
            }
        }
        return problems
    }
}
