import AllocationModel
import Crypto
import Foundation
import LinearProgramming
import Reports
import Scenario
import Studies

/// The run's provenance for auditors and night-to-night comparisons: inputs with their SHA-256,
/// effective parameters, GLPK's version, status, gap and timings. The one output that holds timings.
public enum Manifest {
    /// The one version string: the manifest, `repartir --version` and the sweep fingerprint read it.
    public static let repartirVersion = "0.1.0"

    static func render(_ outcome: Solving.Outcome, solver: SolverIdentity, timings: [(String, Double)], outputs: [(name: String, content: Data)]) -> String {
        let record = outcome.record
        var lines: [String] = ["{"]
        lines.append("  \"repartir_version\": \(JSON.string(repartirVersion)),")
        lines.append("  \"glpk_version\": \(JSON.string(solver.version)),")
        lines.append("  \"scenario\": \(JSON.string(record.scenario.parameters.name)),")
        lines.append(contentsOf: Invocation.current.manifestLines)
        lines.append("  \"status\": \(JSON.string(record.status.rawValue)),")
        lines.append("  \"solver_status\": \(JSON.string(outcome.result.status.rawValue)),")
        lines.append("  \"objective\": \(Format.fixed(record.objective, decimals: 6)),")
        lines.append("  \"best_bound\": \(record.bestBound.map { Format.fixed($0, decimals: 6) } ?? "null"),")
        lines.append("  \"relative_gap\": \(record.relativeGap.map { Format.fixed($0, decimals: 10) } ?? "null"),")
        lines.append("  \"solver_options\": {\"mip_gap\": \(Format.fixed(record.mipGap, decimals: 10)), \"time_limit_seconds\": \(record.timeLimitSeconds.map { Format.fixed($0, decimals: 3) } ?? "null")},")
        lines.append("  \"limit_reached\": \(record.limitReached.map(JSON.string) ?? "null"),")
        // Identical inputs give the same plan only when every solve finished; otherwise say why not.
        lines.append("  \"deterministic\": \(outcome.timingDependence == nil), \"nondeterminism_reason\": \(outcome.timingDependence.map(JSON.string) ?? "null"),")
        lines.append("  \"model\": {\"variables\": \(outcome.model.program.variables.count), \"integer_variables\": \(outcome.model.program.integerCount), \"constraints\": \(outcome.model.program.constraints.count), \"branch_and_bound_nodes\": \(outcome.result.nodes.map(String.init) ?? "null")},")
        var provenanceLines = provenance(record.scenario, outputs: outputs)
        provenanceLines[provenanceLines.count - 1] += ","
        lines.append(contentsOf: provenanceLines)
        let timingLines = timings.map { "    \(JSON.string($0.0)): \(Format.fixed($0.1, decimals: 4))" }
        lines.append("  \"timings_seconds\": {\n" + timingLines.joined(separator: ",\n") + "\n  }")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The manifest of an infeasible run: what was read and what was found, no plan.
    static func renderInfeasible(_ scenario: Scenario, explanation: InfeasibilityExplanation, solver: SolverIdentity, outputs: [(name: String, content: Data)]) -> String {
        var lines: [String] = ["{"]
        lines.append("  \"repartir_version\": \(JSON.string(repartirVersion)),")
        lines.append("  \"glpk_version\": \(JSON.string(solver.version)),")
        lines.append("  \"scenario\": \(JSON.string(scenario.parameters.name)),")
        lines.append(contentsOf: Invocation.current.manifestLines)
        lines.append("  \"status\": \"infeasible\",")
        lines.append("  \"conflicting_rules\": [" + explanation.conflict.map { JSON.string($0.constraint) }.joined(separator: ", ") + "],")
        lines.append(contentsOf: provenance(scenario, outputs: outputs))
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Inputs with their hashes, parameters and outputs with their hashes (the last lines before `}`).
    /// An input's hash is that of the bytes the loader read and parsed (`Scenario.InputFile.bytes`), never
    /// of the file at publication time, which may have been edited or deleted during the run.
    static func provenance(_ scenario: Scenario, outputs: [(name: String, content: Data)]) -> [String] {
        let inputs = scenario.inputFiles.map { file in
            "    {\"role\": \(JSON.string(file.role)), \"path\": \(JSON.string(file.path)), \"sha256\": \(JSON.string(sha256(file.bytes)))}"
        }
        let parameters = scenario.parameters.effective.map { "    \(JSON.string($0.path)): \(JSON.string($0.value))" }
        let outputLines = outputs.map { "    {\"file\": \(JSON.string($0.name)), \"sha256\": \(JSON.string(sha256($0.content)))}" }
        return ["  \"inputs\": [\n" + inputs.joined(separator: ",\n") + "\n  ],",
                "  \"parameters\": {\n" + parameters.joined(separator: ",\n") + "\n  },",
                "  \"outputs\": [\n" + outputLines.joined(separator: ",\n") + "\n  ]"]
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
