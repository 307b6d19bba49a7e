import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `manifest.json` read back (docs/outputs.md), for the runs log and `repartir diff`. Only what
/// they use is decoded, and every key that older runs or infeasible runs lack is optional, so a
/// manifest from any version of repartir reads.
public struct RunManifest: Decodable, Sendable {
    public struct Input: Decodable, Sendable {
        public let role: String?
        public let path: String?
        public let sha256: String?
    }

    public struct Output: Decodable, Sendable {
        public let file: String
        public let sha256: String
    }

    public let repartirVersion: String?
    public let glpkVersion: String?
    public let scenario: String
    public let status: String
    public let objective: Double?
    public let relativeGap: Double?
    public let startedAt: String?
    public let host: String?
    public let commandLine: [String]?
    public let sweepID: String?
    public let variantID: String?
    public let inputs: [Input]?
    public let parameters: [String: String]?
    public let outputs: [Output]?

    enum CodingKeys: String, CodingKey {
        case repartirVersion = "repartir_version", glpkVersion = "glpk_version", scenario, status, objective
        case relativeGap = "relative_gap", startedAt = "started_at", host, commandLine = "command_line"
        case sweepID = "sweep_id", variantID = "variant_id", inputs, parameters, outputs
    }

    /// Why a folder is not a run: the file is missing (exit 66) or not a manifest (exit 65).
    public enum ReadError: Error, CustomStringConvertible {
        case missing(String)
        case invalid(String, String)

        public var description: String {
            switch self {
            case let .missing(path): return "\(path) is missing: the folder is not a repartir run"
            case let .invalid(path, why): return "\(path) is not a repartir manifest: \(why)"
            }
        }
    }

    /// Reads `folder/manifest.json` (never through a link planted under that name).
    public static func read(folder: String) throws(ReadError) -> RunManifest {
        let path = folder + "/manifest.json"
        guard NoFollowFiles.kind(path) == S_IFREG, let data = FileManager.default.contents(atPath: path) else { throw .missing(path) }
        do {
            return try JSONDecoder().decode(RunManifest.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalid(path, "the key \"\(key.stringValue)\" is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .invalid(path, "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch {
            throw .invalid(path, "not valid JSON")
        }
    }

    /// The result hash of the run (`OutputPublisher.resultHash`), from the outputs it lists.
    public var resultHash: String? {
        outputs.map { OutputPublisher.resultHash($0.map { (name: $0.file, sha256: $0.sha256) }) }
    }
}
