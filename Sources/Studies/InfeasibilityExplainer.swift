import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// Why a scenario has no plan, in the analyst's words: the smallest repair (an elastic re-solve with a
/// penalised slack on each policy rule) and an irreducible set of rules that conflict (a deletion filter).
/// Only the policy rules are relaxed (posts, budget, floors, caps); host capacities and co-financing are
/// facts about the structures and stay as they are.
public struct InfeasibilityExplanation: Sendable, Hashable {
    /// One rule of the conflict, as in docs/model.md, with its bound in words.
    public struct Member: Sendable, Hashable {
        public let constraint: String
        public let family: String
        /// Territory or région code, when the rule has one.
        public let scope: String
        public let bound: String
        public let value: Double
        public let description: String
    }

    /// One change that, with the others, makes the scenario feasible.
    public struct Repair: Sendable, Hashable {
        public let constraint: String
        /// How much the bound must move (posts, or euros for the budget).
        public let amount: Double
        public let sentence: String
        /// A `--set` override that applies it, when one parameter expresses it.
        public let override: String?
    }

    /// Irreducible: dropping any member makes the rest feasible (with capacities kept).
    public let conflict: [Member]
    public let repairs: [Repair]

    public var summary: String {
        let repair = repairs.map(\.sentence).joined(separator: "; ")
        let rules = conflict.map(\.constraint).joined(separator: ", ")
        return "\(repair.isEmpty ? "no repair found" : repair) (conflicting rules: \(rules))"
    }
}

public enum InfeasibilityExplainer {
    public enum ExplainError: Error, CustomStringConvertible {
        case undecided(String)
        public var description: String {
            switch self {
            case let .undecided(what): return "the solver could not decide feasibility of \(what) within its limits"
            }
        }
    }

    public static func explain(
        model: AllocationModel, scenario: Scenario, solver: any LinearSolver,
        options: SolverOptions
    ) throws -> InfeasibilityExplanation {
        let program = model.program
        // Only the rows that express policy are relaxed (`ConstraintFamily.isPolicy`).
        let candidates = program.constraints.indices.filter { model.rows[$0].family.isPolicy }
        let repairs = try elasticRepair(
            program: program, rows: model.rows, candidates: candidates, scenario: scenario, solver: solver,
            options: options)
        let conflict = try deletionFilter(program: program, candidates: candidates, solver: solver, options: options)
        return InfeasibilityExplanation(
            conflict: conflict.map { member(program.constraints[$0], model.rows[$0], scenario: scenario) },
            repairs: repairs)
    }

    /// A copy of `program` for a feasibility question: no objective, without the rows in `dropped`,
    /// with the bounds of `relaxed` rows moved by the given amounts.
    static func variant(
        of program: LinearProgram, dropping dropped: Set<Int> = [], relaxing relaxed: [Int: Double] = [:]
    ) -> LinearProgram {
        let question = program.replacingObjective([], sense: .minimize)
        return (relaxed.isEmpty ? question : question.wideningRows(relaxed)).droppingRows(dropped)
    }

    static func isFeasible(
        _ program: LinearProgram, solver: any LinearSolver, options: SolverOptions, what: String
    ) throws -> Bool {
        let result = try solver.solve(program, options: options)
        switch result.status {
        case .optimal, .feasible: return true
        case .infeasible: return false
        default: throw ExplainError.undecided(what)
        }
    }

    /// Deletion filter: drop each relaxable rule in turn (model order); if the rest is still infeasible
    /// it stays dropped, otherwise it belongs to the conflict. The result is irreducible.
    static func deletionFilter(
        program: LinearProgram, candidates: [Int], solver: any LinearSolver, options: SolverOptions
    ) throws -> [Int] {
        var dropped = Set<Int>()
        var kept: [Int] = []
        for index in candidates {
            var trial = dropped
            trial.insert(index)
            if try isFeasible(
                variant(of: program, dropping: trial), solver: solver, options: options,
                what: "the scenario without \(program.constraints[index].name)")
            {
                kept.append(index)
            } else {
                dropped = trial
            }
        }
        return kept
    }

