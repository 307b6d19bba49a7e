import CommuneFixtures
import Foundation
import Scenario
import Testing

@Suite struct ScenarioLoaderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let defaultScenario = root.appendingPathComponent("scenarios/france-relance-2020").path

    /// A copy of the default scenario in a temporary folder, with one file replaced.
    func copy(replacing file: String? = nil, with content: String? = nil) throws -> String {
        let folder = TestScratch.root.appendingPathComponent(
            "repartir-scenario-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: Self.defaultScenario, toPath: folder.path)
        if let file, let content {
            try content.write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        return folder.path
    }

    func diagnostics(_ path: String, overrides: [ParameterOverride] = []) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.load(path, overrides: overrides)
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func defaultScenarioLoads() throws {
        let scenario = try ScenarioLoader.load(Self.defaultScenario)
        #expect(scenario.territories.count == 101)
        #expect(scenario.structures.count == 2_886)
        #expect(scenario.parameters.posts == 4_000)
        #expect(scenario.parameters.budgetEUR == 200_000_000)
        #expect(scenario.parameters.kinds.map(\.id) == ["private", "public"])
        #expect(scenario.parameters.fundingOptions.map(\.id) == ["full", "partial_3y"])
        #expect(scenario.territories.map(\.code).contains("2A"))
        #expect(scenario.territory("971")?.overseas == true)
        #expect(scenario.structures.reduce(0) { $0 + ($1.posts2021 ?? 0) } == 3_922)
    }

    /// The need formula reproduces the national rate: 16.5 % of people 15+ (to rounding of each territory).
    @Test func needAddsUpToTheNationalRate() throws {
        let scenario = try ScenarioLoader.load(Self.defaultScenario)
        let people15 = scenario.territories.reduce(0.0) { $0 + Double($1.population15Plus) }
        let total = scenario.need.values.reduce(0, +)
        #expect(abs(total - 0.165 * people15) <= Double(scenario.territories.count))
        // Older, more fragile départements need more per inhabitant: Creuse (23) more than Hauts-de-Seine (92).
        let creuse = scenario.need["23"]! / Double(scenario.territory("23")!.population)
        let hautsDeSeine = scenario.need["92"]! / Double(scenario.territory("92")!.population)
        #expect(creuse > hautsDeSeine)
    }

    @Test func fundingTermsFollowThePlan() throws {
        let scenario = try ScenarioLoader.load(Self.defaultScenario)
        let public_ = try #require(scenario.parameters.kind("public"))
        let private_ = try #require(scenario.parameters.kind("private"))
        let options = Dictionary(uniqueKeysWithValues: scenario.parameters.fundingOptions.map { ($0.id, $0) })
        let full = FundingTerms(kind: public_, option: options["full"]!, overseas: false)
        #expect(full.stateCostEUR == 50_000 && full.hostCostEUR == 0 && full.months == 24)
        let partial = FundingTerms(kind: public_, option: options["partial_3y"]!, overseas: false)
        #expect(partial.stateCostEUR == 52_500 && partial.hostCostEUR == 22_500 && partial.months == 36)
        let privateFull = FundingTerms(kind: private_, option: options["full"]!, overseas: false)
        #expect(privateFull.stateCostEUR == 32_000 && privateFull.months == 18)
        #expect(FundingTerms(kind: public_, option: options["full"]!, overseas: true).stateCostEUR == 70_000)
    }

    @Test func overridesChangeParameters() throws {
        let scenario = try ScenarioLoader.load(
            Self.defaultScenario,
            overrides: [
                ParameterOverride("programme.budget_eur=190000000")!,
                ParameterOverride("funding.partial_3y.months=30")!,
                ParameterOverride("objective.breakpoints=0.5,1")!,
            ])
        #expect(scenario.parameters.budgetEUR == 190_000_000)
        #expect(scenario.parameters.fundingOptions.first { $0.id == "partial_3y" }?.months == 30)
        #expect(scenario.parameters.objective.breakpoints == [0.5, 1])
        #expect(scenario.parameters.effective.contains { $0.path == "programme.budget_eur" && $0.value == "190000000" })
    }

    /// A typed change applied in memory gives the scenario a full load gives with the same `--set`: same
    /// parameters, effective parameters, tables, need and input files (the bytes read, not the files again).
    @Test func applyingAChangeMatchesAFullLoadWithTheSameOverride() throws {
        let base = try ScenarioLoader.load(
            Self.defaultScenario, overrides: [ParameterOverride("programme.budget_eur=190000000")!])
        for change in [
            ScenarioChange.territoryMinPosts(0), .budget(191_000_000), .posts(3_900), .territoryMaxShare(1),
            .regionMinPosts(2), .regionMaxShare(0.25),
        ] {
            let applied = try base.applying(change)
            let loaded = try ScenarioLoader.load(
                Self.defaultScenario,
                overrides: [ParameterOverride("programme.budget_eur=190000000")!, change.override])
            #expect(change.description == "\(change.override.key)=\(change.override.value)")
            #expect(
                applied.parameters.posts == loaded.parameters.posts
                    && applied.parameters.budgetEUR == loaded.parameters.budgetEUR)
            #expect(applied.parameters.limits == loaded.parameters.limits, "\(change)")
            #expect(applied.parameters.effective.map(\.path) == loaded.parameters.effective.map(\.path))
            #expect(applied.parameters.effective.map(\.value) == loaded.parameters.effective.map(\.value), "\(change)")
            #expect(applied.territories == loaded.territories && applied.structures == loaded.structures)
            #expect(applied.need == loaded.need && applied.inputFiles == loaded.inputFiles)
            #expect(applied.stateCostRange == loaded.stateCostRange)
            #expect(
                applied.territories.map { [applied.postRange(of: $0).min, applied.postRange(of: $0).max] }
                    == loaded.territories.map { [loaded.postRange(of: $0).min, loaded.postRange(of: $0).max] },
                "\(change)")
            #expect(applied.regionPostRange == loaded.regionPostRange, "\(change)")
        }
        #expect(try base.applying(.budget(191_000_000)).parameters.budgetEUR == 191_000_000)
        #expect(try base.applying(.territoryMinPosts(0)).parameters.limits.territoryMinPosts == 0)
        // A value out of range is refused as a `--set` is (exit 78), naming the change.
        for wrong in [ScenarioChange.budget(-5), .posts(0), .territoryMaxShare(1.5), .regionMaxShare(.nan)] {
            #expect(throws: ScenarioError.self) { try base.applying(wrong) }
            #expect(throws: ScenarioError.self) {
                try ScenarioLoader.load(Self.defaultScenario, overrides: [wrong.override])
            }
        }
        do {
            _ = try base.applying(.posts(0))
        } catch {
            #expect(error.category == .configuration)
            #expect(
                error.diagnostics.map(\.description) == [
                    "change 'programme.posts=0': 'programme.posts' = 0 is out of range (expected a whole number in 1…1000000)"
                ])
        }
    }

    /// The files are read once: a scenario keeps the bytes it parsed, whatever happens to the files afterwards.
    @Test func inputFilesKeepTheBytesThatWereRead() throws {
        let folder = try copy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let names = ["scenario": "scenario.yaml", "territories": "territories.csv", "structures": "structures.csv"]
        let original = try names.mapValues {
            try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent($0))
        }
        let scenario = try ScenarioLoader.load(folder)
        try Data("name: other\n".utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent("scenario.yaml"))
        try FileManager.default.removeItem(atPath: folder + "/territories.csv")
        let changed = try scenario.applying(.posts(10))
        #expect(scenario.inputFiles.map(\.role) == ["scenario", "territories", "structures"])
        for file in scenario.inputFiles + changed.inputFiles {
            #expect(file.bytes == original[file.role], "\(file.role)")
            #expect(file.path == folder + "/" + names[file.role]!)
        }
    }

    @Test func wrongStructureValueNamesFileLineAndColumn() throws {
        let path = try copy()
        let file = (path as NSString).appendingPathComponent("structures.csv")
        var lines = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
        var fields = lines[2].components(separatedBy: ",")
        let column = fields[0..<4].reduce(1) { $0 + $1.count + 1 }  // capacity is the 5th field
        fields[4] = "two"
        lines[2] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let found = diagnostics(path)
        #expect(found.count == 1)
        #expect(found.first?.category == .data)
        #expect(found.first?.location == SourceLocation(file: file, line: 3, column: column))
        #expect(found.first?.message.contains("capacity: expected a whole number, found 'two'") == true)
    }

    @Test func wrongTerritoryValuesAreAllReported() throws {
        let path = try copy()
        let file = (path as NSString).appendingPathComponent("territories.csv")
        var lines = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
        lines[1] = lines[1].replacingOccurrences(of: ",false,", with: ",maybe,")
        lines[5] = lines[5].replacingOccurrences(of: ",false,", with: ",nope,")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let found = diagnostics(path)
        #expect(found.map(\.location.line) == [2, 6])
        #expect(found.allSatisfy { $0.message.contains("overseas: expected true or false") })
    }

    @Test func unknownKeySuggestsTheNearest() throws {
        let yaml = try String(contentsOfFile: Self.defaultScenario + "/scenario.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  budget_eur:", with: "  budjet_eur:")
        let path = try copy(replacing: "scenario.yaml", with: yaml)
        let found = diagnostics(path)
        let unknown = try #require(found.first { $0.message.contains("unknown key") })
        #expect(unknown.category == .configuration)
        #expect(unknown.message.contains("did you mean 'programme.budget_eur'?"))
        #expect(unknown.location.line != nil && unknown.location.column == 3)
    }

    @Test func badOverridesAreConfigurationErrors() {
        let unknown = diagnostics(Self.defaultScenario, overrides: [ParameterOverride("programme.postz=3")!])
        #expect(unknown.first?.message.contains("did you mean 'programme.posts'?") == true)
        let outOfRange = diagnostics(Self.defaultScenario, overrides: [ParameterOverride("solver.mip_gap=2")!])
        #expect(outOfRange.first?.message.contains("out of range") == true)
        let wrongType = diagnostics(Self.defaultScenario, overrides: [ParameterOverride("programme.posts=many")!])
        #expect(wrongType.first?.category == .configuration)
    }

    @Test func missingTableIsAMissingFile() throws {
        let path = try copy()
        try FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent("structures.csv"))
        #expect(diagnostics(path).first?.category == .missingFile)
        #expect(diagnostics("/nonexistent/scenario.yaml").first?.category == .missingFile)
    }

    @Test func unknownTerritoryAndDuplicateIdsAreNamed() throws {
        let path = try copy()
        let file = (path as NSString).appendingPathComponent("structures.csv")
        var lines = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
        lines.insert(lines[1], at: 2)  // duplicated id, now on lines 2 and 3
        lines[4] = lines[4].components(separatedBy: ",").enumerated().map { $0.offset == 2 ? "99X" : $0.element }
            .joined(separator: ",")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let messages = diagnostics(path).map(\.message)
        #expect(messages.contains { $0.contains("duplicated structure id") && $0.contains("line 2") })
        #expect(messages.contains { $0.contains("unknown territory '99X'") })
    }
}
