import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// What a stage of a lexicographic solve maximises.
public enum ObjectiveStage: Sendable, Hashable {
    /// The need-weighted value of coverage with diminishing returns (the default objective).
    case value
    /// People covered, counted linearly.
    case coverage
    /// The smallest coverage ratio over the territories with need (max-min fairness).
    case maxmin
    /// State cost, minimised (as a last stage: "then spend as little as possible").
    case cost
    /// The number of territories with at least one post ("endow as many territories as possible").
    case endow
    /// Closeness to a target number of posts per territory (a baseline's seats): the sum over the
    /// territories of |posts − target|, minimised. `name` is how the scenario named the target. With `previous` (a
    /// previous run's plan per structure, the stability stage) the distance is per pool and option instead:
    /// Σ_{t,k,f} |posts[t,k,f] − previous posts at (t,k)'s structures under f| (docs/model.md, "Commitments and
    /// waves").
    case closeness(name: String, target: [String: Int], previous: [PreviousRun.Held] = [])

    /// The stages a name alone designates (`closeness:<baseline>` needs its target resolved).
    public init?(name: String) {
        switch name {
        case "value": self = .value
        case "coverage": self = .coverage
        case "maxmin": self = .maxmin
        case "cost": self = .cost
        case "endow": self = .endow
        default: return nil
        }
    }

    /// The name used in scenarios, logs and row names.
    public var name: String {
        switch self {
        case .value: "value"
        case .coverage: "coverage"
        case .maxmin: "maxmin"
        case .cost: "cost"
        case .endow: "endow"
        case .closeness(let name, _, _): "closeness:\(name)"
        }
    }

    /// The row that holds this stage's optimum while later stages are solved.
    func rowName(_ position: Int) -> String { rowRef(position).name }

    /// The same row as a `RowRef`: `stage_<name>`, or `stage_closeness[i]`.
    func rowRef(_ position: Int) -> RowRef {
        if case .closeness = self { return RowRef(.stage, .stage("closeness", position: position)) }
        return RowRef(.stage, .stage(name, position: nil))
    }
}

/// Lexicographic optimisation over the allocation model: each stage is solved, then held within the
/// MIP gap of its optimum (a row `stage_<name>`) while the next one is optimised. Also serves the
/// ε-constraint frontier through `minRatioFloor` (the smallest coverage ratio held at or above ε).
public enum StagedSolve {
    public struct Outcome: Sendable {
        /// The last stage's result, or the last stage with a plan when a later one has none; its values start with the
        /// model's own variables.
        public let result: SolveResult
        /// The optimum reached at each stage, in its own units.
        public let stageValues: [Double]
        /// The program of the last stage (the model plus the stages' variables and rows).
        public let program: LinearProgram
        /// One record per stage asked for, in order, those never solved included (`stages.csv`).
        public let records: [StageRecord]
    }

    /// How one stage went, in the stage's own units (a ratio for maxmin, posts for closeness…), so each gap is
    /// printed beside the objective it measures.
    public struct StageRecord: Sendable, Equatable {
        public enum Status: String, Sendable {
            case optimal, feasible, interrupted, infeasible, unbounded
            /// A limit stopped the stage before any plan (the chain stops there).
            case noSolution = "no_solution"
            /// An earlier stage ended the chain (no plan, or interrupted).
            case notReached = "not_reached"
            /// The run's time budget was spent before this stage started.
            case noTimeLeft = "skipped: no time left"
        }
        public let position: Int
        public let name: String
        public let status: Status
        public let value: Double?
        public let bound: Double?
        public let relativeGap: Double?
        public let limitReached: String?
        public let seconds: Double
        /// True when the stage was proven by territories (`byTerritories`), without a solve of its whole program.
        public var provenByTerritories = false
    }

    /// Why a stage's model cannot be built for export.
    public struct ExportError: Error, CustomStringConvertible {
        public let description: String
    }

