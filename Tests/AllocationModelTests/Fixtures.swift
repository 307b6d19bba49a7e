import Foundation
import Scenario

/// Small scenarios built in code, so that each test's optimum can be worked out on paper.
/// Need is set directly: with every inhabitant aged 75+ and both need rates at 1, need = population.
enum Fixtures {
    struct Place {
        var code: String
        var need: Int
        var region = "R1"
        var weight = 1.0
        var overseas = false
    }

    struct Host {
        var id: String
        var territory: String
        var kind = "public"
        var capacity: Int
        var cofinancingEUR = 0.0
    }

    /// A public kind whose monthly cost is 1,000 € (24,000 € over 24 months), and two options:
    /// `full` (State pays 100 % for 24 months: 24,000 €) and `partial` (State pays 50 % for 36 months:
    /// 18,000 € State, 18,000 € host).
    static func scenario(
        places: [Place], hosts: [Host], posts: Int, budget: Double, peoplePerPostYear: Double = 12,
        exponent: Double = 1, breakpoints: [Double] = [1], territoryMin: Int = 0, territoryMaxShare: Double = 1,
        regionMaxShare: Double = 1, withPartial: Bool = true, privateKind: Bool = false,
        extraOptions: [FundingOption] = []
    ) -> Scenario {
        var kinds = [
            HostKind(id: "public", label: "Public", grantEUR: 24_000, overseasGrantEUR: 36_000, grantMonths: 24)
        ]
        if privateKind {
            kinds.append(
                HostKind(id: "private", label: "Private", grantEUR: 12_000, overseasGrantEUR: 12_000, grantMonths: 12))
        }
        var options = [FundingOption(id: "full", label: "Full", stateShare: 1, months: nil)]
        if withPartial { options.append(FundingOption(id: "partial", label: "Partial", stateShare: 0.5, months: 36)) }
        options = (options + extraOptions).sorted { $0.id < $1.id }  // the loader's order
        let parameters = ScenarioParameters(
            name: "fixture", title: "Fixture", posts: posts, budgetEUR: budget, peoplePerPostYear: peoplePerPostYear,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0),
            kinds: kinds, fundingOptions: options,
            limits: Limits(
                territoryMinPosts: territoryMin, territoryMaxShare: territoryMaxShare, regionMinPosts: 0,
                regionMaxShare: regionMaxShare),
            objective: ObjectiveParameters(exponent: exponent, breakpoints: breakpoints),
            solver: SolverParameters(timeLimitSeconds: 30, mipGap: 0, presolve: true, cuts: true),
            effective: [])
        let territories = places.map {
            Territory(
                code: $0.code, name: "Territory \($0.code)", regionCode: $0.region, regionName: "Region \($0.region)",
                overseas: $0.overseas, population: $0.need, population15Plus: $0.need, population75Plus: $0.need,
                fragilityIndex: 5, weight: $0.weight)
        }
        let structures = hosts.map {
            HostStructure(
                id: $0.id, name: "Host \($0.id)", territory: $0.territory, kind: $0.kind, capacity: $0.capacity,
                cofinancingEUR: $0.cofinancingEUR)
        }
        return Scenario(parameters: parameters, territories: territories, structures: structures)
    }

    /// The default national scenario of the repository.
    static var defaultScenarioPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("scenarios/france-relance-2020").path
    }

    /// The national scenario with its hosts' communes as the COSELEC file publishes them: a frozen hard instance
    /// (Tests/Fixtures/national-hosts-as-published/README.md).
    static var nationalHostsAsPublishedPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/national-hosts-as-published").path
    }
}
