import Foundation
import Reports
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `manifest.json` as one value: `Manifest` builds it and encodes it (keys sorted, so two runs' manifests diff
/// line by line), the runs log, `repartir diff`, retention and the sweep collector decode it. Every key that
/// older runs or infeasible runs lack is optional, so a manifest from any version of repartir reads.
public struct RunManifest: Codable, Sendable {
    public struct Input: Codable, Sendable {
        public let role: String?
        public let path: String?
        public let sha256: String?
    }

    public struct Output: Codable, Sendable {
        public let file: String
        public let sha256: String
    }

    public struct SolverOptions: Codable, Sendable {
        public let mipGap: Double
        public let timeLimitSeconds: Double?
        enum CodingKeys: String, CodingKey { case mipGap = "mip_gap", timeLimitSeconds = "time_limit_seconds" }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(mipGap, forKey: .mipGap)
            try container.encode(timeLimitSeconds, forKey: .timeLimitSeconds)  // null: no limit
        }
    }

    public struct Model: Codable, Sendable {
        public let variables: Int
        public let integerVariables: Int
        public let constraints: Int
        public let branchAndBoundNodes: Int?
        enum CodingKeys: String, CodingKey {
            case variables, integerVariables = "integer_variables", constraints, branchAndBoundNodes =
                "branch_and_bound_nodes"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(variables, forKey: .variables)
            try container.encode(integerVariables, forKey: .integerVariables)
            try container.encode(constraints, forKey: .constraints)
            try container.encode(branchAndBoundNodes, forKey: .branchAndBoundNodes)  // null: unknown
        }
    }

    public var repartirVersion: String?
    public var glpkVersion: String?
    public var scenario: String
    public var startedAt: String?
    public var host: String?
    public var commandLine: [String]?
    public var sweepID: String?
    public var variantID: String?
    public var status: String
    public var solverStatus: String?
    public var objective: Double?
    public var bestBound: Double?
    public var relativeGap: Double?
    public var solverOptions: SolverOptions?
    public var limitReached: String?
    public var deterministic: Bool?
    public var nondeterminismReason: String?
    public var model: Model?
    /// An infeasible run's conflicting rules, by name.
    public var conflictingRules: [String]?
    public var inputs: [Input]?
    public var parameters: [String: String]?
    public var outputs: [Output]?
    public var timingsSeconds: [String: Double]?

    /// With a demand table, the commune plan's own answer (`CommunePlanAnswer`).
    public typealias CommunePlan = CommunePlanAnswer

    public var communePlan: CommunePlan?

    /// A manifest with only its two required keys; `Manifest` fills in the rest.
    public init(scenario: String, status: String) {
        self.scenario = scenario
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case repartirVersion = "repartir_version", glpkVersion = "glpk_version", scenario, status, objective
        case relativeGap = "relative_gap", startedAt = "started_at", host, commandLine = "command_line"
        case sweepID = "sweep_id", variantID = "variant_id", inputs, parameters, outputs
        case solverStatus = "solver_status", bestBound = "best_bound", solverOptions = "solver_options"
        case limitReached = "limit_reached", deterministic, nondeterminismReason = "nondeterminism_reason", model
        case conflictingRules = "conflicting_rules", timingsSeconds = "timings_seconds"
        case communePlan = "commune_plan"
    }

    /// The keys docs/outputs.md documents as "or null" are written as null; the keys a kind of run does not
    /// have (an infeasible run's objective, a solved run's conflicting rules) are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(repartirVersion, forKey: .repartirVersion)
        try container.encodeIfPresent(glpkVersion, forKey: .glpkVersion)
        try container.encode(scenario, forKey: .scenario)
        try container.encodeIfPresent(startedAt, forKey: .startedAt)
        try container.encodeIfPresent(host, forKey: .host)
        try container.encodeIfPresent(commandLine, forKey: .commandLine)
        try container.encode(sweepID, forKey: .sweepID)
        try container.encode(variantID, forKey: .variantID)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(conflictingRules, forKey: .conflictingRules)
        if let solverStatus {
            // A run with a plan: its figures, nulls included.
            try container.encode(solverStatus, forKey: .solverStatus)
            try container.encode(objective, forKey: .objective)
            try container.encode(bestBound, forKey: .bestBound)
            try container.encode(relativeGap, forKey: .relativeGap)
            try container.encodeIfPresent(solverOptions, forKey: .solverOptions)
            try container.encode(limitReached, forKey: .limitReached)
            try container.encodeIfPresent(deterministic, forKey: .deterministic)
            try container.encode(nondeterminismReason, forKey: .nondeterminismReason)
            try container.encodeIfPresent(model, forKey: .model)
            try container.encodeIfPresent(communePlan, forKey: .communePlan)
        }
        try container.encodeIfPresent(inputs, forKey: .inputs)
        try container.encodeIfPresent(parameters, forKey: .parameters)
        try container.encodeIfPresent(outputs, forKey: .outputs)
        try container.encodeIfPresent(timingsSeconds, forKey: .timingsSeconds)
    }

    /// The manifest's bytes: pretty-printed, keys sorted, `/` unescaped, a final newline.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Only strings, numbers, booleans and nulls: encoding cannot fail (non-finite numbers are never stored).
        var data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        data.append(contentsOf: Array("\n".utf8))
        return data
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
        guard NoFollowFiles.kind(path) == S_IFREG, let data = FileManager.default.contents(atPath: path) else {
            throw .missing(path)
        }
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

    /// The SHA-256 the file `name` of `folder` has now, and the one this manifest records for it, when they differ:
    /// an output edited since the run (`diff` refuses such a table, `sweep collect` leaves it out). Nil when they
    /// agree, when the manifest lists no such output, or when the file cannot be read.
    public func outputChange(_ name: String, in folder: String) -> (found: String, recorded: String)? {
        guard let recorded = outputs?.first(where: { $0.file == name })?.sha256,
            let data = FileManager.default.contents(atPath: folder + "/" + name)
        else { return nil }
        let found = Manifest.sha256(data)
        return found == recorded ? nil : (found, recorded)
    }

    /// The result hash of the run (`OutputPublisher.resultHash`), from the outputs it lists.
    public var resultHash: String? {
        outputs.map { OutputPublisher.resultHash($0.map { (name: $0.file, sha256: $0.sha256) }) }
    }
}
