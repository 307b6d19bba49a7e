import Foundation
import LinearProgramming
import Scenario

/// The commune model solved with an LP only, and an honest gap (docs/model.md, "Solving the commune model"):
/// GLPK's branch-and-bound finds no plan at this scale, so the LP relaxation gives the bound, its posts are
/// rounded and repaired into a plan that obeys every rule, and the plan is valued exactly by the flow LP with
/// its posts fixed. The status is `optimal` only when that value is within the MIP gap of the bound.
public enum CommuneSolve {
    /// (bound − value) / bound, at least 0; 0 when the bound is below 0.001 (a thousandth of one person's value of
    /// coverage: nothing to cover). A commune layer whose need is 0 has value 0 and an LP bound of 4e-6 (the posts'
    /// tie-break terms), and a review found it reported 100 % from its bound and exiting 10 every night.
    public static func relativeGap(value: Double, bound: Double) -> Double {
        guard bound >= 1e-3 else { return 0 }
        return max(0, bound - value) / bound
    }

    public struct Outcome: Sendable {
        public let model: CommuneModel
        /// Posts of each decision of `model`.
        public internal(set) var posts: [Int]
        /// The plan's value of coverage, from the fixed-plan flow LP.
        public internal(set) var value: Double
        /// The LP relaxation's bound on the value of any plan.
        public internal(set) var bound: Double
        public var gap: Double { CommuneSolve.relativeGap(value: value, bound: bound) }
        /// People covered in each group by the plan (fixed-plan flows, not the relaxation's).
        public internal(set) var groupCoverage: [Double]
        public internal(set) var proven: Bool
        public let lpSeconds: Double
        public internal(set) var evaluationSeconds: Double
        public internal(set) var improvementSeconds: Double
        /// The run's clock (the commune plan's share of its budget) stopped the local improvement with moves left to
        /// value: the plan depends on how many moves the machine valued in that time. (The improvement's own
        /// allowance is counted in work, the same on every machine.)
        public var improvementCutByTime = false
        /// Other steps of the commune solve a clock stopped (the Lagrangian bound's search, the posts part's basis for
        /// `warm_start_basis.csv`, the cold re-solve of a warm answer beyond its target): each makes the outputs depend
        /// on the machine's speed, and the run says so.
        public var clockStops: [String] = []
        /// The `endow_reach` stage, when `reach.stages` asks for it: the value above is then the value stage's, with
        /// a post within reach of every group the stage covered (and the bound is the LP's under the same rows).
        public let endowment: CommuneEndowment.Outcome?
        /// How `bound` was proven: by the LP relaxation, or by the Lagrangian bound (`CommuneLagrangian`).
        public var boundMethod: CommuneInputs.Bound = .relaxation
        /// Why the relaxation did not finish, when the Lagrangian bound stood in for it.
        public var relaxationUnfinished: String?
        /// The interior point stopped short and its best point's duals priced the Lagrangian bound (its posts started
        /// the rounding).
        public var pricedByBestPoint = false
        /// The previous run this one was asked to start from (`--warm-start`); what it gave: `warmBound`, `warmPlan`.
        public var warmStart: CommuneWarmStart?
        /// The warm start's prices gave the bound (otherwise the relaxation was solved: no prices, or their bound did
        /// not finish), and its plan started the rounding (otherwise the bound's own posts did: the plan could not be
        /// repaired into this scenario's rules).
        public var warmBound = false
        public var warmPlan = false
        /// The warm answer was farther from its bound than `reach.warm_max_gap`, and the plan was solved again
        /// without the start: what became of it.
        public var warmFallback: WarmFallback?
        /// The bound's price of one more person served at each unit of `model.reach.units`, in value units (the
        /// relaxation's duals, or the Lagrangian's prices): `sites.csv` publishes them, a warm start reads them.
        public var unitPrices: [Double] = []
        /// The Lagrangian posts part's basis at the bound's prices, for `warm_start_basis.csv` (nil when it did not
        /// end optimal in time).
        public var postsBasis: CommuneLagrangian.PostsBasis?
        /// The warm start's basis started the posts part's first LP.
        public var warmBasis = false
        /// Branch-and-bound from the plan on a small model (`CommuneBranchAndBound`); nil when it was not tried.
        public var branchAndBound: CommuneBranchAndBound.Summary?
        /// Wall time of the whole commune solve: endowment cover, bound, rounding, evaluation, improvement.
        public var seconds = 0.0
        public var status: String { proven ? "optimal" : "feasible" }
        /// What the report calls the bound published, and the manifest's and summary's key for it.
        public var boundName: String {
            CommuneSolve.boundName(method: boundMethod, branchAndBound: branchAndBound)
        }
        public var boundKey: String { CommuneSolve.boundKey(method: boundMethod, branchAndBound: branchAndBound) }
    }

    /// "LP bound", "Lagrangian bound", or "branch-and-bound bound" when branch-and-bound proved a tighter one.
    public static func boundName(
        method: CommuneInputs.Bound, branchAndBound: CommuneBranchAndBound.Summary?
    ) -> String {
        if branchAndBound?.tightenedBound == true { return "branch-and-bound bound" }
        return method == .relaxation ? "LP bound" : "Lagrangian bound"
    }

    /// `lp`, `lagrangian` or `branch_and_bound`: the same, as a key.
    public static func boundKey(
        method: CommuneInputs.Bound, branchAndBound: CommuneBranchAndBound.Summary?
    ) -> String {
        if branchAndBound?.tightenedBound == true { return "branch_and_bound" }
        return method == .relaxation ? "lp" : "lagrangian"
    }

