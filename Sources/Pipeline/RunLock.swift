import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on one destination (a run directory, or a runs root's `latest`), so two runs
/// never publish into the same place at once.
///
/// It is a `flock(2)` lock on a small file beside the destination (`.NAME.lock`): the kernel
/// releases it when the holder exits in any way, SIGKILL and crashes included, so a dead run never
/// blocks the next night and there is no stale lock to clean by hand. The file itself stays (deleting
/// a lock file races with the next locker) and only says who holds it, for the error message; its
/// content is never trusted.
public final class RunLock: @unchecked Sendable {
    // @unchecked: the descriptor is only written by init and release(), on the run's thread.
    public let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Takes the lock at `path` without waiting, creating the file (and its folder) if needed.
    /// `destination` only names what is locked in the messages.
    public static func acquire(_ path: String, for destination: String) throws(RunFailure) -> RunLock {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateOutput("cannot create the folder \(folder) for \(destination): \(SystemError.reason(of: error)). Check the path and that its parent is writable, or choose another output.")
        }
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 && (errno == EROFS || errno == EACCES || errno == EPERM) {
            // A read-only folder with the lock file already there: flock(2) needs no write access.
            fd = open(path, O_RDONLY | O_CLOEXEC)
        }
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw .cannotCreateOutput("cannot create the lock file \(path): \(reason). Make \(folder) writable, or choose another output.")
        }
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { break }
            let code = errno
            if code == EINTR { continue }
            let holder = Self.holderDescription(fd)
            close(fd)
            if code == EWOULDBLOCK || code == EAGAIN {
                throw .locked("\(destination) is being written by another repartir run (lock \(path)\(holder.isEmpty ? "" : ", held by \(holder)")). Let it finish; the lock is released as soon as that process ends, even if it is killed.")
            }
            throw .cannotCreateOutput("cannot lock \(path): \(String(cString: strerror(code))). Put the output on a local file system that supports flock(2).")
        }
        let lock = RunLock(path: path, descriptor: fd)
        lock.recordHolder()
        return lock
    }

    /// Releases the lock (also done when the object goes away or the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    /// Best effort: the lock file says who holds it, for the message another run prints.
    private func recordHolder() {
        let formatter = ISO8601DateFormatter()
        let text = "pid \(getpid()) since \(formatter.string(from: Date()))\n"
        guard ftruncate(descriptor, 0) == 0 else { return }
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    private static func holderDescription(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return "" }
        return String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A failed system call, for messages that name the path and the reason.
struct SystemError: Error, CustomStringConvertible {
    let operation: String
    let path: String
    let code: Int32

    init(_ operation: String, _ path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    var reason: String { String(cString: strerror(code)) }
    var description: String { "cannot \(operation) \(path): \(reason)" }

    /// The reason of a Foundation or system error, without Foundation's long wording.
    static func reason(of error: any Error) -> String {
        if let error = error as? SystemError { return error.reason }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return error.localizedDescription
    }
}
