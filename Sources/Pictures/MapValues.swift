import Foundation
import Scenario

/// Values per département for the maps, from a scenario's territories and a plan's posts.
public enum MapValues {
    /// posts × 100,000 / population for every territory; `nil` when the population is 0.
    /// A territory absent from `posts` has 0 posts.
    public static func postsPer100k(territories: [Territory], posts: [String: Int]) -> [String: Double?] {
        territories.reduce(into: [:]) { result, territory in
            let value: Double? =
                territory.population > 0
                ? Double(posts[territory.code] ?? 0) * 100_000 / Double(territory.population) : nil
            result[territory.code] = .some(value)
        }
    }

    /// posts − posts_2021 (the real allocation) for every territory; `nil` when posts_2021 is unknown.
    public static func changeVs2021(territories: [Territory], posts: [String: Int]) -> [String: Double?] {
        territories.reduce(into: [:]) { result, territory in
            let value: Double? = territory.posts2021.map { Double((posts[territory.code] ?? 0) - $0) }
            result[territory.code] = .some(value)
        }
    }

    /// Change of posts per 100,000 inhabitants against 2021; `nil` when posts_2021 is unknown or the population is 0.
    public static func changePer100kVs2021(territories: [Territory], posts: [String: Int]) -> [String: Double?] {
        territories.reduce(into: [:]) { result, territory in
            var value: Double?
            if let before = territory.posts2021, territory.population > 0 {
                value = Double((posts[territory.code] ?? 0) - before) * 100_000 / Double(territory.population)
            }
            result[territory.code] = .some(value)
        }
    }
}
