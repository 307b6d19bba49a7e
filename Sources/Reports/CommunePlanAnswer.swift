import Foundation

/// The commune plan's own answer (a scenario with a demand table): a second plan beside the département one, which
/// `status`, `objective` and `best_bound` describe. A run can be `optimal` there and exit 10 for this plan's gap, so
/// the summary, the `--json` object and the manifest carry it beside them.
public struct CommunePlanAnswer: Codable, Sendable, Equatable {
    /// `optimal` (within the MIP gap of its bound) or `feasible`.
    public let status: String
    public let value: Double
    public let bound: Double
    /// `lp` (the relaxation's optimum) or `lagrangian`.
    public let boundMethod: String
    public let relativeGap: Double

    public init(status: String, value: Double, bound: Double, boundMethod: String, relativeGap: Double) {
        self.status = status
        self.value = value
        self.bound = bound
        self.boundMethod = boundMethod
        self.relativeGap = relativeGap
    }

    enum CodingKeys: String, CodingKey {
        case status, value, bound, boundMethod = "bound_method", relativeGap = "relative_gap"
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
        ]
    }
}
