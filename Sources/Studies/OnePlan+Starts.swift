import AllocationModel
import Foundation
import LinearProgramming

extension OnePlan {
    /// The main `value` solve with `PrimalHeuristic` first, when no start is given (docs/model.md, "Solve strategy").
    ///
    /// When the heuristic's plan is within the gap of the LP relaxation's optimum, which bounds every plan, it is
    /// the answer, with that bound: GLPK's own stopping rule (it would solve the same relaxation again to say so).
    /// Otherwise GLPK solves the model from the plan as a start, in the time left, and the better of its plan and
    /// the start is kept. Without a heuristic plan the solve is GLPK's alone, as before.
    static func solveWithHeuristic(
        _ model: AllocationModel, solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void
    ) throws -> SolveResult {
        guard options.start == nil, model.program.isMixedInteger,
            let found = PrimalHeuristic.plan(
                for: model, solver: solver, options: options,
                timeLimitSeconds: min(10, options.timeLimitSeconds / 4), payForGains: true)
        else {
            return try solver.solve(model.program, options: options)
        }
        log(
            String(
                format: "primal heuristic: objective %.4f, relaxation %.4f, gap %.2e, %.2f s (relaxation %.2f s)",
                found.objective, found.relaxationBound, found.gap, found.seconds, found.relaxationSeconds))
        if found.gap <= options.mipGap {
            return proven(found, program: model.program)
        }
        var started = options.starting(from: found.values)
        if options.timeLimitSeconds.isFinite {
            started.timeLimitSeconds = max(options.timeLimitSeconds - found.seconds, options.timeLimitSeconds / 10)
        }
        let result = try solver.solve(model.program, options: started)
        guard !result.hasSolution, result.status == .noSolution else { return result }
        // GLPK ended without a plan (the run's budget left it no time to start, or stopped it first): the heuristic's
        // plan stands, with the relaxation's bound, as a plan stopped by that limit. A run whose heuristic found a
        // plan never says "no plan found" (a fresh-clone CI run's case: 1.8 s of a 5 s budget, debug, loaded machine).
        var kept = proven(found, program: model.program)
        kept.status = .feasible
        kept.limitReached = result.limitReached ?? "time limit"
        kept.seconds = found.seconds + result.seconds
        kept.log = result.log + "repartir: GLPK ended without a plan: the primal heuristic's plan is kept\n"
        return kept
    }

    /// The heuristic's plan as a solve result, proven within the gap by the relaxation's bound.
    static func proven(_ found: PrimalHeuristic.Outcome, program: LinearProgram) -> SolveResult {
        var result = SolveResult(
            status: .optimal, objective: found.objective, bestBound: found.relaxationBound, relativeGap: found.gap,
            values: found.values,
            rowActivities: program.constraints.indices.map { program.activity(ofConstraint: $0, values: found.values) },
            limitReached: "mip gap", seconds: found.seconds, nodes: 0,
            log: "repartir: the primal heuristic's plan is within the MIP gap of the LP relaxation's bound\n")
        result.startUsed = true
        return result
    }
}

extension OnePlan {
    /// The start of a lexicographic chain's first stage (docs/model.md, "Lexicographic stages"): the primal heuristic's
    /// plan of the `value` model, which obeys every rule of the model and so is a plan of any first stage (the stages'
    /// own variables, `min_ratio`, `endowed`, `distance`, are computed from it by `StagedSolve`). Without it GLPK must
    /// find a first plan on its own, which on the national default it did not within 60 s for `maxmin` or `coverage`.
    /// Nil when a start is given already or the heuristic finds no plan (the chain then runs as before).
    static func stagedStart(
        _ model: AllocationModel, solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void
    ) -> [Double]? {
        guard options.start == nil, model.program.isMixedInteger,
            let found = PrimalHeuristic.plan(
                for: model, solver: solver, options: options,
                timeLimitSeconds: min(10, options.timeLimitSeconds / 4), payForGains: true)
        else { return options.start }
        log(
            String(
                format: "primal heuristic (start of the first stage): value objective %.4f, %.2f s", found.objective,
                found.seconds))
        return found.values
    }
}
