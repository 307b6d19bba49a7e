import CGLPK
import LinearProgramming

/// Turns GLPK's raw codes into a `SolveResult`, honestly: a return code of 0 is not "optimal",
/// so the solution statuses (`glp_get_status`, `glp_mip_status`) decide; presolve reports
/// infeasibility as a return code (`GLP_ENOPFS`) while the plain simplex reports it as a status.
enum GLPKStatusMapping {
    static func result(from output: GLPKSession.Output, sense: OptimizationSense) throws(GLPKError) -> SolveResult {
        var result = SolveResult(status: .noSolution, seconds: output.seconds, log: output.log)
        if output.isMIP { result.nodes = output.nodes }
        if output.cancelled && !output.simplexRan && !output.intoptRan {
            result.status = .interrupted
            result.limitReached = "cancelled"
            return result
        }
        if output.startSufficed {
            // The start was within the gap of the relaxation's bound: GLPK's own stopping rule, met at the root.
            result.status = .optimal
            result.limitReached = "mip gap"
            result.startUsed = true
        } else if output.isMIP && output.intoptRan && !output.resolvedWithoutPresolve {
            try mapMIP(output, into: &result)
        } else {
            try mapLP(output, into: &result)
        }

        if output.hasSolution && result.status != .unbounded && result.status != .infeasible {
            result.objective = output.objective
            result.values = output.values
            result.rowActivities = output.activities
            if output.hasDuals && !output.isMIP && result.status == .optimal { result.duals = output.duals }
        }
        if output.isMIP, let objective = result.objective {
            if result.status == .optimal && result.limitReached == nil {
                result.bestBound = objective
                result.relativeGap = 0
            } else if let bound = output.bound {
                // A bound tracked before the last nodes were pruned can only be weaker; never let it
                // claim more than the incumbent itself.
                let valid = sense == .minimize ? min(bound, objective) : max(bound, objective)
                result.bestBound = valid
                result.relativeGap = SolveResult.relativeGap(objective: objective, bound: valid)
            }
        } else if output.isMIP, result.status == .noSolution || result.status == .interrupted {
            result.bestBound = output.bound
        }
        return result
    }

    /// A pure LP, or a MIP stopped at (or classified by) its LP relaxation.
    private static func mapLP(_ output: GLPKSession.Output, into result: inout SolveResult) throws(GLPKError) {
        switch output.simplexReturn {
        case 0:
            switch output.lpStatus {
            case GLP_OPT: result.status = output.isMIP ? .noSolution : .optimal
            case GLP_NOFEAS: result.status = .infeasible
            case GLP_UNBND: result.status = .unbounded
            default: throw failure(output, "simplex ended with unexpected status \(statusName(output.lpStatus))")
            }
            if output.isMIP && output.lpStatus == GLP_OPT {
                // Relaxation optimal but branch-and-bound never ran: only cancellation does that.
                guard output.cancelled else { throw failure(output, "branch-and-bound did not run") }
                result.status = .interrupted
                result.limitReached = "cancelled"
            }
        case GLP_ENOPFS:
            result.status = .infeasible
        case GLP_ENODFS:
            // Presolve cannot tell unbounded from infeasible; only reached if the re-solve did not run.
            result.status = .unbounded
        case GLP_ETMLIM, GLP_EITLIM:
            result.limitReached = output.simplexReturn == GLP_ETMLIM ? "time limit" : "iteration limit"
            result.status = !output.isMIP && output.lpStatus == GLP_FEAS ? .feasible : .noSolution
        default:
            throw failure(output, "glp_simplex returned \(returnName(output.simplexReturn))")
        }
    }

    private static func mapMIP(_ output: GLPKSession.Output, into result: inout SolveResult) throws(GLPKError) {
        let incumbent = output.mipStatus == GLP_FEAS || output.mipStatus == GLP_OPT
        switch output.intoptReturn {
        case 0:
            switch output.mipStatus {
            case GLP_OPT: result.status = .optimal
            case GLP_NOFEAS: result.status = .infeasible
            default: throw failure(output, "glp_intopt ended with unexpected status \(statusName(output.mipStatus))")
            }
        case GLP_ENOPFS:
            result.status = .infeasible
        case GLP_ENODFS:
            result.status = .unbounded
        case GLP_EMIPGAP:
            result.status = incumbent ? .optimal : .noSolution
            result.limitReached = "mip gap"
        case GLP_ETMLIM:
            result.status = incumbent ? .feasible : .noSolution
            result.limitReached = "time limit"
        case GLP_ESTOP where output.nodeLimited && !output.cancelled:
            result.status = incumbent ? .feasible : .noSolution
            result.limitReached = "node limit"
        case GLP_ESTOP:
            result.status = .interrupted
            result.limitReached = "cancelled"
        default:
            throw failure(output, "glp_intopt returned \(returnName(output.intoptReturn))")
        }
    }

    private static func failure(_ output: GLPKSession.Output, _ what: String) -> GLPKError {
        let code = output.intoptRan ? output.intoptReturn : output.simplexReturn
        let tail = output.log.split(separator: "\n").suffix(3).joined(separator: " / ")
        return .solverFailure(code: code, message: tail.isEmpty ? what : "\(what); GLPK said: \(tail)")
    }

    static func statusName(_ status: Int32) -> String {
        switch status {
        case GLP_UNDEF: "GLP_UNDEF"
        case GLP_FEAS: "GLP_FEAS"
        case GLP_INFEAS: "GLP_INFEAS"
        case GLP_NOFEAS: "GLP_NOFEAS"
        case GLP_OPT: "GLP_OPT"
        case GLP_UNBND: "GLP_UNBND"
        default: "status \(status)"
        }
    }

    static func returnName(_ code: Int32) -> String {
        let names: [Int32: String] = [
            GLP_EBADB: "GLP_EBADB (invalid basis)", GLP_ESING: "GLP_ESING (singular matrix)",
            GLP_ECOND: "GLP_ECOND (ill-conditioned matrix)", GLP_EBOUND: "GLP_EBOUND (invalid bounds)",
            GLP_EFAIL: "GLP_EFAIL (solver failed)", GLP_EOBJLL: "GLP_EOBJLL", GLP_EOBJUL: "GLP_EOBJUL",
            GLP_EROOT: "GLP_EROOT (no optimal LP relaxation)", GLP_ENOCVG: "GLP_ENOCVG (no convergence)",
            GLP_EINSTAB: "GLP_EINSTAB (numerical instability)", GLP_EDATA: "GLP_EDATA (invalid data)",
            GLP_ERANGE: "GLP_ERANGE (result out of range)",
        ]
        return names[code] ?? "code \(code)"
    }
}
