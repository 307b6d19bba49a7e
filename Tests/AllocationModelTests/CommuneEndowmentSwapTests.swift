import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing

@testable import AllocationModel

/// The swaps after the endowment stage's greedy cover (`CommuneEndowment.improved`): a case worked out by hand where
/// the greedy stops short of the optimum and one swap reaches it, and random small cases checked against GLPK's
/// branch-and-bound on the stage's binary model (`CommuneEndowment.binaryModel`).
@Suite struct CommuneEndowmentSwapTests {
    /// A scenario from a reach table: one host in each of `sites` (public, of capacity 1 and in territory 01 unless
    /// said), the communes of `people` (in 01 unless said; 02 has one more commune of 10 people and a candidate site
    /// there), `floor` posts at least in each territory, and for
    /// each site the communes it reaches (a site also reaches its own commune). Public posts cost the State €10,000,
    /// private ones €5,000.
    static func scenario(
        sites: [String], people: [String: Int], reaches: [String: [String]], posts: Int, budget: Int = 1_000_000,
        kinds: [String: String] = [:], capacities: [String: Int] = [:], territories: [String: String] = [:],
        floor: Int = 0
    ) throws -> Scenario {
        let codes = sites + people.keys.filter { !sites.contains($0) }.sorted()
        let demand =
            CommuneFixture.demandHeader + "\n"
            + codes.map { code in
                let population = people[code] ?? 0
                return "\(code),\(code),\(territories[code] ?? "01"),,\(population),\(population),0,0"
            }.joined(separator: "\n") + "\n"
            // Territory 02 (the fixture's) needs a commune: 10 people, reached only by a candidate site of its own.
            + "far,far,02,,10,10,,\n"
        let structures =
            "id,name,territory,kind,capacity,cofinancing_eur,posts_2021,commune_code\n"
            + sites.map {
                "H\($0),Host \($0),\(territories[$0] ?? "01"),\(kinds[$0] ?? "public"),\(capacities[$0] ?? 1),0,0,\($0)"
            }
            .joined(separator: "\n") + "\n"
        let table =
            "commune_code,site_commune_code,minutes\n"
            + sites.flatMap { site in (reaches[site] ?? []).map { "\($0),\(site),5" } }.joined(separator: "\n") + "\n"
        let folder = try CommuneFixture.folder(
            posts: posts, budget: budget, radius: nil,
            extraYAML: floor > 0 ? "limits:\n  territory_min_posts: \(floor)" : "", demand: demand,
            structures: structures,
            candidates: "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nK,Candidate,02,public,1,0,far\n",
            reachTable: table, reachYAML: "stages: endow_reach,value", privateGrant: 5000)
        return try ScenarioLoader.load(folder)
    }

    /// The stage's optimum by GLPK's branch-and-bound on its binary model, to the last person.
    static func optimum(_ scenario: Scenario) throws -> Double {
        let binary = CommuneEndowment.binaryModel(
            CommuneModel(scenario: scenario), scenario: scenario, unit: .people)
        let result = try GLPKSolver().solve(binary, options: SolverOptions(mipGap: 0))
        #expect(result.status == .optimal)
        return try #require(result.objective)
    }