    /// `start`, values of the model's own variables (a plan already solved), is offered to the first
    /// stage as a MIP start when it satisfies this solve's rules; each later stage starts from the
    /// previous stage's plan, which its `stage_` row keeps feasible (the stages' own variables are
    /// recomputed from the plan at their best: a larger min_ratio, smaller distances, more endowed).
    /// A stage the solver did not start for want of time (a run's budget) is recorded as skipped.
    ///
    /// With `heuristicStarts`, a stage whose objective is over the model's own variables (`value`, `coverage`, `cost`)
    /// also gets the primal heuristic's plan for that objective, under the coverage floors an earlier `maxmin` stage
    /// holds (`PrimalHeuristic.plan(for:program:)`); it starts the stage instead of the previous stage's plan when it
    /// keeps every row of the stage's program and scores higher on the stage's objective (docs/model.md,
    /// "Lexicographic stages"). `byTerritories` (by default as `heuristicStarts`) tries each stage by territories first
    /// (`byTerritories(_:program:…)`).
    public static func solve(
        model: AllocationModel, scenario: Scenario, stages: [ObjectiveStage], solver: any LinearSolver,
        options: SolverOptions, minRatioFloor: Double? = nil, start: [Double]? = nil,
        heuristicStarts: Bool = false, byTerritories: Bool? = nil
    ) throws -> Outcome {
        let chain = try run(
            model: model, scenario: scenario, stages: stages, solver: solver, options: options,
            minRatioFloor: minRatioFloor, start: start, solving: stages.count, heuristicStarts: heuristicStarts,
            byTerritories: byTerritories ?? heuristicStarts)
        let last = chain.last!
        return Outcome(result: last.0, stageValues: chain.values, program: last.1, records: chain.records)
    }

    /// The program of stage `number` (1-based) exactly as the chain solves it: the model, the stages' variables
    /// and rows, and the earlier stages held at the values they reached (so those are solved first, with `options`).
    /// Throws `ExportError` when an earlier stage gives no plan to hold. With `asTheRun`, the earlier stages are solved
    /// as `repartir run` solves them (the primal heuristic's start, each stage's heuristic start and, for a max-min
    /// stage, its bound by territories), so the values held are the run's.
    public static func program(
        ofStage number: Int, model: AllocationModel, scenario: Scenario, stages: [ObjectiveStage],
        solver: any LinearSolver, options: SolverOptions, asTheRun: Bool = false
    ) throws -> LinearProgram {
        precondition((1...stages.count).contains(number), "stage number in range")
        let start = asTheRun && number > 1 ? OnePlan.stagedStart(model, solver: solver, options: options) { _ in } : nil
        let chain = try run(
            model: model, scenario: scenario, stages: stages, solver: solver, options: options,
            minRatioFloor: nil, start: start, solving: number - 1, heuristicStarts: asTheRun)
        if let failed = chain.records.prefix(number - 1).first(where: { $0.value == nil }) {
            throw ExportError(
                description:
                    "stage \(failed.position) (\(failed.name)) ended \(failed.status.rawValue) without a plan, so stage \(number) has no value to hold it at"
            )
        }
        return chain.next
    }

    /// What each row of `program(ofStage:…)` is, index-aligned with its constraints: the model's rows, the rows the
    /// stages add, and the earlier stages' `stage_` rows.
    public static func rows(
        ofStage number: Int, model: AllocationModel, scenario: Scenario, stages: [ObjectiveStage],
        minRatioFloor: Double? = nil
    ) -> [RowRef] {
        precondition((1...stages.count).contains(number), "stage number in range")
        var scratch = model.program
        let extras = Extras(
            adding: stages, to: &scratch, model: model, scenario: scenario, minRatioFloor: minRatioFloor)
        return model.rows + extras.rows + stages.prefix(number - 1).enumerated().map { $1.rowRef($0) }
    }

