import Foundation
import LinearProgramming
import Scenario

/// The `endow_reach` stage of the commune plan (docs/model.md, "Endowment first"): as many people (or communes) as
/// possible with at least one post within reach, before the value. Every demand group of the model has a site within
/// reach, so covering all of them is the most any plan can do; a greedy cover that does it, within every rule on posts,
/// proves the stage optimal without solving anything, and the value stage then holds it as covering rows on the integer
/// posts (`CommuneModel.addCovers`). When the greedy cover falls short (too few posts or euros for one post within
/// reach of every group), local searches improve it (`improved`, `guidedCover`), the groups of the best cover found
/// are held instead, and the stage is reported with the gap against the bound of the stage's binary model's LP
/// relaxation (`relaxation`): the binary model itself is not solved (GLPK's branch-and-bound finds no plan at this
/// scale).
public enum CommuneEndowment {
    public struct Outcome: Sendable {
        /// Groups with a post within reach in the cover (indices into `reach.groups`), increasing.
        public let covered: [Int]
        /// People (or communes) of the covered groups, and of every group: the stage's value and its bound.
        public let endowed: Double
        public let reachable: Double
        public let unit: CommuneInputs.EndowReach
        /// Posts the cover uses.
        public let posts: Int
        /// The cover's posts per decision of the model it was made on (decisions are the same in every commune model
        /// of the scenario): a plan that keeps every covering row, and room for the floors.
        public var plan: [Int] = []
        /// The most any plan can endow: `reachable`, or less when the cover falls short and the stage's LP relaxation
        /// proves less (`relaxation`).
        public var bound: Double
        /// Passes of the swaps (`improved`) that made this cover; 0 when the greedy endows every group.
        public var swapPasses = 0
        /// When the greedy cover falls short of everyone, what each search endowed (docs/model.md, "Swaps after the
        /// greedy"): the greedy alone (its cover only keeps room for the floors, priced at each territory's cheapest
        /// post whatever its capacity, which may be short), the greedy's covers with the floors met then swaps, and the
        /// covers from the stage's LP relaxation likewise (nil when the relaxation did not finish). The cover held is
        /// the better swapped one (`fromRelaxation`).
        public var greedyEndowed: Double?
        public var greedySwapsEndowed: Double?
        public var relaxationSwapsEndowed: Double?
        public var fromRelaxation = false
        /// Whether the cover meets every floor: then it is a plan of the stage's binary model, and the value stage can
        /// hold its groups. The greedy that endows everyone only keeps room for the floors (which the value stage
        /// fills); the searches' covers meet them (`improved`).
        public var meetsFloors = true
        /// The cover meets the stage's bound, keeping every rule: no plan can endow more.
        public var proven: Bool { meetsFloors && endowed >= bound - 1e-9 * max(bound, 1) }
    }

    /// The stage as a run solves it (docs/model.md, "Endowment first"): the greedy cover and its swaps; when they fall
    /// short of everyone, the stage's LP relaxation for the bound and, unless it proves them optimal, a second cover
    /// from its posts (`guidedCover`), the one that endows more held. Each step logged with its time.
    public static func solve(
        _ model: CommuneModel, scenario: Scenario, unit: CommuneInputs.EndowReach, solver: any LinearSolver,
        options: SolverOptions, log: (String) -> Void
    ) throws -> Outcome {
        let coverStarted = Date()
        var held = cover(model, scenario: scenario, unit: unit)
        if let greedy = held.greedyEndowed {
            log(
                "endow_reach: the greedy cover endows \(Int(greedy)) \(unit.rawValue) (room kept for the floors), its covers with the floors met and swaps \(Int(held.endowed)) (\(held.swapPasses) passes, \(Date().timeIntervalSince(coverStarted).loggedSeconds) s)"
            )
        }
        // Short of everyone: the stage's LP relaxation may prove the cover optimal, or bound the gap tighter.
        let boundStarted = Date()
        if !held.proven,
            let relaxation = try relaxation(model, scenario: scenario, unit: unit, solver: solver, options: options)
        {
            // Never raised to the cover's own figure: a cover above the bound would break a rule (`meetsFloors`).
            held.bound = min(held.bound, relaxation.bound)
            log(
                "endow_reach: the stage's LP relaxation bounds it at \(Int(relaxation.bound)) \(unit.rawValue) in \(Date().timeIntervalSince(boundStarted).loggedSeconds) s"
            )
            // A second cover from the relaxation's posts, unless the bound proves the first optimal; the better held.
            if !held.proven {
                let guidedStarted = Date()
                var guided = guidedCover(model, scenario: scenario, unit: unit, relaxation: relaxation)
                log(
                    "endow_reach: the cover from the relaxation's posts, with its swaps, endows \(Int(guided.endowed)) \(unit.rawValue) (\(guided.swapPasses) passes, \(Date().timeIntervalSince(guidedStarted).loggedSeconds) s)"
                )
                held.relaxationSwapsEndowed = guided.endowed
                if prefers(guided, over: held) {
                    guided.bound = held.bound
                    guided.greedyEndowed = held.greedyEndowed
                    guided.greedySwapsEndowed = held.greedySwapsEndowed
                    guided.relaxationSwapsEndowed = guided.endowed
                    guided.fromRelaxation = true
                    held = guided
                }
            }
        }
        log(
            "endow_reach: \(Int(held.endowed)) of \(Int(held.reachable)) \(unit.rawValue) in reach of a site get a post within reach (\(held.posts) posts)"
                + (held.endowed >= held.reachable - 1e-9
                    ? ", all of them: optimal"
                    : held.proven
                        ? ": no plan can do more (the LP bound), optimal"
                        : "; at most \(Int(held.bound.rounded(.down))) by the stage's LP bound")
                + (held.meetsFloors
                    ? "" : "; its posts leave a territory floor unmet, so the value stage may find no plan")
        )
        return held
    }

