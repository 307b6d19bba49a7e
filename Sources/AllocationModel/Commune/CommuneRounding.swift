import Foundation
import Scenario

/// Rounds the commune LP's posts into an integer plan that obeys every rule on posts: the integer parts first,
/// then territory floors (by fractional part), then the other fractional parts (largest first), then the posts
/// and euros left, by the LP's marginal value per euro (the dual of the site's service row × people per post /
/// State cost). Each post is added only if `Ledger` says every cap, capacity and co-financing unit allows it.
enum CommuneRounding {
    /// What a plan uses of each limited resource, so a post can be checked in constant time.
    struct Ledger {
        let model: CommuneModel
        let scenario: Scenario
        var pool: [Int]
        var unitPosts: [[Int]]
        var unitMoney: [[Double]]
        var territory: [Int]
        var region: [Int]
        var total = 0
        var spent = 0.0
        let regionOfTerritory: [Int]
        let territoryCap: [Int]
        let regionCap: Int
        /// Each territory's floor, the posts still owed to them, the State cost of each territory's cheapest post, and
        /// the euros those owed posts need at that cost: what `keepsRoomForFloors` reserves.
        let floors: [Int]
        private(set) var floorDeficit: Int
        let cheapestCost: [Double]
        private(set) var floorMoney: Double

        init(model: CommuneModel, scenario: Scenario) {
            self.model = model
            self.scenario = scenario
            pool = [Int](repeating: 0, count: model.pools.count)
            unitPosts = model.pools.map { [Int](repeating: 0, count: $0.units.count) }
            unitMoney = model.pools.map { [Double](repeating: 0, count: $0.units.count) }
            territory = [Int](repeating: 0, count: scenario.territories.count)
            let regions = scenario.regions
            region = [Int](repeating: 0, count: regions.count)
            var regionOf = [Int](repeating: 0, count: scenario.territories.count)
            let territoryIndex = Dictionary(
                uniqueKeysWithValues: scenario.territories.enumerated().map { ($0.element.code, $0.offset) })
            for (index, region) in regions.enumerated() {
                for member in region.territories { regionOf[territoryIndex[member.code]!] = index }
            }
            regionOfTerritory = regionOf
            territoryCap = scenario.territories.map { scenario.postRange(of: $0).max }
            regionCap = scenario.regionPostRange.max
            floors = scenario.territories.map { scenario.postRange(of: $0).min }
            floorDeficit = floors.reduce(0, +)
            var cheapest = [Double](repeating: .infinity, count: scenario.territories.count)
            for decision in model.decisions {
                let t = model.pools[decision.pool].territory
                cheapest[t] = min(cheapest[t], decision.stateCostEUR)
            }
            // A territory without posts to take cannot meet a floor whatever the money: its reserve is none.
            cheapestCost = cheapest.map { $0.isFinite ? $0 : 0 }
            floorMoney = zip(floors, cheapestCost).reduce(0) { $0 + Double($1.0) * $1.1 }
        }

        /// The ledger of a whole plan, `posts` per decision.
        init(model: CommuneModel, scenario: Scenario, posts: [Int]) {
            self.init(model: model, scenario: scenario)
            for (index, count) in posts.enumerated() { for _ in 0..<count { add(index) } }
        }

        /// One more post of `index` still leaves enough posts and euros (at each territory's cheapest post's price)
        /// for every territory floor not yet met: a plan built post by post (the endowment cover and its swaps, a
        /// rounding's integer parts) keeps room for the floors instead of failing on them at the end.
        func keepsRoomForFloors(_ index: Int) -> Bool {
            let decision = model.decisions[index]
            let t = model.pools[decision.pool].territory
            let owed = territory[t] < floors[t]
            let posts = floorDeficit - (owed ? 1 : 0)
            let money = floorMoney - (owed ? cheapestCost[t] : 0)
            return total + 1 + posts <= scenario.parameters.posts
                && spent + decision.stateCostEUR + money <= scenario.parameters.budgetEUR + 1e-6
        }

        /// One more post of `index` keeps every rule; `budgetRoom` and `postsRoom`: euros and posts beyond the budget
        /// and the posts taken as there (whether a change is allowed apart from what other steps would pay for it,
        /// `CommuneUpgrades`).
        func allows(_ index: Int, budgetRoom: Double = 0, postsRoom: Int = 0) -> Bool {
            let decision = model.decisions[index]
            let pool = model.pools[decision.pool]
            let t = pool.territory
            guard self.pool[decision.pool] + 1 <= pool.capacity, total + 1 <= scenario.parameters.posts + postsRoom,
                spent + decision.stateCostEUR <= scenario.parameters.budgetEUR + budgetRoom + 1e-6,
                territory[t] + 1 <= territoryCap[t] + postsRoom,
                region[regionOfTerritory[t]] + 1 <= regionCap + postsRoom
            else { return false }
            if let unit = decision.unit {
                switch pool.units[unit].rule {
                case let .count(posts):
                    if unitPosts[decision.pool][unit] + 1 > posts.reduce(0, +) { return false }
                case let .money(capacity, money):
                    if unitPosts[decision.pool][unit] + 1 > capacity
                        || unitMoney[decision.pool][unit] + decision.hostCostEUR > money + 1e-6
                    {
                        return false
                    }
                }
            }
            return true
        }

        mutating func add(_ index: Int) { change(index, by: 1) }
        mutating func remove(_ index: Int) { change(index, by: -1) }

