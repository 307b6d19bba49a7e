import CGLPKShims

/// A flag that stops a running solve: branch-and-bound stops at its next callback, keeping its
/// incumbent (status `.interrupted`); a pure LP only checks it before starting (its time limit is
/// the bound on its duration).
///
/// It wraps a heap-allocated `sig_atomic_t` that lives as long as the flag, so `cancel()` is safe to
/// call from a signal handler (keep the flag in a global initialised before installing the handler),
/// from another thread or from a progress callback.
public final class CancellationFlag: @unchecked Sendable {
    // @unchecked: the only state is a sig_atomic_t written and read through volatile C accessors.
    let pointer: UnsafeMutablePointer<sig_atomic_t>

    public init() {
        pointer = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }

    /// Requests cancellation. Async-signal-safe.
    public func cancel() { repartir_glpk_flag_set(pointer, 1) }

    /// Clears the flag so the next solve runs.
    public func reset() { repartir_glpk_flag_set(pointer, 0) }

    public var isCancelled: Bool { repartir_glpk_flag_get(pointer) != 0 }
}
