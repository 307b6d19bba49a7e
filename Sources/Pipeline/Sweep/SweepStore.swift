import Crypto
import Foundation
import LinearProgramming
import Reports
import Scenario
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files of a sweep's folder `ROOT/<sweep id>/` besides the variants' run folders:
/// `sweep.plan.json` (the variants), `outcomes/<variant id>.json` (how each variant ended), and the
/// collected `sweep.csv`, `sweep.md`, `datapackage.json`. Every file is written whole under a
/// temporary name and renamed into place: a reader (a collect, another shard) never sees half of one.
public enum SweepStore {
    /// How one variant ended, written after its run: a failure is a row of sweep.csv, never a hole.
    public struct Outcome: Sendable {
        public var variant: String
        public var exitCode: Int32
        public var message: String
        public var wallSeconds: Double
        /// The run folder's name (the variant id) when the run published one (a plan or an explanation).
        public var runFolder: String?
        /// What the variant's result depends on: a rerun with the same fingerprint is not recomputed.
        public var fingerprint: String

        var json: String {
            """
            {
              "variant_id": \(JSON.string(variant)),
              "exit_code": \(exitCode),
              "status": \(JSON.string(RunsLog.status(exitCode))),
              "message": \(JSON.string(message)),
              "wall_seconds": \(Format.fixed(wallSeconds, decimals: 3)),
              "run_folder": \(runFolder.map(JSON.string) ?? "null"),
              "fingerprint": \(JSON.string(fingerprint))
            }

            """
        }

        init(
            variant: String, exitCode: Int32, message: String, wallSeconds: Double, runFolder: String?,
            fingerprint: String
        ) {
            self.variant = variant
            self.exitCode = exitCode
            self.message = message
            self.wallSeconds = wallSeconds
            self.runFolder = runFolder
            self.fingerprint = fingerprint
        }

        init?(json data: Data) {
            guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                let variant = object["variant_id"] as? String, let code = object["exit_code"] as? Int
            else { return nil }
            self.init(
                variant: variant, exitCode: Int32(code), message: object["message"] as? String ?? "",
                wallSeconds: object["wall_seconds"] as? Double ?? 0, runFolder: object["run_folder"] as? String,
                fingerprint: object["fingerprint"] as? String ?? "")
        }
    }

    public static let planFile = "sweep.plan.json"
    public static let outcomesFolder = "outcomes"

    static func outcomePath(_ folder: String, _ variant: String) -> String {
        "\(folder)/\(outcomesFolder)/\(variant).json"
    }

    static func readOutcome(_ folder: String, _ variant: String) -> Outcome? {
        FileManager.default.contents(atPath: outcomePath(folder, variant)).flatMap(Outcome.init(json:))
    }

    /// The fingerprint of a variant: repartir's and GLPK's versions, the input files' bytes, the
    /// variant's effective parameters and the solver options the sweep gives.
    static func fingerprint(_ scenario: Scenario, timeLimit: Double?, mipGap: Double?, solver: SolverIdentity) -> String
    {
        var hasher = SHA256()
        hasher.update(data: Data("repartir \(Manifest.repartirVersion)\nglpk \(solver.version)\n".utf8))
        for file in scenario.inputFiles {
            hasher.update(data: Data("\(file.role) \(Manifest.sha256(file.bytes))\n".utf8))
        }
        for parameter in scenario.parameters.effective {
            hasher.update(data: Data("\(parameter.path)=\(parameter.value)\n".utf8))
        }
        hasher.update(
            data: Data("time_limit=\(timeLimit.map { "\($0)" } ?? "-") mip_gap=\(mipGap.map { "\($0)" } ?? "-")\n".utf8)
        )
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Writes `data` as `folder/name` (creating the folders), whole or not at all: a unique temporary
    /// file, fsync'ed, renamed over the old one. Nothing is followed through a link.
    static func writeAtomically(_ data: Data, name: String, in folder: String) throws(RunFailure) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateOutput("cannot create \(folder): \(error.localizedDescription)")
        }
        let temporary = ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            let fd = try NoFollowFiles.openDirectory(folder)
            defer { close(fd) }
            do {
                try NoFollowFiles.createFile(temporary, in: fd, displayPath: "\(folder)/\(name)", data: data)
            } catch {
                // A write that failed (a full disk) leaves no temporary file behind (a review found one per failed
                // night, never cleaned).
                unlinkat(fd, temporary, 0)
                throw error
            }
            if renameat(fd, temporary, fd, name) != 0 {
                let failure = SystemError("rename", "\(folder)/\(name)")
                unlinkat(fd, temporary, 0)
                throw failure
            }
        } catch {
            throw .outputIO("", cause: error)
        }
    }
}