    /// Two posts, three sites: s0 reaches x and y (30 people each), s1 reaches x and z (25), s2 reaches y and w (25);
    /// each site's own commune has 1 person; territory 02's candidate site reaches 10. The greedy takes s0 first (61
    /// people), then s1 (26 more): 87. By hand, the pairs of sites endow 87 ({s0, s1}), 87 ({s0, s2}), 112 ({s1, s2})
    /// and at most 71 with the candidate: 112 is the optimum. One swap
    /// reaches it: s0's post taken back loses y and s0 (31), put at s2 gains y, w and s2 (56).
    @Test func aSwapReachesTheOptimumTheGreedyMisses() throws {
        let scenario = try Self.scenario(
            sites: ["s0", "s1", "s2"], people: ["x": 30, "y": 30, "z": 25, "w": 25, "s0": 1, "s1": 1, "s2": 1],
            reaches: ["s0": ["x", "y"], "s1": ["x", "z"], "s2": ["y", "w"]], posts: 2)
        let model = CommuneModel(scenario: scenario, options: .init(relaxed: true))
        let cover = CommuneEndowment.cover(model, scenario: scenario, unit: .people)
        #expect(cover.greedyEndowed == 87)
        #expect(cover.endowed == 112 && cover.posts == 2)
        #expect(try Self.optimum(scenario) == 112)
        // The posts are at s1 and s2.
        let sitesWithPosts = Set(
            model.decisions.indices.filter { cover.plan[$0] > 0 }.map {
                scenario.communes!.communes[model.reach.siteCommunes[model.pools[model.decisions[$0].pool].site]].code
            })
        #expect(sitesWithPosts == ["s1", "s2"])
        // The run holds the swapped cover's groups and says what the greedy alone did.
        let outcome = try CommuneSolve.solve(
            scenario, candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        #expect(outcome.endowment?.endowed == 112)
        #expect(outcome.model.coverRows.allSatisfy { row in row.contains { outcome.posts[$0] > 0 } })
    }

    /// The swapped cover keeps the rules it is built under: posts, budget, each host's capacity (random cases, private
    /// posts at half the public ones' cost).
    @Test func everyMoveKeepsTheBudgetAndThePosts() throws {
        var generator = SeededGenerator(seed: 2026_12_02)
        for _ in 0..<40 {
            let scenario = try Self.randomScenario(using: &generator)
            let model = CommuneModel(scenario: scenario, options: .init(relaxed: true))
            let cover = CommuneEndowment.cover(model, scenario: scenario, unit: .people)
            let money = model.decisions.indices.reduce(0.0) {
                $0 + Double(cover.plan[$1]) * model.decisions[$1].stateCostEUR
            }
            #expect(money <= scenario.parameters.budgetEUR + 1e-6)
            #expect(cover.plan.reduce(0, +) <= scenario.parameters.posts)
            for (index, decision) in model.decisions.enumerated() {
                #expect(cover.plan[index] <= model.pools[decision.pool].capacity)
            }
        }
    }

    /// Random small cases (6 sites, 12 communes, random reach, 1–4 posts, a budget that binds in some), each cover
    /// checked against GLPK's proven optimum of the binary model:
    /// - the greedy's swaps never endow fewer than the greedy, nor more than the optimum;
    /// - the stage as a run solves it (`CommuneEndowment.solve`: then the cover from the LP relaxation, the better
    /// held)
    ///   never endows fewer than the greedy's swaps, nor more than the optimum, which never exceeds the stage's bound;
    /// - what each reports endowed is what its plan's posts reach.
    /// Over the cases the swaps improve the greedy somewhere and the stage reaches the optimum in most (the counts are
    /// printed; the assertions are the inequalities, that some case improves, and that most are optimal).
    @Test func coversLieBetweenTheGreedyAndTheOptimum() throws {
        var generator = SeededGenerator(seed: 20_261_202)
        var improvedCases = 0
        var optimalCases = 0
        var relaxationCases = 0
        let cases = 60
        for _ in 0..<cases {
            let scenario = try Self.randomScenario(using: &generator)
            let model = CommuneModel(scenario: scenario, options: .init(relaxed: true))
            let cover = CommuneEndowment.cover(model, scenario: scenario, unit: .people)
            let greedy = cover.greedyEndowed ?? cover.endowed
            let optimum = try Self.optimum(scenario)
            #expect(cover.endowed >= greedy)
            #expect(cover.endowed <= optimum + 1e-6)
            let stage = try CommuneEndowment.solve(
                model, scenario: scenario, unit: .people, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4),
                log: { _ in })
            #expect(stage.endowed >= cover.endowed && stage.endowed <= optimum + 1e-6)
            #expect(optimum <= stage.bound + 1e-6)
            // The groups reported endowed are exactly those with a post at a site within reach.
            for found in [cover, stage] {
                var postsAtSite = [Int](repeating: 0, count: model.reach.siteCommunes.count)
                for (index, decision) in model.decisions.enumerated() {
                    postsAtSite[model.pools[decision.pool].site] += found.plan[index]
                }
                let reached = model.reach.groups.indices.filter { group in
                    model.reach.groups[group].sites.contains { postsAtSite[$0] > 0 }
                }
                #expect(reached == found.covered)
            }
            if cover.endowed > greedy { improvedCases += 1 }
            if stage.fromRelaxation { relaxationCases += 1 }
            if stage.endowed >= optimum - 1e-6 { optimalCases += 1 }
        }
        print(
            "endowment: swaps improved the greedy in \(improvedCases) of \(cases) cases, the relaxation's cover was held in \(relaxationCases), optimal in \(optimalCases)"
        )
        #expect(improvedCases > 0)
        #expect(optimalCases > cases / 2)
    }