    /// Solves the first `solving` stages; `next` is the program of the stage after them (or of the last one).
    private static func run(
        model: AllocationModel, scenario: Scenario, stages: [ObjectiveStage], solver: any LinearSolver,
        options: SolverOptions, minRatioFloor: Double?, start: [Double]?, solving: Int,
        heuristicStarts: Bool = false, byTerritories splitting: Bool? = nil
    ) throws
        -> (last: (SolveResult, LinearProgram)?, values: [Double], records: [StageRecord], next: LinearProgram)
    {
        precondition(!stages.isEmpty, "at least one stage")
        var base = copy(model.program)
        let extras = Extras(adding: stages, to: &base, model: model, scenario: scenario, minRatioFloor: minRatioFloor)
        var fixed: [(name: String, terms: [(Variable, Double)], lower: Double)] = []
        var values: [Double] = []
        var records: [StageRecord] = []
        var last: (SolveResult, LinearProgram)?
        var next = start.flatMap { extras.extend($0) }
        var stopped: StageRecord.Status?
        var nextProgram = base
        let chainStarted = Date()
        for (position, stage) in stages.enumerated() {
            let terms = objective(stage, position: position, model: model, scenario: scenario, extras: extras)
            let scale = objectiveScale(stage, scenario: scenario)
            var program = copy(base, objective: terms.map { ($0.0, $0.1 * scale) })
            for row in fixed { program.addConstraint(row.name, row.terms, lower: row.lower) }
            nextProgram = program
            if stopped == nil, position >= solving { break }
            if let stopped {
                records.append(
                    StageRecord(
                        position: position + 1, name: stage.name, status: stopped, value: nil, bound: nil,
                        relativeGap: nil, limitReached: nil, seconds: 0))
                continue
            }
            if heuristicStarts, stage != .maxmin,  // a max-min stage's start comes after its bisection (below)
                let better = heuristicStart(
                    stage, terms: terms, program: program, model: model, scenario: scenario,
                    extras: extras, heldRatio: fixed.first { $0.name == "stage_maxmin" }?.lower,
                    minRatioFloor: minRatioFloor, solver: solver, options: options, than: next)
            {
                next = better
            }
            // Each stage gets an equal share of the time still left (what an earlier stage did not use carries over),
            // so a first stage that cannot close does not leave the later ones, and the chain's plan, nothing.
            var stageOptions = options.starting(from: next)
            // Measured: the closeness stage's bound closes with GLPK's MIP presolver (1.7 s on the replay scenario) and
            // not without it (17 s), which taking the start as incumbent requires, and with pseudo-cost branching (the
            // €170M closeness stage of `endow,coverage,closeness:webster:need`: one post short of its proof at 57 s,
            // proven in 1.5 s); the coverage stage too proves its plan sooner with the presolver (€120M, floor 0: 1.47
            // s and 1,701 nodes with the start as incumbent, 0.16 s and 209 with the presolver). The other stages gain
            // from the incumbent.
            switch stage {
            case .closeness:
                stageOptions.startAsIncumbent = false
                stageOptions.pseudoCostBranching = true
            case .coverage: stageOptions.startAsIncumbent = false
            default: break
            }
            if options.timeLimitSeconds.isFinite {
                let spent = Date().timeIntervalSince(chainStarted)
                stageOptions.timeLimitSeconds =
                    max(options.timeLimitSeconds - spent, 0.01) / Double(min(stages.count, solving) - position)
            }
            if case .closeness(_, let target, let previous) = stage, let start = next {
                let searchStarted = Date()
                if heuristicStarts, previous.isEmpty,
                    let closer = try closenessStart(
                        program: program, terms: terms, held: fixed, target: target, model: model, extras: extras,
                        start: start, solver: solver, options: stageOptions)
                {
                    next = closer
                    stageOptions = stageOptions.starting(from: closer)
                }
                stageOptions.timeLimitSeconds = max(
                    stageOptions.timeLimitSeconds - Date().timeIntervalSince(searchStarted), 0.01)
                // A closeness stage counts whole posts: a bound less than one post from the plan proves it. (The solver
                // returns its start, checked, when its own plan is farther: `GLPKSolver.keepBetter`.)
                stageOptions.mipGap = 0.999 / max(closenessDistance(next ?? start, terms: terms), 1)
            }
            // The stage by territories, where that helps GLPK (`byTerritories`): a bound its branch-and-bound does not
            // reach, a plan, and when the two are within the gap, the stage proven without branch-and-bound.
            var territoryBound: Double?
            var proof: SolveResult?
            if splitting ?? heuristicStarts {
                let started = Date()
                // A failure there (a solver error in a small MIP) leaves the stage to GLPK, as without it.
                if let found = try? byTerritories(
                    stage, program: program, model: model, scenario: scenario, extras: extras, fixed: fixed,
                    start: next, scale: scale,
                    solver: solver, options: stageOptions)
                {
                    territoryBound = found.bound
                    proof = found.proof
                    if let plan = found.plan {
                        next = plan
                        stageOptions = stageOptions.starting(from: plan)
                    }
                }
                if proof == nil, case .maxmin = stage,
                    let better = heuristicStart(
                        stage, terms: terms, program: program, model: model, scenario: scenario, extras: extras,
                        heldRatio: nil, minRatioFloor: minRatioFloor, solver: solver, options: options, than: next)
                {
                    next = better
                    stageOptions = stageOptions.starting(from: better)
                }
                if options.timeLimitSeconds.isFinite {
                    stageOptions.timeLimitSeconds = max(
                        stageOptions.timeLimitSeconds - Date().timeIntervalSince(started), 0.01)
                }
            }
            var result = try proof ?? solver.solve(program, options: stageOptions)
            if let territoryBound, result.hasSolution, let objective = result.objective {
                let bound = min(result.bestBound ?? .infinity, territoryBound * scale)
                result.bestBound = bound
                result.relativeGap = SolveResult.relativeGap(objective: objective, bound: bound)
            }
            // A stage with no plan (say, no time left for it) does not replace the plan of the stage before: that plan
            // is the chain's (exit 10), not "no plan" (exit 21).
            if result.hasSolution || last?.0.hasSolution != true { last = (result, program) }
            // The next stage starts from this plan, with the stages' own variables at their best
            // values for it (the solver left those it did not optimise anywhere feasible).
            next = result.hasSolution ? extras.extend(Array(result.values.prefix(model.program.variables.count))) : nil
            let value = result.hasSolution ? terms.reduce(0.0) { $0 + $1.1 * result.values[$1.0.index] } : nil
            let bound = result.bestBound.map { $0 / scale }
            let gap = value.flatMap { value in
                bound.map { SolveResult.relativeGap(objective: value, bound: $0) } ?? result.relativeGap
            }
            // A stage stopped by a limit whose plan is within the MIP gap of the bound GLPK proved is proven all the
            // same.
            var proven = result.status == .feasible && (gap.map { $0 <= options.mipGap } ?? false)
            // Whole posts again; the margin covers the LP's tolerance in GLPK's bound.
            if case .closeness = stage, result.status == .feasible, let value, let bound, bound - value < 1 - 1e-4 {
                proven = true
            }
            records.append(
                StageRecord(
                    position: position + 1, name: stage.name, status: proven ? .optimal : status(of: result),
                    value: value,
                    bound: bound, relativeGap: gap, limitReached: result.limitReached, seconds: result.seconds,
                    provenByTerritories: proof != nil))
            guard let value, result.status != .interrupted else {
                stopped = .notReached
                continue
            }
            values.append(value)
            // Hold this stage within the gap the solver was allowed, measured on its own scale.
            let slack = max(abs(value) * max(options.mipGap, 1e-9), 1e-9)
            fixed.append((stage.rowName(position), terms, value - slack))
        }
        return (last, values, records, nextProgram)
    }

