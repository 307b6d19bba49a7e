import AllocationModel
import Foundation
import Scenario
import Studies

/// The ranges of posts around the plan (`PostRanges`): four columns of allocation_by_territory.csv and the report's
/// section "Posts the model forces and posts left free". Columns: docs/outputs.md.
public enum PostRangesReport {
    /// The columns when ranges were computed (the first within the gap, the second within the wider tolerance).
    public static func columns(_ ranges: [PostRanges.Ranges]) -> [String] {
        guard ranges.count == 2 else { return [] }
        return ["posts_min_gap", "posts_max_gap", "posts_min_tolerance", "posts_max_tolerance"]
            + ["posts_min_gap_found", "posts_max_gap_found", "posts_min_tolerance_found", "posts_max_tolerance_found"]
    }

    /// The LP's bounds of both tolerances, then the ends of the plans found (empty when not searched).
    public static func cells(_ ranges: [PostRanges.Ranges], territory code: String) -> [CSVWriter.Cell] {
        guard ranges.count == 2 else { return [] }
        let bounds = ranges.flatMap { ranges -> [CSVWriter.Cell] in
            guard let range = ranges.byTerritory[code] else { return [.empty, .empty] }
            return [.integer(range.low), .integer(range.high)]
        }
        let found = ranges.flatMap { ranges -> [CSVWriter.Cell] in
            let range = ranges.byTerritory[code]
            return [range?.lowFound, range?.highFound].map { $0.map(CSVWriter.Cell.integer) ?? .empty }
        }
        return bounds + found
    }

    /// The 2021 posts moved to the nearest value of the range: every plan within the tolerance changes at least this
    /// much against 2021 (posts − this is a free choice). Territories without 2021 posts or range are left out.
    public static func forcedPosts(_ ranges: PostRanges.Ranges, scenario: Scenario) -> [String: Int] {
        var result: [String: Int] = [:]
        for territory in scenario.territories {
            guard let before = territory.posts2021, let range = ranges.byTerritory[territory.code] else { continue }
            result[territory.code] = min(max(before, range.low), range.high)
        }
        return result
    }

    /// Posts between the plans found and the bounds, summed over both sides of every territory: how far the ranges
    /// shown may be from the exact ones.
    static func postsOpen(_ ranges: PostRanges.Ranges) -> Int {
        ranges.byTerritory.values.reduce(0) { total, range in
            total + (range.lowFound.map { $0 - range.low } ?? 0) + (range.highFound.map { range.high - $0 } ?? 0)
        }
    }

    /// "low–high", each end as "found [bound]" where the plan found does not reach the LP's bound.
    static func shown(_ range: PostRanges.Range) -> String {
        func end(_ found: Int?, _ bound: Int) -> String {
            found.map { $0 == bound ? "\(bound)" : "\($0) [\(bound)]" } ?? "\(bound)"
        }
        return "\(end(range.lowFound, range.low))–\(end(range.highFound, range.high))"
    }