    /// The stage's binary model: max Σ_g weight_g y_g, y_g ≤ Σ x over the posts at the sites reaching g, y_g ∈ {0, 1},
    /// every rule on the posts (pools, co-financing, floors, caps, posts, budget) as in `model` (a model without
    /// covering rows), the posts whole when `model`'s are. Solved by no run (GLPK's branch-and-bound finds no plan at
    /// national scale); its relaxation bounds the stage (`relaxation`), and `scripts/bench-endow` gives it to
    /// HiGHS.
    public static func binaryModel(
        _ model: CommuneModel, scenario: Scenario, unit: CommuneInputs.EndowReach
    )
        -> LinearProgram
    {
        var binary = model.postsProgram(named: "endow_reach", keepingKinds: true)
        var postsAtSite = [[Variable]](repeating: [], count: model.reach.siteCommunes.count)
        for decision in model.decisions { postsAtSite[model.pools[decision.pool].site].append(decision.variable) }
        let weights = weights(model, scenario: scenario, unit: unit)
        for (index, group) in model.reach.groups.enumerated() {
            let endowed = binary.addVariable(
                "endowed[\(index + 1)]", lower: 0, upper: 1, kind: .integer, objective: weights[index])
            binary.addConstraint(
                "endow_reach[\(index + 1)]", [(endowed, 1)] + group.sites.flatMap { postsAtSite[$0] }.map { ($0, -1) },
                upper: 0)
        }
        return binary
    }

    /// The LP relaxation of the stage's binary model (`binaryModel`), solved: its bound and its posts.
    public struct Relaxation: Sendable {
        /// Its optimum, rounded down to whole people (or communes): it bounds every plan's endowment, and is below
        /// Σ_g weight_g when the posts or euros cannot reach everyone even fractionally.
        public let bound: Double
        /// Its posts per decision of the model it was built on (fractional): they start `guidedCover`.
        public let posts: [Double]
    }

    /// The LP relaxation of the stage's binary model; nil when the LP does not end optimal (time).
    public static func relaxation(
        _ model: CommuneModel, scenario: Scenario, unit: CommuneInputs.EndowReach, solver: any LinearSolver,
        options: SolverOptions
    ) throws -> Relaxation? {
        let relaxed = binaryModel(model, scenario: scenario, unit: unit).relaxation()
        let weights = weights(model, scenario: scenario, unit: unit)
        var lpOptions = options.starting(from: nil)
        lpOptions.dualSimplex = true
        let result = try solver.solve(relaxed, options: lpOptions)
        guard result.status == .optimal, let objective = result.objective else { return nil }
        // The simplex's tolerances: a relative margin of 10⁻⁹; a plan endows whole people (or communes), so the bound
        // is rounded down to a whole number; never above the trivial bound.
        return Relaxation(
            bound: min((objective * (1 + 1e-9) + 1e-6).rounded(.down), weights.reduce(0, +)),
            posts: model.decisions.map { max(0, result.values[$0.variable.index]) })
    }

