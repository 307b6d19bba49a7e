import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// How much the plan owes to the scenario's guesses: the scenario is re-solved with each guess pushed to
/// the ends of its documented range (`robustness.*`: host capacities, host co-financing money, people per
/// post-year, the need's fragility spread), every other input as written, and each variant's posts per territory are
/// compared with the run's plan. Re-solves, like `Sensitivity`: each variant is split and verified like the main plan.
public enum Robustness {
    /// Which guess a variant moves.
    public enum Guess: String, Sendable, Hashable, CaseIterable {
        case capacity = "robustness.capacity_factors"
        case cofinancing = "robustness.cofinancing_factors"
        case peoplePerPostYear = "robustness.people_per_post_year"
        case fragilitySpread = "robustness.fragility_spreads"

        public var label: String {
            switch self {
            case .capacity: "host capacities ×"
            case .cofinancing: "host co-financing money ×"
            case .peoplePerPostYear: "people per post-year ="
            case .fragilitySpread: "need's fragility spread s ="
            }
        }
    }

    /// One variant: the guess, its value and the scenario it gives.
    public struct Variant: Sendable {
        public let guess: Guess
        public let value: Double
        public let scenario: Scenario
        public var label: String { "\(guess.label) \(Self.text(value))" }

        static func text(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(value)
        }
    }

    /// A solved variant: status, gap and the plan's posts per territory (in the scenario's territory order).
    public struct Row: Sendable {
        public let guess: Guess
        public let value: Double
        public let label: String
        public let status: String
        public let relativeGap: Double?
        public let objective: Double?
        public let coverage: Double?
        public let posts: Int?
        public let stateCostEUR: Double?
        /// Posts per territory, nil without a verified plan.
        public let territoryPosts: [Int]?
        /// The max-min relaxation's bound on the highest floor under this variant (capacity variants, when the scenario
        /// draws a frontier; `Frontier.highestFloorBound`). The highest floor rests on the hosts' capacities, a guess
        /// (a review: doubled capacities move it from 21.1 % to 25.5 %, unsaid).
        public var highestFloorBound: Double? = nil
    }

    /// The whole analysis: the base plan, the variants and what survives them.
    public struct Report: Sendable {
        public let codes: [String]
        public let names: [String]
        public let basePosts: [Int]
        /// 2021 posts per territory, nil where unknown.
        public let posts2021: [Int?]
        public let baseObjective: Double
        public let baseCoverage: Double
        public let rows: [Row]
        /// The threshold of "moved": more than this many posts from the base plan.
        public let movedPosts: Int
        /// The base plan is the main solve's own, before the tie-break chose the published one (the variants are
        /// solved the same way, by the objective alone).
        public var againstSolverOwnPlan = false
        /// The max-min relaxation's bound on the scenario's own highest floor, beside the capacity variants' (nil
        /// without them).
        public var baseHighestFloorBound: Double?
        /// The posts each territory can hold in a plan of the scenario within the MIP gap (the run's ranges: outer
        /// bounds, and the plans found at their ends), when computed. A variant's posts between the plans found are
        /// posts the scenario itself could have chosen: not an effect of the guess (a review found all 7 "moves" of
        /// one variant there).
        public var baseRanges: [PostRanges.Range?]?

        /// True when `posts` lies between the plans found at the two ends of territory `t`'s range within the gap
        /// (real plans of the scenario, not the LP's outer bounds: a review found 20 of 83 such differences beyond
        /// every plan found); false without ranges or without a plan found at either end.
        public func insideBaseRange(_ t: Int, _ posts: Int) -> Bool {
            guard let range = baseRanges?[t] ?? nil, let low = range.lowFound, let high = range.highFound else {
                return false
            }
            return low <= posts && posts <= high
        }

        /// True when `posts` lies outside the bounds of territory `t`'s range within the gap (its outer bounds: no plan
        /// of the scenario within the gap holds that many), or when the ranges are not known.
        public func outsideBaseBounds(_ t: Int, _ posts: Int) -> Bool {
            guard let range = baseRanges?[t] ?? nil else { return true }
            return !range.contains(posts)
        }

