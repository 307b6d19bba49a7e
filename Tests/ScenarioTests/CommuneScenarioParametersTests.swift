import Foundation
import Scenario
import Testing

/// The commune scenario reads the default scenario's tables by relative path, and keeps its parameters key for key:
/// a review found them drifted (214 people a post a year where the default's calibration gives 224, and the need
/// formula the default scenario had dropped), so the département plan and the need a commune run reports differed by
/// 4.5 % and up to 6 % from the default run's for the same département.
@Suite struct CommuneScenarioParametersTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scenarios")

    /// Keys the commune scenario sets on its own (its documented differences, its scenario.yaml's header comment).
    static func communeOnly(_ path: String) -> Bool {
        ["name", "title"].contains(path) || path == "objective.tie_break" || path == "solver.time_limit_seconds"
            || ["tables.", "reach.", "comparison.", "robustness."].contains { path.hasPrefix($0) }
    }

    @Test func theCommuneScenarioKeepsTheDefaultScenariosParameters() throws {
        let national = try ScenarioLoader.load(Self.scenarios.appendingPathComponent("france-relance-2020").path)
        let communes = try ScenarioLoader.load(
            Self.scenarios.appendingPathComponent("france-relance-2020-communes").path)
        func shared(_ scenario: Scenario) -> [String: String] {
            Dictionary(
                scenario.parameters.effective.filter { !Self.communeOnly($0.path) }.map { ($0.path, $0.value) },
                uniquingKeysWith: { first, _ in first })
        }
        let (a, b) = (shared(national), shared(communes))
        #expect(
            !a.isEmpty && a.keys.contains("service.people_per_post_year") && a.keys.contains("need.fragility_spread"))
        let differing = Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }.map {
            "\($0): \(a[$0] ?? "unset") in the default scenario, \(b[$0] ?? "unset") in the commune scenario"
        }
        #expect(differing.isEmpty, "\(differing.joined(separator: "; "))")
        // Both read the same territories and hosts.
        #expect(national.territories.map(\.code) == communes.territories.map(\.code))
        #expect(national.structures.map(\.id) == communes.structures.map(\.id))
    }
}
