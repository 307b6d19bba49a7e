import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Studies
import Testing

/// Every stage of a lexicographic chain starts from a plan that keeps every row of its program: the first from the
/// primal heuristic's plan (given as `start`), a `value`/`coverage`/`cost` stage from the heuristic's plan for its own
/// objective under the coverage floors an earlier `maxmin` stage holds, when that beats the previous stage's plan.
@Suite struct ChainStartTests {
    let options = SolverOptions(timeLimitSeconds: 20, mipGap: 0)

    /// GLPK, recording the start each integer solve of a stage's program was offered (the heuristic's relaxations
    /// are continuous and not recorded).
    final class Recording: LinearSolver, @unchecked Sendable {
        private let lock = NSLock()
        private(set) var calls: [(program: LinearProgram, start: [Double]?)] = []
        func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
            if program.isMixedInteger {
                lock.lock()
                calls.append((program, options.start))
                lock.unlock()
            }
            return try GLPKSolver().solve(program, options: options)
        }
    }

    /// One territory with a large need and two small ones, three posts: the value objective puts the posts where the
    /// need is (checked below, not assumed), so a coverage floor on every territory forces the heuristic to repair.
    func scenario() -> Scenario {
        Fixtures.scenario(
            places: [.init(code: "A", need: 2_400), .init(code: "B", need: 24), .init(code: "C", need: 24)],
            hosts: [
                .init(id: "a", territory: "A", capacity: 5), .init(id: "b", territory: "B", capacity: 5),
                .init(id: "c", territory: "C", capacity: 5),
            ],
            posts: 3, budget: 1e6, exponent: 0.5, breakpoints: [0.25, 0.5, 1], withPartial: false)
    }

    /// The heuristic on the model plus a coverage floor in every territory (`Σ_j coverage[t,j] ≥ D_t × r`, r > 0)
    /// returns a plan that keeps the floors: every territory gets a post, although the value alone leaves B or C
    /// without one. Its objective is at most the relaxation's bound (which bounds every plan of the floored program).
    @Test func theHeuristicRepairsCoverageFloors() throws {
        let scenario = scenario()
        let model = AllocationModel(scenario: scenario)
        let free = try #require(PrimalHeuristic.plan(for: model, solver: GLPKSolver(), options: options))
        let posts = { (values: [Double], code: String) in values[model.postVariables[code]!.index] }
        try #require(
            posts(free.values, "B") == 0 || posts(free.values, "C") == 0,
            "the value alone leaves a small territory empty")

        var floored = model.program
        for territory in scenario.territories {
            let need = try #require(scenario.need[territory.code])
            floored.addConstraint(
                "coverage_floor[\(territory.code)]", model.coverageVariables[territory.code]!.map { ($0, 1.0) },
                lower: need * 0.01)
        }
        let found = try #require(
            PrimalHeuristic.plan(for: model, program: floored, solver: GLPKSolver(), options: options))
        #expect(floored.largestViolation(of: found.values) == nil)
        #expect(["A", "B", "C"].allSatisfy { posts(found.values, $0) >= 1 })
        #expect(found.objective <= found.relaxationBound + 1e-9)
    }

    /// `maxmin` then `value` with heuristic starts: each stage is proven by territories or its solve gets a start that
    /// keeps every row of its program (the value stage's is at most its proven optimum); and the chain reaches
    /// the same proven optima (gap 0) as without the starts, so a start changes the path, not the answer.
    @Test func everyStageStartsFromAFeasiblePlanAndTheOptimaAreUnchanged() throws {
        let scenario = scenario()
        let model = AllocationModel(scenario: scenario)
        let start = try #require(PrimalHeuristic.plan(for: model, solver: GLPKSolver(), options: options)).values
        let recording = Recording()
        let started = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.maxmin, .value], solver: recording,
            options: options, start: start, heuristicStarts: true)
        let plain = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.maxmin, .value], solver: GLPKSolver(), options: options)

        // A stage proven by territories (docs/model.md, "Stages by territories") makes no solve of its whole program;
        // every stage solved whole is offered a start that keeps every row of it.
        let stageCalls = recording.calls.filter { $0.program.variables.contains { $0.name == "min_ratio" } }
        let byTerritories = started.records.filter(\.provenByTerritories).count
        #expect(stageCalls.count + byTerritories == 2)
        for call in stageCalls {
            let values = try #require(call.start, "every stage is offered a start")
            #expect(call.program.largestViolation(of: values) == nil)
        }
        // The start the value stage got, when solved whole, is a plan of it, so the proven optimum is at least its
        // value.
        if !started.records[1].provenByTerritories, let valueCall = stageCalls.last {
            let valueStart = try #require(valueCall.start)
            let optimum = try #require(started.result.objective)
            #expect(valueCall.program.objectiveValue(of: valueStart) <= optimum + 1e-9)
        }

        #expect(started.records.map(\.status) == [.optimal, .optimal])
        #expect(zip(started.stageValues, plain.stageValues).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
    }

    /// `maxmin` then `coverage` (the most people covered with the max-min ratio held): the coverage stage splits by
    /// territory like the value stage, so a run proves it by territories (docs/model.md, "Stages by territories")
    /// without a solve of its whole program, at the optimum GLPK proves alone (gap 0). By hand: every territory needs
    /// coverage above 0, so B and C each hold a post, and A the third.
    @Test func aCoverageStageAfterMaxminIsProvenByTerritoriesAtGLPKsOptimum() throws {
        let scenario = scenario()
        let model = AllocationModel(scenario: scenario)
        let start = try #require(PrimalHeuristic.plan(for: model, solver: GLPKSolver(), options: options)).values
        let recording = Recording()
        // Proven "within the gap" needs a gap: 10⁻⁹, where the suite's other tests ask GLPK for 0.
        var gapped = options
        gapped.mipGap = 1e-9
        let split = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.maxmin, .coverage], solver: recording, options: gapped,
            start: start, heuristicStarts: true)
        let plain = try StagedSolve.solve(
            model: model, scenario: scenario, stages: [.maxmin, .coverage], solver: GLPKSolver(), options: options)

        #expect(split.records.last?.provenByTerritories == true)
        #expect(
            split.records.map(\.status) == [.optimal, .optimal] && plain.records.map(\.status) == [.optimal, .optimal])
        #expect(zip(split.stageValues, plain.stageValues).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
        let posts = { (code: String) in split.result.values[model.postVariables[code]!.index] }
        #expect(posts("A") == 1 && posts("B") == 1 && posts("C") == 1)
    }
}
