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

    /// What identifies a file while it exists: its device and inode (`lstat`, links not followed).
    struct Identity: Equatable {
        let device: UInt64
        let inode: UInt64
        let kind: mode_t

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            kind = info.st_mode & S_IFMT
        }
    }

    /// The identity of `path` itself (a link is not followed); nil if nothing is there.
    static func identity(_ path: String) -> Identity? {
        var info = stat()
        return lstat(path, &info) == 0 ? Identity(info) : nil
    }

    /// The identity of the entry `name` of the folder open as `directory`; nil if nothing is there.
    static func identity(of name: String, in directory: Int32) -> Identity? {
        var info = stat()
        return fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 ? Identity(info) : nil
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
        defer { close(fd) }
        // A pass empties every folder down to `maximumDepth` levels and moves any deeper folder up
        // to the top one; the next pass continues with those, so the number of folders open at
        // once stays bounded whatever the depth (a tree deeper than the fd limit is still removed).
        var moved = true
        while moved {
            moved = false
            try removeContents(of: fd, path: path, top: fd, depth: 1, moved: &moved)
        }
        guard rmdir(path) == 0 || errno == ENOENT else { throw SystemError("remove", path) }
    }

    /// Folders open at once while a tree is removed (plus one per pass for reading names).
    static let maximumDepth = 32

    /// Empties the directory open as `fd` (left open). Names are kept as the bytes readdir gave
    /// (a name need not be valid UTF-8); `path` is only for messages. A folder at `maximumDepth`
    /// is moved, not entered: renamed into `top` under a fresh name, and `moved` is set.
    private static func removeContents(
        of fd: Int32, path: String, top: Int32, depth: Int, moved: inout Bool
    ) throws(SystemError) {
        for name in try entryNames(of: fd, path: path) {
            let child = path + "/" + String(decoding: name.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { continue }
                throw SystemError("remove", child)
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                if depth >= maximumDepth {
                    try moveUp(name, from: fd, to: top, displayPath: child)
                    moved = true
                    continue
                }
                let inner = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard inner >= 0 else { throw SystemError("remove", child) }
                defer { close(inner) }
                try removeContents(of: inner, path: child, top: top, depth: depth + 1, moved: &moved)
                guard unlinkat(fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT else {
                    throw SystemError("remove", child)
                }
            } else {
                guard unlinkat(fd, name, 0) == 0 || errno == ENOENT else { throw SystemError("remove", child) }
            }
        }
    }

    /// The names in the folder open as `fd`, but `.` and `..`, as NUL-terminated bytes, unchanged.
    private static func entryNames(of fd: Int32, path: String) throws(SystemError) -> [[CChar]] {
        let reading = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard reading >= 0, let directory = fdopendir(reading) else {
            let error = SystemError("remove", path)
            if reading >= 0 { close(reading) }
            throw error
        }
        defer { closedir(directory) }
        var names: [[CChar]] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.prefix(while: { $0 != 0 }).map { CChar(bitPattern: $0) } + [0]
            }
            if name != [46, 0] && name != [46, 46, 0] { names.append(name) }
        }
        return names
    }

    /// Renames the folder `name` of `from` into `top` under an unused name `.deep-N`.
    private static func moveUp(_ name: [CChar], from: Int32, to top: Int32, displayPath: String) throws(SystemError) {
        for counter in 0..<10_000 {
            let fresh = ".deep-\(counter)"
            var info = stat()
            guard fstatat(top, fresh, &info, AT_SYMLINK_NOFOLLOW) != 0 else { continue }
            if renameat(from, name, top, fresh) == 0 { return }
            if errno != EEXIST && errno != ENOTEMPTY { break }
        }
        throw SystemError("remove", displayPath)
    }

    /// Opens a folder repartir just created, refusing a link put in its place, or another user's folder.
    static func openDirectory(_ path: String) throws(SystemError) -> Int32 {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("open", path) }
        guard isOwned(fd) else {
            close(fd)
            throw SystemError("open", path, code: EPERM)
        }
        return fd
    }

    /// True when the file open as `fd` belongs to the user repartir runs as.
    static func isOwned(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && info.st_uid == geteuid()
    }

    /// Creates the new file `relative` (its folders too, for `a/b.csv`) under the folder open as
    /// `directory`, writes `data` and fsyncs it. Fails rather than follow or reuse anything already there.
    static func createFile(_ relative: String, in directory: Int32, displayPath: String, data: Data) throws(SystemError)
    {
        var folder = directory
        var opened: [Int32] = []
        defer { for fd in opened { close(fd) } }
        let components = relative.split(separator: "/").map(String.init)
        for component in components.dropLast() {
            if mkdirat(folder, component, 0o777) != 0 && errno != EEXIST { throw SystemError("create", displayPath) }
            let next = openat(folder, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { throw SystemError("create", displayPath) }
            opened.append(next)
            // Made by an earlier file of this run (staging is 0700, nobody else can enter it):
            // a folder of another user is refused rather than published.
            guard isOwned(next) else { throw SystemError("create", displayPath, code: EPERM) }
            folder = next
        }
        let fd = openat(
            folder, components.last ?? relative, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
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
    private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        Glibc.write(fd, buffer, count)
    }
#elseif canImport(Darwin)
    private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        Darwin.write(fd, buffer, count)
    }
#endif
