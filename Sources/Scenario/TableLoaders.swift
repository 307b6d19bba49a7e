import Foundation

/// Turns the territories and structures CSV tables into domain values, reporting every bad cell.
enum TableLoaders {
    static let territoryColumns: [TableReader.Column] = [
        .init(name: "code", required: true), .init(name: "name", required: true),
        .init(name: "region_code", required: true), .init(name: "region_name", required: true),
        .init(name: "overseas", required: true), .init(name: "population", required: true),
        .init(name: "population_15_plus", required: true), .init(name: "population_75_plus", required: true),
        .init(name: "ifn", required: true), .init(name: "poverty_rate_pct", required: false),
        .init(name: "weight", required: false), .init(name: "min_posts", required: false),
        .init(name: "max_posts", required: false), .init(name: "posts_2021", required: false),
    ]

    static let structureColumns: [TableReader.Column] = [
        .init(name: "id", required: true), .init(name: "name", required: true),
        .init(name: "territory", required: true), .init(name: "kind", required: true),
        .init(name: "capacity", required: true), .init(name: "cofinancing_eur", required: true),
        .init(name: "posts_2021", required: false),
    ]

    static let maxIdLength = 64

    /// Every code the territories table names, valid row or not, so that one bad territory row does not
    /// also make every structure that points at it an error.
    /// nil when the table has no `code` column (then structures' territories cannot be checked).
    static func codes(in table: CSVTable) -> Set<String>? {
        guard let index = table.header.firstIndex(where: { $0.text.trimmingCharacters(in: .whitespaces) == "code" })
        else { return nil }
        return Set(
            table.records.compactMap { index < $0.count ? $0[index].text.trimmingCharacters(in: .whitespaces) : nil })
    }

