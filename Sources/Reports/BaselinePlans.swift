import Baselines
import Dispatch
import Foundation
import Scenario

/// The comparison's baseline plans, computed on a thread of their own from the start of the solve: they depend
/// only on the scenario, and their cost grows with the structures (tens of seconds at 35,000 structures), so
/// computed before or after the solve they would break the run's time budget. A baseline not ready when the
/// budget's solving time is spent is left out of the comparison, saying why.
public final class BaselinePlans: @unchecked Sendable {
    // @unchecked: `results` is only touched under `lock`.
    private var results: [BaselineSpec: Result<Baselines.BaselinePlan, Baselines.BaselineError>] = [:]
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private let waitSeconds: @Sendable () -> Double

    /// A baseline the budget left no time to compute.
    struct NoTimeLeft: Error, CustomStringConvertible {
        let spec: BaselineSpec
        var description: String { "baseline \(spec) was not computed within the run's time budget (no time left)" }
    }

    /// Starts computing `specs` at once; `waitSeconds` says, when a plan is asked for, how long it may still be
    /// waited for (the run's budget decides).
    init(_ specs: [BaselineSpec], scenario: Scenario, waitSeconds: @escaping @Sendable () -> Double) {
        self.waitSeconds = waitSeconds
        Thread.detachNewThread { [self] in
            for spec in specs {
                let result: Result<Baselines.BaselinePlan, Baselines.BaselineError>
                do throws(Baselines.BaselineError) {
                    result = .success(try Baselines.plan(for: spec, scenario: scenario))
                } catch {
                    result = .failure(error)
                }
                lock.withLock { results[spec] = result }
            }
            done.signal()
        }
    }

    /// The plan of `spec`, waiting for it at most `waitSeconds()`.
    func plan(for spec: BaselineSpec) throws -> Baselines.BaselinePlan {
        if let result = lock.withLock({ results[spec] }) { return try result.get() }
        if done.wait(timeout: .now() + max(waitSeconds(), 0)) == .success { done.signal() }
        guard let result = lock.withLock({ results[spec] }) else { throw NoTimeLeft(spec: spec) }
        return try result.get()
    }
}
