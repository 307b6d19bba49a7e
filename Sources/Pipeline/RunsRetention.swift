import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--keep N` / `--keep-days D`: removes old run folders of a runs root, under its lock, and never
/// the one `latest` points to. A run folder is a real folder of repartir's user, not hidden, whose
/// `manifest.json` is a run's (it names a scenario and a status); anything else in ROOT (runs.csv, a user's notes, a
/// link) is never touched. Age is the folder's manifest's modification time (written once, when the run was staged).
public enum RunsRetention {
    public struct Policy: Sendable, Equatable {
        public var keep: Int?
        public var keepDays: Double?
        public init(keep: Int? = nil, keepDays: Double? = nil) {
            self.keep = keep
            self.keepDays = keepDays
        }
        public var isEmpty: Bool { keep == nil && keepDays == nil }
    }

    /// Prunes ROOT if its lock is free (a run holding it will prune after itself); returns the
    /// folders removed. A run is removed when it is not among the `keep` newest, or is older than
    /// `keepDays`; `latest`'s target always stays.
    @discardableResult
    public static func prune(
        root: String, policy: Policy, now: Date = Date(), log: (String) -> Void = { _ in }
    ) -> [String] {
        guard !policy.isEmpty else { return [] }
        let lock: RunLock
        do {
            lock = try RunLock.acquire(root + "/.latest.lock", for: root + "/latest")
        } catch {
            log("warning: --keep: the runs root is locked by another run; nothing pruned this time")
            return []
        }
        defer { lock.release() }
        let kept = latestTarget(root)
        var runs: [(name: String, date: Date)] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        where !name.hasPrefix(".") && name != "latest" {
            let folder = root + "/" + name
            var info = stat()
            // A run's manifest names its scenario and status: a diff folder or a user's folder is never pruned.
            guard NoFollowFiles.isOwnDirectory(folder), (try? RunManifest.read(folder: folder)) != nil,
                lstat(folder + "/manifest.json", &info) == 0
            else { continue }
            runs.append(
                (name, Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)))
        }
        runs.sort { ($0.date, $0.name) > ($1.date, $1.name) }
        var removed: [String] = []
        for (index, run) in runs.enumerated() where run.name != kept {
            let tooMany = policy.keep.map { index >= $0 } ?? false
            let tooOld = policy.keepDays.map { now.timeIntervalSince(run.date) > $0 * 86_400 } ?? false
            guard tooMany || tooOld else { continue }
            do {
                try NoFollowFiles.removeTree(root + "/" + run.name)
                removed.append(run.name)
            } catch {
                log("warning: --keep: cannot remove \(root)/\(run.name): \(error.reason)")
            }
        }
        if !removed.isEmpty {
            log(
                "pruned \(removed.count) old run(s) from \(root) (kept \(runs.count - removed.count), latest's target included)"
            )
        }
        return removed
    }

    /// The folder name `ROOT/latest` points to (nil if it is not a link into ROOT).
    static func latestTarget(_ root: String) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/latest") else {
            return nil
        }
        return target.split(separator: "/").last.map(String.init)
    }
}
