import AllocationModel
import Foundation
import Scenario

/// The report's "Commitments" section: what was already signed and what this plan adds, apart
/// (docs/model.md, "Commitments and waves"). Absent without a commitments table.
enum CommitmentsSection {
    static func lines(_ record: RunRecord) -> [String] {
        let scenario = record.scenario
        guard !scenario.commitments.isEmpty else { return [] }
        let committed = CommittedPosts(scenario)
        let structures = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0) })
        let territories = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0) })
        let options = Dictionary(uniqueKeysWithValues: scenario.parameters.fundingOptions.map { ($0.id, $0) })
        var committedCost = 0.0
        for placement in scenario.committedPlacements {
            guard let structure = structures[placement.structureID], let territory = territories[structure.territory],
                let kind = scenario.parameters.kind(structure.kind), let option = options[placement.option]
            else { continue }
            committedCost +=
                Double(placement.posts) * scenario.terms(kind: kind, option: option, territory: territory).stateCostEUR
        }
        let count = { (mode: Commitment.Mode) in scenario.commitments.filter { $0.mode == mode }.count }
        let placed = record.evaluation.posts
        var out = ["## Commitments", ""]
        out.append(
            "The plan starts from the posts already signed (the commitments table: \(count(.locked)) locked row(s), "
                + "\(count(.min)) minimum(s), \(count(.max)) ceiling(s)). Committed posts are placed at their own structures first; "
                + "the optimisation decides only the new posts, on the room they leave.")
        out.append("")
        out.append("| figure | value |")
        out.append("| --- | ---: |")
        out.append("| committed posts | \(Format.grouped(committed.total)) |")
        out.append("| new posts | \(Format.grouped(placed - committed.total)) |")
        out.append("| State cost of the committed posts | \(Format.millions(committedCost)) |")
        out.append(
            "| State cost of the new posts | \(Format.millions(record.evaluation.stateCostEUR - committedCost)) |")
        out.append("")
        out.append("`allocation_by_structure.csv` gives `committed_posts` and `new_posts` per structure and option.")
        out.append("")
        return out
    }
}