    /// The section: how many territories' posts are forced, the widest ranges, and what that means for the tables.
    public static func section(
        _ ranges: [PostRanges.Ranges], scenario: Scenario, posts: [String: Int], mipGap: Double
    ) -> String {
        guard ranges.count == 2 else { return "" }
        let names = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0.name) })
        let gap = ranges[0], wide = ranges[1]
        var out = ["## Posts the model forces and posts left free", ""]
        let forcedGap = gap.byTerritory.values.filter(\.isPoint).count
        let forcedWide = wide.byTerritory.values.filter(\.isPoint).count
        out.append(
            "For every département, the fewest and the most posts it can hold in a plan whose value of coverage is within the MIP gap (\(Format.percent(gap.tolerance, decimals: 3))) "
                + "of the optimum's bound, and within \(Format.percent(wide.tolerance, decimals: 2)) (`comparison.range_tolerance`): allocation_by_territory.csv, columns `posts_min_gap` … `posts_max_tolerance`. "
                + "Each bound comes from the LP relaxation with the value held by a row, tightened where a proof over integer plans allows (below), so the true integer range lies inside it (docs/model.md, \"Ranges around the plan\"). "
                + "The model forces the posts of \(forcedGap) of \(gap.byTerritory.count) départements within the gap, and of \(forcedWide) within \(Format.percent(wide.tolerance, decimals: 2)); "
                + "anywhere else, the plan's number is one choice among plans the objective cannot tell apart, and a change inside the range is not a finding."
        )
        let searched = gap.byTerritory.values.filter { $0.lowFound != nil && $0.highFound != nil }.count
        if searched > 0 {
            let exactGap = gap.byTerritory.values.filter(\.isExact).count
            let exactWide = wide.byTerritory.values.filter(\.isExact).count
            out.append("")
            out.append(
                "Each end was then looked for among real plans (one-post moves from a plan within the gap, the published one or the solver's own before the tie-break when it is worth more, every rule and the value kept"
                    + (wide.tolerance > gap.tolerance
                        ? "; within \(Format.percent(wide.tolerance, decimals: 2)), where the moves stopped short, the primal heuristic with the posts held at the end or one post inside"
                            + (gap.proofs != nil ? "; within the gap, the same after the proofs below" : "")
                        : "")
                    + "; columns `…_found`): "
                    + "plans were found at both ends of the range for \(exactGap) of \(gap.byTerritory.count) départements within the gap, and for \(exactWide) within \(Format.percent(wide.tolerance, decimals: 2)): "
                    + "there the range is exactly the integer one."
                    + (exactGap == gap.byTerritory.count && exactWide == wide.byTerritory.count
                        ? ""
                        : " Elsewhere the true end lies between the plan found and the bound (shown as found [bound] below): "
                            + "\(Format.grouped(Self.postsOpen(gap))) post\(Self.postsOpen(gap) == 1 ? "" : "s") in all within the gap, \(Format.grouped(Self.postsOpen(wide))) within \(Format.percent(wide.tolerance, decimals: 2)).")
            )
            let proved = [gap, wide].compactMap { ranges in ranges.proofs.map { (ranges.tolerance, $0) } }
            if !proved.isEmpty {
                let parts = proved.map { tolerance, proofs in
                    "within \(Format.percent(tolerance, decimals: tolerance < 0.001 ? 3 : 2)), "
                        + (proofs.sides == 0
                            ? "no end left open"
                            : (proofs.sides == 1
                                ? "1 end tried, its bound" : "\(proofs.sides) ends tried, their bounds")
                                + " tightened by \(proofs.postsTightened) post\(proofs.postsTightened == 1 ? "" : "s") in all")
                }
                out.append("")
                out.append(
                    "Where the plans found stopped short of the LP's bound, the end was then decided over integer plans: with the territory's posts held at the bound by a row, a short branch-and-bound (GLPK's root with its Gomory cuts, at most \(RangeProof.nodeLimit) nodes) either proves that no plan within the tolerance reaches it, and the bound moves one post inside and the next post is tried (up to \(RangeProof.triesPerSide) a side), or finds a plan there, or decides nothing and leaves the side open; "
                        + parts.joined(separator: "; ")
                        + (gap.proofs == nil
                            ? " (within the gap these proofs were turned off: `comparison.gap_range_proofs: false`)"
                            : "")
                        + ". The counts of exact ranges above include them."
                )
            }
            let outOfBudget = gap.endsOutOfBudget + wide.endsOutOfBudget
            if outOfBudget > 0 {
                out.append("")
                out.append(
                    "\(outOfBudget) open end\(outOfBudget == 1 ? " was" : "s were") not tried when their tolerance's budget of tries (\(RangeProof.workBudget(territories: gap.byTerritory.count)), proofs and heuristic attempts together) ran out: \(outOfBudget == 1 ? "its range stays" : "their ranges stay") between the plan found and the LP's bound, the same on any machine."
                )
            }
            let outOfMoves = gap.searchesOutOfMoves + wide.searchesOutOfMoves
            if outOfMoves > 0 {
                out.append("")
                out.append(
                    "\(outOfMoves) of these searches stopped when their tolerance's budget of one-post moves ran out (docs/model.md): their found ends are where the budget left them, the same on any machine."
                )
            }
            let cut = gap.searchesCut + wide.searchesCut
            if cut > 0 {
                out.append("")
                out.append(
                    "The run's time stopped \(cut) of these searches: their found ends depend on the machine's speed."
                )
            }
        }
        if gap.failed + wide.failed > 0 {
            out.append("")
            out.append(
                "\(gap.failed + wide.failed) of the range LPs did not solve; on those sides the range stops at the plan's own posts."
            )
        }
        out.append("")
        let widest = scenario.territories.compactMap {
            t -> (code: String, gap: PostRanges.Range, wide: PostRanges.Range)? in
            guard let g = gap.byTerritory[t.code], let w = wide.byTerritory[t.code], g.high > g.low else { return nil }
            return (t.code, g, w)
        }.sorted { ($0.gap.high - $0.gap.low, $1.code) > ($1.gap.high - $1.gap.low, $0.code) }.prefix(10)
        if widest.isEmpty {
            out.append(
                "Within the gap, every département's posts are forced: the plan is the only one of its value, territory by territory."
            )
        } else {
            out.append("The widest ranges within the gap:")
            out.append("")
            out.append(
                "| département | plan | within the gap | within \(Format.percent(wide.tolerance, decimals: 2)) |")
            out.append("| --- | ---: | ---: | ---: |")
            for entry in widest {
                out.append(
                    "| \(MarkdownText.inline(names[entry.code] ?? entry.code)) (\(MarkdownText.inline(entry.code))) | \(posts[entry.code] ?? 0) | \(shown(entry.gap)) | \(shown(entry.wide)) |"
                )
            }
        }
        out.append("")
        if !widest.isEmpty {
            out.append(
                "Every département's range is in the last section of this report, \"Every département's range of posts\"."
            )
            out.append("")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The last section of the report: every territory's range, in code order, so that a reader finds the range of
    /// the one they answer for, not only the widest (a review: the README promised it, the report showed ten).
    public static func appendix(_ ranges: [PostRanges.Ranges], scenario: Scenario, posts: [String: Int]) -> String {
        guard ranges.count == 2 else { return "" }
        let gap = ranges[0], wide = ranges[1]
        // The 2021 column only where the scenario has 2021 posts (a review read an empty column under a sentence on
        // it).
        let observed = scenario.territories.contains { $0.posts2021 != nil }
        var out = [
            "## Every département's range of posts", "",
            "The fewest and the most posts each département can hold in a plan within the MIP gap (\(Format.percent(gap.tolerance, decimals: 3))) of the optimum's bound, and within \(Format.percent(wide.tolerance, decimals: 2)) (section \"Posts the model forces and posts left free\"; found [bound] where the plans found stop short of the proven bound)."
                + (observed
                    ? " The 2021 column is the posts of the 2021 allocation (`posts_2021`): outside a range, every plan within that tolerance changes it."
                    : ""),
            "",
            "| département | plan |\(observed ? " 2021 |" : "") within the gap | within \(Format.percent(wide.tolerance, decimals: 2)) |",
            "| --- | ---: |\(observed ? " ---: |" : "") ---: | ---: |",
        ]
        for territory in scenario.territories {
            guard let g = gap.byTerritory[territory.code], let w = wide.byTerritory[territory.code] else { continue }
            out.append(
                "| \(MarkdownText.inline(territory.name)) (\(MarkdownText.inline(territory.code))) | \(posts[territory.code] ?? 0) |"
                    + (observed ? " \(territory.posts2021.map(String.init) ?? "") |" : "")
                    + " \(shown(g)) | \(shown(w)) |"
            )
        }
        out.append("")
        return out.joined(separator: "\n") + "\n"
    }
}
