import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// The efficiency–equity frontier: the value of coverage against the smallest coverage ratio, by an ε-constraint sweep
/// (maximise the run's own objective while every territory's ratio stays at or above ε). The value, not the people
/// accompanied: a post accompanies as many people wherever it goes, so people barely depend on geography and a frontier
/// in people showed equity as nearly free (a review); the value counts where the people are, need-weighted and concave,
/// so it measures what a floor on the least covered costs the plan's own aim.
public enum Frontier {
    public struct Point: Sendable, Hashable {
        /// The floor imposed on every territory's coverage ratio.
        public let epsilon: Double
        /// The smallest coverage ratio the plan actually reaches (≥ epsilon).
        public let minCoverageRatio: Double
        /// People accompanied by the plan (over the horizon), for comparison.
        public let coverage: Double
        /// The value of coverage of the plan: what the point maximises.
        public let objective: Double
        /// The point's own solve: its status (`optimal` within the gap, `feasible` when a limit stopped it) and gap.
        public var status: String = "optimal"
        public var relativeGap: Double?
        /// Territories at the smallest coverage ratio whose posts are at the most their hosts or cap allow: what pins
        /// the max-min (filled on the top point).
        public var pinnedBy: [String] = []
        /// Whether `pinnedBy` was looked for (the top point's own solve): an empty list then says nothing pins it.
        public var pinsChecked = false

        public init(
            epsilon: Double, minCoverageRatio: Double, coverage: Double, objective: Double,
            status: String = "optimal", relativeGap: Double? = nil, pinnedBy: [String] = []
        ) {
            self.epsilon = epsilon
            self.minCoverageRatio = minCoverageRatio
            self.coverage = coverage
            self.objective = objective
            self.status = status
            self.relativeGap = relativeGap
            self.pinnedBy = pinnedBy
        }
    }

    /// Each frontier solve gets this share of the run's time limit (5 s of the default 60 s); a point that stops there
    /// says so (status, gap) and the report does not call its change "within tolerance". A share, not a fixed cap: a
    /// run given more time lets its points finish, as the report's "Not deterministic" note promises.
    public static let shareOfRunLimit = 1.0 / 12
    /// The relative gap each frontier solve stops at, at least (the run's, if larger). 10⁻⁴, the default run's: a
    /// looser gap makes every point accept the top point's plan, and the frontier says nothing finer than that gap.
    public static let frontierGap = 1e-4
    /// Branch-and-bound nodes in a point's first slice (each later slice doubles it); about 0.25 s on the default
    /// scenario on the reference machine (BENCHMARKS.md).
    static let firstSliceNodes = 500
    /// At most 500 × (2⁶ − 1) = 31,500 nodes a point, within its time limit.
    static let maximumSlices = 6

