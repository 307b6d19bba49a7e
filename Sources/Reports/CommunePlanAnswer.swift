import Foundation

/// The commune plan's own answer (a scenario with a demand table): a second plan beside the département one, which
/// `status`, `objective` and `best_bound` describe. A run can be `optimal` there and exit 10 for this plan's gap, so
/// the summary, the `--json` object and the manifest carry it beside them.
public struct CommunePlanAnswer: Codable, Sendable, Equatable {
    /// `optimal` (within the MIP gap of its bound) or `feasible`.
    public let status: String
    public let value: Double
    public let bound: Double
    /// `lp` (the relaxation's optimum), `lagrangian` or `branch_and_bound`.
    public let boundMethod: String
    public let relativeGap: Double
    /// The plan's key figures, which a notebook otherwise rebuilds from `sites.csv` and `allocation_by_commune.csv` (a
    /// review): its posts, the State's money, the people it covers and the people in its white zone. Optional: a
    /// manifest written before them reads without them.
    public var posts: Int?
    public var stateCostEUR: Double?
    public var peopleCovered: Double?
    public var whiteZonePeople: Int?

    public init(
        status: String, value: Double, bound: Double, boundMethod: String, relativeGap: Double, posts: Int? = nil,
        stateCostEUR: Double? = nil, peopleCovered: Double? = nil, whiteZonePeople: Int? = nil
    ) {
        self.status = status
        self.value = value
        self.bound = bound
        self.boundMethod = boundMethod
        self.relativeGap = relativeGap
        self.posts = posts
        self.stateCostEUR = stateCostEUR
        self.peopleCovered = peopleCovered
        self.whiteZonePeople = whiteZonePeople
    }

    enum CodingKeys: String, CodingKey {
        case status, value, bound, boundMethod = "bound_method", relativeGap = "relative_gap", posts
        case stateCostEUR = "state_cost_eur", peopleCovered = "people_covered", whiteZonePeople = "white_zone_people"
    }

    /// The summary's columns for this answer, at the end of summary.csv and summary.json (docs/outputs.md), with the
    /// decimals of the département plan's `objective`, `best_bound` and `relative_gap`.
    var summaryFields: [(String, CSVWriter.Cell)] {
        [
            ("commune_status", .text(status)),
            ("commune_value", .number(value, decimals: 3)),
            ("commune_bound", .number(bound, decimals: 3)),
            ("commune_bound_method", .text(boundMethod)),
            ("commune_relative_gap", .number(relativeGap, decimals: 8)),
            ("commune_posts", posts.map { .integer($0) } ?? .empty),
            ("commune_state_cost_eur", stateCostEUR.map { .number($0, decimals: 2) } ?? .empty),
            ("commune_people_covered", peopleCovered.map { .number($0, decimals: 2) } ?? .empty),
            ("commune_white_zone_people", whiteZonePeople.map { .integer($0) } ?? .empty),
        ]
    }
}