    /// The primal heuristic's plan for a stage whose objective is over the model's variables, extended with the stages'
    /// variables; nil unless it keeps every row of the stage's `program` and beats `current` on the stage's objective.
    /// The coverage floors `Σ_j coverage[t,j] ≥ D_t × z` (z the ratio an earlier `maxmin` stage holds, or the
    /// frontier's floor) are given to the heuristic as rows of its own program, so that it repairs and keeps them.
    static func heuristicStart(
        _ stage: ObjectiveStage, terms: [(Variable, Double)], program: LinearProgram, model: AllocationModel,
        scenario: Scenario, extras: Extras, heldRatio: Double?, minRatioFloor: Double?,
        solver: any LinearSolver, options: SolverOptions, than current: [Double]?
    ) -> [Double]? {
        switch stage {
        case .value, .coverage, .cost: break
        case .maxmin:
            return maxminStart(
                terms: terms, program: program, model: model, scenario: scenario, extras: extras, solver: solver,
                options: options, than: current)
        default: return nil
        }
        let modelCount = model.program.variables.count
        guard terms.allSatisfy({ $0.0.index < modelCount }) else { return nil }
        let own = withCoverageFloors(
            model: model, scenario: scenario, objective: terms, ratio: max(heldRatio ?? 0, minRatioFloor ?? 0))
        let seconds = options.timeLimitSeconds.isFinite ? min(5, options.timeLimitSeconds / 8) : 5
        guard
            let found = PrimalHeuristic.plan(
                for: model, program: own, solver: solver, options: options, timeLimitSeconds: seconds),
            let candidate = extras.extend(found.values),
            program.largestViolation(of: candidate, tolerance: 1e-6) == nil
        else { return nil }
        let score = { (values: [Double]) in terms.reduce(0.0) { $0 + $1.1 * values[$1.0.index] } }
        if let current, current.count == candidate.count, program.largestViolation(of: current, tolerance: 1e-6) == nil,
            score(current) >= score(candidate)
        {
            return nil
        }
        return candidate
    }

