import CommuneFixtures
import Foundation
import Scenario
import Testing

/// `ScenarioLoader.variant`: a sweep's variants are made from the bytes of one load, never by reading
/// the files again, and give the same scenario as a load with the same overrides.
@Suite struct ScenarioVariantTests {
    static let small = ScenarioLoaderTests.root.appendingPathComponent("scenarios/examples/three-territories").path

    @Test func variantEqualsALoadWithTheSameOverrides() throws {
        let overrides = [
            ParameterOverride(key: "programme.budget_eur", value: "800_000"),
            ParameterOverride(key: "objective.stages", value: "maxmin,value"),
        ]
        let loaded = try ScenarioLoader.load(Self.small, overrides: overrides)
        let variant = try ScenarioLoader.variant(of: try ScenarioLoader.load(Self.small), overrides: overrides)
        #expect(
            variant.parameters.effective.map { "\($0.path)=\($0.value)" }
                == loaded.parameters.effective.map { "\($0.path)=\($0.value)" })
        #expect(variant.parameters.budgetEUR == 800_000 && variant.parameters.comparison.stages == ["maxmin", "value"])
        #expect(variant.inputFiles == loaded.inputFiles)
        #expect(variant.need == loaded.need)
        #expect(variant.structures.map(\.id) == loaded.structures.map(\.id))
    }

    @Test func variantReadsNothingAgain() throws {
        let folder = TestScratch.root.appendingPathComponent(
            "repartir-variant-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: Self.small, toPath: folder.path)
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = try ScenarioLoader.load(folder.path)
        // The files are gone: a variant that read them again would fail (66).
        try FileManager.default.removeItem(at: folder)
        let variant = try ScenarioLoader.variant(
            of: base, overrides: [ParameterOverride(key: "programme.posts", value: "15")])
        #expect(variant.parameters.posts == 15 && variant.territories.count == 3)
    }

    @Test func variantRefusesATablePathAndAWrongValue() throws {
        let base = try ScenarioLoader.load(Self.small)
        do {
            _ = try ScenarioLoader.variant(
                of: base, overrides: [ParameterOverride(key: "tables.structures", value: "other.csv")])
            Issue.record("a table path was accepted")
        } catch {
            #expect(error.category == .configuration && error.description.contains("cannot vary in a sweep"))
        }
        do {
            _ = try ScenarioLoader.variant(
                of: base, overrides: [ParameterOverride(key: "programme.posts", value: "ten")])
            Issue.record("a wrong value was accepted")
        } catch {
            #expect(error.diagnostics.first?.location.file == "--set #1 'programme.posts=ten'")
        }
    }

    /// An optional table named by an empty value (`--set tables.demand=`, `demand: ""`) is a configuration error at the
    /// key (78), like an empty required one: a review found it read as the scenario's folder, exit 66 "is a directory".
    @Test(arguments: ["tables.demand", "tables.candidates", "tables.commitments", "tables.territories", "reach.table"])
    func anEmptyTablePathIsRefusedAtItsKey(_ key: String) throws {
        do {
            _ = try ScenarioLoader.load(Self.small, overrides: [ParameterOverride(key: key, value: " ")])
            Issue.record("an empty \(key) was accepted")
        } catch {
            #expect(error.category == .configuration, "\(error)")
            #expect(error.diagnostics.first?.location.file == "--set #1 '\(key)= '", "\(error)")
            #expect(error.diagnostics.first?.message.hasPrefix("'\(key)' must not be empty") == true, "\(error)")
        }
    }

    /// The commune layer is read once, with the base: a sweep's shared `reach.*` setting is given to the base load,
    /// and a variant carrying the same value is accepted (a review found a fixed `set: reach.radius_km: 10` refused as
    /// "cannot vary"); another value is still refused.
    @Test func aReachSettingTheBaseWasLoadedWithIsNoVariation() throws {
        let folder = try CommuneFixture.folder()
        let shared = ParameterOverride(key: "reach.radius_km", value: "20")
        let base = try ScenarioLoader.load(folder, overrides: [shared])
        #expect(base.communes?.radiusKm == 20)
        let variant = try ScenarioLoader.variant(
            of: base, overrides: [shared, ParameterOverride(key: "programme.posts", value: "2")])
        #expect(variant.parameters.posts == 2 && variant.communes?.radiusKm == 20)
        #expect(variant.parameters.settingsOverFile.contains { $0.path == "reach.radius_km" && $0.value == "20" })
        #expect {
            try ScenarioLoader.variant(of: base, overrides: [ParameterOverride(key: "reach.radius_km", value: "10")])
        } throws: { error in
            (error as? ScenarioError)?.description.contains("cannot vary in a sweep") == true
        }
    }
}
