import Foundation
import Reports
import LinearProgramming
import Scenario

/// Runs the variants of one shard of a sweep in this process (no re-exec), `jobs` at a time: each
/// variant is `RunCommand.run` on its scenario, published like `run --out ROOT/<sweep>/<variant>`,
/// so each variant folder has its own lock and shards sharing a root never wait for each other.
public enum SweepRunner {
    public struct Options: Sendable {
        public var root: String
        public var jobs: Int
        /// 0-based shard index and count; nil runs every variant.
        public var shard: (index: Int, count: Int)?
        public var cancellation: CancellationFlag?
        /// The solver every variant runs on (given its progress callback and `cancellation` here).
        public var solver: any LinearSolver
        /// `sweep --wait[=S]`: how long to wait for a variant another process holds, once this shard's own are done
        /// (nil: one more try, without waiting).
        public var lockWait: Double?
        /// The exit code of a variant a signal stopped: 128 + the signal the process received (the command knows it).
        public var interruptedCode: @Sendable () -> Int32 = { ExitStatus.interrupted }

        public init(
            root: String, solver: any LinearSolver, jobs: Int = 1, shard: (index: Int, count: Int)? = nil,
            cancellation: CancellationFlag? = nil, lockWait: Double? = nil,
            interruptedCode: @escaping @Sendable () -> Int32 = { ExitStatus.interrupted }
        ) {
            self.interruptedCode = interruptedCode
            self.lockWait = lockWait
            self.root = root
            self.solver = solver
            self.jobs = jobs
            self.shard = shard
            self.cancellation = cancellation
        }
    }

    public struct Summary: Sendable {
        public var ran = 0
        public var reused = 0
        public var outcomes: [SweepStore.Outcome] = []
        public var interrupted = false
        /// 0 when every variant has a result (a plan, exit 0 or 10, or an explained infeasibility, 20);
        /// else the most serious exit code of the variants that failed (`severity`).
        public var exitCode: Int32 {
            outcomes.map(\.exitCode).filter {
                ![ExitStatus.optimal, ExitStatus.feasibleNotProven, ExitStatus.infeasible].contains($0)
            }.max { SweepRunner.severity($0) < SweepRunner.severity($1) } ?? 0
        }
    }

    /// How serious a variant's failure is for the sweep's own exit code, most serious last: another run holding a
    /// variant's lock (75, which a cron wrapper reads as "skipped, no alert") counts least, so it never hides a full
    /// disk (74) or a bug (70) in another variant (a review: a lock conflict and three write errors exited 75). Then no
    /// plan in time (21), bad inputs and settings (64, 65, 66, 78), outputs that cannot be written (73, 74), and an
    /// internal error (70). A code not listed ranks by its value above them all.
    public static func severity(_ code: Int32) -> Int {
        let order: [Int32] = [
            ExitStatus.locked, ExitStatus.noSolution, ExitStatus.usage, ExitStatus.configuration,
            ExitStatus.inputMissing, ExitStatus.dataError, ExitStatus.cannotCreateOutput, ExitStatus.ioError,
            ExitStatus.internalError,
        ]
        return order.firstIndex(of: code) ?? (order.count + Int(code))
    }

    /// Exit codes a run ends with when it published its result: a rerun with the same inputs reuses it.
    static let published: Set<Int32> = [ExitStatus.optimal, ExitStatus.feasibleNotProven, ExitStatus.infeasible]

