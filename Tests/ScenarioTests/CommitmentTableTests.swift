import CommuneFixtures
import Foundation
import Scenario
import Testing

/// The commitments table: every bad row refused at its file:line:column (exit 65: data), before anything is solved.
@Suite struct CommitmentTableTests {
    /// A scenario folder with the default scenario's parameters, the small tables of `InputCases` and `commitments`.
    func folder(commitments: String) throws -> URL {
        let folder = TestScratch.root.appendingPathComponent("commitments-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var yaml = try String(
            contentsOf: InputCases.defaultScenario.appendingPathComponent("scenario.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(
            of: "  structures: structures.csv", with: "  structures: structures.csv\n  commitments: commitments.csv")
        try yaml.write(to: folder.appendingPathComponent("scenario.yaml"), atomically: true, encoding: .utf8)
        try InputCases.csv(InputCases.territoryHeader, InputCases.territoryRows).write(
            to: folder.appendingPathComponent("territories.csv"), atomically: true, encoding: .utf8)
        try InputCases.csv(InputCases.structureHeader, InputCases.structureRows).write(
            to: folder.appendingPathComponent("structures.csv"), atomically: true, encoding: .utf8)
        try commitments.write(to: folder.appendingPathComponent("commitments.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    /// S1 (public, mainland, capacity 2, 22,500 €) can co-finance one `partial_3y` post: 30 % of 50,000 € / 24 × 36 =
    /// 22,500 €.
    @Test func goodTableIsReadAndLeavesTheRoom() throws {
        let folder = try folder(
            commitments: "structure_id,posts,funding_option,mode\nS1,1,partial_3y,min\nS2,1,,max\nS3,1,full,locked\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenario = try ScenarioLoader.load(folder.path)
        #expect(scenario.commitments.map(\.structureID) == ["S1", "S2", "S3"])
        #expect(scenario.committedPlacements.map(\.posts) == [1, 1])
        let residual = Dictionary(uniqueKeysWithValues: scenario.residualStructures.map { ($0.id, $0) })
        #expect(residual["S1"]?.capacity == 1 && residual["S1"]?.cofinancingEUR == 0)  // its money went to the committed post
        #expect(residual["S2"]?.capacity == 1)  // the ceiling
        #expect(residual["S3"]?.capacity == 0)  // locked
        #expect(scenario.inputFiles.map(\.role).contains("commitments"))
    }

    @Test func everyBadRowIsRefusedAtItsPlace() throws {
        let rows = [
            "structure_id,posts,funding_option,mode",
            "S1,1,partial_3y,locked",  // 2: fine
            "S9,1,full,min",  // 3: unknown structure
            "S2,-1,full,min",  // 4: negative
            "S2,1.5,full,min",  // 5: not whole
            "S2,1,partial_3y,min",  // 6: S2 (private) cannot co-finance 19,200 € with 9,600 €
            "S1,1,partial_3y,locked",  // 7: duplicate
            "S3,2,full,min",  // 8: more than its capacity of 1
            "S3,1,full,frozen",  // 9: unknown mode
            "S2,1,bogus,min",  // 10: unknown option
            "S1,1,full,min",  // 11: S1 is locked on line 2
            "S2,1,,min",  // 12: a minimum without an option
        ]
        let folder = try folder(commitments: rows.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(folder.path) }
        #expect(error.category == .data)
        let found = error.diagnostics.map { "\($0.location.line ?? 0):\($0.location.column ?? 0)" }
        // Columns count characters: the cell at fault (structure_id, posts, funding_option or mode) of each bad row.
        #expect(found == ["3:1", "4:4", "5:4", "6:6", "7:1", "8:4", "9:11", "10:6", "11:11", "12:6"])
        #expect(error.diagnostics.allSatisfy { $0.location.file.hasSuffix("commitments.csv") })
        let messages = error.diagnostics.map(\.message)
        #expect(messages[0].contains("unknown structure 'S9'"))
        #expect(messages[3].contains("is not open to structure 'S2'"))
        #expect(messages[4].contains("duplicated commitment"))
        #expect(messages[5].contains("which can take 1"))
    }
}
