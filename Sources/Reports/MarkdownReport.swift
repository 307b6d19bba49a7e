import AllocationModel
import Baselines
import Foundation
import Scenario

/// The report a minister's adviser reads: headline figures, how sure we are, what limits the plan,
/// who gets most and least and why, and the assumptions. Deterministic: no dates, no timings.
public enum MarkdownReport {
    /// `files`: the names of the files the run writes, when known, so the report lists exactly those.
    /// `statusNote`: a paragraph after the plan's status (a commune run's second plan and its own status).
    public static func render(_ record: RunRecord, files: [String]? = nil, statusNote: String? = nil) -> String {
        let scenario = record.scenario
        let parameters = scenario.parameters
        let evaluation = record.evaluation
        var out: [String] = []
        out.append("# \(MarkdownText.inline(parameters.title.isEmpty ? parameters.name : parameters.title))")
        out.append("")
        out.append(
            "Scenario \(MarkdownText.code(parameters.name)): \(Format.grouped(scenario.territories.count)) territories, \(Format.grouped(scenario.structures.count)) host structures."
        )
        if !parameters.settingsOverFile.isEmpty {
            // The title is the scenario file's: with `--set programme.budget_eur=150000000` it still says €200M.
            out.append("")
            out.append(
                "Settings applied over the scenario file (`--set` or a sweep's variant), which its title does not reflect: "
                    + parameters.settingsOverFile.map { MarkdownText.code("\($0.path)=\($0.value)") }.joined(
                        separator: ", ") + ".")
        }
        out.append("")
        out.append("## Status")
        out.append("")
        // A commune run: the commune plan's status first, then the département plan's, named.
        if let statusNote {
            out.append(statusNote)
            out.append("")
            out.append("Département plan: " + statusSentence(record))
        } else {
            out.append(statusSentence(record))
        }
        out.append("")
        out.append("## Headline")
        out.append("")
        let endowedTerritories = evaluation.territories.filter { $0.posts > 0 }.count
        let endowedStructures = evaluation.postsByStructure.values.filter { $0 > 0 }.count
        let coverageRatio = evaluation.need > 0 ? evaluation.coverage / evaluation.need : 0
        out.append("| figure | value |")
        out.append("| --- | ---: |")
        out.append("| posts placed | \(Format.grouped(evaluation.posts)) of \(Format.grouped(parameters.posts)) |")
        out.append(
            "| State cost | \(Format.millions(evaluation.stateCostEUR)) of \(Format.millions(parameters.budgetEUR)) |")
        out.append("| host co-financing | \(Format.millions(evaluation.hostCostEUR)) |")
        out.append("| territories endowed | \(endowedTerritories) of \(scenario.territories.count) |")
        out.append(
            "| host structures endowed | \(Format.grouped(endowedStructures)) of \(Format.grouped(scenario.structures.count)) |"
        )
        out.append("| people in need | \(Format.grouped(evaluation.need)) |")
        // People a year in post first (it does not depend on funding lengths), then over the scenario's one horizon.
        let perYear = evaluation.territories.reduce(0.0) {
            $0 + min($1.need, parameters.peoplePerPostYear * Double($1.posts))
        }
        out.append("| people accompanied a year in post | \(Format.grouped(perYear)) |")
        out.append(
            "| people accompanied \(parameters.basis.period) | \(Format.grouped(evaluation.coverage)) (\(Format.percent(coverageRatio)) of need) |"
        )
        for option in parameters.fundingOptions {
            let posts = evaluation.territories.reduce(0) { $0 + ($1.postsByOption[option.id] ?? 0) }
            out.append("| posts funded as \"\(MarkdownText.inline(option.label))\" | \(Format.grouped(posts)) |")
        }
        for kind in parameters.kinds {
            let posts = evaluation.territories.reduce(0) { $0 + ($1.postsByKind[kind.id] ?? 0) }
            out.append("| posts at \(MarkdownText.inline(kind.label)) | \(Format.grouped(posts)) |")
        }
        out.append("| objective (need-weighted value of coverage) | \(Format.fixed(record.objective, decimals: 1)) |")
        out.append("")
        out.append(contentsOf: CommitmentsSection.lines(record))
        out.append("## What limits the plan")
        out.append("")
        out.append(
            "A limit *binds* when the plan uses it up: loosening it may improve the plan, or may not (a limit can bind at no cost; the re-solves with it loosened, where the run makes them, measure it)."
        )
        out.append("")
        for family in BindingLimits(record).families {
            out.append("- **`\(family.name)`** — \(family.binds ? "binds" : "slack"). \(family.explanation)")
        }
        if let line = record.marginal.flatMap(ModelExplanationText.pricesLine) { out.append(line) }
        out.append("")
        out.append(contentsOf: extremes(record))
        out.append("## By région")
        out.append("")
        out.append("| région | départements | posts | per 100,000 inhabitants | coverage of need |")
        out.append("| --- | ---: | ---: | ---: | ---: |")
        let figuresByCode = Dictionary(uniqueKeysWithValues: evaluation.territories.map { ($0.code, $0) })
        for region in scenario.regions {
            let figures = region.territories.compactMap { figuresByCode[$0.code] }
            let posts = figures.reduce(0) { $0 + $1.posts }
            let population = region.territories.reduce(0) { $0 + $1.population }
            let need = figures.reduce(0.0) { $0 + $1.need }
            let coverage = figures.reduce(0.0) { $0 + $1.coverage }
            out.append(
                "| \(MarkdownText.inline(region.name)) | \(region.territories.count) | \(Format.grouped(posts)) | \(population > 0 ? Format.fixed(Tables.per100k(posts, population), decimals: 1) : "—") | \(Format.percent(need > 0 ? coverage / need : 0)) |"
            )
        }
        out.append("")
        out.append(contentsOf: assumptions(record))
        out.append("## Files of this run")
        out.append("")
        if let files {
            out.append(
                files.map(MarkdownText.code).joined(separator: ", ") + "."
                    + (files.contains("manifest.json")
                        ? " `manifest.json` holds the inputs' hashes, the parameters, the GLPK version and the timings."
                        : "")
                    + (files.contains("datapackage.json")
                        ? " `datapackage.json` gives every table's column types, units and keys (Frictionless Data Package), so a notebook reads codes such as `01` and `2A` as text."
                        : "")
                    + " Columns: docs/outputs.md.")
        } else {
            out.append(
                "`allocation_by_structure.csv`, `allocation_by_territory.csv`, `allocation_by_region.csv`, `summary.csv`, `summary.json`, `manifest.json` (inputs' hashes, parameters, GLPK version, timings); with the comparison and analyses below, `plans.csv`, `comparison.csv`, `sensitivity.csv`, `frontier.csv` and the maps. Columns: docs/outputs.md."
            )
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func statusSentence(_ record: RunRecord) -> String {
        let gap = record.relativeGap.map { Format.gapPercent($0) } ?? "unknown"
        let bound = record.bestBound.map { Format.fixed($0, decimals: 1) } ?? "unknown"
        switch record.status {
        case .optimal:
            return
                "**Optimal.** No plan is better by more than the tolerance of \(Format.percent(record.mipGap, decimals: 3)) (gap \(gap)). The plan was checked against every rule of the scenario."
        case .feasible:
            return
                "**Feasible, not proven optimal** (\(MarkdownText.inline(record.limitReached ?? "a limit")) was reached). The plan satisfies every rule, but a better one may exist: gap \(gap), best possible objective \(bound)."
        case .interrupted:
            return
                "**Interrupted.** The run was stopped before the solver finished; this is the best plan found so far (gap \(gap), bound \(bound)). It satisfies every rule."
        }
    }

    static func extremes(_ record: RunRecord) -> [String] {
        let scenario = record.scenario
        let parameters = scenario.parameters
        let evaluation = record.evaluation
        var out = ["## Who gets the most and the least", ""]
        guard evaluation.posts > 0 else {
            return out + ["No post is placed in any territory, so none gets more than another.", ""]
        }
        var intro: [String] = []
        if evaluation.need > 0 {
            intro.append(
                "The objective values the need each territory's posts cover: \(Format.percent(parameters.need.rate75Plus, decimals: 0)) of people 75+ need help, against \(Format.percent(NeedFormula(parameters.need).adultRate(for: scenario.territories), decimals: 1)) of people 15–74 on average"
                    + (parameters.need.fragilityExponent != 0 || parameters.need.fragilitySpread != nil
                        ? ", scaled by the digital-fragility index." : "."))
            intro.append(
                record.marginal != nil
                    ? "The last column reads the model at the plan: the row that stops one more post, or the next post (funding option, kind of host) with what it adds against its price — the value a post and its State money buy elsewhere, from the LP relaxation's shadow prices (docs/model.md, \"Explanations from the model\")."
                    : "The last column gives what the plan and the scenario show about each one.")
        } else {
            intro.append(
                "No territory has any need under the scenario's need formula, so need cannot explain the posts each one gets."
            )
        }
        out += [
            intro.joined(separator: " "), "",
            "| département | posts | per 100,000 inhabitants | need per 100 inhabitants | coverage of need | why |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        let context = ReasonContext(record)
        let figuresByCode = Dictionary(uniqueKeysWithValues: evaluation.territories.map { ($0.code, $0) })
        let rows = scenario.territories.compactMap {
            territory -> (Territory, PlanEvaluation.TerritoryFigures, Double)? in
            guard let figures = figuresByCode[territory.code], territory.population > 0 else { return nil }
            return (territory, figures, Tables.per100k(figures.posts, territory.population))
        }
        let sorted = rows.sorted { ($0.2, $0.0.code) > ($1.2, $1.0.code) }
        let shown = sorted.count <= 10 ? sorted : Array(sorted.prefix(5)) + Array(sorted.suffix(5))
        for (territory, figures, per100k) in shown {
            let needRate = figures.need / Double(territory.population)
            out.append(
                "| \(MarkdownText.inline(territory.name)) (\(MarkdownText.inline(territory.code))) | \(figures.posts) | \(Format.fixed(per100k, decimals: 1)) | \(Format.fixed(needRate * 100, decimals: 1)) | \(Format.percent(figures.coverageRatio)) | \(MarkdownText.inline(reason(territory, figures, context: context, needRate: needRate))) |"
            )
        }
        out.append("")
        if let overseas = overseasCost(record) { out += [overseas, ""] }
        return out
    }

    /// What the overseas grants do to coverage, when the scenario prices an overseas post higher and has territories on
    /// both sides: at the same value per euro of State money, a dearer post buys fewer posts for the same need. A
    /// review found four overseas départements among the five least covered and a report that never said why.
    static func overseasCost(_ record: RunRecord) -> String? {
        let scenario = record.scenario
        let dearer = scenario.parameters.kinds.filter { $0.overseasGrantEUR > $0.grantEUR }
        let figures = Dictionary(uniqueKeysWithValues: record.evaluation.territories.map { ($0.code, $0) })
        let rated = scenario.territories.compactMap { territory -> (Territory, Double)? in
            guard let figures = figures[territory.code], figures.need > 0 else { return nil }
            return (territory, figures.coverageRatio)
        }
        let outre = rated.filter { $0.0.overseas }, metropole = rated.filter { !$0.0.overseas }
        guard !dearer.isEmpty, !outre.isEmpty, !metropole.isEmpty else { return nil }
        let grants = dearer.map {
            "\(Format.grouped($0.overseasGrantEUR)) € against \(Format.grouped($0.grantEUR)) € at a \(MarkdownText.inline($0.label.lowercased()))"
        }
        let least = rated.sorted { ($0.1, $0.0.code) < ($1.1, $1.0.code) }.prefix(10)
        let overseasAmongLeast = least.filter { $0.0.overseas }.count
        return "Overseas, a post costs the State more: its grant is " + grants.joined(separator: ", ")
            + " (`kinds.*.overseas_grant_eur`). A euro of the State buys fewer posts there: the \(outre.count) overseas territories' median coverage of need is "
            + "\(Format.percent(Equity.median(outre.map(\.1)))) against \(Format.percent(Equity.median(metropole.map(\.1)))) elsewhere, and "
            + "\(overseasAmongLeast) of the 10 least covered are overseas. The grants are the scenario's assumptions (its "
            + "SOURCES.md); `--set kinds.\(dearer[0].id).overseas_grant_eur=\(Int(dearer[0].grantEUR))` re-solves with the "
            + "mainland's."
    }

    /// What `reason` compares a territory with, computed once for the whole table.
    struct ReasonContext {
        let scenario: Scenario
        /// Σ need / Σ population.
        let nationalNeedRate: Double
        /// State euros per person the posts can serve, over all territories; nil without service.
        let nationalCostPerPerson: Double?
        /// Host capacity per territory code.
        let capacity: [String: Int]
        /// True when some kind of host costs the State more overseas.
        let overseasCostsMore: Bool
        /// The model's explanations, when the run computed them.
        let marginal: MarginalAnalysis.Result?

        init(_ record: RunRecord) {
            let scenario = record.scenario
            self.scenario = scenario
            marginal = record.marginal
            let population = scenario.territories.reduce(0) { $0 + $1.population }
            nationalNeedRate = population > 0 ? record.evaluation.need / Double(population) : 0
            let servable = record.evaluation.territories.reduce(0.0) { $0 + $1.servable }
            nationalCostPerPerson = servable > 0 ? record.evaluation.stateCostEUR / servable : nil
            self.capacity = Dictionary(
                zip(scenario.territories.map(\.code), scenario.index.territoryCapacities),
                uniquingKeysWith: { a, _ in a })
            overseasCostsMore = scenario.parameters.kinds.contains { $0.overseasGrantEUR > $0.grantEUR }
        }
    }

    /// Why a territory gets what it gets: only facts the plan and the scenario show.
    static func reason(
        _ territory: Territory, _ figures: PlanEvaluation.TerritoryFigures, context: ReasonContext, needRate: Double
    ) -> String {
        if let marginal = context.marginal, let explained = marginal.territories[territory.code] {
            return ModelExplanationText.sentence(explained, prices: marginal.prices, scenario: context.scenario)
        }
        let range = context.scenario.postRange(of: territory)
        let nationalRate = context.nationalNeedRate
        var reasons: [String] = []
        if figures.posts <= range.min && range.min > 0 { reasons.append("held at its floor (\(range.min))") }
        if figures.posts >= range.max {
            reasons.append(range.max == 0 ? "its cap is 0 posts" : "at the cap of \(range.max) posts")
        }
        let capacity = context.capacity[territory.code] ?? 0
        if capacity == 0 {
            reasons.append("no host structure can take a post")
        } else if figures.posts >= capacity {
            reasons.append("every host structure is full (\(capacity) places)")
        }
        if nationalRate > 0 {
            if needRate > nationalRate * 1.1 {
                reasons.append(
                    "need per inhabitant \(Format.percent(needRate / nationalRate - 1, decimals: 0)) above the national rate"
                )
            }
            if needRate < nationalRate * 0.9 {
                reasons.append(
                    "need per inhabitant \(Format.percent(1 - needRate / nationalRate, decimals: 0)) below the national rate"
                )
            }
        }
        if let national = context.nationalCostPerPerson, figures.servable > 0 {
            // State euros per person the posts can serve: the mix of hosts and funding options sets it.
            let local = figures.stateCostEUR / figures.servable
            if local < national * 0.9 {
                reasons.append(
                    "service costs the State \(Format.percent(1 - local / national, decimals: 0)) less per person than on average"
                )
            }
            if local > national * 1.1 {
                reasons.append(
                    "service costs the State \(Format.percent(local / national - 1, decimals: 0)) more per person than on average"
                )
            }
        }
        if territory.overseas && context.overseasCostsMore { reasons.append("overseas posts cost the State more") }
        if figures.coverage >= figures.need - 0.5 && figures.need > 0 { reasons.append("all need covered") }
        if reasons.isEmpty {
            reasons.append(
                nationalRate > 0 ? "need per inhabitant within 10 % of the national rate" : "no territory has need")
        }
        return reasons.joined(separator: "; ")
    }

    /// How the fragility index scales the 15–74 rate, for the assumptions list.
    static func fragilityText(_ need: NeedParameters) -> String {
        if let spread = need.fragilitySpread {
            return
                ", moved by \(Format.percent(spread, decimals: 0)) per standard deviation of the département's fragility index (interval scale)"
        }
        return need.fragilityExponent != 0
            ? ", scaled by the département's digital-fragility index (exponent \(Format.fixed(need.fragilityExponent, decimals: 2)))"
            : ", the same rate everywhere (fragility exponent 0)"
    }

    static func assumptions(_ record: RunRecord) -> [String] {
        let scenario = record.scenario
        let parameters = scenario.parameters
        let limits = parameters.limits
        let people15 = scenario.territories.reduce(0) { $0 + $1.population15Plus }
        let needShare = people15 > 0 ? record.evaluation.need / Double(people15) : 0
        let exponent = parameters.objective.exponent
        let territoryCap = Int((limits.territoryMaxShare * Double(parameters.posts)).rounded(.down))
        let regionCap = scenario.regionPostRange.max
        var limitsText = [
            limits.territoryMinPosts > 0
                ? "at least \(limits.territoryMinPosts) post(s) per territory" : "no floor per territory",
            "at most \(Format.percent(limits.territoryMaxShare, decimals: 1)) of the \(Format.grouped(parameters.posts)) posts per territory (\(Format.grouped(territoryCap)) post(s), rounded down)",
        ]
        if limits.regionMinPosts > 0 { limitsText.append("at least \(limits.regionMinPosts) post(s) per région") }
        limitsText.append(
            "at most \(Format.percent(limits.regionMaxShare, decimals: 1)) per région (\(Format.grouped(regionCap)) post(s))"
        )
        let ownLimits = scenario.territories.contains { $0.minPosts != nil || $0.maxPosts != nil }
        var out = [
            "## Assumptions", "",
            "- Need: \(Format.percent(parameters.need.rate75Plus, decimals: 1)) of people 75+, and people 15–74 at \(Format.percent(NeedFormula(parameters.need).adultRate(for: scenario.territories), decimals: 2)) on average"
                + Self.fragilityText(parameters.need)
                + "; in all \(Format.grouped(record.evaluation.need)) people, \(Format.percent(needShare, decimals: 1)) of people 15+.",
            "- One post accompanies \(Format.grouped(parameters.peoplePerPostYear)) people a year; "
                + (parameters.basis.horizonYears.map {
                    "coverage counts the people it serves within \($0) year(s), whatever its funding length: its funded months up to the horizon (a post funded for longer counts only the horizon's months), then, for a post funded for fewer months, \(Format.percent(parameters.basis.renewalShare, decimals: 0)) of the months left (the share assumed renewed, paid outside this envelope)."
                }
                    ?? "coverage counts the people its funded months can serve.")
                + (parameters.basis.costPerPostEUR > 0
                    ? " Every post also costs the State \(Format.grouped(parameters.basis.costPerPostEUR)) € of programme cost (training…), included in the State costs below."
                    : ""),
            "- Value of coverage: need × (coverage ratio)^\(Format.fixed(exponent, decimals: 2))"
                + (scenario.territories.contains { $0.weight != 1 } ? " × the territory's weight" : "")
                + (exponent < 1
                    ? ", so the first people reached in a territory count more than the last: equal needs get equal treatment."
                    : ", so every person reached counts the same wherever they live."),
            "- Floors and caps: " + limitsText.joined(separator: ", ")
                + (ownLimits ? "; the territory table sets its own floors or caps for some territories." : "."),
            "",
        ]
        out.append("| kind of host | option | State cost per post (mainland) | host cost per post | funded months |")
        out.append("| --- | --- | ---: | ---: | ---: |")
        for kind in parameters.kinds {
            for option in parameters.fundingOptions {
                let terms = FundingTerms(kind: kind, option: option, overseas: false, basis: parameters.basis)
                out.append(
                    "| \(MarkdownText.inline(kind.label)) | \(MarkdownText.inline(option.label)) | \(Format.grouped(terms.stateCostEUR)) € | \(Format.grouped(terms.hostCostEUR)) € | \(terms.months) |"
                )
            }
        }
        out.append("")
        out.append("<details><summary>Every parameter of this run</summary>")
        out.append("")
        out.append("| parameter | value |")
        out.append("| --- | --- |")
        for (path, value) in parameters.effective {
            out.append("| \(MarkdownText.code(path)) | \(MarkdownText.inline(shortened(value))) |")
        }
        out.append("")
        out.append("</details>")
        out.append("")
        return out
    }

    /// A parameter's value as the table shows it: a long text (the title) is already in full elsewhere, so the
    /// table keeps its start and says how long it is instead of writing it again.
    static func shortened(_ value: String, limit: Int = 400) -> String {
        let start = value.prefix(limit + 1)
        guard start.count > limit else { return value }
        return String(start.prefix(limit)) + "… (\(Format.grouped(value.count)) characters)"
    }

    /// Text from the inputs as Markdown: `MarkdownText.inline`, kept under this name for the sections that call it.
    public static func escape(_ text: String) -> String { MarkdownText.inline(text) }
}
