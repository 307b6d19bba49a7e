import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
@testable import Studies  // the stages' extra columns and rows
import Testing

/// The closeness stage's parity rows (docs/model.md, "The parity rows"): `closeness_total[i]` (P = Σ posts, whole) and
/// `closeness_parity[i]` (Σ d + Σ posts − 2 K = Σ targets, K whole). They must cut no plan off: every whole plan, with
/// its exact distances, keeps them.
@Suite struct ClosenessParityTests {
    /// Three territories, 5 posts of capacity each, at most `posts` posts in all; one option.
    static func scenario(posts: Int) -> Scenario {
        Fixtures.scenario(
            places: [.init(code: "A", need: 240), .init(code: "B", need: 48), .init(code: "C", need: 96)],
            hosts: [
                .init(id: "a", territory: "A", capacity: 5), .init(id: "b", territory: "B", capacity: 5),
                .init(id: "c", territory: "C", capacity: 5),
            ],
            posts: posts, budget: 1e7, withPartial: false)
    }

    static let target = ["A": 3, "B": 2, "C": 0]

    /// Every plan of 0…5 posts in each territory (216 plans), extended as a start is (`Extras.extend`): both rows hold
    /// exactly, P is the plan's posts and K its posts above the target, both whole.
    @Test func everyWholePlanKeepsTheParityRows() throws {
        let scenario = Self.scenario(posts: 15)
        let model = AllocationModel(scenario: scenario)
        var program = model.program
        let extras = StagedSolve.Extras(
            adding: [.closeness(name: "target", target: Self.target)], to: &program, model: model,
            scenario: scenario, minRatioFloor: nil)
        let total = try #require(program.constraints.first { $0.name.hasPrefix("closeness_total[") })
        let parity = try #require(program.constraints.first { $0.name.hasPrefix("closeness_parity[") })
        #expect(parity.lower == 5 && parity.upper == 5, "Σ targets = 3 + 2 + 0")
        let posts = try #require(program.variables.firstIndex { $0.name.hasPrefix("closeness_posts[") })
        let half = try #require(program.variables.firstIndex { $0.name.hasPrefix("closeness_half[") })
        #expect(program.variables[posts].kind == .integer && program.variables[half].kind == .integer)
        func activity(_ row: ConstraintDefinition, _ values: [Double]) -> Double {
            row.terms.reduce(0) { $0 + $1.coefficient * values[$1.variable] }
        }
        var plans = 0
        for a in 0...5 {
            for b in 0...5 {
                for c in 0...5 {
                    var values = [Double](repeating: 0, count: model.program.variables.count)
                    for (code, count) in [("A", a), ("B", b), ("C", c)] {
                        let decision = try #require(model.decisions.first { $0.territory == code })
                        values[decision.variable.index] = Double(count)
                        values[model.postVariables[code]!.index] = Double(count)
                    }
                    let extended = try #require(extras.extend(values))
                    #expect(activity(total, extended) == 0)
                    #expect(activity(parity, extended) == 5)
                    #expect(extended[posts] == Double(a + b + c))
                    #expect(extended[half] == Double(max(0, a - 3) + max(0, b - 2) + c))
                    plans += 1
                }
            }
        }
        #expect(plans == 216)
    }

    /// The stage solved by GLPK with the rows: the closest plan of at most 4 posts to {A 3, B 2, C 0} is 1 post away
    /// (one post short of the 5 targeted), as enumerating every plan gives; with 7 posts, 0 away.
    @Test func theClosestPlanIsTheEnumeratedOne() throws {
        for (posts, closest) in [(4, 1.0), (7, 0.0), (2, 3.0)] {
            let scenario = Self.scenario(posts: posts)
            var enumerated = Double.infinity
            for a in 0...5 {
                for b in 0...5 {
                    for c in 0...5 where a + b + c <= posts {
                        enumerated = min(enumerated, Double(abs(a - 3) + abs(b - 2) + c))
                    }
                }
            }
            #expect(enumerated == closest)
            let model = AllocationModel(scenario: scenario)
            let program = try StagedSolve.program(
                ofStage: 1, model: model, scenario: scenario, stages: [.closeness(name: "target", target: Self.target)],
                solver: GLPKSolver(), options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
            #expect(program.constraints.contains { $0.name.hasPrefix("closeness_parity[") })
            let result = try GLPKSolver().solve(program, options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
            #expect(result.status == .optimal)
            #expect(abs((result.objective ?? .nan) + closest) < 1e-6, "posts \(posts)")
        }
    }
}