    /// A warm answer beyond `reach.warm_max_gap`, solved again without the start (docs/model.md, "A variant from a
    /// solved run"): the plan published is the one worth more; a warm plan with the tighter of the two bounds (both
    /// bound every plan of this scenario), a cold plan with its own.
    public struct WarmFallback: Sendable {
        /// The warm answer's gap against its own bound, and the most the scenario accepts.
        public let warmGap: Double
        public let target: Double
        /// Why the cold solve gave no answer (the warm one then stands); nil when it did.
        public let coldFailure: String?
        /// The warm answer was kept: the cold one failed, or the warm one dominated it.
        public let keptWarm: Bool
        /// The warm plan is published with the cold solve's bound: it is worth more, the cold bound is tighter.
        public var warmPlanWithColdBound = false
    }

    public enum Failure: Error, CustomStringConvertible, Sendable {
        /// The LP relaxation did not finish (time budget, or GLPK's status): no bound, no plan.
        case relaxationUnfinished(String)
        /// The rounded plan could not meet a floor (the LP's fractional posts did not leave room).
        case roundingFailed(String)
        /// The fixed-plan LP did not finish.
        case evaluationFailed(String)
        /// The plan and its flows break a rule of the integer model: a bug, never published.
        case planRefused(String)

        public var description: String {
            switch self {
            case let .relaxationUnfinished(why):
                return
                    "the commune model's LP relaxation did not finish (\(why)): no bound and no plan; give the run more time (--time-limit) or a smaller reach"
            case let .roundingFailed(why): return "the rounded commune plan breaks a rule: \(why)"
            case let .evaluationFailed(why): return "the commune plan could not be valued: \(why)"
            case let .planRefused(why): return "the commune plan breaks a rule of the model: \(why)"
            }
        }
    }

    public static func solve(
        _ scenario: Scenario, candidates: Bool, solver: any LinearSolver, options: SolverOptions,
        warmStart previous: PreviousCommunePlan? = nil, log: (String) -> Void = { _ in }
    ) throws -> Outcome {
        let started = Date()
        let first = try solveOnce(
            scenario, candidates: candidates, solver: solver, options: options, warmStart: previous, log: log)
        let target = scenario.communes?.warmMaxGap ?? CommuneInputs.defaultWarmMaxGap
        // Only a warm bound makes the answer a warm one: when the start gave no bound, the relaxation was solved.
        guard first.warmBound, first.gap > target else { return first }
        var coldOptions = options
        var failure: String?
        if options.timeLimitSeconds.isFinite {
            coldOptions.timeLimitSeconds = options.timeLimitSeconds - Date().timeIntervalSince(started)
            if coldOptions.timeLimitSeconds < minimumColdSeconds { failure = "no time left in the run's budget" }
        }
        var cold: Outcome?
        if failure == nil {
            log(
                "warm start: gap \(first.gap.logged(decimals: 6)) beyond reach.warm_max_gap \(target): the commune plan solved again without the start"
            )
            do {
                cold = try solveOnce(
                    scenario, candidates: candidates, solver: solver, options: coldOptions, warmStart: nil, log: log)
            } catch {
                // Whatever stopped it, the warm answer is a valid plan with a proven bound: it stands.
                failure = (error as? Failure)?.description ?? "\(error)"
            }
        }
        let answer = published(warm: first, cold: cold, mipGap: options.mipGap)
        var chosen = answer.outcome
        if answer.warmPlanWithColdBound, let cold {
            log(
                "warm start: the warm plan (\(first.value.logged(decimals: 1))) is worth more than the cold one (\(cold.value.logged(decimals: 1))): published with the cold bound \(cold.bound.logged(decimals: 1))"
            )
        }
        chosen.warmStart = first.warmStart
        // Both answers decided which is published: a clock that stopped either makes the choice depend on the machine.
        chosen.clockStops = first.clockStops + (cold?.clockStops ?? [])
        chosen.improvementCutByTime = first.improvementCutByTime || (cold?.improvementCutByTime ?? false)
        if let failure, failure.contains("no time left") || failure.contains("time limit") || failure.contains("cancel")
        {
            chosen.clockStops.append("the warm answer's cold re-solve: \(failure)")
        }
        chosen.warmFallback = WarmFallback(
            warmGap: first.gap, target: target, coldFailure: failure, keptWarm: answer.keptWarm)
        chosen.warmFallback?.warmPlanWithColdBound = answer.warmPlanWithColdBound
        chosen.seconds = Date().timeIntervalSince(started)
        if let failure { log("warm start: the solve without it gave no answer (\(failure)): the warm answer stands") }
        return chosen
    }