        /// Territories moved by more than `movedPosts` in a row and outside their base range, largest move first:
        /// outside its bounds when the ranges are known, so that no plan of the scenario itself holds those posts (a
        /// review found La Réunion's 30 posts, between the plans found, 31, and the bound, 26, called a move of the
        /// variant, where HiGHS found a plan of the scenario with 30 within the gap).
        public func moved(in row: Row) -> [(index: Int, delta: Int)] {
            guard let posts = row.territoryPosts else { return [] }
            return posts.indices.map { ($0, posts[$0] - basePosts[$0]) }
                .filter { abs($0.1) > movedPosts && outsideBaseBounds($0.0, posts[$0.0]) }
                .sorted { (abs($0.1), codes[$1.0]) > (abs($1.1), codes[$0.0]) }
        }

        /// Territories that differ by more than `movedPosts` in a row, outside the plans found but inside the bounds:
        /// whether a plan of the scenario within the gap holds those posts is not decided.
        public func undecided(in row: Row) -> [Int] {
            guard let posts = row.territoryPosts, baseRanges != nil else { return [] }
            return posts.indices.filter {
                abs(posts[$0] - basePosts[$0]) > movedPosts && !insideBaseRange($0, posts[$0])
                    && !outsideBaseBounds($0, posts[$0])
            }
        }

        /// Territories that differ by more than `movedPosts` in a row but stay inside their base range.
        public func movedInsideRange(in row: Row) -> Int {
            guard let posts = row.territoryPosts else { return 0 }
            return posts.indices.filter {
                abs(posts[$0] - basePosts[$0]) > movedPosts && insideBaseRange($0, posts[$0])
            }
            .count
        }

        /// Rows with a verified plan.
        public var solved: [Row] { rows.filter { $0.territoryPosts != nil } }

        /// Territories moved (`moved(in:)`, outside the base bounds) by at least one solved variant: their posts depend
        /// on the guesses.
        public var movedTerritories: [Int] {
            Set(solved.flatMap { moved(in: $0).map(\.index) }).sorted()
        }

        /// Territories within ±movedPosts of the base plan, or inside their base range, in every solved variant.
        public var stableTerritories: [Int] {
            basePosts.indices.filter { t in
                solved.allSatisfy {
                    let posts = $0.territoryPosts![t]
                    return abs(posts - basePosts[t]) <= movedPosts || insideBaseRange(t, posts)
                }
            }
        }

        /// Territories that gain (sign +1) or lose (−1) posts against 2021 in every solved variant and in the base:
        /// in every plan within the gap when the ranges are known (the whole range on that side of 2021), in the base
        /// plan otherwise.
        public func sameSignAgainst2021(_ sign: Int) -> [Int] {
            basePosts.indices.filter { t in
                guard let before = posts2021[t] else { return false }
                let base: [Int]
                if let ranges = baseRanges {
                    guard let range = ranges[t] else { return false }
                    base = [range.low, range.high]
                } else {
                    base = [basePosts[t]]
                }
                let plans = base + solved.map { $0.territoryPosts![t] }
                return plans.allSatisfy { ($0 - before).signum() == sign }
            }
        }
    }

