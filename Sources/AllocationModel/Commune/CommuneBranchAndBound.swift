import Foundation
import LinearProgramming
import Scenario

/// A small commune model taken to a proof (docs/model.md, "Solving the commune model", step 5). GLPK's
/// branch-and-bound finds no plan on the national model, but a département's or a région's model is small: one
/// département of the real scenario (Creuse, 20 posts) left the heuristic's plan 1.2–11 % below its LP bound and the
/// run exiting 10, and glpsol proved that very plan optimal in 0.0–1.4 s. So, when the plan is not within the MIP gap
/// of its bound and the model has at most `maxIntegerColumns` posts variables, branch-and-bound runs on the integer
/// model in two passes (`Pass`), each stopped at `reach.branch_and_bound_nodes` nodes (a count, so the same answer on
/// every machine) or at the commune plan's time. What they give is kept only where it is better: a plan worth more, a
/// bound below the LP's.
public enum CommuneBranchAndBound {
    /// Posts variables above which branch-and-bound is not tried: the national model has 6,000 and more, whose root
    /// LP alone takes tens of seconds. Four départements of Bretagne have 310, Nouvelle-Aquitaine's twelve 736.
    static let maxIntegerColumns = 1_000

    /// The two searches, the second only when the first leaves the plan short of its gap. From the plan as the
    /// incumbent (no MIP presolver): it prunes every node that cannot beat the plan, which proves Creuse in 1–571 nodes
    /// and took Nouvelle-Aquitaine's twelve départements to a proven 424,606.7. Then as if there were no plan (the MIP
    /// presolver on, the plan kept if nothing beats it): the tree is then GLPK's own, which found La Réunion's optimum
    /// (63,922.0, HiGHS's) where the first pass, 2,000 nodes of a tree pruned by the plan, found nothing (a review).
    public enum Pass: CaseIterable, Sendable, CustomStringConvertible {
        case fromThePlan
        case fromNothing

        public var description: String {
            switch self {
            case .fromThePlan: return "the plan as incumbent"
            case .fromNothing: return "its own tree, presolved"
            }
        }
    }

    /// What branch-and-bound did over its passes: their nodes and seconds, what the plan and the bound were before it,
    /// whether it found a better plan, and whether a clock stopped it.
    public struct Summary: Sendable {
        public private(set) var nodes = 0
        public private(set) var seconds = 0.0
        public private(set) var passes = 0
        /// The bound after it (value units): the best of the LP's and the passes'.
        public private(set) var bound: Double
        public let boundBefore: Double
        public let valueBefore: Double
        /// A pass found a plan worth more, valued exactly (not a comparison of two valuations of one plan).
        public internal(set) var foundBetterPlan = false
        /// Its bound is the one published (tighter than the LP's or the Lagrangian's).
        public var tightenedBound: Bool { bound < boundBefore }
        /// The clock stopped a pass (the answer depends on the machine): nil when its nodes or its gap did.
        public private(set) var stoppedBy: String?

        init(valueBefore: Double, boundBefore: Double) {
            self.valueBefore = valueBefore
            self.boundBefore = boundBefore
            self.bound = boundBefore
        }

        mutating func add(_ search: Search, bound: Double) {
            nodes += search.nodes
            seconds += search.seconds
            passes += 1
            self.bound = bound
            if let stop = search.stoppedBy { stoppedBy = stop }
        }
    }

    /// One pass: the posts of a plan worth more than the one it started from (to be valued exactly by the caller),
    /// the bound it leaves (value units), its nodes and seconds, and the clock that stopped it, if one did.
    struct Search {
        let posts: [Int]?
        let bound: Double
        let nodes: Int
        let seconds: Double
        let stoppedBy: String?
    }

    /// Whether branch-and-bound is tried on `model` with a plan `gap` below its bound.
    static func applies(to model: CommuneModel, scenario: Scenario, gap: Double, mipGap: Double) -> Bool {
        gap > mipGap && !model.decisions.isEmpty && model.decisions.count <= maxIntegerColumns
            && nodeLimit(scenario) > 0
    }

    /// `reach.branch_and_bound_nodes` (2,000 by default: Bretagne's 310 posts variables take about 3–4 ms a node,
    /// Nouvelle-Aquitaine's 736 about 12 ms).
    static func nodeLimit(_ scenario: Scenario) -> Int {
        scenario.communes?.branchAndBoundNodes ?? CommuneInputs.defaultBranchAndBoundNodes
    }

    /// `model`'s integer program: its columns and rows, the posts integer (built once for both passes).
    static func integerProgram(of model: CommuneModel) -> LinearProgram {
        model.program.makingInteger(model.decisions.map(\.variable.index))
    }

    /// A pass of branch-and-bound on `program` (`integerProgram(of: model)`) from `values` (the plan's posts and
    /// flows, every rule kept, worth `value`); `bound` is the bound so far, which the pass's own may only lower.
    static func search(
        _ program: LinearProgram, of model: CommuneModel, pass: Pass, values: [Double], value: Double, bound: Double,
        scenario: Scenario, solver: any LinearSolver, options: SolverOptions, deadline: Date
    ) throws -> Search {
        var mipOptions = options
        mipOptions.start = values
        mipOptions.startAsIncumbent = pass == .fromThePlan
        mipOptions.presolve = pass == .fromNothing && options.presolve
        mipOptions.cuts = true
        mipOptions.interiorPoint = false
        mipOptions.dualSimplex = true
        // GLPK counts the nodes of its tree, and stops once there are more than the limit: at most the limit here.
        mipOptions.nodeLimit = max(1, nodeLimit(scenario) - 1)
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
        return Search(
            posts: posts, bound: proved, nodes: result.nodes ?? 0, seconds: result.seconds, stoppedBy: stoppedBy)
    }
}