    /// What a warm answer beyond its target and the cold re-solve publish: the plan worth more; a warm plan with the
    /// tighter bound, a cold plan with its own (the relaxation's, or the Lagrangian's at the interior point's prices:
    /// a warm Lagrangian bound is never below the relaxation's, so it is seldom the tighter). Both bounds hold for
    /// every plan of the scenario when both solves held the same endowment cover (the same scenario gives the same
    /// cover), so the warm plan may be published with the cold bound; a review found a warm plan worth more
    /// (4,080,042.1 against 4,079,523.9) thrown away because its own bound was the looser. Returns the answer, whether
    /// it is the warm one whole (`keptWarm`), and whether it is the warm plan with the cold bound.
    public static func published(
        warm: Outcome, cold: Outcome?, mipGap: Double
    ) -> (outcome: Outcome, keptWarm: Bool, warmPlanWithColdBound: Bool) {
        guard let cold else { return (warm, true, false) }
        if warm.value > cold.value && warm.bound <= cold.bound { return (warm, true, false) }
        guard warm.value > cold.value, warm.posts.count == cold.posts.count,
            warm.endowment?.covered == cold.endowment?.covered
        else { return (cold, false, false) }
        var chosen = cold
        chosen.posts = warm.posts
        chosen.value = warm.value
        chosen.groupCoverage = warm.groupCoverage
        chosen.bound = max(cold.bound, warm.value)
        chosen.proven = chosen.gap <= mipGap
        chosen.evaluationSeconds = warm.evaluationSeconds
        chosen.improvementSeconds = warm.improvementSeconds
        chosen.warmPlan = warm.warmPlan
        return (chosen, false, true)
    }

    /// Below this many seconds left in the run's budget, a warm answer beyond its gap target is kept as it is (no
    /// national cold solve fits in it: 8–179 s at 10–20 km, BENCHMARKS.md). With more time left, a cold solve that the
    /// time cuts short either gives no answer (the warm one stands) or one the comparison above weighs like any other.
    static let minimumColdSeconds = 1.0