    static func territories(_ table: CSVTable) -> ([Territory], DiagnosticCollector) {
        var reader = TableReader(table: table, columns: territoryColumns)
        var result: [Territory] = []
        var firstLine: [String: (line: Int, spelling: String)] = [:]
        // A région is grouped by its code and reported by its name: one code, one name, or the report would
        // silently pick one of them.
        // Keyed ignoring case, as the territories' codes, and each name to one code: `ab` and `AB`, or `75` and `075`
        // under one name, made two régions, each with its own cap (a review).
        var regionNames: [String: (name: String, line: Int, spelling: String)] = [:]
        var regionCodes: [String: (code: String, line: Int)] = [:]
        for record in table.records where record.count == table.header.count {
            let code = identifier(&reader, record, "code", allowDash: false)
            let name = reader.text(record, "name")
            let regionCode = identifier(&reader, record, "region_code", allowDash: false)
            let regionName = reader.text(record, "region_name")
            let overseas = reader.boolean(record, "overseas")
            let population = reader.integer(record, "population", in: 0...200_000_000)
            let p15 = reader.integer(record, "population_15_plus", in: 0...200_000_000)
            let p75 = reader.integer(record, "population_75_plus", in: 0...200_000_000)
            let ifn = reader.number(record, "ifn", in: 0...10)
            // An optional indicator: empty or a missing-value marker (`s`, `NA`, `nd`…) means unknown, never 0.
            let poverty =
                reader.has("poverty_rate_pct")
                ? reader.number(record, "poverty_rate_pct", in: 0...100, optional: true, markers: .missing) : nil
            let weight = reader.has("weight") ? reader.number(record, "weight", in: 0...1000, optional: true) : nil
            let minPosts =
                reader.has("min_posts") ? reader.integer(record, "min_posts", in: 0...1_000_000, optional: true) : nil
            let maxPosts =
                reader.has("max_posts") ? reader.integer(record, "max_posts", in: 0...1_000_000, optional: true) : nil
            let posts2021 =
                reader.has("posts_2021") ? reader.integer(record, "posts_2021", in: 0...1_000_000, optional: true) : nil
            guard let code, let name, let regionCode, let regionName, let overseas, let population, let p15, let p75,
                let ifn
            else { continue }
            if let first = firstLine[code.lowercased()] {
                let spelling =
                    first.spelling == code ? "" : " as '\(first.spelling)' (codes are compared ignoring case)"
                reader.fail(
                    reader.field(record, "code")!, "code",
                    "duplicated territory '\(code)': also on line \(first.line)\(spelling)")
                continue
            }
            firstLine[code.lowercased()] = (reader.field(record, "code")!.line, code)
            if p75 > p15 || p15 > population {
                reader.fail(
                    reader.field(record, "population")!, "population",
                    "expected population ≥ population_15_plus ≥ population_75_plus, found \(population), \(p15), \(p75)"
                )
                continue
            }
            let regionField = reader.field(record, "region_name")!
            let regionCodeField = reader.field(record, "region_code")!
            if let first = regionNames[regionCode.lowercased()], first.spelling != regionCode {
                reader.fail(
                    regionCodeField, "region_code",
                    "région '\(regionCode)' is written '\(first.spelling)' on line \(first.line) (région codes are compared ignoring case): write it one way"
                )
                continue
            }
            if let first = regionNames[regionCode.lowercased()], first.name != regionName {
                reader.fail(
                    regionField, "region_name",
                    "région '\(regionCode)' is named '\(Shown.value(regionName))' here and '\(Shown.value(first.name))' on line \(first.line): "
                        + "give each region_code one region_name")
                continue
            }
            if let first = regionCodes[regionName], first.code != regionCode {
                reader.fail(
                    regionCodeField, "region_code",
                    "région '\(Shown.value(regionName))' has the code '\(regionCode)' here and '\(first.code)' on line \(first.line): give each region_name one region_code"
                )
                continue
            }
            regionNames[regionCode.lowercased()] =
                regionNames[regionCode.lowercased()] ?? (regionName, regionField.line, regionCode)
            regionCodes[regionName] = regionCodes[regionName] ?? (regionCode, regionCodeField.line)
            if let minPosts, let maxPosts, minPosts > maxPosts {
                reader.fail(
                    reader.field(record, "min_posts")!, "min_posts",
                    "min_posts \(minPosts) exceeds max_posts \(maxPosts)")
                continue
            }
            result.append(
                Territory(
                    code: code, name: name, regionCode: regionCode, regionName: regionName, overseas: overseas,
                    population: population, population15Plus: p15, population75Plus: p75, fragilityIndex: ifn,
                    povertyRatePct: poverty, weight: weight ?? 1, minPosts: minPosts, maxPosts: maxPosts,
                    posts2021: posts2021))
        }
        // Every population 15+ 0 (a failed join exported as zeros): every need is 0 and the floors alone were
        // published as optimal (a review); refused, as every weight 0 is.
        if !result.isEmpty, result.allSatisfy({ $0.population15Plus == 0 }),
            let column = table.header.first(where: { TableReader.trimmed($0.text) == "population_15_plus" })
        {
            reader.fail(
                column, "population_15_plus",
                "every territory's population_15_plus is 0, so every need is 0 and every plan would be worth 0: check the population columns"
            )
        }
        // Every weight 0: the objective is 0 and any plan meeting the rules "optimal" (a review: the floors alone were
        // published, where weights of 1e-9 give the plan of weights 1).
        if !result.isEmpty, result.allSatisfy({ $0.weight == 0 }),
            let column = table.header.first(where: { TableReader.trimmed($0.text) == "weight" })
        {
            reader.fail(
                column, "weight",
                "every territory's weight is 0, so every plan would be worth 0: give one territory a positive weight (only ratios matter)"
            )
        }
        // Every weight tiny: only ratios matter, but the objective then prints as 0 and the solver's absolute
        // tolerances decide the plan and the analyses (a review: weights of 1e-100 made the ranges' model invalid, and
        // weights of 1e-9 printed every sensitivity row as +0.0).
        if let largest = result.map(\.weight).max(), largest > 0, largest < Self.smallestLargestWeight,
            let column = table.header.first(where: { TableReader.trimmed($0.text) == "weight" })
        {
            reader.fail(
                column, "weight",
                "the largest territory weight is \(largest), below \(Self.smallestLargestWeight): every value of the plan would print as 0 and the solver's tolerances would decide it; scale the weights up (only ratios matter), e.g. the largest to 1"
            )
        }
        return (result.sorted { $0.code < $1.code }, reader.errors)
    }

