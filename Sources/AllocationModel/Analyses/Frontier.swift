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
        /// The point's own solve: its status (`optimal` within the gap, `feasible` when a limit stopped it) and gap.
        public var status: String = "optimal"
        public var relativeGap: Double?
        /// Territories at the smallest coverage ratio whose posts are at the most their hosts or cap allow: what pins
        /// the max-min (filled on the top point).
        public var pinnedBy: [String] = []

        public init(epsilon: Double, minCoverageRatio: Double, coverage: Double, objective: Double,
                    status: String = "optimal", relativeGap: Double? = nil, pinnedBy: [String] = []) {
            self.epsilon = epsilon
            self.minCoverageRatio = minCoverageRatio
            self.coverage = coverage
            self.objective = objective
            self.status = status
            self.relativeGap = relativeGap
            self.pinnedBy = pinnedBy
        }
    }

    /// Each frontier solve's limit: a twelfth of the run's, at most 5 s; a point that stops there says so (status, gap)
    /// and the report does not call its change "within tolerance".
    public static let secondsPerSolve = 5.0
    /// The relative gap each frontier solve stops at, at least (the run's, if larger). 10⁻⁴, the default run's: a looser
    /// gap makes every point accept the top point's plan, and the frontier says nothing finer than that gap.
    public static let frontierGap = 1e-4

    /// `points` plans from ε = 0 to the largest reachable smallest ratio z* (found by a max-min solve).
    /// The top point (ε ≈ z*) is solved first: its plan is feasible for every lower ε, so it starts
    /// the others, which then never report less coverage than it and, when the frontier is flat, are
    /// answered at the root. `start`, the run's own plan, starts the max-min solve. `width` is how
    /// many of the remaining points are solved at once.
    public static func sweep(scenario: Scenario, solver: any LinearSolver, options: SolverOptions, points: Int = 5,
                             start: [Double]? = nil, width: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [Point] {
        let model = AllocationModel(scenario: scenario)
        var options = options
        options.timeLimitSeconds = min(options.timeLimitSeconds / 12, secondsPerSolve)
        options.mipGap = max(options.mipGap, frontierGap)
        let best = try StagedSolve.solve(model: model, scenario: scenario, stages: [.maxmin], solver: solver, options: options, start: start)
        guard let top = best.stageValues.first, best.result.hasSolution else { return [] }
        let count = max(points, 2)
        // Stay a hair under z* so the top point is not cut off by the MIP gap of the max-min solve.
        let epsilons = (0..<count).map { top * Double($0) / Double(count - 1) * (1 - 1e-6) }
        let maxminPlan = Array(best.result.values.prefix(model.program.variables.count))
        let topSolve = try solve(model: model, epsilon: epsilons[count - 1], scenario: scenario, solver: solver, options: options,
                             start: maxminPlan, namingPins: true)
        // Without a top plan (a time limit, say), the max-min plan is still feasible for every ε.
        let startPlan = topSolve?.values ?? maxminPlan
        let frozen = options
        let others = try ParallelSolves.map(Array(epsilons.dropLast()), width: max(1, width)) { epsilon -> Point? in
            try Frontier.solve(model: model, epsilon: epsilon, scenario: scenario, solver: solver, options: frozen, start: startPlan)?.point
        }
        return (others + [topSolve?.point]).compactMap { $0 }
    }

    /// The most coverage with every territory's ratio at or above ε: the point and its plan's values.
    static func solve(model: AllocationModel, epsilon: Double, scenario: Scenario, solver: any LinearSolver,
                      options: SolverOptions, start: [Double], namingPins: Bool = false) throws -> (point: Point, values: [Double])? {
        let outcome = try StagedSolve.solve(model: model, scenario: scenario, stages: [.coverage], solver: solver,
                                            options: options, minRatioFloor: epsilon, start: start)
        guard outcome.result.hasSolution else { return nil }
        let plan = try PlanSplitter.plan(from: outcome.result.values, model: model, scenario: scenario)
        let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
        let ratios = evaluation.territories.filter { $0.need > 0 }.map(\.coverageRatio)
        let smallest = ratios.min() ?? 0
        var pins: [String] = []
        if namingPins {
            // At the smallest ratio, a territory already holding all the posts its hosts (or its cap) allow is what
            // stops the floor from rising.
            let capacity = Dictionary(grouping: scenario.structures, by: \.territory).mapValues { $0.reduce(0) { $0 + $1.capacity } }
            pins = scenario.territories.compactMap { territory in
                guard let figures = evaluation.territory(territory.code), figures.need > 0,
                      figures.coverageRatio <= smallest + 1e-9 else { return nil }
                let most = min(capacity[territory.code] ?? 0, scenario.postRange(of: territory).max)
                return figures.posts >= most ? territory.code : nil
            }
        }
        let gap = outcome.records.last?.relativeGap ?? outcome.result.relativeGap
        let point = Point(epsilon: epsilon, minCoverageRatio: smallest, coverage: evaluation.coverage, objective: evaluation.objective,
                          status: outcome.result.status.rawValue, relativeGap: gap, pinnedBy: pins)
        return (point, Array(outcome.result.values.prefix(model.program.variables.count)))
    }
}
