import AllocationModel
import Foundation
import Scenario

/// The report a minister's adviser reads: headline figures, how sure we are, what limits the plan,
/// who gets most and least and why, and the assumptions. Deterministic: no dates, no timings.
public enum MarkdownReport {
    public static func render(_ record: RunRecord) -> String {
        let scenario = record.scenario
        let parameters = scenario.parameters
        let evaluation = record.evaluation
        var out: [String] = []
        let title = parameters.title.isEmpty ? parameters.name : parameters.title
        out.append("# \(escape(title))")
        out.append("")
        out.append("Scenario `\(parameters.name)`: \(Format.grouped(scenario.territories.count)) territories, \(Format.grouped(scenario.structures.count)) candidate host structures.")
        out.append("")
        out.append("## Status")
        out.append("")
        out.append(statusSentence(record))
        out.append("")
        out.append("## Headline")
        out.append("")
        let endowedTerritories = evaluation.territories.filter { $0.posts > 0 }.count
        let endowedStructures = evaluation.postsByStructure.values.filter { $0 > 0 }.count
        let coverageRatio = evaluation.need > 0 ? evaluation.coverage / evaluation.need : 0
        out.append("| figure | value |")
        out.append("| --- | ---: |")
        out.append("| posts placed | \(Format.grouped(evaluation.posts)) of \(Format.grouped(parameters.posts)) |")
        out.append("| State cost | \(Format.millions(evaluation.stateCostEUR)) of \(Format.millions(parameters.budgetEUR)) |")
        out.append("| host co-financing | \(Format.millions(evaluation.hostCostEUR)) |")
        out.append("| territories endowed | \(endowedTerritories) of \(scenario.territories.count) |")
        out.append("| host structures endowed | \(Format.grouped(endowedStructures)) of \(Format.grouped(scenario.structures.count)) |")
        out.append("| people in need | \(Format.grouped(evaluation.need)) |")
        out.append("| people accompanied over the funded period | \(Format.grouped(evaluation.coverage)) (\(Format.percent(coverageRatio)) of need) |")
        for option in parameters.fundingOptions {
            let posts = evaluation.territories.reduce(0) { $0 + ($1.postsByOption[option.id] ?? 0) }
            out.append("| posts funded as \"\(escape(option.label))\" | \(Format.grouped(posts)) |")
        }
        for kind in parameters.kinds {
            let posts = evaluation.territories.reduce(0) { $0 + ($1.postsByKind[kind.id] ?? 0) }
            out.append("| posts at \(escape(kind.label)) | \(Format.grouped(posts)) |")
        }
        out.append("| objective (need-weighted value of coverage) | \(Format.fixed(record.objective, decimals: 1)) |")
        out.append("")
        out.append("## What limits the plan")
        out.append("")
        out.append("A limit *binds* when the plan uses it up: loosening it would improve the plan.")
        out.append("")
        for family in BindingLimits(record).families {
            out.append("- **`\(family.name)`** — \(family.binds ? "binds" : "slack"). \(family.explanation)")
        }
        out.append("")
        out.append(contentsOf: extremes(record))
        out.append("## By région")
        out.append("")
        out.append("| région | départements | posts | per 100,000 inhabitants | coverage of need |")
        out.append("| --- | ---: | ---: | ---: | ---: |")
        for region in scenario.regions {
            let figures = region.territories.compactMap { evaluation.territory($0.code) }
            let posts = figures.reduce(0) { $0 + $1.posts }
            let population = region.territories.reduce(0) { $0 + $1.population }
            let need = figures.reduce(0.0) { $0 + $1.need }
            let coverage = figures.reduce(0.0) { $0 + $1.coverage }
            out.append("| \(escape(region.name)) | \(region.territories.count) | \(Format.grouped(posts)) | \(Format.fixed(Tables.per100k(posts, population), decimals: 1)) | \(Format.percent(need > 0 ? coverage / need : 0)) |")
        }
        out.append("")
        out.append(contentsOf: assumptions(record))
        out.append("## Files of this run")
        out.append("")
        out.append("`allocation_by_structure.csv`, `allocation_by_territory.csv`, `allocation_by_region.csv`, `summary.csv`, `summary.json`, `manifest.json` (inputs' hashes, parameters, GLPK version, timings); with the comparison and analyses below, `plans.csv`, `comparison.csv`, `sensitivity.csv`, `frontier.csv` and the maps. Columns: docs/outputs.md.")
        return out.joined(separator: "\n") + "\n"
    }

    static func statusSentence(_ record: RunRecord) -> String {
        let gap = record.relativeGap.map { Format.percent($0, decimals: 3) } ?? "unknown"
        let bound = record.bestBound.map { Format.fixed($0, decimals: 1) } ?? "unknown"
        switch record.status {
        case .optimal:
            return "**Optimal.** No plan is better by more than the tolerance of \(Format.percent(record.mipGap, decimals: 3)) (gap \(gap)). The plan was checked against every rule of the scenario."
        case .feasible:
            return "**Feasible, not proven optimal** (\(record.limitReached ?? "a limit") was reached). The plan satisfies every rule, but a better one may exist: gap \(gap), best possible objective \(bound)."
        case .interrupted:
            return "**Interrupted.** The run was stopped before the solver finished; this is the best plan found so far (gap \(gap), bound \(bound)). It satisfies every rule."
        }
    }

