import AllocationModel
import Baselines
import Foundation
import Scenario
import Studies

/// The CSV tables of a run (schema in docs/outputs.md), as file name → content.
public enum Tables {
    /// `commune`: with a demand table, the commune plan's answer, whose columns end the summary.
    public static func all(_ record: RunRecord, commune: CommunePlanAnswer? = nil) -> [(name: String, content: String)]
    {
        [
            ("allocation_by_structure.csv", byStructure(record)),
            ("allocation_by_territory.csv", byTerritory(record)),
            ("allocation_by_region.csv", byRegion(record)),
            ("summary.csv", summaryCSV(record, commune: commune)),
            ("summary.json", summaryJSON(record, commune: commune)),
        ]
    }

    public static func byStructure(_ record: RunRecord) -> String {
        let scenario = record.scenario
        let structures = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0) })
        let territories = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0) })
        let options = Dictionary(uniqueKeysWithValues: scenario.parameters.fundingOptions.map { ($0.id, $0) })
        // With a commitments table, committed and new posts apart (docs/outputs.md); the columns are absent otherwise.
        let committed = CommittedPosts(scenario)
        var writer = CSVWriter(
            columns: [
                "structure_id", "structure_name", "territory_code", "region_code", "kind", "funding_option",
                "posts", "state_cost_eur", "host_cost_eur", "funded_months", "capacity",
            ]
                + (committed.isEmpty ? [] : ["committed_posts", "new_posts"]))
        for placement in record.plan.placements {
            guard let structure = structures[placement.structureID], let territory = territories[structure.territory],
                let option = options[placement.option], let kind = scenario.parameters.kind(structure.kind)
            else { continue }
            let terms = scenario.terms(kind: kind, option: option, territory: territory)
            writer.append(
                [
                    .text(structure.id), .text(structure.name), .text(territory.code), .text(territory.regionCode),
                    .text(kind.id), .text(option.id), .integer(placement.posts),
                    .number(Double(placement.posts) * terms.stateCostEUR, decimals: 2),
                    .number(Double(placement.posts) * terms.hostCostEUR, decimals: 2),
                    .integer(terms.months), .integer(structure.capacity),
                ]
                    + committed.cells(placement))
        }
        return writer.text
    }

    /// `ranges`, when computed (`PostRanges`: within the gap, then within the wider tolerance), add four columns at the
    /// end.
    public static func byTerritory(_ record: RunRecord, ranges: [PostRanges.Ranges] = []) -> String {
        let scenario = record.scenario
        let options = scenario.parameters.fundingOptions.map(\.id)
        let kinds = scenario.parameters.kinds.map(\.id)
        var writer = CSVWriter(
            columns: [
                "territory_code", "territory_name", "region_code", "region_name", "population", "need",
                "posts", "posts_per_100k", "state_cost_eur", "host_cost_eur", "funded_post_months",
                "people_servable", "coverage", "coverage_ratio", "structures_endowed", "floor", "cap",
                "posts_2021",
            ]
                + kinds.map { "posts_kind_\($0)" } + options.map { "posts_option_\($0)" }
                + PostRangesReport.columns(ranges))
        for territory in scenario.territories {
            guard let figures = record.evaluation.territory(territory.code) else { continue }
            let range = scenario.postRange(of: territory)
            var cells: [CSVWriter.Cell] = [
                .text(territory.code), .text(territory.name), .text(territory.regionCode), .text(territory.regionName),
                .integer(territory.population), .integer(Int(figures.need)), .integer(figures.posts),
                .perHundredThousand(figures.posts, population: territory.population),
                .number(figures.stateCostEUR, decimals: 2), .number(figures.hostCostEUR, decimals: 2),
                .integer(figures.serviceMonths), .number(figures.servable, decimals: 1),
                .number(figures.coverage, decimals: 1),
                .number(figures.coverageRatio, decimals: 6), .integer(figures.structuresEndowed), .integer(range.min),
                range.max == Int.max ? .empty : .integer(range.max),
                territory.posts2021.map { .integer($0) } ?? .empty,
            ]
            cells += kinds.map { .integer(figures.postsByKind[$0] ?? 0) }
            cells += options.map { .integer(figures.postsByOption[$0] ?? 0) }
            cells += PostRangesReport.cells(ranges, territory: territory.code)
            writer.append(cells)
        }
        return writer.text
    }

    public static func byRegion(_ record: RunRecord) -> String {
        var writer = CSVWriter(columns: [
            "region_code", "region_name", "territories", "population", "need", "posts", "posts_per_100k",
            "state_cost_eur", "host_cost_eur", "coverage", "coverage_ratio",
        ])
        for region in record.scenario.regions {
            let figures = region.territories.compactMap { record.evaluation.territory($0.code) }
            let population = region.territories.reduce(0) { $0 + $1.population }
            let posts = figures.reduce(0) { $0 + $1.posts }
            let need = figures.reduce(0.0) { $0 + $1.need }
            let coverage = figures.reduce(0.0) { $0 + $1.coverage }
            writer.append([
                .text(region.code), .text(region.name), .integer(region.territories.count), .integer(population),
                .integer(Int(need)), .integer(posts), .perHundredThousand(posts, population: population),
                .number(figures.reduce(0) { $0 + $1.stateCostEUR }, decimals: 2),
                .number(figures.reduce(0) { $0 + $1.hostCostEUR }, decimals: 2),
                .number(coverage, decimals: 1), .number(need > 0 ? coverage / need : 0, decimals: 6),
            ])
        }
        return writer.text
    }

    /// The headline figures as ordered (key, cell) pairs, shared by summary.csv and summary.json: the département
    /// plan's, then, with a demand table, the commune plan's answer (its `commune_*` columns are absent otherwise).
    public static func summaryFields(
        _ record: RunRecord, commune: CommunePlanAnswer? = nil
    ) -> [(String, CSVWriter.Cell)] {
        let evaluation = record.evaluation
        let parameters = record.scenario.parameters
        let endowed = evaluation.territories.filter { $0.posts > 0 }.count
        let structures = evaluation.postsByStructure.values.filter { $0 > 0 }.count
        return [
            ("scenario", .text(parameters.name)),
            ("status", .text(record.status.rawValue)),
            ("objective", .number(record.objective, decimals: 3)),
            ("best_bound", record.bestBound.map { .number($0, decimals: 3) } ?? .empty),
            ("relative_gap", record.relativeGap.map { .number($0, decimals: 8) } ?? .empty),
            ("mip_gap_tolerance", .number(record.mipGap, decimals: 8)),
            ("limit_reached", record.limitReached.map { .text($0) } ?? .empty),
            ("posts", .integer(evaluation.posts)),
            ("posts_available", .integer(parameters.posts)),
            ("state_cost_eur", .number(evaluation.stateCostEUR, decimals: 2)),
            ("budget_eur", .number(parameters.budgetEUR, decimals: 2)),
            ("host_cost_eur", .number(evaluation.hostCostEUR, decimals: 2)),
            ("need", .integer(Int(evaluation.need))),
            ("coverage", .number(evaluation.coverage, decimals: 1)),
            ("coverage_ratio", .number(evaluation.need > 0 ? evaluation.coverage / evaluation.need : 0, decimals: 6)),
            ("territories", .integer(record.scenario.territories.count)),
            ("territories_endowed", .integer(endowed)),
            ("structures", .integer(record.scenario.structures.count)),
            ("structures_endowed", .integer(structures)),
        ] + (commune?.summaryFields ?? [])
    }

    public static func summaryCSV(_ record: RunRecord, commune: CommunePlanAnswer? = nil) -> String {
        let fields = summaryFields(record, commune: commune)
        var writer = CSVWriter(columns: fields.map(\.0))
        writer.append(fields.map(\.1))
        return writer.text
    }

    public static func summaryJSON(_ record: RunRecord, commune: CommunePlanAnswer? = nil) -> String {
        let body = summaryFields(record, commune: commune).map { key, cell in
            "  \(JSON.string(key)): \(JSON.value(cell))"
        }
        return "{\n" + body.joined(separator: ",\n") + "\n}\n"
    }

    static func per100k(_ posts: Int, _ population: Int) -> Double { Equity.per100k(posts, population: population) }
}

extension CSVWriter.Cell {
    /// Posts per 100,000 inhabitants, empty where the population is 0: the figure is undefined there, and a notebook
    /// reads the empty cell as missing where it would have averaged a 0.
    static func perHundredThousand(_ posts: Int, population: Int) -> CSVWriter.Cell {
        population > 0 ? .number(Tables.per100k(posts, population), decimals: 3) : .empty
    }
}

/// Minimal, deterministic JSON rendering (key order as given) for summary and manifest.
public enum JSON {
    public static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    static func value(_ cell: CSVWriter.Cell) -> String {
        switch cell {
        case let .text(text): return string(text)
        case let .integer(value): return String(value)
        case let .number(value, decimals): return Format.fixed(value, decimals: decimals)
        case let .boolean(value): return value ? "true" : "false"
        case .empty: return "null"
        }
    }
}
