/// How a solve ended. Outcomes are values: only a failure of the solver itself is an error.
public enum SolveStatus: String, Sendable, Equatable {
    /// Proven optimal, for a MIP within `SolverOptions.mipGap`.
    case optimal
    /// A limit was hit with a feasible solution in hand, not proven optimal (see `relativeGap`).
    case feasible
    case infeasible
    /// The objective can improve without limit (for a MIP: its LP relaxation is unbounded).
    case unbounded
    /// A limit was hit before any feasible solution was found.
    case noSolution
    /// Cancelled through the cancellation flag; a feasible solution may still be present.
    case interrupted
}

/// Solver settings. GLPK's own default MIP gap is 0 and it has no time limit: both are always set.
public struct SolverOptions: Sendable {
    /// Wall-clock limit for the whole solve, in seconds; `.infinity` for none.
    public var timeLimitSeconds: Double
    /// Relative gap at which branch-and-bound stops and calls the incumbent optimal.
    public var mipGap: Double
    public var presolve: Bool
    /// Gomory mixed-integer and mixed-integer-rounding cuts.
    public var cuts: Bool
    /// With `cuts`, Gomory's alone: the ranges' root proofs (`RangeProof`) need only them, and the rounding cuts took
    /// three times as long there (glpsol on the national model, 0.42 s against 0.12 s).
    public var gomoryCutsOnly = false
    /// A MIP start: a plan already known (one value per variable). When it is within `mipGap` of the
    /// relaxation's bound it is the answer, without branch-and-bound; otherwise the solve runs as
    /// usual and the better of its result and the start is returned. Re-solves of a slightly changed
    /// scenario start from the base plan this way. Ignored, never trusted, unless it satisfies every
    /// bound, row and integrality.
    public var start: [Double]?
    /// LPs scaled and solved by the dual simplex (GLPK: `GLP_SF_AUTO`, `GLP_DUALP` with the long-step ratio test)
    /// instead of the default primal simplex; the commune model's relaxation uses it.
    public var dualSimplex = false
    /// A pure LP solved by the interior-point method (GLPK: `glp_interior`), the simplex only when it does not end
    /// optimal (as `interiorFallback` says): for large sparse LPs (the commune model's relaxation: 7 s against 25 s at
    /// 10 km). Its solution is optimal to the method's tolerances (relative gap 10⁻⁸) but not a vertex, and it has
    /// duals but no basis.
    public var interiorPoint = false
    /// Branch-and-bound stops (status `feasible`, or `noSolution` without a plan) once its tree has this many nodes;
    /// nil for none. A time limit depends on the machine and its load; a node limit gives the same plan and bound on
    /// every machine, so analyses that must stop early use it to keep two identical runs identical.
    public var nodeLimit: Int?
    /// Branch-and-bound branches by pseudo-costs (GLPK: `GLP_BR_PCH`) instead of the solver's default rule. The
    /// closeness stages use it: with GLPK's default (Driebeck-Tomlin) the €170M closeness stage of
    /// `endow,coverage,closeness:webster:need` kept its bound one post short for 57 s, with pseudo-costs it is proven
    /// in under 2 s (docs/model.md, "The option totals"). Not the default: with it on every stage of that chain, the
    /// €170M coverage stage ended at its limit (30 s, a plan 672 people short of the one it proves without it).
    public var pseudoCostBranching = false
    /// When the start is not within the gap at the root, branch-and-bound takes it as its first incumbent (GLPK's MIP
    /// presolver off, since its reduced problem has other columns): it prunes against it and stops within the gap of
    /// it. False: branch-and-bound runs as without a start (presolver as asked), and the better plan is kept. The
    /// presolver matters for some models: the closeness stage on the replay scenario proves its optimum in 1.7 s with
    /// it and not in 17 s without it (docs/model.md, "MIP starts").
    public var startAsIncumbent = true
    /// A pure LP solved by the simplex starts from this basis (an earlier solve's `SolveResult.basis`, for the same
    /// rows and columns) without the presolver, and so does a MIP's relaxation when `presolve` is off; ignored with
    /// `interiorPoint`. A basis that does not fit the program is
    /// refused before the solve; one the solver finds singular is replaced by a cold start (`basisRejected`).
    public var basis: LPBasis?
    /// With `interiorPoint`: when the method stops short of optimal (numeric instability, no convergence), a simplex
    /// decides instead (true, the default), or the solve ends there with the method's best point as
    /// `SolveResult.interiorBestPoint` (false: the commune relaxation, whose simplex takes minutes, prices its
    /// Lagrangian bound with that point's duals instead).
    public var interiorFallback = true