    /// People (or communes) of each group.
    static func weights(_ model: CommuneModel, scenario: Scenario, unit: CommuneInputs.EndowReach) -> [Double] {
        let population = scenario.communes.map { inputs in inputs.communes.map { Double($0.population) } } ?? []
        return model.reach.groups.map { group in
            unit == .communes ? Double(group.communes.count) : group.communes.reduce(0) { $0 + population[$1] }
        }
    }

    /// The greedy cover: one post at a time, at the site unit whose groups not yet covered weigh most per euro of its
    /// cheapest post the rules allow (`CommuneRounding.Ledger`) and that leaves room for the territory floors still
    /// unmet; lazily re-scored, since a unit's weight only falls.
    /// When it endows every group, the stage is optimal and that is all. Otherwise the room it kept for the floors,
    /// priced at each territory's cheapest post whatever its capacity, may be too little, so the covers the searches
    /// make meet the floors, each a plan of the stage's binary model (every rule kept) whose groups the value stage can
    /// hold: the greedy's cover repaired and swapped (`improved`), and the greedy run again from the floors' cheapest
    /// posts (`floorPosts`), swapped; the better held.
    /// Deterministic: ties go to the lower unit.
    public static func cover(_ model: CommuneModel, scenario: Scenario, unit: CommuneInputs.EndowReach) -> Outcome {
        let weight = weights(model, scenario: scenario, unit: unit)
        let decisionsOfUnit = decisionsByCost(model)
        let first = greedy(
            model, scenario: scenario, unit: unit, weight: weight, decisionsOfUnit: decisionsOfUnit,
            from: CommuneRounding.Ledger(model: model, scenario: scenario),
            plan: [Int](repeating: 0, count: model.decisions.count))
        guard !first.proven else { return first }
        // Two starts, each then repaired to meet the floors and swapped (`improved`): the greedy's own cover, and the
        // greedy from the floors' posts (`floorPosts`), which meets them by construction. The better that meets them.
        let floors = floorPosts(model, scenario: scenario, weight: weight)
        let fromFloors = greedy(
            model, scenario: scenario, unit: unit, weight: weight, decisionsOfUnit: decisionsOfUnit,
            from: floors.ledger, plan: floors.plan)
        let swapped = [first, fromFloors].map {
            improved($0, model: model, scenario: scenario, weights: weight, decisionsOfUnit: decisionsOfUnit)
        }
        var best = better(swapped[0], swapped[1])
        best.greedyEndowed = first.endowed
        best.greedySwapsEndowed = best.endowed
        return best
    }

    /// Whether `b` is the better cover: it meets the floors and `a` does not, or both do (or neither) and it endows
    /// more.
    static func prefers(_ b: Outcome, over a: Outcome) -> Bool {
        a.meetsFloors != b.meetsFloors ? b.meetsFloors : b.endowed > a.endowed + 0.5
    }

    /// Of two covers, the better (`prefers`; the first on a tie).
    static func better(_ a: Outcome, _ b: Outcome) -> Outcome { prefers(b, over: a) ? b : a }

    /// The greedy from a partial plan (`plan`, its posts already in `ledger`).
    static func greedy(
        _ model: CommuneModel, scenario: Scenario, unit: CommuneInputs.EndowReach, weight: [Double],
        decisionsOfUnit: [[Int]], from start: CommuneRounding.Ledger, plan startPlan: [Int]
    ) -> Outcome {
        let reach = model.reach
        var ledger = start
        var plan = startPlan
        var covered = coveredGroups(of: plan, model: model)
        func gain(_ unit: Int) -> Double { reach.unitGroups[unit].reduce(0) { $0 + (covered[$1] ? 0 : weight[$1]) } }
        func cheapest(_ unit: Int) -> Int? { decisionsOfUnit[unit].first { ledger.allows($0) } }
        // Scores only fall (groups get covered, rules fill up): pop the best, re-score it, keep it if still the best.
        var heap = BinaryHeap<(score: Double, unit: Int)> { ($0.score, -$0.unit) > ($1.score, -$1.unit) }
        for unit in reach.units.indices {
            if let decision = cheapest(unit) {
                heap.push((gain(unit) / max(model.decisions[decision].stateCostEUR, 1), unit))
            }
        }
        // Room kept for the territory floors (`Ledger.keepsRoomForFloors`): a post outside a territory below its
        // floor must leave enough posts and euros for every floor still unmet, or the value stage, which holds the
        // endowed groups, could not meet the floors.
        while let top = heap.pop() {
            guard top.score > 0, let decision = cheapest(top.unit) else { continue }
            // A unit whose next post would eat a floor's room is dropped (its score could only fall).
            guard ledger.keepsRoomForFloors(decision) else { continue }
            let score = gain(top.unit) / max(model.decisions[decision].stateCostEUR, 1)
            if let next = heap.first, (score, -top.unit) < (next.score, -next.unit) {
                heap.push((score, top.unit))
                continue
            }
            guard score > 0 else { continue }
            ledger.add(decision)
            plan[decision] += 1
            for group in reach.unitGroups[top.unit] { covered[group] = true }
        }
        let groups = covered.indices.filter { covered[$0] }
        return Outcome(
            covered: groups, endowed: groups.reduce(0) { $0 + weight[$1] }, reachable: weight.reduce(0, +),
            unit: unit, posts: plan.reduce(0, +), plan: plan, bound: weight.reduce(0, +))
    }

