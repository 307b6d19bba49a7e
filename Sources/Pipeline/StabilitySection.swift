import AllocationModel
import Foundation
import Reports
import Scenario

/// The report's section for a stability stage `closeness:run:<RUN_FOLDER>`: how many posts moved against the previous
/// run, per territory, and what keeping close cost: the value stage's optimum (the plan without the stability stage)
/// less the value of the plan kept (docs/model.md, "Commitments and waves").
enum StabilitySection {
    static func section(_ outcome: Solving.Outcome) -> String {
        guard !outcome.previousRuns.isEmpty else { return "" }
        let record = outcome.record
        var lines = ["## Stability against a previous run", ""]
        // The value stage's optimum in value units (the program's objective is the value over `objectiveScale`, plus a
        // tie-break below 0.01 for a whole plan).
        let unconstrained = outcome.stages.first { $0.name == "value" }?.value.map { $0 * outcome.model.objectiveScale }
        for name in outcome.previousRuns.keys.sorted() {
            let target = outcome.previousRuns[name]!
            let differences = record.scenario.territories.map {
                abs((record.evaluation.territory($0.code)?.posts ?? 0) - (target[$0.code] ?? 0))
            }
            let distance = differences.reduce(0, +)
            let changed = differences.filter { $0 > 0 }.count
            let folder = String(name.dropFirst("closeness:run:".count))
            lines.append(
                "Stage `\(MarkdownText.inline(name))` keeps the posts per \(outcome.previousStructures[name] == nil || outcome.stabilityFallback != nil ? "territory" : "pool and structure") as close as possible to the run in \(MarkdownText.code(folder)) "
                    + "once the earlier stages are held: **\(Format.grouped(distance)) post\(distance == 1 ? "" : "s") of difference** in all "
                    + "(Σ |posts − previous posts| over the territories), in \(changed) territor\(changed == 1 ? "y" : "ies")."
            )
            if let previous = outcome.previousStructures[name] {
                let moved = postsMoved(
                    record.plan.placements.map { ($0.structureID, $0.posts) },
                    previous.map { ($0.structureID, $0.posts) })
                lines.append("")
                lines.append(
                    "Per structure: **\(Format.grouped(moved.posts)) post\(moved.posts == 1 ? "" : "s") moved** "
                        + "(½ Σ_s |posts_s − previous posts_s| over the structures), \(moved.structures) structure\(moved.structures == 1 ? "" : "s") changed."
                )
            }
        }
        if let fallback = outcome.stabilityFallback {
            lines.append("")
            lines.append(
                "GLPK failed on the closeness rows per pool (\(MarkdownText.inline(fallback))), so the stage kept the posts per "
                    + "territory; the structures that held a pool's posts before were still given them first.")
        }
        if let unconstrained {
            let cost = max(0, unconstrained - record.objective)
            lines.append("")
            lines.append(
                "Stability cost: the plan without the stability stage is worth \(Format.fixed(unconstrained, decimals: 1)); the plan kept "
                    + "is worth \(Format.fixed(record.objective, decimals: 1)), \(Format.fixed(cost, decimals: 1)) less "
                    + "(within the value stage's MIP gap, which the later stages may use).")
        }
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// Posts moved per structure: ½ Σ_s |posts_s − previous_s| over every structure of either plan (all options
    /// together), rounded up when the totals differ by an odd number; and how many structures' posts changed.
    static func postsMoved(_ current: [(String, Int)], _ previous: [(String, Int)]) -> (posts: Int, structures: Int) {
        var difference: [String: Int] = [:]
        for (id, posts) in current { difference[id, default: 0] += posts }
        for (id, posts) in previous { difference[id, default: 0] -= posts }
        let total = difference.values.reduce(0) { $0 + abs($1) }
        return ((total + 1) / 2, difference.values.filter { $0 != 0 }.count)
    }
}
