import AllocationModel
import Foundation
import Scenario

/// How evenly a plan treats territories (docs/baselines.md, "Equity metrics").
public struct EquityMetrics: Sendable, Hashable {
    /// Minimum, median, maximum and Gini coefficient of one figure over the territories.
    public struct Spread: Sendable, Hashable {
        public let min: Double
        public let median: Double
        public let max: Double
        public let gini: Double

        public init(_ values: [Double]) {
            let sorted = values.sorted()
            self.min = sorted.first ?? 0
            self.max = sorted.last ?? 0
            self.median = Equity.median(sorted)
            self.gini = Equity.gini(sorted)
        }
    }

    /// Posts per 100,000 inhabitants (`population`), over the territories with a population.
    public let postsPer100k: Spread
    /// Coverage / need, over the territories with need.
    public let coverageRatio: Spread
    /// The threshold on the coverage ratio, and how many territories (with need) lie strictly under it.
    public let coverageThreshold: Double
    public let territoriesUnderThreshold: Int

    public init(
        evaluation: PlanEvaluation, scenario: Scenario, coverageThreshold: Double = Equity.defaultCoverageThreshold
    ) {
        let populations = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0.population) })
        let perHead = evaluation.territories.compactMap { figures -> Double? in
            guard let population = populations[figures.code], population > 0 else { return nil }
            return Equity.per100k(figures.posts, population: population)
        }
        let ratios = evaluation.territories.filter { $0.need > 0 }.map(\.coverageRatio)
        postsPer100k = Spread(perHead)
        coverageRatio = Spread(ratios)
        self.coverageThreshold = coverageThreshold
        territoriesUnderThreshold = ratios.filter { $0 < coverageThreshold }.count
    }

    public init(plan: Plan, scenario: Scenario, coverageThreshold: Double = Equity.defaultCoverageThreshold) {
        self.init(
            evaluation: PlanEvaluation(plan: plan, scenario: scenario), scenario: scenario,
            coverageThreshold: coverageThreshold)
    }
}

public enum Equity {
    /// Default threshold on the coverage ratio for `territoriesUnderThreshold`: a fifth of the need.
    public static let defaultCoverageThreshold = 0.2

    public static func per100k(_ posts: Int, population: Int) -> Double {
        population > 0 ? Double(posts) * 100_000 / Double(population) : 0
    }

    /// Median; the mean of the two middle values for an even count; 0 for none.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Gini coefficient as the relative mean absolute difference over all ordered pairs:
    /// G = Σ_i Σ_j |x_i − x_j| / (2 n² x̄)  (0 for equal values, (n − 1)/n when one holds everything:
    /// 0.75 for [0, 0, 0, 1]); 0 for an empty list or an all-zero one. Values must be ≥ 0.
    public static func gini(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let n = Double(sorted.count)
        let total = sorted.reduce(0, +)
        guard n > 0, total > 0 else { return 0 }
        // Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n − 1) x_(i) with i = 1…n on sorted values.
        var weighted = 0.0
        for (index, value) in sorted.enumerated() { weighted += (2 * Double(index + 1) - n - 1) * value }
        return weighted / (n * total)
    }

    /// Posts that would have to move for plan a to become plan b: ½ Σ_t |a_t − b_t| over the union of territories.
    /// When the totals differ, the difference counts for half (posts added or removed, not moved).
    public static func postsMoved(_ a: [String: Int], _ b: [String: Int]) -> Double {
        let codes = Set(a.keys).union(b.keys)
        return Double(codes.reduce(0) { $0 + abs((a[$1] ?? 0) - (b[$1] ?? 0)) }) / 2
    }
}
