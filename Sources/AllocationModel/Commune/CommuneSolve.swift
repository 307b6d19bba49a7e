import Foundation
import LinearProgramming
import Scenario

/// The commune model solved with an LP only, and an honest gap (docs/model.md, "Solving the commune model"):
/// GLPK's branch-and-bound finds no plan at this scale, so the LP relaxation gives the bound, its posts are
/// rounded and repaired into a plan that obeys every rule, and the plan is valued exactly by the flow LP with
/// its posts fixed. The status is `optimal` only when that value is within the MIP gap of the bound.
public enum CommuneSolve {
    public struct Outcome: Sendable {
        public let model: CommuneModel
        /// Posts of each decision of `model`.
        public let posts: [Int]
        /// The plan's value of coverage, from the fixed-plan flow LP.
        public let value: Double
        /// The LP relaxation's bound on the value of any plan.
        public let bound: Double
        public var gap: Double { bound > 0 ? max(0, bound - value) / bound : 0 }
        /// People covered in each group by the plan (fixed-plan flows, not the relaxation's).
        public let groupCoverage: [Double]
        public let proven: Bool
        public let lpSeconds: Double
        public let evaluationSeconds: Double
        public let improvementSeconds: Double
        public var status: String { proven ? "optimal" : "feasible" }
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
            case let .relaxationUnfinished(why): return "the commune model's LP relaxation did not finish (\(why)): no bound and no plan"
            case let .roundingFailed(why): return "the rounded commune plan breaks a rule: \(why)"
            case let .evaluationFailed(why): return "the commune plan could not be valued: \(why)"
            case let .planRefused(why): return "the commune plan breaks a rule of the model: \(why)"
            }
        }
    }

    public static func solve(_ scenario: Scenario, candidates: Bool, solver: any LinearSolver, options: SolverOptions,
                             log: (String) -> Void = { _ in }) throws -> Outcome {
        let relaxed = CommuneModel(scenario: scenario, options: .init(candidates: candidates, relaxed: true))
        log("commune model: \(relaxed.reach.groups.count) groups, \(relaxed.reach.units.count) site units, \(relaxed.decisions.count) posts variables, "
            + "\(relaxed.program.variables.count) columns, \(relaxed.program.constraints.count) rows, \(relaxed.program.nonzeroCount) nonzeros")
        var lpOptions = options
        lpOptions.start = nil
        lpOptions.dualSimplex = true
        let lp = try solver.solve(relaxed.program, options: lpOptions)
        guard lp.status == .optimal, lp.hasSolution else {
            throw Failure.relaxationUnfinished(lp.limitReached ?? lp.status.rawValue)
        }
        // For any plan x: value(x) / scale − tieBreak(x) ≤ LP optimum, and tieBreak(x) ≤ 10⁻⁶ per post.
        let lpObjective = relaxed.program.objectiveValue(of: lp.values)
        let bound = relaxed.objectiveScale * (lpObjective + AllocationModel.tieBreakPerPost * Double(scenario.parameters.posts))
        log("commune LP bound \(bound) in \(lp.seconds) s")
        var posts = try CommuneRounding.round(relaxed, scenario: scenario, values: lp.values, duals: lp.duals)
        var evaluation = try evaluate(scenario, candidates: candidates, posts: posts, rules: true, solver: solver, options: lpOptions)
        // Local improvement: batches of one-post moves priced by the fixed-plan duals, each batch valued exactly by a
        // re-solve and kept only when the value rises (halved when it does not). Its solves may take half the LP's time
        // (at least 1 s), a batch being tried only if one more evaluation fits, so the rest of the run keeps its share.
        let allowance = max(lp.seconds / 2, 1)
        var improvementSeconds = 0.0
        var value = evaluation.model.value(of: evaluation.values)
        var size = max(1, scenario.parameters.posts / 16)
        var excluded = Set<Int>()  // single moves valued without gain (the dual is only a marginal price)
        while improvementSeconds + evaluation.seconds <= allowance, let duals = evaluation.duals {
            let moves = CommuneRounding.moves(evaluation.model, scenario: scenario, posts: posts, duals: duals, size: size, excluded: excluded)
            if moves.isEmpty { break }
            var trial = posts
            for move in moves {
                trial[move.from] -= 1
                trial[move.to] += 1
            }
            guard let next = try? evaluate(scenario, candidates: candidates, posts: trial, rules: true, solver: solver, options: lpOptions) else { break }
            improvementSeconds += next.seconds
            let nextValue = next.model.value(of: next.values)
            if nextValue > value * (1 + 1e-9) + 1e-9 {
                posts = trial
                evaluation = next
                value = nextValue
                excluded = []
                log("commune plan improved to \(value) by moving \(moves.count) posts")
            } else if moves.count == 1 {
                excluded.insert(moves[0].from * posts.count + moves[0].to)
            } else {
                size = max(1, moves.count / 2)
            }
        }
        // Every rule, bound and integrality of the integer model, checked on the plan and its flows.
        let integer = CommuneModel(scenario: scenario, options: .init(candidates: candidates))
        if let violation = integer.program.largestViolation(of: evaluation.values, tolerance: 1e-6) {
            throw Failure.planRefused("\(violation.name) violated by \(violation.amount)")
        }
        let gap = bound > 0 ? max(0, bound - value) / bound : 0
        return Outcome(model: integer, posts: posts, value: value, bound: max(bound, value),
                       groupCoverage: evaluation.model.groupCoverage(of: evaluation.values),
                       proven: gap <= options.mipGap, lpSeconds: lp.seconds, evaluationSeconds: evaluation.seconds,
                       improvementSeconds: improvementSeconds)
    }

    /// The flow LP of a plan: posts fixed, flows and coverage free. `rules: false` scores a plan made under other
    /// rules (the 2021 allocation) without checking them.
    public static func evaluate(_ scenario: Scenario, candidates: Bool, posts: [Int], rules: Bool, solver: any LinearSolver,
                                options: SolverOptions) throws -> (model: CommuneModel, values: [Double], duals: [Double]?, seconds: Double) {
        let model = CommuneModel(scenario: scenario, options: .init(candidates: candidates, fixed: posts.map(Double.init), rules: rules))
        // With the posts fixed, no flow is primal feasible: the primal simplex starts from there (faster than the dual,
        // measured with glpsol on the national model: 63 s against 103 s).
        var lpOptions = options
        lpOptions.start = nil
        lpOptions.dualSimplex = false
        let result = try solver.solve(model.program, options: lpOptions)
        guard result.status == .optimal, result.hasSolution else {
            throw Failure.evaluationFailed("the fixed-plan LP ended \(result.status.rawValue)\(result.limitReached.map { " (\($0))" } ?? "")")
        }
        return (model, result.values, result.duals, result.seconds)
    }

    /// The real 2021 allocation as commune-model posts: each host's `posts_2021` in its pool, under the first funding
    /// option the host pays nothing for (the record does not say which option each post had; an assumption).
    public static func posts2021(_ scenario: Scenario) -> [Int] {
        let model = CommuneModel(scenario: scenario, options: .init(candidates: false, relaxed: true, rules: false))
        let byID = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0.posts2021 ?? 0) })
        var posts = [Int](repeating: 0, count: model.decisions.count)
        var placed = Set<Int>()
        for (index, decision) in model.decisions.enumerated() where decision.hostCostEUR <= 0 && !placed.contains(decision.pool) {
            placed.insert(decision.pool)
            posts[index] = model.pools[decision.pool].structures.reduce(0) { $0 + (byID[$1] ?? 0) }
        }
        return posts
    }
}
