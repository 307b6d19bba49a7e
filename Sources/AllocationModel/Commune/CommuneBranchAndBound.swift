import Foundation
import LinearProgramming
import Scenario

/// A small commune model taken to a proof (docs/model.md, "Solving the commune model", step 5). GLPK's
/// branch-and-bound finds no plan on the national model, but a département's or a région's model is small: one
/// département of the real scenario (Creuse, 20 posts) left the heuristic's plan 1.2–11 % below its LP bound and the
/// run exiting 10, and glpsol proved that very plan optimal in 0.0–1.4 s. So, when the plan is not within the MIP gap
/// of its bound and the model has at most `maxIntegerColumns` posts variables, branch-and-bound runs on the integer
/// model, started from the plan (its incumbent from the first node), stopped at `reach.branch_and_bound_nodes` nodes (a
/// count, so the same answer on every machine) or at the commune plan's time. What it gives is kept only where it is
/// better: a plan worth more, a bound below the LP's.
public enum CommuneBranchAndBound {
    /// Posts variables above which branch-and-bound is not tried: the national model has 6,000 and more, whose root
    /// LP alone takes tens of seconds. Four départements of Bretagne have 310, Nouvelle-Aquitaine's twelve 736.
    static let maxIntegerColumns = 1_000

    /// What branch-and-bound did: its nodes and seconds, whether it proved the plan within the gap, and what the plan
    /// and the bound were before it.
    public struct Summary: Sendable {
        public let nodes: Int
        public let seconds: Double
        /// The bound after it (value units): the better of the LP's and branch-and-bound's.
        public let bound: Double
        public let boundBefore: Double
        public let valueBefore: Double
        /// Its bound is the one published (tighter than the LP's or the Lagrangian's).
        public var tightenedBound: Bool { bound < boundBefore }
        /// The clock stopped it (the answer depends on the machine): nil when its nodes or its gap did.
        public let stoppedBy: String?
    }

    /// Whether branch-and-bound is tried on `model` with a plan `gap` below its bound.
    static func applies(to model: CommuneModel, scenario: Scenario, gap: Double, mipGap: Double) -> Bool {
        gap > mipGap && !model.decisions.isEmpty && model.decisions.count <= maxIntegerColumns
            && nodeLimit(scenario) > 0
    }

    /// `reach.branch_and_bound_nodes` (2,000 by default: Bretagne's 310 posts variables take about 7 ms a node,
    /// Nouvelle-Aquitaine's 736 about 14 ms).
    static func nodeLimit(_ scenario: Scenario) -> Int {
        scenario.communes?.branchAndBoundNodes ?? CommuneInputs.defaultBranchAndBoundNodes
    }

    /// Branch-and-bound on `model`'s integer program from `values` (the plan's posts and flows, every rule kept).
    /// Returns the posts of a plan worth more than `value` when it finds one (to be valued exactly by the caller), and
    /// the bound it proved, in value units (`bound` when it proves none tighter).
    static func search(
        _ model: CommuneModel, values: [Double], value: Double, bound: Double, scenario: Scenario,
        solver: any LinearSolver, options: SolverOptions, deadline: Date
    ) throws -> (posts: [Int]?, summary: Summary) {
        let program = model.program.makingInteger(model.decisions.map(\.variable.index))
        var mipOptions = options
        mipOptions.start = values
        mipOptions.startAsIncumbent = true
        mipOptions.presolve = false
        mipOptions.cuts = true
        mipOptions.interiorPoint = false
        mipOptions.dualSimplex = true
        mipOptions.nodeLimit = nodeLimit(scenario)
        // Half the gap: the bound in value units carries a margin (the tie-break and the solver's tolerance).
        mipOptions.mipGap = options.mipGap / 2
        mipOptions.timeLimitSeconds = max(deadline.timeIntervalSinceNow, 0.01)
        let result = try solver.solve(program, options: mipOptions)
        var proved = bound
        if let objective = result.bestBound, result.hasSolution {
            proved = min(
                bound, max(value, CommuneSolve.valueBound(ofObjective: objective, model: model, scenario: scenario)))
        }
        var posts: [Int]?
        if result.hasSolution, model.value(of: result.values) > value * (1 + 1e-9) {
            posts = model.decisions.map { Int(result.values[$0.variable.index].rounded()) }
        }
        let stoppedBy = result.limitReached.flatMap { $0.contains("time") || $0.contains("cancel") ? $0 : nil }
        return (
            posts,
            Summary(
                nodes: result.nodes ?? 0, seconds: result.seconds, bound: proved, boundBefore: bound,
                valueBefore: value, stoppedBy: stoppedBy)
        )
    }
}
