import CGLPKShims
import LinearProgramming

extension GLPKSolver: ColumnRanging {
    /// The smallest and largest value of each of `columns` over the LP relaxation of `program` (its objective is
    /// ignored): one GLPK session, each simplex warm-started from the basis the previous one ended at, so hundreds of
    /// bounds cost a few pivots each instead of a solve each. Nil on a side whose simplex did not end optimal.
    public func columnRanges(
        _ program: LinearProgram, columns: [Variable], options: SolverOptions
    ) throws(GLPKError)
        -> [(low: Double?, high: Double?)]
    {
        // The session sets one column's coefficient at a time: every other coefficient must be 0.
        var relaxed = program.relaxation()
        for index in relaxed.variables.indices { relaxed.setObjective(Variable(index: index), 0) }
        relaxed.objectiveConstant = 0
        do { try relaxed.validate() } catch { throw .invalidModel(error) }
        let output = GLPKSession.run(
            LoweredProgram(relaxed), action: .columnRanges(columns.map(\.index), options),
            cancellation: cancellation)
        switch output.outcome {
        case REPARTIR_GLPK_COMPLETED: break
        case REPARTIR_GLPK_IO_FAILED: throw .ioFailure(output.message)
        default: throw .glpkFatal(message: output.message)
        }
        return zip(output.rangeLow, output.rangeHigh).map { ($0.isNaN ? nil : $0, $1.isNaN ? nil : $1) }
    }
}
