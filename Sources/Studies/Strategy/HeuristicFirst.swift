import AllocationModel
import Foundation
import LinearProgramming

/// A re-solve of the allocation model that tries the primal heuristic first (docs/model.md, "Solve strategy"): when
/// its plan, or the start given (whichever is better), is within the MIP gap of the LP relaxation's bound, that is the
/// answer, proven by the relaxation; otherwise GLPK runs from the better of the two (from no start, the heuristic's
/// plan kept as the fallback, when the start given breaks this program's rules). Used by the re-solves around the plan
/// (robustness, decomposition, sensitivity), which GLPK alone can leave at their limit. When GLPK then ends with no
/// plan (no time left to start it), the better of the two is kept, `feasible` with the relaxation's bound.
public enum HeuristicFirst {
    public static func solve(
        _ model: AllocationModel, solver: any LinearSolver, options: SolverOptions,
        heuristicSeconds: Double = 2
    ) throws -> SolveResult {
        let program = model.program
        let found = PrimalHeuristic.plan(
            for: model, solver: solver, options: options,
            timeLimitSeconds: min(heuristicSeconds, options.timeLimitSeconds / 4))
        guard let found else { return try solver.solve(program, options: options) }
        // The start, when it keeps every rule of this program, competes with the heuristic's plan.
        var best = found.values
        let startFits =
            options.start.map {
                $0.count == program.variables.count && program.largestViolation(of: $0, tolerance: 1e-6) == nil
            } ?? true
        if startFits, let start = options.start, program.objectiveValue(of: start) > found.objective {
            best = start
        }
        let objective = program.objectiveValue(of: best)
        let gap = SolveResult.relativeGap(objective: objective, bound: found.relaxationBound)
        if gap <= options.mipGap {
            var result = SolveResult(
                status: .optimal, objective: objective, bestBound: found.relaxationBound, relativeGap: gap,
                values: best,
                rowActivities: program.constraints.indices.map { program.activity(ofConstraint: $0, values: best) },
                limitReached: "mip gap", seconds: found.seconds, nodes: 0,
                log: "repartir: a plan within the MIP gap of the LP relaxation's bound (primal heuristic)\n")
            result.startUsed = true
            return result
        }
        var started = options.starting(from: best)
        // A start that breaks this program's rules (a variant's re-solve from the base plan) means the rules changed
        // under it: branch-and-bound then searches as without a start, with GLPK's MIP presolver, and the heuristic's
        // plan is kept when it ends with nothing better. Measured on the default run: host co-financing × 0.5 proves
        // in 1.0 s so, in 2.85 s with the heuristic's plan as incumbent (presolver off); at €20M, the same two
        // variants end with no plan when the heuristic's is dropped (BENCHMARKS.md, fourteenth session).
        started.startAsIncumbent = startFits
        if options.timeLimitSeconds.isFinite {
            started.timeLimitSeconds = max(options.timeLimitSeconds - found.seconds, options.timeLimitSeconds / 10)
        }
        var result = try solver.solve(program, options: started)
        if !result.hasSolution, result.status == .noSolution {
            // GLPK ended without a plan (the run's budget left it no time to start, or stopped it before its first):
            // the better of the heuristic's plan and the start stands, with the relaxation's bound, as a plan stopped
            // by that limit (as `OnePlan.solveWithHeuristic` does for the main plan), not "no plan".
            var kept = SolveResult(
                status: .feasible, objective: objective, bestBound: max(found.relaxationBound, objective),
                relativeGap: gap, values: best,
                rowActivities: program.constraints.indices.map { program.activity(ofConstraint: $0, values: best) },
                limitReached: result.limitReached ?? "time limit", seconds: found.seconds + result.seconds, nodes: 0,
                log: result.log + "repartir: GLPK ended without a plan: the primal heuristic's plan is kept\n")
            kept.startUsed = true
            return kept
        }
        // GLPK ending without a plan of its own, the heuristic's kept, may have no bound to say: the relaxation's
        // holds.
        if result.hasSolution, result.bestBound == nil, let objective = result.objective {
            result.bestBound = max(found.relaxationBound, objective)
            result.relativeGap = SolveResult.relativeGap(objective: objective, bound: result.bestBound!)
        }
        return result
    }
}
