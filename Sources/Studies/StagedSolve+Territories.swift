import AllocationModel
import Foundation
import LinearProgramming
import Scenario

extension StagedSolve {
    /// What solving a stage by territories found: `bound` (in the stage's units) no plan passes; `plan`, values of the
    /// stage's program, better than the start; `proof`, the stage's result when the plan is within the gap of the
    /// bound (no branch-and-bound needed).
    struct TerritoryOutcome {
        let bound: Double
        let plan: [Double]?
        let proof: SolveResult?
    }

    /// A `maxmin` stage (`MaxminBound`, bisection on the ratio) and a `value` or `coverage` stage after one
    /// (`StageLagrangian`):
    /// where GLPK's bound stays at the relaxation's, whole posts per territory being what separates it from the
    /// optimum (docs/model.md, "Stages by territories"). Nil for other stages, or when the program does not split.
    static func byTerritories(
        _ stage: ObjectiveStage, program: LinearProgram, model: AllocationModel, scenario: Scenario, extras: Extras,
        fixed: [(name: String, terms: [(Variable, Double)], lower: Double)], start: [Double]?, scale: Double,
        solver: any LinearSolver, options: SolverOptions
    ) throws -> TerritoryOutcome? {
        guard let ratio = extras.minRatio else { return nil }
        let started = Date()
        let count = model.program.variables.count
        let current = start.flatMap { program.largestViolation(of: $0, tolerance: 1e-6) == nil ? $0 : nil }
        func score(_ plan: [Double]) -> Double { program.objectiveValue(of: plan) }
        // The plan found, made a plan of the stage (the stages' variables at their best) when it beats the start.
        func better(_ found: [Double]?) -> [Double]? {
            guard let plan = found.flatMap({ extras.extend(Array($0.prefix(count))) }),
                program.largestViolation(of: plan, tolerance: 1e-6) == nil,
                score(plan) > current.map(score) ?? -.infinity
            else { return nil }
            return plan
        }
        let bound: Double, plan: [Double]?
        switch stage {
        case .maxmin:
            guard
                let outcome = try MaxminBound.bisect(
                    program: program, ratio: ratio, model: model, plan: current,
                    low: current.map { $0[ratio.index] } ?? 0, gap: options.mipGap / 2, solver: solver,
                    options: options)
            else { return nil }
            bound = outcome.bound * scale
            plan = better(outcome.plan)
        case .value, .coverage:
            guard let held = fixed.first(where: { $0.name == "stage_maxmin" })?.lower,
                let outcome = try StageLagrangian.solve(
                    program: program, ratio: ratio, held: held, model: model, scenario: scenario, best: current,
                    gap: options.mipGap / 2, solver: solver, options: options)
            else { return nil }
            bound = outcome.bound
            plan = better(outcome.plan)
        default:
            return nil
        }
        var proof: SolveResult?
        if let best = plan ?? current, bound.isFinite,
            SolveResult.relativeGap(objective: score(best), bound: bound) <= options.mipGap
        {
            proof = proven(best, bound: bound, program: program, since: started)
        }
        return TerritoryOutcome(bound: bound / scale, plan: plan, proof: proof)
    }
}
