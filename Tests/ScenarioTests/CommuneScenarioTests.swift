import CommuneFixtures
import Foundation
import Testing
import Scenario

/// The commune layer of a scenario (`tables.demand`, `tables.candidates`, `reach.*`) and its bad inputs.
@Suite struct CommuneScenarioTests {
    static let demandHeader = "code,name,territory,epci,population,need,latitude,longitude"
    static let goodDemand = """
        c1,One,01,E1,1000,300,0,0
        c2,Two,01,E1,700,200,0,0.1
        c3,Three,01,E1,300,100,0,0.1
        c4,Four,01,,500,150,0,0.25
        c5,Five,02,E2,800,250,0,1.0
        c6,Six,02,E2,300,50,0,1.05
        c7,Seven,02,E2,100,40,,
        """

    /// The demand table with line `line` (1-based, header = 1) replaced.
    static func demand(replacing line: Int, with text: String) -> String {
        var lines = [demandHeader] + goodDemand.split(separator: "\n").map(String.init)
        lines[line - 1] = text
        return lines.joined(separator: "\n") + "\n"
    }

    static func errors(_ folder: String) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.load(folder)
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func loadsCommunesSitesAndCandidates() throws {
        let scenario = try ScenarioLoader.load(try CommuneFixture.folder())
        let inputs = try #require(scenario.communes)
        #expect(inputs.communes.map(\.code) == ["c1", "c2", "c3", "c4", "c5", "c6", "c7"])
        #expect(inputs.radiusKm == 15 && inputs.breakpoints == [0.5, 1])
        // Structures in id order H1, H2, H3: communes c1, c2, c5.
        #expect(inputs.structureCommunes == [0, 1, 4])
        #expect(inputs.candidates.map(\.id) == ["K1"] && inputs.candidateCommunes == [3])
        // The documented rule: no coordinates is kept, out of reach of other communes' sites, not dropped.
        #expect(!inputs.communes[6].hasCoordinates && inputs.communes[3].epci == nil)
        #expect(
            scenario.inputFiles.map(\.role).contains("demand") && scenario.inputFiles.map(\.role).contains("candidates")
        )
    }

    @Test func presentScenariosHaveNoCommuneLayer() throws {
        let scenario = try ScenarioLoader.load(InputCases.defaultScenario.path)
        #expect(scenario.communes == nil)
    }

    @Test(
        arguments: [
            // (demand line, replacement, expected line, column, words in the message)
            (4, "c1,Again,01,E1,300,100,0,0.1", 4, 1, "duplicated commune 'c1'"),
            (3, "c2,Two,01,E1,-700,200,0,0.1", 3, 14, "population"),
            (3, "c2,Two,01,E1,700,200,nan,0.1", 3, 22, "latitude"),
            (3, "c2,Two,01,E1,700,200,0,200", 3, 24, "longitude"),
            (3, "c2,Two,01,E1,700,-5,0,0.1", 3, 18, "need: -5 is out of range"),
            (3, "c2,Two,03,E1,700,200,0,0.1", 3, 8, "unknown territory '03'"),
            (3, "c2,Two,01,E1,700,200,0,", 3, 1, "give both latitude and longitude"),
            (3, "c2,Two,01,E1,700,,0,0.1", 1, nil, "need: given for 6 communes and empty for 1"),
        ] as [(Int, String, Int, Int?, String)])
    func badDemandCells(line: Int, text: String, expectedLine: Int, column: Int?, words: String) throws {
        let errors = Self.errors(try CommuneFixture.folder(demand: Self.demand(replacing: line, with: text)))
        let error = try #require(errors.first { $0.message.contains(words) }, "\(errors)")
        #expect(error.category == .data)
        #expect(error.location.file.hasSuffix("demand.csv") && error.location.line == expectedLine)
        if let column { #expect(error.location.column == column) }
    }

    @Test func siteCommuneUnknownToTheDemandTable() throws {
        let structures =
            "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nH1,Host,01,public,2,0,c1\nH2,Host,01,public,1,0,c99\n"
        let errors = Self.errors(try CommuneFixture.folder(structures: structures))
        let error = try #require(errors.first)
        #expect(error.category == .data && error.location.file.hasSuffix("structures.csv"))
        #expect(
            error.location.line == 3 && error.location.column == 23
                && error.message.contains("'c99' is not in the demand table"))
        let candidates = "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nK1,K,01,public,1,0,\n"
        let missing = Self.errors(try CommuneFixture.folder(candidates: candidates))
        #expect(missing.first?.location.file.hasSuffix("candidates.csv") == true && missing.first?.location.line == 2)
    }

    @Test func candidateWithAHostIDIsRefused() throws {
        let candidates = "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nH1,K,01,public,1,0,c4\n"
        let errors = Self.errors(try CommuneFixture.folder(candidates: candidates))
        #expect(errors.first?.message.contains("has the id of a host structure") == true)
    }

    @Test func territoryWithoutCommunes() throws {
        let demand = Self.demandHeader + "\nc1,One,01,E1,1000,300,0,0\n"
        let structures = "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nH1,Host,01,public,2,0,c1\n"
        let candidates = "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nK1,K,01,public,1,0,c1\n"
        let errors = Self.errors(
            try CommuneFixture.folder(demand: demand, structures: structures, candidates: candidates))
        #expect(errors.first?.message.contains("territory '02' has no commune in the demand table") == true)
    }

    @Test(arguments: ["0", "-3", "5000", ".nan", "far"])
    func absurdRadiusIsAConfigurationError(radius: String) throws {
        let errors = Self.errors(try CommuneFixture.folder(radius: radius))
        let error = try #require(errors.first, "radius \(radius)")
        #expect(error.category == .configuration && error.message.contains("reach.radius_km"))
        #expect(error.location.line != nil)
    }

    @Test func candidatesNeedADemandTable() throws {
        let folder = try CommuneFixture.folder()
        let path = (folder as NSString).appendingPathComponent("scenario.yaml")
        let yaml = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "  demand: demand.csv\n", with: "")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let errors = Self.errors(folder)
        #expect(
            errors.first?.category == .configuration
                && errors.first?.message.contains("'tables.candidates' needs 'tables.demand'") == true)
    }
}

@Suite struct CommuneVariantTests {
    /// A sweep's variant keeps the base's commune layer, and refuses to vary its radius (read once with the tables).
    @Test func variantsKeepTheCommuneLayerAndRefuseReach() throws {
        let base = try ScenarioLoader.load(try CommuneFixture.folder())
        let variant = try ScenarioLoader.variant(of: base, overrides: [ParameterOverride("programme.posts=2")!])
        #expect(variant.communes?.communes.count == 7 && variant.parameters.posts == 2)
        #expect(throws: ScenarioError.self) {
            try ScenarioLoader.variant(of: base, overrides: [ParameterOverride("reach.radius_km=10")!])
        }
    }
}
