import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads an input file's bytes once, refusing what is not a regular file. The file is opened without
/// blocking and checked with `fstat` on the open descriptor, so a FIFO never blocks the run, `/dev/zero`
/// is never read forever, and a file swapped between a check and the read cannot slip through.
enum InputFileReader {
    /// The bytes of `path`, or a `.missingFile` diagnostic (exit 66) that says what is there instead.
    /// `what` names the file in messages ("the scenario file", "the table"). Reading stops after
    /// `atMost` + 1 bytes, so the caller can refuse a file too large without reading all of it.
    static func bytes(
        of path: String, shownAs shown: String, what: String, atMost limit: Int = .max - 1
    ) throws(ScenarioError) -> Data {
        func refuse(_ message: String) -> ScenarioError {
            ScenarioError([Diagnostic(.missingFile, SourceLocation(file: shown), message)])
        }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            switch code {
            case ENOENT, ENOTDIR: throw refuse("cannot read \(what): there is no such file; check the path")
            case EACCES: throw refuse("cannot read \(what): permission denied; make it readable (chmod a+r)")
            default: throw refuse("cannot read \(what): \(String(cString: strerror(code)))")
            }
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw refuse("cannot read \(what): \(String(cString: strerror(errno)))")
        }
        if let kind = nonRegularKind(status.st_mode) {
            let fix =
                kind == "a directory"
                ? "name the file inside it" : "copy the data into a regular file and name that file"
            throw refuse("cannot read \(what): it is \(kind), not a regular file; \(fix)")
        }
        var data = Data()
        data.reserveCapacity(Int(min(Int64(status.st_size), Int64(limit))) + 1)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while data.count <= limit {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw refuse("cannot read \(what): \(String(cString: strerror(errno)))")
            }
            data.append(contentsOf: buffer[..<count])
        }
        return data
    }

    /// What a file that is not a regular file is, in words; nil for a regular file.
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }
}