        private mutating func change(_ index: Int, by step: Int) {
            let decision = model.decisions[index]
            let t = model.pools[decision.pool].territory
            pool[decision.pool] += step
            if let unit = decision.unit {
                unitPosts[decision.pool][unit] += step
                unitMoney[decision.pool][unit] += Double(step) * decision.hostCostEUR
            }
            let owed = max(0, floors[t] - territory[t] - step) - max(0, floors[t] - territory[t])
            floorDeficit += owed
            floorMoney += Double(owed) * cheapestCost[t]
            territory[t] += step
            region[regionOfTerritory[t]] += step
            total += step
            spent += Double(step) * decision.stateCostEUR
        }

        /// Every floor is met (caps are kept by `allows`).
        var meetsFloors: Bool {
            let regionFloor = scenario.regionPostRange.min
            return floorDeficit == 0 && region.allSatisfy { $0 >= regionFloor }
        }
    }

    /// `model.coverRows` are kept too: after the integer parts, each row without a post gets one, its decision of
    /// largest LP value the rules allow (the relaxation keeps every row, so its posts there add up to at least one).
    /// With `coversFirst`, the rows get their posts before the integer parts (the retry when the integer parts leave
    /// no room for them: a vertex of the Lagrangian's posts part has many whole posts and few fractional ones).
    static func round(
        _ model: CommuneModel, scenario: Scenario, values: [Double], duals: [Double]?, coversFirst: Bool = false
    ) throws -> [Int] {
        var ledger = Ledger(model: model, scenario: scenario)
        var posts = [Int](repeating: 0, count: model.decisions.count)
        var whole = [Int](repeating: 0, count: model.decisions.count)
        var fraction = [Double](repeating: 0, count: model.decisions.count)
        for (index, decision) in model.decisions.enumerated() {
            let value = max(0, values[decision.variable.index])
            whole[index] = Int((value + 1e-6).rounded(.down))
            fraction[index] = max(0, value - Double(whole[index]))
        }
        func cover() throws {
            for row in model.coverRows where !row.contains(where: { posts[$0] > 0 }) {
                let best = row.filter { ledger.allows($0) }.max {
                    (values[model.decisions[$0].variable.index], -$0)
                        < (values[model.decisions[$1].variable.index], -$1)
                }
                guard let best else {
                    throw CommuneSolve.Failure.roundingFailed(
                        "endow_reach: no post the rules allow within reach of a group")
                }
                ledger.add(best)
                posts[best] += 1
                if posts[best] > whole[best] { fraction[best] = max(0, fraction[best] - 1) }
            }
        }
        // Marginal value per euro of one more post: the service row's dual × people per post / State cost.
        let unitOfSite = model.reach.unitOfSite
        let perEuro: [Double] = model.decisions.map { decision in
            let row = model.serviceRows[unitOfSite[model.pools[decision.pool].site]]
            let dual = abs(duals?[row] ?? 0)
            return dual * decision.peoplePerPost / max(decision.stateCostEUR, 1)
        }
        let byValue = model.decisions.indices.sorted { (perEuro[$0], -$0) > (perEuro[$1], -$1) }
        if coversFirst { try cover() }
        // The integer parts, best value per euro first: all of them fit when `values` keep the rules (a relaxation's);
        // a previous plan under other rules (`CommuneWarmStart`: a smaller budget) keeps its best posts. Room is kept
        // for the floors not met yet (a relaxation's interior point may meet them only with its fractional parts).
        for index in byValue {
            while posts[index] < whole[index] && ledger.allows(index) && ledger.keepsRoomForFloors(index) {
                ledger.add(index)
                posts[index] += 1
            }
        }
        if !coversFirst { try cover() }
        let byFraction = model.decisions.indices.filter { fraction[$0] > 1e-6 }
            .sorted { (fraction[$0], perEuro[$0], -$0) > (fraction[$1], perEuro[$1], -$1) }
        // Floors first: a territory below its floor takes its largest fractional parts, then its best posts per euro;
        // first only posts that leave room for the floors of the territories after it (`keepsRoomForFloors`: a dear
        // post here could leave a later territory without the euros for its floor), then any the rules allow.
        var ordered = [[Int]](repeating: [], count: scenario.territories.count)
        for index in byFraction + byValue { ordered[model.pools[model.decisions[index].pool].territory].append(index) }
        for (t, territory) in scenario.territories.enumerated() {
            let floor = ledger.floors[t]
            var progress = true
            var keepingRoom = true
            while ledger.territory[t] < floor && progress {
                progress = false
                for index in ordered[t]
                where ledger.territory[t] < floor && ledger.allows(index)
                    && (!keepingRoom || ledger.keepsRoomForFloors(index))
                {
                    ledger.add(index)
                    posts[index] += 1
                    progress = true
                }
                if !progress && keepingRoom {
                    keepingRoom = false
                    progress = true
                }
            }
            if ledger.territory[t] < floor {
                throw CommuneSolve.Failure.roundingFailed(
                    "territory_floor[\(territory.code)]: \(ledger.territory[t]) posts, floor \(floor)")
            }
        }
        for index in byFraction where ledger.allows(index) {
            ledger.add(index)
            posts[index] += 1
        }
        // What is left (posts and euros), by value per euro; a few passes, since one post changes no dual.
        for _ in 0..<3 {
            var added = false
            for index in byValue where perEuro[index] > 0 && ledger.allows(index) {
                ledger.add(index)
                posts[index] += 1
                added = true
            }
            if !added { break }
        }
        let regionFloor = scenario.regionPostRange.min
        if regionFloor > 0, let short = ledger.region.firstIndex(where: { $0 < regionFloor }) {
            throw CommuneSolve.Failure.roundingFailed(
                "region_floor[\(scenario.regions[short].code)]: \(ledger.region[short]) posts, floor \(regionFloor)")
        }
        return posts
    }
}
