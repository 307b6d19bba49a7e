import AllocationModel
import Scenario

extension InfeasibilityExplainer {
    /// A `commitment[t,k,n]` row in words: "3 committed posts (Public, 'Full') in Territory A (A)".
    static func commitmentWords(_ name: String, posts: Int, scenario: Scenario) -> String {
        let parts = scope(of: name).split(separator: ",").map(String.init)
        guard parts.count == 3 else { return name }
        let territory = scenario.territory(parts[0]).map { "\($0.name) (\(parts[0]))" } ?? parts[0]
        let kind = scenario.parameters.kind(parts[1])?.label ?? parts[1]
        let option = scenario.parameters.fundingOptions.first { $0.id == parts[2] }?.label ?? parts[2]
        return "\(posts) committed post\(posts == 1 ? "" : "s") (\(kind), '\(option)') in \(territory)"
    }
}
