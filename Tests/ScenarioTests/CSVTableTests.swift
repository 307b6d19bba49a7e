import Foundation
import Scenario
import Testing

@Suite struct CSVTableTests {
    func values(_ text: String) throws -> [[String]] {
        let table = try CSVTable(text: text, path: "t.csv")
        return [table.header.map(\.text)] + table.records.map { $0.map(\.text) }
    }

    /// BOM or not, LF or CRLF, final newline or not, quoted commas, doubled quotes and line breaks: one table.
    @Test func encodingsAndShapesGiveTheSameTable() throws {
        let expected = [["code", "name"], ["01", "Ain, \"the\" one"], ["02", "Aisne\nnord"]]
        let variants = [
            "code,name\n01,\"Ain, \"\"the\"\" one\"\n02,\"Aisne\nnord\"\n",
            "\u{FEFF}code,name\r\n01,\"Ain, \"\"the\"\" one\"\r\n02,\"Aisne\r\nnord\"\r\n",
            "code,name\n01,\"Ain, \"\"the\"\" one\"\n02,\"Aisne\nnord\"",
        ]
        for text in variants {
            let table = try values(text)
            #expect(table == expected)
            #expect(!table.joined().contains { $0.contains("\r") || $0.contains("\u{FEFF}") })
        }
    }

    @Test func fieldsKnowTheirLineAndColumn() throws {
        let table = try CSVTable(text: "a,bb,c\n1,\"x\ny\",3\n4,5,6\n", path: "t.csv")
        #expect(table.records[0][1].line == 2)
        #expect(table.records[0][2].line == 3)  // after a quoted line break
        #expect(table.records[1][1].line == 4)
        #expect(table.records[1][1].column == 3)
    }

    @Test func unclosedQuoteIsReportedWithItsPlace() {
        #expect { try CSVTable(text: "a,b\n1,\"oops\n", path: "t.csv") } throws: { error in
            (error as? ScenarioError)?.diagnostics.first?.location == SourceLocation(file: "t.csv", line: 2, column: 3)
        }
    }

    @Test func emptyFileIsRefused() {
        #expect(throws: ScenarioError.self) { try CSVTable(text: "", path: "t.csv") }
    }
}
