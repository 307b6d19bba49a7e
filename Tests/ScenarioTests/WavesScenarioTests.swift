import Foundation
import Scenario
import Testing

/// The real-rollout scenario `scenarios/france-relance-2020-waves/` (its SOURCES.md): it loads, its first wave is
/// exactly what was signed, its last opens the whole programme, and its files are what the script makes.
@Suite struct WavesScenarioTests {
    static let folder = InputCases.root.appendingPathComponent("scenarios/france-relance-2020-waves")

    @Test func theRolloutScenarioLoads() throws {
        let scenario = try ScenarioLoader.load(Self.folder.path)
        let waves = scenario.parameters.waves
        #expect(waves.map(\.id) == ["coselec_2021", "coselec_2022", "coselec_2023"])
        let signed = scenario.commitments.reduce(0) { $0 + $1.committedPosts }
        #expect(signed > 3000 && signed <= 3177)  // the posts validated in 2021 (3,177, of which the scenario's structures hold)
        #expect(waves[0].posts == signed)
        #expect(scenario.commitments.allSatisfy { $0.mode == .min && $0.option == "full" })
        #expect(waves[2].posts == scenario.parameters.posts && waves[2].budgetEUR == scenario.parameters.budgetEUR)
        #expect(scenario.inputFiles.map(\.role) == ["scenario", "territories", "structures", "commitments"])
    }

    @Test func filesAreWhatTheScriptMakes() throws {
        let data = InputCases.root.deletingLastPathComponent().appendingPathComponent("shared/data").path
        try #require(
            FileManager.default.fileExists(atPath: data),
            "the public data is expected beside the repository, at ../shared/data")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", InputCases.root.appendingPathComponent("scripts/build-waves-scenario.py").path, "--check",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(
            process.terminationStatus == 0,
            "run scripts/build-waves-scenario.py: the scenario differs from what it makes")
    }
}
