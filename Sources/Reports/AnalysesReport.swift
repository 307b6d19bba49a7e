import AllocationModel
import Foundation
import LinearProgramming
import Scenario
import Studies

/// Tables and report sections for the re-solve analyses: sensitivity and the efficiency–equity frontier.
public enum AnalysesReport {
    public static func sensitivityCSV(_ rows: [Sensitivity.Row]) -> String {
        var writer = CSVWriter(columns: [
            "change", "override", "status", "objective", "coverage", "delta_objective",
            "delta_coverage", "coverage_per_unit", "unit", "gap",
        ])
        for row in rows {
            writer.append([
                .text(row.label), .text(row.override), .text(row.status),
                row.objective.map { .number($0, decimals: 3) } ?? .empty,
                row.coverage.map { .number($0, decimals: 1) } ?? .empty,
                row.deltaObjective.map { .number($0, decimals: 3) } ?? .empty,
                row.deltaCoverage.map { .number($0, decimals: 1) } ?? .empty,
                row.coveragePerUnit.map { .number($0, decimals: 3) } ?? .empty,
                .text(row.unit), row.relativeGap.map { .number($0, decimals: 8) } ?? .empty,
            ])
        }
        return writer.text
    }

    public static func frontierCSV(_ points: [Frontier.Point]) -> String {
        var writer = CSVWriter(columns: [
            "step", "epsilon", "min_coverage_ratio", "coverage", "objective", "status", "gap",
        ])
        for (index, point) in points.enumerated() {
            writer.append([
                .integer(index), .number(point.epsilon, decimals: 6), .number(point.minCoverageRatio, decimals: 6),
                .number(point.coverage, decimals: 1), .number(point.objective, decimals: 3), .text(point.status),
                point.relativeGap.map { .number($0, decimals: 8) } ?? .empty,
            ])
        }
        return writer.text
    }

    /// The sensitivity table, each row with its own solve (status and gap), then which changes are within the
    /// solver's tolerance: each re-solve stops within `mipGap` of its optimum, so a change of objective smaller than
    /// `mipGap` × the base objective is not a measured effect. A row whose solve stopped at a limit is never called
    /// within tolerance: its change is what the plan it found reaches, and the report says so.
    public static func sensitivitySection(
        _ rows: [Sensitivity.Row], mipGap: Double = 0, baseObjective: Double = 0
    ) -> [String] {
        guard !rows.isEmpty else { return [] }
        var out = [
            "## What one more euro or post buys", "",
            "Each line re-solves the whole integer plan with one change (not LP duals, which an integer plan does not have), and is compared with this scenario solved the same way: the solver's own plan, before the tie-break chose the published one among the optima. People are counted over the scenario's horizon (`service.horizon_years`).",
            "",
            "| change | people accompanied | change in people | per unit | change in objective | solve |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in rows {
            let people = row.coverage.map { Format.grouped($0) } ?? "no plan (\(MarkdownText.inline(row.status)))"
            let delta = row.deltaCoverage.map { ($0 >= 0 ? "+" : "") + Format.grouped($0) } ?? ""
            let perUnit =
                row.coveragePerUnit.map { Format.fixed($0, decimals: 1) + " " + MarkdownText.inline(row.unit) }
                ?? MarkdownText.inline(row.unit)
            let objective = row.deltaObjective.map { ($0 >= 0 ? "+" : "") + Format.fixed($0, decimals: 1) } ?? ""
            let solve = row.status + (row.relativeGap.map { ", gap \(Format.percent($0, decimals: 4))" } ?? "")
            out.append(
                "| \(MarkdownText.inline(row.label)) | \(people) | \(delta) | \(perUnit) | \(objective) | \(MarkdownText.inline(solve)) |"
            )
        }
        out.append("")
        let tolerance = mipGap * abs(baseObjective)
        let stopped = rows.filter { $0.coverage != nil && !Self.proven($0, mipGap: mipGap) }.map(\.label)
        let within = rows.filter { row in
            Self.proven(row, mipGap: mipGap) && (row.deltaObjective.map { abs($0) < tolerance } ?? false)
        }.map(\.label)
        if tolerance > 0, !within.isEmpty {
            out.append(
                "Each re-solve stops within a relative gap of \(Format.percent(mipGap, decimals: 3)) of its optimum, about \(Format.grouped(tolerance)) of objective here: the changes of \(within.map(MarkdownText.inline).joined(separator: ", ")) are smaller than that, so they are within the solver's tolerance rather than measured effects. Variants that relax a rule start from the solver's own plan of this scenario, so they never score below it."
            )
            out.append("")
        }
        if !stopped.isEmpty {
            out.append(
                "The re-solves of \(stopped.map(MarkdownText.inline).joined(separator: ", ")) stopped at a limit before proving their plan within \(Format.percent(mipGap, decimals: 3)) of its optimum (their gap in the table): their lines give what the plan found reaches, not the change's effect, which may be larger."
            )
            out.append("")
        }
        return out
    }