    /// One solve: from the warm start when there is one (its prices for the bound, its plan for the rounding),
    /// otherwise cold.
    static func solveOnce(
        _ scenario: Scenario, candidates: Bool, solver: any LinearSolver, options: SolverOptions,
        warmStart previous: PreviousCommunePlan?, log: (String) -> Void
    ) throws -> Outcome {
        let started = Date()
        // Endowment first (`reach.stages: endow_reach,value`): the stage's cover decides the groups held.
        var endowment: CommuneEndowment.Outcome?
        var relaxed = CommuneModel(scenario: scenario, options: .init(candidates: candidates, relaxed: true))
        if let unit = scenario.communes?.endowReach {
            let cover = try CommuneEndowment.solve(
                relaxed, scenario: scenario, unit: unit, solver: solver, options: options, log: log)
            endowment = cover
            // The value stage's model: the same, with the stage's covering rows.
            relaxed.addCovers(cover.covered)
        }
        log(
            "commune model: \(relaxed.reach.groups.count) groups, \(relaxed.reach.units.count) site units, \(relaxed.decisions.count) posts variables, "
                + "\(relaxed.program.variables.count) columns, \(relaxed.program.constraints.count) rows, \(relaxed.program.nonzeroCount) nonzeros"
        )
        let warm = previous.map { CommuneWarmStart($0, model: relaxed, scenario: scenario) }
        if let warm {
            log(
                "warm start from \(warm.folder): \(warm.matchedRows) of its site pools and options with posts found here (\(warm.unmatchedRows) not"
                    + (warm.postsBeyondBounds > 0
                        ? ", \(warm.postsBeyondBounds) posts beyond this scenario's bounds" : "")
                    + "), \(relaxed.reach.units.count - warm.unpricedUnits) of \(relaxed.reach.units.count) site units priced"
            )
            // A sites.csv without prices for this scenario's sites (its value_per_person column left out, all empty or
            // 0, or only for sites not here) starts nothing: a review found such a warm start accepted without a word.
            if warm.prices == nil {
                log(
                    "warning: --warm-start \(warm.folder): its sites.csv gives no positive value_per_person to a site of this scenario, so its prices start nothing and its plan is not used: the commune plan is solved as without a warm start"
                )
            }
        }
        let relaxation = try bound(
            relaxed, scenario: scenario, solver: solver, options: options, started: started, warm: warm, log: log)
        var bound = relaxation.bound
        // The roundings tried in turn until one keeps every rule (each failure logged with the next one's start):
        // - the previous plan, repaired into this scenario's rules (the endow_reach rows first: with fewer posts or
        //   euros its best posts would leave them none);
        // - the bound's posts (the relaxation's, or the Lagrangian's), then the same with the endow_reach rows first;
        // - with an endow_reach stage, its cover's posts (which keep every covering row and leave room for the
        //   floors) with the bound's above them where it has more, rows first,
        //   so the posts the cover leaves go where the bound's do (15 km, 1,000 posts: 1,447,242 against 1,428,456);
        //   then the cover's posts alone, the floors and the rest of the posts and euros filled by value per euro.
        var attempts: [(start: String, values: [Double], coversFirst: Bool)] = []
        if let warm, relaxation.fromWarmStart {
            // The cut is a help: when it fails, the rounding cuts the previous plan, as before it. Its evaluator is its
            // own, so that the plan's evaluation below still counts every component it solves (its seconds are
            // the run's evaluation time).
            var start = warm.values
            var trimEvaluator = CommuneFixedPlan(model: relaxed)
            do {
                start = try CommuneWarmTrim.trim(
                    warm.values, evaluator: &trimEvaluator, scenario: scenario, solver: solver,
                    options: fixedPlanOptions(options), log: log)
            } catch {
                log(
                    "warm start: the previous plan not cut down (\((error as? Failure)?.description ?? "\(error)")): the rounding keeps its best posts per euro"
                )
            }
            attempts.append(("the warm start's plan", start, true))
        }
        attempts.append(("the bound's posts", relaxation.values, false))
        attempts.append(("the bound's posts, the endow_reach rows first", relaxation.values, true))
        if let plan = endowment?.plan, plan.count == relaxed.decisions.count {
            let cover = Self.values(of: plan, model: relaxed)
            attempts.append(
                ("the endow_reach cover's posts and the relaxation's", zip(cover, relaxation.values).map(max), true))
            attempts.append(("the endow_reach cover's posts alone", cover, false))
        }
        var rounded: (posts: [Int], attempt: Int)?
        var lastFailure = ""
        for (index, attempt) in attempts.enumerated() where rounded == nil {
            if index > 0 { log("commune rounding: \(lastFailure); again from \(attempt.start)") }
            do {
                rounded = (
                    try CommuneRounding.round(
                        relaxed, scenario: scenario, values: attempt.values, duals: relaxation.duals,
                        coversFirst: attempt.coversFirst), index
                )
            } catch Failure.roundingFailed(let why) {
                lastFailure = why
            }
        }
        guard let rounded else { throw Failure.roundingFailed(lastFailure) }
        var posts = rounded.posts
        let warmPlanRounded = warm != nil && relaxation.fromWarmStart && rounded.attempt == 0
        // The integer model is the relaxed one with whole posts: the same columns, bounds and rows. `posts` are whole
        // by type, so checking the plan against `relaxed` checks every rule of the integer model without building it
        // again (0.4 s at 20 km).
        var evaluator = CommuneFixedPlan(model: relaxed)
        let evaluationOptions = fixedPlanOptions(options)
        var evaluation: CommuneFixedPlan.Evaluation
        do {
            evaluation = try evaluator.evaluate(posts, solver: solver, options: evaluationOptions)
        } catch Failure.evaluationFailed(let why) {
            // No plan is published without its exact value; the bound is still proven, and said.
            throw Failure.evaluationFailed(
                "\(why); the \(relaxation.method == .relaxation ? "LP" : "Lagrangian") bound, "
                    + "\((bound * 10).rounded(.up) / 10), holds for every plan")
        }
        let evaluationSeconds = evaluation.seconds
        log(
            "commune plan rounded: value \(evaluation.value.logged(decimals: 1)), \(evaluation.components) components valued in \(evaluation.seconds.loggedSeconds) s"
        )
        // Local improvement while its allowance lasts (work counted in reach pairs, renewed by every move that pays:
        // `CommuneImprovement.Allowance`; the same moves on every machine): one-post moves, each valued exactly.
        // A move re-solves the components it touches: at 15 km one component holds most of the plan.
        // A warm answer is the quick one: when the warm start's prices gave the bound and the rounded plan is already
        // within `reach.warm_max_gap` of it (and within the default 0.5 %: a target raised to keep every warm answer,
        // `reach.warm_max_gap=1`, does not also keep a plan 20 % short unimproved), the plan is kept as it is. In the
        // twelve warm variants of `scripts/bench-warm` (10, 15 and 20 km) the improvement raised none of the plans (at
        // 20 km its gate mostly skipped it); its window, then at least 0.25 s, was about a tenth of the run
        // (BENCHMARKS.md, eighteenth session).
        let keepGap = min(
            scenario.communes?.warmMaxGap ?? CommuneInputs.defaultWarmMaxGap, CommuneInputs.defaultWarmMaxGap)
        let roundedGap = Self.relativeGap(value: evaluation.value, bound: bound)
        let warmWithinTarget = relaxation.fromWarmStart && roundedGap <= keepGap
        // Beyond the target, the plan is solved again without the start (`solve`): the improvement's time is the cold
        // solve's. A loose warm bound (prices from a distant or garbled run) makes the plan look wide, and its widened
        // window once took the whole budget (a review: 51 of 60 s, the cold solve then left with 3 s and no answer).
        let warmTarget = scenario.communes?.warmMaxGap ?? CommuneInputs.defaultWarmMaxGap
        let warmBeyondTarget = relaxation.fromWarmStart && roundedGap > warmTarget
        var improvementSeconds = 0.0
        var improvementCutByTime = false
        if warmWithinTarget {
            log(
                "commune plan within \(keepGap) of the warm bound (gap \(roundedGap.logged(decimals: 6)); reach.warm_max_gap, at most 0.005): kept without the local improvement"
            )
        } else if warmBeyondTarget {
            log(
                "commune plan \(roundedGap.logged(decimals: 6)) below the warm bound, beyond reach.warm_max_gap \(warmTarget): no local improvement (the plan is solved again without the start)"
            )
        } else {
            let latest =
                options.timeLimitSeconds.isFinite
                ? started.addingTimeInterval(options.timeLimitSeconds * Self.improvementShare) : .distantFuture
            let improvement = try CommuneImprovement.improve(
                &posts, evaluation: &evaluation, evaluator: &evaluator, scenario: scenario,
                allowance: .init(
                    window: CommuneImprovement.Allowance.wholePlans * relaxed.reach.flowPairs, bound: bound,
                    latest: latest), solver: solver,
                options: evaluationOptions, log: log)
            improvementSeconds = improvement.seconds
            improvementCutByTime = improvement.cutByTime
            log(
                "commune plan's local improvement: \(improvement.valued) plans valued (work \((Double(improvement.work) / Double(max(1, relaxed.reach.flowPairs))).logged(decimals: 1)) times the model's reach pairs), \(improvement.kept) moves kept in \(improvement.seconds.loggedSeconds) s; "
                    + (improvement.cutByTime
                        ? "the run's clock ended it"
                        : improvement.spent
                            ? "its allowance ended it with moves left to value" : "no move left to value")
            )
        }
        // A small model still short of its gap: branch-and-bound from the plan, for a better plan or a proof
        // (`CommuneBranchAndBound`). A warm answer is left as the warm path leaves it.
        var branchAndBound: CommuneBranchAndBound.Summary?
        let improvedGap = Self.relativeGap(value: evaluation.value, bound: bound)
        if !warmWithinTarget, !warmBeyondTarget,
            CommuneBranchAndBound.applies(
                to: relaxed, scenario: scenario, gap: improvedGap, mipGap: options.mipGap)
        {
            let deadline =
                options.timeLimitSeconds.isFinite
                ? started.addingTimeInterval(options.timeLimitSeconds * Self.improvementShare) : .distantFuture
            var summary = CommuneBranchAndBound.Summary(valueBefore: evaluation.value, boundBefore: bound)
            let integer = CommuneBranchAndBound.integerProgram(of: relaxed)
            for pass in CommuneBranchAndBound.Pass.allCases
            where Self.relativeGap(value: evaluation.value, bound: bound) > options.mipGap && summary.stoppedBy == nil {
                let searched = try CommuneBranchAndBound.search(
                    integer, of: relaxed, pass: pass, values: evaluator.values(of: evaluation, posts: posts),
                    value: evaluation.value, bound: bound, scenario: scenario, solver: solver, options: options,
                    deadline: deadline)
                var found = ""
                if let better = searched.posts {
                    let valued = try evaluator.evaluate(better, solver: solver, options: evaluationOptions)
                    if valued.value > evaluation.value {
                        found = ", a plan worth \(valued.value.logged(decimals: 1))"
                        posts = better
                        evaluation = valued
                        summary.foundBetterPlan = true
                    }
                }
                bound = searched.bound
                summary.add(searched, bound: bound)
                log(
                    "commune branch-and-bound from the plan (\(pass.description)): \(searched.nodes) nodes in \(searched.seconds.loggedSeconds) s\(found), bound \(bound.logged(decimals: 1))"
                        + (searched.stoppedBy.map { "; stopped by the \($0)" } ?? "")
                )
            }
            branchAndBound = summary
        }
        // Every rule and bound of the integer model, checked on the plan (whole posts) and its flows.
        let values = evaluator.values(of: evaluation, posts: posts)
        if let violation = relaxed.program.largestViolation(of: values, tolerance: 1e-6) {
            throw Failure.planRefused("\(violation.name) violated by \(violation.amount)")
        }
        let value = relaxed.value(of: values)
        let gap = Self.relativeGap(value: value, bound: bound)
        var outcome = Outcome(
            model: relaxed, posts: posts, value: value, bound: max(bound, value),
            groupCoverage: relaxed.groupCoverage(of: values),
            proven: gap <= options.mipGap, lpSeconds: relaxation.seconds, evaluationSeconds: evaluationSeconds,
            improvementSeconds: improvementSeconds, endowment: endowment, boundMethod: relaxation.method,
            relaxationUnfinished: relaxation.unfinished, pricedByBestPoint: relaxation.fromBestPoint, warmStart: warm,
            warmBound: relaxation.fromWarmStart,
            warmPlan: warmPlanRounded,
            unitPrices: relaxed.serviceRows.map { abs(relaxation.duals?[$0] ?? 0) * relaxed.objectiveScale },
            seconds: Date().timeIntervalSince(started))
        outcome.improvementCutByTime = improvementCutByTime
        outcome.clockStops = relaxation.clockStops
        outcome.branchAndBound = branchAndBound
        if let stop = branchAndBound?.stoppedBy {
            outcome.clockStops.append("the commune plan's branch-and-bound (\(stop))")
        }
        outcome.postsBasis = relaxation.postsBasis
        outcome.warmBasis = relaxation.fromWarmBasis
        return outcome
    }

