import LinearProgramming

/// What a verified plan can claim: proven optimal within the gap, feasible (a limit stopped a solve), or interrupted
/// (a signal, with a verified incumbent). The run record, the summary and each wave of a rollout say one of these.
public enum PlanStatus: String, Sendable {
    /// Optimal within the MIP gap.
    case optimal
    /// A limit was hit: the plan is feasible and verified, but not proven optimal.
    case feasible
    /// Stopped by a signal with a verified incumbent.
    case interrupted
}

extension OnePlan.Solved {
    /// The first stage of a chain that did not end optimal (stopped by a limit or never started), if any.
    public var unfinishedStage: StagedSolve.StageRecord? { stages.first { $0.status != .optimal } }

    /// The plan's status: the solver's, except that a chain is optimal only when every stage is, and a chain whose
    /// every stage is within the MIP gap of its proven bound (one stopped by a limit included) is proven.
    public var status: PlanStatus {
        var status: PlanStatus
        switch result.status {
        case .optimal: status = .optimal
        case .interrupted: status = .interrupted
        default: status = .feasible
        }
        let unfinished = unfinishedStage
        if status == .optimal, unfinished != nil { status = .feasible }
        if staged, status == .feasible, !stages.isEmpty, unfinished == nil { status = .optimal }
        return status
    }
}
