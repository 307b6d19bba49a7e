import Foundation
@testable import Scenario  // ParameterReader, to test the reader alone
import Testing

/// The scenario file and `--set` (docs/reliability.md, "Scenario file"). Edits apply to the default scenario.yaml.
@Suite struct ScenarioFileTests {
    typealias C = InputCases

    func replacing(_ old: String, _ new: String) -> (String) -> String {
        { yaml in
            precondition(yaml.contains(old), "the default scenario.yaml holds \(old.debugDescription)")
            return yaml.replacingOccurrences(of: old, with: new)
        }
    }

    @Test func defaultScenarioFileHasNoProblem() throws {
        #expect(try C.parameterErrors().isEmpty)
    }

    /// The nearest key is suggested, and the key it replaces is not also reported missing.
    @Test func misspelledKeySuggestsTheNearestOnce() throws {
        let found = try C.parameterErrors(replacing("  budget_eur:", "  budjet_eur:"))
        #expect(found.map(\.message) == ["unknown key 'programme.budjet_eur' (did you mean 'programme.budget_eur'?)"])
        #expect(found.first?.location == SourceLocation(file: "scenario.yaml", line: 13, column: 3))
        #expect(found.first?.category == .configuration)
        let far = try C.parameterErrors(replacing("  presolve: true", "  presolve: true\n  colour: blue"))
        #expect(far.map(\.message) == ["unknown key 'solver.colour'"])
    }

