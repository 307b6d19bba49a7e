import Foundation

/// A territory's host structures of one kind: the pool the model decides posts on (`x[t,k,n]`), named by its two
/// codes instead of a `"t|k"` string so nothing has to spell or parse a composite key.
public struct PoolKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let territory: String
    public let kind: String

    public init(territory: String, kind: String) {
        self.territory = territory
        self.kind = kind
    }

    /// Territory code, then kind id.
    public static func < (lhs: PoolKey, rhs: PoolKey) -> Bool { (lhs.territory, lhs.kind) < (rhs.territory, rhs.kind) }

    /// `t,k`, as inside the model's row names (`host_capacity[t,k]`).
    public var description: String { "\(territory),\(kind)" }
}

/// One aggregate decision of the model: posts of a pool under a funding option, and for a co-financed option the
/// position of the pool's co-financing unit whose posts they are (nil for an option without host share, and in
/// plans that count co-financing per pool).
public struct DecisionKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let pool: PoolKey
    public let option: String
    public let unit: Int?

    public init(pool: PoolKey, option: String, unit: Int? = nil) {
        self.pool = pool
        self.option = option
        self.unit = unit
    }

    public init(territory: String, kind: String, option: String, unit: Int? = nil) {
        self.init(pool: PoolKey(territory: territory, kind: kind), option: option, unit: unit)
    }

    public var territory: String { pool.territory }
    public var kind: String { pool.kind }

    /// Pool, then option, then unit (no unit first).
    public static func < (lhs: DecisionKey, rhs: DecisionKey) -> Bool {
        (lhs.pool, lhs.option, lhs.unit ?? -1) < (rhs.pool, rhs.option, rhs.unit ?? -1)
    }

    /// `t,k,n` or `t,k,n,u` (unit numbered from 1), as in the model's variable names.
    public var description: String { "\(pool),\(option)" + (unit.map { ",\($0 + 1)" } ?? "") }
}

extension HostStructure {
    /// The pool this structure belongs to.
    public var pool: PoolKey { PoolKey(territory: territory, kind: kind) }
}
