import AllocationModel
import Foundation
import Scenario
import Studies

/// Everything the reports say about one run: the scenario, the verified plan, and how it was solved.
/// Timings live only in the manifest, so tables and report stay byte-identical between identical runs.
public struct RunRecord: Sendable {
    /// How sure we are of the plan.
    /// Optimal, feasible or interrupted (`PlanStatus`, in Studies, where a solve's status is decided).
    public typealias Status = PlanStatus

    public let scenario: Scenario
    public let plan: Plan
    public let evaluation: PlanEvaluation
    public let status: Status
    /// Objective recomputed from the plan.
    public let objective: Double
    /// The solver's bound on the best objective, when known.
    public let bestBound: Double?
    public let relativeGap: Double?
    public let limitReached: String?
    public let mipGap: Double
    /// The solver's time limit in force (scenario or command line), for the manifest.
    public let timeLimitSeconds: Double?
    /// The model's reading of the plan (binding rows, next post, shadow prices) for the "why" column; nil when not
    /// computed (the column then says only what the plan and the scenario show).
    public var marginal: MarginalAnalysis.Result?

    public init(
        scenario: Scenario, plan: Plan, status: Status, bestBound: Double?, relativeGap: Double?, limitReached: String?,
        mipGap: Double, timeLimitSeconds: Double? = nil
    ) {
        self.scenario = scenario
        self.plan = plan
        self.evaluation = PlanEvaluation(plan: plan, scenario: scenario)
        self.objective = evaluation.objective
        self.status = status
        self.bestBound = bestBound
        self.relativeGap = relativeGap
        self.limitReached = limitReached
        self.mipGap = mipGap
        self.timeLimitSeconds = timeLimitSeconds
    }
}
