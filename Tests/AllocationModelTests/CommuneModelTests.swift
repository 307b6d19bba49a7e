import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing
@testable import AllocationModel  // the internal Grid of the commune model

/// The commune model on `CommuneFixture`, whose optimum is worked out by hand below.
@Suite struct CommuneModelTests {
    /// Value curve √r on breakpoints 0.5, 1: a person covered is worth √0.5 / 0.5 = 1.41421 up to half a group's
    /// need, then (1 − √0.5) / 0.5 = 0.58579.
    static let firstSlope = 0.5.squareRoot() / 0.5

    @Test func reachGroupsCommunesAndMergesSites() throws {
        let scenario = try CommuneFixture.scenario()
        let model = CommuneModel(scenario: scenario)
        let reach = model.reach
        let code = { (index: Int) in scenario.communes!.communes[index].code }
        #expect(reach.groups.map { $0.communes.map(code) } == [["c1", "c2", "c3"], ["c4"], ["c5", "c6"]])
        #expect(reach.unreachable.map(code) == ["c7"])
        // The sites of c1 and c2 reach the same group: one unit. c4 and c5 are units of their own.
        #expect(reach.units.map { $0.map { code(reach.siteCommunes[$0]) } } == [["c1", "c2"], ["c4"], ["c5"]])
        #expect(model.groupNeed == [600, 150, 300])
        // Without the candidates, c4 is in a white zone too.
        let hosts = CommuneModel(scenario: scenario, options: .init(candidates: false))
        #expect(hosts.reach.unreachable.map(code) == ["c4", "c7"])
    }

    /// Hand-solved: 3 posts of 120 people. A post in group {c1,c2,c3} (need 600) or {c5,c6} (need 300) covers 120
    /// people on the first segment (value 169.7); in {c4} (need 150) 75 on the first and 45 on the second (132.4);
    /// a third post in {c1,c2,c3} covers 60 + 60 (120.0). The best three: two in the first group, one in c5's,
    /// value 3 × 120 × 1.41421 = 509.12. Branch-and-bound must find it with and without the reductions.
    /// A département plan's posts land on the decisions of their structures' pools, under their options (how a run
    /// scores its département plan at commune level); a structure the model does not know is left out.
    @Test func aDepartmentPlanLandsOnItsStructuresPools() throws {
        let scenario = try CommuneFixture.scenario()
        let model = CommuneModel(scenario: scenario, options: .init(candidates: false, relaxed: true, rules: false))
        let plan = Plan(placements: [
            .init(structureID: "H1", option: "full", posts: 2), .init(structureID: "H3", option: "full", posts: 1),
            .init(structureID: "elsewhere", option: "full", posts: 5),
        ])
        let posts = CommuneSolve.posts(of: plan, scenario: scenario, model: model)
        var byStructure: [String: Int] = [:]
        for (index, count) in posts.enumerated() where count > 0 {
            let decision = model.decisions[index]
            #expect(scenario.parameters.fundingOptions[decision.option].id == "full")
            for id in model.pools[decision.pool].structures { byStructure[id, default: 0] += count }
        }
        #expect(byStructure == ["H1": 2, "H3": 1], "\(byStructure)")
    }

