import Foundation
@testable import Scenario  // the internal TextDecoding
import Testing

/// CSV encodings and shapes (docs/reliability.md, "CSV encodings and shapes").
@Suite struct CSVEncodingTests {
    func table(_ data: Data) throws -> [[String]] {
        let table = try CSVTable(data: data, path: "t.csv")
        return [table.header.map(\.text)] + table.records.map { $0.map(\.text) }
    }

    func only(_ data: Data) -> Diagnostic? {
        do {
            _ = try CSVTable(data: data, path: "t.csv")
            return nil
        } catch {
            #expect(error.diagnostics.count == 1, "\(error)")
            return error.diagnostics.first
        }
    }

    /// Every accepted shape of the same table, as bytes: BOM or not, LF/CRLF/CR, final newline or not,
    /// blank lines, quoted commas, doubled quotes, quoted LF/CRLF/CR line breaks.
    @Test func everyAcceptedShapeGivesTheSameTableWithoutCROrBOM() throws {
        let expected = [["code", "name"], ["01", "Ain, \"the\" one"], ["02", "Aisne\nnord"]]
        let body = ["code,name", "01,\"Ain, \"\"the\"\" one\"", "02,\"Aisne{NL}nord\""]
        var variants: [String] = []
        for bom in ["", "\u{FEFF}"] {
            for end in ["\n", "\r\n", "\r"] {
                for finalNewline in [true, false] {
                    for blank in [false, true] {
                        let lines = body.map { $0.replacingOccurrences(of: "{NL}", with: end) }
                        var text = bom + lines.joined(separator: blank ? end + end : end)
                        if finalNewline { text += end }
                        variants.append(text)
                    }
                }
            }
        }
        #expect(variants.count == 24)
        for text in variants {
            let values = try table(Data(text.utf8))
            #expect(values == expected, "\(text.debugDescription)")
            #expect(!values.joined().contains { $0.contains("\r") || $0.contains("\u{FEFF}") })
        }
    }

    @Test func utf16WithByteOrderMarkIsRefused() throws {
        var data = Data([0xFF, 0xFE])
        data.append("code,name\n01,Ain\n".data(using: .utf16LittleEndian)!)
        let diagnostic = try #require(only(data))
        #expect(diagnostic.category == .data)
        #expect(
            diagnostic.message.contains("UTF-16") && diagnostic.message.contains("FF FE")
                && diagnostic.message.contains("CSV UTF-8"))
        var bigEndian = Data([0xFE, 0xFF])
        bigEndian.append("code,name\n".data(using: .utf16BigEndian)!)
        #expect(only(bigEndian)?.message.contains("big-endian") == true)
    }

    @Test func utf16WithoutByteOrderMarkIsRefusedByItsNULBytes() throws {
        let data = "code,name\n01,Ain\n".data(using: .utf16LittleEndian)!
        let diagnostic = try #require(only(data))
        #expect(diagnostic.message.contains("NUL byte at byte offset 1") && diagnostic.message.contains("UTF-16"))
        #expect(diagnostic.location == SourceLocation(file: "t.csv", line: 1, column: 2))
    }

    @Test func windows1252IsRefusedWithItsByteOffsetLineAndColumn() throws {
        var data = Data("code,name\n01,Ari".utf8)
        data.append(0xE8)  // 'è' in Windows-1252
        data.append(Data("ge\n".utf8))
        let diagnostic = try #require(only(data))
        #expect(diagnostic.location == SourceLocation(file: "t.csv", line: 2, column: 7))
        #expect(diagnostic.message.contains("byte 0xE8 at byte offset 16"))
        #expect(
            diagnostic.message.contains("'è'") && diagnostic.message.contains("Windows-1252")
                && diagnostic.message.contains("CSV UTF-8"))
    }

    /// A French spreadsheet's plain "CSV" export: Windows-1252, semicolons, decimal commas, CRLF.
    @Test func frenchSpreadsheetExportIsRefusedWithHowToReExport() throws {
        var data = Data("code;nom;ifn\r\n09;Ari".utf8)
        data.append(0xE8)
        data.append(Data("ge;5,9\r\n".utf8))
        #expect(only(data)?.message.contains("Windows-1252") == true)
        // The same saved as UTF-8 but still with semicolons: refused on the header, once.
        let semicolons = try #require(only(Data("code;nom;ifn\r\n09;Ariège;5,9\r\n".utf8)))
        #expect(semicolons.location == SourceLocation(file: "t.csv", line: 1, column: 5))
        #expect(semicolons.message.contains("';' (semicolon)") && semicolons.message.contains("decimal"))
    }

    @Test func tabSeparatedFileIsRefused() {
        #expect(only(Data("code\tname\n01\tAin\n".utf8))?.message.contains("tabs") == true)
    }

    @Test func replacementCharacterIsRefused() throws {
        let diagnostic = try #require(only(Data("code,name\n01,Ari\u{FFFD}ge\n".utf8)))
        #expect(diagnostic.location == SourceLocation(file: "t.csv", line: 2, column: 7))
        #expect(diagnostic.message.contains("U+FFFD"))
        // Also when the text is already in memory.
        #expect(throws: ScenarioError.self) { try CSVTable(text: "code,name\n01,\u{FFFD}\n", path: "t.csv") }
    }

    @Test func byteOrderMarkInsideTheFileIsRefused() throws {
        let diagnostic = try #require(only(Data("\u{FEFF}code,name\n01,Ain\n\u{FEFF}code,name\n".utf8)))
        #expect(diagnostic.location.line == 3 && diagnostic.message.contains("U+FEFF"))
    }

    @Test func invalidUTF8SequencesAreFound() {
        let cases: [([UInt8], Int?)] = [
            ([0x61, 0xC3, 0xA9], nil), ([0xE2, 0x82, 0xAC], nil), ([0xF0, 0x9F, 0x98, 0x80], nil),
            ([0x61, 0xC0, 0xAF], 1),  // overlong
            ([0xED, 0xA0, 0x80], 0),  // surrogate
            ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
            ([0x61, 0x62, 0xE2, 0x82], 2),  // truncated
            ([0x80], 0), ([0xFF], 0),
        ]
        for (bytes, expected) in cases { #expect(TextDecoding.firstInvalidUTF8(bytes) == expected, "\(bytes)") }
    }
}
