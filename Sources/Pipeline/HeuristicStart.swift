import AllocationModel
import Foundation
import LinearProgramming

extension Solving {
    /// The options with a MIP start from `PrimalHeuristic` when none is given (docs/model.md, "Solve strategy"):
    /// when the plan is within the gap of the relaxation's bound GLPK proves it at the root; otherwise
    /// branch-and-bound runs as before and the better of its plan and the start is kept. The time spent here is
    /// taken from GLPK's limit, so the run's limit still holds.
    static func heuristicStart(_ model: AllocationModel, solver: any LinearSolver, options: SolverOptions,
                               log: (String) -> Void) -> SolverOptions {
        guard options.start == nil, model.program.isMixedInteger else { return options }
        let budget = min(10, options.timeLimitSeconds / 4)
        guard let found = PrimalHeuristic.plan(for: model, solver: solver, options: options, timeLimitSeconds: budget) else {
            log("primal heuristic: no plan; GLPK solves from scratch")
            return options
        }
        log(String(format: "primal heuristic: objective %.4f, relaxation %.4f, gap %.2e, %.2f s", found.objective,
                   found.relaxationBound, found.gap, found.seconds))
        var started = options.starting(from: found.values)
        if options.timeLimitSeconds.isFinite {
            started.timeLimitSeconds = max(options.timeLimitSeconds - found.seconds, options.timeLimitSeconds / 2)
        }
        return started
    }
}
