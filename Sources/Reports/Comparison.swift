import AllocationModel
import Baselines
import Foundation
import Scenario
import Studies

/// The analyst's comparison of several plans of one scenario (the optimised plan, baselines, the 2021 allocation):
/// `plans.csv` (long form, one row per plan and territory), `comparison.csv` (one row per plan, every metric) and a
/// Markdown section. Every figure is recomputed from the plans and the scenario (`PlanEvaluation`,
/// `PlanVerifier`, `EquityMetrics`). Columns: docs/baselines.md.
public enum Comparison {
    /// One plan and everything said about it.
    public struct Row: Sendable {
        public let name: String
        /// True for the plan named as the optimised one.
        public let isOptimised: Bool
        public let plan: Plan
        public let evaluation: PlanEvaluation
        public let violations: [PlanVerifier.Violation]
        public let equity: EquityMetrics
        /// ½ Σ_t |posts_t − optimised posts_t|; nil when no plan is named as the optimised one.
        public let postsMovedVsOptimised: Double?
        /// Posts the rule wanted but the territory's hosts could not take (baselines), when known.
        public let unplaced: Int?

        /// Broken rules by family (as the LP names them), family order.
        public var violatedFamilies: [(family: String, count: Int)] {
            let families = violations.map { $0.rule.family.rawValue }
            return Dictionary(grouping: families, by: { $0 }).map { ($0.key, $0.value.count) }.sorted {
                $0.family < $1.family
            }
        }
    }

    public static func rows(
        _ plans: [(name: String, plan: Plan)], scenario: Scenario, optimised: String? = nil,
        unplaced: [String: Int] = [:], coverageThreshold: Double = Equity.defaultCoverageThreshold
    ) -> [Row] {
        let evaluations = plans.map { PlanEvaluation(plan: $0.plan, scenario: scenario) }
        let reference = optimised.flatMap { name in plans.firstIndex { $0.name == name } }.map {
            posts(evaluations[$0])
        }
        return zip(plans, evaluations).map { entry, evaluation in
            Row(
                name: entry.name, isOptimised: entry.name == optimised, plan: entry.plan, evaluation: evaluation,
                violations: PlanVerifier.violations(of: entry.plan, scenario: scenario),
                equity: EquityMetrics(evaluation: evaluation, scenario: scenario, coverageThreshold: coverageThreshold),
                postsMovedVsOptimised: reference.map { Equity.postsMoved(posts(evaluation), $0) },
                unplaced: unplaced[entry.name])
        }
    }