    /// Elastic re-solve: each relaxable row gets a slack, weighted so that one post of slack costs about as
    /// much on any row (the budget's euros are counted in cheapest posts); the slacks of the optimum are
    /// the smallest repair.
    static func elasticRepair(
        program: LinearProgram, rows: [RowRef], candidates: [Int], scenario: Scenario, solver: any LinearSolver,
        options: SolverOptions
    ) throws -> [InfeasibilityExplanation.Repair] {
        let cheapest = max(1, scenario.stateCostRange.lowerBound)
        // The same model without objective, each relaxable row with its own slack: below a finite lower bound, else
        // above the upper bound (a locked commitment is released, never exceeded).
        let (elastic, slackByRow) = program.replacingObjective([], sense: .minimize).relaxingRows(
            candidates, bounds: { program.constraints[$0].lower.isFinite ? .lower : .upper },
            penalty: { index in
                // Per post of relaxation; a territory's own floor or cap costs a little more than a national or
                // régional bound, so the repair names one aggregate rule rather than many territories when both work.
                let family = rows[index].family
                return family == .budget
                    ? 1 / cheapest : ([.territoryFloor, .territoryCap].contains(family) ? 1.001 : 1)
            })
        let slacks = candidates.compactMap { row in
            (slackByRow[row]?.plus ?? slackByRow[row]?.minus).map { (row: row, variable: $0) }
        }
        let result = try solver.solve(elastic, options: options)
        guard result.status == .optimal || result.status == .feasible else {
            throw ExplainError.undecided("the elastic scenario (\(result.status.rawValue))")
        }
        var repairs: [InfeasibilityExplanation.Repair] = []
        for (row, variable) in slacks {
            let amount = result.values[variable.index]
            guard amount > 1e-6 else { continue }
            repairs.append(repair(program.constraints[row], rows[row], amount: amount, scenario: scenario))
        }
        return repairs
    }

    /// The territory or région a row is about, in words.
    static func place(_ ref: RowRef, scenario: Scenario) -> String {
        switch ref.scope {
        case let .territory(code): "\(scenario.territory(code)?.name ?? code) (\(code))"
        case let .region(code):
            "\(scenario.index.regionPositions[code].map { scenario.regions[$0].name } ?? code) (région \(code))"
        default: ""
        }
    }

    static func member(
        _ row: ConstraintDefinition, _ ref: RowRef, scenario: Scenario
    ) -> InfeasibilityExplanation.Member {
        let name = row.name
        let isMinimum = row.lower.isFinite
        let value = isMinimum ? row.lower : row.upper
        let description: String
        switch ref.family {
        case .postsTotal: description = "at most \(Int(value)) posts exist"
        case .budget: description = "the State budget is \(Int(value)) €"
        case .territoryFloor, .regionFloor:
            description = "at least \(Int(value)) posts in \(place(ref, scenario: scenario))"
        case .territoryCap, .regionCap: description = "at most \(Int(value)) posts in \(place(ref, scenario: scenario))"
        case .commitment: description = commitmentWords(ref, posts: Int(value), scenario: scenario)
        default: description = name
        }
        return .init(
            constraint: name, family: ref.family.rawValue, scope: ref.scope.description,
            bound: isMinimum ? "min" : "max",
            value: value, description: description)
    }

    static func repair(
        _ row: ConstraintDefinition, _ ref: RowRef, amount: Double, scenario: Scenario
    ) -> InfeasibilityExplanation.Repair {
        let name = row.name
        let posts = Int(amount.rounded(.up))
        switch ref.family {
        case .postsTotal:
            let needed = Int(row.upper) + posts
            return .init(
                constraint: name, amount: Double(posts),
                sentence:
                    "the rules need \(needed) posts and \(Int(row.upper)) exist: lower the floors or raise the posts by \(posts)",
                override: ScenarioChange.posts(needed).description)
        case .budget:
            let euros = Int(amount.rounded(.up))
            let needed = Int(row.upper) + euros
            return .init(
                constraint: name, amount: Double(euros),
                sentence:
                    "the rules cost at least \(needed) € and the budget is \(Int(row.upper)) €: lower the floors or raise the budget by \(euros) €",
                override: ScenarioChange.budget(Double(needed)).description)
        case .territoryFloor, .regionFloor:
            // The scenario-wide floor, lowered to what this territory or région can have (it lowers every floor).
            let key = ref.family == .territoryFloor ? "limits.territory_min_posts" : "limits.region_min_posts"
            return .init(
                constraint: name, amount: Double(posts),
                sentence:
                    "the floor of \(Int(row.lower)) posts in \(place(ref, scenario: scenario)) cannot be met: lower it by \(posts)",
                override: "\(key)=\(max(0, Int(row.lower) - posts))")
        case .commitment:
            return .init(
                constraint: name, amount: Double(posts),
                sentence:
                    "\(commitmentWords(ref, posts: Int(row.lower), scenario: scenario)) cannot all be kept: release \(posts) of them (commitments table)",
                override: nil)
        default:
            // Caps are shares of the posts: the smallest share that lets this one rise enough.
            let key = ref.family == .territoryCap ? "limits.territory_max_share" : "limits.region_max_share"
            let share =
                (Double(Int(row.upper) + posts) / Double(max(1, scenario.parameters.posts)) * 10_000).rounded(.up)
                / 10_000
            return .init(
                constraint: name, amount: Double(posts),
                sentence:
                    "the cap of \(Int(row.upper)) posts in \(place(ref, scenario: scenario)) is too low: raise it by \(posts)",
                override: "\(key)=\(min(1, share))")
        }
    }
}
