import Foundation

/// Variants of a scenario already loaded, for sweeps: the scenario file is parsed again from the bytes
/// the loader kept (`Scenario.inputFiles`), with the variant's overrides, and the tables already read
/// and checked are reused as they are. Nothing is read from disk again, so every variant of a sweep
/// sees exactly the inputs of the base load, and a variant costs one YAML parse, not a table load.
extension ScenarioLoader {
    /// True when `key` names a parameter of the scenario file (a `--set` could give it).
    public static func isParameter(_ key: String) -> Bool { ParameterSchema.spec(for: key) != nil }

    /// The Table Schema type of a parameter's values (`integer`, `number`, `boolean`, else `string`).
    public static func parameterType(_ key: String) -> String {
        switch ParameterSchema.spec(for: key)?.type {
        case .integer?: return "integer"
        case .number?: return "number"
        case .boolean?: return "boolean"
        default: return "string"
        }
    }

    /// True when `key` names a table path: a sweep cannot vary it (its tables are read once).
    public static func isTablePath(_ key: String) -> Bool { key.hasPrefix("tables.") }

    /// `base` with `overrides` applied as `--set` would apply them to its scenario file. A table path
    /// among the overrides is refused (exit 78): the tables are those of the base load. The structures
    /// stay valid, since overrides can add kinds of host but never remove one.
    public static func variant(of base: Scenario, overrides: [ParameterOverride]) throws(ScenarioError) -> Scenario {
        guard let file = base.inputFiles.first(where: { $0.role == "scenario" }) else {
            throw ScenarioError([
                Diagnostic(
                    .configuration, SourceLocation(file: "scenario"),
                    "the base scenario kept no scenario file to make variants from")
            ])
        }
        // The commune layer (its tables and its reach) is read once with the tables too; a `reach.*` setting the base
        // was loaded with (a sweep's shared `set:`) is the same for every variant, and allowed.
        let loadedWith = Set(base.parameters.settingsOverFile.map { "\($0.0)=\($0.1)" })
        for (index, override) in overrides.enumerated()
        where override.key.hasPrefix("reach.") && !loadedWith.contains("\(override.key)=\(override.value)") {
            throw ScenarioError([
                Diagnostic(
                    .configuration,
                    SourceLocation(file: "--set #\(index + 1) '\(Shown.value("\(override.key)=\(override.value)"))'"),
                    "'\(override.key)' cannot vary in a sweep: the commune layer is read once with the base scenario's tables (make one sweep per radius)"
                )
            ])
        }
        for (index, override) in overrides.enumerated() where isTablePath(override.key) {
            throw ScenarioError([
                Diagnostic(
                    .configuration,
                    SourceLocation(file: "--set #\(index + 1) '\(Shown.value("\(override.key)=\(override.value)"))'"),
                    "'\(override.key)' cannot vary in a sweep: every variant uses the tables read once for the base scenario (make one sweep per table)"
                )
            ])
        }
        let text: String
        switch TextDecoding.decode(file.bytes, file: file.path, category: .configuration, csv: false) {
        case let .success(decoded): text = decoded
        case let .failure(error): throw error
        }
        var reader = ParameterReader(yaml: text, displayPath: file.path, overrides: overrides)
        let parameters = readParameters(&reader)
        try reader.errors.throwIfAny()
        guard let parameters else {
            throw ScenarioError([Diagnostic(.configuration, SourceLocation(file: file.path), "incomplete scenario")])
        }
        return Scenario(
            parameters: parameters, territories: base.territories, structures: base.structures,
            inputFiles: base.inputFiles,
            commitments: base.commitments, communes: base.communes)
    }
}
