import Foundation

/// Reads the commune layer (`tables.demand`, `tables.candidates`, `reach.*`) once the territories and structures are
/// read, reporting every bad cell with its file:line:column (docs/scenarios.md, "demand.csv").
enum DemandLoader {
    static let demandColumns: [TableReader.Column] = [
        .init(name: "code", required: true), .init(name: "name", required: false),
        .init(name: "territory", required: true), .init(name: "epci", required: false),
        .init(name: "population", required: true), .init(name: "ifn", required: false),
        .init(name: "need", required: false), .init(name: "latitude", required: true),
        .init(name: "longitude", required: true),
    ]

    /// The commune of each row of a structures-like table: the `commune_code` column, which must name a demand commune.
    static func siteCommunes(
        _ table: CSVTable, ids: [String], inputs communes: [CommuneInputs.Commune],
        index: (String) -> Int?, errors: inout DiagnosticCollector
    ) -> [Int] {
        var reader = TableReader(
            table: table, columns: [.init(name: "id", required: true), .init(name: "commune_code", required: true)],
            expected: TableLoaders.structureColumns.map(\.name) + ["commune_code"])
        var byID: [String: Int] = [:]
        for record in table.records where record.count == table.header.count {
            guard let id = reader.text(record, "id"), let code = reader.text(record, "commune_code"),
                let field = reader.field(record, "commune_code")
            else { continue }
            guard let commune = index(code) else {
                reader.fail(
                    field, "commune_code",
                    "commune '\(Shown.value(code))' is not in the demand table: a site must be a commune of tables.demand"
                )
                continue
            }
            if byID[id] == nil { byID[id] = commune }
        }
        errors.merge(reader.errors)
        return ids.map { byID[$0] ?? -1 }
    }