    /// Floors of 1–2 posts per territory, sites in both territories and budgets just above what the floors cost: the
    /// greedy keeps room for the floors at each territory's cheapest post, whatever its capacity, so its own cover
    /// may leave too little (a review found the national run at €19M failing so, exit 21). The stage's cover must meet
    /// every floor, lie within GLPK's proven optimum of the binary model (which holds the floors), and the commune
    /// solve must find a plan that keeps its covering rows.
    @Test func coversMeetTheFloorsWhenTheBudgetIsTight() throws {
        var generator = SeededGenerator(seed: 19_000_000)
        var short = 0
        for _ in 0..<40 {
            let scenario = try Self.randomScenario(using: &generator, floors: true)
            let model = CommuneModel(scenario: scenario, options: .init(relaxed: true))
            let optimum = try Self.optimum(scenario)
            let stage = try CommuneEndowment.solve(
                model, scenario: scenario, unit: .people, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4),
                log: { _ in })
            if !(stage.endowed >= stage.reachable - 1e-9) {
                short += 1
                #expect(stage.meetsFloors)
            }
            #expect(stage.endowed <= optimum + 1e-6)
            let outcome = try CommuneSolve.solve(
                scenario, candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
            #expect(outcome.model.coverRows.allSatisfy { row in row.contains { outcome.posts[$0] > 0 } })
        }
        print("endowment with floors: \(short) of 40 cases short of everyone")
        #expect(short > 0)
    }

    static func randomScenario(using generator: inout SeededGenerator, floors: Bool = false) throws -> Scenario {
        let sites = (0..<6).map { "s\($0)" }
        let communes = (0..<12).map { "c\($0)" }
        var people: [String: Int] = [:]
        for code in sites + communes { people[code] = Int.random(in: 0...60, using: &generator) }
        var reaches: [String: [String]] = [:]
        for site in sites {
            reaches[site] = communes.filter { _ in Int.random(in: 0..<10, using: &generator) < 3 }
        }
        // €10,000 a post: without floors, 1–4 posts and a budget of 1 to 4 posts' worth, binding in some cases.
        let posts = floors ? 10 : Int.random(in: 1...4, using: &generator)
        let budget =
            floors
            ? 0 : 10_000 * Int.random(in: 1...4, using: &generator) + Int.random(in: 0...9_999, using: &generator)
        var capacities: [String: Int] = [:]
        var kinds: [String: String] = [:]
        var territories: [String: String] = [:]
        for site in sites {
            capacities[site] = Int.random(in: 1...2, using: &generator)
            kinds[site] = Bool.random(using: &generator) ? "public" : "private"
            // With floors, half the sites (and their communes) in territory 02.
            if floors && site >= "s3" { territories[site] = "02" }
        }
        guard floors else {
            return try scenario(
                sites: sites, people: people, reaches: reaches, posts: posts, budget: budget, kinds: kinds,
                capacities: capacities)
        }
        // Floors of `floor` posts in each territory; the budget: what they cost at least (each territory's cheapest
        // posts, capacities counted), plus 0 to 1.5 public posts.
        let floor = Int.random(in: 1...2, using: &generator)
        func cost(_ site: String) -> Int { kinds[site] == "public" ? 10_000 : 5_000 }
        var floorCost = 0
        // The candidate K (public, capacity 1, in 02) counts with 02's sites.
        for territory in ["01", "02"] {
            var slots = sites.filter { (territories[$0] ?? "01") == territory }.flatMap {
                [Int](repeating: cost($0), count: capacities[$0]!)
            }
            if territory == "02" { slots.append(10_000) }
            floorCost += slots.sorted().prefix(floor).reduce(0, +)
        }
        return try scenario(
            sites: sites, people: people, reaches: reaches, posts: posts,
            budget: floorCost + Int.random(in: 0...15_000, using: &generator), kinds: kinds,
            capacities: capacities, territories: territories, floor: floor)
    }
}
