import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
@testable import Studies  // the bisection by territories of a max-min stage
import Testing

/// The max-min stage by territories (docs/model.md, "The max-min stage by territories"): a bound no plan passes and a
/// plan, from one small MIP per territory.
@Suite struct MaxminBoundTests {
    static func stage(_ scenario: Scenario) throws -> (model: AllocationModel, program: LinearProgram, ratio: Variable)
    {
        let model = AllocationModel(scenario: scenario)
        let program = try StagedSolve.program(
            ofStage: 1, model: model, scenario: scenario, stages: [.maxmin], solver: GLPKSolver(),
            options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
        return (model, program, try #require(program.variable(named: "min_ratio")))
    }

    /// A random small instance: 3–5 territories in two régions, each with a public host and a private one that may
    /// co-finance, posts and a budget that bind; `random` is left where a caller may draw more.
    static func instance(
        _ random: inout PropertyTests.Generator
    ) -> (places: [Fixtures.Place], hosts: [Fixtures.Host], posts: Int, budget: Double) {
        let count = 3 + random.next(3)
        let places = (0..<count).map {
            Fixtures.Place(code: "T\($0)", need: 100 + random.next(900), region: "R\(random.next(2))")
        }
        let hosts = places.flatMap { place in
            [
                Fixtures.Host(id: "\(place.code)a", territory: place.code, capacity: 1 + random.next(8)),
                Fixtures.Host(
                    id: "\(place.code)b", territory: place.code, kind: "private", capacity: 1 + random.next(6),
                    cofinancingEUR: Double(random.next(3) * 6_000)),
            ]
        }
        return (places, hosts, 4 + random.next(3 * count), Double(60_000 + random.next(200) * 1_000))
    }

    /// A and B need 240 people each; one option (24 months, 12 people a year: 24 people, a ratio of 0.1 per post);
    /// 5 posts. Whole posts: min(a, b) ≤ 2 when a + b = 5, so the optimum is 0.2; the relaxation splits 2.5 / 2.5
    /// (0.25). Above 0.2 each territory needs 3 posts, 6 in all: the posts row's price proves it, with no
    /// branch-and-bound; at 0.2 the two small MIPs' 2 + 2 posts are a plan.
    @Test func theBoundAndThePlanMeetAtTheWholePostOptimum() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 240), .init(code: "B", need: 240)],
            hosts: [.init(id: "a", territory: "A", capacity: 10), .init(id: "b", territory: "B", capacity: 10)],
            posts: 5, budget: 1_000_000, withPartial: false)
        let (model, program, ratio) = try Self.stage(scenario)
        let outcome = try #require(
            try MaxminBound.bisect(
                program: program, ratio: ratio, model: model, plan: nil, low: 0, gap: 1e-6, solver: GLPKSolver(),
                options: SolverOptions(timeLimitSeconds: 30, mipGap: 0)))
        #expect(outcome.bound >= 0.2 - 1e-9 && outcome.bound <= 0.2 * (1 + 1e-6) + 1e-9, "\(outcome.bound)")
        let plan = try #require(outcome.plan)
        #expect(program.largestViolation(of: plan, tolerance: 1e-6) == nil)
        let split = try #require(TerritorySplit(program: program, ratio: ratio, model: model))
        #expect(abs(MaxminBound.reached(plan, split: split) - 0.2) < 1e-9)
        #expect(plan[model.postVariables["A"]!.index] + plan[model.postVariables["B"]!.index] <= 5 + 1e-9)
    }

    /// Against GLPK's exact optimum of the stage (mip gap 0) on random small instances with both options, private
    /// hosts that co-finance, floors and a binding budget: the bound is never below the optimum, and the plan keeps
    /// every row and reaches no more than the optimum.
    @Test(arguments: 1...12) func theBoundIsNeverBelowTheOptimumAndThePlanNeverAbove(seed: Int) throws {
        var random = PropertyTests.Generator(state: UInt64(seed) &* 7919)
        let (places, hosts, posts, budget) = Self.instance(&random)
        let scenario = Fixtures.scenario(
            places: places, hosts: hosts, posts: posts, budget: budget, territoryMin: random.next(2), privateKind: true)
        let (model, program, ratio) = try Self.stage(scenario)
        let exact = try GLPKSolver().solve(program, options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
        guard exact.status == .optimal else {
            #expect(exact.status == .infeasible, "\(exact.status)")
            return
        }
        let optimum = exact.values[ratio.index]
        let outcome = try #require(
            try MaxminBound.bisect(
                program: program, ratio: ratio, model: model, plan: nil, low: 0, gap: 1e-6, solver: GLPKSolver(),
                options: SolverOptions(timeLimitSeconds: 30, mipGap: 0)))
        #expect(outcome.bound >= optimum - 1e-7, "bound \(outcome.bound) below the optimum \(optimum)")
        // On these instances the bisection always finds a plan, and closes on the optimum from both sides (no
        // guarantee in general: the prices may leave a ratio undecided).
        let plan = try #require(outcome.plan)
        #expect(program.largestViolation(of: plan, tolerance: 1e-6) == nil)
        let split = try #require(TerritorySplit(program: program, ratio: ratio, model: model))
        let reached = MaxminBound.reached(plan, split: split)
        #expect(reached <= optimum + 1e-7)
        #expect(SolveResult.relativeGap(objective: reached, bound: outcome.bound) <= 1e-5)
    }
}