    /// The bound on every plan's value (in value units) and the fractional plan and row prices the rounding starts
    /// from: the LP relaxation's, or the Lagrangian's (`CommuneLagrangian`) when `reach.bound: lagrangian` or when
    /// the relaxation does not finish in three quarters of the time (the last quarter left for the Lagrangian, the
    /// rounding and the plan's evaluation).
    static func bound(
        _ relaxed: CommuneModel, scenario: Scenario, solver: any LinearSolver, options: SolverOptions, started: Date,
        warm: CommuneWarmStart? = nil, log: (String) -> Void
    ) throws -> FoundBound {
        // For any plan x: value(x) / scale − tieBreak(x) ≤ the relaxation's optimum ≤ the Lagrangian bound, and
        // tieBreak(x) ≤ 10⁻⁶ per post. The interior point's objective is within its relative gap (10⁻⁸) of the
        // optimum, the simplex's within its tolerances: a 10⁻⁶ margin covers both.
        func inValueUnits(_ objective: Double) -> Double {
            valueBound(ofObjective: objective, model: relaxed, scenario: scenario)
        }
        /// The relaxation's options: the scaled dual simplex, or the interior-point method (7 s against 25 s for the
        /// dual simplex at 10 km, glpsol on the exported relaxation, the same optimum to 5 × 10⁻⁹) which, when it stops
        /// short (numeric instability: at 10 km after about 7 s, at 15 km €190M), returns its best point instead of
        /// running the simplex, which takes another minute there; the point's duals then price the Lagrangian bound.
        func relaxationOptions(interior: Bool) -> SolverOptions {
            var lpOptions = options
            lpOptions.start = nil
            lpOptions.dualSimplex = true
            lpOptions.interiorPoint = interior
            lpOptions.interiorFallback = false
            if options.timeLimitSeconds.isFinite {
                lpOptions.timeLimitSeconds = max(
                    options.timeLimitSeconds * relaxationShare - Date().timeIntervalSince(started), 0.01)
            }
            return lpOptions
        }
        /// The Lagrangian posts part's basis at the relaxation's prices, left in `warm_start_basis.csv` for a variant's
        /// first posts-part LP (one dual simplex: 0.44 s in a cold 20 km run's log); nil when it does not end in the
        /// bound's time or the solver fails on it: a help for later runs, never a reason for this one to fail.
        var clockStops: [String] = []
        func postsBasis(at duals: [Double]?) -> CommuneLagrangian.PostsBasis? {
            guard let duals else { return nil }
            let basisStarted = Date()
            var deadline = Date.distantFuture
            if options.timeLimitSeconds.isFinite {
                deadline = started.addingTimeInterval(options.timeLimitSeconds * lagrangianShare)
            }
            do {
                let basis = try CommuneLagrangian.postsBasis(
                    relaxed, prices: relaxed.serviceRows.map { abs(duals[$0]) }, solver: solver, options: options,
                    deadline: deadline)
                if basis == nil, Date() >= deadline {
                    clockStops.append("the commune posts part's basis for warm starts was not found in its time")
                }
                log(
                    basis == nil
                        ? "commune posts part's basis for warm starts: not found in time"
                        : "commune posts part's basis for warm starts in \(Date().timeIntervalSince(basisStarted).loggedSeconds) s"
                )
                return basis
            } catch {
                log("commune posts part's basis for warm starts: not written (\(error))")
                return nil
            }
        }
        var unfinished: String?
        var startPrices = warm?.prices
        var guide: [Double]?
        var pointObjective: Double?
        var relaxationSeconds = 0.0
        // The relaxation with its covering rows over site units' totals (`CommuneModel.relaxationProgram`); values
        // and duals are read back on the model's own columns and rows, which come first.
        let columns = relaxed.program.variables.count
        let modelRows = relaxed.program.constraints.count
        var relaxation: LinearProgram?
        func solveRelaxation(interior: Bool) throws -> SolveResult {
            if relaxation == nil { relaxation = relaxed.relaxationProgram }
            var lp = try solver.solve(relaxation!, options: relaxationOptions(interior: interior))
            lp.values = Array(lp.values.prefix(columns))
            lp.duals = lp.duals.map { Array($0.prefix(modelRows)) }
            lp.rowActivities = Array(lp.rowActivities.prefix(modelRows))
            lp.interiorBestPoint = lp.interiorBestPoint.map {
                SolveResult.InteriorBestPoint(
                    objective: $0.objective, values: Array($0.values.prefix(columns)),
                    duals: Array($0.duals.prefix(modelRows)))
            }
            return lp
        }
        if warm?.prices == nil, scenario.communes?.bound != .lagrangian {
            // GLPK's interior point reports nothing until it ends: said before it starts, so a long silence reads as
            // this step (a review watched 11 s without a line).
            log(
                "commune LP relaxation: GLPK's interior point on \(relaxed.program.variables.count) columns, silent until it ends (nationally 5–15 s at 15 km)"
            )
            let lp = try solveRelaxation(interior: true)
            if lp.status == .optimal, lp.hasSolution {
                let bound = inValueUnits(relaxed.program.objectiveValue(of: lp.values))
                log("commune LP bound \(bound.logged(decimals: 1)) in \(lp.seconds.loggedSeconds) s")
                var found = FoundBound(bound: bound, values: lp.values, duals: lp.duals, seconds: lp.seconds)
                found.postsBasis = postsBasis(at: lp.duals)
                found.clockStops = clockStops
                return found
            }
            unfinished = lp.limitReached ?? lp.status.rawValue
            relaxationSeconds = lp.seconds
            if let point = lp.interiorBestPoint {
                // Near-optimal duals: L at them is near the relaxation's optimum, and valid whatever they are.
                startPrices = relaxed.serviceRows.map { abs(point.duals[$0]) }
                guide = point.values
                pointObjective = point.objective
                log(
                    "commune LP relaxation did not finish (\(unfinished!)) after \(lp.seconds.loggedSeconds) s, its best point's objective \(point.objective.logged(decimals: 1)): its duals price the Lagrangian bound, its posts start the rounding"
                )
            } else if unfinished == "cancelled" {
                // Stopped by a signal or the run's budget: nothing follows it (a review read "instead" as more work).
                log("commune LP relaxation stopped (cancelled)")
            } else {
                log("commune LP relaxation did not finish (\(unfinished!)): the Lagrangian bound instead")
            }
        }
        var deadline = Date.distantFuture
        if options.timeLimitSeconds.isFinite {
            deadline = started.addingTimeInterval(options.timeLimitSeconds * lagrangianShare)
        }
        let lagrangianStarted = Date()
        // From a warm start's prices, or the interior point's, scaled only: their posts are not the plan's start (the
        // previous plan, or the interior point's, is), and the subgradient steps never lowered the bound (above).
        guard
            let lagrangian = try CommuneLagrangian.solve(
                relaxed, solver: solver, options: options, deadline: deadline, start: startPrices,
                subgradientSteps: startPrices == nil ? CommuneLagrangian.subgradientSteps : 0,
                startBasis: warm?.prices != nil ? warm?.basis : nil)
        else {
            if warm?.prices != nil {
                // The warm start's bound did not finish: the relaxation then, as without it.
                log("commune Lagrangian bound from the warm start's prices did not finish: the LP relaxation instead")
                let timedOut = Date() >= deadline
                var found = try bound(
                    relaxed, scenario: scenario, solver: solver, options: options, started: started, log: log)
                if timedOut {
                    found.clockStops.insert(
                        "the commune Lagrangian bound from the warm start stopped at its time limit", at: 0)
                }
                return found
            }
            // The log said "the Lagrangian bound instead": the failure says it did not finish either (a review read
            // both lines of one run as a contradiction).
            throw Failure.relaxationUnfinished(
                unfinished.map { "\($0); the Lagrangian bound did not finish either" }
                    ?? "the Lagrangian bound did not finish")
        }
        // A best point far from the relaxation's optimum (its objective more than 10⁻³ below the bound its duals give):
        // the bound may be loose, so the dual simplex decides as before, in the relaxation's share of the time.
        if let pointObjective, lagrangian.bound - pointObjective > Self.bestPointSlack * max(abs(lagrangian.bound), 1) {
            log(
                "commune LP relaxation: the interior point's best point \(pointObjective.logged(decimals: 1)) is far below the bound its duals give (\(lagrangian.bound.logged(decimals: 1))): the dual simplex instead"
            )
            let lp = try solveRelaxation(interior: false)
            if lp.status == .optimal, lp.hasSolution {
                let bound = inValueUnits(relaxed.program.objectiveValue(of: lp.values))
                log("commune LP bound \(bound.logged(decimals: 1)) in \(lp.seconds.loggedSeconds) s")
                var found = FoundBound(
                    bound: bound, values: lp.values, duals: lp.duals, seconds: relaxationSeconds + lp.seconds)
                found.postsBasis = postsBasis(at: lp.duals)
                found.clockStops = clockStops
                return found
            }
        }
        let bound = inValueUnits(lagrangian.bound)
        let seconds = Date().timeIntervalSince(lagrangianStarted)
        log(
            startPrices != nil
                ? "commune Lagrangian bound \(bound.logged(decimals: 1)) in \(seconds.loggedSeconds) s (the \(warm?.prices != nil ? "warm start's" : "interior point's") prices scaled, \(lagrangian.iterations) prices\(lagrangian.startedFromBasis ? "; the first from the warm start's basis" : ""))"
                : "commune Lagrangian bound \(bound.logged(decimals: 1)) in \(seconds.loggedSeconds) s (\(lagrangian.iterations) prices, \(lagrangian.stepsThatLowered) per-unit steps below the best single price)"
        )
        if lagrangian.stoppedByClock {
            clockStops.append("the commune Lagrangian bound's search stopped at its time limit")
        }
        return FoundBound(
            bound: bound, values: guide ?? lagrangian.values, duals: lagrangian.duals,
            seconds: relaxationSeconds + seconds, method: .lagrangian, unfinished: unfinished,
            fromWarmStart: warm?.prices != nil, fromBestPoint: guide != nil, postsBasis: lagrangian.postsBasis,
            fromWarmBasis: lagrangian.startedFromBasis, clockStops: clockStops)
    }