    /// A `maxmin` stage's start (`MaxminStart`): a plan at the largest coverage floor found between the ratio `current`
    /// already reaches and the stage's relaxation; nil unless it keeps every row of `program` and reaches a larger
    /// ratio than `current`.
    static func maxminStart(
        terms: [(Variable, Double)], program: LinearProgram, model: AllocationModel, scenario: Scenario,
        extras: Extras, solver: any LinearSolver, options: SolverOptions, than current: [Double]?
    ) -> [Double]? {
        guard let ratio = extras.minRatio else { return nil }
        let usable = current.flatMap {
            $0.count == program.variables.count && program.largestViolation(of: $0, tolerance: 1e-6) == nil ? $0 : nil
        }
        let lowest = usable.map { $0[ratio.index] } ?? 0
        let seconds = options.timeLimitSeconds.isFinite ? min(2, options.timeLimitSeconds / 16) : 2
        let score = { (values: [Double]) in terms.reduce(0.0) { $0 + $1.1 * values[$1.0.index] } }
        guard
            let found = MaxminStart.plan(
                model: model, scenario: scenario, maxminProgram: program, lowest: lowest, solver: solver,
                options: options, seconds: seconds),
            let candidate = extras.extend(found),
            program.largestViolation(of: candidate, tolerance: 1e-6) == nil
        else { return nil }
        if let usable, score(usable) >= score(candidate) { return nil }
        return candidate
    }

    /// A stage's result for `plan` (values of `program`), proven within the gap by `bound` (in the program's scale)
    /// without the solver.
    static func proven(_ plan: [Double], bound: Double, program: LinearProgram, since started: Date) -> SolveResult {
        let objective = program.variables.indices.reduce(program.objectiveConstant) {
            $0 + program.variables[$1].objective * plan[$1]
        }
        return SolveResult(
            status: .optimal, objective: objective, bestBound: bound,
            relativeGap: SolveResult.relativeGap(objective: objective, bound: bound), values: plan,
            rowActivities: program.constraints.indices.map { program.activity(ofConstraint: $0, values: plan) },
            seconds: Date().timeIntervalSince(started), nodes: 0)
    }

    static func status(of result: SolveResult) -> StageRecord.Status {
        switch result.status {
        case .optimal: .optimal
        case .feasible: .feasible
        case .interrupted: .interrupted
        case .infeasible: .infeasible
        case .unbounded: .unbounded
        // The run's budget (Pipeline's `RunBudget.noTimeLeft`) left nothing for this stage: it never started.
        case .noSolution: result.limitReached == "skipped: no time left" ? .noTimeLeft : .noSolution
        }
    }

