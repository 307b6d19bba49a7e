import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
@testable import Studies  // the closeness stage's start and the stages' program internals
import Testing

/// The closeness stage's one-post search after an `endow` stage (`StagedSolve.closenessStart`): the `stage_endow` row
/// is over the `endowed[t]` columns, which the search does not move, so it keeps a post in every territory the start
/// endows instead of skipping the search.
@Suite struct ClosenessAfterEndowTests {
    /// A solver with no answer: the relaxation's neighbourhood finds nothing, so only the one-post search can move.
    struct NoAnswer: LinearSolver {
        var identity: SolverIdentity { SolverIdentity(name: "none", version: "0") }
        func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
            SolveResult(status: .noSolution)
        }
    }

    /// Four territories of need 1,000, capacity 5, one option, 6 posts; `endow` holds all four endowed; the target is
    /// A 3, B 3, C 0, D 0. From the plan {1, 1, 2, 2} (distance 2 + 2 + 2 + 2 = 8), posts move from C and D to A and
    /// B, never the last one: {2, 2, 1, 1} or {3, 1, 1, 1}, distance 4, the least with every territory endowed.
    @Test func theSearchKeepsEveryEndowedTerritoryAndGetsCloser() throws {
        let scenario = Fixtures.scenario(
            places: ["A", "B", "C", "D"].map { Fixtures.Place(code: $0, need: 1000) },
            hosts: ["A", "B", "C", "D"].map { Fixtures.Host(id: $0.lowercased(), territory: $0, capacity: 5) },
            posts: 6, budget: 1_000_000, withPartial: false)
        let model = AllocationModel(scenario: scenario)
        let target = ["A": 3, "B": 3, "C": 0, "D": 0]
        let stages: [ObjectiveStage] = [.endow, .closeness(name: "target", target: target)]
        let program = try StagedSolve.program(
            ofStage: 2, model: model, scenario: scenario, stages: stages, solver: GLPKSolver(),
            options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
        var scratch = model.program
        let extras = StagedSolve.Extras(
            adding: stages, to: &scratch, model: model, scenario: scenario, minRatioFloor: nil)
        let row = try #require(program.constraints.first { $0.name == "stage_endow" })
        let held = [
            (
                name: row.name, terms: row.terms.map { (Variable(index: $0.variable), $0.coefficient) },
                lower: row.lower
            )
        ]
        #expect(row.lower > 3.5, "the endow stage holds all four territories")
        let terms = program.variables.indices.filter { program.variables[$0].name.hasPrefix("distance[") }
            .map { (Variable(index: $0), -1.0) }
        var values = Array(repeating: 0.0, count: model.program.variables.count)
        for (code, posts) in ["A": 1.0, "B": 1, "C": 2, "D": 2] {
            let decision = try #require(model.decisions.first { $0.territory == code })
            values[decision.variable.index] = posts
            values[model.postVariables[code]!.index] = posts
        }
        let search = Search(model: model, program: model.program, duals: nil)
        search.round(values)
        let start = try #require(extras.extend(search.values))
        #expect(program.largestViolation(of: start, tolerance: 1e-6) == nil)
        #expect(StagedSolve.closenessDistance(start, terms: terms) == 8)
        let found = try #require(
            try StagedSolve.closenessStart(
                program: program, terms: terms, held: held, target: target, model: model, extras: extras,
                start: start, solver: NoAnswer(), options: SolverOptions(timeLimitSeconds: 30, mipGap: 0)))
        #expect(program.largestViolation(of: found, tolerance: 1e-6) == nil)
        #expect(StagedSolve.closenessDistance(found, terms: terms) == 4)
        #expect(["A", "B", "C", "D"].allSatisfy { found[model.postVariables[$0]!.index] >= 1 })
    }
}
