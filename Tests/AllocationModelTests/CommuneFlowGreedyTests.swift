import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Testing

@testable import AllocationModel

/// A component's flow LP solved greedily with a dual certificate (`CommuneFlowGreedy`, docs/model.md, "Exact
/// evaluation by components"): the same optimum as GLPK's LP, flows that keep every row, and duals that prove it.
@Suite struct CommuneFlowGreedyTests {
    /// Unit A reaches g1 and g2, unit B only g1, 10 people each; g1's segment is worth 3, g2's 2, each 10 people wide.
    /// The greedy fills g1 first (from A, the first unit) and must then reroute: g2 can only be served by A, so B takes
    /// over g1. Optimum 10 × 3 + 10 × 2 = 50, with A → g2 and B → g1 (the only plan of that value).
    @Test func reroutesEarlierFlowToReachALaterGroup() throws {
        let input = CommuneFlowGreedy.Input(
            supply: [10, 10], unitGroups: [[0, 1], [0]], caps: [[10], [10]], gains: [[3], [2]])
        let solution = try #require(CommuneFlowGreedy.solve(input))
        #expect(abs(solution.value - 50) < 1e-9)
        #expect(solution.flows.map { ($0 * 1e6).rounded() / 1e6 } == [0, 10, 10], "A→g1, A→g2, B→g1")
        #expect(abs(solution.dualBound - 50) < 1e-9)
    }

    /// A concave curve: the group's second segment is worth less than another group's first, so it is filled last.
    /// Unit A (15 people) reaches g1 (segments 10 × 4, 10 × 1) and g2 (10 × 2): 40 + 5 × 2 = 50, g1's second
    /// segment empty.
    @Test func fillsSegmentsInTheOrderOfTheirValue() throws {
        let input = CommuneFlowGreedy.Input(
            supply: [15], unitGroups: [[0, 1]], caps: [[10, 10], [10]], gains: [[4, 1], [2]])
        let solution = try #require(CommuneFlowGreedy.solve(input))
        #expect(abs(solution.value - 50) < 1e-9)
        #expect(solution.segments.map { $0.map { ($0 * 1e6).rounded() / 1e6 } } == [[10, 0], [5]])
        // The unit's dual is the value of its last person (g2's segment, 2). g1's is 2 too, not its next segment's 1:
        // one more person covered at g1 without more inflow frees one of A's people for g2. Dual bound: 15 × 2 +
        // 10 × (4 − 2) = 50.
        #expect(solution.unitDuals == [2])
        #expect(solution.groupDuals == [2, 2])
        #expect(abs(solution.dualBound - 50) < 1e-9)
    }

    /// Seeded random components (1–6 units, 1–8 groups, 1–3 concave segments, random reach and supplies): the greedy
    /// certifies its answer, its flows keep every row, and its value is GLPK's optimum of the same LP.
    @Test func matchesGLPKOnRandomComponents() throws {
        var random = SeededGenerator(seed: 20_261_201)
        var certified = 0
        for instance in 0..<300 {
            let units = Int.random(in: 1...6, using: &random)
            let groups = Int.random(in: 1...8, using: &random)
            var unitGroups: [[Int]] = (0..<units).map { _ in
                (0..<groups).filter { _ in Double.random(in: 0..<1, using: &random) < 0.4 }
            }
            // Connected enough to be a component: every group reached by some unit.
            for group in 0..<groups where !unitGroups.contains(where: { $0.contains(group) }) {
                unitGroups[Int.random(in: 0..<units, using: &random)].append(group)
            }
            unitGroups = unitGroups.map { $0.sorted() }
            let supply = (0..<units).map { _ in Double(Int.random(in: 0...4, using: &random)) * 112 }
            var caps: [[Double]] = []
            var gains: [[Double]] = []
            for _ in 0..<groups {
                let count = Int.random(in: 1...3, using: &random)
                let need = Double.random(in: 1...900, using: &random)
                caps.append((0..<count).map { _ in need / Double(count) })
                // Slopes of a concave curve, times a territory's weight; equal values across groups happen.
                let weight = [1.0, 1.5, 2][Int.random(in: 0..<3, using: &random)]
                gains.append([1.4, 0.6, 0.2].prefix(count).map { $0 * weight })
            }
            let input = CommuneFlowGreedy.Input(supply: supply, unitGroups: unitGroups, caps: caps, gains: gains)
            let optimum = try Self.glpk(input)
            guard let solution = CommuneFlowGreedy.solve(input) else { continue }
            certified += 1
            #expect(abs(solution.value - optimum) <= 1e-7 * max(1, optimum), "instance \(instance)")
            // Rows: each unit's flows within its supply, each segment within its cap, each group's coverage within
            // its inflow.
            var arc = 0
            var inflow = [Double](repeating: 0, count: groups)
            for (unit, reached) in unitGroups.enumerated() {
                var out = 0.0
                for group in reached {
                    #expect(solution.flows[arc] >= -1e-9)
                    out += solution.flows[arc]
                    inflow[group] += solution.flows[arc]
                    arc += 1
                }
                #expect(out <= supply[unit] + 1e-7, "instance \(instance), unit \(unit)")
            }
            for group in 0..<groups {
                for (j, amount) in solution.segments[group].enumerated() {
                    #expect(amount >= -1e-9 && amount <= caps[group][j] + 1e-7)
                }
                #expect(solution.segments[group].reduce(0, +) <= inflow[group] + 1e-7, "instance \(instance)")
            }
        }
        // The certificate is the theory's (a separable concave value over a polymatroid): it should always hold.
        #expect(certified == 300)
    }

    /// The same LP as `CommuneFixedPlan` hands GLPK when the greedy's certificate fails.
    static func glpk(_ input: CommuneFlowGreedy.Input) throws -> Double {
        var program = LinearProgram(name: "component", sense: .maximize)
        var inflow = [[(Variable, Double)]](repeating: [], count: input.caps.count)
        var outflow: [[(Variable, Double)]] = []
        for reached in input.unitGroups {
            var terms: [(Variable, Double)] = []
            for group in reached {
                let flow = program.addVariable("f\(program.variables.count)", lower: 0)
                terms.append((flow, 1))
                inflow[group].append((flow, -1))
            }
            outflow.append(terms)
        }
        for (group, caps) in input.caps.enumerated() {
            let segments = caps.enumerated().map { j, cap in
                program.addVariable(
                    "c\(program.variables.count)", lower: 0, upper: cap, objective: input.gains[group][j])
            }
            program.addConstraint("g\(group)", segments.map { ($0, 1.0) } + inflow[group], upper: 0)
        }
        for (unit, terms) in outflow.enumerated() where !terms.isEmpty {
            program.addConstraint("u\(unit)", terms, upper: input.supply[unit])
        }
        let result = try GLPKSolver().solve(program, options: SolverOptions(mipGap: 0))
        guard result.status == .optimal, let objective = result.objective else {
            throw CommuneSolve.Failure.evaluationFailed("GLPK: \(result.status)")
        }
        return objective
    }
}