    static func demand(_ table: CSVTable, territories: [Territory]) -> ([CommuneInputs.Commune], DiagnosticCollector) {
        var reader = TableReader(table: table, columns: demandColumns)
        let known = Set(territories.map(\.code))
        var result: [CommuneInputs.Commune] = []
        // Keyed ignoring case, as every other id table: `2a064` beside `2A064` counted one commune's people twice (a
        // review).
        var firstLine: [String: (line: Int, spelling: String)] = [:]
        let territoryByLowercase = Dictionary(
            territories.map { ($0.code.lowercased(), $0.code) }, uniquingKeysWith: { first, _ in first })
        var needGiven = 0, needMissing = 0, needPositive = 0
        var firstMissingNeed: SourceLocation?
        // Per territory: its communes' population, and where its first commune's population is (for the error when
        // the need must be split over communes that have no inhabitant).
        var populationOf: [String: Int] = [:]
        var firstPopulation: [String: SourceLocation] = [:]
        for record in table.records where record.count == table.header.count {
            let code = reader.text(record, "code")
            let name = reader.has("name") ? reader.text(record, "name", optional: true) : nil
            let territory = reader.text(record, "territory")
            let epci = reader.has("epci") ? reader.text(record, "epci", optional: true) : nil
            let population = reader.integer(record, "population", in: 0...100_000_000)
            let ifn = reader.has("ifn") ? reader.number(record, "ifn", in: 0...10, optional: true) : nil
            let need = reader.has("need") ? reader.number(record, "need", in: 0...100_000_000, optional: true) : nil
            // Coordinates may be empty (then the commune is out of reach of every other commune's site, and listed).
            let latitude = reader.number(record, "latitude", in: -90...90, optional: true)
            let longitude = reader.number(record, "longitude", in: -180...180, optional: true)
            guard let code, let territory, let population else { continue }
            if let field = reader.field(record, "need") {
                // Only an empty cell is "not given"; a bad value is reported at its cell.
                if TableReader.trimmed(field.text, newlines: false).isEmpty {
                    needMissing += 1
                    if firstMissingNeed == nil { firstMissingNeed = reader.location(field) }
                } else {
                    needGiven += 1
                    if let need, need > 0 { needPositive += 1 }
                }
            }
            let codeField = reader.field(record, "code")!
            // A commune code names the commune model's columns (`x[code,…]`, `flow[code,…]`): GLPK's name rules.
            guard code.count <= TableLoaders.maxIdLength,
                code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.".contains($0)) })
            else {
                reader.fail(
                    codeField, "code",
                    "'\(Shown.value(code))' is not a valid commune code (letters, digits, '_', '.' only, at most \(TableLoaders.maxIdLength) characters)"
                )
                continue
            }
            if let first = firstLine[code.lowercased()] {
                let spelling =
                    first.spelling == code ? "" : " as '\(first.spelling)' (codes are compared ignoring case)"
                reader.fail(
                    codeField, "code",
                    "duplicated commune '\(Shown.value(code))': also on line \(first.line)\(spelling)")
                continue
            }
            firstLine[code.lowercased()] = (codeField.line, code)
            if !known.contains(territory) {
                let near =
                    territoryByLowercase[territory.lowercased()].map {
                        " (did you mean '\($0)'? codes are matched exactly)"
                    } ?? ""
                reader.fail(
                    reader.field(record, "territory")!, "territory",
                    "unknown territory '\(Shown.value(territory))' (not in the territories table)\(near)")
                continue
            }
            let latitudeEmpty =
                (reader.field(record, "latitude")?.text).map { TableReader.trimmed($0, newlines: false).isEmpty }
                ?? true
            let longitudeEmpty =
                (reader.field(record, "longitude")?.text).map { TableReader.trimmed($0, newlines: false).isEmpty }
                ?? true
            // A missing column is said once, by its header (not once per commune: a review counted 34,987 more lines).
            if latitudeEmpty != longitudeEmpty && reader.has("latitude") && reader.has("longitude") {
                let column = latitudeEmpty ? "latitude" : "longitude"
                reader.fail(
                    reader.field(record, column) ?? codeField, column,
                    "give both latitude and longitude, or neither (the commune is then out of reach, listed)")
                continue
            }
            populationOf[territory, default: 0] += population
            if firstPopulation[territory] == nil, let field = reader.field(record, "population") {
                firstPopulation[territory] = reader.location(field)
            }
            result.append(
                CommuneInputs.Commune(
                    code: code, name: name ?? code, territory: territory, epci: epci, population: population,
                    ifn: ifn, need: need, latitude: latitude, longitude: longitude))
        }
        var errors = reader.errors
        if needGiven > 0 && needMissing > 0 {
            errors.add(
                .data, firstMissingNeed ?? SourceLocation(file: table.path, line: 1),
                "need: given for \(needGiven) communes and empty for \(needMissing) (the first here): give it for every commune, or drop the column to split each territory's need"
            )
        }
        // Every need 0: any commune plan would be worth 0 and "optimal" (a review); refused, as every weight 0 is.
        if needGiven > 0 && needMissing == 0 && needPositive == 0,
            let column = table.header.first(where: { TableReader.trimmed($0.text) == "need" })
        {
            errors.add(
                .data, SourceLocation(file: table.path, line: column.line, column: column.column),
                "need: every commune's need is 0, so every commune plan would be worth 0: give the needs, or drop the column to split each territory's need over its communes"
            )
        }
        // Without a need column each territory's need is split in proportion to population × IFN: a territory whose
        // communes have no inhabitant at all cannot be split (a review found all of Mayotte's need put on one commune).
        if needGiven == 0 {
            for territory in territories {
                guard let location = firstPopulation[territory.code], populationOf[territory.code] == 0 else {
                    continue
                }
                errors.add(
                    .data, location,
                    "population: the communes of territory '\(territory.code)' add up to 0 inhabitants, so its need cannot be split over them (in proportion to population × IFN): give their populations, or a need column"
                )
            }
        }
        if errors.isEmpty {
            let covered = Set(result.map(\.territory))
            for territory in territories where !covered.contains(territory.code) {
                errors.add(
                    .data, SourceLocation(file: table.path, line: 1),
                    "territory '\(territory.code)' has no commune in the demand table: its need would be lost; add its communes"
                )
            }
        }
        return (result.sorted { $0.code < $1.code }, errors)
    }