    /// Unknown keys no longer hide the type errors of the other keys: both come in one run.
    @Test func unknownKeyAndWrongTypeTogether() throws {
        let found = try C.parameterErrors { yaml in
            replacing("  budget_eur:", "  budjet_eur:")(replacing("posts: 4000", "posts: many")(yaml))
        }
        #expect(found.count == 2)
        #expect(
            found.contains {
                $0.message == "'programme.posts' must be a whole number, found 'many'" && $0.location.line == 12
            })
        #expect(found.contains { $0.message.contains("did you mean 'programme.budget_eur'") })
    }

    @Test func wrongType() throws {
        #expect(
            try C.parameterErrors(replacing("mip_gap: 0.0001", "mip_gap: tiny")).map(\.message) == [
                "'solver.mip_gap' must be a number, found 'tiny'"
            ])
        #expect(
            try C.parameterErrors(replacing("cuts: true", "cuts: maybe")).map(\.message) == [
                "'solver.cuts' must be true or false, found 'maybe'"
            ])
        #expect(
            try C.parameterErrors(replacing("posts: 4000", "posts: 4000.0")).map(\.message) == [
                "'programme.posts' must be a whole number, found '4000.0'"
            ])
        #expect(
            try C.parameterErrors(replacing("posts: 4000", "posts: [1, 2]")).map(\.message)
                == ["'programme.posts' must be a single value (a whole number in 1…1000000), found a list"])
        #expect(
            try C.parameterErrors(replacing("exponent: 0.5", "exponent: .nan")).map(\.message) == [
                "'objective.exponent' must be a number, found '.nan'"
            ])
    }

    /// `_` groups digits, and only between two digits (a review found `_4000`, `4000_` and `4__000` accepted).
    @Test(arguments: ["_4000", "4000_", "4__000", "4_000_", "4000._5"])
    func aDigitSeparatorOutsideDigitsIsRefused(_ posts: String) throws {
        #expect(
            try C.parameterErrors(replacing("posts: 4000", "posts: \"\(posts)\"")).map(\.message) == [
                "'programme.posts' must be a whole number, found '\(posts)'"
            ])
        #expect(
            try C.parameterErrors(replacing("mip_gap: 0.0001", "mip_gap: \"0.000_1_\"")).map(\.message) == [
                "'solver.mip_gap' must be a number, found '0.000_1_'"
            ])
        #expect(try C.parameterErrors(replacing("posts: 4000", "posts: 4_000")).isEmpty)
        #expect(DigitSeparators.removed(from: "200_000_000") == "200000000")
        #expect(DigitSeparators.removed(from: posts) == nil)
    }

    @Test func missingRequiredKey() throws {
        let found = try C.parameterErrors(replacing("  rate_75_plus: 0.64", ""))
        #expect(found.map(\.message) == ["missing required key 'need.rate_75_plus' (share of people 75+ needing help)"])
        // At its section's key, `need:` (line 25 of the default scenario file).
        #expect(found.first?.location == SourceLocation(file: "scenario.yaml", line: 25, column: 1))
        let kind = try C.parameterErrors(replacing("    grant_months: 18\n", "\n"))
        #expect(
            kind.map(\.message) == ["missing required key 'kinds.private.grant_months' (months covered by the grant)"])
        // A section made by a --set alone is reported at that --set (a review found it at the file).
        let made = try C.parameterErrors(overrides: ["funding.x.label=foo"])
        #expect(
            made.map(\.location.file) == ["--set #1 'funding.x.label=foo'"]
                && made.first?.message
                    == "missing required key 'funding.x.state_share' (share of the SMIC the State pays)",
            "\(made)")
    }

    @Test func valueOutOfRange() throws {
        #expect(
            try C.parameterErrors(replacing("posts: 4000", "posts: 0")).map(\.message) == [
                "'programme.posts' = 0 is out of range (1…1000000)"
            ])
        #expect(
            try C.parameterErrors(replacing("state_share: 0.7", "state_share: 7")).map(\.message)
                == ["'funding.partial_3y.state_share' = 7 is out of range (0.01…1.0)"])
        let breakpoints = try C.parameterErrors(replacing("breakpoints: [0.025,", "breakpoints: [0.5, 0.025,"))
        #expect(
            breakpoints.map(\.message) == ["'objective.breakpoints' must be increasing ratios in (0, 1] ending at 1"])
    }

    @Test func sectionGivenASingleValue() throws {
        let found = try C.parameterErrors(replacing("need:\n", "need: 3\nneeds:\n"))
        #expect(
            found.contains { $0.message == "'need' must hold keys such as 'need.rate_15_plus', found a single value" })
    }

    @Test func invalidKindIdIsNamed() throws {
        let found = try C.parameterErrors(replacing("  private:\n", "  pri-vate:\n"))
        #expect(found.contains { $0.message.contains("'pri-vate' is not a valid id under 'kinds'") })
    }

    @Test func nameMustBeAnId() throws {
        let found = try C.parameterErrors(replacing("name: france-relance-2020", "name: ../../etc"))
        #expect(
            found.map(\.message) == [
                "'name' must be 1 to 64 ASCII letters, digits, '_', '.' or '-', not starting with '.' or '-' (it names the run directory), found '../../etc'"
            ])
        #expect(try C.parameterErrors(replacing("name: france-relance-2020", "name: \"\"")).count == 1)
        #expect(try C.parameterErrors(replacing("name: france-relance-2020", "name: \"...\"")).count == 1)
        #expect(try C.parameterErrors(replacing("name: france-relance-2020", "name: \"-x\"")).count == 1)
    }

    @Test func duplicatedKey() throws {
        let found = try C.parameterErrors(replacing("  posts: 4000", "  posts: 4000\n  posts: 5"))
        #expect(found.map(\.message) == ["invalid YAML: 'posts' given twice in the mapping that starts here"])
        #expect(found.first?.location == SourceLocation(file: "scenario.yaml", line: 12, column: 3))
    }

    @Test func yamlSyntaxErrorHasItsPlace() throws {
        let found = try C.parameterErrors(replacing("  posts: 4000", "  posts: [4000"))
        #expect(found.count == 1 && found[0].message.hasPrefix("invalid YAML") && found[0].location.line != nil)
    }

    @Test func fileThatIsNotAMapping() {
        var reader = ParameterReader(yaml: "- a\n- b\n", displayPath: "s.yaml", overrides: [])
        #expect(
            reader.errors.diagnostics.map(\.message) == [
                "the scenario file must be a mapping of keys (name:, tables:, programme:, …), found a list"
            ])
        #expect(ScenarioLoader.readParameters(&reader) == nil)
        #expect(
            ParameterReader(yaml: "", displayPath: "s.yaml", overrides: []).errors.diagnostics.map(\.message) == [
                "the scenario file is empty"
            ])
    }

    @Test func setNamingAnUnknownKey() throws {
        let found = try C.parameterErrors(overrides: ["programme.postz=3"])
        #expect(found.map(\.message) == ["no parameter 'programme.postz' (did you mean 'programme.posts'?)"])
        #expect(found.first?.location == SourceLocation(file: "--set #1 'programme.postz=3'"))
    }

    @Test func setWithWrongTypeOrRange() throws {
        #expect(
            try C.parameterErrors(overrides: ["programme.posts=many"]).map(\.message) == [
                "'programme.posts' must be a whole number, found 'many'"
            ])
        #expect(
            try C.parameterErrors(overrides: ["solver.mip_gap=2"]).map(\.message) == [
                "'solver.mip_gap' = 2 is out of range (0.0…1.0)"
            ])
        #expect(
            try C.parameterErrors(overrides: ["objective.breakpoints=0.5,x"]).map(\.message)
                == ["'objective.breakpoints' must hold numbers in 0.000001…1.0, found 'x'"])
        // An empty item is refused, not dropped; a first breakpoint below 10⁻⁶ too (at 1e-300 the curve's slope once
        // passed GLPK's largest coefficient: exit 70 after the load).
        for value in ["0.5,,1", "0.5,1,", "1e-300,1"] {
            let found = try C.parameterErrors(overrides: ["objective.breakpoints=\(value)"]).map(\.message)
            #expect(found.count == 1 && found[0].hasPrefix("'objective.breakpoints' must hold numbers in"), "\(found)")
        }
        #expect(try C.parameterErrors(overrides: ["objective.breakpoints=0.000001,1"]).isEmpty)
    }

    @Test func scenarioFileNotUTF8() throws {
        var latin1 = Data("name: r".utf8)
        latin1.append(0xE9)  // 'é' in Latin-1
        latin1.append(Data("gion\n".utf8))
        let path = try C.copy(replacing: ["scenario.yaml": latin1])
        let error = try #require(C.loadErrors(path))
        #expect(error.category == .configuration)
        #expect(error.diagnostics.first?.message.contains("byte 0xE9 at byte offset 7") == true)
        #expect(error.diagnostics.first?.location.line == 1 && error.diagnostics.first?.location.column == 8)
    }

    /// Exit codes: 66 missing file (wins), 78 configuration (wins over data), 65 data.
    @Test func categoriesDecideTheExitCode() throws {
        #expect(C.loadErrors("/nonexistent/scenario.yaml")?.category == .missingFile)
        let yaml = try String(contentsOf: C.defaultScenario.appendingPathComponent("scenario.yaml"), encoding: .utf8)
        var rows = try String(contentsOf: C.defaultScenario.appendingPathComponent("territories.csv"), encoding: .utf8)
            .components(separatedBy: "\n")
        rows[1] = rows[1].replacingOccurrences(of: ",false,", with: ",maybe,")
        let both = try C.copy(replacing: [
            "scenario.yaml": Data(yaml.replacingOccurrences(of: "posts: 4000", with: "posts: many").utf8),
            "territories.csv": Data(rows.joined(separator: "\n").utf8),
        ])
        let error = try #require(C.loadErrors(both))
        // The configuration error and the table's error come in the same run.
        #expect(error.diagnostics.count == 2)
        #expect(error.category == .configuration)
        let dataOnly = try C.copy(replacing: ["territories.csv": Data(rows.joined(separator: "\n").utf8)])
        #expect(C.loadErrors(dataOnly)?.category == .data)
        let missingTable = try C.copy(replacing: [
            "scenario.yaml": Data(
                yaml.replacingOccurrences(of: "posts: 4000", with: "posts: many")
                    .replacingOccurrences(of: "structures: structures.csv", with: "structures: nowhere.csv").utf8)
        ])
        #expect(C.loadErrors(missingTable)?.category == .missingFile)
    }
}

