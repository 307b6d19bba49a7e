import Foundation
import Scenario

extension CommuneEndowment {
    /// The greedy cover ranks site units one post at a time and never takes a post back, so a post placed early can
    /// end up endowing few people alone once later posts overlap it: on the real scenario at €40M it stops 0.9 % below
    /// the plan HiGHS finds on the stage's binary model (docs/model.md, "Swaps after the greedy"). Swaps take such
    /// posts back. And the greedy only keeps room for the floors, which may be short: a cover that leaves a floor unmet
    /// may endow more than any plan can, and the value stage holding its groups would have no plan.
    ///
    /// A local search from the cover, each move keeping every rule the cover keeps (`CommuneRounding.Ledger`, room for
    /// the floors), after a repair that meets the floors:
    /// - **floors**: each territory below its floor takes its cheapest post; when none fits, the post that endows
    ///   fewest alone, in a territory above its floor, is taken back;
    /// - **add**: one post at the unit whose groups not yet endowed weigh most per euro of its cheapest post, while one
    ///   fits (as the cover);
    /// - **swap**: one post taken from a unit and one put at the unit that then endows most, when that endows more, or
    ///   as much for fewer euros (so that a later add may fit); a post a floor needs moves only within its territory.
    /// Each accepted add or swap raises the endowment, or keeps it and lowers the money spent, so the search ends; it
    /// stops after `maximumPasses` passes over the posts otherwise. Deterministic: units and decisions in index order,
    /// ties to the lower unit. The result says whether it meets the floors (`Outcome.meetsFloors`).
    static func improved(
        _ outcome: Outcome, model: CommuneModel, scenario: Scenario, weights weight: [Double],
        decisionsOfUnit: [[Int]]
    ) -> Outcome {
        let reach = model.reach
        var unitsOfGroup = [[Int]](repeating: [], count: reach.groups.count)
        for (unit, groups) in reach.unitGroups.enumerated() { for group in groups { unitsOfGroup[group].append(unit) } }
        var plan = outcome.plan
        var ledger = CommuneRounding.Ledger(model: model, scenario: scenario)
        var unitPosts = [Int](repeating: 0, count: reach.units.count)
        for (decision, posts) in plan.enumerated() where posts > 0 {
            for _ in 0..<posts { ledger.add(decision) }
            unitPosts[reach.unitOfSite[model.pools[model.decisions[decision].pool].site]] += posts
        }
        // Posts within reach of each group, and for each unit the weight of its groups with none (what a post there
        // would endow). Weights are whole people or communes, so these sums are exact.
        var postsInReach = [Int](repeating: 0, count: reach.groups.count)
        for (unit, groups) in reach.unitGroups.enumerated() where unitPosts[unit] > 0 {
            for group in groups { postsInReach[group] += unitPosts[unit] }
        }
        var open = reach.unitGroups.map { groups in groups.reduce(0.0) { $0 + (postsInReach[$1] == 0 ? weight[$1] : 0) }
        }
        let unitOf = model.decisions.map { reach.unitOfSite[model.pools[$0.pool].site] }
        func move(_ decision: Int, by step: Int) {
            if step > 0 { ledger.add(decision) } else { ledger.remove(decision) }
            plan[decision] += step
            let unit = unitOf[decision]
            unitPosts[unit] += step
            for group in reach.unitGroups[unit] {
                let before = postsInReach[group]
                postsInReach[group] += step
                guard (before == 0) != (postsInReach[group] == 0) else { continue }
                let change = before == 0 ? -weight[group] : weight[group]
                for other in unitsOfGroup[group] { open[other] += change }
            }
        }
        /// The cheapest post at `unit` the rules allow that keeps room for the floors (in `territory` when given).
        func cheapest(_ unit: Int, in territory: Int? = nil) -> Int? {
            decisionsOfUnit[unit].first { decision in
                (territory.map { model.pools[model.decisions[decision].pool].territory == $0 } ?? true)
                    && ledger.allows(decision) && ledger.keepsRoomForFloors(decision)
            }
        }
        func cost(_ decision: Int) -> Double { model.decisions[decision].stateCostEUR }
        // Weights are whole people or communes: a move gains at least one, or nothing.
        let tolerance = 0.5

        func addWhileOneFits() -> Bool {
            var added = false
            while true {
                var best: (score: Double, unit: Int, decision: Int)?
                for unit in reach.units.indices where open[unit] > tolerance {
                    guard let decision = cheapest(unit) else { continue }
                    let score = open[unit] / max(cost(decision), 1)
                    if best.map({ score > $0.score }) ?? true { best = (score, unit, decision) }
                }
                guard let best else { return added }
                move(best.decision, by: 1)
                added = true
            }
        }

        // What each unit would endow once the post taken back is gone: `open` plus `freed`.
        var freed = [Double](repeating: 0, count: reach.units.count)
        // Whether the start meets every floor (after its repair below), so that every move keeps them.
        var floorsMetBefore = false
        func swapPass() -> Bool {
            var swapped = false
            for taken in model.decisions.indices where plan[taken] > 0 {
                let from = unitOf[taken]
                var lost = 0.0
                var touched: [Int] = []
                if unitPosts[from] == 1 {
                    for group in reach.unitGroups[from] where postsInReach[group] == 1 {
                        lost += weight[group]
                        for unit in unitsOfGroup[group] {
                            if freed[unit] == 0 { touched.append(unit) }
                            freed[unit] += weight[group]
                        }
                    }
                }
                ledger.remove(taken)
                // A post that a floor needs is only moved within its territory: the floors met stay met.
                let territory = model.pools[model.decisions[taken].pool].territory
                let floorNeeds = !floorsMetBefore ? nil : (ledger.meetsFloors ? nil : territory)
                var best: (net: Double, cost: Double, decision: Int)?
                for unit in reach.units.indices {
                    let net = open[unit] + freed[unit] - lost
                    guard net > -tolerance else { continue }
                    // A candidate must beat the best so far: more endowed, or as much for fewer euros.
                    if let best, net < best.net - tolerance { continue }
                    guard let decision = cheapest(unit, in: floorNeeds) else { continue }
                    let gains = net > tolerance || cost(decision) < cost(taken) - 0.5
                    guard gains else { continue }
                    if let current = best,
                        !(net > current.net + tolerance
                            || (net > current.net - tolerance && cost(decision) < current.cost))
                    {
                        continue
                    }
                    best = (net, cost(decision), decision)
                }
                ledger.add(taken)
                for unit in touched { freed[unit] = 0 }
                if let best {
                    move(taken, by: -1)
                    move(best.decision, by: 1)
                    swapped = true
                }
            }
            return swapped
        }

        // A start that leaves a floor unmet (the greedy only kept room for the floors, at each territory's cheapest
        // post whatever its capacity) is repaired first: each territory below its floor takes its cheapest post the
        // rules allow (the one endowing most among equally cheap ones); when none fits, the post whose loss endows
        // fewest (the dearer among equal ones), in a territory above its floor, is taken back. At most as many posts
        // are taken back as the start holds; a start still short of a floor is returned as such (`meetsFloors`).
        let decisionsOfTerritory = decisionsByTerritory(model, scenario: scenario)
        func territoryOf(_ decision: Int) -> Int { model.pools[model.decisions[decision].pool].territory }
        func endowsAlone(_ decision: Int) -> Double {
            let unit = unitOf[decision]
            guard unitPosts[unit] == 1 else { return 0 }
            return reach.unitGroups[unit].reduce(0) { $0 + (postsInReach[$1] == 1 ? weight[$1] : 0) }
        }
        var takenBack = 0
        let maximumTakenBack = plan.reduce(0, +)
        repair: for t in scenario.territories.indices {
            while ledger.territory[t] < ledger.floors[t] {
                let allowed = decisionsOfTerritory[t].filter { ledger.allows($0) }
                if let least = allowed.map({ cost($0) }).min() {
                    let best = allowed.filter { cost($0) <= least + 1e-6 }.max {
                        (open[unitOf[$0]], -$0) < (open[unitOf[$1]], -$1)
                    }!
                    move(best, by: 1)
                    continue
                }
                let victims = model.decisions.indices.filter {
                    plan[$0] > 0 && ledger.territory[territoryOf($0)] > ledger.floors[territoryOf($0)]
                }
                guard takenBack < maximumTakenBack,
                    let victim = victims.min(by: {
                        (endowsAlone($0), -cost($0), $0) < (endowsAlone($1), -cost($1), $1)
                    })
                else { break repair }
                move(victim, by: -1)
                takenBack += 1
            }
        }

        floorsMetBefore = ledger.meetsFloors
        var passes = 0
        var changed = addWhileOneFits()
        repeat {
            passes += 1
            let swapped = swapPass()
            let added = addWhileOneFits()
            changed = swapped || added
        } while changed && passes < maximumPasses
        let covered = postsInReach.indices.filter { postsInReach[$0] > 0 }
        var result = Outcome(
            covered: covered, endowed: covered.reduce(0) { $0 + weight[$1] }, reachable: outcome.reachable,
            unit: outcome.unit, posts: plan.reduce(0, +), plan: plan, bound: outcome.bound)
        result.swapPasses = passes
        result.meetsFloors = ledger.meetsFloors
        return result
    }

    /// A guard: the real scenario's runs measured while building this ended after 3–5 passes (their logs' `endow_reach`
    /// lines).
    static let maximumPasses = 50
}
