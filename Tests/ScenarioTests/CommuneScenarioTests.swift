import CommuneFixtures
import Foundation
import Testing
import Scenario

/// The commune layer of a scenario (`tables.demand`, `tables.candidates`, `reach.*`) and its bad inputs.
@Suite struct CommuneScenarioTests {
    static let demandHeader = CommuneFixture.demandHeader
    static let goodDemand = CommuneFixture.demandRows

    /// The demand table with line `line` (1-based, header = 1) replaced.
    static func demand(replacing line: Int, with text: String) -> String {
        var lines = [demandHeader] + goodDemand.split(separator: "\n").map(String.init)
        lines[line - 1] = text
        return lines.joined(separator: "\n") + "\n"
    }

    static func errors(_ folder: String) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.load(folder)
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func loadsCommunesSitesAndCandidates() throws {
        let scenario = try ScenarioLoader.load(try CommuneFixture.folder())
        let inputs = try #require(scenario.communes)
        #expect(inputs.communes.map(\.code) == ["c1", "c2", "c3", "c4", "c5", "c6", "c7"])
        #expect(inputs.radiusKm == 15 && inputs.breakpoints == [0.5, 1])
        // Structures in id order H1, H2, H3: communes c1, c2, c5.
        #expect(inputs.structureCommunes == [0, 1, 4])
        #expect(inputs.candidates.map(\.id) == ["K1"] && inputs.candidateCommunes == [3])
        // The documented rule: no coordinates is kept, out of reach of other communes' sites, not dropped.
        #expect(!inputs.communes[6].hasCoordinates && inputs.communes[3].epci == nil)
        #expect(
            scenario.inputFiles.map(\.role).contains("demand") && scenario.inputFiles.map(\.role).contains("candidates")
        )
    }

    /// `--commitments-from` rebuilds the scenario with a previous run's plan as its commitments; the commune layer
    /// comes along (a review found the rebuilt scenario without it: the run then solved no commune plan and said
    /// nothing, and `--warm-start` beside it was refused for a scenario "with no demand table").
    @Test func commitmentsFromARunKeepTheCommuneLayer() throws {
        let folder = try CommuneFixture.folder()
        let scenario = try ScenarioLoader.load(folder)
        let run = URL(fileURLWithPath: folder).appendingPathComponent("previous-run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try """
        structure_id,structure_name,territory_code,region_code,kind,funding_option,posts,state_cost_eur,host_cost_eur,funded_months,capacity
        H1,Host one,01,R1,public,full,1,10000.00,0.00,12,2

        """.write(to: run.appendingPathComponent(ScenarioLoader.previousPlanFile), atomically: true, encoding: .utf8)
        let committed = try ScenarioLoader.withCommitments(fromRun: run.path, mode: .locked, to: scenario)
        #expect(committed.commitments.map(\.structureID) == ["H1"])
        let inputs = try #require(committed.communes)
        #expect(inputs.communes.map(\.code) == scenario.communes?.communes.map(\.code))
        #expect(inputs.candidates.map(\.id) == ["K1"] && inputs.radiusKm == 15)
    }

    /// A previous run's `sites.csv` holds one row per site pool and funding option; a repeated row (a file appended to
    /// itself, say) would add its posts twice to the warm start's plan, so it is refused at its line, naming the first.
    @Test func aRepeatedSitePoolInAWarmStartIsRefusedAtItsLine() throws {
        let folder = TestScratch.root.appendingPathComponent("repartir-warm-duplicate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let header =
            "site_commune,site_name,territory_code,kind,candidate,funding_option,posts,capacity,people_servable,opened,value_per_person"
        let rows = ["c1,One,01,public,false,full,2,2,240.0,true,1.5", "c5,Five,02,public,false,,0,1,0.0,false,1.2"]
        let sites = folder.appendingPathComponent("sites.csv")
        try Data((([header] + rows).joined(separator: "\n") + "\n").utf8).write(to: sites)
        let plan = try PreviousCommunePlan.read(folder.path)
        #expect(plan.sites.map(\.posts) == [2, 0])
        try Data((([header] + rows + rows).joined(separator: "\n") + "\n").utf8).write(to: sites)
        #expect {
            try PreviousCommunePlan.read(folder.path)
        } throws: { error in
            let diagnostics = (error as? ScenarioError)?.diagnostics ?? []
            return diagnostics.map(\.location.line) == [4, 5]
                && diagnostics[0].message.contains("duplicated site pool") && diagnostics[0].message.contains("line 2")
                && diagnostics[1].message.contains("line 3")
        }
    }

    /// A commune table that cannot be read is a missing input (66) or a data error (65) naming it, never a crash: the
    /// reader of the tables and the commune layer's loader once wrote one collector at the same time (Swift's
    /// exclusivity check stopped the process, exit 134).
    @Test func anUnreadableCommuneTableIsNamedNotACrash() throws {
        for table in ["demand.csv", "candidates.csv"] {
            let missing = try CommuneFixture.folder()
            try FileManager.default.removeItem(atPath: missing + "/" + table)
            let errors = Self.errors(missing)
            #expect(
                errors.contains { $0.category == .missingFile && $0.location.file.hasSuffix(table) },
                "\(table): \(errors)")
        }
        let garbled = try CommuneFixture.folder()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: garbled + "/demand.csv"))
        bytes.append(contentsOf: [0x63, 0x38, 0x2C, 0xE2, 0x0A])  // "c8," and a lone UTF-8 lead byte
        try bytes.write(to: URL(fileURLWithPath: garbled + "/demand.csv"))
        let errors = Self.errors(garbled)
        #expect(
            errors.contains { $0.category == .data && $0.location.file.hasSuffix("demand.csv") }, "\(errors)")
    }

    @Test func presentScenariosHaveNoCommuneLayer() throws {
        let scenario = try ScenarioLoader.load(InputCases.defaultScenario.path)
        #expect(scenario.communes == nil)
    }

    @Test(
        arguments: [
            // (demand line, replacement, expected line, column, words in the message)
            (4, "c1,Again,01,E1,300,100,0,0.1", 4, 1, "duplicated commune 'c1'"),
            // Compared ignoring case, as every other id table (a review: `2a064` beside `2A064` counted twice).
            (
                4, "C1,Again,01,E1,300,100,0,0.1", 4, 1,
                "duplicated commune 'C1': also on line 2 as 'c1' (codes are compared ignoring case)"
            ),
            (3, "c2,Two,01,E1,-700,200,0,0.1", 3, 14, "population"),
            (3, "c2,Two,01,E1,700,200,nan,0.1", 3, 22, "latitude"),
            (3, "c2,Two,01,E1,700,200,0,200", 3, 24, "longitude"),
            (3, "c2,Two,01,E1,700,-5,0,0.1", 3, 18, "need: -5 is out of range"),
            (3, "c2,Two,03,E1,700,200,0,0.1", 3, 8, "unknown territory '03'"),
            (3, "c2,Two,01,E1,700,200,0,", 3, 24, "give both latitude and longitude"),
            (3, "c2,Two,01,E1,700,,0,0.1", 3, 18, "need: given for 6 communes and empty for 1"),
            // A code names the commune model's columns: a '-' or a space once passed validation and ended the run
            // at GLPK's name check (exit 70).
            (3, "c-2,Two,01,E1,700,200,0,0.1", 3, 1, "'c-2' is not a valid commune code"),
            (3, "c 2,Two,01,E1,700,200,0,0.1", 3, 1, "not a valid commune code"),
        ] as [(Int, String, Int, Int?, String)])
    func badDemandCells(line: Int, text: String, expectedLine: Int, column: Int?, words: String) throws {
        let errors = Self.errors(try CommuneFixture.folder(demand: Self.demand(replacing: line, with: text)))
        let error = try #require(errors.first { $0.message.contains(words) }, "\(errors)")
        #expect(error.category == .data)
        #expect(error.location.file.hasSuffix("demand.csv") && error.location.line == expectedLine)
        if let column { #expect(error.location.column == column) }
    }

    /// A demand table without its latitude column: one error, at the header (a review found one more per commune,
    /// 34,987 on the national table).
    @Test func aMissingCoordinateColumnIsOneError() throws {
        let rows = CommuneFixture.demandRows.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).dropLast(2).joined(separator: ",") + ","
                + ($0.split(separator: ",", omittingEmptySubsequences: false).last ?? "")
        }
        let demand = "code,name,territory,epci,population,need,longitude\n" + rows.joined(separator: "\n") + "\n"
        let errors = Self.errors(try CommuneFixture.folder(demand: demand))
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.message.contains("missing column 'latitude'") == true && errors.first?.location.line == 1)
    }

    /// A bad cell in structures.csv, demand.csv and candidates.csv: one load reports all three (a review found
    /// demand.csv's error said only once structures.csv's was fixed, and candidates.csv's once demand.csv's was).
    @Test func errorsInEveryCommuneTableAreReportedTogether() throws {
        let structures = """
            id,name,territory,kind,capacity,cofinancing_eur,posts_2021,commune_code
            H1,Host one,01,public,2,0,1,c1
            H2,Host two,01,privat,1,0,0,c2
            H3,Host three,02,public,1,0,1,c5

            """
        let candidates =
            "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nK1,Candidate,01,public,-1,0,c4\n"
        let errors = Self.errors(
            try CommuneFixture.folder(
                demand: Self.demand(replacing: 3, with: "c2,Two,03,E1,700,200,0,0.1"), structures: structures,
                candidates: candidates))
        let files = Set(errors.map { ($0.location.file as NSString).lastPathComponent })
        #expect(files == ["structures.csv", "demand.csv", "candidates.csv"], "\(errors)")
        #expect(errors.contains { $0.message.contains("unknown territory '03'") }, "\(errors)")
    }

    @Test func siteCommuneUnknownToTheDemandTable() throws {
        let structures =
            "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nH1,Host,01,public,2,0,c1\nH2,Host,01,public,1,0,c99\n"
        let errors = Self.errors(try CommuneFixture.folder(structures: structures))
        let error = try #require(errors.first)
        #expect(error.category == .data && error.location.file.hasSuffix("structures.csv"))
        #expect(
            error.location.line == 3 && error.location.column == 23
                && error.message.contains("'c99' is not in the demand table"))
        let candidates = "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nK1,K,01,public,1,0,\n"
        let missing = Self.errors(try CommuneFixture.folder(candidates: candidates))
        #expect(missing.first?.location.file.hasSuffix("candidates.csv") == true && missing.first?.location.line == 2)
    }

    /// A row of candidates.csv with a field missing is one error, said once: the table is read twice (its columns,
    /// then its communes), and a review found each such line printed twice and the count of the rest doubled.
    @Test func aCandidateRowOfTheWrongShapeIsSaidOnce() throws {
        let candidates =
            "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nK1,K,01,public,1,c4\nK2,K,01,public,1,0,c4\n"
        let errors = Self.errors(try CommuneFixture.folder(candidates: candidates))
        let shape = errors.filter { $0.message.contains("expected 7 fields") }
        #expect(shape.count == 1 && shape.first?.location.line == 2, "\(errors)")
        #expect(Set(errors).count == errors.count, "\(errors)")
    }

    /// Candidates without their commune column: the message lists the table's columns, not the two its commune
    /// reader reads (a review found "expected columns: id, commune_code" for a table of seven).
    @Test func aCandidateTableWithoutItsCommuneColumnListsEveryColumn() throws {
        let candidates = "id,name,territory,kind,capacity,cofinancing_eur\nK1,K,01,public,1,0\n"
        let errors = Self.errors(try CommuneFixture.folder(candidates: candidates))
        #expect(
            errors.map(\.message) == [
                "missing column 'commune_code' (expected columns: id, name, territory, kind, capacity, cofinancing_eur, posts_2021, commune_code)"
            ], "\(errors)")
    }

    @Test func candidateWithAHostIDIsRefused() throws {
        let candidates =
            "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nK1,K,01,public,1,0,c4\nH1,K,01,public,1,0,c4\n"
        let errors = Self.errors(try CommuneFixture.folder(candidates: candidates))
        let error = try #require(errors.first { $0.message.contains("has the id of a host structure") }, "\(errors)")
        // At the id's cell (a review found line 1).
        #expect(error.location.line == 3 && error.location.column == 1, "\(error)")
    }

    /// An optional column written in another case (`Need`) is refused at its header cell, not read as absent (a
    /// review found every given need silently replaced by the split).
    @Test func anOptionalColumnInAnotherCaseIsRefused() throws {
        let demand = Self.demand(replacing: 1, with: "code,name,territory,epci,population,Need,latitude,longitude")
        let errors = Self.errors(try CommuneFixture.folder(demand: demand))
        let error = try #require(errors.first { $0.message.contains("column 'Need' is not read") }, "\(errors)")
        #expect(error.category == .data && error.location.line == 1 && error.location.column == 37, "\(error)")
    }

    /// Without a need column, a territory's need is split over its communes by population × IFN: a territory whose
    /// communes have no inhabitant cannot be split, and is refused at its first commune's population (a review found
    /// all of Mayotte's need put on one commune of 0 inhabitants).
    @Test func aTerritoryOfCommunesWithoutInhabitantsIsRefused() throws {
        let demand = [
            "code,name,territory,epci,population,latitude,longitude", "c1,One,01,E1,1000,0,0", "c2,Two,01,E1,700,0,0.1",
            "c3,Three,01,E1,300,0,0.1", "c4,Four,01,,150,0,0.25", "c5,Five,02,E2,0,0,1.0", "c6,Six,02,E2,0,0,1.05",
            "c7,Seven,02,E2,0,,", "",
        ].joined(separator: "\n")
        let errors = Self.errors(try CommuneFixture.folder(demand: demand))
        let error = try #require(errors.first { $0.message.contains("add up to 0 inhabitants") }, "\(errors)")
        #expect(error.category == .data && error.location.file.hasSuffix("demand.csv"))
        #expect(error.location.line == 6 && error.location.column == 15, "\(error)")
        #expect(error.message.contains("territory '02'"))
    }

    /// Largest remainders with equal weights go by commune code, whatever the floating-point noise: 434 × 5.8 and
    /// 406 × 6.2 are both 2,517.2 (4.5 × 10⁻¹³ apart in doubles), so of 3 people the first code gets 2.
    @Test func equalWeightsSplitTheNeedInCodeOrder() throws {
        let communes = [("76370", 434, 5.8), ("76516", 406, 6.2)].map { code, population, ifn in
            CommuneInputs.Commune(
                code: code, name: code, territory: "76", epci: nil, population: population, ifn: ifn, need: nil,
                latitude: nil, longitude: nil)
        }
        let inputs = CommuneInputs(communes: communes, structureCommunes: [], radiusKm: 10)
        let territory = Territory(
            code: "76", name: "Seine-Maritime", regionCode: "28", regionName: "Normandie", overseas: false,
            population: 840, population15Plus: 700, population75Plus: 100, fragilityIndex: 6)
        #expect(inputs.need(territoryNeed: ["76": 3], territories: [territory]) == [2, 1])
        #expect(inputs.need(territoryNeed: ["76": 5], territories: [territory]) == [3, 2])
    }

    @Test func territoryWithoutCommunes() throws {
        let demand = Self.demandHeader + "\nc1,One,01,E1,1000,300,0,0\n"
        let structures = "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nH1,Host,01,public,2,0,c1\n"
        let candidates = "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nK1,K,01,public,1,0,c1\n"
        let errors = Self.errors(
            try CommuneFixture.folder(demand: demand, structures: structures, candidates: candidates))
        #expect(errors.first?.message.contains("territory '02' has no commune in the demand table") == true)
    }

    @Test(arguments: ["0", "-3", "5000", ".nan", "far"])
    func absurdRadiusIsAConfigurationError(radius: String) throws {
        let errors = Self.errors(try CommuneFixture.folder(radius: radius))
        let error = try #require(errors.first, "radius \(radius)")
        #expect(error.category == .configuration && error.message.contains("reach.radius_km"))
        #expect(error.location.line != nil)
    }

    @Test func candidatesNeedADemandTable() throws {
        let folder = try CommuneFixture.folder()
        let path = (folder as NSString).appendingPathComponent("scenario.yaml")
        let yaml = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "  demand: demand.csv\n", with: "")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let errors = Self.errors(folder)
        #expect(
            errors.first?.category == .configuration
                && errors.first?.message.contains("'tables.candidates' needs 'tables.demand'") == true)
    }
}

@Suite struct CommuneVariantTests {
    /// A sweep's variant keeps the base's commune layer, and refuses to vary its radius (read once with the tables).
    @Test func variantsKeepTheCommuneLayerAndRefuseReach() throws {
        let base = try ScenarioLoader.load(try CommuneFixture.folder())
        let variant = try ScenarioLoader.variant(of: base, overrides: [ParameterOverride("programme.posts=2")!])
        #expect(variant.communes?.communes.count == 7 && variant.parameters.posts == 2)
        #expect(throws: ScenarioError.self) {
            try ScenarioLoader.variant(of: base, overrides: [ParameterOverride("reach.radius_km=10")!])
        }
    }
}

/// The reach table (`reach.table`, `reach.max_minutes`): travel times instead of the radius, and its bad inputs.
@Suite struct ReachTableScenarioTests {
    static func errors(_ folder: String, overrides: [ParameterOverride] = []) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.load(folder, overrides: overrides)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// The fixture's table with line `line` (1-based, header = 1) replaced.
    static func table(replacing line: Int, with text: String) -> String {
        var lines = CommuneFixture.reachTable.split(separator: "\n").map(String.init)
        lines[line - 1] = text
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func loadsTheReachTableByCommunePosition() throws {
        let scenario = try ScenarioLoader.load(
            try CommuneFixture.folder(radius: nil, reachTable: CommuneFixture.reachTable))
        let inputs = try #require(scenario.communes)
        let table = try #require(inputs.reachTable)
        #expect(table.maxMinutes == 20 && table.rows == 8)
        // Communes c1…c7 are positions 0…6. Site c1 reaches c2 (8) and c3 (12); site c2 reaches c1 (9), c3 (4) and
        // c4 (20, the maximum itself); site c5 reaches c7 (15) but not c6 (35) nor c2 (90).
        #expect(table.communesReached == [[1, 2], [0, 2, 3], [], [], [6], [], []])
        #expect(scenario.inputFiles.map(\.role).contains("reach"))
        #expect(scenario.parameters.effective.contains { $0.path == "reach.max_minutes" && $0.value == "20" })
    }

    @Test func withoutATableNothingChanges() throws {
        let scenario = try ScenarioLoader.load(try CommuneFixture.folder())
        #expect(scenario.communes?.reachTable == nil)
        #expect(
            !scenario.parameters.effective.contains {
                $0.path.hasPrefix("reach.table") || $0.path == "reach.max_minutes"
            })
    }

    @Test(
        arguments: [
            // (line of reach.csv, replacement, expected line, column, words in the message)
            (2, "c99,c1,8", 2, 1, "commune_code: commune 'c99' is not in the demand table"),
            (2, "c2,c98,8", 2, 4, "site_commune_code: commune 'c98' is not in the demand table"),
            (3, "c2,c1,7", 3, 1, "duplicated pair (commune 'c2', site commune 'c1'): also on line 2"),
            (2, "c2,c1,-3", 2, 7, "minutes: -3 is out of range"),
            (2, "c2,c1,nan", 2, 7, "NaN is not a value"),
            (2, "c2,c1,NaN", 2, 7, "NaN is not a value"),
            (2, "c2,c1,ten", 2, 7, "expected a number, found 'ten'"),
            (2, "c2,c1,8 min", 2, 7, "expected a number"),
            (2, "c2,c1,", 2, 7, "minutes: a value is required"),
            (2, "c2,c1,99999", 2, 7, "out of range"),
            (2, "c2,c1", 2, 1, "expected 3 fields"),
            (1, "commune_code,site_commune,minutes", 1, 1, "missing column 'site_commune_code'"),
            (1, "commune_code,site_commune_code,km", 1, 1, "missing column 'minutes'"),
        ] as [(Int, String, Int, Int, String)])
    func badReachRows(line: Int, text: String, expectedLine: Int, column: Int, words: String) throws {
        let folder = try CommuneFixture.folder(radius: nil, reachTable: Self.table(replacing: line, with: text))
        let errors = Self.errors(folder)
        let error = try #require(errors.first { $0.message.contains(words) }, "\(errors)")
        #expect(error.category == .data)
        #expect(error.location.file.hasSuffix("reach.csv"))
        #expect(error.location.line == expectedLine && error.location.column == column, "\(error)")
    }

    /// A header alone would leave every site reaching only its own commune: a mistake, refused, not read as "none".
    @Test func emptyReachTableIsRefused() throws {
        let folder = try CommuneFixture.folder(radius: nil, reachTable: "commune_code,site_commune_code,minutes\n")
        let error = try #require(Self.errors(folder).first)
        #expect(error.category == .data && error.location.file.hasSuffix("reach.csv") && error.location.line == 1)
        #expect(error.message.contains("header but no rows"))
    }

    @Test(arguments: ["0", "-5", "0.01", "5000", ".nan", "far"])
    func absurdMaxMinutesIsAConfigurationError(value: String) throws {
        let errors = Self.errors(
            try CommuneFixture.folder(radius: nil, reachTable: CommuneFixture.reachTable, maxMinutes: value))
        let error = try #require(errors.first, "max_minutes \(value)")
        #expect(error.category == .configuration && error.message.contains("reach.max_minutes"), "\(error)")
        #expect(error.location.file.hasSuffix("scenario.yaml") && error.location.line != nil)
    }

    @Test func tableNeedsMaxMinutes() throws {
        let errors = Self.errors(
            try CommuneFixture.folder(radius: nil, reachTable: CommuneFixture.reachTable, maxMinutes: nil))
        let error = try #require(errors.first)
        #expect(error.category == .configuration && error.message.contains("needs 'reach.max_minutes'"))
    }

    @Test func maxMinutesNeedsATable() throws {
        let errors = Self.errors(
            try CommuneFixture.folder(), overrides: [ParameterOverride("reach.max_minutes=20")!])
        let error = try #require(errors.first)
        #expect(error.category == .configuration && error.message.contains("'reach.max_minutes' needs 'reach.table'"))
    }

    @Test func tableNeedsADemandTable() throws {
        let folder = try CommuneFixture.folder(radius: nil, reachTable: CommuneFixture.reachTable)
        let path = (folder as NSString).appendingPathComponent("scenario.yaml")
        let yaml = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "  demand: demand.csv\n", with: "")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let errors = Self.errors(folder)
        #expect(
            errors.contains {
                $0.category == .configuration && $0.message.contains("'reach.table' needs 'tables.demand'")
            }, "\(errors)")
    }

    /// No silent choice between two reach rules: a radius written beside a table is refused, at the radius.
    @Test func radiusAndTableTogetherAreRefused() throws {
        let errors = Self.errors(try CommuneFixture.folder(radius: "15", reachTable: CommuneFixture.reachTable))
        let error = try #require(errors.first)
        #expect(error.category == .configuration && error.message.contains("not both"))
        #expect(error.location.line != nil)
        let viaSet = Self.errors(
            try CommuneFixture.folder(radius: nil, reachTable: CommuneFixture.reachTable),
            overrides: [ParameterOverride("reach.radius_km=10")!])
        #expect(viaSet.first?.message.contains("not both") == true)
    }

    @Test func sweepsCannotVaryTheReachTable() throws {
        let base = try ScenarioLoader.load(
            try CommuneFixture.folder(radius: nil, reachTable: CommuneFixture.reachTable))
        #expect(throws: ScenarioError.self) {
            try ScenarioLoader.variant(of: base, overrides: [ParameterOverride("reach.max_minutes=30")!])
        }
    }
}