    /// `log` receives progress lines, each naming its variant and stage (thread-safe: variants run in parallel).
    public static func run(
        _ plan: SweepPlan, options: Options, commandLine: [String] = CommandLine.arguments,
        log: @escaping @Sendable (String) -> Void
    ) throws(RunFailure) -> Summary {
        let folder = URL(fileURLWithPath: options.root).standardizedFileURL.path + "/" + plan.file.name
        try SweepStore.writeAtomically(
            Data(plan.planJSON(solver: options.solver.identity).utf8), name: SweepStore.planFile, in: folder)
        let mine = options.shard.map { plan.shard($0.index, of: $0.count) } ?? plan.variants
        let shardText = options.shard.map { " (shard \($0.index)/\($0.count))" } ?? ""
        log(
            "sweep \(plan.file.name)\(shardText): \(mine.count) of \(plan.variants.count) variants, \(options.jobs) at a time, into \(folder)"
        )

        let state = Progress(total: mine.count, jobs: options.jobs)
        let queue = WorkQueue(mine)
        let group = DispatchGroup()
        let host = Invocation.hostName()
        let workers = max(1, min(options.jobs, mine.count))
        for _ in 0..<workers {
            group.enter()
            let thread = Thread {
                while options.cancellation?.isCancelled != true, let variant = queue.next() {
                    let outcome = runVariant(
                        variant, plan: plan, folder: folder, options: options, host: host,
                        commandLine: commandLine, state: state, log: log)
                    state.finished(outcome, variant: variant, log: log)
                }
                group.leave()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        group.wait()
        var summary = state.summary
        let began = state.began
        // Variants another process held (75): this sweep's own work done, try each once more (with `--wait`, waiting
        // for its holder) and take the holder's result when it published one from the same inputs. Two sweeps into
        // one folder (a night that overran into the next, a resubmitted array) share the variants between them; a
        // review found both exiting 75, every variant done.
        for index in summary.outcomes.indices where summary.outcomes[index].exitCode == ExitStatus.locked {
            guard options.cancellation?.isCancelled != true,
                let variant = mine.first(where: { $0.id == summary.outcomes[index].variant })
            else { continue }
            if let wait = options.lockWait {
                log(
                    "variant \(variant.id): another process holds it; waiting for it"
                        + (wait.isFinite ? " (at most \(Format.grouped(Int(wait))) s)" : ""))
            }
            do {
                let lock = try RunLock.acquire(
                    "\(folder)/.\(variant.id).lock", for: "\(folder)/\(variant.id)", wait: options.lockWait,
                    cancellation: options.cancellation)
                lock.release()
            } catch {
                // The outcome says why in the words of this last try (how long it waited, with --wait).
                summary.outcomes[index].message = error.description
                log("variant \(variant.id): still held: \(error.description.prefix { !$0.isNewline })")
                continue
            }
            // Published meanwhile by another sweep from other inputs (a sweep file of the same name with other
            // settings): not run over it. Each of two such sweeps would otherwise rerun the other's variants and both
            // exit 0 over a folder neither describes (a review); each now leaves the other's and exits 75.
            let fingerprint = SweepStore.fingerprint(
                variant.scenario, timeLimit: plan.file.timeLimit, mipGap: plan.file.mipGap,
                solver: options.solver.identity)
            if let other = SweepStore.readOutcome(folder, variant.id), other.fingerprint != fingerprint,
                let written =
                    (try? FileManager.default.attributesOfItem(
                        atPath: SweepStore.outcomePath(folder, variant.id)))?[.modificationDate] as? Date,
                written >= began
            {
                summary.outcomes[index].message =
                    "another sweep published \(variant.id) from other inputs while this one ran (a sweep file of the same name with other settings?): left as it is; run this sweep again alone to redo it"
                log("variant \(variant.id): warning: \(summary.outcomes[index].message)")
                continue
            }
            let (outcome, reused) = runVariant(
                variant, plan: plan, folder: folder, options: options, host: host, commandLine: commandLine,
                state: state, log: log)
            summary.outcomes[index] = outcome
            if reused {
                summary.ran -= 1
                summary.reused += 1
                log("variant \(variant.id): the other process published it from the same inputs: reused")
            }
        }
        summary.interrupted = options.cancellation?.isCancelled == true
        return summary
    }

    /// One variant: reused when it already ended with a result from the same inputs; else run, and
    /// its outcome written (a failure too, with its exit code and message).
    static func runVariant(
        _ variant: SweepPlan.Variant, plan: SweepPlan, folder: String, options: Options, host: String,
        commandLine: [String], state: Progress, log: @escaping @Sendable (String) -> Void
    ) -> (SweepStore.Outcome, reused: Bool) {
        let fingerprint = SweepStore.fingerprint(
            variant.scenario, timeLimit: plan.file.timeLimit, mipGap: plan.file.mipGap,
            solver: options.solver.identity)
        if let previous = SweepStore.readOutcome(folder, variant.id), previous.fingerprint == fingerprint,
            published.contains(previous.exitCode),
            FileManager.default.fileExists(atPath: "\(folder)/\(variant.id)/manifest.json")
                // An infeasibility found before the solver publishes no folder: its outcome is the whole result (a
                // review saw such variants solved again on every rerun).
                || (previous.exitCode == ExitStatus.infeasible && previous.runFolder == nil)
        {
            return (previous, true)
        }
        let stage = StageTracker()
        state.started(variant, log: log)
        let say: @Sendable (String) -> Void = { message in
            stage.update(message)
            log("variant \(variant.id) [\(stage.current)]: \(message)")
        }
        let stoppable = options.cancellation.map { options.solver.stopping(on: $0) } ?? options.solver
        let solver = stoppable.reporting(to: { progress in
            guard progress.seconds >= 1, stage.shouldReport() else { return }
            let gap = progress.relativeGap.map { String(format: "%.4f %%", $0 * 100) } ?? "n/a"
            log(
                "variant \(variant.id) [\(stage.current)]: solving… \(Int(progress.seconds)) s, gap \(gap), \(progress.nodes) nodes"
            )
        })
        var request = RunCommand.Request(
            scenarioPath: plan.file.scenario, outputDirectory: "\(folder)/\(variant.id)",
            timeLimit: plan.file.timeLimit, mipGap: plan.file.mipGap, cancellation: options.cancellation)
        request.scenario = variant.scenario
        let invocation = Invocation(
            host: host, commandLine: commandLine, sweepID: plan.file.name, variantID: variant.id,
            cancellation: options.cancellation)
        let clock = Date()
        var outcome = SweepStore.Outcome(
            variant: variant.id, exitCode: 0, message: "", wallSeconds: 0, runFolder: nil, fingerprint: fingerprint)
        Invocation.$scoped.withValue(invocation) {
            var explanation: String?
            do throws(RunFailure) {
                let result = try RunCommand.run(request, solver: solver, log: say, published: { explanation = $0 })
                outcome.exitCode = result.exitCode
                outcome.message = "published \(variant.id)"
                outcome.runFolder = variant.id
            } catch {
                outcome.exitCode = error.exitCode
                outcome.message = error.description
                outcome.runFolder = explanation.map { _ in variant.id }
            }
        }
        outcome.wallSeconds = Date().timeIntervalSince(clock)
        // A variant a signal stopped is recorded as such (with the signal's code), so that collect tells it from one
        // never started (a review: a cancelled Slurm array's variants read "missing").
        if outcome.exitCode == ExitStatus.interrupted
            || (options.cancellation?.isCancelled == true && outcome.runFolder == nil)
        {
            outcome.exitCode = options.interruptedCode()
            outcome.message = "stopped by a signal before it was published (\(outcome.exitCode)): run the sweep again"
            outcome.runFolder = nil
        }
        if outcome.runFolder == nil && outcome.exitCode != ExitStatus.locked {
            retireStaleFolder(variant.id, in: folder, log: log)
        }
        do {
            try SweepStore.writeAtomically(
                Data(outcome.json.utf8), name: "\(variant.id).json", in: "\(folder)/\(SweepStore.outcomesFolder)")
        } catch {
            log("variant \(variant.id): warning: cannot record its outcome: \(error)")
        }
        return (outcome, false)
    }

    /// A variant whose last run published nothing keeps no folder of an earlier run where a glob of the sweep's
    /// folders finds it: the variant id does not change with the sweep's shared `set:`, and a review read an old plan
    /// there beside a `sweep.csv` that said the variant was infeasible. The folder is renamed `.<id>.stale` (hidden;
    /// an older one is replaced), under the variant's lock; skipped when another process holds it.
    static func retireStaleFolder(_ id: String, in folder: String, log: @Sendable (String) -> Void) {
        let path = "\(folder)/\(id)"
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
            let lock = try? RunLock.acquire("\(folder)/.\(id).lock", for: path)
        else { return }
        defer { lock.release() }
        let stale = "\(folder)/.\(id).stale"
        try? FileManager.default.removeItem(atPath: stale)
        if rename(path, stale) == 0 {
            log("variant \(id): its earlier run folder, which tonight's run did not replace, moved to .\(id).stale")
        }
    }

    /// The variants left to run, handed out one at a time to the workers.
    final class WorkQueue: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [SweepPlan.Variant]
        init(_ items: [SweepPlan.Variant]) { self.items = items.reversed() }
        func next() -> SweepPlan.Variant? {
            lock.lock()
            defer { lock.unlock() }
            return items.popLast()
        }
    }

    /// The stage a variant is in, read from its run's messages (for the progress lines).
    final class StageTracker: @unchecked Sendable {
        private let lock = NSLock()
        private var stage = "prepare"
        private var lastReport = Date.distantPast

        var current: String {
            lock.lock()
            defer { lock.unlock() }
            return stage
        }

        func update(_ message: String) {
            let next: String? =
                message.hasPrefix("locked") || message.hasPrefix("model:")
                ? "solve"
                : message.hasPrefix("lexicographic")
                    ? "solve (stages)"
                    : message.hasPrefix("plan verified")
                        ? "compare"
                        : message.hasPrefix("sensitivity") || message.hasPrefix("frontier")
                            ? "analyses"
                            : message.hasPrefix("wrote") ? "publish" : nil
            guard let next else { return }
            lock.lock()
            stage = next
            lock.unlock()
        }

        /// At most one solver progress line per variant and 5 seconds.
        func shouldReport() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            guard Date().timeIntervalSince(lastReport) >= 5 else { return false }
            lastReport = Date()
            return true
        }
    }

