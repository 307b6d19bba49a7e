import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// A start for a max-min solve (a `maxmin` stage, the frontier's top point), which GLPK's branch-and-bound rarely
/// finds on its own: with the budget binding (€150M), its incumbents stayed 15–25 % under the relaxation's ratio.
///
/// First the primal heuristic, on the model with the `coverage` objective and a floor Σ_j coverage[t,j] ≥ D_t × z on
/// every territory with need, at z = z_LP (1 − 10⁻⁶), z_LP the max-min relaxation's optimum: when it repairs those
/// floors the plan is within the gap of the relaxation and proves itself at the root. Otherwise, by bisection between
/// `lowest` (a ratio a plan already reaches) and z_LP, the cheapest plan over the floors D_t × z, solved by GLPK: the
/// largest z with a plan is kept (docs/model.md, "Solve strategy"). On the €150M max-min stage: 0.21459, against
/// HiGHS's proven optimum 0.21462; the heuristic's floor repair alone reached 0.196.
public enum MaxminStart {
    /// Bisection steps after the first try: each halves the interval, so the ratio is within (z_LP − lowest) / 2¹⁰.
    static let bisections = 10
    /// Branch-and-bound nodes for one cheapest plan over floors.
    static let cheapestNodes = 2_000

    /// Values of the model's own variables (a plan satisfying every row of `model.program`), or nil when the max-min
    /// relaxation is not solved or no floor above `lowest` has a plan. `maxminProgram` is the max-min solve's program
    /// (`min_ratio` maximised, scaled by `StagedSolve.objectiveScale`), whose relaxation gives z_LP; `seconds` bounds
    /// the heuristic's one-post moves.
    public static func plan(
        model: AllocationModel, scenario: Scenario, maxminProgram: LinearProgram, lowest: Double,
        solver: any LinearSolver, options: SolverOptions, seconds: Double
    ) -> [Double]? {
        guard let relaxed = try? solver.solve(maxminProgram.relaxation(), options: options.starting(from: nil)),
            relaxed.status == .optimal, let scaled = relaxed.objective, scaled > 0
        else { return nil }
        let relaxationBound = scaled / StagedSolve.objectiveScale(.maxmin, scenario: scenario)
        // The cheapest plan over the floors, by branch-and-bound: it is nearly separable by territory (each buys its
        // floor at the least State cost; only the posts total and the région caps couple them), so GLPK solves it in a
        // few hundred nodes where the max-min itself takes thousands. Euros in thousands keep the reduced costs above
        // GLPK's tolerance. Its node limit keeps the bisection the same on every machine.
        let cheapest = model.decisions.map { ($0.variable, -$0.stateCostEUR / 1_000) }
        func heuristic(_ ratio: Double) -> [Double]? {
            let own = StagedSolve.withCoverageFloors(
                model: model, scenario: scenario,
                objective: StagedSolve.coverageTerms(model: model, scenario: scenario), ratio: ratio)
            return PrimalHeuristic.plan(
                for: model, program: own, solver: solver, options: options, timeLimitSeconds: seconds)?.values
        }
        func cheapestPlan(_ ratio: Double) -> [Double]? {
            let own = StagedSolve.withCoverageFloors(
                model: model, scenario: scenario, objective: cheapest, ratio: ratio)
            var limited = options.starting(from: nil)
            limited.nodeLimit = cheapestNodes
            limited.mipGap = max(options.mipGap, 1e-3)
            guard let result = try? solver.solve(own, options: limited), result.hasSolution else { return nil }
            return Array(result.values.prefix(model.program.variables.count))
        }
        let top = relaxationBound * (1 - 1e-6)
        if let found = heuristic(top) { return found }
        var low = max(lowest, 0), high = top
        var best: [Double]?
        for _ in 0..<bisections where high - low > 1e-6 * top {
            let middle = (low + high) / 2
            if let found = cheapestPlan(middle) {
                best = found
                low = middle
            } else {
                high = middle
            }
        }
        return best
    }
}
