import Foundation
import LinearProgramming
import Scenario

/// What one more euro or one more post buys, and what each family of floors or caps costs, measured by
/// re-solving the integer plan (not by LP duals, which a MIP does not have).
public enum Sensitivity {
    public struct Row: Sendable, Hashable {
        /// What was changed, in words.
        public let label: String
        /// The `--set` override that makes the variant.
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

        public init(label: String, override: String, status: String, objective: Double?, coverage: Double?, deltaObjective: Double?,
                    deltaCoverage: Double?, coveragePerUnit: Double?, unit: String) {
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

        public init(objective: Double, coverage: Double) {
            self.objective = objective
            self.coverage = coverage
        }
    }

    /// Solves, splits and evaluates one scenario with the default objective; nil when it has no plan.
    public static func point(_ scenario: Scenario, solver: any LinearSolver, options: SolverOptions) throws -> (Point?, String) {
        let model = AllocationModel(scenario: scenario)
        let result = try solver.solve(model.program, options: options)
        guard result.hasSolution, result.status == .optimal || result.status == .feasible else { return (nil, result.status.rawValue) }
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        let found = PlanVerifier.violations(of: plan, scenario: scenario)
        guard found.isEmpty else { return (nil, "rejected") }
        let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
        return (Point(objective: evaluation.objective, coverage: evaluation.coverage), result.status.rawValue)
    }

    /// The standard set of variants around `base`: budget ±€1M and ±€10M, posts ±1 and ±100, and the
    /// scenario without its territory floors, territory caps and région caps.
    public static func variants(of scenario: Scenario) -> [(label: String, override: ParameterOverride, unitChange: Double?, unit: String)] {
        let budget = scenario.parameters.budgetEUR
        let posts = scenario.parameters.posts
        var list: [(String, ParameterOverride, Double?, String)] = []
        for change in [-10_000_000.0, -1_000_000, 1_000_000, 10_000_000] where budget + change > 0 {
            let millions = change / 1_000_000
            list.append(("budget \(change > 0 ? "+" : "−")€\(Int(abs(millions)))M", ParameterOverride(key: "programme.budget_eur", value: String(Int(budget + change))), millions, "per €1M"))
        }
        for change in [-100, -1, 1, 100] where posts + change > 0 {
            list.append(("posts \(change > 0 ? "+" : "−")\(abs(change))", ParameterOverride(key: "programme.posts", value: String(posts + change)), Double(change), "per post"))
        }
        if scenario.parameters.limits.territoryMinPosts > 0 {
            list.append(("without the territory floors", ParameterOverride(key: "limits.territory_min_posts", value: "0"), nil, "price of the rule"))
        }
        if scenario.parameters.limits.territoryMaxShare < 1 {
            list.append(("without the territory caps", ParameterOverride(key: "limits.territory_max_share", value: "1"), nil, "price of the rule"))
        }
        if scenario.parameters.limits.regionMaxShare < 1 {
            list.append(("without the région caps", ParameterOverride(key: "limits.region_max_share", value: "1"), nil, "price of the rule"))
        }
        return list
    }

    /// A variant of the standard set, with its scenario loaded.
    public typealias Variant = (label: String, override: ParameterOverride, unitChange: Double?, unit: String, scenario: Scenario)

    /// Re-solves every variant; `load` turns extra overrides into a scenario (the run's own overrides first).
    /// `baseValues`, the base plan's solution, is offered to each variant as a MIP start: it is
    /// feasible for every variant that relaxes a rule (more budget, more posts, no floor, no cap), so
    /// those variants never score below the base, and they are answered at the root when it is good enough.
    /// The variants are independent, so they are solved two at a time (GLPK keeps one environment per thread).
    public static func run(base: Point, baseValues: [Double]? = nil, scenario: Scenario,
                           load: ([ParameterOverride]) throws -> Scenario,
                           solver: any LinearSolver, options: SolverOptions) throws -> [Row] {
        let list = try prepare(scenario: scenario, load: load)
        let started = options.starting(from: baseValues)
        let points = try ParallelSolves.map(list.map(\.scenario)) { try Sensitivity.point($0, solver: solver, options: started) }
        return rows(base: base, variants: list, points: points)
    }

    /// The standard variants with their scenarios.
    public static func prepare(scenario: Scenario, load: ([ParameterOverride]) throws -> Scenario) throws -> [Variant] {
        try variants(of: scenario).map { ($0.label, $0.override, $0.unitChange, $0.unit, try load([$0.override])) }
    }

    /// The rows of the table, from each variant's solved point (in the variants' order).
    public static func rows(base: Point, variants list: [Variant], points: [(Point?, String)]) -> [Row] {
        zip(list, points).map { variant, solved in
            let (point, status) = solved
            let deltaObjective = point.map { $0.objective - base.objective }
            let deltaCoverage = point.map { $0.coverage - base.coverage }
            let perUnit = variant.unitChange.flatMap { change in deltaCoverage.map { $0 / change } }
            return Row(label: variant.label, override: "\(variant.override.key)=\(variant.override.value)", status: status,
                       objective: point?.objective, coverage: point?.coverage, deltaObjective: deltaObjective,
                       deltaCoverage: deltaCoverage, coveragePerUnit: perUnit, unit: variant.unit)
        }
    }
}

/// Runs independent solves on the machine's cores (at most `width` at once) and keeps their order:
/// inputs are taken in order, so put the longest first to keep both cores busy to the end.
public enum ParallelSolves {
    public static func map<Input: Sendable, Output: Sendable>(_ inputs: [Input], width: Int = max(1, ProcessInfo.processInfo.activeProcessorCount),
                                                       _ body: @Sendable (Input) throws -> Output) throws -> [Output] {
        let results = ResultBox<Output>(count: inputs.count)
        DispatchQueue.concurrentPerform(iterations: min(max(1, width), inputs.count)) { _ in
            while let index = results.claim(limit: inputs.count) {
                do { results.set(index, .success(try body(inputs[index]))) } catch { results.set(index, .failure(error)) }
            }
        }
        return try results.values.map { try $0!.get() }
    }

    /// A lock-protected array of results and the index of the next input to take.
    final class ResultBox<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Result<Value, Error>?]
        private var counter = 0

        init(count: Int) { values = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ value: Result<Value, Error>) {
            lock.lock(); defer { lock.unlock() }
            values[index] = value
        }

        func claim(limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard counter < limit else { return nil }
            counter += 1
            return counter - 1
        }
    }
}
