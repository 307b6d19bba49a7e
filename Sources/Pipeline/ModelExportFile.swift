import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where `repartir export-model` has GLPK write the model: a private folder made by `mkdtemp`
/// (mode 0700, an unpredictable name, so nobody can plant a link under it), beside `-o FILE`
/// (so the finished file is renamed into place, never half-written) or in `$TMPDIR` for stdout.
/// GLPK opens its file with `fopen`, which follows links; inside this folder there are none.
public final class ModelExportFile: @unchecked Sendable {
    // @unchecked: immutable after init.
    /// The private folder and the file GLPK writes in it.
    public let folder: String
    public let temporaryFile: String
    /// `-o FILE`, or nil for stdout.
    public let target: String?

    /// Makes the private folder; refuses (73) a `-o` that is a symlink or not a regular file.
    public init(target: String?, fileExtension: String) throws(RunFailure) {
        let template: String
        if let target {
            try Self.checkTarget(target)
            let url = URL(fileURLWithPath: target).standardizedFileURL
            template = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).tmp-XXXXXX"
        } else {
            let temporary = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            template = temporary + "/repartir-export-XXXXXX"
        }
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else {
            let folder = (template as NSString).deletingLastPathComponent
            throw .cannotCreateOutput(
                "cannot create a temporary folder in \(folder): \(String(cString: strerror(errno))). Make it writable or choose another output."
            )
        }
        folder = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        temporaryFile = folder + "/model." + fileExtension
        self.target = target
    }

    /// Removes the private folder and what is in it.
    public func discard() {
        try? NoFollowFiles.removeTree(folder)
    }

    /// The model's bytes, for stdout; the private folder is removed first, so nothing is left
    /// behind whatever happens to the writing.
    public func takeContents() throws(RunFailure) -> Data {
        defer { discard() }
        guard let data = FileManager.default.contents(atPath: temporaryFile) else {
            throw .outputIO("cannot read back \(temporaryFile): \(String(cString: strerror(errno)))")
        }
        return data
    }

    /// Renames the finished file over `-o FILE` (checked again: a link put there meanwhile is refused).
    public func commit() throws(RunFailure) {
        guard let target else { return }
        defer { discard() }
        try Self.checkTarget(target)
        guard rename(temporaryFile, target) == 0 else {
            throw .outputIO(
                "cannot rename \(temporaryFile) to \(target): \(String(cString: strerror(errno))); \(target) is untouched."
            )
        }
        OutputPublisher.syncDirectory(URL(fileURLWithPath: target).standardizedFileURL.deletingLastPathComponent().path)
    }

    /// `-o` must name a regular file or nothing: a symlink is neither followed nor replaced.
    static func checkTarget(_ target: String) throws(RunFailure) {
        switch NoFollowFiles.kind(target) {
        case nil, S_IFREG?: return
        case S_IFLNK?:
            throw .cannotCreateOutput(
                "\(target) is a symbolic link; repartir neither follows nor replaces it. Give -o the file itself, or omit -o to write to stdout."
            )
        default:
            throw .cannotCreateOutput(
                "\(target) exists and is not a regular file; repartir will not replace it. Choose another -o, or omit -o to write to stdout."
            )
        }
    }
}
