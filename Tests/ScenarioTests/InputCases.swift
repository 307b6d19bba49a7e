import CommuneFixtures
import Foundation
@testable import Scenario  // ParameterReader and TableLoaders, to test the readers alone

/// Helpers shared by the bad-input tests: small tables in memory, checked the way the loader checks them.
enum InputCases {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let defaultScenario = root.appendingPathComponent("scenarios/france-relance-2020")
    static let corpus = root.appendingPathComponent("Tests/FuzzCorpus")

    static let territoryHeader =
        "code,name,region_code,region_name,overseas,population,population_15_plus,population_75_plus,ifn,poverty_rate_pct"
    static let territoryRows = [
        "01,Ain,84,Auvergne-Rhône-Alpes,false,663202,532749,55306,5.362,10.7",
        "02,Aisne,32,Hauts-de-France,false,527468,428635,49049,5.791,18.4",
        "2A,Corse-du-Sud,94,Corse,false,158507,134000,17000,6.1,16.0",
    ]
    static let structureHeader = "id,name,territory,kind,capacity,cofinancing_eur"
    static let structureRows = [
        "S1,Mairie d'Ain,01,public,2,22500",
        "S2,Association Aisne,02,private,2,9600",
        "S3,Commune d'Ajaccio,2A,public,1,0",
    ]

    static func csv(_ header: String, _ rows: [String]) -> String { ([header] + rows).joined(separator: "\n") + "\n" }

    /// Diagnostics of a territories table given as text (bytes when `data`), or [] when it reads cleanly.
    static func territoryErrors(_ text: String) -> [Diagnostic] { territoryErrors(Data(text.utf8)) }

    static func territoryErrors(_ data: Data) -> [Diagnostic] {
        do {
            let table = try CSVTable(data: data, path: "territories.csv")
            return TableLoaders.territories(table).1.diagnostics
        } catch {
            return error.diagnostics
        }
    }

    static func territories(_ text: String) throws -> [Territory] {
        let table = try CSVTable(text: text, path: "territories.csv")
        let (values, errors) = TableLoaders.territories(table)
        try errors.throwIfAny()
        return values
    }

    static func structureErrors(
        _ text: String, territories: Set<String>? = ["01", "02", "2A"], kinds: Set<String>? = ["public", "private"]
    ) -> [Diagnostic] {
        do {
            let table = try CSVTable(data: Data(text.utf8), path: "structures.csv")
            return TableLoaders.structures(table, territories: territories, kinds: kinds).1.diagnostics
        } catch {
            return error.diagnostics
        }
    }

    /// The default scenario's YAML with `edit` applied, read in memory with `overrides`.
    static func parameterErrors(_ edit: (String) -> String = { $0 }, overrides: [String] = []) throws -> [Diagnostic] {
        let yaml = edit(
            try String(contentsOf: defaultScenario.appendingPathComponent("scenario.yaml"), encoding: .utf8))
        var reader = ParameterReader(
            yaml: yaml, displayPath: "scenario.yaml", overrides: overrides.map { ParameterOverride($0)! })
        // As the loader: a file that does not parse stops there.
        if reader.parsed { _ = ScenarioLoader.readParameters(&reader) }
        return reader.errors.diagnostics
    }

    /// A copy of the default scenario in a temporary folder, with files replaced (bytes).
    static func copy(replacing files: [String: Data] = [:]) throws -> String {
        let folder = TestScratch.root.appendingPathComponent(
            "repartir-input-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: defaultScenario, to: folder)
        for (name, data) in files { try data.write(to: folder.appendingPathComponent(name)) }
        return folder.path
    }

    static func loadErrors(_ path: String, overrides: [String] = []) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.load(path, overrides: overrides.map { ParameterOverride($0)! })
            return nil
        } catch {
            return error
        }
    }
}
