import Foundation
import LinearProgramming
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
    ///
    /// The lock file sits in a folder others may write to (a shared reports folder, /tmp), and a
    /// root cron job must not be led to write elsewhere: it is created with `O_EXCL`, an existing
    /// one is opened with `O_NOFOLLOW` (a symlink is refused, exit 73) and must be a regular file,
    /// and the holder line is only written into a file this user created (see `mayRecordHolder`).
    ///
    /// `wait` (`--wait[=S]`): nil fails at once with exit 75; otherwise the lock is retried every
    /// 100 ms until it is free, `wait` seconds have passed (exit 75, saying how long it waited) or
    /// `cancellation` is set (a stop signal: `.interrupted`).
    public static func acquire(
        _ path: String, for destination: String, wait: Double? = nil,
        cancellation: CancellationFlag? = nil
    ) throws(RunFailure) -> RunLock {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateOutput(
                "cannot create the folder \(folder) for \(destination): \(SystemError.reason(of: error)). Check the path and that its parent is writable, or choose another output."
            )
        }
        var created = true
        var fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        var failure = errno
        if fd < 0 && failure == EEXIST {
            // O_NONBLOCK: opening a FIFO planted under the name must not hang the run.
            created = false
            fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            failure = errno
        }
        if fd < 0 && (failure == EROFS || failure == EACCES || failure == EPERM) {
            // A read-only folder with the lock file already there: flock(2) needs no write access.
            // If it is not there either, the error to report is the first one (EROFS), not ENOENT.
            created = false
            fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            if fd < 0 && errno == ELOOP { failure = ELOOP }
        }
        if fd < 0 {
            if failure == ELOOP {
                throw .cannotCreateOutput(
                    "the lock file \(path) is a symbolic link, which repartir never follows. Remove it (rm \(path)) and run again."
                )
            }
            throw .cannotCreateOutput(
                "cannot create the lock file \(path): \(String(cString: strerror(failure))). Make \(folder) writable, or choose another output."
            )
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .cannotCreateOutput(
                "the lock file \(path) is not a regular file. Remove it and run again, or choose another output.")
        }
        let started = Date()
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { break }
            let code = errno
            if code == EINTR { continue }
            let held = code == EWOULDBLOCK || code == EAGAIN
            if held, let wait, Date().timeIntervalSince(started) < wait {
                if cancellation?.isCancelled == true {
                    close(fd)
                    throw .interrupted
                }
                usleep(100_000)
                continue
            }
            let holder = Self.holderDescription(fd)
            close(fd)
            if held {
                let waited = wait.map { " after waiting \(Int($0.rounded())) s (--wait)" } ?? ""
                let advice =
                    wait == nil
                    ? "Let it finish, or pass --wait to wait for it"
                    : "Let it finish, or wait longer (--wait=S, or --wait alone to wait until it ends)"
                throw .locked(
                    "\(destination) is being written by another repartir run (lock \(path)\(holder.isEmpty ? "" : ", held by \(holder)"))\(waited). \(advice); the lock is released as soon as that process ends, even if it is killed."
                )
            }
            throw .cannotCreateOutput(
                "cannot lock \(path): \(String(cString: strerror(code))). Put the output on a local file system that supports flock(2)."
            )
        }
        let lock = RunLock(path: path, descriptor: fd)
        if created || mayRecordHolder(info) { lock.recordHolder() }
        return lock
    }

    /// An existing lock file is rewritten only if it can only be one repartir made: a regular file
    /// of this user, with no other name (a hard link to /etc/shadow has two), and no bigger than
    /// a holder line. Anything else is locked but never truncated nor written.
    private static func mayRecordHolder(_ info: stat) -> Bool {
        info.st_uid == geteuid() && info.st_nlink == 1 && info.st_size <= 256
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
        let written = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        if written > 0 { _ = ftruncate(descriptor, off_t(written)) }
    }

    /// The holder line, read from a file anyone may have written: its first line, at most 120
    /// characters, control characters neutralised so it cannot drive the terminal.
    private static func holderDescription(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return "" }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let line =
            text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init) ?? ""
        // The holder writes its line just after it takes the lock: read in between, the line is an earlier run's. A
        // pid that is no longer alive is not named (a review found the message naming a run finished 20 s before).
        if line.hasPrefix("pid "), let pid = Int32(line.dropFirst(4).prefix { $0.isNumber }), pid > 0,
            kill(pid, 0) != 0, errno == ESRCH
        {
            return "a run that has not written its pid yet"
        }
        return String(line.prefix(120)).neutralisingControlCharacters
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
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return error.localizedDescription
    }
}