    /// The variants of the scenario's `robustness.*` ranges, in the order capacity, co-financing, people per post-year,
    /// fragility spread. Each keeps the scenario's commitments and demand (a review found the waves scenario's variants
    /// solved without its signed posts: every variant 13–27 % "above" the plan, from the commitments alone).
    public static func variants(of scenario: Scenario) -> [Variant] {
        let ranges = scenario.parameters.robustness
        var list: [Variant] = []
        // Posts a commitment already holds at a structure (locked or at least): facts, not guesses, so a capacity
        // factor never takes a host below them (the waves scenario's signed posts, at capacity × 0.5).
        var committed: [String: Int] = [:]
        for commitment in scenario.commitments where commitment.mode != .max {
            committed[commitment.structureID, default: 0] += commitment.posts
        }
        for factor in ranges.capacityFactors {
            let structures = scenario.structures.map {
                HostStructure(
                    id: $0.id, name: $0.name, territory: $0.territory, kind: $0.kind,
                    capacity: max(
                        RobustnessParameters.scaled(capacity: $0.capacity, by: factor), committed[$0.id] ?? 0),
                    cofinancingEUR: $0.cofinancingEUR, posts2021: $0.posts2021)
            }
            list.append(
                Variant(
                    guess: .capacity, value: factor,
                    scenario: Scenario(
                        parameters: scenario.parameters, territories: scenario.territories, structures: structures,
                        inputFiles: scenario.inputFiles, commitments: scenario.commitments, communes: scenario.communes)
                ))
        }
        for factor in ranges.cofinancingFactors {
            // Whole cents, as host shares are: a factor never invents a fraction of a cent.
            let structures = scenario.structures.map {
                HostStructure(
                    id: $0.id, name: $0.name, territory: $0.territory, kind: $0.kind, capacity: $0.capacity,
                    cofinancingEUR: ($0.cofinancingEUR * factor * 100).rounded(.down) / 100, posts2021: $0.posts2021)
            }
            list.append(
                Variant(
                    guess: .cofinancing, value: factor,
                    scenario: Scenario(
                        parameters: scenario.parameters, territories: scenario.territories, structures: structures,
                        inputFiles: scenario.inputFiles, commitments: scenario.commitments, communes: scenario.communes)
                ))
        }
        /// The scenario with one parameter changed (κ, or the need's formula), the effective parameters saying so.
        func changed(
            _ path: String, _ value: Double, peoplePerPostYear: Double? = nil, need: NeedParameters? = nil
        ) -> Scenario {
            let old = scenario.parameters
            var parameters = ScenarioParameters(
                name: old.name, title: old.title, posts: old.posts, budgetEUR: old.budgetEUR,
                peoplePerPostYear: peoplePerPostYear ?? old.peoplePerPostYear,
                need: need ?? old.need, kinds: old.kinds, fundingOptions: old.fundingOptions, limits: old.limits,
                objective: old.objective, solver: old.solver,
                effective: (old.effective.filter { $0.path != path } + [(path: path, value: Variant.text(value))])
                    .sorted { $0.path < $1.path },
                comparison: old.comparison, basis: old.basis)
            parameters.robustness = .none
            return Scenario(
                parameters: parameters, territories: scenario.territories, structures: scenario.structures,
                inputFiles: scenario.inputFiles, commitments: scenario.commitments, communes: scenario.communes)
        }
        for people in ranges.peoplePerPostYear {
            list.append(
                Variant(
                    guess: .peoplePerPostYear, value: people,
                    scenario: changed("service.people_per_post_year", people, peoplePerPostYear: people)))
        }
        // The need's spread over the fragility index (interval scale): the national need stays the same, its split
        // between territories moves (the loader refuses this key for a scenario without `need.fragility_spread`).
        let need = scenario.parameters.need
        for spread in ranges.fragilitySpreads where need.fragilitySpread != nil {
            list.append(
                Variant(
                    guess: .fragilitySpread, value: spread,
                    scenario: changed(
                        "need.fragility_spread", spread,
                        need: NeedParameters(
                            rate15Plus: need.rate15Plus, rate75Plus: need.rate75Plus,
                            fragilityExponent: need.fragilityExponent, fragilitySpread: spread))))
        }
        return list
    }

