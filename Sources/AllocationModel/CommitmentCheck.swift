import Foundation
import Scenario

extension PlanVerifier {
    /// The commitments a plan breaks, recomputed from its placements (the model only holds their aggregates per pool):
    /// a locked structure holds exactly its committed posts, a `min` one at least its committed posts of each option,
    /// a `max` one at most its ceiling in all.
    static func commitmentViolations(of plan: Plan, scenario: Scenario) -> [Violation] {
        guard !scenario.commitments.isEmpty else { return [] }
        var byStructureOption: [String: [String: Int]] = [:]
        for placement in plan.placements {
            byStructureOption[placement.structureID, default: [:]][placement.option, default: 0] += placement.posts
        }
        var found: [Violation] = []
        var lockedTotals: [String: Int] = [:]
        for commitment in scenario.commitments {
            let placed = byStructureOption[commitment.structureID] ?? [:]
            let total = placed.values.reduce(0, +)
            let name = RowRef(.commitment, .structure(commitment.structureID))
            switch commitment.mode {
            case .locked, .min:
                let option = commitment.option ?? ""
                let posts = placed[option] ?? 0
                if commitment.mode == .locked ? posts != commitment.posts : posts < commitment.posts {
                    found.append(
                        Violation(
                            rule: name,
                            message:
                                "\(posts) posts under '\(option)', \(commitment.mode.rawValue) at \(commitment.posts)"))
                }
                if commitment.mode == .locked { lockedTotals[commitment.structureID, default: 0] += commitment.posts }
            case .max:
                if total > commitment.posts {
                    found.append(
                        Violation(
                            rule: name,
                            message: "\(total) posts at a structure committed to at most \(commitment.posts)"))
                }
            }
        }
        for (id, locked) in lockedTotals.sorted(by: { $0.key < $1.key }) {
            let total = byStructureOption[id]?.values.reduce(0, +) ?? 0
            if total != locked {
                found.append(
                    Violation(
                        rule: RowRef(.commitment, .structure(id)),
                        message: "\(total) posts at a structure locked at \(locked)"))
            }
        }
        return found
    }
}