    /// The commune layer's keys, read with the other parameters so their errors are reported with them.
    struct Settings {
        var demandPath: String?
        var candidatesPath: String?
        var radiusKm: Double?
        var breakpoints: [Double]?
        /// `reach.table` and `reach.max_minutes` (ReachTable.swift): travel times instead of the radius.
        var reachTablePath: String?
        var maxMinutes: Double?
        /// `reach.stages` and `reach.endow_by`: nil, or what the endowment stage counts.
        var endowReach: CommuneInputs.EndowReach?
        /// `reach.bound`: how the commune plan's bound is proven.
        var bound = CommuneInputs.Bound.relaxation
        /// `reach.warm_max_gap`: the largest gap a warm start's answer may keep.
        var warmMaxGap = CommuneInputs.defaultWarmMaxGap
        /// `reach.max_pairs`: the most site–commune pairs in reach a run takes on.
        var maxPairs = CommuneInputs.defaultMaxPairs
        /// `reach.branch_and_bound_nodes`: branch-and-bound's nodes on a small model (0: not tried).
        var branchAndBoundNodes = CommuneInputs.defaultBranchAndBoundNodes
    }

    static func settings(_ reader: inout ParameterReader, resolve: (String) -> String) -> Settings {
        var settings = Settings(
            demandPath: reader.text("tables.demand").map(resolve),
            candidatesPath: reader.text("tables.candidates").map(resolve),
            radiusKm: reader.number("reach.radius_km"), breakpoints: reader.numbers("reach.breakpoints"),
            reachTablePath: reader.text("reach.table").map(resolve), maxMinutes: reader.number("reach.max_minutes"))
        settings.warmMaxGap = reader.number("reach.warm_max_gap") ?? CommuneInputs.defaultWarmMaxGap
        settings.maxPairs = reader.integer("reach.max_pairs") ?? CommuneInputs.defaultMaxPairs
        settings.branchAndBoundNodes =
            reader.integer("reach.branch_and_bound_nodes") ?? CommuneInputs.defaultBranchAndBoundNodes
        let stages = (reader.text("reach.stages") ?? "value").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let endowBy = reader.text("reach.endow_by") ?? "people"
        let unit = CommuneInputs.EndowReach(rawValue: endowBy)
        if unit == nil {
            reader.configurationError(
                "reach.endow_by", "'reach.endow_by' is '\(endowBy)': it must be people or communes")
        }
        let bound = reader.text("reach.bound") ?? "relaxation"
        if let method = CommuneInputs.Bound(rawValue: bound) {
            settings.bound = method
        } else {
            reader.configurationError(
                "reach.bound", "'reach.bound' is '\(bound)': it must be relaxation or lagrangian")
        }
        switch stages {
        case ["value"]: break
        case ["endow_reach", "value"]: settings.endowReach = unit
        default:
            reader.configurationError(
                "reach.stages",
                "'reach.stages' is '\(stages.joined(separator: ","))': it must be value, or endow_reach,value")
        }
        checkReachTable(settings, &reader)
        if settings.demandPath == nil && settings.candidatesPath != nil {
            reader.configurationError(
                "tables.candidates", "'tables.candidates' needs 'tables.demand': candidate sites are placed in communes"
            )
        }
        if let breakpoints = settings.breakpoints {
            let increasing = zip(breakpoints, breakpoints.dropFirst()).allSatisfy { $0 < $1 }
            if breakpoints.isEmpty || !increasing || breakpoints.first! <= 0 || breakpoints.last! != 1 {
                reader.configurationError(
                    "reach.breakpoints", "'reach.breakpoints' must be increasing ratios in (0, 1] ending at 1")
            }
        }
        return settings
    }

    /// One reach rule: the table with its maximum, or the radius; never both (no silent choice between them).
    static func checkReachTable(_ settings: Settings, _ reader: inout ParameterReader) {
        if settings.reachTablePath != nil {
            if settings.demandPath == nil {
                reader.configurationError(
                    "reach.table", "'reach.table' needs 'tables.demand': its rows are pairs of demand communes")
            }
            if reader.raw["reach.max_minutes"] == nil {
                reader.configurationError(
                    "reach.table",
                    "'reach.table' needs 'reach.max_minutes': the travel time within which a site reaches a commune")
            }
            if reader.raw["reach.radius_km"] != nil {
                reader.configurationError(
                    "reach.radius_km",
                    "give 'reach.radius_km' or 'reach.table', not both: the table replaces the great-circle radius")
            }
        } else if reader.raw["reach.max_minutes"] != nil {
            reader.configurationError(
                "reach.max_minutes", "'reach.max_minutes' needs 'reach.table': it is the table's travel time in reach")
        }
    }

