import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Studies
import Testing

/// The verifier refuses only broken rules and claims above the recomputed value; a staged solve records every
/// stage (value, bound, gap, status in the stage's own units) and can give the model of any stage for export.
@Suite struct VerifierAndStagesTests {
    let options = SolverOptions(timeLimitSeconds: 20, mipGap: 0)

    /// Three territories with diminishing returns and room for several splits, so each stage matters.
    func scenario() -> Scenario {
        Fixtures.scenario(
            places: [.init(code: "A", need: 240), .init(code: "B", need: 48), .init(code: "C", need: 96)],
            hosts: [
                .init(id: "a", territory: "A", capacity: 5), .init(id: "b", territory: "B", capacity: 5),
                .init(id: "c", territory: "C", capacity: 5),
            ],
            posts: 4, budget: 1e6, exponent: 0.5, breakpoints: [0.25, 0.5, 1], withPartial: false)
    }

    /// A plan GLPK undersold (segments filled out of order at a time limit: the claim is below the recomputed
    /// value) obeys every rule and is accepted; a claim above the recomputed value (the model promised value
    /// the plan does not give) is the bug the check is for, and is refused.
    @Test func aClaimBelowTheRecomputedValueIsAcceptedOneAboveIsRefused() throws {
        let scenario = scenario()
        let model = AllocationModel(scenario: scenario)
        let result = try GLPKSolver().solve(model.program, options: options)
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        let value = PlanEvaluation(plan: plan, scenario: scenario).objective
        #expect(PlanVerifier.violations(of: plan, scenario: scenario, claimedObjective: value * 0.99).isEmpty)
        #expect(PlanVerifier.violations(of: plan, scenario: scenario, claimedObjective: value).isEmpty)
        #expect(
            PlanVerifier.violations(of: plan, scenario: scenario, claimedObjective: value * 1.01).map(\.constraint) == [
                "objective"
            ])
    }

    /// A three-stage chain records three stages in order, each with the value it reached (the outcome's stage
    /// values), a bound at least that value, a gap within the tolerance and its status.
    @Test func aThreeStageChainRecordsEveryStage() throws {
        let scenario = scenario()
        let model = AllocationModel(scenario: scenario)
        let stages: [ObjectiveStage] = [.maxmin, .endow, .value]
        let outcome = try StagedSolve.solve(
            model: model, scenario: scenario, stages: stages, solver: GLPKSolver(), options: options)
        #expect(outcome.records.map(\.position) == [1, 2, 3])
        #expect(outcome.records.map(\.name) == ["maxmin", "endow", "value"])
        #expect(outcome.records.map(\.status) == [.optimal, .optimal, .optimal])
        #expect(outcome.records.compactMap(\.value) == outcome.stageValues)
        for record in outcome.records {
            let value = try #require(record.value), bound = try #require(record.bound)
            #expect(bound >= value - 1e-9)
            #expect(try #require(record.relativeGap) <= 1e-9)
        }
    }

    /// A solver that never starts (the run's budget is spent) makes the first stage "skipped: no time left" and
    /// the later ones "not reached".
    @Test func stagesWithoutTimeAreRecordedAsSkipped() throws {
        struct NoTime: LinearSolver {
            func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
                SolveResult(status: .noSolution, limitReached: "skipped: no time left")
            }
        }
        let scenario = scenario()
        let outcome = try StagedSolve.solve(
            model: AllocationModel(scenario: scenario), scenario: scenario, stages: [.maxmin, .value],
            solver: NoTime(), options: options)
        #expect(outcome.records.map(\.status) == [.noTimeLeft, .notReached])
        #expect(!outcome.result.hasSolution)
    }

    /// The budget runs out after the first stage: the second is "skipped: no time left", and the chain's plan is the
    /// first stage's (a plan, exit 10), not "no plan" (exit 21, as the sweep benchmark found at €150M).
    @Test func aChainKeepsTheLastPlanWhenALaterStageGetsNoTime() throws {
        final class FirstSolveOnly: LinearSolver, @unchecked Sendable {
            private var solves = 0
            func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
                solves += 1
                guard solves == 1 else {
                    return SolveResult(status: .noSolution, limitReached: "skipped: no time left")
                }
                return try GLPKSolver().solve(program, options: options)
            }
        }
        let scenario = scenario()
        let model = AllocationModel(scenario: scenario)
        let outcome = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.endow, .value], solver: FirstSolveOnly(),
            options: options)
        #expect(outcome.records.map(\.status) == [.optimal, .noTimeLeft])
        #expect(outcome.result.hasSolution)
        #expect(
            model.program.largestViolation(of: Array(outcome.result.values.prefix(model.program.variables.count)))
                == nil)
    }

    /// A stage a clock stopped but whose plan is within the MIP gap of the bound the solver proved is proven all the
    /// same (`optimal`, its limit kept); one outside the gap stays `feasible`.
    @Test func aStageStoppedWithinTheGapIsOptimal() throws {
        struct StoppedAt: LinearSolver {
            let boundFactor: Double
            func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
                var result = try GLPKSolver().solve(program, options: options)
                result.status = .feasible
                result.limitReached = "time limit"
                result.bestBound = result.objective.map { $0 * boundFactor }
                return result
            }
        }
        let scenario = scenario()
        let model = AllocationModel(scenario: scenario)
        var tolerant = options
        tolerant.mipGap = 1e-4
        let within = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.value], solver: StoppedAt(boundFactor: 1 + 5e-5),
            options: tolerant)
        #expect(within.records.map(\.status) == [.optimal] && within.records.first?.limitReached == "time limit")
        let outside = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.value], solver: StoppedAt(boundFactor: 1 + 5e-3),
            options: tolerant)
        #expect(outside.records.map(\.status) == [.feasible])
    }

    /// Each stage's time limit is its share of the time left: with 20 s and three stages, the first gets at most 20/3
    /// s.
    @Test func eachStageGetsAShareOfTheTimeLeft() throws {
        final class Limits: LinearSolver, @unchecked Sendable {
            var seen: [Double] = []
            func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
                seen.append(options.timeLimitSeconds)
                return try GLPKSolver().solve(program, options: options)
            }
        }
        let scenario = scenario()
        let model = AllocationModel(scenario: scenario)
        let solver = Limits()
        _ = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.endow, .coverage, .value], solver: solver, options: options)
        #expect(solver.seen.count == 3)
        #expect(solver.seen[0] <= 20.0 / 3 + 1e-9 && solver.seen[0] > 20.0 / 3 - 1)
        #expect(solver.seen[1] <= 20.0 / 2 && solver.seen[2] <= 20.0)
        #expect(solver.seen[2] > solver.seen[1] && solver.seen[1] > solver.seen[0])
    }

    /// Stage 1's model is the first objective alone; stage 2's holds stage 1 at the value it reached (a row
    /// `stage_maxmin` at that value less the gap's slack) and maximises the second objective.
    @Test func theModelOfAStageHoldsTheEarlierStages() throws {
        let scenario = scenario()
        let model = AllocationModel(scenario: scenario)
        let stages: [ObjectiveStage] = [.maxmin, .value]
        let first = try StagedSolve.program(
            ofStage: 1, model: model, scenario: scenario, stages: stages, solver: GLPKSolver(), options: options)
        #expect(!first.constraints.contains { $0.name.hasPrefix("stage_") })
        let minRatio = try #require(first.variables.firstIndex { $0.name == "min_ratio" })
        // The ratio is maximised in people (times the mean need), so that GLPK's reduced costs clear its tolerance.
        let scale = StagedSolve.objectiveScale(.maxmin, scenario: scenario)
        let needs = scenario.territories.compactMap { scenario.need[$0.code] }.filter { $0 > 0 }
        #expect(abs(scale - needs.reduce(0, +) / Double(needs.count)) < 1e-9 && scale > 1)
        #expect(
            first.variables.enumerated().allSatisfy {
                $0.offset == minRatio ? $0.element.objective == scale : $0.element.objective == 0
            })

        let solved = try StagedSolve.solve(
            model: model, scenario: scenario, stages: stages, solver: GLPKSolver(), options: options)
        let second = try StagedSolve.program(
            ofStage: 2, model: model, scenario: scenario, stages: stages, solver: GLPKSolver(), options: options)
        let held = try #require(second.constraints.first { $0.name == "stage_maxmin" })
        #expect(abs(held.lower - solved.stageValues[0]) <= 1e-6)
        #expect(second.variables[minRatio].objective == 0)
        #expect(
            second.variables.prefix(model.program.variables.count).map(\.objective)
                == model.program.variables.map(\.objective))
    }
}
