import Foundation
import LinearProgramming

/// A re-solve of an analysis (a robustness or sensitivity variant) the way the main plan is solved: the
/// primal heuristic first (docs/model.md, "Solve strategy"), then GLPK from the better of its plan and the
/// start given, unless that plan is already within the gap of the LP relaxation's bound.
///
/// Why: a variant that tightens a rule (less budget, fewer hosts, less host money) cannot start from the
/// run's plan, and GLPK alone then takes tens of seconds on the national scenario to find a plan the
/// heuristic finds in a fraction of a second.
public enum HeuristicResolve {
    public static func solve(_ model: AllocationModel, solver: any LinearSolver, options: SolverOptions) throws -> SolveResult {
        let program = model.program
        guard program.isMixedInteger, program.sense == .maximize,
              let found = PrimalHeuristic.plan(for: model, solver: solver, options: options,
                                               timeLimitSeconds: min(10, options.timeLimitSeconds / 4)) else {
            return try solver.solve(program, options: options)
        }
        // The given start (the run's plan) when it keeps every rule and beats the heuristic: a variant that only
        // relaxes a rule then never scores below the run's plan.
        var best = (values: found.values, objective: found.objective)
        if let start = options.start, start.count == program.variables.count, program.largestViolation(of: start) == nil {
            let value = program.objectiveValue(of: start)
            if value > best.objective { best = (start, value) }
        }
        let gap = SolveResult.relativeGap(objective: best.objective, bound: found.relaxationBound)
        if gap <= options.mipGap {
            var result = SolveResult(
                status: .optimal, objective: best.objective, bestBound: found.relaxationBound, relativeGap: gap,
                values: best.values, rowActivities: program.constraints.indices.map { program.activity(ofConstraint: $0, values: best.values) },
                limitReached: "mip gap", seconds: found.seconds, nodes: 0,
                log: "repartir: the primal heuristic's plan (or the start) is within the MIP gap of the LP relaxation's bound\n")
            result.startUsed = true
            return result
        }
        var started = options.starting(from: best.values)
        if options.timeLimitSeconds.isFinite {
            started.timeLimitSeconds = max(options.timeLimitSeconds - found.seconds, options.timeLimitSeconds / 10)
        }
        return try solver.solve(program, options: started)
    }
}
