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

    /// Every sentence states only what the code checks here on the plan and the scenario, so that
    /// degenerate scenarios (no need, no post placed, caps rounding to zero) read true as well.
    public init(_ record: RunRecord) {
        let scenario = record.scenario
        let parameters = scenario.parameters
        let evaluation = record.evaluation
        var families: [Family] = []
        let cheapest = scenario.stateCostRange.lowerBound
        let spare = parameters.budgetEUR - evaluation.stateCostEUR
        let postsLeft = parameters.posts - evaluation.posts
        let ranges = Dictionary(
            uniqueKeysWithValues: scenario.territories.map { ($0.code, scenario.postRange(of: $0)) })
        let figuresByCode = Dictionary(uniqueKeysWithValues: evaluation.territories.map { ($0.code, $0) })
        // Territories whose need is not all covered: only there can more posts or money reach more people.
        let unmet = evaluation.territories.filter { $0.coverage < $0.need - 0.5 }
        let pools = Self.pools(record)
        let fullPools = pools.filter { $0.posts >= $0.capacity }.count
        let atCap = evaluation.territories.filter { $0.posts >= ranges[$0.code]!.max }
        let regionCap = scenario.regionPostRange.max
        let cappedRegions = scenario.regions.filter { region in
            region.territories.reduce(0) { $0 + (figuresByCode[$1.code]?.posts ?? 0) } >= regionCap
        }
        let budgetSpent = spare < cheapest
        // A limit binds only if loosening it could improve the plan, which needs need left uncovered somewhere.
        let improvable = !unmet.isEmpty

        if postsLeft == 0 {
            families.append(
                Family(
                    name: "posts_total", binds: improvable,
                    explanation: unmet.isEmpty
                        ? "All \(Format.grouped(parameters.posts)) posts are placed, and no territory has need left uncovered: more posts would reach no one more."
                        : "All \(Format.grouped(parameters.posts)) posts are placed, and \(Format.grouped(unmet.count)) territory(ies) have need left uncovered: more posts could reach more people."
                ))
        } else {
            var holders: [String] = []
            if budgetSpent { holders.append("the budget") }
            if fullPools > 0 { holders.append("full host structures") }
            if !atCap.isEmpty { holders.append("territory caps") }
            if !cappedRegions.isEmpty { holders.append("région caps") }
            if unmet.isEmpty { holders.append("need, none of which is left uncovered") }
            families.append(
                Family(
                    name: "posts_total", binds: false,
                    explanation:
                        "\(Format.grouped(postsLeft)) of the \(Format.grouped(parameters.posts)) posts stay unplaced. "
                        + (holders.isEmpty
                            ? "No limit below is used up, yet the plan places no more."
                            : "Used up below: \(holders.joined(separator: ", ")).")))
        }

        let longerFunding = Self.longerFundingAvailable(record)
        let buys = [postsLeft > 0 ? "more posts" : nil, longerFunding ? "longer funding" : nil].compactMap { $0 }
        families.append(
            Family(
                name: "budget", binds: improvable && budgetSpent && !buys.isEmpty,
                explanation: !budgetSpent
                    ? "\(Format.millions(spare)) of the envelope is left, enough for another post: money is not what limits the plan."
                    : "The State envelope is spent to within \(Format.grouped(spare)) €, less than the cheapest post (\(Format.grouped(cheapest)) €)"
                        + (unmet.isEmpty
                            ? ", and no territory has need left uncovered: more money would reach no one more."
                            : buys.isEmpty
                                ? ", and every post is placed at its longest funding: more money would buy nothing more."
                                : ": more money could buy \(buys.joined(separator: " or ")).")))

        let withFloor = evaluation.territories.filter { ranges[$0.code]!.min > 0 }
        let atFloor = withFloor.filter { $0.posts <= ranges[$0.code]!.min }
        let unendowedWithoutFloor = evaluation.territories.filter { ranges[$0.code]!.min == 0 && $0.posts == 0 }
        let floorExplanation: String
        if withFloor.isEmpty {
            floorExplanation = "No territory has a floor: none is guaranteed a post."
        } else if !atFloor.isEmpty {
            floorExplanation =
                "\(atFloor.count) territory(ies) receive exactly their floor, so the floor may be what gives them these posts: \(Self.list(atFloor.map { Self.named($0.code, in: record) }))."
        } else if unendowedWithoutFloor.isEmpty {
            floorExplanation = "No territory is held at its floor: every one gets more than the minimum on its merits."
        } else {
            floorExplanation =
                "No territory is held at its floor; \(unendowedWithoutFloor.count) territory(ies) without a floor get no post."
        }
        families.append(
            Family(name: "territory_floor", binds: improvable && !atFloor.isEmpty, explanation: floorExplanation))

        let capExplanation: String
        if !ranges.isEmpty && ranges.values.allSatisfy({ $0.max == 0 }) {
            capExplanation =
                "The cap of \(Format.percent(parameters.limits.territoryMaxShare, decimals: 1)) of \(Format.grouped(parameters.posts)) posts rounds down to 0 posts: no territory can receive a post."
        } else if !atCap.isEmpty {
            capExplanation =
                "\(atCap.count) département(s) reach their cap: \(Self.list(atCap.map { "\($0.code) (cap \(ranges[$0.code]!.max))" }))."
        } else {
            capExplanation = "No département reaches its cap."
        }
        families.append(Family(name: "territory_cap", binds: improvable && !atCap.isEmpty, explanation: capExplanation))

        let regionExplanation: String
        if regionCap == 0 && !cappedRegions.isEmpty {
            regionExplanation =
                "The cap of \(Format.percent(parameters.limits.regionMaxShare, decimals: 1)) of \(Format.grouped(parameters.posts)) posts per région rounds down to 0 posts: no région can receive a post."
        } else if !cappedRegions.isEmpty {
            regionExplanation =
                "\(cappedRegions.count) région(s) reach the cap of \(Format.grouped(regionCap)) posts: \(Self.list(cappedRegions.map(\.name)))."
        } else {
            regionExplanation = "No région reaches its cap."
        }
        families.append(
            Family(name: "region_cap", binds: improvable && !cappedRegions.isEmpty, explanation: regionExplanation))

        families.append(
            Family(
                name: "host_capacity", binds: improvable && fullPools > 0,
                explanation: fullPools > 0
                    ? "In \(fullPools) (département, kind of host) pool(s) every candidate structure is full: more host structures there could take more posts."
                    : "No pool of host structures is full."))

        let cofinancedPools = pools.filter(\.cofinancingBinds).count
        let cofinancedOptionExists = parameters.kinds.contains { kind in
            parameters.fundingOptions.contains { FundingTerms(kind: kind, option: $0, overseas: false).hostCostEUR > 0 }
        }
        let cofinancingExplanation: String
        if cofinancedPools > 0 {
            cofinancingExplanation =
                "In \(cofinancedPools) pool(s) the hosts co-finance as many posts as their budgets allow: more host money could let more posts take the co-financed option"
                + (Self.cofinancedFundsMoreMonthsPerEuro(parameters)
                    ? ", which funds more months per euro of the State." : ".")
        } else if !cofinancedOptionExists {
            cofinancingExplanation = "No funding option asks the host to co-finance."
        } else if pools.allSatisfy({ $0.cofinanceable == 0 }) {
            cofinancingExplanation = "No host structure can co-finance a post: no post takes a co-financed option."
        } else {
            cofinancingExplanation = "Host co-financing never runs out."
        }
        families.append(
            Family(name: "cofinancing", binds: improvable && cofinancedPools > 0, explanation: cofinancingExplanation))

        let fullyCovered = evaluation.territories.filter { $0.need > 0 && $0.coverage >= $0.need - 0.5 }
        let postsWithoutNeed = evaluation.territories.filter { $0.need == 0 && $0.posts > 0 }
        let needExplanation: String
        if evaluation.need == 0 {
            needExplanation =
                "No territory has any need under the scenario's need formula: no plan can accompany anyone."
        } else if !fullyCovered.isEmpty {
            needExplanation = "\(fullyCovered.count) département(s) have all their need covered."
        } else if evaluation.posts == 0 {
            needExplanation = "No post is placed, so no need is covered."
        } else if !postsWithoutNeed.isEmpty {
            needExplanation =
                "No département has all of its need covered, but \(postsWithoutNeed.count) territory(ies) without need receive posts that meet no one: \(Self.list(postsWithoutNeed.map(\.code)))."
        } else {
            needExplanation = "No département has all of its need covered: every post still meets unserved people."
        }
        families.append(Family(name: "need", binds: !fullyCovered.isEmpty, explanation: needExplanation))
        self.families = families
    }

    /// "Lozère (48)": a territory as the report's tables name it (the code alone when the scenario gives no name).
    static func named(_ code: String, in record: RunRecord) -> String {
        guard let name = record.scenario.territory(code)?.name, !name.isEmpty, name != code else { return code }
        return "\(name) (\(code))"
    }

    /// At most ten items, escaped for Markdown, then how many more: a sentence stays short with 5,000 territories.
    static func list(_ items: [String]) -> String {
        let shown = items.prefix(10).map(MarkdownText.inline).joined(separator: ", ")
        return items.count > 10 ? "\(shown) and \(items.count - 10) more" : shown
    }

    /// True when some placed post could be moved to an option of its kind that funds more months.
    static func longerFundingAvailable(_ record: RunRecord) -> Bool {
        let parameters = record.scenario.parameters
        let structures = Dictionary(uniqueKeysWithValues: record.scenario.structures.map { ($0.id, $0) })
        let options = Dictionary(uniqueKeysWithValues: parameters.fundingOptions.map { ($0.id, $0) })
        var longest: [String: Int] = [:]
        for kind in parameters.kinds {
            longest[kind.id] =
                parameters.fundingOptions.map { FundingTerms(kind: kind, option: $0, overseas: false).months }.max()
                ?? 0
        }
        return record.plan.placements.contains { placement in
            guard placement.posts > 0, let structure = structures[placement.structureID],
                let option = options[placement.option],
                let kind = parameters.kind(structure.kind)
            else { return false }
            return FundingTerms(kind: kind, option: option, overseas: false).months < (longest[kind.id] ?? 0)
        }
    }

    /// True when, for some kind of host, a co-financed option funds more months per State euro than every other option.
    static func cofinancedFundsMoreMonthsPerEuro(_ parameters: ScenarioParameters) -> Bool {
        parameters.kinds.contains { kind in
            let terms = parameters.fundingOptions.map { FundingTerms(kind: kind, option: $0, overseas: false) }
            func rate(_ t: FundingTerms) -> Double {
                t.stateCostEUR > 0 ? Double(t.months) / t.stateCostEUR : .infinity
            }
            let cofinanced = terms.filter { $0.hostCostEUR > 0 }.map(rate).max()
            let other = terms.filter { $0.hostCostEUR == 0 }.map(rate).max()
            guard let cofinanced else { return false }
            return other.map { cofinanced > $0 } ?? true
        }
    }

    /// Posts and capacity per (territory, kind), and whether its hosts' co-financing holds it back, recomputed from
    /// the plan. With one host share per pool that is its count M[t,k] used up (below its capacity); in a pool whose
    /// co-financed options have different host shares (rows `structure_cofinancing`), it is every structure's host
    /// money left being below the cheapest share, while money, not capacity, limits the pool.
    static func pools(_ record: RunRecord) -> [(posts: Int, capacity: Int, cofinancingBinds: Bool, cofinanceable: Int)]
    {
        let model = AllocationModel.pools(of: record.scenario)
        let structures = Dictionary(uniqueKeysWithValues: record.scenario.structures.map { ($0.id, $0) })
        let options = Dictionary(uniqueKeysWithValues: record.scenario.parameters.fundingOptions.map { ($0.id, $0) })
        var posts: [PoolKey: Int] = [:], cofinanced: [PoolKey: Int] = [:], hostMoney: [String: Double] = [:]
        for placement in record.plan.placements {
            guard let structure = structures[placement.structureID], let option = options[placement.option],
                let kind = record.scenario.parameters.kind(structure.kind),
                let territory = record.scenario.territory(structure.territory)
            else { continue }
            let key = structure.pool
            posts[key, default: 0] += placement.posts
            let hostCost = record.scenario.terms(kind: kind, option: option, territory: territory).hostCostEUR
            if hostCost > 0 {
                cofinanced[key, default: 0] += placement.posts
                hostMoney[structure.id, default: 0] += hostCost * Double(placement.posts)
            }
        }
        let structuresByPool = record.scenario.index.structuresByPool
        return model.map { pool in
            let key = pool.key
            let shares = Set(pool.hostShares.values)
            guard shares.count > 1, let cheapest = shares.min() else {
                let cofinanceable = pool.cofinanceablePosts
                return (
                    posts[key] ?? 0, pool.capacity,
                    cofinanceable > 0 && (cofinanced[key] ?? 0) >= cofinanceable && cofinanceable < pool.capacity,
                    cofinanceable
                )
            }
            let members = structuresByPool[key] ?? []
            let atCheapest = members.reduce(0) { $0 + AllocationModel.cofinanceablePosts($1, hostShare: cheapest) }
            let moneyLimits = atCheapest < pool.capacity
            let spent = members.allSatisfy { $0.cofinancingEUR - (hostMoney[$0.id] ?? 0) < cheapest - 0.005 }
            return (posts[key] ?? 0, pool.capacity, moneyLimits && spent, atCheapest)
        }
    }
}
