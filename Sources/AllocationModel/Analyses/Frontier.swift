import Foundation
import LinearProgramming
import Scenario

/// The efficiency–equity frontier: people covered against the smallest coverage ratio, by an
/// ε-constraint sweep (maximise coverage while every territory's ratio stays at or above ε).
public enum Frontier {
    public struct Point: Sendable, Hashable {
        /// The floor imposed on every territory's coverage ratio.
        public let epsilon: Double
        /// The smallest coverage ratio the plan actually reaches (≥ epsilon).
        public let minCoverageRatio: Double
        public let coverage: Double
        /// The default objective (value of coverage) of the same plan, for comparison.
        public let objective: Double
    }

    /// The ε values of a sweep and the plan that starts each of its solves.
    public struct Sweep: Sendable {
        public let model: AllocationModel
        public let epsilons: [Double]
        /// The max-min plan's values: feasible for every ε of the sweep, so it starts each solve.
        let topPlan: [Double]
    }

    /// `points` plans from ε = 0 to the largest reachable smallest ratio (found by a max-min solve).
    /// `start`, the run's own plan, starts the max-min solve; the max-min plan, feasible for every ε,
    /// starts the others (a plan worse than it is never returned).
    public static func sweep(scenario: Scenario, solver: any LinearSolver, options: SolverOptions, points: Int = 5,
                             start: [Double]? = nil) throws -> [Point] {
        guard let sweep = try prepare(scenario: scenario, solver: solver, options: options, points: points, start: start) else { return [] }
        return try ParallelSolves.map(sweep.epsilons.indices.map { $0 }) { index in
            try Frontier.point(sweep, index, scenario: scenario, solver: solver, options: options)
        }.compactMap { $0 }
    }

    /// The max-min solve that fixes the sweep's range; nil when it finds no plan.
    public static func prepare(scenario: Scenario, solver: any LinearSolver, options: SolverOptions, points: Int,
                               start: [Double]? = nil) throws -> Sweep? {
        let model = AllocationModel(scenario: scenario)
        let best = try StagedSolve.solve(model: model, scenario: scenario, stages: [.maxmin], solver: solver, options: options, start: start)
        guard let top = best.stageValues.first, best.result.hasSolution else { return nil }
        let count = max(points, 2)
        // Stay a hair under the top so the last point is not cut off by the MIP gap of the max-min solve.
        let epsilons = (0..<count).map { top * Double($0) / Double(count - 1) * (1 - 1e-6) }
        return Sweep(model: model, epsilons: epsilons, topPlan: Array(best.result.values.prefix(model.program.variables.count)))
    }

    /// Point `index` of the sweep: the most coverage with every territory's ratio at or above its ε.
    public static func point(_ sweep: Sweep, _ index: Int, scenario: Scenario, solver: any LinearSolver,
                             options: SolverOptions) throws -> Point? {
        let epsilon = sweep.epsilons[index]
        let outcome = try StagedSolve.solve(model: sweep.model, scenario: scenario, stages: [.coverage], solver: solver,
                                            options: options, minRatioFloor: epsilon, start: sweep.topPlan)
        guard outcome.result.hasSolution else { return nil }
        let plan = try PlanSplitter.plan(from: outcome.result.values, model: sweep.model, scenario: scenario)
        let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
        let ratios = evaluation.territories.filter { $0.need > 0 }.map(\.coverageRatio)
        return Point(epsilon: epsilon, minCoverageRatio: ratios.min() ?? 0, coverage: evaluation.coverage, objective: evaluation.objective)
    }
}
