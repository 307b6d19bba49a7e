import CGLPKShims
import LinearProgramming

/// One guarded GLPK session (load → solve or write → read back → delete), run synchronously on the
/// calling thread by the C guard: Debian's GLPK keeps one environment per thread, so a problem must
/// never outlive the call that created it.
enum GLPKSession {
    enum Action {
        case solve(SolverOptions)
        case write(ModelFileFormat, path: String)
        /// Smallest and largest value of each column (0-based), warm-started simplex after simplex (a pure LP).
        case columnRanges([Int], SolverOptions)
    }

    /// The C layer's raw report, copied into Swift values. Statuses are GLPK's codes, unmapped.
    struct Output {
        var outcome: repartir_glpk_outcome
        var isMIP: Bool
        var simplexRan: Bool
        var simplexReturn: GLPKReturnCode
        var lpStatus: GLPKSolutionStatus
        var resolvedWithoutPresolve: Bool
        var intoptRan: Bool
        var intoptReturn: GLPKReturnCode
        var mipStatus: GLPKSolutionStatus
        var hasSolution: Bool
        var hasDuals: Bool
        var objective: Double
        var bound: Double?
        var nodes: Int
        var cancelled: Bool
        /// Branch-and-bound was stopped by `SolverOptions.nodeLimit`.
        var nodeLimited: Bool
        var startSufficed: Bool
        var seconds: Double
        var values: [Double]
        var activities: [Double]
        var duals: [Double]
        var log: String
        var message: String
        /// For `.columnRanges`: per column asked, its smallest and largest value (NaN where a simplex did not end
        /// optimal).
        var rangeLow: [Double] = []
        var rangeHigh: [Double] = []
        /// Statuses (GLPK's codes, rows then columns) where a pure LP's simplex ended optimal; nil otherwise.
        var basis: [Int32]?
        var basisRejected = false
        /// glp_interior stopped short (`SolverOptions.interiorFallback` false): its best point, and GLPK's code.
        var interiorPoint = false
        var interiorReturn = GLPKReturnCode.success
    }

    /// Boxes the progress closure so the C callback can reach it through a context pointer.
    private final class ProgressBox {
        let handler: @Sendable (MIPProgress) -> Void
        init(_ handler: @escaping @Sendable (MIPProgress) -> Void) { self.handler = handler }
    }

    private static let progressTrampoline: repartir_glpk_progress_fn = {
        context, hasIncumbent, incumbent, hasBound, bound, nodes, seconds in
        guard let context else { return }
        let box = Unmanaged<ProgressBox>.fromOpaque(context).takeUnretainedValue()
        box.handler(
            MIPProgress(
                incumbent: hasIncumbent != 0 ? incumbent : nil, bound: hasBound != 0 ? bound : nil,
                nodes: Int(nodes), seconds: seconds))
    }

