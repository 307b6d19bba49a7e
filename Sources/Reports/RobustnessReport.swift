import AllocationModel
import Foundation
import Studies

/// `robustness.csv` and the report's "Robustness to the guesses" section (docs/outputs.md).
public enum RobustnessReport {
    /// One row per variant and territory: the variant's posts against the run's plan.
    public static func csv(_ report: Robustness.Report) -> String {
        var writer = CSVWriter(columns: [
            "variant", "key", "value", "status", "gap", "objective", "coverage", "territory_code",
            "posts_base", "posts", "delta",
        ])
        for row in report.rows {
            for t in report.codes.indices {
                let posts = row.territoryPosts?[t]
                writer.append([
                    .text(row.label), .text(row.guess.rawValue), .number(row.value, decimals: 4), .text(row.status),
                    row.relativeGap.map { .number($0, decimals: 8) } ?? .empty,
                    row.objective.map { .number($0, decimals: 3) } ?? .empty,
                    row.coverage.map { .number($0, decimals: 1) } ?? .empty,
                    .text(report.codes[t]), .integer(report.basePosts[t]),
                    posts.map { .integer($0) } ?? .empty,
                    posts.map { .integer($0 - report.basePosts[t]) } ?? .empty,
                ])
            }
        }
        return writer.text
    }

    /// The table of variants, the territories each moves, and the conclusions that hold in every variant.
    public static func section(_ report: Robustness.Report) -> String {
        /// "N", or "N (U undecided, M more between the plans found)": territories that differ by more than the
        /// threshold but lie between the plans found and the range's bounds (undecided), or between the fewest and the
        /// most posts found in the scenario's own plans within the gap.
        func movedCount(_ row: Robustness.Row, moved: Int) -> String {
            let undecided = report.undecided(in: row).count
            let inside = report.movedInsideRange(in: row)
            let notes =
                (undecided > 0 ? ["\(undecided) undecided"] : [])
                + (inside > 0 ? ["\(inside) more between the plans found"] : [])
            return notes.isEmpty ? String(moved) : "\(moved) (\(notes.joined(separator: ", ")))"
        }

        var out = [
            "## Robustness to the guesses", "",
            "The scenario's guesses (SOURCES.md) re-solved at the ends of their documented ranges, every other input "
                + "as written; a territory *moves* when its posts differ from "
                + (report.againstSolverOwnPlan
                    ? "the scenario's plan solved the same way (by the objective alone: the solver's own plan, before the tie-break chose the published one among the optima; \"plan\" and \"this plan\" below) "
                    : "this plan's ")
                + "by more than \(report.movedPosts)"
                + (report.baseRanges != nil
                    ? " and lie outside the bounds of its range within the MIP gap (section \"Posts the model forces and posts "
                        + "left free\"): no plan of the scenario itself within the gap holds that many. Posts between the fewest "
                        + "and the most found in the scenario's own plans are a choice the scenario itself could have made, not an "
                        + "effect of the guess; posts between those plans and the bounds are *undecided*: a plan of the scenario "
                        + "may or may not hold them"
                    : "")
                + ". Full table: `robustness.csv` (every territory's posts, inside its range or not).", "",
            "| variant | status | gap | value vs plan | people vs plan | posts | territories moved | largest moves |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in report.rows {
            let moved = report.moved(in: row)
            let largest = moved.prefix(4).map {
                "\(report.codes[$0.index]) \($0.delta > 0 ? "+" : "−")\(abs($0.delta))"
            }.joined(separator: ", ")
            let objective =
                row.objective.map {
                    Format.percent(($0 - report.baseObjective) / max(report.baseObjective, 1e-9), decimals: 2)
                } ?? "—"
            let coverage =
                row.coverage.map {
                    Format.percent(($0 - report.baseCoverage) / max(report.baseCoverage, 1e-9), decimals: 2)
                } ?? "—"
            out.append(
                "| \(MarkdownText.inline(row.label)) | \(MarkdownText.inline(row.status)) | "
                    + "\(row.relativeGap.map { Format.percent($0, decimals: 3) } ?? "—") | \(objective) | \(coverage) | "
                    + "\(row.posts.map(Format.grouped) ?? "—") | \(row.territoryPosts == nil ? "—" : movedCount(row, moved: moved.count)) | \(largest.isEmpty ? "none" : largest) |"
            )
        }
        out.append("")
        let solved = report.solved
        guard !solved.isEmpty else {
            return
                (out + [
                    "**No variant was solved**, so this run says nothing about how its plan depends on the guesses.",
                    "",
                ]).joined(separator: "\n")
        }
        let unsolved = report.rows.count - solved.count
        let stable = report.stableTerritories
        var survive = [
            "**What survives every variant** (\(solved.count) of \(report.rows.count) variants solved"
                + (unsolved > 0 ? "; the others say nothing either way" : "") + "):", "",
        ]
        let movedAway = report.movedTerritories
        func listed(_ indices: [Int]) -> String {
            indices.prefix(20).map { "\(report.codes[$0]) \(MarkdownText.inline(report.names[$0]))" }
                .joined(separator: ", ") + (indices.count > 20 ? ", …" : "")
        }
        if report.baseRanges != nil {
            let open = report.codes.indices.filter { !stable.contains($0) && !movedAway.contains($0) }
            survive.append(
                "- \(stable.count) of \(report.codes.count) territories stay within ±\(report.movedPosts) posts of this plan or "
                    + "between the plans found in every variant"
                    + (movedAway.isEmpty
                        ? "; no variant moves a territory outside its range within the gap"
                        : "; \(movedAway.count) move outside their range within the gap in some variant, so their posts "
                            + "depend on the guesses: " + listed(movedAway))
                    + (open.isEmpty
                        ? ""
                        : "; for the other \(open.count), a variant lies between the plans found and the range's bounds, "
                            + "undecided: " + listed(open))
                    + ".")
        } else {
            survive.append(
                "- \(stable.count) of \(report.codes.count) territories stay within ±\(report.movedPosts) posts of this plan in every variant"
                    + (stable.count < report.codes.count
                        ? "; the others' posts depend on the guesses: "
                            + listed(report.codes.indices.filter { !stable.contains($0) }) : "") + ".")
        }
        if report.posts2021.contains(where: { $0 != nil }) {
            let gain = report.sameSignAgainst2021(1), lose = report.sameSignAgainst2021(-1)
            survive.append(
                report.baseRanges != nil
                    ? "- Against the 2021 allocation, \(gain.count) territories gain posts and \(lose.count) lose posts in every plan within the gap and in every variant; "
                        + "for the other \(report.codes.count - gain.count - lose.count), 2021's posts lie within the bounds of the range within the gap, or a variant changes the sign (or stays equal), so their gain or loss is not a finding."
                    : "- Against the 2021 allocation, \(gain.count) territories gain posts and \(lose.count) lose posts in this plan and in every variant; "
                        + "\(report.codes.count - gain.count - lose.count) change sign (or stay equal) in at least one, so their gain or loss is not a finding."
            )
        }
        let allPosts = solved.compactMap(\.posts)
        if let low = allPosts.min(), let high = allPosts.max() {
            survive.append(
                "- Posts placed range from \(Format.grouped(low)) to \(Format.grouped(high)) over the variants.")
        }
        return (out + survive + [""]).joined(separator: "\n")
    }
}
