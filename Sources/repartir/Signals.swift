import ArgumentParser
import Foundation
import GLPKSolver
import LinearProgramming
import Pipeline
import Scenario
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: Signals

/// The flag GLPK polls in its branch-and-bound callback, set by the stop signals' handler. A
/// global, created before the handlers are installed, as `CancellationFlag` requires.
let interruption = CancellationFlag()
/// The signal that stopped the run (0 if none), written only by the handler. It stores it through
/// this pointer, allocated before any handler is installed: a plain store, nothing to initialise
/// or allocate inside the handler.
nonisolated(unsafe) let receivedSignalStorage: UnsafeMutablePointer<sig_atomic_t> = {
    let storage = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
    storage.initialize(to: 0)
    return storage
}()
var receivedSignal: sig_atomic_t { receivedSignalStorage.pointee }

/// The signals that stop a run like SIGTERM: SIGHUP (the terminal or the session went away) and
/// SIGQUIT (Ctrl-\\, which would otherwise dump a backtrace) too, so none of them is ever followed
/// by a publication.
let stopSignals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

/// When the first stop signal arrived, in CLOCK_MONOTONIC nanoseconds: written by the handler only, through a pointer
/// allocated before any handler is installed.
nonisolated(unsafe) let firstSignalTimeStorage: UnsafeMutablePointer<Int64> = {
    let storage = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
    storage.initialize(to: 0)
    return storage
}()

/// A repeat of the first stop signal within this many nanoseconds is the same request, not a second one: GNU
/// `timeout` sends its signal to the child, then to its whole process group, so the run receives it twice a few
/// microseconds apart (a review found one run in six killed that way, without its runs.csv row or `--json` object).
let repeatedSignalWindowNanoseconds: Int64 = 1_000_000_000

/// The handler records the first signal and its time and sets the flag (all async-signal-safe: clock_gettime, plain
/// stores). The same signal again within a second is that request repeated and changes nothing; any later or other
/// stop signal kills the process at once by its default action (publication is atomic, so even that leaves the
/// previous run intact; the next run removes the leftovers).
private func handleStopSignal(_ number: Int32) {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    let first = receivedSignalStorage.pointee
    guard first == 0 else {
        // A time not yet seen (0): the first signal's handler, on another thread, is between its two stores.
        let firstTime = firstSignalTimeStorage.pointee
        if first == number && (firstTime == 0 || nanoseconds - firstTime < repeatedSignalWindowNanoseconds) {
            return
        }
        // The signal is blocked while its handler runs: the raised one is delivered, by its default action, on return.
        _ = signal(number, SIG_DFL)
        raise(number)
        return
    }
    firstSignalTimeStorage.pointee = nanoseconds
    receivedSignalStorage.pointee = number
    interruption.cancel()
}

/// Installs the stop signals' handlers (`repartir run` only): the run then stops at the next
/// branch-and-bound callback or stage boundary, publishes nothing and exits 128 + signal.
func installStopSignalHandlers() {
    _ = interruption.isCancelled  // initialise the globals before a handler can touch them
    _ = receivedSignalStorage
    _ = firstSignalTimeStorage
    _ = repeatedSignalWindowNanoseconds
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for stop in stopSignals {
        sigaddset(&unblock, stop)
        catchUnlessIgnored(stop, handleStopSignal, pause: signalSetupPause)
    }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
}