    /// `points` plans from ε = 0 to the largest reachable smallest ratio z* (found by a max-min solve).
    /// The max-min solve starts from the primal heuristic's plan under coverage floors at the relaxation's z (when it
    /// repairs them, that plan is within the gap of the relaxation and proven at the root), else from `start`, the
    /// run's own plan. The top point (ε ≈ z*) is solved first: its plan is feasible for every lower ε, so it starts
    /// the others, which then never report less value than it. Every point also gets the heuristic's plan under its
    /// own floor (`StagedSolve`'s `heuristicStarts`). `width` is how many of the remaining points are solved at once.
    public static func sweep(
        scenario: Scenario, solver: any LinearSolver, options: SolverOptions, points: Int = 5,
        start: [Double]? = nil, width: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> [Point] {
        let model = AllocationModel(scenario: scenario)
        var options = options
        options.timeLimitSeconds *= shareOfRunLimit
        options.mipGap = max(options.mipGap, frontierGap)
        let maxminStart =
            maxminHeuristicStart(model: model, scenario: scenario, solver: solver, options: options) ?? start
        let best = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.maxmin], solver: solver, options: options,
            start: maxminStart)
        guard let top = best.stageValues.first, best.result.hasSolution else { return [] }
        let count = max(points, 2)
        // Stay a hair under z* so the top point is not cut off by the MIP gap of the max-min solve.
        let epsilons = (0..<count).map { top * Double($0) / Double(count - 1) * (1 - 1e-6) }
        let maxminPlan = Array(best.result.values.prefix(model.program.variables.count))
        let topSolve = try solve(
            model: model, epsilon: epsilons[count - 1], scenario: scenario, solver: solver, options: options,
            start: maxminPlan, namingPins: true)
        // Without a top plan (a time limit, say), the max-min plan is still feasible for every ε.
        let startPlan = topSolve?.values ?? maxminPlan
        let frozen = options
        let others = try ParallelSolves.map(Array(epsilons.dropLast()), width: max(1, width)) { epsilon -> Solved? in
            try Frontier.solve(
                model: model, epsilon: epsilon, scenario: scenario, solver: solver, options: frozen, start: startPlan)
        }
        return monotone((others + [topSolve]).compactMap { $0 }, mipGap: options.mipGap)
    }

    /// A solved point: its plan's values and the best bound its solves proved (nil when none did).
    typealias Solved = (point: Point, values: [Double], bound: Double?)

    /// An upper bound on the highest floor, for a variant of the scenario (`Robustness`, the capacity variants): the
    /// max-min relaxation's optimum z_LP. No plan gives every territory a larger ratio. A bound, not a max-min solve:
    /// with every capacity doubled the max-min solve took its whole 5 s, and even at 200 nodes the default run rose
    /// from 7.4 s to 11.2 s. Nil when the relaxation is not solved.
    public static func highestFloorBound(
        model: AllocationModel, scenario: Scenario, solver: any LinearSolver, options: SolverOptions
    ) -> Double? {
        guard
            let program = try? StagedSolve.program(
                ofStage: 1, model: model, scenario: scenario, stages: [.maxmin], solver: solver, options: options),
            let relaxed = try? solver.solve(program.relaxation(), options: options.starting(from: nil)),
            relaxed.status == .optimal, let scaled = relaxed.objective
        else { return nil }
        return scaled / StagedSolve.objectiveScale(.maxmin, scenario: scenario)
    }

    /// A plan found at a higher floor keeps every lower floor, so a point whose own plan is worth less than a higher
    /// point's (both within the gap) takes that plan, measured against its own bound: the value never rises with ε, and
    /// the point's gap only narrows. Bounds are in the plan's units (`PlanEvaluation.objective`).
    static func monotone(_ solved: [Solved], mipGap: Double) -> [Point] {
        var result: [Point] = []
        var best: Point?
        for (point, _, bound) in solved.sorted(by: { $0.point.epsilon > $1.point.epsilon }) {
            guard let higher = best, higher.objective > point.objective + 1e-6 else {
                result.append(point)
                best = best.map { $0.objective >= point.objective ? $0 : point } ?? point
                continue
            }
            let gap = bound.map { SolveResult.relativeGap(objective: higher.objective, bound: $0) } ?? point.relativeGap
            let proven = point.status == SolveStatus.optimal.rawValue || (gap.map { $0 <= mipGap } ?? false)
            var taken = Point(
                epsilon: point.epsilon, minCoverageRatio: higher.minCoverageRatio, coverage: higher.coverage,
                objective: higher.objective, status: proven ? SolveStatus.optimal.rawValue : point.status,
                relativeGap: gap, pinnedBy: point.pinnedBy)
            taken.pinsChecked = point.pinsChecked
            result.append(taken)
        }
        return result.reversed()
    }

    /// A start for the max-min solve (`MaxminStart`): the primal heuristic's plan under coverage floors at the max-min
    /// relaxation's optimum z_LP on every territory, or the cheapest plan at the largest floor below it that has one.
    /// Nil when the relaxation is not solved or no floor has a plan.
    static func maxminHeuristicStart(
        model: AllocationModel, scenario: Scenario, solver: any LinearSolver,
        options: SolverOptions
    ) -> [Double]? {
        guard
            let program = try? StagedSolve.program(
                ofStage: 1, model: model, scenario: scenario, stages: [.maxmin],
                solver: solver, options: options)
        else { return nil }
        let seconds = options.timeLimitSeconds.isFinite ? min(2, options.timeLimitSeconds / 4) : 2
        return MaxminStart.plan(
            model: model, scenario: scenario, maxminProgram: program, lowest: 0, solver: solver,
            options: options, seconds: seconds)
    }

    /// The most value of coverage with every territory's ratio at or above ε: the point, its plan's values and the best
    /// bound proven, in the plan's units (the solver's value × `objectiveScale`).
    static func solve(
        model: AllocationModel, epsilon: Double, scenario: Scenario, solver: any LinearSolver,
        options: SolverOptions, start: [Double], namingPins: Bool = false
    ) throws -> Solved? {
        // A point may not close within one search (when it maximised people, a bound a fraction of a post over the
        // integer optimum did not move in 60 s and 22,000 nodes on the default scenario). So the point is solved in
        // slices (500 branch-and-bound nodes, then twice as many each time), each started from the best plan so far,
        // and stops as soon as that plan is within the gap of the smallest bound proven. A slice that moves neither
        // the plan nor the bound ends the point early, reported as stopped by a limit (`feasible`) with its gap.
        // Slices are counted in nodes, not seconds, so that two identical runs stop at the same node and publish the
        // same bound and gap on any machine; the point's time limit stays as the outer cap. (The split by territories,
        // `StagedSolve.byTerritories`, is left out: within a point's 5 s it made a debug build's run depend on timing.)
        var remaining = options.timeLimitSeconds
        var nodes = firstSliceNodes
        var current = start
        var heuristic = true
        var best: (result: SolveResult, value: Double)?
        var bound = Double.infinity
        for _ in 0..<maximumSlices where remaining > 1e-3 {
            var sliced = options
            sliced.timeLimitSeconds = remaining
            sliced.nodeLimit = nodes
            let began = Date()
            let outcome = try StagedSolve.solve(
                model: model, scenario: scenario, stages: [.value], solver: solver,
                options: sliced, minRatioFloor: epsilon, start: current, heuristicStarts: heuristic,
                byTerritories: false)
            remaining -= Date().timeIntervalSince(began)
            heuristic = false
            var moved = best == nil
            if let record = outcome.records.last, let value = record.value, outcome.result.hasSolution {
                if let recordBound = record.bound, !bound.isFinite || recordBound < bound - 1e-9 * max(1, abs(bound)) {
                    moved = moved || bound.isFinite
                    bound = recordBound
                }
                if best == nil || value > best!.value + 1e-9 * max(1, abs(value)) {
                    moved = true
                    best = (outcome.result, value)
                }
            }
            guard let found = best, moved else { break }
            if found.result.status == .optimal
                || (bound.isFinite && SolveResult.relativeGap(objective: found.value, bound: bound) <= options.mipGap)
            {
                break
            }
            current = Array(found.result.values.prefix(model.program.variables.count))
            nodes *= 2
        }
        guard let found = best else { return nil }
        let values = Array(found.result.values.prefix(model.program.variables.count))
        // The point's status is what its solves proved: within the gap of the smallest bound, optimal; otherwise the
        // limit stopped it.
        let gap =
            bound.isFinite ? SolveResult.relativeGap(objective: found.value, bound: bound) : found.result.relativeGap
        let proven = found.result.status == .optimal || (gap.map { $0 <= options.mipGap } ?? false)
        let status = proven ? SolveStatus.optimal.rawValue : found.result.status.rawValue
        let plan = try PlanSplitter.plan(from: values, model: model, scenario: scenario)
        let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
        let ratios = evaluation.territories.filter { $0.need > 0 }.map(\.coverageRatio)
        let smallest = ratios.min() ?? 0
        var pins: [String] = []
        if namingPins {
            // At the smallest ratio, a territory already holding all the posts its hosts (or its cap) allow is what
            // stops the floor from rising.
            pins = scenario.territories.compactMap { territory in
                guard let figures = evaluation.territory(territory.code), figures.need > 0,
                    figures.coverageRatio <= smallest + 1e-9
                else { return nil }
                let most = min(
                    scenario.index.capacity(ofTerritory: territory.code), scenario.postRange(of: territory).max)
                return figures.posts >= most ? territory.code : nil
            }
        }
        var point = Point(
            epsilon: epsilon, minCoverageRatio: smallest, coverage: evaluation.coverage,
            objective: evaluation.objective,
            status: status, relativeGap: gap, pinnedBy: pins)
        point.pinsChecked = namingPins
        return (point, values, bound.isFinite ? bound * model.objectiveScale : nil)
    }
}