    /// Posts that meet every territory floor at least cost, before any other: in each territory, the cheapest post
    /// the rules allow, again until its floor is met (so capacities are counted), the one whose unit endows most
    /// among equally cheap ones. When the scenario's floors fit its budget at all, these fit
    /// (`ConsistencyCheck` refuses the others before solving).
    static func floorPosts(
        _ model: CommuneModel, scenario: Scenario, weight: [Double]
    ) -> (ledger: CommuneRounding.Ledger, plan: [Int]) {
        let reach = model.reach
        var ledger = CommuneRounding.Ledger(model: model, scenario: scenario)
        var plan = [Int](repeating: 0, count: model.decisions.count)
        var covered = [Bool](repeating: false, count: reach.groups.count)
        let unitOf = model.decisions.map { reach.unitOfSite[model.pools[$0.pool].site] }
        let decisionsOfTerritory = decisionsByTerritory(model, scenario: scenario)
        for t in scenario.territories.indices {
            while ledger.territory[t] < ledger.floors[t] {
                let allowed = decisionsOfTerritory[t].filter { ledger.allows($0) }
                guard let cost = allowed.map({ model.decisions[$0].stateCostEUR }).min() else { break }
                func gain(_ decision: Int) -> Double {
                    reach.unitGroups[unitOf[decision]].reduce(0) { $0 + (covered[$1] ? 0 : weight[$1]) }
                }
                let cheapest = allowed.filter { model.decisions[$0].stateCostEUR <= cost + 1e-6 }
                let best = cheapest.max { (gain($0), -$0) < (gain($1), -$1) }!
                ledger.add(best)
                plan[best] += 1
                for group in reach.unitGroups[unitOf[best]] { covered[group] = true }
            }
        }
        return (ledger, plan)
    }

    /// Which groups a plan's posts reach (a post at a site unit reaches all of the unit's groups).
    static func coveredGroups(of plan: [Int], model: CommuneModel) -> [Bool] {
        let reach = model.reach
        var covered = [Bool](repeating: false, count: reach.groups.count)
        for (decision, posts) in plan.enumerated() where posts > 0 {
            for group in reach.unitGroups[reach.unitOfSite[model.pools[model.decisions[decision].pool].site]] {
                covered[group] = true
            }
        }
        return covered
    }

    /// Each territory's decisions, by index.
    static func decisionsByTerritory(_ model: CommuneModel, scenario: Scenario) -> [[Int]] {
        var decisionsOfTerritory = [[Int]](repeating: [], count: scenario.territories.count)
        for (index, decision) in model.decisions.enumerated() {
            decisionsOfTerritory[model.pools[decision.pool].territory].append(index)
        }
        return decisionsOfTerritory
    }

    /// Each site unit's decisions, cheapest first (ties by index).
    static func decisionsByCost(_ model: CommuneModel) -> [[Int]] {
        var decisionsOfUnit = [[Int]](repeating: [], count: model.reach.units.count)
        for (index, decision) in model.decisions.enumerated() {
            decisionsOfUnit[model.reach.unitOfSite[model.pools[decision.pool].site]].append(index)
        }
        for unit in decisionsOfUnit.indices {
            decisionsOfUnit[unit].sort {
                (model.decisions[$0].stateCostEUR, $0) < (model.decisions[$1].stateCostEUR, $1)
            }
        }
        return decisionsOfUnit
    }