    static func run(
        _ program: LoweredProgram, action: Action,
        progress: (@Sendable (MIPProgress) -> Void)? = nil, cancellation: CancellationFlag? = nil
    ) -> Output {
        var request = repartir_glpk_request()
        request.message_level = 3  // GLP_MSG_ALL (GLPK's default): the full log, captured, never printed
        request.progress_interval_seconds = 0.5
        request.cancel = cancellation.map { UnsafeMutablePointer($0.pointer) }
        var path = OwnedBuffer<CChar>([0])
        var basisIn = OwnedBuffer<Int32>()
        var rangeColumns = OwnedBuffer<Int32>()
        switch action {
        case .solve(let options):
            request.action = REPARTIR_GLPK_SOLVE
            request.time_limit_seconds = options.timeLimitSeconds
            request.mip_gap = options.mipGap
            request.presolve = options.presolve ? 1 : 0
            request.cuts = options.cuts ? 1 : 0
            request.mir_cuts_off = options.gomoryCutsOnly ? 1 : 0
            request.dual_simplex = options.dualSimplex ? 1 : 0
            request.interior = options.interiorPoint ? 1 : 0
            request.interior_no_fallback = options.interiorFallback ? 0 : 1
            request.node_limit = Int32(clamping: options.nodeLimit ?? 0)
            request.pseudo_cost_branching = options.pseudoCostBranching ? 1 : 0
            request.start_incumbent = options.startAsIncumbent ? 1 : 0
            // Only a basis of the program's size reaches C, which reads rows + columns entries from it.
            if let basis = options.basis, !options.interiorPoint,
                basis.rows.count == program.rowNames.count, basis.columns.count == program.columnNames.count
            {
                basisIn = OwnedBuffer((basis.rows + basis.columns).map(GLPKCodes.status))
            }
        case .write(let format, let target):
            request.action = format == .lp ? REPARTIR_GLPK_WRITE_LP : REPARTIR_GLPK_WRITE_MPS
            path = OwnedBuffer(Array(target.utf8CString))
        case .columnRanges(let columns, let options):
            request.action = REPARTIR_GLPK_COLUMN_RANGES
            request.time_limit_seconds = options.timeLimitSeconds
            request.message_level = 0  // GLP_MSG_OFF: hundreds of simplex runs would flood the captured log
            rangeColumns = OwnedBuffer(columns.map { Int32($0 + 1) })
        }
        let rangeLow = OwnedBuffer<Double>(repeating: .nan, count: rangeColumns.count)
        let rangeHigh = OwnedBuffer<Double>(repeating: .nan, count: rangeColumns.count)
        let box = progress.map(ProgressBox.init)
        if let box {
            request.progress = progressTrampoline
            request.progress_context = Unmanaged.passUnretained(box).toOpaque()
        }

        let rows = program.rowNames.count
        let columns = program.columnNames.count
        let values = OwnedBuffer<Double>(repeating: 0, count: columns)
        let activities = OwnedBuffer<Double>(repeating: 0, count: rows)
        let duals = OwnedBuffer<Double>(repeating: 0, count: rows)
        let basisOut = OwnedBuffer<Int32>(repeating: 0, count: rows + columns)
        var result = repartir_glpk_result()
        var model = repartir_glpk_model(
            name_blob: program.nameBlob.baseAddress, problem_name: program.problemName,
            objective_name: program.objectiveName, maximize: program.maximize ? 1 : 0,
            objective_constant: program.objectiveConstant,
            rows: Int32(rows), row_names: program.rowNames.baseAddress, row_lower: program.rowLower.baseAddress,
            row_upper: program.rowUpper.baseAddress,
            cols: Int32(columns), col_names: program.columnNames.baseAddress,
            col_lower: program.columnLower.baseAddress, col_upper: program.columnUpper.baseAddress,
            col_objective: program.columnObjective.baseAddress, col_integer: program.columnInteger.baseAddress,
            nonzeros: Int32(program.nonzeros), ia: program.ia.baseAddress, ja: program.ja.baseAddress,
            ar: program.ar.baseAddress)
        request.path = UnsafePointer(path.baseAddress)
        request.start = program.start.map { UnsafePointer($0.baseAddress) }
        result.values = values.baseAddress
        result.activities = activities.baseAddress
        result.duals = duals.baseAddress
        result.basis_out = basisOut.baseAddress
        request.basis_in = basisIn.count > 0 ? UnsafePointer(basisIn.baseAddress) : nil
        request.range_count = Int32(rangeColumns.count)
        request.range_columns = UnsafePointer(rangeColumns.baseAddress)
        request.range_low = rangeLow.baseAddress
        request.range_high = rangeHigh.baseAddress
        // Every buffer above is owned by a value alive until the C call returns; the box and the flag too.
        withExtendedLifetime(
            (
                program, path, rangeColumns, rangeLow, rangeHigh, values, activities, duals, basisIn, basisOut, box,
                cancellation
            )
        ) {
            _ = repartir_glpk_run(&model, &request, &result)
        }
        defer { repartir_glpk_free_log(&result) }

        let log: String =
            if let text = result.log {
                String(decoding: UnsafeRawBufferPointer(start: text, count: result.log_length), as: UTF8.self)
            } else {
                ""
            }
        let message = withUnsafeBytes(of: result.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return Output(
            outcome: result.outcome, isMIP: result.is_mip != 0, simplexRan: result.simplex_ran != 0,
            simplexReturn: GLPKReturnCode(rawValue: result.simplex_return),
            lpStatus: GLPKSolutionStatus(rawValue: result.lp_status),
            resolvedWithoutPresolve: result.resolved_without_presolve != 0,
            intoptRan: result.intopt_ran != 0, intoptReturn: GLPKReturnCode(rawValue: result.intopt_return),
            mipStatus: GLPKSolutionStatus(rawValue: result.mip_status), hasSolution: result.has_solution != 0,
            hasDuals: result.has_duals != 0, objective: result.objective,
            bound: result.has_bound != 0 ? result.bound : nil, nodes: Int(result.nodes),
            cancelled: result.cancelled != 0, nodeLimited: result.node_limited != 0,
            startSufficed: result.start_sufficed != 0, seconds: result.seconds,
            values: values.array, activities: activities.array, duals: duals.array,
            log: log + (result.log_truncated != 0 ? "\n[GLPK output truncated]\n" : ""),
            message: message, rangeLow: rangeLow.array, rangeHigh: rangeHigh.array,
            basis: result.has_basis != 0 ? basisOut.array : nil, basisRejected: result.basis_rejected != 0,
            interiorPoint: result.interior_point != 0, interiorReturn: GLPKReturnCode(rawValue: result.interior_return))
    }
}
