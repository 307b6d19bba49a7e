import AllocationModel
import Foundation

/// A classic apportionment method: how a whole number of seats is shared in proportion to weights.
/// See docs/baselines.md for the definitions, the bounds and the tie rule.
public enum ApportionmentMethod: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Largest remainder (Hare–Niemeyer): lower quotas, then one more seat by decreasing remainder.
    case hamilton
    /// Divisor method rounding down (D'Hondt): divisors 1, 2, 3, …
    case jefferson
    /// Divisor method rounding to nearest (Sainte-Laguë): divisors 0.5, 1.5, 2.5, … (same ranking as 1, 3, 5, …)
    case webster
    /// Divisor method rounding at the geometric mean (equal proportions): divisors √(r(r+1)), so 0 for r = 0.
    case huntingtonHill = "huntington-hill"

    public var description: String { rawValue }

    /// Every accepted spelling, canonical name first.
    public static let aliases: [String: ApportionmentMethod] = [
        "hamilton": .hamilton, "largest-remainder": .hamilton, "hare-niemeyer": .hamilton, "hare": .hamilton,
        "jefferson": .jefferson, "dhondt": .jefferson, "d-hondt": .jefferson, "d'hondt": .jefferson,
        "webster": .webster, "sainte-lague": .webster, "sainte-laguë": .webster,
        "huntington-hill": .huntingtonHill, "hill": .huntingtonHill, "equal-proportions": .huntingtonHill,
    ]

    public init?(name: String) {
        guard let method = Self.aliases[name.lowercased()] else { return nil }
        self = method
    }

    /// The divisor D(r) of a divisor method: the next seat of a territory holding r seats goes to the largest w / D(r).
    /// nil for Hamilton, which is not a divisor method.
    public func divisor(_ seats: Int) -> Double? {
        let r = Double(seats)
        switch self {
        case .hamilton: return nil
        case .jefferson: return r + 1
        case .webster: return r + 0.5
        case .huntingtonHill: return (r * (r + 1)).squareRoot()
        }
    }
}

/// Why an apportionment cannot be made.
public enum ApportionmentError: Error, Sendable, Hashable, CustomStringConvertible {
    case lengthMismatch(String)
    case invalidWeight(index: Int, value: Double)
    case invalidBound(String)
    case infeasible(String)

    public var description: String {
        switch self {
        case let .lengthMismatch(what): return "apportionment: \(what)"
        case let .invalidWeight(index, value):
            return "apportionment: weight \(value) at position \(index) is not a finite number ≥ 0"
        case let .invalidBound(what): return "apportionment: \(what)"
        case let .infeasible(what): return "apportionment: \(what)"
        }
    }
}

/// Pure apportionment functions on any non-negative weight vector.
///
/// Seats of territory i = `baseSeats[i]` + r_i, where the method shares the S − Σ base seats among the weights
/// (base seats are given first and are not seen by the method, as in the Cambridge Compromise), subject to
/// `floors[i]` ≤ seats ≤ `caps[i]` on the total. Ties between equal priorities (or equal remainders, relative
/// difference ≤ 1e-12) go to the larger weight, then to the smaller key (`keys`, e.g. territory codes, in
/// string order), then to the earlier position.
public enum Apportionment {
    /// Relative tolerance under which two priorities (or remainders) are a tie.
    public static let tieTolerance = 1e-12

