import Foundation
import LinearProgramming
@testable import Pipeline  // Manifest.provenance and sha256, internal to publishing
import Scenario
import Testing

/// The manifest's input hashes are those of the bytes the run read, whatever happens to the files
/// afterwards (red team, issue 9, item 3).
@Suite struct InputProvenanceTests {
    @Test func manifestHashesTheBytesReadNotTheFilesAtPublication() throws {
        let folder = try E2E.temporaryDirectory(prefix: "provenance")
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenarioFolder = folder.appendingPathComponent("scenario")
        try FileManager.default.copyItem(at: E2E.defaultScenario, to: scenarioFolder)
        let names = ["scenario": "scenario.yaml", "territories": "territories.csv", "structures": "structures.csv"]
        var original: [String: Data] = [:]
        for (role, name) in names { original[role] = try Data(contentsOf: scenarioFolder.appendingPathComponent(name)) }

        let scenario = try ScenarioLoader.load(scenarioFolder.path)
        // After the read: the scenario file and one table edited, the other table deleted.
        try Data(
            (String(decoding: original["scenario"]!, as: UTF8.self)
                .replacingOccurrences(of: "posts: 4000", with: "posts: 10")).utf8
        ).write(to: scenarioFolder.appendingPathComponent("scenario.yaml"))
        try (original["territories"]! + Data("99,Nowhere,99,Nowhere,false,1,1,1,1,1\n".utf8))
            .write(to: scenarioFolder.appendingPathComponent("territories.csv"))
        try FileManager.default.removeItem(at: scenarioFolder.appendingPathComponent("structures.csv"))

        let inputs =
            Manifest.header(
                scenario, status: "optimal", solver: SolverIdentity(name: "GLPK", version: "5.0"), outputs: []
            ).inputs ?? []
        for (role, name) in names {
            let path = scenarioFolder.appendingPathComponent(name).path
            let input = inputs.first { $0.role == role }
            #expect(input?.path == path && input?.sha256 == Manifest.sha256(original[role]!), "\(role): \(inputs)")
        }
        #expect(inputs.count == names.count && inputs.allSatisfy { ($0.sha256 ?? "").count == 64 })
    }
}
