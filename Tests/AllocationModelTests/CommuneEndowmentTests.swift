import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing

@testable import AllocationModel

/// The `endow_reach` stage (`reach.stages: endow_reach,value`) on `CommuneFixture`, worked out by hand.
@Suite struct CommuneEndowmentTests {
    static let firstSlope = 0.5.squareRoot() / 0.5
    static let secondSlope = (1 - 0.5.squareRoot()) / 0.5

    static func scenario(posts: Int, endowBy: String = "people") throws -> Scenario {
        try ScenarioLoader.load(
            try CommuneFixture.folder(posts: posts, reachYAML: "stages: endow_reach,value\n  endow_by: \(endowBy)"))
    }

    /// 3 posts. Value alone puts two in {c1,c2,c3} and one in {c5,c6}, and leaves c4 (500 people, reached only by its
    /// candidate site) with no post within reach (`CommuneModelTests`). Endowment first: one post within reach of each
    /// of the three groups is possible (3 posts, 30,000 €), so all 3,600 people with a site in reach are endowed
    /// (c7 has none), and the stage is optimal. The value then has one post per group: 120 people in {c1,c2,c3}
    /// and in {c5,c6} on the first segment (169.71 each), and in {c4} (need 150) 75 on the first and 45 on the
    /// second (106.07 + 26.36): 471.84. The LP with the covering rows has no other plan (each row needs one of the
    /// three posts), so the bound meets it: proven.
    @Test func everyGroupGetsAPostWithinReachAndTheValueFollows() throws {
        let scenario = try Self.scenario(posts: 3)
        let outcome = try CommuneSolve.solve(
            scenario, candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        let endowment = try #require(outcome.endowment)
        #expect(endowment.proven && endowment.endowed == 3600 && endowment.reachable == 3600)
        #expect(endowment.covered == [0, 1, 2] && endowment.posts == 3)
        let expected = 2 * 120 * Self.firstSlope + 75 * Self.firstSlope + 45 * Self.secondSlope
        #expect(abs(outcome.value - expected) < 1e-6)
        #expect(outcome.proven)
        // The fixed-plan LPs are solved by the interior-point method: to its tolerance, not to the last digit.
        #expect(outcome.groupCoverage.allSatisfy { abs($0 - 120) < 1e-4 } && outcome.groupCoverage.count == 3)
        // The integer model holds one covering row per group, and the plan keeps them.
        #expect(outcome.model.rows.filter { $0.family == .endowReach }.count == 3)
        #expect(outcome.model.coverRows.allSatisfy { row in row.contains { outcome.posts[$0] > 0 } })
        // Without the stage, the same posts go where they are worth more: c4's group gets none.
        let plain = try CommuneSolve.solve(
            try CommuneFixture.scenario(), candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        #expect(plain.endowment == nil && plain.value > outcome.value + 30)
        #expect(plain.groupCoverage[1] == 0)
    }

    /// 2 posts cannot reach three groups. The greedy cover takes the heaviest first: {c1,c2,c3} (2,000 people), then
    /// {c5,c6} (1,100); c4's 500 stay out: 3,100 of the 3,600 with a site in reach. By hand, no plan does better: the
    /// three groups are reached by disjoint sets of sites, so a post endows at most one group, and two posts at most
    /// the two heaviest. The stage's LP relaxation (`CommuneEndowment.relaxation`) proves exactly that (a
    /// fractional post endows a fraction of a group, at most), so the stage is optimal although not everyone is
    /// endowed. Counted in communes, the same cover endows 5 of 6 (groups of 3, 1 and 2 communes), again the bound.
    @Test func aCoverThatFallsShortIsProvenByTheStagesRelaxation() throws {
        let outcome = try CommuneSolve.solve(
            try Self.scenario(posts: 2), candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        let endowment = try #require(outcome.endowment)
        #expect(endowment.endowed == 3100 && endowment.reachable == 3600)
        #expect(abs(endowment.bound - 3100) < 1e-3 && endowment.proven)
        #expect(endowment.covered == [0, 2])
        #expect(outcome.model.coverRows.allSatisfy { row in row.contains { outcome.posts[$0] > 0 } })
        let communes = try CommuneSolve.solve(
            try Self.scenario(posts: 2, endowBy: "communes"), candidates: true, solver: GLPKSolver(),
            options: SolverOptions(mipGap: 1e-4))
        #expect(communes.endowment?.endowed == 5 && communes.endowment?.reachable == 6)
        #expect(communes.endowment?.proven == true)
        // One post: the cover takes the heaviest group (2,000 people); the relaxation cannot do better either.
        let one = try CommuneSolve.solve(
            try Self.scenario(posts: 1), candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        #expect(one.endowment?.endowed == 2000 && one.endowment?.proven == true)
    }

    /// Floors with scarce posts: c4 now has 5,000 people, a floor of one post per territory, 2 posts. The cover's
    /// best first post is c4's site (5,000 people, territory 01); its next best would be {c1,c2,c3} (2,000, 01 again),
    /// which would leave territory 02 below its floor and the value stage, holding both groups, without a plan. The
    /// cover keeps room for the floors: its second post goes to c5 (territory 02), endowing 5,000 + 1,100 = 6,100
    /// people, which is also the most any plan can do (one post per territory; the stage's relaxation proves it).
    @Test func theCoverKeepsRoomForTheTerritoryFloors() throws {
        let demand =
            CommuneFixture.demandHeader + "\n"
            + CommuneFixture.demandRows.replacingOccurrences(of: "c4,Four,01,,500,", with: "c4,Four,01,,5000,") + "\n"
        let scenario = try ScenarioLoader.load(
            try CommuneFixture.folder(
                posts: 2, extraYAML: "limits:\n  territory_min_posts: 1", demand: demand,
                reachYAML: "stages: endow_reach,value"))
        let outcome = try CommuneSolve.solve(
            scenario, candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        let endowment = try #require(outcome.endowment)
        #expect(endowment.covered == [1, 2] && endowment.endowed == 6100 && endowment.proven)
        let byTerritory = outcome.model.decisions.indices.reduce(into: [0, 0]) { sums, index in
            sums[outcome.model.pools[outcome.model.decisions[index].pool].territory] += outcome.posts[index]
        }
        #expect(byTerritory == [1, 1])
    }

    /// Three communes on a line 11.1 km apart, a site in each, reach 12 km: the middle commune is reached by all three
    /// sites, the outer ones by their own and the middle one. The middle group's set contains the two others', so a
    /// post within reach of each outer group is one within reach of the middle: two rows, not three.
    @Test func onlyGroupsWhoseSitesContainNoOthersGetARow() {
        let communes = ["a", "b", "c"].enumerated().map { index, code in
            CommuneInputs.Commune(
                code: code, name: code, territory: "01", epci: nil, population: 100, ifn: nil, need: 10,
                latitude: 0, longitude: 0.1 * Double(index))
        }
        let territory = Territory(
            code: "01", name: "Un", regionCode: "R", regionName: "R", overseas: false, population: 300,
            population15Plus: 300, population75Plus: 0, fragilityIndex: 5)
        let reach = CommuneReach(
            inputs: CommuneInputs(communes: communes, structureCommunes: [0, 1, 2], radiusKm: 12),
            territories: [territory], siteCommunes: [0, 1, 2], radiusKm: 12)
        #expect(reach.groups.map(\.sites) == [[0, 1], [0, 1, 2], [1, 2]])
        #expect(CommuneEndowment.minimal([0, 1, 2], reach: reach) == [0, 2])
        #expect(CommuneEndowment.minimal([1], reach: reach) == [1])
    }

    /// The relaxation is solved with its covering rows over site units' totals (`CommuneModel.relaxationProgram`).
    /// On the fixture, the sites of c1 and c2 are one unit: the row of {c1,c2,c3} names one total column where the
    /// model's names the decisions of H1 and H2. Substituting each total by its row gives the model's rows back: at
    /// any posts and flows, extended with their units' totals, every row of the model has the same activity in both
    /// programs and every new row is 0; and GLPK finds the same optimum in both, whose values keep every row of the
    /// model.
    @Test func theRelaxationOverUnitTotalsIsTheModelsRelaxation() throws {
        for posts in [3, 4, 5] {
            var model = CommuneModel(scenario: try Self.scenario(posts: posts), options: .init(relaxed: true))
            model.addCovers([0, 1, 2])
            let program = model.program
            let relaxation = model.relaxationProgram
            let units = Set(model.decisions.map { model.reach.unitOfSite[model.pools[$0.pool].site] })
            #expect(units.count == 3)
            #expect(relaxation.variables.count == program.variables.count + 3)
            #expect(relaxation.constraints.count == program.constraints.count + 3)
            for (index, row) in program.constraints.enumerated() {
                #expect(relaxation.constraints[index].name == row.name)
                if model.rows[index].family == .endowReach {
                    #expect(relaxation.constraints[index].terms.count == 1)
                    #expect(relaxation.constraints[index].terms.allSatisfy { $0.variable >= program.variables.count })
                } else {
                    #expect(relaxation.constraints[index].terms.map(\.variable) == row.terms.map(\.variable))
                }
            }
            // The group {c1,c2,c3} is reached by two sites, one unit: its row names H1's and H2's decisions here.
            #expect(model.coverRows.map(\.count).max()! >= 2)
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<20 {
                let values = program.variables.map { _ in Double.random(in: 0...3, using: &generator) }
                var extended = values
                for column in program.variables.count..<relaxation.variables.count {
                    let unit = Int(relaxation.variables[column].name.dropFirst("unit_posts[".count).dropLast())! - 1
                    extended.append(
                        model.decisions.filter { model.reach.unitOfSite[model.pools[$0.pool].site] == unit }
                            .reduce(0) { $0 + values[$1.variable.index] })
                }
                for row in program.constraints.indices {
                    let a = program.activity(ofConstraint: row, values: values)
                    let b = relaxation.activity(ofConstraint: row, values: extended)
                    #expect(abs(a - b) <= 1e-9 * max(abs(a), 1))
                }
                for row in program.constraints.count..<relaxation.constraints.count {
                    #expect(abs(relaxation.activity(ofConstraint: row, values: extended)) <= 1e-9)
                }
            }
            let solver = GLPKSolver()
            let direct = try solver.solve(program, options: SolverOptions())
            let overTotals = try solver.solve(relaxation, options: SolverOptions())
            #expect(direct.status == .optimal && overTotals.status == .optimal)
            let a = try #require(direct.objective)
            let b = try #require(overTotals.objective)
            #expect(abs(a - b) <= 1e-9 * max(abs(a), 1))
            let onModel = Array(overTotals.values.prefix(program.variables.count))
            #expect(program.largestViolation(of: onModel, tolerance: 1e-7) == nil)
            #expect(abs(program.objectiveValue(of: onModel) - a) <= 1e-9 * max(abs(a), 1))
        }
        // The Lagrangian's posts part (`postsProgram`) has its covering rows over the same totals: under any objective
        // on the posts, the same optimum as the rows over the posts' columns, taken from the model as they are.
        var model = CommuneModel(scenario: try Self.scenario(posts: 4), options: .init(relaxed: true))
        model.addCovers([0, 1, 2])
        let posts = model.postsProgram(named: "posts")
        let columns = model.firstFlowColumn
        var direct = LinearProgram(name: "direct", sense: .maximize)
        for variable in model.program.variables.prefix(columns) {
            direct.addVariable(variable.name, lower: variable.lower, upper: variable.upper)
        }
        for row in model.program.constraints where row.terms.allSatisfy({ $0.variable < columns }) {
            direct.addConstraint(
                row.name, row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, lower: row.lower,
                upper: row.upper)
        }
        #expect(posts.variables.count > columns && posts.constraints.count > direct.constraints.count)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10 {
            let objective = (0..<columns).map { _ in Double.random(in: -1...3, using: &generator) }
            var a = direct
            var b = posts
            for column in 0..<columns {
                a.setObjective(Variable(index: column), objective[column])
                b.setObjective(Variable(index: column), objective[column])
            }
            let first = try GLPKSolver().solve(a, options: SolverOptions())
            let second = try GLPKSolver().solve(b, options: SolverOptions())
            #expect(first.status == .optimal && second.status == .optimal)
            let x = try #require(first.objective), y = try #require(second.objective)
            #expect(abs(x - y) <= 1e-9 * max(abs(x), 1))
            #expect(direct.largestViolation(of: Array(second.values.prefix(columns)), tolerance: 1e-7) == nil)
        }
        // Without covering rows the relaxation is the model's program itself.
        let plain = CommuneModel(scenario: try Self.scenario(posts: 3), options: .init(relaxed: true))
        #expect(plain.relaxationProgram.constraints.count == plain.program.constraints.count)
        #expect(plain.relaxationProgram.variables.count == plain.program.variables.count)
    }

    /// `reach.stages` and `reach.endow_by` accept only what they document (exit 78 names the key).
    @Test func unknownStagesAreRefused() throws {
        for (line, key) in [
            ("stages: value,endow_reach", "reach.stages"), ("stages: endow", "reach.stages"),
            ("endow_by: households", "reach.endow_by"),
        ] {
            #expect {
                try ScenarioLoader.load(try CommuneFixture.folder(reachYAML: line))
            } throws: { error in
                "\(error)".contains(key)
            }
        }
    }
}
