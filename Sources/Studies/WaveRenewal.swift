import AllocationModel
import Foundation
import Scenario

/// Renewal waves (docs/model.md, "Renewals"): the scenario of a new period where earlier posts may be renewed.
extension WaveSequence {
    /// The suffix of the structure that stands for the renewal of a structure's posts in a renewal wave's scenario.
    static let renewalSuffix = "~renewal"

    /// The scenario of a renewal wave: a new period with the wave's own posts and money and no floors (caps as shares
    /// of its posts). Each structure s holding p_s posts before it gets a twin `s~renewal` of kind `renewal_<kind>`
    /// (capacity p_s, no co-financing, the kind's renewal grant over its renewal months): a post there is a renewed
    /// post. s itself keeps capacity u_s − p_s for new posts (a ceiling), new posts only at the kinds the wave opens.
    public static func renewalScenario(for index: Int, of scenario: Scenario, after previous: Plan) -> Scenario {
        let parameters = scenario.parameters
        let wave = parameters.waves[index]
        let open = Set(wave.kinds)
        var renewalKinds: [HostKind] = []
        for kind in parameters.kinds {
            guard let grant = kind.renewalGrantEUR else { continue }
            renewalKinds.append(
                HostKind(
                    id: "renewal_\(kind.id)", label: "\(kind.label), renewed", grantEUR: grant, overseasGrantEUR: grant,
                    grantMonths: kind.renewalMonths))
        }
        let renewable = Set(renewalKinds.map { String($0.id.dropFirst("renewal_".count)) })
        var postsAt: [String: Int] = [:]
        for placement in previous.placements { postsAt[placement.structureID, default: 0] += placement.posts }
        var structures = scenario.structures
        var rows: [Commitment] = []
        for structure in scenario.structures {
            let held = postsAt[structure.id] ?? 0
            if !open.contains(structure.kind) {
                rows.append(Commitment(structureID: structure.id, posts: 0, option: nil, mode: .max))
            } else if held > 0, renewable.contains(structure.kind) {
                rows.append(
                    Commitment(
                        structureID: structure.id, posts: max(0, structure.capacity - held), option: nil, mode: .max))
            }
            if held > 0, renewable.contains(structure.kind) {
                structures.append(
                    HostStructure(
                        id: structure.id + renewalSuffix, name: structure.name, territory: structure.territory,
                        kind: "renewal_\(structure.kind)", capacity: held, cofinancingEUR: 0))
            }
        }
        let limits = parameters.limits
        var renewalParameters = ScenarioParameters(
            name: parameters.name, title: parameters.title, posts: wave.posts, budgetEUR: wave.budgetEUR,
            peoplePerPostYear: parameters.peoplePerPostYear, need: parameters.need,
            kinds: (parameters.kinds + renewalKinds).sorted { $0.id < $1.id },
            fundingOptions: parameters.fundingOptions,
            limits: Limits(
                territoryMinPosts: 0, territoryMaxShare: limits.territoryMaxShare, regionMinPosts: 0,
                regionMaxShare: limits.regionMaxShare),
            objective: parameters.objective, solver: parameters.solver, effective: parameters.effective,
            // The scenario's basis, the programme cost per post included: a renewed post pays it too (prudent: training
            // was for new conseillers, but the model has one cost per post; docs/model.md, "Renewals").
            comparison: parameters.comparison, basis: parameters.basis)
        renewalParameters.waves = []
        let territories = scenario.territories.map {
            Territory(
                code: $0.code, name: $0.name, regionCode: $0.regionCode, regionName: $0.regionName,
                overseas: $0.overseas,
                population: $0.population, population15Plus: $0.population15Plus, population75Plus: $0.population75Plus,
                fragilityIndex: $0.fragilityIndex, povertyRatePct: $0.povertyRatePct, weight: $0.weight, minPosts: nil,
                maxPosts: $0.maxPosts, posts2021: $0.posts2021)
        }
        return Scenario(
            parameters: renewalParameters, territories: territories, structures: structures,
            inputFiles: scenario.inputFiles, commitments: rows)
    }

    /// A renewal wave's plan on the real structures (twins folded into their structure), its renewed and its new posts.
    static func realPlan(_ plan: Plan) -> (plan: Plan, renewed: [Placement], new: [Placement]) {
        var renewed: [Placement] = []
        var new: [Placement] = []
        for placement in plan.placements {
            if placement.structureID.hasSuffix(renewalSuffix) {
                renewed.append(
                    Placement(
                        structureID: String(placement.structureID.dropLast(renewalSuffix.count)),
                        option: placement.option,
                        posts: placement.posts))
            } else {
                new.append(placement)
            }
        }
        return (Plan(placements: PlanSplitter.merged(renewed + new)), Plan(placements: renewed).placements, new)
    }
}
