import CommuneFixtures
import Foundation
import Scenario
import Testing

/// Input defects found by the red team (issue 9): files that are not regular files, wrong advice,
/// silent choices, raw control characters and unbounded texts. Each case fails without its fix.
@Suite struct InputDefectTests {
    typealias C = InputCases

    /// A copy of the default scenario whose territories table is `path` (absolute).
    func loadWithTerritories(at path: String) throws -> ScenarioError? {
        let folder = try C.copy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return C.loadErrors(folder, overrides: ["tables.territories=\(path)"])
    }

    // MARK: what a table path names

    @Test func aDirectoryAsATableIsRefusedAsADirectory() throws {
        let directory = TestScratch.root.appendingPathComponent(
            "repartir-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(try loadWithTerritories(at: directory.path))
        #expect(error.category == .missingFile)
        #expect(
            error.diagnostics.map(\.message) == [
                "cannot read the table: it is a directory, not a regular file; name the file inside it"
            ])
    }

    @Test func aCharacterDeviceAsATableIsRefusedWithoutReadingIt() throws {
        for device in ["/dev/null", "/dev/zero"] {
            let error = try #require(try loadWithTerritories(at: device))
            #expect(error.category == .missingFile)
            #expect(
                error.diagnostics.first?.message.contains("it is a character device, not a regular file") == true,
                "\(error)")
        }
    }

    /// A FIFO is refused at once, never opened for a blocking read. Should it block, a writer opened after
    /// 5 s ends the read, so the test fails rather than hangs.
    @Test func aFIFOAsATableIsRefusedWithoutBlocking() throws {
        let fifo = TestScratch.root.appendingPathComponent("repartir-fifo-\(UUID().uuidString)")
            .path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let rescue = Thread {
            Thread.sleep(forTimeInterval: 5)
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
        }
        rescue.start()
        let started = Date()
        let error = try #require(try loadWithTerritories(at: fifo))
        #expect(Date().timeIntervalSince(started) < 4)
        #expect(error.category == .missingFile)
        #expect(
            error.diagnostics.first?.message.contains("it is a named pipe (FIFO), not a regular file") == true,
            "\(error)")
    }

    @Test func aMissingTableSaysSo() throws {
        let error = try #require(try loadWithTerritories(at: "/nonexistent/territories.csv"))
        #expect(error.category == .missingFile)
        #expect(error.diagnostics.first?.message == "cannot read the table: there is no such file; check the path")
        #expect(
            C.loadErrors("/nonexistent/scenario.yaml")?.diagnostics.first?.message
                == "cannot read the scenario file: there is no such file; check the path")
    }

    // MARK: advice

    @Test func utf16GetsTheUTF16ConversionAdvice() throws {
        var withMark = Data([0xFF, 0xFE])
        withMark.append("code,name\n01,Ain\n".data(using: .utf16LittleEndian)!)
        let withoutMark = "code,name\n01,Ain\n".data(using: .utf16BigEndian)!
        for data in [withMark, withoutMark] {
            let message = C.territoryErrors(data).first?.message ?? ""
            #expect(message.contains("`iconv -f UTF-16 -t UTF-8`") && !message.contains("WINDOWS-1252"), "\(message)")
        }
        var latin1 = Data("code,name\n01,Ari".utf8)
        latin1.append(0xE8)
        #expect(C.territoryErrors(latin1).first?.message.contains("`iconv -f WINDOWS-1252 -t UTF-8`") == true)
    }

    // MARK: numbers

    @Test func aTooLongIntegerIsOutOfRange() throws {
        let digits = "123456789012345678901234567"
        #expect(
            try C.parameterErrors(overrides: ["programme.posts=\(digits)"]).map(\.message)
                == ["'programme.posts' = \(digits) is out of range (1…1000000)"])
        #expect(
            try C.parameterErrors(overrides: ["programme.posts=-\(digits)"]).map(\.message)
                == ["'programme.posts' = -\(digits) is out of range (1…1000000)"])
        let rows = C.territoryRows.enumerated().map {
            $0.offset == 0 ? $0.element.replacingOccurrences(of: ",663202,", with: ",\(digits),") : $0.element
        }
        #expect(
            C.territoryErrors(C.csv(C.territoryHeader, rows)).first?.message
                == "population: \(digits) is out of range (far too large; expected 0…200000000)")
    }

    // MARK: control characters and lengths

    /// Whatever the user wrote is echoed with its control characters shown as `\u{…}`, never raw: a terminal
    /// escape sequence in a `--set` value cannot recolour or rewrite the operator's terminal.
    @Test func controlCharactersFromTheUserAreNeutralisedInMessages() throws {
        let error = try #require(
            C.loadErrors(
                C.defaultScenario.path,
                overrides: [
                    "programme.posts=\u{1B}[2J\n\u{1B}[31mred\u{7}",
                    "programme.po\u{1B}]0;x\u{7}sts=3",
                ]))
        let printed = error.description
        #expect(
            !printed.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" },
            "\(printed.debugDescription)")
        #expect(printed.contains("\\u{1B}[2J\\u{A}\\u{1B}[31mred\\u{7}"))
        #expect(printed.split(separator: "\n").count == 2)  // one line per problem, the value's line break shown
    }

    /// A line separator or a direction override (U+2028, U+202E…) in a name: refused like a control character, and
    /// shown escaped (a review found them accepted: invisible, they break a line or reverse a report's text).
    @Test(arguments: ["\u{2028}", "\u{2029}", "\u{202E}", "\u{2066}", "\u{200F}"])
    func layoutControlsAreRefused(_ mark: String) throws {
        let rows =
            [C.territoryRows[0].replacingOccurrences(of: "Ain", with: "A\(mark)in")] + C.territoryRows.dropFirst()
        let found = C.territoryErrors(C.csv(C.territoryHeader, rows))
        let hex = String(mark.unicodeScalars.first!.value, radix: 16, uppercase: true)
        #expect(found.map(\.message).contains { $0.contains("control character U+\(hex)") }, "\(found)")
        #expect(!found.map(\.message).joined().contains(mark))
        let set = try #require(C.loadErrors(C.defaultScenario.path, overrides: ["title=a\(mark)b"]))
        #expect(set.description.contains("holds the control character U+\(hex)"), "\(set)")
        #expect(!set.description.contains(mark))
    }

    /// One line per problem, under 300 characters, even for a huge value.
    @Test func aHugeValueIsShortenedInItsMessage() throws {
        let huge = String(repeating: "x", count: 100_000)
        let error = try #require(
            C.loadErrors(C.defaultScenario.path, overrides: ["programme.posts=\(huge)", "\(huge)=1"]))
        for line in error.description.split(separator: "\n") { #expect(line.count < 300, "\(line.prefix(400))") }
    }

    @Test func everyTextKeyHasALengthLimit() throws {
        let long = String(repeating: "é", count: 301)
        #expect(
            try C.parameterErrors(overrides: ["title=\(long)"]).map(\.message)
                == ["'title' is 301 characters long, more than 300: shorten it"])
        #expect(
            try C.parameterErrors(overrides: ["kinds.public.label=\(long)"]).first?.message.contains("more than 300")
                == true)
        #expect(try C.parameterErrors(overrides: ["title=\(String(repeating: "é", count: 300))"]).isEmpty)
        let path = String(repeating: "a/", count: 600)
        #expect(
            C.loadErrors(C.defaultScenario.path, overrides: ["tables.territories=\(path)"])?.diagnostics.map(\.message)
                == ["'tables.territories' is 1200 characters long, more than 1024: shorten it"])
    }

    /// A scenario file is a page of parameters: a huge one (here a 3 MB title) is refused before it is
    /// parsed, so its size costs nothing.
    @Test func aHugeScenarioFileIsRefusedBeforeParsing() throws {
        let yaml = try String(contentsOf: C.defaultScenario.appendingPathComponent("scenario.yaml"), encoding: .utf8)
        let huge = yaml.replacingOccurrences(
            of: "title: \"France", with: "title: \"\(String(repeating: "x", count: 3_000_000)) France")
        let folder = try C.copy(replacing: ["scenario.yaml": Data(huge.utf8)])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let started = Date()
        let error = try #require(C.loadErrors(folder))
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(error.category == .configuration)
        #expect(error.diagnostics.first?.message.contains("the scenario file is larger than 1 MiB") == true, "\(error)")
    }

    // MARK: many overrides

    /// The `--set` words are taken out of the command line in one pass, in order, so that a CLI can avoid
    /// swift-argument-parser's quadratic removal of each parsed word (20,000 `--set` took minutes).
    @Test func setWordsAreExtractedInOrder() {
        let (rest, settings) = ParameterOverride.extractSettings(from: [
            "run", "--set", "programme.posts=3", "scenarios/x", "--set=programme.budget_eur=5", "-q", "--set", "a=b=c",
            "--", "--set", "x=1",
        ])
        #expect(settings == ["programme.posts=3", "programme.budget_eur=5", "a=b=c"])
        #expect(rest == ["run", "scenarios/x", "-q", "--", "--set", "x=1"])
        #expect(
            ParameterOverride.extractSettings(from: ["validate", "s", "--set"]) == (
                rest: ["validate", "s", "--set"], settings: []
            ))
        let many = (0..<20_000).flatMap { ["--set", "programme.posts=\($0 % 7 + 1)"] }
        let extracted = ParameterOverride.extractSettings(from: ["validate", "s"] + many)
        #expect(
            extracted.rest == ["validate", "s"] && extracted.settings.count == 20_000
                && extracted.settings.last == "programme.posts=\(19_999 % 7 + 1)")
    }

    // MARK: silent choices

    /// A région code given with two names: the table is refused at the second name, naming the first.
    @Test func aRegionCodeWithTwoNamesIsRefused() {
        let rows = [C.territoryRows[0], "03,Allier,84,Auvergne,false,335975,282000,47000,5.9,15.2", C.territoryRows[1]]
        let found = C.territoryErrors(C.csv(C.territoryHeader, rows))
        #expect(
            found.map(\.message) == [
                "region_name: région '84' is named 'Auvergne' here and 'Auvergne-Rhône-Alpes' on line 2: "
                    + "give each region_code one region_name"
            ])
        #expect(found.first?.location == SourceLocation(file: "territories.csv", line: 3, column: 14))
        #expect(found.first?.category == .data)
    }

    /// A région written two ways (by case) or a région name given two codes (`75` and `075`): refused at the second
    /// code, naming the first. A review found each made two régions, each with its own cap (14 posts against a cap
    /// of 10 for one name).
    @Test func aRegionWrittenTwoWaysIsRefused() {
        for (region, message) in [
            ("ab", "région 'ab' is written 'AB' on line 2 (région codes are compared ignoring case): write it one way"),
            (
                "084",
                "région 'Auvergne-Rhône-Alpes' has the code '084' here and 'AB' on line 2: give each region_name one region_code"
            ),
        ] {
            let rows = [
                C.territoryRows[0].replacingOccurrences(of: ",84,", with: ",AB,"),
                "03,Allier,\(region),Auvergne-Rhône-Alpes,false,335975,282000,47000,5.9,15.2",
            ]
            let found = C.territoryErrors(C.csv(C.territoryHeader, rows))
            #expect(found.map(\.message) == ["region_code: " + message], "\(found)")
            #expect(found.first?.location == SourceLocation(file: "territories.csv", line: 3, column: 11), "\(found)")
            #expect(found.first?.category == .data)
        }
    }

    /// Every weight 0: refused at the header's `weight` (a review found the floors alone published as "optimal", where
    /// weights of 1e-9 give the plan of weights 1); one positive weight is enough.
    @Test func everyWeightZeroIsRefused() {
        let header = C.territoryHeader + ",weight"
        let zero = C.territoryErrors(C.csv(header, C.territoryRows.map { $0 + ",0" }))
        #expect(zero.map(\.message).contains { $0.hasPrefix("weight: every territory's weight is 0") }, "\(zero)")
        #expect(zero.first?.location.line == 1 && zero.first?.category == .data, "\(zero)")
        let one = C.territoryErrors(
            C.csv(header, C.territoryRows.enumerated().map { $1 + ($0 == 0 ? ",0.5" : ",0") }))
        #expect(one.isEmpty, "\(one)")
        // Every weight tiny is refused too (a review: 1e-100 made the ranges' model invalid, 1e-9 printed every value
        // as 0); one weight of 0.001 is enough, the others as small as they like.
        for tiny in ["1e-100", "1e-9", "0.0009"] {
            let found = C.territoryErrors(C.csv(header, C.territoryRows.map { $0 + "," + tiny }))
            #expect(
                found.map(\.message).contains { $0.hasPrefix("weight: the largest territory weight is") }, "\(found)")
            #expect(found.first?.location.line == 1 && found.first?.category == .data, "\(found)")
        }
        let mixed = C.territoryErrors(
            C.csv(header, C.territoryRows.enumerated().map { $1 + ($0 == 0 ? ",0.001" : ",1e-9") }))
        #expect(mixed.isEmpty, "\(mixed)")
    }

    /// Every need 0 from the data (every population 0: a failed join exported as zeros) is refused as every weight 0
    /// is: a review found the floors alone published as optimal, exit 0 (the configuration's case, both need rates 0:
    /// `ScenarioFileTests.bothNeedRatesZeroAreRefused`).
    @Test func everyPopulationZeroIsRefused() {
        let zero = C.territoryErrors(
            C.csv(
                C.territoryHeader,
                C.territoryRows.map { row in
                    var cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    (cells[5], cells[6], cells[7]) = ("0", "0", "0")
                    return cells.joined(separator: ",")
                }))
        #expect(
            zero.map(\.message) == [
                "population_15_plus: every territory's population_15_plus is 0, so every need is 0 and every plan would be worth 0: check the population columns"
            ], "\(zero)")
        #expect(zero.first?.location.line == 1 && zero.first?.category == .data, "\(zero)")
    }

    /// A near miss of an optional column's name is refused at its header cell, naming the column meant (a review found
    /// `max-posts` and `max_post` ignored, and a territory's cap with them); a column of another name stays free.
    @Test(arguments: [
        ("max-posts", "max_posts"), ("max_post", "max_posts"), ("Max Posts", "max_posts"), ("wieght", "weight"),
    ])
    func aNearMissOfAnOptionalColumnIsRefused(_ written: String, _ meant: String) {
        let header = C.territoryHeader + "," + written
        let found = C.territoryErrors(C.csv(header, C.territoryRows.map { $0 + ",1" }))
        #expect(
            found.map(\.message) == [
                "column '\(written)' is not read: names are matched exactly, and the optional column is '\(meant)'"
            ], "\(found)")
        #expect(found.first?.location.line == 1 && found.first?.category == .data)
        #expect(C.territoryErrors(C.csv(C.territoryHeader + ",notes", C.territoryRows.map { $0 + ",1" })).isEmpty)
    }

    @Test func aBaselineListedTwiceIsRefused() throws {
        let found = try C.parameterErrors(overrides: [
            "comparison.baselines=webster:need, hamilton:population,webster:need"
        ])
        #expect(
            found.map(\.message) == [
                "'comparison.baselines' lists 'webster:need' twice: each baseline is compared once, remove one"
            ])
        #expect(found.first?.category == .configuration)
        let inFile = try C.parameterErrors { $0 + "comparison:\n  baselines: webster:need, WEBSTER:need\n" }
        #expect(
            inFile.map(\.message) == [
                "'comparison.baselines' lists 'webster:need' twice (also as 'WEBSTER:need'): each baseline is compared once, remove one"
            ])
    }
}