    /// The commune layer, or nil when the scenario has no demand table (or it has errors, then in `errors`).
    /// `table` reads a table and keeps its bytes for the manifest.
    static func load(
        _ settings: Settings, territories: [Territory], structures: [HostStructure], kinds: Set<String>?,
        structuresTable: CSVTable?, table: (String, String) -> CSVTable?, errors: inout DiagnosticCollector
    ) -> CommuneInputs? {
        guard let demandPath = settings.demandPath else { return nil }
        guard let demandTable = table("demand", demandPath) else { return nil }
        let (communes, problems) = demand(demandTable, territories: territories)
        errors.merge(problems)
        guard problems.isEmpty else {
            // The candidates' own cells are still checked (their communes need a sound demand table), so that one run
            // reports both tables' errors.
            if let candidatesPath = settings.candidatesPath, let candidateTable = table("candidates", candidatesPath) {
                errors.merge(
                    TableLoaders.structures(candidateTable, territories: Set(territories.map(\.code)), kinds: kinds).1)
            }
            return nil
        }
        let inputs = CommuneInputs(communes: communes, structureCommunes: [], radiusKm: 1)
        var structureCommunes: [Int] = []
        if let structuresTable {
            structureCommunes = siteCommunes(
                structuresTable, ids: structures.map(\.id), inputs: communes, index: inputs.index(of:), errors: &errors)
        }
        var candidates: [HostStructure] = []
        var candidateCommunes: [Int] = []
        if let candidatesPath = settings.candidatesPath, let candidateTable = table("candidates", candidatesPath) {
            let (values, problems) = TableLoaders.structures(
                candidateTable, territories: Set(territories.map(\.code)), kinds: kinds)
            errors.merge(problems)
            let hostIDs = Set(structures.map { $0.id.lowercased() })
            // Where each candidate id is written, for the message's location.
            let idColumn = candidateTable.header.firstIndex { TableReader.trimmed($0.text) == "id" }
            var idLocation: [String: SourceLocation] = [:]
            for record in candidateTable.records {
                guard let idColumn, idColumn < record.count else { continue }
                let field = record[idColumn]
                let id = TableReader.trimmed(field.text).lowercased()
                if idLocation[id] == nil {
                    idLocation[id] = SourceLocation(file: candidateTable.path, line: field.line, column: field.column)
                }
            }
            var collector = DiagnosticCollector()
            for value in values where hostIDs.contains(value.id.lowercased()) {
                collector.add(
                    .data, idLocation[value.id.lowercased()] ?? SourceLocation(file: candidateTable.path, line: 1),
                    "candidate '\(value.id)' has the id of a host structure: ids must be unique across both tables")
            }
            errors.merge(collector)
            candidates = values
            candidateCommunes = siteCommunes(
                candidateTable, ids: values.map(\.id), inputs: communes, index: inputs.index(of:), errors: &errors)
        }
        var reachTable: ReachTable?
        if let path = settings.reachTablePath, let maxMinutes = settings.maxMinutes, let table = table("reach", path) {
            let (value, problems) = ReachTableLoader.load(
                table, maxMinutes: maxMinutes, count: communes.count, index: inputs.index(of:))
            errors.merge(problems)
            reachTable = value
        }
        guard let radius = settings.radiusKm, let breakpoints = settings.breakpoints else { return nil }
        return CommuneInputs(
            communes: communes, structureCommunes: structureCommunes, candidates: candidates,
            candidateCommunes: candidateCommunes, radiusKm: radius, breakpoints: breakpoints, reachTable: reachTable,
            endowReach: settings.endowReach, bound: settings.bound, warmMaxGap: settings.warmMaxGap,
            maxPairs: settings.maxPairs, branchAndBoundNodes: settings.branchAndBoundNodes)
    }
}
