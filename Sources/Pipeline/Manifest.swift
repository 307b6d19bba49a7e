import AllocationModel
import Crypto
import Foundation
import LinearProgramming
import Reports
import Scenario
import Studies

/// The run's provenance for auditors and night-to-night comparisons: inputs with their SHA-256,
/// effective parameters, GLPK's version, status, gap and timings, as a `RunManifest`. The one output that
/// holds timings.
public enum Manifest {
    /// The one version string: the manifest, `repartir --version` and the sweep fingerprint read it.
    public static let repartirVersion = "0.1.0"

    static func render(
        _ outcome: Solving.Outcome, solver: SolverIdentity, timings: [(String, Double)],
        outputs: [(name: String, content: Data)], communePlan: RunManifest.CommunePlan? = nil
    ) -> String {
        let record = outcome.record
        var manifest = header(record.scenario, status: record.status.rawValue, solver: solver, outputs: outputs)
        manifest.solverStatus = outcome.result.status.rawValue
        manifest.objective = finite(record.objective)
        manifest.bestBound = record.bestBound.flatMap(finite)
        manifest.relativeGap = record.relativeGap.flatMap(finite)
        manifest.solverOptions = .init(mipGap: record.mipGap, timeLimitSeconds: record.timeLimitSeconds.flatMap(finite))
        manifest.limitReached = record.limitReached
        manifest.communePlan = communePlan
        // Identical inputs give the same plan only when every solve finished; otherwise say why not.
        manifest.deterministic = outcome.timingDependence == nil
        manifest.nondeterminismReason = outcome.timingDependence
        let program = outcome.model.program
        manifest.model = .init(
            variables: program.variables.count, integerVariables: program.integerCount,
            constraints: program.constraints.count, branchAndBoundNodes: outcome.result.nodes)
        // Rounded to 0.1 ms: finer digits are noise, and keep the file short.
        manifest.timingsSeconds = Dictionary(
            timings.map { ($0.0, ($0.1 * 10_000).rounded() / 10_000) }, uniquingKeysWith: +)
        return String(decoding: manifest.encoded(), as: UTF8.self)
    }

    /// The manifest of an infeasible run: what was read and what was found, no plan.
    static func renderInfeasible(
        _ scenario: Scenario, explanation: InfeasibilityExplanation, solver: SolverIdentity,
        outputs: [(name: String, content: Data)]
    ) -> String {
        var manifest = header(scenario, status: "infeasible", solver: solver, outputs: outputs)
        manifest.conflictingRules = explanation.conflict.map(\.constraint)
        return String(decoding: manifest.encoded(), as: UTF8.self)
    }

    /// What every manifest says: versions, the invocation, the status and the provenance. An input's hash is
    /// that of the bytes the loader read and parsed (`Scenario.InputFile.bytes`), never of the file at
    /// publication time, which may have been edited or deleted during the run.
    static func header(
        _ scenario: Scenario, status: String, solver: SolverIdentity, outputs: [(name: String, content: Data)]
    ) -> RunManifest {
        let invocation = Invocation.current
        var manifest = RunManifest(scenario: scenario.parameters.name, status: status)
        manifest.repartirVersion = repartirVersion
        manifest.glpkVersion = solver.version
        manifest.startedAt = Invocation.utc(invocation.startedAt)
        manifest.host = invocation.host
        manifest.commandLine = invocation.commandLine
        manifest.sweepID = invocation.sweepID
        manifest.variantID = invocation.variantID
        manifest.inputs = scenario.inputFiles.map { .init(role: $0.role, path: $0.path, sha256: sha256($0.bytes)) }
        manifest.parameters = Dictionary(
            scenario.parameters.effective.map { ($0.path, $0.value) }, uniquingKeysWith: { $1 })
        manifest.outputs = outputs.map { .init(file: $0.name, sha256: sha256($0.content)) }
        return manifest
    }

    private static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
