import Dispatch
import Foundation

/// A part of the run computed on a thread of its own from the moment it is created, its value waited for where it is
/// needed: the run's parts that do not depend on one another keep both cores busy (`RunCommand`'s `assemble`, the
/// frontier beside the sensitivity variants). Wait for `value` before the run returns or throws, so that no solve
/// outlives the run. A thread, not a `ParallelSolves` job: libdispatch runs a `concurrentPerform` nested in another one
/// on the calling thread alone, so the work's own parallel solves would run one at a time.
public final class Concurrent<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `result` is written once by the worker before `done` is signalled, and read only after waiting on it.
    private var result: Value?
    private let done = DispatchSemaphore(value: 0)

    /// How the work's thread shares the cores with the run's other threads.
    public enum Priority: Sendable {
        /// The same as every other thread.
        case normal
        /// Work that fills a core the others leave idle: its thread's nice value is raised by 10 (at most to 19), so
        /// that while two other threads run, the scheduler gives it about a tenth of a core. For work off the run's
        /// critical path that starts no threads of its own: a thread it made would inherit the low priority (and
        /// libdispatch's pool threads keep it for later work).
        case filler
    }

    public init(priority: Priority = .normal, _ work: @escaping @Sendable () -> Value) {
        Thread.detachNewThread { [self] in
            if priority == .filler { Self.lowerThisThreadsPriority() }
            result = work()
            done.signal()
        }
    }

    /// Linux's nice value is per thread, and `getpriority`/`setpriority(PRIO_PROCESS, 0, …)` read and set the calling
    /// thread's (the kernel reads 0 as the current task): raising it needs no privilege, and the thread ends with its
    /// work.
    private static func lowerThisThreadsPriority() {
        #if os(Linux)
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            errno = 0
            let current = getpriority(which, 0)
            guard errno == 0 else { return }
            _ = setpriority(which, 0, min(current + 10, 19))
        #endif
    }

    /// The value, waiting for the work to finish (at once once it has).
    public var value: Value {
        done.wait()
        done.signal()
        return result!
    }
}

/// The log of a run whose parts run at once (`Concurrent`): one line at a time, in the order they come.
public final class SharedLog: @unchecked Sendable {
    // @unchecked: `log` is only called under `lock`.
    private let lock = NSLock()
    private let log: (String) -> Void

    public init(_ log: @escaping (String) -> Void) { self.log = log }

    public func callAsFunction(_ line: String) { lock.withLock { log(line) } }
}
