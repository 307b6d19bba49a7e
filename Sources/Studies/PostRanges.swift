import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// For every territory, the fewest and the most posts it can hold in a plan whose value of coverage is within a
/// tolerance of the optimum (docs/model.md, "Ranges around the plan"): which posts the model forces and which are a
/// free choice among nearly optimal plans.
///
/// Each bound is the LP relaxation of the model with the value held by a row, Σ w γ coverage ≥ (1 − τ) × bound,
/// minimising or maximising `posts[t]`: the relaxation contains every integer plan, so its range, rounded inwards to
/// whole posts, contains every integer plan's posts within the tolerance (an outer bound, exact when it is a single
/// value). Two LPs per territory and tolerance, run two at a time.
public enum PostRanges {
    public struct Range: Sendable, Hashable {
        public let low: Int
        public let high: Int
        public init(low: Int, high: Int) {
            self.low = low
            self.high = high
        }
        /// True when the model forces this number of posts.
        public var isPoint: Bool { low == high }
        public func contains(_ posts: Int) -> Bool { low <= posts && posts <= high }
        /// Posts by which `posts` lies outside the range, signed: + above, − below, 0 inside.
        public func excess(_ posts: Int) -> Int { posts > high ? posts - high : posts < low ? posts - low : 0 }
    }

    /// The ranges of one tolerance, by territory code; `failed` counts LPs that did not solve (their side then falls
    /// back to the plan's own posts, and the report says so).
    public struct Ranges: Sendable {
        public let tolerance: Double
        public let byTerritory: [String: Range]
        public let failed: Int
    }

    /// `posts`: the plan's posts per territory; `bound`: the best bound on the value of coverage (or the plan's value).
    /// One `Ranges` per tolerance, in the order given; the tolerances are ranged in parallel, each in one LP session
    /// (`ColumnRanges`: GLPK warm-starts each bound from the previous basis).
    public static func compute(
        model: AllocationModel, scenario: Scenario, posts: [String: Int], bound: Double,
        tolerances: [Double], solver: any LinearSolver, options: SolverOptions, width: Int = 2
    ) throws -> [Ranges] {
        let codes = scenario.territories.map(\.code).filter { model.postVariables[$0] != nil }
        let columns = codes.map { model.postVariables[$0]! }
        let program = model.program
        let valueTerms = model.valueTerms
        let scale = model.objectiveScale
        var lpOptions = options.starting(from: nil)
        lpOptions.timeLimitSeconds = min(options.timeLimitSeconds, 30)
        let lp = lpOptions
        let results = try ParallelSolves.map(tolerances, width: width) { tolerance -> [(low: Double?, high: Double?)] in
            var held = program
            // The value of coverage held at (1 − τ) × bound, less a hair for the LP's own tolerance, in the program's
            // scale (weights divided by the largest; a coefficient below the LP layer's smallest is left out, as in
            // the objective: it only makes the row stricter by less than 10⁻¹² of a person).
            let terms = valueTerms.map { ($0.0, AllocationModel.solverCoefficient($0.1, scale: scale)) }.filter {
                $0.1 != 0
            }
            held.addConstraint(
                "value_held", terms, lower: ((1 - tolerance) * bound - max(abs(bound), 1) * 1e-9) / scale)
            return try ColumnRanges.compute(held, columns: columns, solver: solver, options: lp)
        }
        return zip(tolerances, results).map { tolerance, bounds in
            var byTerritory: [String: Range] = [:]
            var failed = 0
            for (code, side) in zip(codes, bounds) {
                let own = posts[code] ?? 0
                failed += (side.low == nil ? 1 : 0) + (side.high == nil ? 1 : 0)
                // Rounded inwards (integer posts), never past the plan's own posts (a plan within the tolerance).
                let lower = side.low.map { Int(($0 - 1e-6).rounded(.up)) } ?? own
                let upper = side.high.map { Int(($0 + 1e-6).rounded(.down)) } ?? own
                byTerritory[code] = Range(low: min(lower, own), high: max(upper, own))
            }
            return Ranges(tolerance: tolerance, byTerritory: byTerritory, failed: failed)
        }
    }
}
