import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// What one more euro or one more post buys, and what each family of floors or caps costs, measured by
/// re-solving the integer plan (not by LP duals, which a MIP does not have).
public enum Sensitivity {
    public struct Row: Sendable, Hashable {
        /// What was changed, in words.
        public let label: String
        /// The `--set` text of the variant's change (`ScenarioChange.description`).
        public let override: String
        public let status: String
        public let objective: Double?
        public let coverage: Double?
        /// Variant minus base.
        public let deltaObjective: Double?
        public let deltaCoverage: Double?
        /// People covered per unit of change (per €1M of budget, per post); nil for the price of a rule.
        public let coveragePerUnit: Double?
        public let unit: String
        /// The re-solve's own relative gap (a limit or the run's budget may stop it short of the tolerance).
        public let relativeGap: Double?

        public init(
            label: String, override: String, status: String, objective: Double?, coverage: Double?,
            deltaObjective: Double?,
            deltaCoverage: Double?, coveragePerUnit: Double?, unit: String, relativeGap: Double? = nil
        ) {
            self.relativeGap = relativeGap
            self.label = label
            self.override = override
            self.status = status
            self.objective = objective
            self.coverage = coverage
            self.deltaObjective = deltaObjective
            self.deltaCoverage = deltaCoverage
            self.coveragePerUnit = coveragePerUnit
            self.unit = unit
        }
    }

    /// A solved and verified plan's headline figures.
    public struct Point: Sendable, Hashable {
        public let objective: Double
        public let coverage: Double
        /// The solve's relative gap, when it is a re-solve's.
        public var relativeGap: Double?

        public init(objective: Double, coverage: Double, relativeGap: Double? = nil) {
            self.objective = objective
            self.coverage = coverage
            self.relativeGap = relativeGap
        }
    }

    /// Solves, splits and evaluates one scenario with the default objective; nil when it has no plan.
    public static func point(
        _ scenario: Scenario, solver: any LinearSolver, options: SolverOptions
    ) throws -> (Point?, String) {
        let model = AllocationModel(scenario: scenario)
        // The heuristic first: GLPK alone can stall on a variant whose start (the run's plan) breaks its new rule.
        let result = try HeuristicFirst.solve(model, solver: solver, options: options)
        // A re-solve the run's budget never started says so ("skipped: no time left"), not "noSolution".
        if !result.hasSolution, result.limitReached == "skipped: no time left" { return (nil, "skipped: no time left") }
        guard result.hasSolution, result.status == .optimal || result.status == .feasible else {
            return (nil, result.status.rawValue)
        }
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        let found = PlanVerifier.violations(of: plan, scenario: scenario)
        guard found.isEmpty else { return (nil, "rejected") }
        let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
        return (
            Point(objective: evaluation.objective, coverage: evaluation.coverage, relativeGap: result.relativeGap),
            result.status.rawValue
        )
    }

    /// The standard set of variants around `base`: budget ±€1M and ±€10M, posts ±1 and ±100, and the
    /// scenario without its territory floors, territory caps and région caps, each as a typed change;
    /// only those whose value stays in the key's documented range.
    public static func variants(
        of scenario: Scenario
    ) -> [(label: String, change: ScenarioChange, unitChange: Double?, unit: String)] {
        let budget = scenario.parameters.budgetEUR
        let posts = scenario.parameters.posts
        var list: [(String, ScenarioChange, Double?, String)] = []
        for change in [-10_000_000.0, -1_000_000, 1_000_000, 10_000_000] where budget + change > 0 {
            let millions = change / 1_000_000
            list.append(
                (
                    "budget \(change > 0 ? "+" : "−")€\(Int(abs(millions)))M", .budget(budget + change), millions,
                    "per €1M"
                ))
        }
        for change in [-100, -1, 1, 100] where posts + change > 0 {
            list.append(
                ("posts \(change > 0 ? "+" : "−")\(abs(change))", .posts(posts + change), Double(change), "per post"))
        }
        if scenario.parameters.limits.territoryMinPosts > 0 {
            list.append(("without the territory floors", .territoryMinPosts(0), nil, "price of the rule"))
        }
        if scenario.parameters.limits.territoryMaxShare < 1 {
            list.append(("without the territory caps", .territoryMaxShare(1), nil, "price of the rule"))
        }
        if scenario.parameters.limits.regionMaxShare < 1 {
            list.append(("without the région caps", .regionMaxShare(1), nil, "price of the rule"))
        }
        // A step past the documented range (budget + €10M at its upper edge) is left out, not an error of the run.
        return list.filter { $0.1.isWithinRange }
    }