    /// Counts and the ETA: `12/33 done, 2 running, ETA 1 min`.
    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private let total: Int
        private let jobs: Int
        private var done = 0
        private var running = 0
        private var ranSeconds: [Double] = []
        private(set) var summary = Summary()
        /// When the sweep began: an outcome written since was written while it ran.
        let began = Date()

        init(total: Int, jobs: Int) {
            self.total = total
            self.jobs = max(1, jobs)
        }

        func started(_ variant: SweepPlan.Variant, log: (String) -> Void) {
            lock.lock()
            running += 1
            let line = "\(counts()) — variant \(variant.id) [start]: \(variant.label)"
            lock.unlock()
            log(line)
        }

        func finished(_ result: (SweepStore.Outcome, reused: Bool), variant: SweepPlan.Variant, log: (String) -> Void) {
            lock.lock()
            done += 1
            summary.outcomes.append(result.0)
            if result.reused {
                summary.reused += 1
            } else {
                running -= 1
                summary.ran += 1
                ranSeconds.append(result.0.wallSeconds)
            }
            let what =
                result.reused
                ? "already done with the same inputs, reused"
                : "\(RunsLog.status(result.0.exitCode)) (exit \(result.0.exitCode)) in \(Format.fixed(result.0.wallSeconds, decimals: 1)) s"
            let line = "\(counts()) — variant \(variant.id) [done]: \(what)"
            lock.unlock()
            log(line)
        }

        /// Called under the lock.
        private func counts() -> String {
            let left = total - done - running
            var eta = "ETA unknown"
            if !ranSeconds.isEmpty {
                let mean = ranSeconds.reduce(0, +) / Double(ranSeconds.count)
                let seconds = mean * Double(left + running) / Double(jobs)
                eta = seconds < 90 ? "ETA \(Int(seconds.rounded())) s" : "ETA \(Int((seconds / 60).rounded())) min"
            }
            return "\(done)/\(total) done, \(running) running, \(eta)"
        }
    }
}
