import CGLPK
import LinearProgramming

/// A return code of `glp_simplex` / `glp_intopt`, typed so a switch names what it handles and an unknown code
/// still prints (after swift-system's `Errno`: a raw value with named constants, not a closed enum).
struct GLPKReturnCode: RawRepresentable, Equatable, Sendable, CustomStringConvertible {
    let rawValue: Int32
    init(rawValue: Int32) { self.rawValue = rawValue }

    static let success = Self(rawValue: 0)
    static let invalidBasis = Self(rawValue: GLP_EBADB)
    static let singularMatrix = Self(rawValue: GLP_ESING)
    static let illConditioned = Self(rawValue: GLP_ECOND)
    static let invalidBounds = Self(rawValue: GLP_EBOUND)
    static let failed = Self(rawValue: GLP_EFAIL)
    static let objectiveLowerLimit = Self(rawValue: GLP_EOBJLL)
    static let objectiveUpperLimit = Self(rawValue: GLP_EOBJUL)
    static let iterationLimit = Self(rawValue: GLP_EITLIM)
    static let timeLimit = Self(rawValue: GLP_ETMLIM)
    static let noPrimalFeasible = Self(rawValue: GLP_ENOPFS)
    static let noDualFeasible = Self(rawValue: GLP_ENODFS)
    static let noRelaxation = Self(rawValue: GLP_EROOT)
    static let stopped = Self(rawValue: GLP_ESTOP)
    static let gapReached = Self(rawValue: GLP_EMIPGAP)
    static let noConvergence = Self(rawValue: GLP_ENOCVG)
    static let unstable = Self(rawValue: GLP_EINSTAB)
    static let invalidData = Self(rawValue: GLP_EDATA)
    static let outOfRange = Self(rawValue: GLP_ERANGE)

    var description: String {
        switch self {
        case .success: "0 (success)"
        case .invalidBasis: "GLP_EBADB (invalid basis)"
        case .singularMatrix: "GLP_ESING (singular matrix)"
        case .illConditioned: "GLP_ECOND (ill-conditioned matrix)"
        case .invalidBounds: "GLP_EBOUND (invalid bounds)"
        case .failed: "GLP_EFAIL (solver failed)"
        case .objectiveLowerLimit: "GLP_EOBJLL"
        case .objectiveUpperLimit: "GLP_EOBJUL"
        case .iterationLimit: "GLP_EITLIM (iteration limit)"
        case .timeLimit: "GLP_ETMLIM (time limit)"
        case .noPrimalFeasible: "GLP_ENOPFS (no primal feasible solution)"
        case .noDualFeasible: "GLP_ENODFS (no dual feasible solution)"
        case .noRelaxation: "GLP_EROOT (no optimal LP relaxation)"
        case .stopped: "GLP_ESTOP (stopped by the callback)"
        case .gapReached: "GLP_EMIPGAP (gap tolerance reached)"
        case .noConvergence: "GLP_ENOCVG (no convergence)"
        case .unstable: "GLP_EINSTAB (numerical instability)"
        case .invalidData: "GLP_EDATA (invalid data)"
        case .outOfRange: "GLP_ERANGE (result out of range)"
        default: "code \(rawValue)"
        }
    }
}

/// A solution status of `glp_get_status` / `glp_mip_status`, typed like `GLPKReturnCode`.
struct GLPKSolutionStatus: RawRepresentable, Equatable, Sendable, CustomStringConvertible {
    let rawValue: Int32
    init(rawValue: Int32) { self.rawValue = rawValue }

    static let undefined = Self(rawValue: GLP_UNDEF)
    static let feasible = Self(rawValue: GLP_FEAS)
    static let infeasible = Self(rawValue: GLP_INFEAS)
    static let noFeasible = Self(rawValue: GLP_NOFEAS)
    static let optimal = Self(rawValue: GLP_OPT)
    static let unbounded = Self(rawValue: GLP_UNBND)

    var description: String {
        switch self {
        case .undefined: "GLP_UNDEF"
        case .feasible: "GLP_FEAS"
        case .infeasible: "GLP_INFEAS"
        case .noFeasible: "GLP_NOFEAS"
        case .optimal: "GLP_OPT"
        case .unbounded: "GLP_UNBND"
        default: "status \(rawValue)"
        }
    }
}

/// `LPBasis` statuses as GLPK's codes (`glp_set_row_stat`, `glp_get_col_stat`) and back.
enum GLPKCodes {
    static func status(_ status: LPBasis.Status) -> Int32 {
        switch status {
        case .basic: GLP_BS
        case .atLower: GLP_NL
        case .atUpper: GLP_NU
        case .free: GLP_NF
        case .fixed: GLP_NS
        }
    }

    static func status(_ code: Int32) -> LPBasis.Status? {
        switch code {
        case GLP_BS: .basic
        case GLP_NL: .atLower
        case GLP_NU: .atUpper
        case GLP_NF: .free
        case GLP_NS: .fixed
        default: nil
        }
    }
}