    public init(
        timeLimitSeconds: Double = 60, mipGap: Double = 1e-4, presolve: Bool = true, cuts: Bool = true,
        start: [Double]? = nil
    ) {
        self.timeLimitSeconds = timeLimitSeconds
        self.mipGap = mipGap
        self.presolve = presolve
        self.cuts = cuts
        self.start = start
    }

    /// The same options with another start (nil for none).
    public func starting(from values: [Double]?) -> SolverOptions {
        var copy = self
        copy.start = values
        return copy
    }
}

/// What a solver found, with everything a report or a manifest needs to be honest about it.
public struct SolveResult: Sendable {
    public var status: SolveStatus
    /// Objective of the incumbent (MIP) or of the LP solution; nil without a solution.
    public var objective: Double?
    /// Best proven bound on the optimum (MIP only); equals `objective` when proven optimal.
    public var bestBound: Double?
    /// GLPK's convention: `|bestBound − objective| / (|objective| + DBL_EPSILON)`.
    public var relativeGap: Double?
    /// One value per variable, in `LinearProgram.variables` order; empty without a solution.
    public var values: [Double]
    /// One activity per constraint; empty without a solution.
    public var rowActivities: [Double]
    /// Row duals (shadow prices), only for pure LPs solved to optimality.
    public var duals: [Double]?
    /// Which limit stopped the search, e.g. "time limit", "mip gap", "cancelled".
    public var limitReached: String?
    /// Wall-clock duration of the solve.
    public var seconds: Double
    /// Branch-and-bound nodes created (MIP only).
    public var nodes: Int?
    /// The solver's captured terminal output.
    public var log: String
    /// Whether the answer is the options' MIP start: it was within the gap of the bound, or better
    /// than what branch-and-bound found.
    public var startUsed: Bool = false
    /// Where the simplex ended, for a pure LP solved to optimality by it (nil after the interior-point method).
    public var basis: LPBasis?
    /// `SolverOptions.basis` was given but the solver could not start from it (singular or ill-conditioned).
    public var basisRejected = false

    /// The interior-point method's best point when it stopped short and `SolverOptions.interiorFallback` is false:
    /// neither optimal nor exactly feasible, so never a solution (`status` is `noSolution`); its duals are near the
    /// optimal ones, a guide for prices.
    public struct InteriorBestPoint: Sendable {
        public let objective: Double
        public let values: [Double]
        public let duals: [Double]
        public init(objective: Double, values: [Double], duals: [Double]) {
            self.objective = objective
            self.values = values
            self.duals = duals
        }
    }

    public var interiorBestPoint: InteriorBestPoint?

    public init(
        status: SolveStatus, objective: Double? = nil, bestBound: Double? = nil, relativeGap: Double? = nil,
        values: [Double] = [], rowActivities: [Double] = [], duals: [Double]? = nil,
        limitReached: String? = nil, seconds: Double = 0, nodes: Int? = nil, log: String = ""
    ) {
        self.status = status
        self.objective = objective
        self.bestBound = bestBound
        self.relativeGap = relativeGap
        self.values = values
        self.rowActivities = rowActivities
        self.duals = duals
        self.limitReached = limitReached
        self.seconds = seconds
        self.nodes = nodes
        self.log = log
    }

    /// True when a solution (values, activities, objective) is present.
    public var hasSolution: Bool { objective != nil }

    /// GLPK's relative gap between an objective and a bound.
    public static func relativeGap(objective: Double, bound: Double) -> Double {
        abs(bound - objective) / (abs(objective) + Double.ulpOfOne)
    }
}