    /// The variables and rows the stages add to the model, in the order they were added, each with
    /// the value a plan of the model gives it (to extend a start).
    struct Extras {
        var minRatio: Variable?
        /// One array of `distance[t]` per closeness stage, by stage position.
        var distances: [Int: [Variable]] = [:]
        var endowed: [Variable] = []
        /// What each row the stages add is, in the order they were added.
        var rows: [RowRef] = []
        private var added: [(Variable, ([Double]) -> Double)] = []
        private let modelCount: Int

        init(
            adding stages: [ObjectiveStage], to program: inout LinearProgram, model: AllocationModel,
            scenario: Scenario,
            minRatioFloor: Double?
        ) {
            modelCount = model.program.variables.count
            if stages.contains(.maxmin) || minRatioFloor != nil {
                let floor = min(max(minRatioFloor ?? 0, 0), 1)
                let variable = program.addVariable("min_ratio", lower: floor, upper: 1)
                minRatio = variable
                var ratios: [([Variable], Double)] = []
                for territory in scenario.territories {
                    let need = scenario.need[territory.code] ?? 0
                    guard need > 0, let segments = model.coverageVariables[territory.code] else { continue }
                    program.addConstraint(
                        "min_ratio[\(territory.code)]", segments.map { ($0, 1.0) } + [(variable, -need)], lower: 0)
                    rows.append(RowRef(.minRatio, .territory(territory.code)))
                    ratios.append((segments, need))
                }
                // The largest value the rows allow: the plan's own smallest ratio.
                added.append(
                    (
                        variable,
                        { values in
                            min(
                                max(
                                    ratios.map { segments, need in segments.reduce(0.0) { $0 + values[$1.index] } / need
                                    }.min() ?? 1, 0), 1)
                        }
                    ))
            }
            for (position, stage) in stages.enumerated() {
                guard case .closeness(_, let target, let previous) = stage else { continue }
                var list: [Variable] = []
                if !previous.isEmpty {
                    var pooled = added
                    let list = Self.poolDistances(
                        position: position, previous: previous, to: &program, model: model,
                        scenario: scenario, added: &pooled, rows: &rows)
                    added = pooled
                    distances[position] = list
                    continue
                }
                var counted: [ParityRows.Counted] = []
                for territory in scenario.territories {
                    guard let posts = model.postVariables[territory.code] else { continue }
                    let goal = Double(target[territory.code] ?? 0)
                    // distance ≥ |posts − goal|, as two rows; minimising the distance makes it equal. Continuous: as
                    // integer columns (exact too) they changed GLPK's search for the worse (€120M: 1,587 proven → 1,590
                    // at the limit), and the stage already counts whole posts (below).
                    let distance = program.addVariable(
                        "distance[\(position),\(territory.code)]", lower: 0, upper: .infinity)
                    program.addConstraint(
                        "closeness_above[\(position),\(territory.code)]", [(distance, 1), (posts, -1)], lower: -goal)
                    program.addConstraint(
                        "closeness_below[\(position),\(territory.code)]", [(distance, 1), (posts, 1)], lower: goal)
                    rows += [
                        RowRef(.closenessAbove, .other("\(position),\(territory.code)")),
                        RowRef(.closenessBelow, .other("\(position),\(territory.code)")),
                    ]
                    list.append(distance)
                    added.append((distance, { values in abs(values[posts.index] - goal) }))
                    counted.append(([posts], goal))
                }
                Self.addParity(
                    position: position, distances: list, counted: counted, to: &program, rows: &rows, added: &added)
                distances[position] = list
            }
            if !distances.isEmpty {
                for total in OptionTotals.add(decisions: model.decisions, to: &program) {
                    rows.append(RowRef(.optionTotal, .other(total.option)))
                    added.append((total.column, { values in OptionTotals.value(of: total.members, at: values) }))
                }
            }
            if stages.contains(.endow) {
                for territory in scenario.territories {
                    guard let posts = model.postVariables[territory.code] else { continue }
                    let variable = program.addVariable("endowed[\(territory.code)]", lower: 0, upper: 1, kind: .integer)
                    program.addConstraint("endow_link[\(territory.code)]", [(variable, 1), (posts, -1)], upper: 0)
                    rows.append(RowRef(.endowLink, .territory(territory.code)))
                    endowed.append(variable)
                    added.append((variable, { values in values[posts.index] >= 0.5 ? 1 : 0 }))
                }
            }
        }

