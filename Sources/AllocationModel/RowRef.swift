import Foundation
import LinearProgramming
import Scenario

/// The families of rows the programs of repartir hold, named as in docs/model.md: the raw value is the prefix of
/// the row's name in the LP file. Code that needs a row's family reads it from the row's `RowRef`, never from its name.
public enum ConstraintFamily: String, Sendable, Hashable, CaseIterable {
    // The national model (docs/model.md, "Constraints"; "Commitments and waves").
    case hostCapacity = "host_capacity"
    case cofinancing
    case structureCofinancing = "structure_cofinancing"
    case structureCapacity = "structure_capacity"
    case commitment
    case service
    case need
    case territoryPosts = "territory_posts"
    case territoryFloor = "territory_floor"
    case territoryCap = "territory_cap"
    case regionFloor = "region_floor"
    case regionCap = "region_cap"
    case postsTotal = "posts_total"
    case budget
    // The rows the lexicographic stages add ("Other objectives, frontier and sensitivity").
    case minRatio = "min_ratio"
    case closenessAbove = "closeness_above"
    case closenessBelow = "closeness_below"
    /// `closeness_total[i]` and `closeness_parity[i]`: the whole total of posts and the parity of Σ distance.
    case closenessTotal = "closeness_total"
    case closenessParity = "closeness_parity"
    /// `option_total[f]`: the whole total of posts under funding option f, in a chain with a closeness stage.
    case optionTotal = "option_total"
    case endowLink = "endow_link"
    /// `stage_<name>` (`stage_closeness[i]`): an earlier stage held at the value it reached.
    case stage
    // The commune model ("Communes").
    case siteService = "site_service"
    case groupService = "group_service"
    /// `endow_reach[g]`: at least one post within reach of a demand group the endowment stage covered.
    case endowReach = "endow_reach"
    // Rules the verifier checks on a plan that are not rows of a program.
    case placement
    case objective

    /// Rows that express policy (posts, budget, floors, caps, commitments): the infeasibility explainer may relax them.
    /// Host capacities and co-financing are facts about the structures and stay as they are.
    public var isPolicy: Bool {
        switch self {
        case .postsTotal, .budget, .territoryFloor, .territoryCap, .regionFloor, .regionCap, .commitment: true
        default: false
        }
    }
}

/// Which row of a program, or which rule of the verifier: its family and what it is about. A model builds one per
/// row, beside the row and in the same order (`AllocationModel.rows`), so that `rows[i]` describes
/// `program.constraints[i]`; `name` is the row's name in the LP file.
public struct RowRef: Sendable, Hashable, CustomStringConvertible {
    /// What a row is about, typed where the model knows it.
    public enum Scope: Sendable, Hashable, CustomStringConvertible {
        /// The whole programme (`posts_total`, `budget`).
        case national
        /// A territory, by code.
        case territory(String)
        /// A région, by code.
        case region(String)
        /// A pool, and for a unit's row the position of its co-financing unit (numbered from 1 in the name).
        case pool(PoolKey, unit: Int?)
        /// The committed posts of a pool under an option (`commitment[t,k,f]`).
        case commitment(DecisionKey)
        /// One host structure, by id (the verifier's rules).
        case structure(String)
        /// A stage held at its value: `stage_<name>`, or `stage_<name>[i]` with the stage's position.
        case stage(String, position: Int?)
        /// What the brackets hold when no typed scope says it (a commune pool, a closeness stage's `i,t`).
        case other(String)

        /// What the row's name holds between its brackets ("" when it has none).
        public var description: String {
            switch self {
            case .national: ""
            case let .territory(code), let .region(code), let .structure(code), let .other(code): code
            case let .pool(key, unit): "\(key)" + (unit.map { ",\($0 + 1)" } ?? "")
            case let .commitment(key): "\(key)"
            case let .stage(_, position): position.map(String.init) ?? ""
            }
        }
    }

    public let family: ConstraintFamily
    public let scope: Scope

    public init(_ family: ConstraintFamily, _ scope: Scope = .national) {
        self.family = family
        self.scope = scope
    }

    /// The row's name as the LP file writes it (docs/model.md).
    public var name: String {
        switch scope {
        case .national: family.rawValue
        case let .stage(stage, position): "stage_\(stage)" + (position.map { "[\($0)]" } ?? "")
        default: "\(family.rawValue)[\(scope)]"
        }
    }

    public var description: String { name }

    /// The territory or région code the row is about, when it is about one.
    public var place: String? {
        switch scope {
        case let .territory(code), let .region(code): code
        default: nil
        }
    }
}

extension LinearProgram {
    /// Adds the row `ref` names, recording `ref` in `rows` so that the two stay index-aligned.
    @discardableResult
    mutating func addConstraint(
        _ ref: RowRef, into rows: inout [RowRef], _ terms: [(Variable, Double)],
        lower: Double = -.infinity, upper: Double = .infinity
    ) -> Int {
        rows.append(ref)
        return addConstraint(ref.name, terms, lower: lower, upper: upper)
    }
}
