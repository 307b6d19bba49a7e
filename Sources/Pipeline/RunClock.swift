import Foundation

/// The wall-clock timings of one run, for its manifest (the one output that holds timings): laps of the run's
/// phases and the seconds the solver reported, in the order they happened.
struct RunClock {
    /// When the run started, on the monotonic clock the run's budget counts from.
    let startedUptime = ProcessInfo.processInfo.systemUptime
    private let started = Date()
    private var lapStart = Date()
    private(set) var timings: [(String, Double)] = []

    /// The time since the last lap (or restart), under `name`; the next lap starts now.
    mutating func lap(_ name: String) {
        timings.append((name, Date().timeIntervalSince(lapStart)))
        lapStart = Date()
    }

    /// Starts the next lap now, forgetting the time since the last one.
    mutating func restart() { lapStart = Date() }

    /// A duration measured elsewhere (the solver's own seconds).
    mutating func record(_ name: String, _ seconds: Double) { timings.append((name, seconds)) }

    /// The time since the run started, under `name`.
    mutating func mark(_ name: String) { timings.append((name, Date().timeIntervalSince(started))) }
}
