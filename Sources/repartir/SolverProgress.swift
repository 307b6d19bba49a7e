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

/// Throttled solver progress on stderr, for solves that take more than a moment.
final class ProgressReporter: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var last = Date.distantPast

    init(enabled: Bool) { self.enabled = enabled }

    func report(_ progress: MIPProgress) {
        guard enabled, progress.seconds >= 1 else { return }
        lock.lock()
        defer { lock.unlock() }
        guard Date().timeIntervalSince(last) >= 1 else { return }
        last = Date()
        let incumbent = progress.incumbent.map { String(format: "%.1f", $0) } ?? "none yet"
        let gap = progress.relativeGap.map { String(format: "%.4f %%", $0 * 100) } ?? "n/a"
        StandardError.write(
            "repartir: solving… \(Int(progress.seconds)) s, best plan \(incumbent), gap \(gap), \(progress.nodes) nodes\n"
        )
    }
}
