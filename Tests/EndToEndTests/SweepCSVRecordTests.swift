import Foundation
import Testing

@testable import Pipeline  // SweepCollect.csvRecord, internal to the collect

/// `sweep collect` reads each variant's summary.csv and comparison.csv with the scenario's CSV reader: a quoted cell
/// holding a line break (a baseline named so in its scenario) or CRLF line ends do not shift the other cells.
@Suite struct SweepCSVRecordTests {
    @Test func aRecordIsReadWholeAcrossQuotedLineBreaksAndCRLF() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("repartir-csv-record-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("comparison.csv").path
        try Data("plan,people,note\r\n\"two\r\nlines\",5,a\r\noptimised,\"1,234\",\"say \"\"hi\"\"\"\r\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        let record = SweepCollect.csvRecord(at: path) { $0["plan"] == "optimised" }
        #expect(record == ["plan": "optimised", "people": "1,234", "note": "say \"hi\""])
        let first = SweepCollect.csvRecord(at: path) { _ in true }
        #expect(first == ["plan": "two\nlines", "people": "5", "note": "a"])
        #expect(SweepCollect.csvRecord(at: folder.appendingPathComponent("missing.csv").path) { _ in true } == [:])
    }
}
