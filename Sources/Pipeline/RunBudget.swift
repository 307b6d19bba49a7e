import Dispatch
import Foundation
import LinearProgramming

/// The wall-clock budget of a whole run (`--time-limit`, `solver.time_limit_seconds`): a deadline set when the
/// run starts. Every solve gets at most what remains of it (the main plan first, with a reserve kept for
/// the comparison, the report and publishing; the analyses then share the rest), and a watcher trips
/// `flag` at the deadline so a solve still running stops at GLPK's next callback instead of at its own
/// limit. A signal (`signal`) trips the same flag at once; `signalled` tells the two apart afterwards.
public final class RunBudget: Sendable {
    /// What `limitReached` says of a solve stopped by the budget, and of one never started.
    public static let budgetReached = "run time budget"
    public static let noTimeLeft = "skipped: no time left"

    public let seconds: Double
    /// Kept out of every solve for the work after it (comparison, analyses' rendering, report, publishing).
    public let reserve: Double
    /// Tripped at the deadline minus `reserve`'s last part, or on a signal: the C guard polls it in GLPK's callback.
    public let flag = CancellationFlag()
    private let signal: CancellationFlag?
    private let started: Double
    private let finished = CancellationFlag()
    private let stops: TimedStops

    /// `startedAt` is when the run started (`ProcessInfo.systemUptime`), so loading counts against the budget.
    public convenience init(
        seconds: Double, signal: CancellationFlag?, startedAt: Double = ProcessInfo.processInfo.systemUptime
    ) {
        self.init(
            seconds: seconds, signal: signal, startedAt: startedAt, stops: TimedStops(),
            reserve: Self.reserve(for: seconds, setup: ProcessInfo.processInfo.systemUptime - startedAt))
    }

    private init(seconds: Double, signal: CancellationFlag?, startedAt: Double, stops: TimedStops, reserve: Double) {
        self.seconds = seconds
        self.signal = signal
        self.stops = stops
        started = startedAt
        self.reserve = reserve
        guard seconds.isFinite else { return }
        // A watcher, not a timer: it also forwards a signal to the solves within its 20 ms period.
        let flag = flag, signal = signal, finished = finished, stopAt = started + seconds - reserve / 2
        Thread.detachNewThread {
            while !finished.isCancelled {
                if signal?.isCancelled == true || ProcessInfo.processInfo.systemUptime >= stopAt { flag.cancel() }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    deinit { finished.cancel() }

    /// The share of a commune run's budget its département plan and analyses may spend (`share(_:)`): a plan that
    /// does not close (a small budget whose floors take nearly every post) then leaves the commune model the rest,
    /// which it needs (its relaxation: 20–30 s at 15 km, minutes at 30 km; BENCHMARKS.md).
    public static let communeRunPlanShare = 0.25

    /// A budget that ends at `fraction` of this one, from the same start, stopped by the same signal, and whose solves
    /// stopped by its clock count in this one's `solvesStoppedByTime`: the part of the run that must leave the rest to
    /// what comes after it. It keeps no reserve of its own: the work after its solves happens in the time after it,
    /// and this budget's reserve is kept for the end of the run.
    public func share(_ fraction: Double) -> RunBudget {
        RunBudget(seconds: seconds * fraction, signal: signal, startedAt: started, stops: stops, reserve: 0)
    }

    /// The part of a budget kept for the work after the solves (comparison tables, the analyses' models, the
    /// report and publishing): a tenth of it, from 1 s to 3 s, or ten times the `setup` (reading the scenario,
    /// until the budget is made) when that is more, since that work grows with the same data on the same
    /// machine (a debug build, a loaded machine, a large scenario); never more than half the budget.
    static func reserve(for seconds: Double, setup: Double = 0) -> Double {
        guard seconds.isFinite else { return 0 }
        return min(max(min(max(seconds * 0.1, 1), 3), setup * 10), seconds / 2)
    }

    /// Seconds left before the deadline.
    public var remaining: Double { seconds - (ProcessInfo.processInfo.systemUptime - started) }

    /// Seconds left for solving: the remaining time less the reserve.
    public var solvingTime: Double { remaining - reserve }

    public var signalled: Bool { signal?.isCancelled == true }

    /// How many solves of this run a clock stopped (a time limit, this budget) or left unstarted for want of time: what
    /// they published depends on how fast the machine was, so two identical runs may differ there.
    public var solvesStoppedByTime: Int { stops.count }

    func noteStoppedByTime() { stops.add() }

    /// `solver` held to this budget: stopping on `flag` (a solver polls one flag) when it can be stopped, and
    /// given shorter limits.
    public func solver(wrapping solver: any LinearSolver) -> any LinearSolver {
        BudgetedSolver(inner: solver.stopping(on: flag), budget: self)
    }
}

/// A solver whose every solve gets at most the budget's solving time: none left, it is not started
/// (`noSolution`, "skipped: no time left"); stopped by the budget's flag without a signal, it ends
/// `feasible` with its incumbent (or `noSolution`), "run time budget", like a time limit.
struct BudgetedSolver: LinearSolver {
    let inner: any LinearSolver
    let budget: RunBudget

    var identity: SolverIdentity { inner.identity }

    func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
        let time = budget.solvingTime
        guard time > 0.01 else {
            budget.noteStoppedByTime()
            return SolveResult(status: .noSolution, limitReached: RunBudget.noTimeLeft)
        }
        var limited = options
        limited.timeLimitSeconds = min(options.timeLimitSeconds, time)
        var result = try inner.solve(program, options: limited)
        if result.status == .interrupted, !budget.signalled {
            result.status = result.hasSolution ? .feasible : .noSolution
            result.limitReached = RunBudget.budgetReached
        }
        if result.limitReached == "time limit" || result.limitReached == RunBudget.budgetReached {
            budget.noteStoppedByTime()
        }
        return result
    }
}

extension BudgetedSolver: ColumnRanging {
    /// Column ranges (LPs) within the budget's solving time, through the wrapped solver's own ranging when it has one.
    func columnRanges(
        _ program: LinearProgram, columns: [Variable], options: SolverOptions
    ) throws -> [(low: Double?, high: Double?)] {
        let time = budget.solvingTime
        guard time > 0.01 else {
            budget.noteStoppedByTime()
            return columns.map { _ in (nil, nil) }
        }
        var limited = options
        limited.timeLimitSeconds = min(options.timeLimitSeconds, time)
        if let ranging = inner as? any ColumnRanging {
            return try ranging.columnRanges(program, columns: columns, options: limited)
        }
        return try ColumnRanges.oneByOne(program, columns: columns, solver: inner, options: limited)
    }
}

/// A counter shared by the solves of a run, which may run on several threads.
private final class TimedStops: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    var count: Int { lock.withLock { value } }

    func add() { lock.withLock { value += 1 } }
}