    /// Each variant's solve options: at most its turn's share of half the time limit (the variants run one per core),
    /// so that variants GLPK cannot close (national €20M: every host's capacity halved or doubled, 0.15 % from the
    /// relaxation) do not take the run's whole budget from the others ("skipped: no time left"); the other half is the
    /// later analyses'. A share of the limit, not of the time left: the run's budget still clamps each solve. Variants
    /// that close (the default scenario's, in well under a second) never reach it.
    static func variantOptions(
        _ options: SolverOptions, count: Int, width: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    ) -> SolverOptions {
        guard options.timeLimitSeconds.isFinite, count > 0 else { return options }
        var each = options
        let turns = (count + max(1, width) - 1) / max(1, width)
        each.timeLimitSeconds = options.timeLimitSeconds / 2 / Double(turns)
        return each
    }

    /// Re-solves every variant (on every core) and compares it with the base plan.
    /// `baseModel` and `baseValues` are the run's model and solution: each variant is offered them as a MIP
    /// start, matched by variable name (a variant's model can have other co-financing variables); a start that
    /// breaks a variant's rule (fewer hosts, less money, a different service row) is ignored, and GLPK starts from the
    /// better of it and the primal heuristic's plan (`HeuristicFirst`).
    public static func run(
        scenario: Scenario, basePlan: Plan, baseModel: AllocationModel, baseValues: [Double],
        solver: any LinearSolver, options: SolverOptions
    ) throws -> Report {
        let list = variants(of: scenario)
        let frontier = scenario.parameters.comparison.frontierPoints >= 2
        let options = variantOptions(options, count: list.count)
        var known: [String: Double] = [:]
        for (variable, value) in zip(baseModel.program.variables, baseValues) { known[variable.name] = value }
        let base = PlanEvaluation(plan: basePlan, scenario: scenario)
        let start = known
        let rows = try ParallelSolves.map(list) { variant -> Row in
            let model = AllocationModel(scenario: variant.scenario)
            let values = model.program.variables.map { start[$0.name] ?? 0 }
            let result = try HeuristicFirst.solve(model, solver: solver, options: options.starting(from: values))
            // An LP of the variant's scenario, whatever its plan's solve gave (a review: a variant whose solve failed
            // lost its bound).
            let floorBound =
                frontier && variant.guess == .capacity
                ? Frontier.highestFloorBound(model: model, scenario: variant.scenario, solver: solver, options: options)
                : nil
            func failed(_ status: String) -> Row {
                var row = Row(
                    guess: variant.guess, value: variant.value, label: variant.label, status: status, relativeGap: nil,
                    objective: nil, coverage: nil, posts: nil, stateCostEUR: nil, territoryPosts: nil)
                row.highestFloorBound = floorBound
                return row
            }
            if !result.hasSolution, result.limitReached == "skipped: no time left" {
                return failed("skipped: no time left")
            }
            guard result.hasSolution, result.status == .optimal || result.status == .feasible else {
                return failed(result.status.rawValue)
            }
            let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: variant.scenario)
            guard PlanVerifier.violations(of: plan, scenario: variant.scenario).isEmpty else {
                return failed("rejected")
            }
            let evaluation = PlanEvaluation(plan: plan, scenario: variant.scenario)
            var row = Row(
                guess: variant.guess, value: variant.value, label: variant.label, status: result.status.rawValue,
                relativeGap: result.relativeGap, objective: evaluation.objective, coverage: evaluation.coverage,
                posts: evaluation.posts, stateCostEUR: evaluation.stateCostEUR,
                territoryPosts: evaluation.territories.map(\.posts))
            row.highestFloorBound = floorBound
            return row
        }
        var report = Report(
            codes: base.territories.map(\.code), names: scenario.territories.map(\.name),
            basePosts: base.territories.map(\.posts), posts2021: scenario.territories.map(\.posts2021),
            baseObjective: base.objective, baseCoverage: base.coverage, rows: rows,
            movedPosts: scenario.parameters.robustness.movedPosts)
        if rows.contains(where: { $0.highestFloorBound != nil }) {
            report.baseHighestFloorBound = Frontier.highestFloorBound(
                model: baseModel, scenario: scenario, solver: solver, options: options)
        }
        return report
    }
}