        /// The closeness stage's parity rows (`ParityRows`): `closeness_total[i]` over `closeness_posts[i]` and
        /// `closeness_parity[i]` over `closeness_half[i]`, each column with its value at a start.
        static func addParity(
            position: Int, distances: [Variable], counted: [ParityRows.Counted],
            to program: inout LinearProgram, rows: inout [RowRef], added: inout [(Variable, ([Double]) -> Double)]
        ) {
            guard
                let (total, half) = ParityRows.add(
                    position: position, distances: distances, counted: counted, to: &program)
            else { return }
            rows += [RowRef(.closenessTotal, .other("\(position)")), RowRef(.closenessParity, .other("\(position)"))]
            added.append((total, { values in ParityRows.values(counted, at: values).total }))
            added.append((half, { values in ParityRows.values(counted, at: values).half }))
        }

        /// Who holds a pool's posts under one option: the model's own variables for (territory, kind, option).
        struct PoolOption: Hashable {
            let territory: String
            let kind: String
            let option: String
        }

        /// The stability stage's distances per (territory, kind, option): `distance[i,t,k,f]` ≥ |Σ x[t,k,f(,n)] +
        /// committed[t,k,f] − P_{t,k,f}|, P the previous run's posts at the structures of (t,k) under f (structures the
        /// scenario no longer has are left out: no plan can hold them). Closer pools let the splitter keep the previous
        /// holders (`PlanSplitter`'s preferred placements).
        static func poolDistances(
            position: Int, previous: [PreviousRun.Held], to program: inout LinearProgram, model: AllocationModel,
            scenario: Scenario, added: inout [(Variable, ([Double]) -> Double)], rows: inout [RowRef]
        ) -> [Variable] {
            let structures = Dictionary(
                scenario.structures.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            var goals: [PoolOption: Int] = [:]
            for held in previous {
                guard let structure = structures[held.structureID] else { continue }
                goals[
                    PoolOption(territory: structure.territory, kind: structure.kind, option: held.option), default: 0] +=
                    held.posts
            }
            var members: [PoolOption: [Variable]] = [:]
            var order: [PoolOption] = []
            for decision in model.decisions {
                let key = PoolOption(territory: decision.territory, kind: decision.kind, option: decision.option)
                if members[key] == nil { order.append(key) }
                members[key, default: []].append(decision.variable)
            }
            for (_, variables) in model.committedVariables {
                for variable in variables {
                    guard let committed = model.committedKeys[variable.index] else { continue }
                    let key = PoolOption(territory: committed.territory, kind: committed.kind, option: committed.option)
                    if members[key] == nil { order.append(key) }
                    members[key, default: []].append(variable)
                }
            }
            var list: [Variable] = []
            var counted: [ParityRows.Counted] = []
            for key in order {
                let terms = members[key]!
                let goal = Double(goals[key] ?? 0)
                let label = "\(position),\(key.territory),\(key.kind),\(key.option)"
                let distance = program.addVariable("distance[\(label)]", lower: 0, upper: .infinity)
                program.addConstraint(
                    "closeness_above[\(label)]", [(distance, 1)] + terms.map { ($0, -1) }, lower: -goal)
                program.addConstraint("closeness_below[\(label)]", [(distance, 1)] + terms.map { ($0, 1) }, lower: goal)
                rows += [RowRef(.closenessAbove, .other(label)), RowRef(.closenessBelow, .other(label))]
                list.append(distance)
                added.append((distance, { values in abs(terms.reduce(0.0) { $0 + values[$1.index] } - goal) }))
                counted.append((terms, goal))
            }
            addParity(position: position, distances: list, counted: counted, to: &program, rows: &rows, added: &added)
            return list
        }

        /// A start for the staged program from values of the model's variables; nil when the counts differ.
        func extend(_ values: [Double]) -> [Double]? {
            guard values.count == modelCount else { return nil }
            var result = values
            for (variable, value) in added {
                precondition(variable.index == result.count, "extras are appended in order")
                result.append(value(values))
            }
            return result
        }
    }