    /// What `bound` found: the bound (value units), the fractional plan and row prices the rounding starts from, and
    /// where they came from.
    struct FoundBound {
        let bound: Double
        let values: [Double]
        let duals: [Double]?
        let seconds: Double
        var method: CommuneInputs.Bound = .relaxation
        /// Why the relaxation did not finish, when the Lagrangian stood in for it.
        var unfinished: String?
        /// The warm start's prices gave the bound.
        var fromWarmStart = false
        /// The interior point's best point priced the bound and is the rounding's start.
        var fromBestPoint = false
        /// The Lagrangian posts part's basis at the bound's prices (`Outcome.postsBasis`).
        var postsBasis: CommuneLagrangian.PostsBasis?
        /// The warm start's basis started the posts part's first LP.
        var fromWarmBasis = false
        /// Steps a clock stopped (`Outcome.clockStops`).
        var clockStops: [String] = []
    }

    /// The share of the commune solve's time the LP relaxation may take, and the share by which the Lagrangian bound
    /// must end (the rest: rounding and evaluation of the plan).
    static let relaxationShare = 0.75
    /// How far (relative) the interior point's best point may lie below the bound its duals give before the dual
    /// simplex is run instead: nationally the two are within 10⁻⁵ (€190M, 15 km: 4,434,343.7 and 4,434,349.3, the run's
    /// log).
    static let bestPointSlack = 1e-3
    static let lagrangianShare = 0.9

