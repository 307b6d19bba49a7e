import LinearProgramming

/// Turns GLPK's raw codes into a `SolveResult`, honestly: a return code of 0 is not "optimal",
/// so the solution statuses (`glp_get_status`, `glp_mip_status`) decide; presolve reports
/// infeasibility as a return code (`GLP_ENOPFS`) while the plain simplex reports it as a status.
enum GLPKStatusMapping {
    static func result(from output: GLPKSession.Output, sense: OptimizationSense) throws(GLPKError) -> SolveResult {
        var result = SolveResult(status: .noSolution, seconds: output.seconds, log: output.log)
        result.basisRejected = output.basisRejected
        if output.isMIP { result.nodes = output.nodes }
        if output.cancelled && !output.simplexRan && !output.intoptRan {
            result.status = .interrupted
            result.limitReached = "cancelled"
            return result
        }
        if output.interiorPoint {
            // The interior-point method stopped short and no simplex followed: no solution, its best point as a guide.
            result.status = .noSolution
            result.limitReached = "interior point: \(output.interiorReturn)"
            result.interiorBestPoint = SolveResult.InteriorBestPoint(
                objective: output.objective, values: output.values, duals: output.duals)
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
            if let codes = output.basis, !output.isMIP, result.status == .optimal {
                let statuses = codes.compactMap(GLPKCodes.status)
                let rows = output.activities.count
                if statuses.count == codes.count && statuses.count >= rows {
                    result.basis = LPBasis(rows: Array(statuses[..<rows]), columns: Array(statuses[rows...]))
                }
            }
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
        case .success:
            switch output.lpStatus {
            case .optimal: result.status = output.isMIP ? .noSolution : .optimal
            case .noFeasible: result.status = .infeasible
            case .unbounded: result.status = .unbounded
            default: throw failure(output, "simplex ended with unexpected status \(output.lpStatus)")
            }
            if output.isMIP && output.lpStatus == .optimal {
                // Relaxation optimal but branch-and-bound never ran: only cancellation does that.
                guard output.cancelled else { throw failure(output, "branch-and-bound did not run") }
                result.status = .interrupted
                result.limitReached = "cancelled"
            }
        case .noPrimalFeasible:
            result.status = .infeasible
        case .noDualFeasible:
            // Presolve cannot tell unbounded from infeasible; only reached if the re-solve did not run.
            result.status = .unbounded
        case .timeLimit, .iterationLimit:
            result.limitReached = output.simplexReturn == .timeLimit ? "time limit" : "iteration limit"
            result.status = !output.isMIP && output.lpStatus == .feasible ? .feasible : .noSolution
        default:
            throw failure(output, "glp_simplex returned \(output.simplexReturn)")
        }
    }

    private static func mapMIP(_ output: GLPKSession.Output, into result: inout SolveResult) throws(GLPKError) {
        let incumbent = output.mipStatus == .feasible || output.mipStatus == .optimal
        switch output.intoptReturn {
        case .success:
            switch output.mipStatus {
            case .optimal: result.status = .optimal
            case .noFeasible: result.status = .infeasible
            default: throw failure(output, "glp_intopt ended with unexpected status \(output.mipStatus)")
            }
        case .noPrimalFeasible:
            result.status = .infeasible
        case .noDualFeasible:
            result.status = .unbounded
        case .gapReached:
            result.status = incumbent ? .optimal : .noSolution
            result.limitReached = "mip gap"
        case .timeLimit:
            result.status = incumbent ? .feasible : .noSolution
            result.limitReached = "time limit"
        case .stopped where output.nodeLimited && !output.cancelled:
            result.status = incumbent ? .feasible : .noSolution
            result.limitReached = "node limit"
        case .stopped:
            result.status = .interrupted
            result.limitReached = "cancelled"
        default:
            throw failure(output, "glp_intopt returned \(output.intoptReturn)")
        }
    }

    private static func failure(_ output: GLPKSession.Output, _ what: String) -> GLPKError {
        let code = output.intoptRan ? output.intoptReturn : output.simplexReturn
        let tail = output.log.split(separator: "\n").suffix(3).joined(separator: " / ")
        return .solverFailure(code: code.rawValue, message: tail.isEmpty ? what : "\(what); GLPK said: \(tail)")
    }
}
