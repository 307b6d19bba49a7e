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

/// stderr for every message of repartir. When the reader is gone (EPIPE) logging stops and the
/// work goes on: a run whose log nobody reads still publishes, with its usual exit code. Control characters other
/// than the line breaks between messages are written as `\u{1B}` (`Shown.safe`): a path or value echoed in a
/// message never sends an escape sequence to the terminal, whichever message quotes it.
enum StandardError {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var closed = false

    static func write(_ text: String) {
        let shown = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { Shown.safe(String($0)) }.joined(separator: "\n")
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        if writeAll(2, Data(shown.utf8)) != 0 { closed = true }
    }

    /// One log line: its own line breaks too are shown escaped (`\u{A}`), so a path holding one cannot split it.
    static func line(_ message: String) {
        write("repartir: \(Shown.safe(message))\n")
    }
}

/// write(2) of all of `data` to `fd`; 0, or the errno of the failure (EPIPE when the reader is gone).
func writeAll(_ fd: Int32, _ data: Data) -> Int32 {
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32 in
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }
}
