import AllocationModel
import Scenario

extension InfeasibilityExplainer {
    /// A `commitment[t,k,n]` row in words: "3 committed posts (Public, 'Full') in Territory A (A)".
    static func commitmentWords(_ ref: RowRef, posts: Int, scenario: Scenario) -> String {
        guard case let .commitment(key) = ref.scope else { return ref.name }
        let territory = scenario.territory(key.territory).map { "\($0.name) (\(key.territory))" } ?? key.territory
        let kind = scenario.parameters.kind(key.kind)?.label ?? key.kind
        let option = scenario.parameters.fundingOptions.first { $0.id == key.option }?.label ?? key.option
        return "\(posts) committed post\(posts == 1 ? "" : "s") (\(kind), '\(option)') in \(territory)"
    }
}
