import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
@testable import Studies  // the stages' extra columns and rows
import Testing

/// The option totals of a chain with a closeness stage (docs/model.md, "The option totals"): `option_posts[f]` = Σ
/// x[t,k,f], whole. They must cut no plan off, and a closeness stage with them must still find the closest plan.
@Suite struct OptionTotalsTests {
    /// Two territories, each with one public host of 4 posts able to co-finance 2 `partial` posts (18,000 € each);
    /// `full` costs the State 24,000 €, `partial` 18,000 €.
    static func scenario(budget: Double) -> Scenario {
        Fixtures.scenario(
            places: [.init(code: "A", need: 100), .init(code: "B", need: 100)],
            hosts: [
                .init(id: "a", territory: "A", capacity: 4, cofinancingEUR: 36_000),
                .init(id: "b", territory: "B", capacity: 4, cofinancingEUR: 36_000),
            ],
            posts: 8, budget: budget)
    }

    static let target = ["A": 2, "B": 2]

    /// Every plan of 0…2 posts per decision (81 plans), extended as a start is: each option's row holds exactly and its
    /// total is the plan's posts under that option, whole.
    @Test func everyWholePlanKeepsTheOptionRows() throws {
        let scenario = Self.scenario(budget: 1e6)
        let model = AllocationModel(scenario: scenario)
        var program = model.program
        let extras = StagedSolve.Extras(
            adding: [.closeness(name: "target", target: Self.target)], to: &program, model: model,
            scenario: scenario, minRatioFloor: nil)
        #expect(
            extras.rows.filter { $0.family == .optionTotal }.map(\.name) == [
                "option_total[full]", "option_total[partial]",
            ])
        let decisions = model.decisions.filter { $0.unit == nil || $0.unit == 0 }
        #expect(decisions.count == 4, "A and B, full and partial")
        var plans = 0
        for counts in Self.plans(of: decisions.count, upTo: 2) {
            var values = [Double](repeating: 0, count: model.program.variables.count)
            for (decision, count) in zip(decisions, counts) { values[decision.variable.index] = Double(count) }
            for code in ["A", "B"] {
                values[model.postVariables[code]!.index] = Double(
                    zip(decisions, counts).filter { $0.0.territory == code }.map(\.1).reduce(0, +))
            }
            let extended = try #require(extras.extend(values))
            for option in ["full", "partial"] {
                let row = try #require(program.constraints.first { $0.name == "option_total[\(option)]" })
                let column = try #require(program.variables.firstIndex { $0.name == "option_posts[\(option)]" })
                #expect(program.variables[column].kind == .integer)
                let expected = zip(decisions, counts).filter { $0.0.option == option }.map(\.1).reduce(0, +)
                #expect(extended[column] == Double(expected))
                #expect(row.terms.reduce(0) { $0 + $1.coefficient * extended[$1.variable] } == 0)
            }
            plans += 1
        }
        #expect(plans == 81)
    }

    /// At 60,000 € the closest plan to {A 2, B 2} has 3 posts (two `partial` and one `full`: 60,000 €; three `partial`:
    /// 54,000 €), 1 post away, as enumerating every plan gives; the relaxation's 3⅓ `partial` posts are 0.67 away.
    /// GLPK, with the option totals and pseudo-cost branching as a closeness stage runs, proves 1.
    @Test func theClosestPlanUnderABudgetIsTheEnumeratedOne() throws {
        for (budget, closest) in [(60_000.0, 1.0), (30_000, 3), (96_000, 0)] {
            var enumerated = Double.infinity
            // full and partial posts in A and B: the State's cost, at most 2 partial (co-financing) and 4 posts a host.
            for fullA in 0...4 {
                for partialA in 0...2 where fullA + partialA <= 4 {
                    for fullB in 0...4 {
                        for partialB in 0...2 where fullB + partialB <= 4 {
                            let cost = Double(fullA + fullB) * 24_000 + Double(partialA + partialB) * 18_000
                            guard cost <= budget else { continue }
                            enumerated = min(
                                enumerated, Double(abs(fullA + partialA - 2) + abs(fullB + partialB - 2)))
                        }
                    }
                }
            }
            #expect(enumerated == closest, "budget \(budget)")
            let scenario = Self.scenario(budget: budget)
            let model = AllocationModel(scenario: scenario)
            let program = try StagedSolve.program(
                ofStage: 1, model: model, scenario: scenario, stages: [.closeness(name: "target", target: Self.target)],
                solver: GLPKSolver(), options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
            #expect(program.constraints.contains { $0.name == "option_total[partial]" })
            var options = SolverOptions(timeLimitSeconds: 30, mipGap: 0)
            options.pseudoCostBranching = true
            let result = try GLPKSolver().solve(program, options: options)
            #expect(result.status == .optimal)
            #expect(abs((result.objective ?? .nan) + closest) < 1e-6, "budget \(budget)")
        }
    }

    /// A chain without a closeness stage has no option totals: its programs are the ones measured before them.
    @Test func onlyAChainWithAClosenessStageHasThem() {
        let scenario = Self.scenario(budget: 1e6)
        let model = AllocationModel(scenario: scenario)
        var program = model.program
        let extras = StagedSolve.Extras(
            adding: [.maxmin, .endow, .value], to: &program, model: model, scenario: scenario, minRatioFloor: nil)
        #expect(!extras.rows.contains { $0.family == .optionTotal })
        #expect(!program.variables.contains { $0.name.hasPrefix("option_posts[") })
    }

    /// Every vector of `count` whole numbers in 0…`limit`.
    static func plans(of count: Int, upTo limit: Int) -> [[Int]] {
        (0..<count).reduce([[]]) { partial, _ in partial.flatMap { prefix in (0...limit).map { prefix + [$0] } } }
    }
}
