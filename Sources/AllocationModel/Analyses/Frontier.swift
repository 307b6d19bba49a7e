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

    /// `points` plans from ε = 0 to the largest reachable smallest ratio (found by a max-min solve).
    public static func sweep(scenario: Scenario, solver: any LinearSolver, options: SolverOptions, points: Int = 5) throws -> [Point] {
        let model = AllocationModel(scenario: scenario)
        let best = try StagedSolve.solve(model: model, scenario: scenario, stages: [.maxmin], solver: solver, options: options)
        guard let top = best.stageValues.first else { return [] }
        // Stay a hair under the top so the last point is not cut off by the MIP gap of the max-min solve.
        let epsilons = (0..<max(points, 2)).map { top * Double($0) / Double(max(points, 2) - 1) * (1 - 1e-6) }
        let solved = try ParallelSolves.map(epsilons) { epsilon -> Point? in
            let outcome = try StagedSolve.solve(model: model, scenario: scenario, stages: [.coverage], solver: solver,
                                                options: options, minRatioFloor: epsilon)
            guard outcome.result.hasSolution else { return nil }
            let plan = try PlanSplitter.plan(from: outcome.result.values, model: model, scenario: scenario)
            let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
            let ratios = evaluation.territories.filter { $0.need > 0 }.map(\.coverageRatio)
            return Point(epsilon: epsilon, minCoverageRatio: ratios.min() ?? 0, coverage: evaluation.coverage, objective: evaluation.objective)
        }
        return solved.compactMap { $0 }
    }
}
