import Foundation
import Studies
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `Concurrent`'s filler priority lowers its own thread's share of the cores, and no other thread's: the commune run's
/// side work relies on it to leave the commune plan and the département analyses their cores.
struct ConcurrentTests {
    /// The calling thread's nice value (Linux: per thread).
    private static func niceOfThisThread() -> Int32 {
        #if os(Linux)
            errno = 0
            return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
            return 0
        #endif
    }

    @Test func fillerWorkRunsAtALowerPriorityAndLeavesTheCallerAlone() throws {
        let before = Self.niceOfThisThread()
        let normal = Concurrent { Self.niceOfThisThread() }
        let filler = Concurrent(priority: .filler) { Self.niceOfThisThread() }
        #if os(Linux)
            #expect(normal.value == before)
            #expect(filler.value == min(before + 10, 19))
        #endif
        // The thread that made them keeps its own priority, and another normal part started after the filler too.
        #expect(Self.niceOfThisThread() == before)
        #expect(Concurrent { Self.niceOfThisThread() }.value == before)
    }

    @Test func theValueIsTheWorksAndCanBeReadTwice() {
        let part = Concurrent(priority: .filler) { (1...1000).reduce(0, +) }
        #expect(part.value == 500_500)
        #expect(part.value == 500_500)
    }
}