    /// A second cover, guided by the stage's LP relaxation, whose bound lies 0.08–0.12 % above the stage's optimum on
    /// the real scenario where the greedy stops 0.9 % short (€40M, €19M: BENCHMARKS.md, "Endowment by swaps and from
    /// the relaxation"): one post at each site unit in decreasing order of the relaxation's posts there, while it
    /// endows someone new and the rules allow its cheapest post with room for the floors, from nothing and from the
    /// floors' posts (`floorPosts`); each then repaired to meet the floors and swapped as the greedy's covers
    /// (`improved`); the better of the two.
    public static func guidedCover(
        _ model: CommuneModel, scenario: Scenario, unit: CommuneInputs.EndowReach, relaxation: Relaxation
    ) -> Outcome {
        let reach = model.reach
        let weight = weights(model, scenario: scenario, unit: unit)
        let decisionsOfUnit = decisionsByCost(model)
        var lpPosts = [Double](repeating: 0, count: reach.units.count)
        for (index, decision) in model.decisions.enumerated() {
            lpPosts[reach.unitOfSite[model.pools[decision.pool].site]] += relaxation.posts[index]
        }
        // Two starts, as the greedy's searches (`cover`): from nothing, and from the floors' posts (`floorPosts`).
        func start(from ledger: CommuneRounding.Ledger, plan: [Int]) -> Outcome {
            var ledger = ledger
            var plan = plan
            var covered = coveredGroups(of: plan, model: model)
            let order = reach.units.indices.filter { lpPosts[$0] > 1e-6 }
                .sorted { (lpPosts[$0], -$0) > (lpPosts[$1], -$1) }
            for site in order where reach.unitGroups[site].contains(where: { !covered[$0] && weight[$0] > 0 }) {
                guard
                    let decision = decisionsOfUnit[site].first(where: {
                        ledger.allows($0) && ledger.keepsRoomForFloors($0)
                    })
                else { continue }
                ledger.add(decision)
                plan[decision] += 1
                for group in reach.unitGroups[site] { covered[group] = true }
            }
            let groups = covered.indices.filter { covered[$0] }
            return Outcome(
                covered: groups, endowed: groups.reduce(0) { $0 + weight[$1] }, reachable: weight.reduce(0, +),
                unit: unit, posts: plan.reduce(0, +), plan: plan, bound: relaxation.bound)
        }
        let floors = floorPosts(model, scenario: scenario, weight: weight)
        let starts = [
            start(
                from: CommuneRounding.Ledger(model: model, scenario: scenario),
                plan: [Int](repeating: 0, count: model.decisions.count)),
            start(from: floors.ledger, plan: floors.plan),
        ]
        let swapped = starts.map {
            improved($0, model: model, scenario: scenario, weights: weight, decisionsOfUnit: decisionsOfUnit)
        }
        return better(swapped[0], swapped[1])
    }

    /// The groups among `groups` whose set of sites in reach contains no other's: one post within reach of each of
    /// them puts one within reach of every group of `groups` (a superset's row follows from its subset's).
    /// Sets are compared through the groups holding each set's first site, so the work grows with the overlaps.
    public static func minimal(_ groups: [Int], reach: CommuneReach) -> [Int] {
        let sites = groups.map { reach.groups[$0].sites }
        var byFirstSite: [Int: [Int]] = [:]
        for (position, set) in sites.enumerated() { byFirstSite[set[0], default: []].append(position) }
        func isSubset(_ small: [Int], of large: [Int]) -> Bool {
            guard small.count <= large.count else { return false }
            var j = 0
            for site in small {
                while j < large.count && large[j] < site { j += 1 }
                if j == large.count || large[j] != site { return false }
                j += 1
            }
            return true
        }
        return sites.indices.filter { position in
            let set = sites[position]
            // A proper subset of `set` starts with one of `set`'s sites (sets are increasing and distinct by grouping).
            for site in set {
                for other in byFirstSite[site] ?? [] where other != position && sites[other].count <= set.count {
                    // An equal set (two groups of one reach and different weights) keeps only its first row.
                    if sites[other].count == set.count
                        ? (other < position && sites[other] == set)
                        : isSubset(sites[other], of: set)
                    {
                        return false
                    }
                }
            }
            return true
        }.map { groups[$0] }
    }
}
