import Scenario

/// Diminishing returns of coverage: a territory's value is need × g(coverage / need) with
/// g(r) = r^exponent, made piecewise linear on the scenario's breakpoints so the model stays an LP.
/// The solver and the verifier both evaluate this one curve, so they cannot disagree on the objective.
public struct ValueCurve: Sendable {
    /// Segments in order: the share of need each spans, and the value per person covered on it (decreasing).
    public let segments: [(width: Double, slope: Double)]

    public init(_ parameters: ObjectiveParameters) {
        var previous = 0.0
        var segments: [(Double, Double)] = []
        for point in parameters.breakpoints {
            let width = point - previous
            let rise = Self.power(point, parameters.exponent) - Self.power(previous, parameters.exponent)
            segments.append((width, rise / width))
            previous = point
        }
        self.segments = segments
    }

    private static func power(_ x: Double, _ p: Double) -> Double { x <= 0 ? 0 : Foundation.pow(x, p) }

    /// g(ratio) on the piecewise-linear curve, ratio clamped to [0, 1].
    public func value(ratio: Double) -> Double {
        var remaining = min(max(ratio, 0), 1)
        var total = 0.0
        for segment in segments {
            let used = min(remaining, segment.width)
            total += used * segment.slope
            remaining -= used
            if remaining <= 0 { break }
        }
        return total
    }

    /// need × g(coverage / need): the territory's contribution before its weight.
    public func value(coverage: Double, need: Double) -> Double {
        need > 0 ? need * value(ratio: coverage / need) : 0
    }
}

import Foundation
