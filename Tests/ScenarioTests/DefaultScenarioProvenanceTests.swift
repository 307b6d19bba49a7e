import Foundation
import Testing

/// The default scenario's tables are exactly what `scripts/build-default-scenario.py` derives from the
/// public data in `../shared/data` (its `--check` mode regenerates them in a temporary folder and compares).
@Suite struct DefaultScenarioProvenanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func tablesAreWhatTheScriptMakesFromTheSharedData() throws {
        let data = Self.root.deletingLastPathComponent().appendingPathComponent("shared/data/SOURCES.md").path
        try #require(FileManager.default.fileExists(atPath: data), "the public data is expected beside the repository, at ../shared/data")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.root.appendingPathComponent("scripts/build-default-scenario.py").path, "--check"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "build-default-scenario.py --check: \(message)")
    }
}