    /// A row's solve proved its plan within the gap (status `optimal`, or a gap no wider than `mipGap`).
    static func proven(_ row: Sensitivity.Row, mipGap: Double) -> Bool {
        row.status == SolveStatus.optimal.rawValue || (row.relativeGap.map { $0 <= mipGap } ?? false)
    }

    /// The frontier table, then one sentence on what raising the floor costs in value of coverage, the plan's own aim.
    /// `mipGap` is the solver's tolerance: a change of value within it is reported as no change. With `published` (the
    /// run's own plan), one more sentence sets the highest floor's plan beside it (a review did the arithmetic by hand:
    /// every département at 21.1 % or more for 0.54 % of the value).
    /// `capacityBounds`: the max-min relaxation's bound on the highest floor under each capacity variant of the
    /// robustness analysis, and `baseBound` the scenario's own (`Frontier.highestFloorBound`): how far the highest
    /// floor rests on the hosts' capacities, a guess.
    public static func frontierSection(
        _ points: [Frontier.Point], mipGap: Double = 0, published: PlanEvaluation? = nil,
        capacityBounds: [(label: String, bound: Double)] = [], baseBound: Double? = nil
    ) -> [String] {
        guard points.count >= 2, let first = points.first, let last = points.last else { return [] }
        // One sign (U+2212) and grouped digits for every figure of the sentence (a review read "5890.0 (-0.126 %)"
        // beside "−14,672").
        func signed(_ value: Double) -> String { (value >= 0 ? "+" : "−") + Format.grouped(abs(value)) }
        func signedPercent(_ ratio: Double, decimals: Int = 3) -> String {
            (ratio >= 0 ? "+" : "−") + Format.percent(abs(ratio), decimals: decimals)
        }
        var out = [
            "## Efficiency against equity", "",
            "Each row maximises the value of coverage, the plan's own objective (need-weighted, so it counts where the people are accompanied, not only how many), while every département's coverage of its need stays at or above a floor (ε); the last row's floor is the highest a max-min solve reached. Raising the floor helps the least covered départements and may cost value:",
            "",
            "| floor on every département's coverage | smallest coverage reached | value of coverage | people accompanied by that plan | solve |",
            "| ---: | ---: | ---: | ---: | --- |",
        ]
        for point in points {
            let solve = point.status + (point.relativeGap.map { ", gap \(Format.percent($0, decimals: 4))" } ?? "")
            out.append(
                "| \(Format.percent(point.epsilon)) | \(Format.percent(point.minCoverageRatio)) | \(Format.fixed(point.objective, decimals: 1)) | \(Format.grouped(point.coverage)) | \(MarkdownText.inline(solve)) |"
            )
        }
        out.append("")
        let change = last.objective - first.objective
        let relative = first.objective > 0 ? change / first.objective : 0
        let people = last.coverage - first.coverage
        let raising =
            "Raising the floor on every département's coverage from \(Format.percent(first.epsilon)) to \(Format.percent(last.epsilon)) (the highest reached)"
        // "Within the tolerance" only when every point's own solve reached its gap; a point a limit stopped is said so.
        let stopped = points.filter { $0.status != "optimal" }
        let widest = points.compactMap(\.relativeGap).max() ?? mipGap
        if !stopped.isEmpty {
            out.append(
                "\(raising) changes the value of coverage by \(signed(change)) (\(signedPercent(relative))) and the people accompanied by \(signed(people)); \(stopped.count) of the \(points.count) points stopped at a limit before proving the gap (column \"solve\"), so this is the difference between the plans found, not a measured cost of equity."
            )
        } else if abs(relative) <= 2 * max(mipGap, widest) {
            out.append(
                "\(raising) changes the value of coverage by \(signed(change)) (\(signedPercent(relative))), within the solver's tolerance (relative gap up to \(Format.percent(max(mipGap, widest), decimals: 3)) per solve): in this scenario, equity costs no measurable value (people accompanied: \(signed(people)))."
            )
        } else {
            out.append(
                "\(raising) \(change < 0 ? "costs" : "adds") \(Format.grouped(abs(change))) of the value of coverage (\(Format.percent(abs(relative), decimals: 3))), and changes the people accompanied by \(signed(people))."
            )
        }
        // Each point maximises the value above its floor; plans that tie on it may differ in their
        // smallest coverage, so that column need not rise with the floor (a review read a fall as a contradiction).
        let falls = zip(points, points.dropFirst()).filter { $1.minCoverageRatio < $0.minCoverageRatio - 1e-9 }
        if let fall = falls.first {
            out.append("")
            out.append(
                "The smallest coverage reached is that of the plan found at each floor, one among the plans that reach its value of coverage: it is at least the floor, but need not rise with it (at the floor of \(Format.percent(fall.1.epsilon)) it is \(Format.percent(fall.1.minCoverageRatio)), against \(Format.percent(fall.0.minCoverageRatio)) at \(Format.percent(fall.0.epsilon)))."
            )
        }
        if let published, published.coverage > 0, published.objective > 0 {
            let smallest = published.territories.filter { $0.need > 0 }.map(\.coverageRatio).min() ?? 0
            let people = last.coverage - published.coverage
            let value = (last.objective - published.objective) / published.objective
            out.append("")
            out.append(
                "Against the published plan (\(Format.grouped(published.coverage)) people accompanied, smallest coverage "
                    + "\(Format.percent(smallest))), the plan at the highest floor accompanies \(signed(people)) people "
                    + "(\(signedPercent(people / published.coverage, decimals: 2))), its value of coverage changes by "
                    + "\(signedPercent(value, decimals: 2)), and every "
                    + "département is at \(Format.percent(last.minCoverageRatio)) or more"
                    + (last.status == "optimal"
                        ? "." : "; that point stopped at a limit (column \"solve\"), so this compares the plans found.")
            )
        }
        if !last.pinnedBy.isEmpty {
            out.append("")
            out.append(
                "The highest floor is pinned by \(last.pinnedBy.map { MarkdownText.code($0) }.joined(separator: ", ")): at the smallest coverage, with every post its hosts or its cap allow; more capacity there would raise the floor."
            )
        } else if last.pinsChecked {
            // Said too when nothing pins it (a review doubled the capacities and read no sentence at all); only where
            // the top point's own solve looked.
            out.append("")
            out.append(
                "In the plan at the highest floor, no département at the smallest coverage holds every post its hosts or its cap allow: what holds that floor is what they share (the money, the posts, the région caps), not one département's hosts."
            )
        }
        if !capacityBounds.isEmpty {
            let parts = capacityBounds.map { "\(Format.percent($0.bound)) with \(MarkdownText.inline($0.label))" }
            let asWritten =
                baseBound.map {
                    "\(Format.percent($0)) as written (where \(Format.percent(last.minCoverageRatio)) is reached), "
                } ?? ""
            let bounds = ([baseBound].compactMap { $0 } + capacityBounds.map(\.bound)).map { Format.percent($0) }
            // Pinned: one territory's hosts hold the floor, so it moves with their capacity, a guess. Not pinned: say
            // the bounds, and whether they move at all (a review read "rests on the hosts' capacities" right after
            // "not one département's hosts").
            let lead =
                last.pinnedBy.isEmpty
                ? "Under the robustness analysis's capacity variants, the max-min relaxation, which no plan's floor exceeds, bounds the highest floor at "
                : "The highest floor rests on the hosts' capacities, a guess of this scenario. The max-min relaxation, which no plan's floor exceeds, bounds it at "
            out.append("")
            out.append(
                lead + asWritten + parts.joined(separator: ", ")
                    + (Set(bounds).count == 1
                        ? ": it does not move with the hosts' capacities."
                        : " (the robustness analysis's capacity variants; their max-min is not solved)."))
        }
        out.append("")
        return out
    }
}
