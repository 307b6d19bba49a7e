#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A flag that stops a running solve: branch-and-bound stops at its next callback, keeping its
/// incumbent (status `.interrupted`); a pure LP only checks it before starting (its time limit is
/// the bound on its duration).
///
/// It wraps a heap-allocated `sig_atomic_t` that lives as long as the flag, so `cancel()` is safe to
/// call from a signal handler (keep the flag in a global initialised before installing the handler),
/// from another thread or from a progress callback. It lives here, not with a solver, so the
/// pipeline and the signal handlers can hold one without knowing which solver polls it.
public final class CancellationFlag: @unchecked Sendable {
    // @unchecked: the only state is one sig_atomic_t, written and read whole (a solver's C code polls it through
    // `pointer` as a `volatile sig_atomic_t *`).
    package let pointer: UnsafeMutablePointer<sig_atomic_t>

    public init() {
        pointer = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }

    /// Requests cancellation. Async-signal-safe: one store of a `sig_atomic_t`.
    @inline(never)
    public func cancel() { pointer.pointee = 1 }

    /// Clears the flag so the next solve runs.
    @inline(never)
    public func reset() { pointer.pointee = 0 }

    /// Read afresh at every call (never inlined into a caller's loop, so the load is not hoisted out of it).
    public var isCancelled: Bool {
        @inline(never) get { pointer.pointee != 0 }
    }
}