    /// The smallest the largest territory weight may be (docs/scenarios.md, `weight`).
    static let smallestLargestWeight = 0.001

    /// `territories` and `kinds`: the known codes and kinds, or nil when they could not be read (then not checked).
    static func structures(
        _ table: CSVTable, territories: Set<String>?, kinds: Set<String>?
    ) -> ([HostStructure], DiagnosticCollector) {
        var reader = TableReader(table: table, columns: structureColumns)
        var result: [HostStructure] = []
        var firstLine: [String: (line: Int, spelling: String)] = [:]
        let territoryByLowercase = Dictionary((territories ?? []).map { ($0.lowercased(), $0) }, uniquingKeysWith: min)
        for record in table.records where record.count == table.header.count {
            let id = identifier(&reader, record, "id")
            let name = reader.text(record, "name")
            let territory = identifier(&reader, record, "territory", allowDash: false)
            let kind = identifier(&reader, record, "kind", allowDash: false)
            let capacity = reader.integer(record, "capacity", in: 0...100_000)
            let cofinancing = reader.number(record, "cofinancing_eur", in: 0...1e10)
            let posts2021 =
                reader.has("posts_2021") ? reader.integer(record, "posts_2021", in: 0...100_000, optional: true) : nil
            guard let id, let name, let territory, let kind, let capacity, let cofinancing else { continue }
            if let first = firstLine[id.lowercased()] {
                let spelling = first.spelling == id ? "" : " as '\(first.spelling)' (ids are compared ignoring case)"
                reader.fail(
                    reader.field(record, "id")!, "id",
                    "duplicated structure id '\(id)': also on line \(first.line)\(spelling)")
                continue
            }
            firstLine[id.lowercased()] = (reader.field(record, "id")!.line, id)
            if let territories, !territories.contains(territory), let field = reader.field(record, "territory") {
                // A spreadsheet drops a code's leading zero (01 → 1): the padded code is suggested too.
                let padded = territory.count == 1 && territory.allSatisfy(\.isNumber) ? "0" + territory : nil
                let near =
                    territoryByLowercase[territory.lowercased()].map {
                        " (did you mean '\($0)'? codes are matched exactly)"
                    } ?? padded.flatMap { territoryByLowercase[$0] }.map {
                        " (did you mean '\($0)'? a spreadsheet may have dropped its leading zero)"
                    } ?? ""
                reader.fail(
                    field, "territory", "unknown territory '\(territory)' (not in the territories table)\(near)")
                continue
            }
            if let kinds, !kinds.contains(kind), let field = reader.field(record, "kind") {
                reader.fail(
                    field, "kind",
                    "unknown kind '\(kind)' (the scenario defines: \(kinds.sorted().joined(separator: ", ")))")
                continue
            }
            result.append(
                HostStructure(
                    id: id, name: name, territory: territory, kind: kind, capacity: capacity,
                    cofinancingEUR: cofinancing, posts2021: posts2021))
        }
        return (result.sorted { $0.id < $1.id }, reader.errors)
    }

    /// An id: ASCII letters, digits, `_`, `.` (and `-` where it never reaches a model name: structure ids),
    /// at most `maxIdLength` characters.
    private static func identifier(
        _ reader: inout TableReader, _ record: [CSVTable.Field], _ column: String, allowDash: Bool = true
    ) -> String? {
        guard let field = reader.field(record, column), let value = reader.text(record, column) else { return nil }
        guard value.count <= maxIdLength else {
            reader.fail(
                field, column,
                "id of \(value.count) characters, longer than \(maxIdLength) (starts '\(value.prefix(20))…')")
            return nil
        }
        guard
            value.allSatisfy({
                $0.isASCII && ($0.isLetter || $0.isNumber || "_.".contains($0) || (allowDash && $0 == "-"))
            })
        else {
            reader.fail(
                field, column,
                "'\(value)' is not a valid id (letters, digits, '_', '.'\(allowDash ? ", '-'" : "") only)")
            return nil
        }
        return value
    }
}