    static func posts(_ evaluation: PlanEvaluation) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: evaluation.territories.map { ($0.code, $0.posts) })
    }

    /// The two comparison tables as file name → content.
    public static func tables(
        _ plans: [(name: String, plan: Plan)], scenario: Scenario, optimised: String,
        unplaced: [String: Int] = [:], coverageThreshold: Double = Equity.defaultCoverageThreshold
    ) -> [(name: String, content: String)] {
        tables(
            rows(
                plans, scenario: scenario, optimised: optimised, unplaced: unplaced,
                coverageThreshold: coverageThreshold), scenario: scenario)
    }

    /// The two comparison tables of plans already scored (`rows`): a run scores each plan once.
    /// `decomposition`: the re-solved plans of the decomposition (`decompositionRows`), rows of both tables after the
    /// compared plans.
    public static func tables(
        _ rows: [Row], scenario: Scenario, decomposition: [Row] = []
    ) -> [(name: String, content: String)] {
        [
            ("plans.csv", plansCSV(rows + decomposition, scenario: scenario)),
            ("comparison.csv", comparisonCSV(rows + decomposition, scenario: scenario)),
        ]
    }

    /// The decomposition's re-solved plans other than the optimised one, scored like any plan and named
    /// `decomposition:geography=…,funding_rule=…,money=…` (each factor `2021` or `scenario`).
    public static func decompositionRows(
        _ outcome: Decomposition.Outcome, scenario: Scenario, optimised: Row?, observed: String = "2021",
        coverageThreshold: Double = Equity.defaultCoverageThreshold
    ) -> [Row] {
        let plans = outcome.solved.filter { $0.combination != .scenario }.compactMap { solved in
            solved.plan.map { (name: "decomposition:" + solved.combination.name(observed: observed), plan: $0) }
        }
        let reference = optimised.map { posts($0.evaluation) }
        return rows(plans, scenario: scenario, coverageThreshold: coverageThreshold).map { row in
            Row(
                name: row.name, isOptimised: false, plan: row.plan, evaluation: row.evaluation,
                violations: row.violations, equity: row.equity,
                postsMovedVsOptimised: reference.map { Equity.postsMoved(posts(row.evaluation), $0) }, unplaced: nil)
        }
    }

    // MARK: plans.csv

    public static let plansColumns = [
        "plan", "territory_code", "posts", "posts_per_100k", "state_cost_eur", "coverage", "coverage_ratio",
    ]

    /// Long form: one row per plan (in the order given) and territory (code order).
    public static func plansCSV(_ plans: [(name: String, plan: Plan)], scenario: Scenario) -> String {
        plansCSV(rows(plans, scenario: scenario), scenario: scenario)
    }

    public static func plansCSV(_ rows: [Row], scenario: Scenario) -> String {
        let populations = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0.population) })
        var writer = CSVWriter(columns: plansColumns)
        for row in rows {
            for figures in row.evaluation.territories {
                writer.append([
                    .text(row.name), .text(figures.code), .integer(figures.posts),
                    .perHundredThousand(figures.posts, population: populations[figures.code] ?? 0),
                    .number(figures.stateCostEUR, decimals: 2), .number(figures.coverage, decimals: 1),
                    .number(figures.coverageRatio, decimals: 6),
                ])
            }
        }
        return writer.text
    }

    // MARK: comparison.csv

    public static let comparisonColumns = [
        "plan", "objective", "objective_vs_optimised", "posts", "posts_unplaced", "state_cost_eur", "host_cost_eur",
        "coverage",
        "coverage_ratio", "territories_endowed", "posts_per_100k_min", "posts_per_100k_median", "posts_per_100k_max",
        "posts_per_100k_gini", "coverage_ratio_min", "coverage_ratio_median", "coverage_ratio_max",
        "coverage_ratio_gini",
        "coverage_threshold", "territories_under_threshold", "violations", "violated_rules", "posts_moved_vs_optimised",
        "people_per_year", "horizon_years",
    ]

    /// One row per plan, in the order given.
    public static func comparisonCSV(
        _ plans: [(name: String, plan: Plan)], scenario: Scenario, optimised: String,
        unplaced: [String: Int] = [:], coverageThreshold: Double = Equity.defaultCoverageThreshold
    ) -> String {
        comparisonCSV(
            rows(
                plans, scenario: scenario, optimised: optimised, unplaced: unplaced,
                coverageThreshold: coverageThreshold), scenario: scenario)
    }

    public static func comparisonCSV(_ rows: [Row], scenario: Scenario? = nil) -> String {
        let optimum = rows.first { $0.isOptimised }?.evaluation.objective
        var writer = CSVWriter(columns: comparisonColumns)
        for row in rows {
            let perYear: CSVWriter.Cell =
                scenario.map { .number(Decomposition.peoplePerYear(row.evaluation, scenario: $0), decimals: 1) }
                ?? .empty
            let horizon: CSVWriter.Cell = scenario?.parameters.basis.horizonYears.map { .integer($0) } ?? .empty
            let e = row.evaluation
            let q = row.equity
            writer.append([
                .text(row.name), .number(e.objective, decimals: 3),
                optimum.map { $0 > 0 ? .number(e.objective / $0, decimals: 6) : .empty } ?? .empty,
                .integer(e.posts), row.unplaced.map { .integer($0) } ?? .empty,
                .number(e.stateCostEUR, decimals: 2), .number(e.hostCostEUR, decimals: 2),
                .number(e.coverage, decimals: 1),
                .number(e.need > 0 ? e.coverage / e.need : 0, decimals: 6),
                .integer(e.territories.filter { $0.posts > 0 }.count),
                .number(q.postsPer100k.min, decimals: 3), .number(q.postsPer100k.median, decimals: 3),
                .number(q.postsPer100k.max, decimals: 3),
                .number(q.postsPer100k.gini, decimals: 6),
                .number(q.coverageRatio.min, decimals: 6), .number(q.coverageRatio.median, decimals: 6),
                .number(q.coverageRatio.max, decimals: 6),
                .number(q.coverageRatio.gini, decimals: 6),
                .number(q.coverageThreshold, decimals: 6), .integer(q.territoriesUnderThreshold),
                .integer(row.violations.count),
                .text(row.violatedFamilies.map { "\($0.family):\($0.count)" }.joined(separator: " ")),
                row.postsMovedVsOptimised.map { .number($0, decimals: 1) } ?? .empty,
                perYear, horizon,
            ])
        }
        return writer.text
    }

    // MARK: Markdown

    /// The comparison section of the report, led by one sentence comparing the optimised plan with the observed one.
    /// `leftOut`: baselines that could not be computed, with why; the section says so.
    public static func markdownSection(
        _ plans: [(name: String, plan: Plan)], scenario: Scenario, optimised: String,
        observed: String = "2021", unplaced: [String: Int] = [:],
        coverageThreshold: Double = Equity.defaultCoverageThreshold,
        leftOut: [(name: String, reason: String)] = []
    ) -> String {
        markdownSection(
            rows(
                plans, scenario: scenario, optimised: optimised, unplaced: unplaced,
                coverageThreshold: coverageThreshold),
            scenario: scenario, optimised: optimised, observed: observed, coverageThreshold: coverageThreshold,
            leftOut: leftOut)
    }

    /// The section for plans already scored (`rows`).
    /// `decomposition`, when given and complete, leads the section with the geography gain (`DecompositionReport`).
    public static func markdownSection(
        _ rows: [Row], scenario: Scenario, optimised: String, observed: String = "2021",
        coverageThreshold: Double = Equity.defaultCoverageThreshold,
        leftOut: [(name: String, reason: String)] = [],
        decomposition: Decomposition.Outcome? = nil, ranges: PostRanges.Ranges? = nil,
        wider: PostRanges.Ranges? = nil
    ) -> String {
        let best = rows.first { $0.name == optimised }
        let real = rows.first { $0.name == observed }
        let baselines = rows.filter { $0.name != optimised && $0.name != observed }
        var out = [
            real != nil
                ? "## Compared with the \(MarkdownText.inline(observed)) allocation and simple rules"
                : "## Compared with simple rules", "",
        ]
        if let best, let real {
            let decomposed = decomposition.flatMap {
                DecompositionReport.leadSentence(
                    $0, scenario: scenario, observed: real.evaluation, observedName: real.name,
                    observedPlan: real.plan)
            }
            out.append(
                decomposed
                    ?? leadSentence(best: best, real: real, scenario: scenario))
            out.append("")
        } else if let best {
            out.append(
                rows.count > 1
                    ? "The optimised plan (\(MarkdownText.code(best.name))) is compared with \(rows.count - 1) other plan(s) of the same scenario."
                    : "The optimised plan (\(MarkdownText.code(best.name))) is the only plan compared.")
            out.append("")
        }
        var method = [
            "Every plan is scored by the same model: its objective, costs and coverage are recomputed from its posts per structure and funding option, and it is checked against every rule of the scenario."
        ]
        if let example = baselines.first {
            method.append(
                "Baselines share the posts by a classic apportionment method on a weight per territory (here \(MarkdownText.code(example.name)), read as method:weight), then place them on host structures by a fixed rule."
            )
        }
        if real != nil {
            let option =
                Baselines.observedOption(scenario).map { " funded as \"\(MarkdownText.inline($0.label))\"" } ?? ""
            method.append(
                "The \(MarkdownText.inline(observed)) allocation is the posts validated per structure (the table's `posts_2021`)\(option)."
            )
        }
        out.append(method.joined(separator: " ") + " (docs/baselines.md)")
        out.append("")
        out.append(
            "| plan | objective | posts | State cost | people a year in post | people accompanied \(scenario.parameters.basis.period) | posts per 100,000: min / median / max (Gini) | coverage of need: min / median / max (Gini) | under \(Format.percent(coverageThreshold, decimals: 0)) of need | rules broken | posts moved vs optimised |"
        )
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for row in rows {
            let e = row.evaluation, q = row.equity
            let posts =
                Format.grouped(e.posts)
                + (row.unplaced.map { $0 > 0 ? " (+\(Format.grouped($0)) unplaced)" : "" } ?? "")
            let perHead =
                "\(Format.fixed(q.postsPer100k.min, decimals: 1)) / \(Format.fixed(q.postsPer100k.median, decimals: 1)) / \(Format.fixed(q.postsPer100k.max, decimals: 1)) (\(Format.fixed(q.postsPer100k.gini, decimals: 3)))"
            let coverage =
                "\(Format.percent(q.coverageRatio.min)) / \(Format.percent(q.coverageRatio.median)) / \(Format.percent(q.coverageRatio.max)) (\(Format.fixed(q.coverageRatio.gini, decimals: 3)))"
            // Half a post when the totals differ (each post added or removed counts ½): said as such, not rounded (a
            // review read 464 against comparison.csv's 463.5).
            let moved =
                row.postsMovedVsOptimised.map {
                    $0 == $0.rounded() ? Format.grouped($0) : Format.grouped($0.rounded(.down)) + ".5"
                } ?? "—"
            out.append(
                "| \(MarkdownText.code(row.name)) | \(Format.fixed(e.objective, decimals: 1)) | \(posts) | \(Format.millions(e.stateCostEUR)) | \(Format.grouped(Decomposition.peoplePerYear(e, scenario: scenario))) | \(Format.grouped(e.coverage)) | \(perHead) | \(coverage) | \(q.territoriesUnderThreshold) | \(row.violations.count) | \(moved) |"
            )
        }
        out.append("")
        let broken = rows.filter { !$0.violations.isEmpty || ($0.unplaced ?? 0) > 0 }
        if broken.isEmpty {
            out.append(
                rows.count > 1
                    ? "Every plan compared satisfies every rule of the scenario."
                    : "The plan satisfies every rule of the scenario.")
        } else {
            out.append(
                "Rules of this scenario broken, and posts a rule could not place. A plan made under other rules (the 2021 "
                    + "allocation) is checked against this scenario's limits, its host capacities among them, which may be "
                    + "assumptions rather than the programme's rules (the scenario's SOURCES.md says which): a capacity broken "
                    + "there measures how far the assumption is from what was done.")
            out.append("")
            for row in broken {
                let examples = Dictionary(
                    row.violations.map { ($0.rule.family.rawValue, $0) },
                    uniquingKeysWith: { first, _ in first })
                var parts = row.violatedFamilies.map { family -> String in
                    "`\(family.family)` × \(family.count)"
                        + (examples[family.family].map {
                            " (e.g. \(MarkdownText.code($0.constraint)): \(MarkdownText.inline($0.message)))"
                        } ?? "")
                }
                if let unplaced = row.unplaced, unplaced > 0 {
                    parts.append(
                        "\(Format.grouped(unplaced)) post(s) do not fit the host structures of their territory and are not placed"
                    )
                }
                out.append("- **\(MarkdownText.code(row.name))**: " + parts.joined(separator: "; ") + ".")
            }
        }
        out.append("")
        if !leftOut.isEmpty {
            out.append("Left out of the comparison, because they could not be computed:")
            out.append("")
            for entry in leftOut {
                out.append("- **\(MarkdownText.code(entry.name))**: \(MarkdownText.inline(entry.reason)).")
            }
            out.append("")
        }
        if let best, let real {
            out.append(
                contentsOf: ranges.map {
                    forcedChanges(best: best, real: real, scenario: scenario, ranges: $0, wider: wider)
                }
                    ?? changes(best: best, real: real, scenario: scenario))
        }
        if let decomposition, let real {
            out.append(
                DecompositionReport.section(
                    decomposition, scenario: scenario, observed: real.evaluation, observedName: real.name))
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// "With the same budget, the optimised plan reaches X more people in need over the horizon and Y more a year in
    /// post than the 2021 allocation; N départements gain posts, M lose." followed by what each spends, when the
    /// decomposition gives no lead (e.g. a budget the 2021 plan does not fit). Both counts, since a plan of longer,
    /// fewer posts reaches more people over a horizon with no renewal and fewer a year (a review found the €150M run
    /// saying only the first); the horizon and renewal share are said. "The same budget" only when it is.
    static func leadSentence(best: Row, real: Row, scenario: Scenario) -> String {
        let budget = scenario.parameters.budgetEUR
        let basis = scenario.parameters.basis
        let difference = best.evaluation.coverage - real.evaluation.coverage
        let perYear =
            Decomposition.peoplePerYear(best.evaluation, scenario: scenario)
            - Decomposition.peoplePerYear(real.evaluation, scenario: scenario)
        let name = MarkdownText.inline(real.name)
        func count(_ value: Double, _ what: String) -> String {
            abs(value) < 0.5
                ? "as many people \(what) as"
                : "\(Format.grouped(abs(value))) \(value > 0 ? "more" : "fewer") people \(what) than"
        }
        let horizon =
            basis.horizonYears.map {
                "in need \(basis.period) (with \(Format.percent(basis.renewalShare, decimals: 0)) of shorter posts renewed to \($0) year\($0 == 1 ? "" : "s"), `service.renewal_share`)"
            } ?? "in need \(basis.period)"
        let bestPosts = posts(best.evaluation), realPosts = posts(real.evaluation)
        let gain = bestPosts.filter { $0.value > (realPosts[$0.key] ?? 0) }.count
        let lose = bestPosts.filter { $0.value < (realPosts[$0.key] ?? 0) }.count
        let costBasis =
            basis.costPerPostEUR > 0
            ? "at this scenario's grants plus \(Format.grouped(basis.costPerPostEUR)) € of programme cost per post"
            : "at this scenario's grants (training and other programme costs excluded)"
        // "The same budget" only when it is: the observed plan costs the envelope, on the same basis.
        let fits = real.evaluation.stateCostEUR <= budget * (1 + 1e-9)
        let same = abs(real.evaluation.stateCostEUR - budget) < 0.5
        let framing =
            same
            ? "With the same budget"
            : fits
                ? "Within the \(Format.millions(budget)) budget, against \(Format.millions(real.evaluation.stateCostEUR)) for the \(name) allocation"
                : "Within the \(Format.millions(budget)) budget, which the \(name) allocation would exceed (\(Format.millions(real.evaluation.stateCostEUR)) \(costBasis))"
        return
            "**\(framing), the optimised plan reaches \(count(difference, horizon)) the \(name) allocation, and \(count(perYear, "a year in post")) it; \(gain) départements gain posts, \(lose) lose.** "
            + "It places \(Format.grouped(best.evaluation.posts)) posts for \(Format.millions(best.evaluation.stateCostEUR)) of the \(Format.millions(budget)) envelope; "
            + "the \(name) allocation placed \(Format.grouped(real.evaluation.posts)) posts, which cost the State \(Format.millions(real.evaluation.stateCostEUR)) \(costBasis)."
    }

    /// The changes against the observed plan that every plan within the ranges' tolerance makes: the observed posts
    /// moved to the nearest end of the territory's range (`PostRangesReport.forcedPosts`). A change inside the range is
    /// a free choice among nearly optimal plans, so it is not listed. With `wider` (the ranges within
    /// `comparison.range_tolerance`), a sentence says how many of these changes stay forced there: a review found 45
    /// forced within the MIP gap (10⁻⁴ of the value) and 1 within 0.5 %, unsaid.
    static func forcedChanges(
        best: Row, real: Row, scenario: Scenario, ranges: PostRanges.Ranges, wider: PostRanges.Ranges? = nil
    ) -> [String] {
        let realPosts = posts(real.evaluation)
        let names = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0.name) })
        let name = MarkdownText.inline(real.name)
        let tolerance = Format.percent(ranges.tolerance, decimals: 2)
        let deltas = best.evaluation.territories.compactMap {
            figures -> (code: String, before: Int, after: Int, range: PostRanges.Range, forced: Int)? in
            guard let range = ranges.byTerritory[figures.code] else { return nil }
            let before = realPosts[figures.code] ?? 0
            let forced = min(max(before, range.low), range.high) - before
            return forced == 0 ? nil : (figures.code, before, figures.posts, range, forced)
        }
        let gains = deltas.filter { $0.forced > 0 }.sorted { ($0.forced, $1.code) > ($1.forced, $0.code) }.prefix(5)
        let losses = deltas.filter { $0.forced < 0 }.sorted { (-$0.forced, $1.code) > (-$1.forced, $0.code) }.prefix(5)
        guard !gains.isEmpty || !losses.isEmpty else {
            return [
                "Every département's \(name) posts lie within its range of posts within \(tolerance) of the optimum's bound: no change against the \(name) allocation is forced by the model.",
                "",
            ]
        }
        var out = [
            "The largest changes against the \(name) allocation that every plan within \(tolerance) of the optimum's bound makes (\(deltas.count) départements in all; "
                + "a change inside a département's range is a free choice among nearly optimal plans and is not listed; section \"Posts the model forces and posts left free\"). "
                + "Forced is relative to that tolerance: a plan that keeps the \(name) posts in one of these départements is worth more than \(tolerance) less than that bound, "
                + "possibly not much more; what keeping them would cost is not computed here:",
            "",
            "| département | \(name) | range within \(tolerance) (found [bound]) | optimised | change every such plan makes |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for entry in Array(gains) + Array(losses) {
            out.append(
                "| \(MarkdownText.inline(names[entry.code] ?? entry.code)) (\(MarkdownText.inline(entry.code))) | \(entry.before) | \(PostRangesReport.shown(entry.range)) | \(entry.after) | \(entry.forced > 0 ? "+" : "−")\(abs(entry.forced)) |"
            )
        }
        out.append("")
        if let wider, wider.tolerance > ranges.tolerance {
            // A change no plan can avoid at any value: the observed posts beyond what the scenario's hosts and cap
            // allow, or under its floor (a review: Mayotte's 48 against hosts for 36, counted as "forced within 0.5
            // %").
            let territories = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0) })
            func limits(_ code: String) -> (least: Int, most: Int)? {
                territories[code].map { territory in
                    let range = scenario.postRange(of: territory)
                    return (range.min, min(range.max, scenario.index.capacity(ofTerritory: code)))
                }
            }
            let impossible = deltas.filter { entry in
                limits(entry.code).map { entry.before > $0.most || entry.before < $0.least } ?? false
            }
            let impossibleCodes = Set(impossible.map(\.code))
            let stay = deltas.filter { entry in
                !impossibleCodes.contains(entry.code)
                    && (wider.byTerritory[entry.code].map { entry.before < $0.low || entry.before > $0.high } ?? false)
            }
            func named(
                _ list: [(code: String, before: Int, after: Int, range: PostRanges.Range, forced: Int)]
            ) -> String {
                list.prefix(5).map {
                    "\(MarkdownText.inline(names[$0.code] ?? $0.code)) (\(MarkdownText.inline($0.code)))"
                }
                .joined(separator: ", ") + (list.count > 5 ? ", …" : "")
            }
            let widerTolerance = Format.percent(wider.tolerance, decimals: 2)
            let others = deltas.count - impossible.count
            var sentence = "These changes are forced within \(tolerance) of the value."
            if !impossible.isEmpty {
                let detail =
                    impossible.prefix(5).compactMap { entry in
                        limits(entry.code).map {
                            "\(MarkdownText.inline(names[entry.code] ?? entry.code)) (\(MarkdownText.inline(entry.code))): \(entry.before) against "
                                + (entry.before > $0.most ? "at most \($0.most)" : "at least \($0.least)")
                        }
                    }.joined(separator: ", ") + (impossible.count > 5 ? ", …" : "")
                sentence +=
                    " \(impossible.count == 1 ? "One" : "\(impossible.count)") of them \(impossible.count == 1 ? "is" : "are") forced whatever the value, the \(name) posts lying beyond what this scenario's hosts, caps or floors allow (\(detail))."
            }
            sentence += " Within \(widerTolerance) (`comparison.range_tolerance`), "
            if others == 0 {
                sentence += "no other change is forced."
            } else if stay.isEmpty {
                sentence +=
                    "none of the \(impossible.isEmpty ? "" : "other ")\(others) is: their \(name) posts lie within their ranges there."
            } else if stay.count == others {
                sentence +=
                    "\(others == 1 ? "it stays" : "all \(others) \(impossible.isEmpty ? "" : "others ")stay") forced (\(named(stay)))."
            } else {
                sentence +=
                    "\(stay.count) of the \(impossible.isEmpty ? "" : "other ")\(others) \(stay.count == 1 ? "stays" : "stay") forced (\(named(stay))); the \(name) posts of the other \(others - stay.count) lie within their range there."
            }
            out.append(sentence)
            out.append("")
        }
        return out
    }

    /// The départements that gain and lose the most posts between the observed and the optimised plan.
    static func changes(best: Row, real: Row, scenario: Scenario) -> [String] {
        let realPosts = posts(real.evaluation)
        let names = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0.name) })
        let deltas = best.evaluation.territories.map { ($0.code, realPosts[$0.code] ?? 0, $0.posts) }
            .filter { $0.1 != $0.2 }
        let gains = deltas.filter { $0.2 > $0.1 }.sorted { ($0.2 - $0.1, $1.0) > ($1.2 - $1.1, $0.0) }.prefix(5)
        let losses = deltas.filter { $0.2 < $0.1 }.sorted { ($0.1 - $0.2, $1.0) > ($1.1 - $1.2, $0.0) }.prefix(5)
        let name = MarkdownText.inline(real.name)
        guard !gains.isEmpty || !losses.isEmpty else {
            return ["The optimised plan gives every territory the same posts as the \(name) allocation.", ""]
        }
        var out = ["| département | \(name) | optimised | change |", "| --- | ---: | ---: | ---: |"]
        for (code, before, after) in Array(gains) + Array(losses) {
            let change = after - before
            out.append(
                "| \(MarkdownText.inline(names[code] ?? code)) (\(MarkdownText.inline(code))) | \(before) | \(after) | \(change > 0 ? "+" : "")\(change) |"
            )
        }
        out.append("")
        return ["The largest gains and losses of posts against the \(name) allocation:", ""] + out
    }
}
