import AllocationModel
import Foundation
import Scenario

/// Plans the optimiser is compared with: classic apportionments of the posts (`BaselineSpec`) and the real 2021
/// allocation, each turned into a full `Plan` (posts per structure and funding option) that `PlanEvaluation` scores
/// and `PlanVerifier` checks like the optimiser's own. Rules: docs/baselines.md.
public enum Baselines {
    /// The baselines compared by default.
    public static let defaultSpecs = ["webster:need", "webster:population"]

    /// A baseline made into a plan.
    public struct BaselinePlan: Sendable {
        public let spec: BaselineSpec
        /// Posts per territory code given by the apportionment (every territory, zeros included).
        public let seats: [String: Int]
        public let plan: Plan
        /// Seats of a territory that its host structures could not take (only territories with some).
        public let unplaced: [String: Int]
        public var name: String { spec.id }
        public var unplacedTotal: Int { unplaced.values.reduce(0, +) }
    }

    public enum BaselineError: Error, Sendable, CustomStringConvertible {
        case spec(BaselineSpec.ParseError)
        case apportionment(String, ApportionmentError)
        /// A territory's weight is not a finite number ≥ 0 (e.g. a power that overflows).
        case weight(String, territory: String, value: Double)

        public var description: String {
            switch self {
            case let .spec(error): return error.description
            case let .weight(id, territory, value):
                return
                    "baseline \"\(id)\": the weight of territory \(territory) is \(value), not a finite number ≥ 0 (too large for a Double: lower the exponents)"
            case let .apportionment(id, error): return "baseline \"\(id)\": \(error)"
            }
        }
    }

    /// Host capacity per territory code: Σ capacity of its structures.
    public static func hostCapacity(_ scenario: Scenario) -> [String: Int] {
        Dictionary(
            zip(scenario.territories.map(\.code), scenario.index.territoryCapacities), uniquingKeysWith: { a, _ in a })
    }

    /// Posts per territory code: the spec's method on its weights, `posts` seats in all (`programme.posts` when nil).
    public static func seats(
        for spec: BaselineSpec, scenario: Scenario, posts: Int? = nil
    ) throws(BaselineError) -> [String: Int] {
        let weights: [Double]
        do { weights = try spec.weights(for: scenario) } catch { throw .spec(error) }
        let codes = scenario.territories.map(\.code)
        if let bad = weights.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw .weight(spec.id, territory: codes[bad], value: weights[bad])
        }
        var floors: [Int]?
        var caps: [Int]?
        if spec.bounded {
            let capacity = hostCapacity(scenario)
            floors = scenario.territories.map { scenario.postRange(of: $0).min }
            caps = scenario.territories.map { min(scenario.postRange(of: $0).max, capacity[$0.code] ?? 0) }
        }
        do {
            let seats = try Apportionment.apportion(
                spec.method, weights: weights, seats: posts ?? scenario.parameters.posts, keys: codes,
                baseSeats: Array(repeating: spec.baseSeats, count: codes.count),
                floors: floors, caps: caps)
            return Dictionary(uniqueKeysWithValues: zip(codes, seats))
        } catch {
            throw .apportionment(spec.id, error)
        }
    }

    public static func plan(for spec: BaselineSpec, scenario: Scenario) throws(BaselineError) -> BaselinePlan {
        let seats = try seats(for: spec, scenario: scenario)
        let placed = BaselinePlacement.place(seats: seats, scenario: scenario)
        return BaselinePlan(spec: spec, seats: seats, plan: placed.plan, unplaced: placed.unplaced)
    }

    public static func plan(for id: String, scenario: Scenario) throws(BaselineError) -> BaselinePlan {
        let spec: BaselineSpec
        do { spec = try BaselineSpec(parsing: id) } catch { throw .spec(error) }
        return try plan(for: spec, scenario: scenario)
    }

    /// The real 2021 allocation (COSELEC validations) as a plan: one placement per structure with `posts_2021` > 0.
    public struct ObservedPlan: Sendable {
        public let plan: Plan
        /// The funding option every observed post is given (see `observedOption`).
        public let option: String
        /// Structures whose `posts_2021` is unknown (empty in the table): counted as 0.
        public let structuresWithoutFigure: Int
        /// Posts per territory code in the plan, and the territory table's own `posts_2021` where it differs.
        public let territoryMismatches: [(code: String, fromStructures: Int, fromTerritories: Int)]
    }

    /// The option the observed posts are funded under: in 2021 the State paid 100 % of the SMIC for the kind's
    /// convention (50,000 € over 24 months public, 32,000 € over 18 months private, the overseas majoration for
    /// public hosts), i.e. the option with the largest State share and the kind's own length (`months` unset),
    /// ties by id: `full` in the default scenario.
    public static func observedOption(_ scenario: Scenario) -> FundingOption? {
        scenario.parameters.fundingOptions.sorted {
            ($0.months == nil ? 0 : 1, -$0.stateShare, $0.id) < ($1.months == nil ? 0 : 1, -$1.stateShare, $1.id)
        }.first
    }

    public static func observed2021(_ scenario: Scenario) -> ObservedPlan {
        let option = observedOption(scenario)?.id ?? "full"
        var placements: [Placement] = []
        var missing = 0
        var byTerritory: [String: Int] = [:]
        for structure in scenario.structures {
            guard let posts = structure.posts2021 else { missing += 1; continue }
            if posts > 0 {
                placements.append(Placement(structureID: structure.id, option: option, posts: posts))
                byTerritory[structure.territory, default: 0] += posts
            }
        }
        let mismatches = scenario.territories.compactMap { territory -> (String, Int, Int)? in
            guard let declared = territory.posts2021, declared != (byTerritory[territory.code] ?? 0) else { return nil }
            return (territory.code, byTerritory[territory.code] ?? 0, declared)
        }
        return ObservedPlan(
            plan: Plan(placements: placements), option: option, structuresWithoutFigure: missing,
            territoryMismatches: mismatches)
    }
}