    public static func apportion(
        _ method: ApportionmentMethod, weights: [Double], seats: Int, keys: [String]? = nil,
        baseSeats: [Int]? = nil, floors: [Int]? = nil, caps: [Int]? = nil
    ) throws(ApportionmentError) -> [Int] {
        let n = weights.count
        let keys = keys ?? (0..<n).map { String(format: "%09d", $0) }
        let base = baseSeats ?? Array(repeating: 0, count: n)
        let floors = floors ?? Array(repeating: 0, count: n)
        let caps = caps ?? Array(repeating: Int.max, count: n)
        for (name, count) in [
            ("keys", keys.count), ("baseSeats", base.count), ("floors", floors.count), ("caps", caps.count),
        ] where count != n {
            throw .lengthMismatch("\(name) has \(count) entries for \(n) weights")
        }
        for (index, weight) in weights.enumerated() where !(weight.isFinite && weight >= 0) {
            throw .invalidWeight(index: index, value: weight)
        }
        guard seats >= 0 else { throw .invalidBound("\(seats) seats to share") }
        var lower: [Int] = []  // minimum of the proportional part r_i
        var upper: [Int] = []  // maximum of r_i
        for i in 0..<n {
            guard base[i] >= 0, floors[i] >= 0, caps[i] >= 0 else {
                throw .invalidBound("negative base seats, floor or cap for \(keys[i])")
            }
            guard base[i] <= caps[i] else {
                throw .infeasible("\(keys[i]) has \(base[i]) base seats above its cap \(caps[i])")
            }
            guard floors[i] <= caps[i] else {
                throw .infeasible("\(keys[i]) has floor \(floors[i]) above its cap \(caps[i])")
            }
            lower.append(max(0, floors[i] - base[i]))
            upper.append(caps[i] == Int.max ? Int.max : caps[i] - base[i])
        }
        let baseTotal = base.reduce(0, +)
        let free = seats - baseTotal
        let minimum = lower.reduce(0, +)
        guard free >= minimum else {
            throw .infeasible("\(seats) seats cannot cover \(baseTotal) base seats and floors needing \(minimum) more")
        }
        if !upper.contains(Int.max) {
            let maximum = upper.reduce(0, +)
            guard free <= maximum else {
                throw .infeasible("\(seats) seats exceed the caps (\(maximum + baseTotal) seats at most)")
            }
        }
        let order = TieOrder(weights: weights, keys: keys)
        let proportional: [Int]
        if method == .hamilton {
            proportional = largestRemainder(weights: weights, seats: free, lower: lower, upper: upper, order: order)
        } else {
            proportional = highestAverages(
                method, weights: weights, seats: free, lower: lower, upper: upper, order: order)
        }
        return zip(base, proportional).map { $0 + $1 }
    }

    /// Deterministic order among tied candidates: larger weight first, then smaller key, then earlier position.
    struct TieOrder {
        let weights: [Double]
        let keys: [String]
        func precedes(_ a: Int, _ b: Int) -> Bool {
            if weights[a] != weights[b] { return weights[a] > weights[b] }
            if keys[a] != keys[b] { return keys[a] < keys[b] }
            return a < b
        }
    }

    /// -1, 0, 1 as a < b, a ≈ b, a > b (relative tolerance; two infinities are equal).
    static func compare(_ a: Double, _ b: Double) -> Int {
        if a == b { return 0 }
        if a.isInfinite || b.isInfinite { return a < b ? -1 : 1 }
        if abs(a - b) <= tieTolerance * max(abs(a), abs(b)) { return 0 }
        return a < b ? -1 : 1
    }

