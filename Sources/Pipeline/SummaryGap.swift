import AllocationModel
import Foundation
import LinearProgramming
import Scenario
import Studies

/// The bound and gap printed beside the plan's value (summary, report, manifest): they must measure that
/// objective. A staged run whose last stage is not `value` has no bound on value (its last gap measures
/// another objective, shown per stage in `stages.csv`), so both are unknown. When GLPK undersold the plan
/// (segments out of order at a limit), the gap is measured from the recomputed value, never GLPK's.
struct SummaryGap {
    let bound: Double?
    let relativeGap: Double?

    init(result: SolveResult, model: AllocationModel, plan: Plan, scenario: Scenario, valueLast: Bool, claimed: Double?)
    {
        guard valueLast else {
            bound = nil
            relativeGap = nil
            return
        }
        let bound = result.bestBound.map { ($0 + Solving.tieBreak(result, model: model)) * model.objectiveScale }
        self.bound = bound
        let value = PlanEvaluation(plan: plan, scenario: scenario).objective
        if let bound, let claimed, value > claimed + max(1e-6, 1e-6 * abs(value)) {
            relativeGap = SolveResult.relativeGap(objective: value, bound: max(bound, value))
        } else {
            relativeGap = result.relativeGap
        }
    }
}

/// Whether two identical runs publish the same plan: only when every solve of the plan finished (optimal
/// within the gap). A solve stopped by a time limit or the run's budget returns whatever branch-and-bound
/// had reached, which depends on the machine's speed and load.
enum TimingDependence {
    static func reason(result: SolveResult, stages: [StagedSolve.StageRecord]) -> String? {
        if !stages.isEmpty {
            let stopped = stages.filter { $0.status != .optimal }
            guard !stopped.isEmpty else { return nil }
            return "objective stage(s) "
                + stopped.map {
                    "\($0.position) (\($0.name)): \($0.status.rawValue)\($0.limitReached.map { ", \($0)" } ?? "")"
                }
                .joined(separator: "; ")
                + " — a limit stopped the solve, so the plan depends on how far GLPK got in the time it had"
        }
        guard result.status != .optimal else { return nil }
        return
            "the solve ended \(result.status.rawValue) (\(result.limitReached ?? "a limit")) — a limit stopped it, so the plan depends on how far GLPK got in the time it had"
    }
}
