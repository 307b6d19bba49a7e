import Foundation
import LinearProgramming
import Reports
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How this process was started, for the manifest and the runs log: wall-clock start (UTC), host,
/// full command line, the sweep and variant ids when a sweep started the run, and how long to wait
/// for a held lock (`--wait`). Set once by the command line before the run starts; a library
/// caller that sets nothing gets "now", this host and the process's own arguments.
public struct Invocation: Sendable {
    public var startedAt: Date
    public var host: String
    public var commandLine: [String]
    public var sweepID: String?
    public var variantID: String?
    /// `--wait[=S]`: nil fails at once (exit 75), `.infinity` waits until the holder ends.
    public var lockWaitSeconds: Double?
    /// Stops a lock wait (a stop signal): the run then ends as interrupted.
    public var cancellation: CancellationFlag?

    public init(
        startedAt: Date = Date(), host: String = Invocation.hostName(), commandLine: [String] = CommandLine.arguments,
        sweepID: String? = nil, variantID: String? = nil, lockWaitSeconds: Double? = nil,
        cancellation: CancellationFlag? = nil
    ) {
        self.startedAt = startedAt
        self.host = host
        self.commandLine = commandLine
        self.sweepID = sweepID
        self.variantID = variantID
        self.lockWaitSeconds = lockWaitSeconds
        self.cancellation = cancellation
    }

    /// The invocation of this process (written by the CLI before anything else runs), or, inside
    /// `Invocation.$scoped.withValue(…)`, the invocation of one run of several made in one process
    /// (a sweep's variants, in parallel threads): each run's manifest then carries its own ids.
    public static var current: Invocation {
        get { scoped ?? process }
        set { process = newValue }
    }

    nonisolated(unsafe) private static var process = Invocation()

    /// The invocation of the run in progress on this thread or task, when it is not the process's.
    @TaskLocal public static var scoped: Invocation?

    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `2026-11-30T10:18:21Z`.
    public static func utc(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