    /// Divisor methods, seat by seat: start every territory at its lower bound, then give each next seat to the
    /// largest priority w / D(r) among the territories below their upper bound. Equivalent to finding a divisor d
    /// with r_i = clamp(round_D(w_i / d), lower_i, upper_i) (the bounded divisor method).
    ///
    /// A territory's priority changes only when it gets a seat, so the candidates are kept in a heap and only the
    /// winner is put back: O((n + seats) log n). Priorities within the tie tolerance of the largest are taken out
    /// together and the winner chosen among them in index order, as a scan of every territory would.
    static func highestAverages(
        _ method: ApportionmentMethod, weights: [Double], seats: Int, lower: [Int], upper: [Int],
        order: TieOrder
    ) -> [Int] {
        var given = lower
        var left = seats - lower.reduce(0, +)
        func priority(_ i: Int) -> Double {
            guard weights[i] > 0 else { return 0 }
            let divisor = method.divisor(given[i])!
            return divisor > 0 ? weights[i] / divisor : .infinity  // Huntington–Hill: no seat yet, infinite priority
        }
        typealias Candidate = (index: Int, priority: Double)
        var heap = BinaryHeap<Candidate> { a, b in
            a.priority != b.priority ? a.priority > b.priority : order.precedes(a.index, b.index)
        }
        for i in weights.indices where given[i] < upper[i] { heap.push((i, priority(i))) }
        while left > 0, let top = heap.pop() {
            var tied = [top]
            while let next = heap.first, compare(next.priority, top.priority) == 0 { tied.append(heap.pop()!) }
            var winner = tied.min { $0.index < $1.index }!
            for candidate in tied.sorted(by: { $0.index < $1.index }).dropFirst() {
                let c = compare(candidate.priority, winner.priority)
                if c > 0 || (c == 0 && order.precedes(candidate.index, winner.index)) { winner = candidate }
            }
            for candidate in tied where candidate.index != winner.index { heap.push(candidate) }
            given[winner.index] += 1
            left -= 1
            if given[winner.index] < upper[winner.index] { heap.push((winner.index, priority(winner.index))) }
        }
        return given
    }

    /// Hamilton with bounds: territories whose quota falls below their lower bound (then, once none does, above
    /// their upper bound) are fixed at that bound and the quotas of the others are recomputed on the seats left;
    /// then lower quotas, and one more seat by decreasing remainder (ties: `order`).
    static func largestRemainder(weights: [Double], seats: Int, lower: [Int], upper: [Int], order: TieOrder) -> [Int] {
        let n = weights.count
        var fixed = [Int?](repeating: nil, count: n)
        var quotas = [Double](repeating: 0, count: n)
        while true {
            let free = (0..<n).filter { fixed[$0] == nil }
            let left = seats - fixed.reduce(0) { $0 + ($1 ?? 0) }
            let total = free.reduce(0.0) { $0 + weights[$1] }
            for i in free { quotas[i] = total > 0 ? Double(left) * weights[i] / total : 0 }
            let below = free.filter { quotas[$0] < Double(lower[$0]) }
            if !below.isEmpty { for i in below { fixed[i] = lower[i] }; continue }
            let above = free.filter { upper[$0] != Int.max && quotas[$0] > Double(upper[$0]) }
            if !above.isEmpty { for i in above { fixed[i] = upper[i] }; continue }
            break
        }
        var given = (0..<n).map { i in fixed[i] ?? min(max(Int(quotas[i].rounded(.down)), lower[i]), upper[i]) }
        var left = seats - given.reduce(0, +)
        // One more seat each by decreasing remainder; repeated rounds only for zero weights or rounding noise.
        while left > 0 {
            let candidates = (0..<n).filter { fixed[$0] == nil && given[$0] < upper[$0] }
            let ranked = candidates.sorted { a, b in
                let c = compare(quotas[a] - Double(given[a]), quotas[b] - Double(given[b]))
                return c != 0 ? c > 0 : order.precedes(a, b)
            }
            if ranked.isEmpty {
                // Only fixed territories have room (rounding noise): give in tie order.
                guard let i = (0..<n).filter({ given[$0] < upper[$0] }).sorted(by: order.precedes).first else { break }
                given[i] += 1; left -= 1; continue
            }
            for i in ranked where left > 0 { given[i] += 1; left -= 1 }
        }
        while left < 0 {  // rounding noise only: take back from the smallest remainder above the lower bound
            guard
                let i = (0..<n).filter({ given[$0] > lower[$0] })
                    .min(by: { compare(quotas[$0] - Double(given[$0]), quotas[$1] - Double(given[$1])) < 0 })
            else { break }
            given[i] -= 1; left += 1
        }
        return given
    }
}
