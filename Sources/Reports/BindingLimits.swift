import AllocationModel
import Foundation
import Scenario

/// Which of the model's constraint families hold the plan back, recomputed from the plan (a MIP has
/// no trustworthy duals): a family binds when its slack is smaller than one more post would need.
public struct BindingLimits: Sendable {
    public struct Family: Sendable, Hashable {
        /// The constraint family's name, as in docs/model.md and the LP file.
        public let name: String
        public let binds: Bool
        /// What it means, in the analyst's words.
        public let explanation: String
    }

    public let families: [Family]

    public init(_ record: RunRecord) {
        let scenario = record.scenario
        let parameters = scenario.parameters
        let evaluation = record.evaluation
        var families: [Family] = []
        let cheapest = scenario.stateCostRange.lowerBound
        let spare = parameters.budgetEUR - evaluation.stateCostEUR
        let postsLeft = parameters.posts - evaluation.posts
        families.append(Family(
            name: "posts_total", binds: postsLeft == 0,
            explanation: postsLeft == 0
                ? "All \(Format.grouped(parameters.posts)) posts are placed: more posts would let the plan reach more people."
                : "\(Format.grouped(postsLeft)) of the \(Format.grouped(parameters.posts)) posts stay unplaced: something else (budget, hosts) runs out first."))
        families.append(Family(
            name: "budget", binds: spare < cheapest,
            explanation: spare < cheapest
                ? "The State envelope is spent to within \(Format.grouped(spare)) €, less than the cheapest post (\(Format.grouped(cheapest)) €): more money would buy more posts or longer funding."
                : "\(Format.millions(spare)) of the envelope is left: money is not what limits the plan."))
        let territories = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0) })
        let atFloor = evaluation.territories.filter { figures in
            let floor = scenario.postRange(of: territories[figures.code]!).min
            return floor > 0 && figures.posts <= floor
        }
        families.append(Family(
            name: "territory_floor", binds: !atFloor.isEmpty,
            explanation: atFloor.isEmpty
                ? "No territory is held at its floor: every one gets more than the minimum on its merits."
                : "\(atFloor.count) territory(ies) receive exactly their floor: the rule that every territory is endowed gives them posts that coverage alone would send elsewhere (\(atFloor.map(\.code).joined(separator: ", ")))."))
        let atCap = evaluation.territories.filter { $0.posts >= scenario.postRange(of: territories[$0.code]!).max }
        families.append(Family(
            name: "territory_cap", binds: !atCap.isEmpty,
            explanation: atCap.isEmpty
                ? "No département reaches its cap."
                : "\(atCap.count) département(s) reach the cap (\(Format.percent(parameters.limits.territoryMaxShare, decimals: 1)) of posts): \(atCap.map(\.code).joined(separator: ", "))."))
        let regionCap = scenario.regionPostRange.max
        let cappedRegions = scenario.regions.filter { region in
            region.territories.reduce(0) { $0 + (evaluation.territory($1.code)?.posts ?? 0) } >= regionCap
        }
        families.append(Family(
            name: "region_cap", binds: !cappedRegions.isEmpty,
            explanation: cappedRegions.isEmpty
                ? "No région reaches its cap."
                : "\(cappedRegions.count) région(s) reach the cap: \(cappedRegions.map(\.name).joined(separator: ", "))."))
        var fullPools = 0, cofinancedPools = 0
        for pool in Self.pools(record) {
            if pool.posts >= pool.capacity { fullPools += 1 }
            if pool.cofinancingBinds { cofinancedPools += 1 }
        }
        families.append(Family(
            name: "host_capacity", binds: fullPools > 0,
            explanation: fullPools > 0
                ? "In \(fullPools) (département, kind of host) pool(s) every candidate structure is full: more host structures there would take more posts."
                : "No pool of host structures is full."))
        families.append(Family(
            name: "cofinancing", binds: cofinancedPools > 0,
            explanation: cofinancedPools > 0
                ? "In \(cofinancedPools) pool(s) the hosts co-finance as many posts as their budgets allow: more host money would move posts to the co-financed option, which funds more months per euro of the State."
                : "Host co-financing never runs out."))
        let fullyCovered = evaluation.territories.filter { $0.need > 0 && $0.coverage >= $0.need - 0.5 }
        families.append(Family(
            name: "need", binds: !fullyCovered.isEmpty,
            explanation: fullyCovered.isEmpty
                ? "No département has all of its need covered: every post still meets unserved people."
                : "\(fullyCovered.count) département(s) have all their need covered."))
        self.families = families
    }

    /// Posts and capacity per (territory, kind), and whether its hosts' co-financing holds it back, recomputed from
    /// the plan. With one host share per pool that is its count M[t,k] used up (below its capacity); in a pool whose
    /// co-financed options have different host shares (rows `structure_cofinancing`), it is every structure's host
    /// money left being below the cheapest share, while money, not capacity, limits the pool.
    static func pools(_ record: RunRecord) -> [(posts: Int, capacity: Int, cofinancingBinds: Bool)] {
        let model = AllocationModel.pools(of: record.scenario)
        let structures = Dictionary(uniqueKeysWithValues: record.scenario.structures.map { ($0.id, $0) })
        let options = Dictionary(uniqueKeysWithValues: record.scenario.parameters.fundingOptions.map { ($0.id, $0) })
        var posts: [String: Int] = [:], cofinanced: [String: Int] = [:], hostMoney: [String: Double] = [:]
        for placement in record.plan.placements {
            guard let structure = structures[placement.structureID], let option = options[placement.option],
                  let kind = record.scenario.parameters.kind(structure.kind),
                  let territory = record.scenario.territory(structure.territory) else { continue }
            let key = "\(structure.territory)|\(structure.kind)"
            posts[key, default: 0] += placement.posts
            let hostCost = record.scenario.terms(kind: kind, option: option, territory: territory).hostCostEUR
            if hostCost > 0 {
                cofinanced[key, default: 0] += placement.posts
                hostMoney[structure.id, default: 0] += hostCost * Double(placement.posts)
            }
        }
        let structuresByPool = Dictionary(grouping: record.scenario.structures) { "\($0.territory)|\($0.kind)" }
        return model.map { pool in
            let key = "\(pool.territory)|\(pool.kind)"
            let shares = Set(pool.hostShares.values)
            guard shares.count > 1, let cheapest = shares.min() else {
                let cofinanceable = pool.cofinanceablePosts
                return (posts[key] ?? 0, pool.capacity, cofinanceable > 0 && (cofinanced[key] ?? 0) >= cofinanceable && cofinanceable < pool.capacity)
            }
            let members = structuresByPool[key] ?? []
            let moneyLimits = members.reduce(0) { $0 + AllocationModel.cofinanceablePosts($1, hostShare: cheapest) } < pool.capacity
            let spent = members.allSatisfy { $0.cofinancingEUR - (hostMoney[$0.id] ?? 0) < cheapest - 0.005 }
            return (posts[key] ?? 0, pool.capacity, moneyLimits && spent)
        }
    }
}