    /// The factor a stage's terms are multiplied by in the program handed to the solver (its value, bound and held row
    /// stay in the stage's own units). GLPK's simplex calls a basis optimal when no reduced cost exceeds its tolerance
    /// (10⁻⁷); a ratio maximised with coefficient 1 against rows whose coefficients are needs (10⁴–10⁶ people) has
    /// reduced costs below that. Measured on the €150M max-min relaxation: GLPK's primal simplex stopped at 0.188 and
    /// its dual simplex at 0.214, both "optimal", where the optimum is 0.2166 (GLPK's exact simplex, HiGHS). Maximising
    /// the ratio in people, times the mean need of a territory, gives the exact optimum in both.
    public static func objectiveScale(_ stage: ObjectiveStage, scenario: Scenario) -> Double {
        guard case .maxmin = stage else { return 1 }
        let needs = scenario.territories.compactMap { scenario.need[$0.code] }.filter { $0 > 0 }
        return needs.isEmpty ? 1 : max(needs.reduce(0, +) / Double(needs.count), 1)
    }

    /// The terms a stage maximises, over the model's variables and the stages' own.
    static func objective(
        _ stage: ObjectiveStage, position: Int, model: AllocationModel, scenario: Scenario,
        extras: Extras
    ) -> [(Variable, Double)] {
        switch stage {
        case .value:
            return model.program.variables.indices.compactMap { index in
                let coefficient = model.program.variables[index].objective
                return coefficient != 0 ? (Variable(index: index), coefficient) : nil
            }
        case .coverage:
            return coverageTerms(model: model, scenario: scenario)
        case .maxmin:
            return [(extras.minRatio!, 1.0)]
        case .cost:
            let budget = max(scenario.parameters.budgetEUR, 1)
            return model.decisions.map { ($0.variable, -$0.stateCostEUR / budget) }
        case .endow:
            return extras.endowed.map { ($0, 1.0) }
        case .closeness:
            return (extras.distances[position] ?? []).map { ($0, -1.0) }
        }
    }

    /// People covered, counted linearly: the `coverage` stage's terms.
    static func coverageTerms(model: AllocationModel, scenario: Scenario) -> [(Variable, Double)] {
        scenario.territories.flatMap { territory in (model.coverageVariables[territory.code] ?? []).map { ($0, 1.0) } }
    }

    /// The model's program with `objective` and, when `ratio` > 0, a row `coverage_floor[t]`: Σ_j coverage[t,j] ≥ D_t ×
    /// ratio on every territory with need, one territory per row so that the primal heuristic repairs it by adding
    /// posts there (the staged heuristic starts, `MaxminStart`).
    static func withCoverageFloors(
        model: AllocationModel, scenario: Scenario, objective: [(Variable, Double)],
        ratio: Double
    ) -> LinearProgram {
        var program = copy(model.program, objective: objective)
        guard ratio > 0 else { return program }
        for territory in scenario.territories {
            let need = scenario.need[territory.code] ?? 0
            guard need > 0, let segments = model.coverageVariables[territory.code] else { continue }
            program.addConstraint("coverage_floor[\(territory.code)]", segments.map { ($0, 1.0) }, lower: need * ratio)
        }
        return program
    }

    /// A copy of `program` (maximising), with `objective` in place of its own when given.
    static func copy(_ program: LinearProgram, objective: [(Variable, Double)]? = nil) -> LinearProgram {
        let own = program.variables.indices.map { (Variable(index: $0), program.variables[$0].objective) }
        return program.replacingObjective(objective ?? own, sense: .maximize)
    }
}
