import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File operations that never follow a symbolic link in the names repartir creates or removes.
///
/// repartir often runs as root from cron, writing beside `--out` in folders others can write to
/// (a shared reports folder, /tmp). A link planted under one of its names (`.DIR.lock`,
/// `.DIR.partial-PID`, a file inside an old run…) must never make it write, truncate or delete
/// the link's target: every file is created with `O_CREAT | O_EXCL | O_NOFOLLOW` relative to a
/// folder opened with `O_NOFOLLOW`, and trees are removed with `unlinkat`, looking at each entry
/// with `lstat`, so a link is only ever removed itself.
enum NoFollowFiles {
    /// The kind of what `path` names, the link itself for a symlink (`S_IFDIR`, `S_IFLNK`…); nil if nothing is there.
    static func kind(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    /// True when `path` is a real directory (not a link to one) owned by the user repartir runs as:
    /// the only kind of leftover repartir deletes.
    static func isOwnDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR && info.st_uid == geteuid()
    }

    /// Removes `path` and, for a directory, everything in it; a symlink anywhere is removed itself,
    /// never followed. Nothing there is not an error.
    static func removeTree(_ path: String) throws(SystemError) {
        guard let kind = kind(path) else { return }
        if kind != S_IFDIR {
            guard unlink(path) == 0 || errno == ENOENT else { throw SystemError("remove", path) }
            return
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("remove", path) }
        try removeContents(of: fd, path: path)
        guard rmdir(path) == 0 || errno == ENOENT else { throw SystemError("remove", path) }
    }

    /// Empties the directory open as `fd` (consumed: closed on return).
    private static func removeContents(of fd: Int32, path: String) throws(SystemError) {
        guard let directory = fdopendir(fd) else {
            let error = SystemError("remove", path)
            close(fd)
            throw error
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names {
            let child = path + "/" + name
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { continue }
                throw SystemError("remove", child)
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let inner = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard inner >= 0 else { throw SystemError("remove", child) }
                try removeContents(of: inner, path: child)
                guard unlinkat(fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT else { throw SystemError("remove", child) }
            } else {
                guard unlinkat(fd, name, 0) == 0 || errno == ENOENT else { throw SystemError("remove", child) }
            }
        }
    }

    /// Opens a folder repartir just created, refusing a link put in its place.
    static func openDirectory(_ path: String) throws(SystemError) -> Int32 {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open", path) }
        return fd
    }

    /// Creates the new file `relative` (its folders too, for `a/b.csv`) under the folder open as
    /// `directory`, writes `data` and fsyncs it. Fails rather than follow or reuse anything already there.
    static func createFile(_ relative: String, in directory: Int32, displayPath: String, data: Data) throws(SystemError) {
        var folder = directory
        var opened: [Int32] = []
        defer { for fd in opened { close(fd) } }
        let components = relative.split(separator: "/").map(String.init)
        for component in components.dropLast() {
            if mkdirat(folder, component, 0o777) != 0 && errno != EEXIST { throw SystemError("create", displayPath) }
            let next = openat(folder, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { throw SystemError("create", displayPath) }
            opened.append(next)
            folder = next
        }
        let fd = openat(folder, components.last ?? relative, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw SystemError("create", displayPath) }
        var failure: SystemError?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = SystemError("write", displayPath)
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = SystemError("write", displayPath) }
        if close(fd) != 0 && failure == nil { failure = SystemError("write", displayPath) }
        if let failure { throw failure }
    }
}

#if canImport(Glibc)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Glibc.write(fd, buffer, count) }
#elseif canImport(Darwin)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Darwin.write(fd, buffer, count) }
#endif