/// The value after a max-min stage by territories (`StageLagrangian`): the Lagrangian bound and the plan picked from
/// the territories' solutions, against GLPK's exact optimum of the stage.
@Suite struct StageLagrangianTests {
    /// Random small instances (both options, co-financing private hosts, a binding budget, région caps): the bound is
    /// never below the exact optimum of the value stage with the max-min ratio held, and the plan keeps every row of
    /// the stage and is worth no more than the optimum. The start plan is left out (`best: nil`), so the plan is the
    /// territories' own.
    @Test(arguments: 1...12) func theBoundIsNeverBelowTheOptimumAndThePlanNeverAbove(seed: Int) throws {
        var random = PropertyTests.Generator(state: UInt64(seed) &* 104_729)
        let (places, hosts, posts, budget) = MaxminBoundTests.instance(&random)
        let scenario = Fixtures.scenario(
            places: places, hosts: hosts, posts: posts, budget: budget, exponent: 0.5, breakpoints: [0.25, 0.5, 1],
            regionMaxShare: 0.7, privateKind: true)
        let model = AllocationModel(scenario: scenario)
        let options = SolverOptions(timeLimitSeconds: 30, mipGap: 0)
        let program: LinearProgram
        do {
            program = try StagedSolve.program(
                ofStage: 2, model: model, scenario: scenario, stages: [.maxmin, .value], solver: GLPKSolver(),
                options: options)
        } catch {
            return  // no plan at all (the floors or région caps cannot be met): nothing to hold
        }
        let ratio = try #require(program.variable(named: "min_ratio"))
        let held = try #require(program.constraints.first { $0.name == "stage_maxmin" }).lower
        let exact = try GLPKSolver().solve(program, options: options)
        try #require(exact.status == .optimal)
        let optimum = try #require(exact.objective)
        let outcome = try #require(
            try StageLagrangian.solve(
                program: program, ratio: ratio, held: held, model: model, scenario: scenario, best: nil, gap: 1e-6,
                solver: GLPKSolver(), options: options))
        #expect(outcome.bound >= optimum - 1e-6 * max(abs(optimum), 1), "bound \(outcome.bound) < \(optimum)")
        let plan = try #require(outcome.plan)
        #expect(program.largestViolation(of: plan, tolerance: 1e-6) == nil)
        #expect(program.objectiveValue(of: plan) <= optimum + 1e-6 * max(abs(optimum), 1))
        // On these instances the plan picked from the territories' solutions is the optimum itself; the bound is not
        // always tight (a duality gap: whole posts in few territories).
        #expect(program.objectiveValue(of: plan) >= optimum - 1e-6 * max(abs(optimum), 1))
    }
}
