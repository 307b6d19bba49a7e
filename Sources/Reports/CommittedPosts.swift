import AllocationModel
import Foundation
import Scenario

/// The scenario's committed posts per (structure, option), to show committed and new posts apart.
struct CommittedPosts {
    private let posts: [String: [String: Int]]

    init(_ scenario: Scenario) {
        var posts: [String: [String: Int]] = [:]
        for placement in scenario.committedPlacements {
            posts[placement.structureID, default: [:]][placement.option, default: 0] += placement.posts
        }
        self.posts = posts
    }

    /// No commitments table (or only ceilings): the plan is all new posts.
    var isEmpty: Bool { posts.isEmpty }

    func committed(_ structureID: String, _ option: String) -> Int { posts[structureID]?[option] ?? 0 }

    /// The `committed_posts` and `new_posts` cells of a placement, none without commitments.
    func cells(_ placement: Placement) -> [CSVWriter.Cell] {
        guard !isEmpty else { return [] }
        let committed = committed(placement.structureID, placement.option)
        return [.integer(committed), .integer(placement.posts - committed)]
    }

    /// Committed posts in all.
    var total: Int { posts.values.reduce(0) { $0 + $1.values.reduce(0, +) } }
}
