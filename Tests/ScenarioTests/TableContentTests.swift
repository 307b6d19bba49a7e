import Foundation
import Scenario
import Testing

/// Table contents (docs/reliability.md, "Table contents"). Each test is one case; the row under
/// test is line 2 of a three-row territories table unless it says otherwise.
@Suite struct TableContentTests {
    typealias C = InputCases

    /// The territories table with row `index` (0-based) replaced, or its `column` (0-based) set to `value`.
    func territories(row index: Int = 0, column: Int, value: String) -> String {
        var rows = C.territoryRows
        var fields = rows[index].components(separatedBy: ",")
        fields[column] = value
        rows[index] = fields.joined(separator: ",")
        return C.csv(C.territoryHeader, rows)
    }

    func messages(_ diagnostics: [Diagnostic]) -> String { diagnostics.map(\.description).joined(separator: "\n") }

    @Test func validTablesReadCleanly() throws {
        #expect(try C.territories(C.csv(C.territoryHeader, C.territoryRows)).count == 3)
        #expect(C.structureErrors(C.csv(C.structureHeader, C.structureRows)).isEmpty)
    }

    @Test func emptyFile() {
        for text in ["", "\u{FEFF}", "\n\n", "\r\n"] {
            let found = C.territoryErrors(text)
            #expect(
                found.count == 1 && found[0].message.contains("the file is empty") && found[0].category == .data,
                "\(text.debugDescription)")
        }
    }

    @Test func headerOnly() {
        let found = C.territoryErrors(C.territoryHeader + "\n")
        #expect(found.count == 1 && found[0].message == "the table has a header but no rows")
    }

    @Test func missingColumnIsNamedWithTheNearMiss() {
        let header = C.territoryHeader.replacingOccurrences(of: "population_75_plus", with: "Population_75_plus")
        let found = C.territoryErrors(C.csv(header, C.territoryRows))
        #expect(found.count == 1)
        #expect(
            found[0].message.contains("missing column 'population_75_plus' (found 'Population_75_plus' at column 74"))
    }

    @Test func duplicatedColumn() {
        let found = C.territoryErrors(C.csv(C.territoryHeader + ",ifn", C.territoryRows.map { $0 + ",5" }))
        #expect(found.count == 1 && found[0].message.contains("column 'ifn' appears twice (first at column"))
        #expect(found[0].location.line == 1)
        // A doubled column that is not read (empty trailing headers from a spreadsheet) is harmless.
        #expect(C.territoryErrors(C.csv(C.territoryHeader + ",,", C.territoryRows.map { $0 + ",," })).isEmpty)
    }

    /// A ragged row is reported with both counts, and the other rows' cell errors in the same run.
    @Test func raggedRowAndTheOtherRowsCellErrorsTogether() {
        var rows = C.territoryRows
        rows[0] += ",extra"
        rows[1] = rows[1].replacingOccurrences(of: ",false,", with: ",maybe,")
        let found = C.territoryErrors(C.csv(C.territoryHeader, rows))
        #expect(found.count == 2, "\(messages(found))")
        #expect(
            found.contains {
                $0.location.line == 2 && $0.message.contains("expected 10 fields as in the header, found 11")
            })
        #expect(
            found.contains {
                $0.location.line == 3 && $0.message.contains("overseas: expected true or false, found 'maybe'")
            })
    }

    /// The field count's hint fits the case: an unquoted comma for more fields, a value left out or a split row for
    /// fewer, and a line of spaces named as such (a review found the comma hint given for a line of spaces).
    @Test func aRaggedRowsHintFitsItsCase() {
        for (row, hint) in [
            (C.territoryRows[0] + ",extra", "found 11 (a comma inside a value must be quoted)"),
            (
                C.territoryRows[0].components(separatedBy: ",").dropLast().joined(separator: ","),
                "found 9 (a value is missing, or a line break splits the row)"
            ),
            ("   ", "found 1 (a line holding only spaces: remove it (entirely empty lines are skipped))"),
        ] {
            let found = C.territoryErrors(C.csv(C.territoryHeader, [row] + C.territoryRows.dropFirst()))
            #expect(found.map(\.message) == ["expected 10 fields as in the header, " + hint], "\(messages(found))")
            #expect(found.first?.location.line == 2, "\(messages(found))")
        }
    }

    @Test func missingColumnDoesNotHideCellErrors() {
        let header = C.territoryHeader.replacingOccurrences(of: ",poverty_rate_pct", with: "")
        var rows = C.territoryRows.map { $0.components(separatedBy: ",").dropLast().joined(separator: ",") }
        rows[0] = rows[0].replacingOccurrences(of: "Ain", with: "Ain").replacingOccurrences(of: ",5.362", with: ",lots")
        let withoutCode = header.replacingOccurrences(of: "code,name", with: "kode,name")
        let found = C.territoryErrors(C.csv(withoutCode, rows))
        #expect(found.contains { $0.message.contains("missing column 'code'") })
        #expect(found.contains { $0.location.line == 2 && $0.message.contains("ifn: expected a number, found 'lots'") })
    }

    @Test func duplicatedIdNamesBothLines() {
        let found = C.territoryErrors(C.csv(C.territoryHeader, C.territoryRows + [C.territoryRows[1]]))
        #expect(found.count == 1)
        #expect(found[0].location == SourceLocation(file: "territories.csv", line: 5, column: 1))
        #expect(found[0].message == "code: duplicated territory '02': also on line 3")
        let structures = C.structureErrors(C.csv(C.structureHeader, C.structureRows + [C.structureRows[0]]))
        #expect(structures.map(\.message) == ["id: duplicated structure id 'S1': also on line 2"])
        #expect(structures.first?.location.line == 5)
    }

    @Test func idsDifferingOnlyByCaseOrSurroundingSpaces() {
        let byCase = C.territoryErrors(
            C.csv(
                C.territoryHeader, C.territoryRows + [C.territoryRows[2].replacingOccurrences(of: "2A,", with: "2a,")]))
        #expect(
            byCase.map(\.message) == [
                "code: duplicated territory '2a': also on line 4 as '2A' (codes are compared ignoring case)"
            ])
        let bySpaces = C.territoryErrors(
            C.csv(
                C.territoryHeader, C.territoryRows + [C.territoryRows[0].replacingOccurrences(of: "01,", with: " 01 ,")]
            ))
        #expect(bySpaces.map(\.message) == ["code: duplicated territory '01': also on line 2"])
        let structures = C.structureErrors(C.csv(C.structureHeader, C.structureRows + ["s1 ,Autre,01,public,1,0"]))
        #expect(
            structures.map(\.message) == [
                "id: duplicated structure id 's1': also on line 2 as 'S1' (ids are compared ignoring case)"
            ])
        // Spaces inside an id are not trimmed: the id is invalid.
        #expect(
            C.territoryErrors(territories(column: 0, value: "0 1")).first?.message.contains("is not a valid id") == true
        )
    }

    @Test func structureAtAnUnknownTerritory() {
        var rows = C.structureRows
        rows[0] = "S1,Mairie,99X,public,2,0"
        rows[1] = "S2,Mairie,2a,public,2,0"
        // A spreadsheet that read 01 as a number wrote it back as 1.
        rows.append("S9,Mairie,1,public,2,0")
        let found = C.structureErrors(C.csv(C.structureHeader, rows))
        #expect(
            found.map(\.message) == [
                "territory: unknown territory '99X' (not in the territories table)",
                "territory: unknown territory '2a' (not in the territories table) (did you mean '2A'? codes are matched exactly)",
                "territory: unknown territory '1' (not in the territories table) (did you mean '01'? a spreadsheet may have dropped its leading zero)",
            ])
        #expect(found.first?.location == SourceLocation(file: "structures.csv", line: 2, column: 11))
        // Without a readable territories table, nothing is reported against it.
        #expect(C.structureErrors(C.csv(C.structureHeader, rows), territories: nil).isEmpty)
    }

    @Test func notANumberInfinityHexAndThousandsSeparators() {
        let cases: [(String, String)] = [
            ("NaN", "NaN is not a value"), ("nan", "NaN is not a value"), ("inf", "infinity"),
            ("-Infinity", "infinity"),
            ("0x1F", "hexadecimal"), ("\"5,362\"", "use '.' as decimal separator"), ("5 362", "no thousands separator"),
            ("5\u{A0}362", "no thousands separator"), ("5\u{202F}362", "no thousands separator"),
            ("53%", "without '%'"),
            ("1e999", "far too large"), ("1_000", "expected a number"), ("٥", "expected a number"),
        ]
        for (value, hint) in cases {
            let found = C.territoryErrors(territories(column: 8, value: value))
            #expect(
                found.count == 1 && found[0].message.hasPrefix("ifn: expected a number")
                    && found[0].message.contains(hint), "\(value): \(messages(found))")
        }
        let population = C.territoryErrors(territories(column: 5, value: "\"663,202\""))
        #expect(
            population.first?.message.contains(
                "expected a whole number, found '663,202' (use '.' as decimal separator, no thousands separator)")
                == true)
    }

    @Test func negativeOrFractionalCounts() {
        #expect(
            C.territoryErrors(territories(column: 5, value: "-5")).first?.message
                == "population: -5 is out of range (expected 0…200000000)")
        #expect(
            C.territoryErrors(territories(column: 5, value: "663202.5")).first?.message.contains(
                "(a count has no decimals or exponent)") == true)
        #expect(
            C.territoryErrors(territories(column: 5, value: "6.6e5")).first?.message.contains("a count has no decimals")
                == true)
        #expect(
            C.territoryErrors(territories(column: 5, value: "+663202")).first?.message.contains(
                "expected a whole number") == true)
        let capacity = C.structureErrors(
            C.csv(C.structureHeader, ["S1,Mairie,01,public,-1,0", "S2,Mairie,01,public,1.5,0"]))
        #expect(
            capacity.map(\.message) == [
                "capacity: -1 is out of range (expected 0…100000)",
                "capacity: expected a whole number, found '1.5' (a count has no decimals or exponent)",
            ])
    }

    @Test func absurdMagnitudes() {
        #expect(
            C.territoryErrors(territories(column: 5, value: "99999999999999999999999")).first?.message.contains(
                "far too large") == true)
        #expect(
            C.territoryErrors(territories(column: 5, value: "900000000")).first?.message.contains("out of range")
                == true)
        #expect(
            C.territoryErrors(territories(column: 8, value: "1e300")).first?.message
                == "ifn: 1e300 is out of range (expected 0.0…10.0)")
        let cofinancing = C.structureErrors(C.csv(C.structureHeader, ["S1,Mairie,01,public,1,1e11"]))
        #expect(cofinancing.first?.message.contains("out of range") == true)
    }

    @Test func populationsOutOfOrder() {
        let found = C.territoryErrors(territories(column: 7, value: "600000"))
        #expect(found.first?.message.contains("expected population ≥ population_15_plus ≥ population_75_plus") == true)
        #expect(found.first?.location.column == 38)  // the population cell
    }

    @Test func controlCharactersAndOverLongValues() {
        let control = C.territoryErrors(territories(column: 1, value: "\"Ain\u{7}\""))
        #expect(control.first?.message.contains("control character U+0007") == true)
        let lineBreak = C.territoryErrors(territories(column: 1, value: "\"A\nin\""))
        #expect(lineBreak.first?.message.contains("control character U+000A") == true)
        let longID = C.territoryErrors(territories(column: 0, value: String(repeating: "9", count: 65)))
        #expect(longID.first?.message.contains("id of 65 characters, longer than 64") == true)
        #expect(C.territoryErrors(territories(column: 0, value: String(repeating: "9", count: 64))).isEmpty)
        let longName = C.territoryErrors(territories(column: 1, value: String(repeating: "é", count: 301)))
        #expect(longName.first?.message.contains("a value of 301 characters, more than 300") == true)
        let badID = C.territoryErrors(territories(column: 2, value: "8-4"))
        #expect(badID.first?.message.contains("'8-4' is not a valid id") == true)
    }

    /// INSEE's markers: an optional indicator becomes "not given" (nil, never 0); a required one is an error naming the
    /// marker.
    @Test func inseeSecretAndMissingMarkers() throws {
        for marker in ["s", "NA", "nd", "N/A", "n.d.", "NC", ""] {
            let read = try C.territories(territories(column: 9, value: marker))
            #expect(read.first { $0.code == "01" }?.povertyRatePct == nil, "\(marker)")
        }
        #expect(try C.territories(territories(column: 9, value: "0")).first { $0.code == "01" }?.povertyRatePct == 0)
        for marker in ["s", "NA", "nd"] {
            let found = C.territoryErrors(territories(column: 8, value: marker))
            #expect(found.count == 1)
            #expect(
                found.first?.message
                    == "ifn: '\(marker)' marks a value that is not given (secret or not available): ifn is required and a missing value is never read as 0: fill it in from another source, or remove the row"
            )
        }
        #expect(C.territoryErrors(territories(column: 8, value: "")).first?.message == "ifn: a value is required")
        #expect(
            C.territoryErrors(territories(column: 5, value: "s")).first?.message.contains(
                "'s' marks a value that is not given") == true)
    }

    @Test func everyErrorOfATableIsReportedSortedAndCapped() {
        let rows = (1...80).map { "T\($0),Name,84,R,perhaps,1,1,1,1,1" }
        let found = C.territoryErrors(C.csv(C.territoryHeader, rows))
        #expect(found.count == 80)
        let error = ScenarioError(found)
        #expect(error.diagnostics.count == ScenarioError.cap && error.omitted == 30)
        #expect(error.diagnostics.map(\.location.line) == Array(2...51))
        #expect(error.description.hasSuffix("error: … and 30 more"))
    }
}
