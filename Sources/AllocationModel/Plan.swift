import Foundation
import Scenario

/// Posts placed at one host structure under one funding option: the plan's atom.
public struct Placement: Sendable, Hashable, Comparable {
    public let structureID: String
    public let option: String
    public let posts: Int

    public init(structureID: String, option: String, posts: Int) {
        self.structureID = structureID
        self.option = option
        self.posts = posts
    }

    public static func < (a: Placement, b: Placement) -> Bool { (a.structureID, a.option) < (b.structureID, b.option) }
}

/// The domain answer: how many posts go where, under which funding. Everything else (costs,
/// coverage, objective) is recomputed from these placements and the scenario by `PlanEvaluation`.
public struct Plan: Sendable, Hashable {
    /// Sorted by structure id then option, only placements with posts.
    public let placements: [Placement]

    public init(placements: [Placement]) {
        self.placements = placements.filter { $0.posts != 0 }.sorted()
    }
}