    @Test func reductionsAreExactOnAHandSolvedInstance() throws {
        let scenario = try CommuneFixture.scenario()
        let expected = 3 * 120 * Self.firstSlope
        for grouped in [true, false] {
            let model = CommuneModel(scenario: scenario, options: .init(grouped: grouped))
            let result = try GLPKSolver().solve(model.program, options: SolverOptions(mipGap: 0))
            #expect(result.status == .optimal)
            #expect(abs(model.value(of: result.values) - expected) < 1e-6, "grouped: \(grouped)")
            if !grouped { #expect(model.reach.groups.count == 6 && model.reach.units.count == 4) }
        }
    }

    /// The reductions are exact on a denser instance too: same LP and MIP optimum with and without them.
    @Test func reductionsAreExactAtALargerRadius() throws {
        let scenario = try ScenarioLoader.load(try CommuneFixture.folder(posts: 4, radius: "30"))
        var values: [Double] = []
        for grouped in [true, false] {
            let model = CommuneModel(scenario: scenario, options: .init(grouped: grouped))
            let result = try GLPKSolver().solve(model.program, options: SolverOptions(mipGap: 0))
            values.append(model.value(of: result.values))
        }
        #expect(abs(values[0] - values[1]) < 1e-6)
    }

    /// With the budget for 2.5 posts, the LP places the half post in the first group (60 more people at 1.41421:
    /// bound 2.5 × 120 × 1.41421 = 424.26); an integer plan has two posts, 2 × 120 × 1.41421 = 339.41.
    /// The rounded plan must be that, valued by the fixed-plan LP, with the honest 20 % gap.
    @Test func roundedPlanAndHonestGap() throws {
        let scenario = try CommuneFixture.scenario(budget: 25_000)
        let outcome = try CommuneSolve.solve(
            scenario, candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        #expect(abs(outcome.value - 2 * 120 * Self.firstSlope) < 1e-6)
        #expect(abs(outcome.bound - 2.5 * 120 * Self.firstSlope) < 1e-2)
        #expect(outcome.posts.reduce(0, +) == 2)
        #expect(!outcome.proven && outcome.status == "feasible")
        #expect(abs(outcome.gap - 0.2) < 1e-4)
    }

    @Test func solvedPlanIsProvenWhenTheBoundIsMet() throws {
        let outcome = try CommuneSolve.solve(
            try CommuneFixture.scenario(), candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        #expect(abs(outcome.value - 3 * 120 * Self.firstSlope) < 1e-6)
        #expect(outcome.proven)
        // Coverage from the fixed-plan flows: 240 people in the first group, 120 in c5's, none in c4's.
        #expect(outcome.groupCoverage.map { ($0 * 1e6).rounded() / 1e6 } == [240, 0, 120])
    }

    /// Need split: territory 01's need over c1…c4 in proportion to population × IFN, totals kept exactly.
    @Test func needSplitKeepsTerritoryTotals() throws {
        let demand = """
            code,territory,population,ifn,latitude,longitude
            c1,01,1000,,0,0
            c2,01,700,8,0,0.1
            c3,01,301,2,0,0.1
            c5,02,800,5,0,1.0

            """
        let structures = "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nH1,Host,01,public,1,0,c1\n"
        let scenario = try ScenarioLoader.load(
            try CommuneFixture.folder(
                demand: demand, structures: structures,
                candidates: "id,name,territory,kind,capacity,cofinancing_eur,commune_code\nK1,K,02,public,1,0,c5\n"))
        let need = scenario.communes!.need(territoryNeed: scenario.need, territories: scenario.territories)
        #expect(need[0] + need[1] + need[2] == scenario.need["01"]!)
        #expect(need[3] == scenario.need["02"]!)
        #expect(need.allSatisfy { $0 == $0.rounded() })
        // c1 has no IFN: the territory's (5) is used, so c1 : c2 : c3 = 5000 : 5600 : 602.
        let share = need[0] / (need[0] + need[1] + need[2])
        #expect(abs(share - 5000.0 / 11202) < 0.01)
    }

    /// The grid finds exactly the communes a brute-force scan finds (pseudo-random points, fixed seed).
    @Test func gridMatchesBruteForce() {
        var seed: UInt64 = 42
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53)
        }
        let communes = (0..<400).map { index in
            CommuneInputs.Commune(
                code: String(format: "%05d", index), name: "", territory: "01", epci: nil, population: 1,
                latitude: 42 + next() * 6, longitude: -4 + next() * 10)
        }
        let grid = CommuneReach.Grid(communes: communes, cellKm: 40)
        for center in stride(from: 0, to: communes.count, by: 7) {
            let found = Set(grid.neighbours(of: center, within: 40))
            let brute = Set(communes.indices.filter { CommuneReach.distanceKm(communes[center], communes[$0])! <= 40 })
            #expect(found == brute)
        }
    }

    /// Pairs at the radius, a hair inside or outside it (to 10⁻¹² of it), are found exactly when the haversine distance
    /// puts them within it: the grid's chord test leaves such pairs to the haversine.
    @Test func gridDecidesPairsAtTheRadiusAsTheHaversine() {
        var random = SeededGenerator(seed: 7)
        for radius in [0.5, 10, 15, 20, 150] {
            var communes: [CommuneInputs.Commune] = []
            // Centers over France and the overseas latitudes; around each, points at the radius times 1 + ε on
            // random bearings (the destination point on the sphere).
            for _ in 0..<12 {
                let latitude = Double.random(in: -22...51, using: &random)
                let longitude = Double.random(in: -62...56, using: &random)
                communes.append(
                    .init(
                        code: "\(communes.count)", name: "", territory: "01", epci: nil, population: 1,
                        latitude: latitude, longitude: longitude))
                for epsilon in [-1e-6, -1e-9, -1e-12, 0, 1e-12, 1e-9, 1e-6] {
                    let angle = radius * (1 + epsilon) / CommuneReach.earthRadiusKm
                    let bearing = Double.random(in: 0..<(2 * .pi), using: &random)
                    let phi = latitude * .pi / 180, lambda = longitude * .pi / 180
                    let phi2 = asin(sin(phi) * cos(angle) + cos(phi) * sin(angle) * cos(bearing))
                    let lambda2 =
                        lambda + atan2(sin(bearing) * sin(angle) * cos(phi), cos(angle) - sin(phi) * sin(phi2))
                    communes.append(
                        .init(
                            code: "\(communes.count)", name: "", territory: "01", epci: nil, population: 1,
                            latitude: phi2 * 180 / .pi, longitude: lambda2 * 180 / .pi))
                }
            }
            let grid = CommuneReach.Grid(communes: communes, cellKm: radius)
            var decidedBoth = (inside: false, outside: false)
            for center in communes.indices {
                let found = Set(grid.neighbours(of: center, within: radius))
                let brute = Set(
                    communes.indices.filter { CommuneReach.distanceKm(communes[center], communes[$0])! <= radius })
                #expect(found == brute, "radius \(radius) km, center \(center)")
                if center % 8 == 0 {
                    let ring = (center + 1)...(center + 7)
                    decidedBoth.inside = decidedBoth.inside || ring.contains { brute.contains($0) }
                    decidedBoth.outside = decidedBoth.outside || ring.contains { !brute.contains($0) }
                }
            }
            // The rings straddle the radius: some of their points are in, some out.
            #expect(decidedBoth.inside && decidedBoth.outside, "radius \(radius) km")
        }
    }
}