extension ScenarioFileTests {
    /// Anchors and aliases are refused before the tree is built, so an alias "bomb" costs nothing
    /// (scripts/fuzz found one that hung Yams' duplicate-key check: Tests/FuzzCorpus/found/timeout-b592…).
    @Test func aliasesAndListsOfMappingsAreRefusedWithTheirPlace() throws {
        let alias = try C.parameterErrors(replacing("  posts: 4000", "  posts: &p 4000\n  extra: *p"))
        #expect(
            alias.map(\.message) == [
                "YAML anchors and aliases are not supported: found an anchor (&name); write the value out",
                "YAML anchors and aliases are not supported: found an alias (*name); write the value out",
            ])
        #expect(
            alias.map(\.location) == [
                SourceLocation(file: "scenario.yaml", line: 12, column: 10),
                SourceLocation(file: "scenario.yaml", line: 13, column: 10),
            ])
        var bomb = "name: x\nl0: &l0 {a: 1, b: 2}\n"
        for level in 1...40 { bomb += "l\(level): &l\(level) {a: *l\(level - 1), b: *l\(level - 1)}\n" }
        bomb += "? *l40\n: 1\n"
        let started = Date()
        var reader = ParameterReader(yaml: bomb, displayPath: "s.yaml", overrides: [])
        #expect(reader.errors.diagnostics.count == 20)  // the first 20 places
        #expect(!reader.parsed)
        #expect(ScenarioLoader.readParameters(&reader) == nil)
        #expect(Date().timeIntervalSince(started) < 1)
        let list = try C.parameterErrors(replacing("breakpoints: [0.025,", "breakpoints: [{a: 1}, 0.025,"))
        #expect(
            list.contains {
                $0.message == "'objective.breakpoints' must be a list of plain values"
                    && $0.location.file == "scenario.yaml"
            })
    }

    /// Both need rates 0: every need is 0, every plan worth 0, and a review found the floors alone published as
    /// optimal (exit 0); refused at the key, exit 78. One rate 0 is a scenario like any other.
    @Test func bothNeedRatesZeroAreRefused() throws {
        let yaml = try String(
            contentsOf: InputCases.defaultScenario.appendingPathComponent("scenario.yaml"), encoding: .utf8)
        for (overrides, refused) in [
            (["need.rate_15_plus=0", "need.rate_75_plus=0"], true), (["need.rate_15_plus=0"], false),
            (["need.rate_75_plus=0"], false),
        ] {
            var reader = ParameterReader(
                yaml: yaml, displayPath: "scenario.yaml", overrides: overrides.map { ParameterOverride($0)! })
            _ = ScenarioLoader.readParameters(&reader)
            let errors = reader.errors.diagnostics
            #expect(
                errors.map(\.message)
                    == (refused
                        ? [
                            "need.rate_15_plus and need.rate_75_plus are both 0, so every territory's need is 0 and every plan would be worth 0: give one of them a positive rate"
                        ] : []),
                "\(overrides): \(errors)")
            #expect(errors.allSatisfy { $0.category == .configuration }, "\(errors)")
        }
    }
}