    /// Share of the commune plan's time limit after which the local improvement stops, whatever its moves gain (the
    /// rest is for checking the plan and the tables).
    static let improvementShare = 0.95

    /// Posts per decision as values of `model`'s program (its other columns 0).
    static func values(of posts: [Int], model: CommuneModel) -> [Double] {
        var values = [Double](repeating: 0, count: model.program.variables.count)
        for (index, decision) in model.decisions.enumerated() { values[decision.variable.index] = Double(posts[index]) }
        return values
    }

    /// A bound on the program's objective (the relaxation's optimum, branch-and-bound's bound) as a bound on every
    /// plan's value of coverage: for any plan x, value(x) / scale − tieBreak(x) ≤ the objective's bound, and
    /// tieBreak(x) ≤ 10⁻⁶ per post; `interiorMargin` covers the solver's tolerances.
    static func valueBound(ofObjective objective: Double, model: CommuneModel, scenario: Scenario) -> Double {
        model.objectiveScale
            * (objective + max(abs(objective), 1) * interiorMargin
                + AllocationModel.tieBreakPerPost * Double(scenario.parameters.posts))
    }

    /// Relative margin added to the relaxation's objective for the bound: 100 × the interior-point method's gap
    /// tolerance (measured: its optimum within 5 × 10⁻⁹ of the dual simplex's at 10 km).
    static let interiorMargin = 1e-6

