import AllocationModel
import Foundation
import Scenario
import Studies

/// The outputs of a run in waves: `allocation_by_wave.csv`, a report section per wave and the price of sequencing
/// (the sequenced plan against the single-shot optimum, like for like: same posts, money, rules and value).
public enum WavesReport {
    public static func csv(_ outcome: WaveSequence.Outcome, scenario: Scenario) -> String {
        let structures = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0) })
        var writer = CSVWriter(columns: [
            "wave", "date", "structure_id", "territory_code", "kind", "funding_option", "posts", "renewed",
        ])
        for result in outcome.waves {
            let rows = result.renewed.map { ($0, true) } + result.added.map { ($0, false) }
            for (placement, renewed) in rows.sorted(by: { ($0.0, $0.1 ? 0 : 1) < ($1.0, $1.1 ? 0 : 1) }) {
                guard let structure = structures[placement.structureID] else { continue }
                writer.append([
                    .text(result.wave.id), .text(result.wave.date), .text(structure.id), .text(structure.territory),
                    .text(structure.kind), .text(placement.option), .integer(placement.posts), .boolean(renewed),
                ])
            }
        }
        return writer.text
    }

    public static func markdown(_ outcome: WaveSequence.Outcome, scenario: Scenario) -> String {
        let kinds = Dictionary(uniqueKeysWithValues: scenario.parameters.kinds.map { ($0.id, $0.label) })
        var out = ["## Waves", ""]
        out.append(
            "The programme is solved wave by wave, in date order: each wave opens its cumulative posts and money to the kinds of host it names, "
                + "and keeps every post the earlier waves placed. Floors apply to the last allocation wave (the end state); caps are the end state's in every wave."
        )
        out.append("")
        out.append(
            "| wave | date | open to | posts open (cumulative) | money open (cumulative) | posts placed in the wave | posts in all | State cost in all | people accompanied | objective |"
        )
        out.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for result in outcome.waves {
            let open = result.wave.kinds.map { MarkdownText.inline(kinds[$0] ?? $0) }.joined(separator: ", ")
            let added = (result.added + result.renewed).reduce(0) { $0 + $1.posts }
            out.append(
                "| \(MarkdownText.inline(result.wave.label)) | \(result.wave.date) | \(open) | \(Format.grouped(result.wave.posts)) | \(Format.millions(result.wave.budgetEUR)) | "
                    + "\(Format.grouped(added)) | \(Format.grouped(result.evaluation.posts)) | \(Format.millions(result.evaluation.stateCostEUR)) | "
                    + "\(Format.grouped(result.evaluation.coverage)) | \(Format.fixed(result.evaluation.objective, decimals: 1)) |"
            )
        }
        out.append("")
        let territoryOf = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0.territory) })
        let territories = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0) })
        for result in outcome.waves {
            out.append("### \(MarkdownText.inline(result.wave.label)) (\(result.wave.date))")
            out.append("")
            let new = result.added.reduce(0) { $0 + $1.posts }
            if result.wave.renewal {
                let renewed = result.renewed.reduce(0) { $0 + $1.posts }
                out.append(
                    "A renewal, a new period with its own envelope: it renews \(Format.grouped(renewed)) "
                        + "of the \(Format.grouped(result.renewable)) posts placed before (at their structures, at the kinds' renewal grants) and funds "
                        + "\(Format.grouped(new)) new post\(new == 1 ? "" : "s"); its figures are those of its own period."
                )
            } else {
                let hosts = Set(result.added.map(\.structureID)).count
                out.append(
                    "\(Format.grouped(new)) post\(new == 1 ? "" : "s") placed at \(Format.grouped(hosts)) structure\(hosts == 1 ? "" : "s"); "
                        + "\(Format.grouped(result.evaluation.posts)) in all at the end of the wave, accompanying \(Format.grouped(result.evaluation.coverage)) people."
                )
            }
            // Where the wave's new posts went: the territories that received most.
            var byTerritory: [String: Int] = [:]
            for placement in result.added {
                byTerritory[territoryOf[placement.structureID] ?? "", default: 0] += placement.posts
            }
            let top = byTerritory.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
            if !top.isEmpty {
                out.append(
                    (result.wave.renewal ? "Most of its new posts went to " : "Most of the posts it placed went to ")
                        + top.map { "\(MarkdownText.inline(territories[$0.key]?.name ?? $0.key)) (\($0.value))" }
                        .joined(separator: ", ") + ".")
            }
            out.append("")
        }
        for result in outcome.waves where result.status != .optimal {
            out.append(
                "Wave \(MarkdownText.inline(result.wave.label)) stopped at a limit: its plan is feasible, not proven optimal, and the price below is an upper bound."
            )
            out.append("")
        }
        if let failure = outcome.failure {
            out.append(
                "**Wave \(MarkdownText.inline(failure.wave.label)) could not be solved** (the later waves were not): \(MarkdownText.inline(failure.message)). "
                    + "The run's plan is the single-shot one; the price of sequencing is not measured.")
            out.append("")
            return out.joined(separator: "\n") + "\n"
        }
        guard let sequenced = outcome.sequenced else { return out.joined(separator: "\n") + "\n" }
        let single = outcome.singleShot.evaluation
        let people = single.coverage - sequenced.evaluation.coverage
        let value = single.objective - sequenced.evaluation.objective
        out.append("## Price of sequencing")
        out.append("")
        out.append(
            "The same programme solved in one shot (the run's plan, all kinds of host open at once, same posts, money and rules) "
                + "against the waves' final plan:")
        out.append("")
        out.append("| figure | single shot | in waves | lost to sequencing |")
        out.append("| --- | ---: | ---: | ---: |")
        out.append(
            "| people accompanied | \(Format.grouped(single.coverage)) | \(Format.grouped(sequenced.evaluation.coverage)) | \(Format.grouped(people)) |"
        )
        out.append(
            "| objective | \(Format.fixed(single.objective, decimals: 1)) | \(Format.fixed(sequenced.evaluation.objective, decimals: 1)) | \(Format.fixed(value, decimals: 1)) |"
        )
        out.append(
            "| posts placed | \(Format.grouped(single.posts)) | \(Format.grouped(sequenced.evaluation.posts)) | \(Format.grouped(single.posts - sequenced.evaluation.posts)) |"
        )
        out.append(
            "| State cost | \(Format.millions(single.stateCostEUR)) | \(Format.millions(sequenced.evaluation.stateCostEUR)) | |"
        )
        out.append("")
        let differences = scenario.territories.compactMap { territory -> (Territory, Int, Int)? in
            let a = single.territory(territory.code)?.posts ?? 0,
                b = sequenced.evaluation.territory(territory.code)?.posts ?? 0
            return a == b ? nil : (territory, a, b)
        }.sorted { (abs($0.1 - $0.2), $1.0.code) > (abs($1.1 - $1.2), $0.0.code) }
        let moved = differences.reduce(0) { $0 + abs($1.1 - $1.2) }
        if differences.isEmpty {
            out.append(
                "Sequencing costs nothing here: the waves end with the same posts in every territory as the single shot."
            )
        } else {
            out.append(
                "Posts went differently in \(differences.count) territor\(differences.count == 1 ? "y" : "ies") (\(Format.grouped(moved)) posts of difference in all); the largest differences:"
            )
            out.append("")
            out.append("| territory | single shot | in waves |")
            out.append("| --- | ---: | ---: |")
            for (territory, a, b) in differences.prefix(10) {
                out.append(
                    "| \(MarkdownText.inline(territory.name)) (\(MarkdownText.inline(territory.code))) | \(a) | \(b) |")
            }
        }
        out.append("")
        return out.joined(separator: "\n") + "\n"
    }
}