/// Installs `handler` for `number`, unless the signal was ignored when repartir started: `nohup
/// repartir run …` (SIGHUP ignored) must survive a logout, and a job started with `&` by a script
/// (SIGINT and SIGQUIT ignored) must not be stopped by the terminal's keys, as for any program.
/// The disposition is read first and the handler installed only if it is not SIG_IGN: installing
/// then restoring SIG_IGN would catch a signal sent in between. `pause` is the test hook's.
func catchUnlessIgnored(_ number: Int32, _ handler: @escaping @convention(c) (Int32) -> Void, pause: useconds_t = 0) {
    var current = sigaction()
    guard sigaction(number, nil, &current) == 0 else { return }
    if pause > 0 { usleep(pause) }
    if let installed = current.__sigaction_handler.sa_handler,
        unsafeBitCast(installed, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    {
        return
    }
    var action = sigaction()
    action.__sigaction_handler.sa_handler = handler
    // Every stop signal waits while a handler runs on this thread: another one cannot cut it between its loads and
    // stores (it is then handled, as a second signal, when the first handler returns).
    sigemptyset(&action.sa_mask)
    for stop in stopSignals { sigaddset(&action.sa_mask, stop) }
    action.sa_flags = Int32(SA_RESTART)  // as signal(3) does on glibc
    _ = sigaction(number, &action, nil)
}

/// `REPARTIR_TEST_SLOW_SIGNAL_SETUP_MS=M` (tests only): sleep M ms at each step of setting up the
/// signal handlers, so a test can send a signal in the middle. repartir says on stderr when it is set.
let signalSetupPause: useconds_t = {
    guard let value = ProcessInfo.processInfo.environment["REPARTIR_TEST_SLOW_SIGNAL_SETUP_MS"].flatMap({ Int($0) }),
        value > 0
    else { return 0 }
    StandardError.write(
        "repartir: test hook REPARTIR_TEST_SLOW_SIGNAL_SETUP_MS=\(value) is set: setting up the signal handlers is slowed down\n"
    )
    return useconds_t(min(value, 10_000) * 1000)
}()

/// A run stopped by a signal: its message and the shells' exit code, 128 + the signal (129 SIGHUP,
/// 130 SIGINT, 131 SIGQUIT, 143 SIGTERM).
func interruptedOutcome(destination: String?) -> (message: String, code: Int32) {
    let signal = receivedSignal
    let names = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP", SIGQUIT: "SIGQUIT"]
    let name = names[signal] ?? (signal == 0 ? "a cancellation" : "signal \(signal)")
    let kept = destination.map { "; the last published run (\($0)) is untouched" } ?? ""
    let message = """
        error: stopped by \(name) before the run was published: nothing was written\(kept). \
        Run it again; to get a best-effort plan within a time budget, use --time-limit (exit 10, published).
        """
    return (message, signal > 0 ? 128 + signal : ExitStatus.interrupted)
}

// MARK: Signals during an export

/// The private folder of an export and the file in it, as C strings the signal handler can remove
/// with plain loads: preallocated and empty (first byte 0) before the handlers are installed.
private let exportPathCapacity = Int(PATH_MAX) + 1
nonisolated(unsafe) private let exportCleanupFile = emptyPathBuffer()
nonisolated(unsafe) private let exportCleanupFolder = emptyPathBuffer()

private func emptyPathBuffer() -> UnsafeMutablePointer<CChar> {
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: exportPathCapacity)
    buffer.initialize(repeating: 0, count: exportPathCapacity)
    return buffer
}

/// On a stop signal during an export, removes its temporary file and folder if recorded yet
/// (unlink and rmdir are async-signal-safe), then dies of the signal as it would have.
private func removeExportAndStop(_ number: Int32) {
    if exportCleanupFile[0] != 0 { unlink(exportCleanupFile) }
    if exportCleanupFolder[0] != 0 { rmdir(exportCleanupFolder) }
    _ = signal(number, SIG_DFL)
    raise(number)
}

/// Installs the export's stop handlers, with no path recorded yet.
func installExportCleanup() {
    _ = exportCleanupFile
    _ = exportCleanupFolder
    for stop in stopSignals { catchUnlessIgnored(stop, removeExportAndStop) }
}

/// Records the paths for the handler; call with the stop signals blocked (`blockStopSignals`).
func recordExportCleanup(_ file: ModelExportFile) {
    for (path, buffer) in [(file.temporaryFile, exportCleanupFile), (file.folder, exportCleanupFolder)] {
        let bytes = Array(path.utf8CString)
        guard bytes.count <= exportPathCapacity else { continue }
        for (index, byte) in bytes.enumerated() { buffer[index] = byte }
    }
}

/// Blocks the stop signals in this thread; returns the mask to restore.
func blockStopSignals() -> sigset_t {
    var stops = sigset_t(), previous = sigset_t()
    sigemptyset(&stops)
    for stop in stopSignals { sigaddset(&stops, stop) }
    pthread_sigmask(SIG_BLOCK, &stops, &previous)
    return previous
}

func restoreSignalMask(_ mask: sigset_t) {
    var mask = mask
    pthread_sigmask(SIG_SETMASK, &mask, nil)
}

extension ModelFileFormat: ExpressibleByArgument {}
