import Foundation
import LinearProgramming
import Scenario
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Publishes a run all at once. Files are written (and fsync'ed) into a hidden staging folder beside
/// the destination, which is then renamed into place, so a reader never sees a half-written run, and
/// a failure or a kill at any moment leaves the previous run byte-identical (docs/reliability.md).
///
/// Two targets:
/// - `--out DIR`: DIR stays a plain directory. An existing DIR is replaced by exchanging it with the
///   staging folder in one `renameat2(RENAME_EXCHANGE)` (Linux), so DIR always names a complete
///   run; the old run, now under the staging name, is then deleted. Where the exchange is not
///   supported, two renames are used (DIR → `.DIR.previous-PID`, staging → DIR) and the next run
///   restores `.DIR.previous-*` if a kill left DIR missing between them.
/// - `--runs-root ROOT`: each run gets its own `ROOT/<scenario>-<UTC timestamp>-<hash>/` and the
///   symlink `ROOT/latest` is switched to it by renaming a new symlink over it.
///
/// Every destination is locked first (`RunLock`, `.NAME.lock` beside it); under the lock, the
/// leftovers of killed runs (`.NAME.partial-*`, `.NAME.previous-*`, `latest.tmp-*`) are removed.
///
/// Nothing is ever written, truncated or removed through a link repartir did not create
/// (`NoFollowFiles`): a link under one of these names is removed itself, and `--out` naming a link
/// is refused.
public enum OutputPublisher {
    public typealias File = (name: String, content: Data)

    /// Where a run is published.
    public enum Target: Sendable, Equatable {
        /// `--out DIR`: the run directory itself, replaced by each run.
        case directory(String)
        /// `--runs-root ROOT`: one directory per run under ROOT and a `latest` symlink.
        case runsRoot(String)
    }

    /// A destination locked, cleaned of leftovers and checked, ready to receive a run. Keep it
    /// until the run is published: the lock is released when it goes away.
    public final class Reservation: @unchecked Sendable {
        // @unchecked: immutable after init; the lock is only released by its deinit.
        public let target: Target
        public let lock: RunLock
        /// What messages call the destination: DIR, or ROOT/latest.
        public let destination: String
        /// `--out DIR`: the folder at DIR when it was checked (nil if DIR did not exist). Only
        /// that folder is ever replaced: whatever is put at DIR during the run is left alone.
        let checked: NoFollowFiles.Identity?

        init(target: Target, lock: RunLock, destination: String, checked: NoFollowFiles.Identity? = nil) {
            self.target = target
            self.lock = lock
            self.destination = destination
            self.checked = checked
        }
    }

    // MARK: Reserving

    /// Locks the destination (exit 75 if another run holds it), removes the leftovers of killed runs,
    /// restores a run directory a kill left under `.DIR.previous-*`, and refuses a destination that
    /// is not a repartir output (exit 73), all before any solve.
    public static func reserve(_ target: Target, log: (String) -> Void = { _ in }) throws(RunFailure) -> Reservation {
        switch target {
        case let .directory(path):
            let (parent, name) = try split(path)
            let destination = parent + "/" + name
            let lock = try RunLock.acquire(
                parent + "/.\(name).lock", for: destination,
                wait: Invocation.current.lockWaitSeconds, cancellation: Invocation.current.cancellation)
            recoverDirectory(parent: parent, name: name, log: log)
            try checkReplaceable(destination)
            try checkWritable(parent, staging: parent + "/.\(name).partial-\(getpid())", destination: destination)
            return Reservation(
                target: .directory(destination), lock: lock, destination: destination,
                checked: NoFollowFiles.identity(destination))
        case let .runsRoot(path):
            let root = URL(fileURLWithPath: path).standardizedFileURL.path
            let latest = root + "/latest"
            let lock = try RunLock.acquire(
                root + "/.latest.lock", for: latest,
                wait: Invocation.current.lockWaitSeconds, cancellation: Invocation.current.cancellation)
            cleanRunsRoot(root, log: log)
            try checkWritable(root, staging: root + "/.latest.partial-\(getpid())", destination: latest)
            var info = stat()
            if lstat(latest, &info) == 0 && (info.st_mode & S_IFMT) != S_IFLNK {
                throw .cannotCreateOutput(
                    "\(latest) exists and is not a symlink: repartir switches it as a symlink to the newest run. Move it away, or choose another --runs-root."
                )
            }
            return Reservation(target: .runsRoot(root), lock: lock, destination: latest)
        }
    }

    // MARK: Publishing

    /// Writes `files` and switches them into place; returns the published run directory. Stops with
    /// `.interrupted` (nothing published) if `cancellation` is set before the switch.
    /// `switchesLatest: false` (a run without a plan, e.g. infeasible) gives the run its own folder
    /// under a runs root but leaves `latest` on the last run that has a plan.
    @discardableResult
    public static func publish(
        _ files: [File], into reservation: Reservation, scenarioName: String, switchesLatest: Bool = true,
        cancellation: CancellationFlag? = nil, log: (String) -> Void = { _ in }
    ) throws(RunFailure) -> String {
        let hooks = TestHooks.current
        for note in hooks.notes { log(note) }
        switch reservation.target {
        case let .directory(destination):
            let (parent, name) = try split(destination)
            let staging = parent + "/.\(name).partial-\(getpid())"
            try stage(files, at: staging, destination: destination, cancellation: cancellation, hooks: hooks, log: log)
            try switchDirectory(
                staging: staging, into: destination, parent: parent, name: name,
                checked: reservation.checked, hooks: hooks, log: log)
            return destination
        case let .runsRoot(root):
            let name = runName(scenarioName, files: files, root: root)
            let run = root + "/" + name
            let staging = root + "/.\(name).partial-\(getpid())"
            try stage(
                files, at: staging, destination: reservation.destination, cancellation: cancellation, hooks: hooks,
                log: log)
            try switchRun(staging: staging, run: run, root: root, name: name, switchesLatest: switchesLatest, log: log)
            return run
        }
    }

    /// Reserves and publishes in one step (the lock is held only while writing).
    public static func publish(_ files: [File], to destination: String) throws(RunFailure) {
        let reservation = try reserve(.directory(destination))
        try publish(files, into: reservation, scenarioName: "")
    }

    // MARK: Test hooks

    /// Environment variables that only the tests set, to reach the failure paths of publication.
    /// repartir says on stderr when one is set.
    struct TestHooks {
        /// `REPARTIR_TEST_FAIL_AFTER_FILES=N`: fail (exit 74) right after the N-th file is written.
        var failAfterFiles: Int?
        /// `REPARTIR_TEST_SLOW_WRITE_MS=M`: sleep M ms after each file, so a test can kill mid-write.
        var slowWriteMilliseconds: Int?
        /// `REPARTIR_TEST_NO_EXCHANGE=1`: replace DIR with two renames, as where RENAME_EXCHANGE is missing.
        var noExchange = false

        static var current: TestHooks {
            let environment = ProcessInfo.processInfo.environment
            var hooks = TestHooks()
            hooks.failAfterFiles = environment["REPARTIR_TEST_FAIL_AFTER_FILES"].flatMap { Int($0) }.flatMap {
                $0 > 0 ? $0 : nil
            }
            hooks.slowWriteMilliseconds = environment["REPARTIR_TEST_SLOW_WRITE_MS"].flatMap { Int($0) }.flatMap {
                $0 > 0 ? $0 : nil
            }
            hooks.noExchange = environment["REPARTIR_TEST_NO_EXCHANGE"] == "1"
            return hooks
        }

        var notes: [String] {
            var notes: [String] = []
            if let failAfterFiles {
                notes.append(
                    "test hook REPARTIR_TEST_FAIL_AFTER_FILES=\(failAfterFiles) is set: the run will fail while writing"
                )
            }
            if let slowWriteMilliseconds {
                notes.append(
                    "test hook REPARTIR_TEST_SLOW_WRITE_MS=\(slowWriteMilliseconds) is set: writing is slowed down")
            }
            if noExchange {
                notes.append("test hook REPARTIR_TEST_NO_EXCHANGE=1 is set: DIR is replaced with two renames")
            }
            return notes
        }
    }

    // MARK: Staging

    /// Writes every file into a new `staging` folder and syncs it; on any failure the folder is removed.
    static func stage(
        _ files: [File], at staging: String, destination: String, cancellation: CancellationFlag?,
        hooks: TestHooks, log: (String) -> Void = { _ in }
    ) throws(RunFailure) {
        let untouched = "nothing was published and \(destination) is untouched"
        // A folder of our own (a leftover with our PID) is removed, and so is a link planted under
        // the name (the link itself, never its target); anything else makes mkdir fail.
        if NoFollowFiles.kind(staging) == S_IFLNK || NoFollowFiles.isOwnDirectory(staging) {
            removeLeftover(staging, log: log)
        }
        // 0700 until the switch: nobody else can add a file or a folder to a run being written.
        guard mkdir(staging, 0o700) == 0 else {
            let error = SystemError("create", staging)
            throw .cannotCreateOutput(
                "\(error). Make \((staging as NSString).deletingLastPathComponent) writable, or choose another output; \(untouched)."
            )
        }
        let folder: Int32
        do {
            folder = try NoFollowFiles.openDirectory(staging)
        } catch {
            try? NoFollowFiles.removeTree(staging)
            throw .cannotCreateOutput("\(error); \(untouched).")
        }
        defer { close(folder) }
        do throws(RunFailure) {
            for (index, file) in files.enumerated() {
                if cancellation?.isCancelled == true { throw RunFailure.interrupted }
                let path = staging + "/" + file.name
                do {
                    try NoFollowFiles.createFile(file.name, in: folder, displayPath: path, data: file.content)
                } catch {
                    throw RunFailure.outputIO(
                        "cannot write \(path): \(error.reason). Free space on that file system or choose another output; \(untouched) (the partial files were removed)."
                    )
                }
                if let failAfterFiles = hooks.failAfterFiles, index + 1 == failAfterFiles {
                    throw RunFailure.outputIO(
                        "test hook REPARTIR_TEST_FAIL_AFTER_FILES=\(failAfterFiles): simulated write failure after \(failAfterFiles) file(s) in \(staging); \(untouched) (the partial files were removed)."
                    )
                }
                if let milliseconds = hooks.slowWriteMilliseconds {
                    let end = Date().addingTimeInterval(Double(milliseconds) / 1000)
                    while Date() < end && cancellation?.isCancelled != true { usleep(10_000) }
                }
            }
            guard fchmod(folder, publishedMode) == 0 else {
                throw RunFailure.outputIO(
                    "\(SystemError("set the mode of", staging)); \(untouched) (the partial files were removed).")
            }
            _ = fsync(folder)
            if cancellation?.isCancelled == true { throw RunFailure.interrupted }
        } catch {
            try? NoFollowFiles.removeTree(staging)
            throw error
        }
    }

    /// The mode of a published run folder: 0755 less the umask (never writable by others).
    static var publishedMode: mode_t {
        let mask = umask(0o022)
        umask(mask)
        return 0o755 & ~mask
    }

    // MARK: Switching into place

    /// `--out DIR`: staging becomes DIR in one step; the old run is deleted afterwards. Only the
    /// folder checked at reservation (`checked`) is replaced and deleted: if DIR is something else
    /// by now (moved away and a folder or file put in its place during the run), nothing is
    /// published and that is left as it is.
    static func switchDirectory(
        staging: String, into destination: String, parent: String, name: String,
        checked: NoFollowFiles.Identity?, hooks: TestHooks, log: (String) -> Void = { _ in }
    ) throws(RunFailure) {
        func fail(_ message: String) -> RunFailure {
            try? NoFollowFiles.removeTree(staging)
            return .outputIO("\(message); nothing was published and \(destination) is untouched.")
        }
        let replaced =
            "\(destination) was replaced or changed during the run (it is no longer the run folder checked before the solve): move it away or choose another --out, then run again"
        let stagingName = (staging as NSString).lastPathComponent
        // Every rename and check below is relative to the parent, so they all see the same folder.
        let folder = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { throw fail("cannot open \(parent): \(String(cString: strerror(errno)))") }
        defer { close(folder) }
        let current = NoFollowFiles.identity(of: name, in: folder)
        if current?.kind == S_IFLNK {
            // Put there during the solve: replacing it would swap a link repartir did not create.
            throw fail("\(destination) became a symbolic link during the run")
        }
        // The same inode, and still a run: an inode number can be reused by a folder made after the old one was
        // deleted.
        guard current == checked, current == nil || isRunDirectory(destination) else { throw fail(replaced) }
        if current == nil {
            guard renameNoReplace(stagingName, name, in: folder) == 0 else {
                throw fail("cannot rename \(staging) to \(destination): \(String(cString: strerror(errno)))")
            }
            syncDirectory(parent)
            return
        }
        let swap: Exchange = hooks.noExchange ? .unsupported : exchange(stagingName, name, in: folder)
        switch swap {
        case .swapped:
            // DIR is the new run; the old one is under the staging name, and is a leftover if we die now.
            syncDirectory(parent)
            guard NoFollowFiles.identity(of: stagingName, in: folder) == checked else {
                // Put at DIR between the check above and the exchange: give it its place back.
                if case .swapped = exchange(stagingName, name, in: folder) {
                    syncDirectory(parent)
                    throw fail(replaced)
                }
                keepAside(stagingName, in: folder, parent: parent, name: name, log: log)
                return
            }
            try? NoFollowFiles.removeTree(staging)
        case let .failed(code):
            throw fail("cannot exchange \(staging) with \(destination): \(String(cString: strerror(code)))")
        case .unsupported:
            // Two renames: a kill between them leaves DIR missing and the old run in `previous`,
            // which the next run restores (recoverDirectory) before anything else.
            let previousName = ".\(name).previous-\(getpid())"
            let previous = parent + "/" + previousName
            try? NoFollowFiles.removeTree(previous)
            guard renameat(folder, name, folder, previousName) == 0 else {
                throw fail("cannot move \(destination) aside: \(String(cString: strerror(errno)))")
            }
            guard NoFollowFiles.identity(of: previousName, in: folder) == checked else {
                if renameNoReplace(previousName, name, in: folder) != 0 {
                    keepAside(previousName, in: folder, parent: parent, name: name, log: log)
                }
                throw fail(replaced)
            }
            guard renameNoReplace(stagingName, name, in: folder) == 0 else {
                let code = errno
                _ = renameNoReplace(previousName, name, in: folder)
                throw fail("cannot rename \(staging) to \(destination): \(String(cString: strerror(code)))")
            }
            syncDirectory(parent)
            try? NoFollowFiles.removeTree(previous)
        }
    }

    /// Moves what was found at DIR during the run (now under a temporary name that a later run
    /// would delete) to the visible `NAME.kept-PID`, and says so: repartir never deletes it.
    static func keepAside(_ entry: String, in folder: Int32, parent: String, name: String, log: (String) -> Void) {
        let kept = "\(name).kept-\(getpid())"
        if renameNoReplace(entry, kept, in: folder) == 0 {
            syncDirectory(parent)
            log("warning: \(parent)/\(name) was replaced during the run; what was there is kept as \(parent)/\(kept)")
        } else {
            log(
                "warning: \(parent)/\(name) was replaced during the run; what was there is kept as \(parent)/\(entry); move it before the next run, which would remove it"
            )
        }
    }

    /// `--runs-root ROOT`: staging becomes ROOT/NAME, then the symlink ROOT/latest is replaced by a
    /// new one pointing to NAME (`latest.tmp-PID`, exchanged with `latest`). Only a symlink is ever
    /// replaced at `latest`: a file or folder put there during the run is left (or swapped back) and
    /// the run fails. If `latest` cannot be switched, ROOT/NAME is removed again, so a failed run
    /// leaves ROOT as it was.
    static func switchRun(
        staging: String, run: String, root: String, name: String, switchesLatest: Bool = true,
        log: (String) -> Void = { _ in }
    ) throws(RunFailure) {
        let latest = root + "/latest"
        var temporaryName = "latest.tmp-\(getpid())"
        var temporary: String { root + "/" + temporaryName }
        var madeTemporary = false
        func fail(_ message: String, removeRun: Bool) -> RunFailure {
            try? NoFollowFiles.removeTree(staging)
            if removeRun { try? NoFollowFiles.removeTree(run) }
            if madeTemporary && NoFollowFiles.kind(temporary) == S_IFLNK { _ = unlink(temporary) }
            return .outputIO("\(message); nothing was published and \(latest) is untouched.")
        }
        if renameNoReplace(staging, run) != 0 {
            throw fail("cannot rename \(staging) to \(run): \(String(cString: strerror(errno)))", removeRun: false)
        }
        syncDirectory(root)
        guard switchesLatest else { return }
        let folder = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else {
            throw fail("cannot open \(root): \(String(cString: strerror(errno)))", removeRun: true)
        }
        defer { close(folder) }
        // The leftovers under these names were removed at reservation (removeLeftover); what is
        // there now is not repartir's, so it is left and the next free name is used.
        var attempt = 1
        while symlinkat(name, folder, temporaryName) != 0 {
            guard errno == EEXIST, attempt < 100 else {
                throw fail(
                    "cannot create the symlink \(temporary): \(String(cString: strerror(errno)))", removeRun: true)
            }
            attempt += 1
            temporaryName = "latest.tmp-\(getpid())-\(attempt)"
        }
        madeTemporary = true
        let notALink =
            "\(latest) became something other than a symlink during the run (repartir switches only a symlink there): move it away, then run again"
        switch NoFollowFiles.identity(of: "latest", in: folder)?.kind {
        case nil:
            guard renameNoReplace(temporaryName, "latest", in: folder) == 0 else {
                throw fail("cannot switch \(latest) to \(name): \(String(cString: strerror(errno)))", removeRun: true)
            }
        case S_IFLNK?:
            switch exchange(temporaryName, "latest", in: folder) {
            case .swapped:
                guard NoFollowFiles.identity(of: temporaryName, in: folder)?.kind == S_IFLNK else {
                    // Put at `latest` in the instant before the exchange: give it its place back.
                    if case .swapped = exchange(temporaryName, "latest", in: folder) {
                        throw fail(notALink, removeRun: true)
                    }
                    madeTemporary = false
                    keepAside(temporaryName, in: folder, parent: root, name: "latest", log: log)
                    syncDirectory(root)
                    return
                }
                _ = unlinkat(folder, temporaryName, 0)
            case .unsupported:
                guard renameat(folder, temporaryName, folder, "latest") == 0 else {
                    throw fail(
                        "cannot switch \(latest) to \(name): \(String(cString: strerror(errno)))", removeRun: true)
                }
            case let .failed(code):
                throw fail("cannot switch \(latest) to \(name): \(String(cString: strerror(code)))", removeRun: true)
            }
        default:
            throw fail(notALink, removeRun: true)
        }
        syncDirectory(root)
    }

    // MARK: Leftovers

    /// Under the lock: restores DIR from `.DIR.previous-*` if a kill left it missing, then removes
    /// every `.DIR.partial-*` and `.DIR.previous-*` (runs that died, or the old run of a swap).
    /// Only real folders of repartir's own user are restored or deleted (`removeLeftover`).
    static func recoverDirectory(parent: String, name: String, log: (String) -> Void) {
        let destination = parent + "/" + name
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        var previous = entries.filter { $0.hasPrefix(".\(name).previous-") }.map { parent + "/" + $0 }
        let partial = entries.filter { $0.hasPrefix(".\(name).partial-") }.map { parent + "/" + $0 }
        let restorable = previous.filter(NoFollowFiles.isOwnDirectory)
        if !exists(destination), let newest = restorable.max(by: { modificationDate($0) < modificationDate($1) }) {
            if rename(newest, destination) == 0 {
                log(
                    "restored \(destination) from \(newest.neutralisingControlCharacters), left by a run killed while replacing it"
                )
                previous.removeAll { $0 == newest }
            } else {
                log(
                    "warning: cannot restore \(destination) from \(newest.neutralisingControlCharacters): \(String(cString: strerror(errno)))"
                )
            }
        }
        for leftover in partial + previous {
            removeLeftover(leftover, log: log)
        }
    }

    /// Under the lock: removes the staging folders and temporary symlinks of killed runs in ROOT.
    static func cleanRunsRoot(_ root: String, log: (String) -> Void) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for entry in entries
        where (entry.hasPrefix(".") && entry.contains(".partial-")) || entry.hasPrefix("latest.tmp-") {
            removeLeftover(root + "/" + entry, log: log)
        }
    }

    /// Removes one leftover without ever following a link: a folder of repartir's user is deleted
    /// (links inside it are removed themselves), a symlink under a reserved name is unlinked (its
    /// target is not touched), and anything else (a file, another user's folder) is left and reported.
    private static func removeLeftover(_ path: String, log: (String) -> Void) {
        let shown = path.neutralisingControlCharacters
        let isLink = NoFollowFiles.kind(path) == S_IFLNK
        guard isLink || NoFollowFiles.isOwnDirectory(path) else {
            log(
                "warning: left \(shown) as it is: its name is one repartir uses for its temporary folders, but repartir did not create it; remove it by hand"
            )
            return
        }
        do {
            try NoFollowFiles.removeTree(path)
            if isLink && !(path as NSString).lastPathComponent.hasPrefix("latest.tmp-") {
                log("removed the symbolic link \(shown), which repartir did not create (its target was not followed)")
            } else {
                log("removed \(shown), left by an earlier run that did not finish")
            }
        } catch {
            log("warning: cannot remove \(shown), left by an earlier run: \(error.reason)")
        }
    }

    // MARK: Helpers

    /// The parent folder (absolute, created by the lock) and the last component of an output path.
    static func split(_ path: String) throws(RunFailure) -> (parent: String, name: String) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let name = url.lastPathComponent
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        guard !path.isEmpty, last != ".", last != "..", !name.isEmpty, name != "/", name != ".", name != ".." else {
            throw .cannotCreateOutput(
                "'\(path)' cannot be a run directory; give --out a folder of its own, e.g. out/run.")
        }
        return (url.deletingLastPathComponent().path, name)
    }

    /// Refuses to replace anything but a run directory (or an empty folder): a mistyped --out must
    /// never delete someone's files. A symlink is refused, never followed nor replaced (replacing
    /// `ROOT/latest` by a folder would break every later `--runs-root` run), and so is the current
    /// folder or one of its parents (a shell would be left in a deleted folder).
    static func checkReplaceable(_ destination: String) throws(RunFailure) {
        var info = stat()
        guard lstat(destination, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFLNK {
            throw .cannotCreateOutput(
                "\(destination) is a symbolic link; repartir neither follows nor replaces it. Give --out the folder itself, or use --runs-root for a switched link."
            )
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .cannotCreateOutput(
                "\(destination) exists and is not a directory; repartir will not replace it. Remove it or choose another --out."
            )
        }
        if let current = realPath("."), let resolved = realPath(destination),
            current == resolved || current.hasPrefix(resolved == "/" ? "/" : resolved + "/")
        {
            throw .cannotCreateOutput(
                "\(destination) is the current folder or one of its parents; repartir will not replace it. Give --out a folder of its own, e.g. out/run."
            )
        }
        // A mount point (a container's volume mounted at the output path) cannot be renamed: the switch would fail
        // with "Device or resource busy" after the whole solve, every night (a review).
        if let resolved = realPath(destination), resolved != "/", mountPoints().contains(resolved) {
            throw .cannotCreateOutput(
                "\(destination) is a mount point, and repartir publishes a run by replacing the folder as a whole, which a mount point cannot be. Give --out a folder inside it (e.g. \(destination)/run), or use --runs-root \(destination)."
            )
        }
        if !isRunDirectory(destination) {
            throw .cannotCreateOutput(
                "\(destination) is not a repartir run directory (it has no manifest.json) and repartir will not replace it. Choose another --out, or remove that folder if it is yours to discard."
            )
        }
    }

    /// The folder the run will be staged in can be created, tried before the solve: the lock file of an earlier run
    /// lets a read-only file system through the lock (a review: 73 came after the whole solve, up to the time limit,
    /// where the documentation promises it in a second). The probe is the staging folder's own name, removed at once.
    static func checkWritable(_ folder: String, staging: String, destination: String) throws(RunFailure) {
        if NoFollowFiles.isOwnDirectory(staging) { rmdir(staging) }
        guard mkdir(staging, 0o700) == 0 else {
            let error = SystemError("create", staging)
            throw .cannotCreateOutput(
                "\(error). Make \(folder) writable, or choose another output; nothing was published and \(destination) is untouched."
            )
        }
        rmdir(staging)
    }

    /// The mount points of this process's mount namespace (`/proc/self/mountinfo`'s fifth field, its octal escapes
    /// read), empty where the file cannot be read.
    static func mountPoints() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return [] }
        var points = Set<String>()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 4 else { continue }
            // Spaces, tabs, newlines and backslashes are written as \ and three octal digits.
            let characters = Array(fields[4].utf8)
            var bytes: [UInt8] = []
            var index = 0
            while index < characters.count {
                if characters[index] == UInt8(ascii: "\\"), index + 3 < characters.count,
                    let code = UInt8(String(decoding: characters[(index + 1)...(index + 3)], as: UTF8.self), radix: 8)
                {
                    bytes.append(code)
                    index += 4
                } else {
                    bytes.append(characters[index])
                    index += 1
                }
            }
            points.insert(String(decoding: bytes, as: UTF8.self))
        }
        return points
    }

    /// Refuses a destination that is, or holds, one of the run's input files (a scenario kept in an old run folder
    /// and written over by `--out` would lose its tables). The warm start's files are not counted: a variant may
    /// replace the run it starts from, whose files are read before anything is written.
    static func checkHoldsNoInput(_ destination: String, inputs: [Scenario.InputFile]) throws(RunFailure) {
        try checkHoldsNone(
            of: inputs.filter { !$0.role.hasPrefix("warm_start") }.map(\.path), destination: destination,
            what: "an input of this run", example: "out/run")
    }

    /// Refuses (73) a destination that is, or holds, one of `paths` (what the command reads: `diff`'s run folders,
    /// `export-model`'s scenario files), before anything is reserved: replacing it would destroy that input (a review
    /// found `diff A B --out B` replacing run B with the diff, exit 0).
    public static func checkHoldsNone(
        of paths: [String], destination: String, what: String, example: String
    ) throws(RunFailure) {
        guard let folder = realPath(destination) else { return }
        for input in paths {
            guard let path = realPath(input) else { continue }
            if path == folder || path.hasPrefix(folder == "/" ? "/" : folder + "/") {
                throw .cannotCreateOutput(
                    "\(destination) is or holds \(input), \(what); repartir will not replace it. Give it a place of its own, e.g. \(example)."
                )
            }
        }
    }

    /// Refuses a destination that holds another kind of output than `kind` (its manifest.json's `"kind"`; a run's has
    /// none): `repartir diff --out` replaces an earlier diff's folder, never a run's (a review found a published plan
    /// replaced by a mistyped `--out`, exit 0).
    public static func checkHoldsKind(_ kind: String, destination: String, example: String) throws(RunFailure) {
        guard let data = FileManager.default.contents(atPath: destination + "/manifest.json") else { return }
        let found = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["kind"] as? String
        if found != kind {
            throw .cannotCreateOutput(
                "\(destination) holds \(found.map { "a \($0)'s output" } ?? "a run") (its manifest.json), and a \(kind) replaces only an earlier \(kind)'s folder. Choose another --out, e.g. \(example)."
            )
        }
    }

    /// An empty folder, or one holding `manifest.json`: what `--out` may replace.
    static func isRunDirectory(_ path: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return entries.isEmpty || entries.contains("manifest.json")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `<scenario>-<UTC timestamp>-<8 hex digits>`: the hash is SHA-256 over every output but the
    /// manifest, so two runs with the same hash have byte-identical results.
    static func runName(_ scenarioName: String, files: [File], root: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var scenario = String(scenarioName.map { allowed.contains($0) ? $0 : "_" })
        if scenario.isEmpty || scenario.hasPrefix(".") { scenario = "run" + scenario }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let hash = resultHash(
            files.filter { $0.name != "manifest.json" }.map { ($0.name, Manifest.sha256($0.content)) })
        let base = "\(scenario)-\(formatter.string(from: Date()))-\(hash.prefix(8))"
        var name = base, counter = 1
        while exists(root + "/" + name) {
            counter += 1
            name = "\(base)-\(counter)"
        }
        return name
    }

    /// SHA-256 over (file name, SHA-256) of every output but the manifest, sorted by name: two runs
    /// with the same result hash have byte-identical results. The manifest's `outputs` list is
    /// exactly this input, so the runs log recomputes it from a published manifest.
    static func resultHash(_ outputs: [(name: String, sha256: String)]) -> String {
        var digest = Data()
        for output in outputs.sorted(by: { $0.name < $1.name }) {
            digest.append(Data("\(output.name)\u{0}\(output.sha256)\n".utf8))
        }
        return Manifest.sha256(digest)
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func modificationDate(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }

    /// fsync(2) on a folder, so renames and new entries survive a power cut. Best effort.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    enum Exchange { case swapped, unsupported, failed(Int32) }

    /// Atomically exchanges two entries of the folder open as `folder` (Linux renameat2 with RENAME_EXCHANGE).
    static func exchange(_ a: String, _ b: String, in folder: Int32 = AT_FDCWD) -> Exchange {
        guard let renameat2 = renameat2Function else { return .unsupported }
        if renameat2(folder, a, folder, b, renameExchange) == 0 { return .swapped }
        let code = errno
        if code == EINVAL || code == ENOSYS || code == EOPNOTSUPP || code == ENOTSUP { return .unsupported }
        return .failed(code)
    }

    /// rename(2) that never replaces an existing `to` (RENAME_NOREPLACE where available), both
    /// names relative to `folder`.
    static func renameNoReplace(_ from: String, _ to: String, in folder: Int32 = AT_FDCWD) -> Int32 {
        if let renameat2 = renameat2Function {
            if renameat2(folder, from, folder, to, renameNoReplaceFlag) == 0 { return 0 }
            let code = errno
            if !(code == EINVAL || code == ENOSYS || code == EOPNOTSUPP || code == ENOTSUP) { errno = code; return -1 }
        }
        if NoFollowFiles.identity(of: to, in: folder) != nil { errno = EEXIST; return -1 }
        return renameat(folder, from, folder, to)
    }

    private typealias Renameat2 =
        @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32
    private static let renameExchange: UInt32 = 1 << 1
    private static let renameNoReplaceFlag: UInt32 = 1 << 0

    /// glibc's renameat2 (2.28+), looked up at run time: Swift's Glibc module does not export it.
    private static let renameat2Function: Renameat2? = {
        #if os(Linux)
            guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "renameat2") else { return nil }
            return unsafeBitCast(symbol, to: Renameat2.self)
        #else
            return nil
        #endif
    }()
}
