import CGLPKShims
import LinearProgramming

/// Solves and exports `LinearProgram`s with GLPK, the only part of repartir that sees C.
///
/// Every call validates the model first, then runs one whole GLPK session inside a C guard on the
/// calling thread: GLPK's fatal errors become `GLPKError.glpkFatal`, its terminal output is
/// captured into `SolveResult.log` (never printed), and concurrent solves on several threads are
/// independent. A solve blocks its thread; don't call it from an actor that must stay responsive.
public struct GLPKSolver: LinearSolver, ModelWriter {
    /// Called from inside branch-and-bound, at most every half second, on the solving thread. Keep
    /// it short; it may cancel, but a solve started from inside it is refused (`glpkFatal`).
    public let progress: (@Sendable (MIPProgress) -> Void)?
    public let cancellation: CancellationFlag?

    public init(progress: (@Sendable (MIPProgress) -> Void)? = nil, cancellation: CancellationFlag? = nil) {
        self.progress = progress
        self.cancellation = cancellation
    }

    public var identity: SolverIdentity { SolverIdentity(name: "GLPK", version: Self.version) }

    /// The same progress callback, polling `flag` (GLPK's callback polls one flag).
    public func stopping(on flag: CancellationFlag) -> any LinearSolver {
        GLPKSolver(progress: progress, cancellation: flag)
    }

    public func reporting(to progress: @escaping @Sendable (MIPProgress) -> Void) -> any LinearSolver {
        GLPKSolver(progress: progress, cancellation: cancellation)
    }

    /// GLPK's version string, e.g. "5.0", for manifests.
    public static var version: String {
        var buffer = [CChar](repeating: 0, count: 64)
        buffer.withUnsafeMutableBufferPointer { repartir_glpk_version($0.baseAddress, $0.count) }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func solve(_ program: LinearProgram, options: SolverOptions) throws(GLPKError) -> SolveResult {
        try GLPKVersion.check()
        do { try program.validate() } catch { throw .invalidModel(error) }
        try Self.check(options, program: program)
        var lowered = LoweredProgram(program)
        var note = ""
        var start: [Double]?
        if let candidate = options.start, program.integerCount > 0 {
            switch Self.checkedStart(candidate, for: program) {
            case .success(let values): start = values
            case .failure(let reason): note = "repartir: MIP start ignored: \(reason)\n"
            }
        }
        lowered.start = start.map { OwnedBuffer([0] + $0) }
        var result = try solveKeepingIntegerRows(lowered, program: program, options: options)
        result.log = note + result.log
        if let start, !result.startUsed { Self.keepBetter(start, of: program, in: &result) }
        return result
    }

    /// Branch-and-bound stops within the gap, so it may return a plan worse than the start it was
    /// given: then the start is the answer (feasible, checked), with the bound GLPK proved.
    static func keepBetter(_ start: [Double], of program: LinearProgram, in result: inout SolveResult) {
        guard
            result.status == .optimal || result.status == .feasible || result.status == .interrupted
                || result.status == .noSolution
        else { return }
        let value = program.objectiveValue(of: start)
        if let objective = result.objective {
            let better = program.sense == .maximize ? value > objective : value < objective
            guard better else { return }
        } else if result.status != .noSolution && result.status != .interrupted {
            return
        }
        result.objective = value
        result.values = start
        result.rowActivities = program.constraints.indices.map { program.activity(ofConstraint: $0, values: start) }
        if result.status == .noSolution { result.status = .feasible }
        if let bound = result.bestBound {
            let valid = program.sense == .maximize ? max(bound, value) : min(bound, value)
            result.bestBound = valid
            result.relativeGap = SolveResult.relativeGap(objective: value, bound: valid)
        }
        result.startUsed = true
    }

    /// A start that may be returned as the answer: integers rounded to exact integers, then every
    /// bound, row and integrality checked here, since an accepted start bypasses GLPK's own search.
    static func checkedStart(_ start: [Double], for program: LinearProgram) -> Result<[Double], StartRejection> {
        guard start.count == program.variables.count else {
            return .failure(
                StartRejection(description: "\(start.count) values for \(program.variables.count) variables"))
        }
        let values = zip(start, program.variables).map { value, variable in
            variable.kind == .integer ? value.rounded() : value
        }
        if let violation = program.largestViolation(of: values, tolerance: 1e-6) {
            return .failure(StartRejection(description: "\(violation.name) violated by \(violation.amount)"))
        }
        return .success(values)
    }

    struct StartRejection: Error, CustomStringConvertible { let description: String }

    /// Exports `program` exactly as GLPK writes it (`glp_write_lp`, or `glp_write_mps` in free
    /// format). GLPK's LP writer prints `[`/`]` in names as `(`/`)` and replaces names starting
    /// with a digit or `.` by `r_N`/`x_N`; MPS keeps names unchanged but, being MPS, carries no
    /// objective direction (readers assume minimize: pass `--max` to glpsol for a maximization).
    public func write(_ program: LinearProgram, format: ModelFileFormat, to path: String) throws(GLPKError) {
        try GLPKVersion.check()
        do { try program.validate() } catch { throw .invalidModel(error) }
        if path.utf8.contains(0) { throw .ioFailure("path contains a NUL byte") }
        let output = GLPKSession.run(LoweredProgram(program), action: .write(format, path: path))
        switch output.outcome {
        case REPARTIR_GLPK_COMPLETED: return
        case REPARTIR_GLPK_IO_FAILED: throw .ioFailure(output.message)
        default: throw .glpkFatal(message: output.message)
        }
    }

    /// Solves an already lowered program without validating it: the entry point tests use to reach
    /// the C guard with a model GLPK rejects.
    func solve(
        _ lowered: LoweredProgram, sense: OptimizationSense, options: SolverOptions
    ) throws(GLPKError)
        -> SolveResult
    {
        try Self.check(options, program: nil)
        let output = GLPKSession.run(lowered, action: .solve(options), progress: progress, cancellation: cancellation)
        switch output.outcome {
        case REPARTIR_GLPK_COMPLETED: break
        case REPARTIR_GLPK_IO_FAILED: throw .ioFailure(output.message)
        default: throw .glpkFatal(message: output.message)
        }
        return try GLPKStatusMapping.result(from: output, sense: sense)
    }

    private static func check(_ options: SolverOptions, program: LinearProgram?) throws(GLPKError) {
        if options.timeLimitSeconds.isNaN || options.timeLimitSeconds <= 0 {
            throw .invalidOptions("time limit must be positive (or .infinity), got \(options.timeLimitSeconds)")
        }
        if !options.mipGap.isFinite || options.mipGap < 0 {
            throw .invalidOptions("MIP gap must be a finite number ≥ 0, got \(options.mipGap)")
        }
        if let program, let basis = options.basis, !basis.fits(program) {
            throw .invalidOptions(
                "a basis of \(basis.rows.count) rows and \(basis.columns.count) columns, not as many basic entries as rows, "
                    + "for \(program.constraints.count) rows and \(program.variables.count) columns")
        }
    }
}