    /// A variant of the standard set with its scenario, made in memory from the scenario the run read.
    public struct Variant: Sendable {
        public let label: String
        public let change: ScenarioChange
        public let unitChange: Double?
        public let unit: String
        public let scenario: Scenario
    }

    /// The standard variants with their scenarios: `scenario.applying(change)`, so no file is read again and a
    /// variant differs from the run's scenario (its `--set` overrides included) by its change only.
    public static func prepare(scenario: Scenario) throws(ScenarioError) -> [Variant] {
        var list: [Variant] = []
        for variant in variants(of: scenario) {
            list.append(
                Variant(
                    label: variant.label, change: variant.change, unitChange: variant.unitChange, unit: variant.unit,
                    scenario: try scenario.applying(variant.change)))
        }
        return list
    }

    /// Re-solves every variant and returns the table's rows; this is the path `repartir run` takes.
    /// `baseValues`, the base plan's solution, is offered to each variant as a MIP start: it is
    /// feasible for every variant that relaxes a rule (more budget, more posts, no floor, no cap), so
    /// those variants never score below the base, and they are answered at the root when it is good enough.
    /// The variants are independent, so they are solved on every core (GLPK keeps one environment per thread).
    /// `alongside`, when given, is one more long job (the run's frontier), run on a thread of its own beside the
    /// variants, the budget changes first (they measured longest), so both cores stay busy to the last solve.
    public static func run<Other: Sendable>(
        base: Point, baseValues: [Double]? = nil, scenario: Scenario,
        solver: any LinearSolver, options: SolverOptions,
        alongside other: (@Sendable () throws -> Other)?
    ) throws -> (rows: [Row], other: Other?) {
        let list = try prepare(scenario: scenario)
        let started = options.starting(from: baseValues)
        func isBudget(_ index: Int) -> Bool {
            if case .budget = list[index].change { return true }
            return false
        }
        let budgetFirst = list.indices.filter(isBudget) + list.indices.filter { !isBudget($0) }
        // The other job on a thread of its own, so that its own parallel solves are not nested in the variants' pool
        // (where libdispatch would run them one at a time); waited for before anything is returned or thrown.
        let side = other.map { job in Concurrent { Result { try job() } } }
        defer { _ = side?.value }
        let points = try ParallelSolves.map(budgetFirst) { index in
            (index, try point(list[index].scenario, solver: solver, options: started))
        }
        var solved = [(Point?, String)](repeating: (nil, ""), count: list.count)
        for (index, point) in points { solved[index] = point }
        return (rows(base: base, variants: list, points: solved), try side?.value.get())
    }

    /// The same, without another job.
    public static func run(
        base: Point, baseValues: [Double]? = nil, scenario: Scenario,
        solver: any LinearSolver, options: SolverOptions
    ) throws -> [Row] {
        let nothing: (@Sendable () throws -> Bool)? = nil
        return try run(
            base: base, baseValues: baseValues, scenario: scenario, solver: solver, options: options, alongside: nothing
        ).rows
    }

    /// The rows of the table, from each variant's solved point (in the variants' order).
    static func rows(base: Point, variants list: [Variant], points: [(Point?, String)]) -> [Row] {
        zip(list, points).map { variant, solved in
            let (point, status) = solved
            let deltaObjective = point.map { $0.objective - base.objective }
            let deltaCoverage = point.map { $0.coverage - base.coverage }
            let perUnit = variant.unitChange.flatMap { change in deltaCoverage.map { $0 / change } }
            return Row(
                label: variant.label, override: variant.change.description, status: status,
                objective: point?.objective, coverage: point?.coverage, deltaObjective: deltaObjective,
                deltaCoverage: deltaCoverage, coveragePerUnit: perUnit, unit: variant.unit,
                relativeGap: point?.relativeGap)
        }
    }
}
