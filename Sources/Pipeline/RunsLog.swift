import Foundation
import Reports
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `ROOT/runs.csv`: one row per `repartir run --runs-root ROOT`, whatever its outcome (failures
/// included), so a notebook reads the history of every night with one `read_csv` and a failed
/// night is visible without cron mail. Columns: docs/outputs.md.
///
/// The file is never appended in place: under an flock(2) on the ROOT folder itself (short, and
/// separate from the run's `.latest.lock`, so a run refused with 75 still records its row), the
/// old content plus the new row is written to `.runs.csv.tmp-PID` (`NoFollowFiles`: never through
/// a link) and renamed over `runs.csv`. A reader sees the old file or the new one, never half a row.
public enum RunsLog {
    public static let fileName = "runs.csv"
    public static let columns = [
        "time_utc", "scenario", "variant", "exit_code", "status", "objective", "gap",
        "result_hash", "run_folder", "message",
    ]

    /// One outcome of `repartir run`.
    public struct Entry: Sendable {
        public var time: Date
        public var scenario: String
        public var variant: String?
        public var exitCode: Int32
        public var status: String
        public var objective: Double?
        public var gap: Double?
        public var resultHash: String?
        /// The published run folder (a plan, or an infeasible run's explanation); nil if none.
        public var runFolder: String?
        public var message: String

        /// The entry of an outcome: its figures come from the run folder's manifest when there is one.
        /// `scenario` is used when no manifest names it (the run failed before reading the scenario).
        public init(
            exitCode: Int32, message: String, runFolder: String?, scenario: String, variant: String?,
            time: Date = Date()
        ) {
            self.time = time
            self.exitCode = exitCode
            self.status = RunsLog.status(exitCode)
            self.message = RunsLog.oneLine(message)
            self.runFolder = runFolder
            self.scenario = scenario
            self.variant = variant
            if let runFolder, let manifest = try? RunManifest.read(folder: runFolder) {
                self.scenario = manifest.scenario
                self.objective = manifest.objective
                self.gap = manifest.relativeGap
                self.resultHash = manifest.resultHash
            }
        }

        var cells: [CSVWriter.Cell] {
            [
                .text(Invocation.utc(time)), .text(scenario), variant.map { .text($0) } ?? .empty,
                .integer(Int(exitCode)),
                .text(status), objective.map { .number($0, decimals: 6) } ?? .empty,
                gap.map { .number($0, decimals: 10) } ?? .empty,
                resultHash.map { .text($0) } ?? .empty, runFolder.map { .text($0) } ?? .empty, .text(message),
            ]
        }

        /// The `--json` status object: `exit_code`, `status`, `run_status` (the same word here), `message`,
        /// `run_folder` (null if none).
        public var json: String {
            "{\"exit_code\": \(exitCode), \"status\": \(JSON.string(status)), \"run_status\": \(JSON.string(status)), "
                + "\"message\": \(JSON.string(message)), \"run_folder\": \(runFolder.map(JSON.string) ?? "null")}\n"
        }

        /// The `--json` object of a published plan: the summary (summary.json, whose `status` is the département
        /// plan's) followed by `exit_code`, `run_status`, `message` and `run_folder`. `run_status` is the exit code's
        /// word, as in runs.csv: a commune run whose département plan is proven and whose commune plan is not says
        /// `status` optimal, exits 10 and says `run_status` feasible (a review found a cron reading `.status` miss it).
        public func json(extending summary: String) -> String {
            var body = summary.trimmingCharacters(in: .whitespacesAndNewlines)
            guard body.hasSuffix("}") else { return json }
            body.removeLast()
            while body.last?.isWhitespace == true { body.removeLast() }
            return body + ",\n  \"exit_code\": \(exitCode),\n  \"run_status\": \(JSON.string(status)),\n"
                + "  \"message\": \(JSON.string(message)),\n"
                + "  \"run_folder\": \(runFolder.map(JSON.string) ?? "null")\n}\n"
        }
    }

    /// A message on one line (its lines trimmed and joined by spaces): what `runs.csv` and `sweep.csv` hold, so that
    /// `wc -l`, `grep` and `awk` count rows (a review counted 21 lines for a sweep of 2 variants).
    public static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The word for an exit code, as in runs.csv's `status` column and the `--json` object's `run_status`.
    public static func status(_ exitCode: Int32) -> String {
        switch exitCode {
        case ExitStatus.optimal: return "optimal"
        case ExitStatus.feasibleNotProven: return "feasible"
        case ExitStatus.infeasible: return "infeasible"
        case ExitStatus.noSolution: return "no_plan"
        case ExitStatus.usage: return "usage_error"
        case ExitStatus.dataError: return "bad_input"
        case ExitStatus.inputMissing: return "input_missing"
        case ExitStatus.internalError: return "internal_error"
        case ExitStatus.cannotCreateOutput: return "cannot_create_output"
        case ExitStatus.ioError: return "write_error"
        case ExitStatus.locked: return "locked"
        case ExitStatus.configuration: return "bad_configuration"
        case 129, 130, 131, 143: return "interrupted"
        default: return "failed"
        }
    }

    /// Appends `entry` to `root/runs.csv` (creating ROOT and the file if needed). Waits up to
    /// `wait` seconds for another run's append; on any failure the log says why and runs.csv is left as it was.
    public static func append(_ entry: Entry, root: String, wait: Double = 30, log: (String) -> Void = { _ in }) {
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            log("warning: cannot record this run in \(root)/\(fileName): \(SystemError.reason(of: error))")
            return
        }
        do {
            try appendLocked(entry, root: root, wait: wait, log: log)
        } catch {
            log("warning: cannot record this run in \(root)/\(fileName): \(error)")
        }
    }

    private static func appendLocked(
        _ entry: Entry, root: String, wait: Double, log: (String) -> Void
    ) throws(SystemError) {
        let folder = try NoFollowFiles.openDirectory(root)
        defer { close(folder) }
        let deadline = Date().addingTimeInterval(wait)
        while flock(folder, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EAGAIN || errno == EINTR, Date() < deadline else {
                throw SystemError("lock", root)
            }
            usleep(20_000)
        }
        defer { _ = flock(folder, LOCK_UN) }
        let path = root + "/" + fileName
        var writer = CSVWriter(columns: columns)
        writer.append(entry.cells)
        let header = writer.text.prefix { $0 != "\n" } + "\n"
        let row = String(writer.text.dropFirst(header.count))
        var content = String(header)
        if let old = readOwnFile(at: folder, name: fileName, path: path, log: log) {
            if old.hasPrefix(String(header)) {
                content = old + (old.hasSuffix("\n") || old.isEmpty ? "" : "\n")
            } else {
                // Another format (or another program's file): kept aside, never overwritten.
                let aside = "\(fileName).old-\(Int(Date().timeIntervalSince1970))"
                if renameat(folder, fileName, folder, aside) == 0 {
                    log(
                        "warning: \(path) did not start with repartir's header; moved it to \(root)/\(aside) and started a new one"
                    )
                } else {
                    throw SystemError("move aside", path)
                }
            }
        }
        content += row
        // Leftovers of killed appends (and a link planted under the name) are removed, never followed.
        for leftover in ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
        where leftover.hasPrefix(".\(fileName).tmp-") {
            _ = unlinkat(folder, leftover, 0)
        }
        let temporary = ".\(fileName).tmp-\(getpid())"
        do {
            try NoFollowFiles.createFile(
                temporary, in: folder, displayPath: root + "/" + temporary, data: Data(content.utf8))
        } catch {
            // A full disk: the half-written copy goes too (a review found it left beside runs.csv).
            _ = unlinkat(folder, temporary, 0)
            throw error
        }
        guard renameat(folder, temporary, folder, fileName) == 0 else {
            let error = SystemError("replace", path)
            _ = unlinkat(folder, temporary, 0)
            throw error
        }
        _ = fsync(folder)
    }

    /// The text of `name` if it is a regular file (opened with O_NOFOLLOW); nil if absent. A link
    /// or anything else under the name is reported and treated as absent: the rename replaces the
    /// link itself, never its target.
    private static func readOwnFile(at folder: Int32, name: String, path: String, log: (String) -> Void) -> String? {
        let fd = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno != ENOENT {
                log(
                    "warning: \(path) is not a regular file repartir can read (\(String(cString: strerror(errno)))); it is replaced by a new log"
                )
            }
            return nil
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            log("warning: \(path) is not a regular file; it is replaced by a new log")
            return nil
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            data.append(contentsOf: buffer.prefix(count))
        }
        return String(decoding: data, as: UTF8.self)
    }
}