    /// Options of the fixed-plan LPs (one per component): the interior-point method, the scaled dual simplex with the
    /// long-step ratio test where it does not end optimal. Measured on the endowed national plan at 10 km (124
    /// components): 0.6 s against 13.7 s with the dual simplex, to the same value within 4 × 10⁻⁹ (the flows are then
    /// made exactly feasible, `CommuneFixedPlan`). Before, with the dual simplex: 15 km 13.2 s against 20.2 s with
    /// the primal simplex.
    static func fixedPlanOptions(_ options: SolverOptions) -> SolverOptions {
        var lpOptions = options
        lpOptions.start = nil
        lpOptions.dualSimplex = true
        lpOptions.interiorPoint = true
        return lpOptions
    }

    /// A plan valued exactly: its model, the people it covers per group and the value of that coverage.
    public struct Evaluation: Sendable {
        public let model: CommuneModel
        public let groupCoverage: [Double]
        public let value: Double
        public let seconds: Double
    }

    /// The flow LP of a plan, posts fixed, component by component (`CommuneFixedPlan`). `rules: false` scores a plan
    /// made under other rules (the 2021 allocation) without checking them.
    public static func evaluate(
        _ scenario: Scenario, candidates: Bool, posts: [Int], rules: Bool, solver: any LinearSolver,
        options: SolverOptions
    ) throws -> Evaluation {
        let model = CommuneModel(
            scenario: scenario, options: .init(candidates: candidates, fixed: posts.map(Double.init), rules: rules))
        return try evaluate(posts, on: model, solver: solver, options: options)
    }

    /// The same on a model already built: a plan's posts keep its bounds and rows, or the plan is refused.
    public static func evaluate(
        _ posts: [Int], on model: CommuneModel, solver: any LinearSolver, options: SolverOptions
    ) throws -> Evaluation {
        var evaluator = CommuneFixedPlan(model: model)
        let evaluation = try evaluator.evaluate(posts, solver: solver, options: fixedPlanOptions(options))
        let values = evaluator.values(of: evaluation, posts: posts)
        if let violation = model.program.largestViolation(of: values, tolerance: 1e-6) {
            throw Failure.planRefused("\(violation.name) violated by \(violation.amount)")
        }
        return Evaluation(
            model: model, groupCoverage: model.groupCoverage(of: values), value: model.value(of: values),
            seconds: evaluation.seconds)
    }

    /// The real 2021 allocation as commune-model posts: each host's `posts_2021` in its pool, under the first funding
    /// option the host pays nothing for (the record does not say which option each post had; an assumption).
    public static func posts2021(_ scenario: Scenario) -> [Int] {
        posts2021(
            scenario,
            model: CommuneModel(scenario: scenario, options: .init(candidates: false, relaxed: true, rules: false)))
    }

    /// A département plan's posts on the commune model's decisions: each placement at its structure's pool, under its
    /// option (the first decision of that pool and option: a unit of co-financing changes no one's service, and the
    /// scoring model has no rules to keep). Placements at a structure or option the model does not know are left out
    /// (none in a plan of the same scenario).
    public static func posts(of plan: Plan, scenario: Scenario, model: CommuneModel) -> [Int] {
        let optionIndex = Dictionary(
            uniqueKeysWithValues: scenario.parameters.fundingOptions.enumerated().map { ($1.id, $0) })
        var poolOf: [String: Int] = [:]
        for (index, pool) in model.pools.enumerated() { for id in pool.structures { poolOf[id] = index } }
        var decisionOf: [Int: Int] = [:]
        for (index, decision) in model.decisions.enumerated() {
            let key = decision.pool * scenario.parameters.fundingOptions.count + decision.option
            if decisionOf[key] == nil { decisionOf[key] = index }
        }
        var posts = [Int](repeating: 0, count: model.decisions.count)
        for placement in plan.placements {
            guard let pool = poolOf[placement.structureID], let option = optionIndex[placement.option],
                let decision = decisionOf[pool * scenario.parameters.fundingOptions.count + option]
            else { continue }
            posts[decision] += placement.posts
        }
        return posts
    }

    /// The same, on the model that scores it (no candidates, no rules; one model for both, 0.3 s at 20 km).
    public static func posts2021(_ scenario: Scenario, model: CommuneModel) -> [Int] {
        let byID = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0.posts2021 ?? 0) })
        var posts = [Int](repeating: 0, count: model.decisions.count)
        var placed = Set<Int>()
        for (index, decision) in model.decisions.enumerated()
        where decision.hostCostEUR <= 0 && !placed.contains(decision.pool) {
            placed.insert(decision.pool)
            posts[index] = model.pools[decision.pool].structures.reduce(0) { $0 + (byID[$1] ?? 0) }
        }
        return posts
    }
}