    static func extremes(_ record: RunRecord) -> [String] {
        let scenario = record.scenario
        let evaluation = record.evaluation
        let nationalNeedRate = evaluation.need / Double(max(1, scenario.territories.reduce(0) { $0 + $1.population }))
        let rows = scenario.territories.compactMap { territory -> (Territory, PlanEvaluation.TerritoryFigures, Double)? in
            guard let figures = evaluation.territory(territory.code), territory.population > 0 else { return nil }
            return (territory, figures, Tables.per100k(figures.posts, territory.population))
        }
        let sorted = rows.sorted { ($0.2, $0.0.code) > ($1.2, $1.0.code) }
        var out = ["## Who gets the most and the least", "",
                   "Posts follow need, and need per inhabitant differs: it is higher where people are older (64 % of people 75+ need help) and where the digital-fragility index is high. Floors, caps and the host structures available bend this.", "",
                   "| département | posts | per 100,000 inhabitants | need per 100 inhabitants | coverage of need | why |",
                   "| --- | ---: | ---: | ---: | ---: | --- |"]
        let shown = sorted.count <= 10 ? sorted : Array(sorted.prefix(5)) + Array(sorted.suffix(5))
        for (territory, figures, per100k) in shown {
            let needRate = figures.need / Double(territory.population)
            out.append("| \(escape(territory.name)) (\(territory.code)) | \(figures.posts) | \(Format.fixed(per100k, decimals: 1)) | \(Format.fixed(needRate * 100, decimals: 1)) | \(Format.percent(figures.coverageRatio)) | \(escape(reason(territory, figures, record: record, needRate: needRate, nationalRate: nationalNeedRate))) |")
        }
        out.append("")
        return out
    }

    static func reason(_ territory: Territory, _ figures: PlanEvaluation.TerritoryFigures, record: RunRecord, needRate: Double, nationalRate: Double) -> String {
        let scenario = record.scenario
        let range = scenario.postRange(of: territory)
        var reasons: [String] = []
        if figures.posts <= range.min && range.min > 0 { reasons.append("held at its floor (\(range.min))") }
        if figures.posts >= range.max { reasons.append("at the cap of \(range.max) posts") }
        let capacity = scenario.structures.filter { $0.territory == territory.code }.reduce(0) { $0 + $1.capacity }
        if figures.posts >= capacity { reasons.append("every host structure is full (\(capacity) places)") }
        if needRate > nationalRate * 1.1 { reasons.append("need per inhabitant \(Format.percent(needRate / nationalRate - 1, decimals: 0)) above the national rate") }
        if needRate < nationalRate * 0.9 { reasons.append("need per inhabitant \(Format.percent(1 - needRate / nationalRate, decimals: 0)) below the national rate") }
        let servable = record.evaluation.territories.reduce(0.0) { $0 + $1.servable }
        if figures.servable > 0 && servable > 0 {
            // State euros per person the posts can serve: co-financed and longer posts make service cheaper.
            let national = record.evaluation.stateCostEUR / servable
            let local = figures.stateCostEUR / figures.servable
            if local < national * 0.9 { reasons.append("service costs the State \(Format.percent(1 - local / national, decimals: 0)) less per person than on average (co-financed 3-year posts, cheaper hosts)") }
            if local > national * 1.1 { reasons.append("service costs the State \(Format.percent(local / national - 1, decimals: 0)) more per person than on average") }
        }
        if territory.overseas { reasons.append("overseas posts cost the State more") }
        if figures.coverage >= figures.need - 0.5 && figures.need > 0 { reasons.append("all need covered") }
        if reasons.isEmpty { reasons.append("need close to the national rate; small populations make per-head figures jump by whole posts") }
        return reasons.joined(separator: "; ")
    }

    static func assumptions(_ record: RunRecord) -> [String] {
        let scenario = record.scenario
        let parameters = scenario.parameters
        var out = ["## Assumptions", "",
                   "- Need: \(Format.percent(parameters.need.rate75Plus, decimals: 1)) of people 75+, and people 15–74 at \(Format.percent(NeedFormula(parameters.need).adultRate(for: scenario.territories), decimals: 2)) on average, scaled by the département's digital-fragility index (exponent \(Format.fixed(parameters.need.fragilityExponent, decimals: 2))); national total \(Format.percent(parameters.need.rate15Plus, decimals: 1)) of people 15+.",
                   "- One post accompanies \(Format.grouped(parameters.peoplePerPostYear)) people a year; coverage counts the people its funded months can serve.",
                   "- Value of coverage: need × (coverage ratio)^\(Format.fixed(parameters.objective.exponent, decimals: 2)), so the first people reached in a territory count more than the last: equal needs get equal treatment.",
                   "- Floors and caps: at least \(parameters.limits.territoryMinPosts) posts per territory, at most \(Format.percent(parameters.limits.territoryMaxShare, decimals: 1)) of the posts per territory and \(Format.percent(parameters.limits.regionMaxShare, decimals: 1)) per région.",
                   ""]
        out.append("| kind of host | option | State cost per post (mainland) | host cost per post | funded months |")
        out.append("| --- | --- | ---: | ---: | ---: |")
        for kind in parameters.kinds {
            for option in parameters.fundingOptions {
                let terms = FundingTerms(kind: kind, option: option, overseas: false)
                out.append("| \(escape(kind.label)) | \(escape(option.label)) | \(Format.grouped(terms.stateCostEUR)) € | \(Format.grouped(terms.hostCostEUR)) € | \(terms.months) |")
            }
        }
        out.append("")
        out.append("<details><summary>Every parameter of this run</summary>")
        out.append("")
        out.append("| parameter | value |")
        out.append("| --- | --- |")
        for (path, value) in parameters.effective { out.append("| `\(path)` | \(escape(value)) |") }
        out.append("")
        out.append("</details>")
        out.append("")
        return out
    }

    /// Escapes text for a Markdown table cell: `|` and line breaks would break the table.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }
}
