import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing

@testable import AllocationModel

/// The commune plan without its LP relaxation (`CommuneLagrangian`, docs/model.md, "Solving the commune model"):
/// `reach.bound: lagrangian`, and the fallback when the relaxation does not finish.
@Suite struct CommuneLagrangianTests {
    static let firstSlope = 0.5.squareRoot() / 0.5

    /// GLPK, except that the commune model's LP relaxation (the program with `relaxedColumns` columns) ends at a
    /// time limit with no solution, as it does at wide radii in a short budget.
    struct RelaxationTimesOut: LinearSolver {
        let relaxedColumns: Int
        var identity: SolverIdentity { GLPKSolver().identity }
        func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
            if program.variables.count == relaxedColumns {
                return SolveResult(status: .noSolution, limitReached: "time limit")
            }
            return try GLPKSolver().solve(program, options: options)
        }
    }

    /// GLPK, except that the commune relaxation's interior point "stops short" as it does nationally at 15 km and
    /// €180–190M (numeric instability): no solution, and its best point, here the simplex's optimum with every price
    /// 20 % too high and the posts as they are (or as `values` makes them).
    struct InteriorStopsShort: LinearSolver {
        let relaxedColumns: Int
        /// The best point's duals from the optimal ones (row index, dual).
        var distort: @Sendable (Int, Double) -> Double = { _, dual in dual * 1.2 }
        /// The best point's values from the optimal ones.
        var values: @Sendable ([Double]) -> [Double] = { $0 }
        var identity: SolverIdentity { GLPKSolver().identity }
        func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
            // The relaxation: the model's columns, and with covering rows its units' totals after them
            // (`CommuneModel.relaxationProgram`); the fixed-plan LPs have fewer.
            guard program.variables.count >= relaxedColumns, options.interiorPoint else {
                return try GLPKSolver().solve(program, options: options)
            }
            #expect(!options.interiorFallback)
            var exact = options
            exact.interiorPoint = false
            let lp = try GLPKSolver().solve(program, options: exact)
            var result = SolveResult(
                status: .noSolution, limitReached: "interior point: GLP_EINSTAB (numerical instability)")
            result.interiorBestPoint = .init(
                objective: lp.objective ?? 0, values: values(lp.values),
                duals: (lp.duals ?? []).enumerated().map { distort($0.offset, $0.element) })
            return result
        }
    }

    static func lagrangian(budget: Int = 25_000) throws -> Scenario {
        try ScenarioLoader.load(try CommuneFixture.folder(budget: budget, reachYAML: "bound: lagrangian"))
    }

    /// Budget for 2.5 posts (`CommuneModelTests.roundedPlanAndHonestGap`): the relaxation's optimum is 2.5 × 120 ×
    /// 1.41421 = 424.26 (half a post more in the first group). Relaxing only the service rows of an LP, the best
    /// prices give that optimum again (LP duality), so the Lagrangian bound is at least 424.26 and, after the price
    /// search, close to it; the plan is the integer one: two posts, 2 × 120 × 1.41421 = 339.41, the gap said.
    @Test func theLagrangianBoundsThePlanWithoutTheRelaxation() throws {
        let scenario = try Self.lagrangian()
        let outcome = try CommuneSolve.solve(
            scenario, candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        #expect(outcome.boundMethod == .lagrangian && outcome.relaxationUnfinished == nil)
        let relaxation = 2.5 * 120 * Self.firstSlope
        #expect(outcome.bound >= relaxation - 1e-6)
        #expect(outcome.bound <= relaxation * 1.01)
        #expect(abs(outcome.value - 2 * 120 * Self.firstSlope) < 1e-6)
        #expect(outcome.posts.reduce(0, +) == 2)
        #expect(!outcome.proven && outcome.gap >= 0.2 - 1e-4)
    }

    /// Whatever the budget, the bound the prices prove is never below the relaxation's optimum (weak duality: any
    /// prices ≥ 0 on the relaxed ≤ rows bound the LP), and the price search brings it within 1 % of it here.
    @Test func theBoundIsNeverBelowTheRelaxation() throws {
        for budget in [10_000, 25_000, 30_000, 45_000, 1_000_000] {
            let scenario = try Self.lagrangian(budget: budget)
            let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
            let lp = try GLPKSolver().solve(model.program, options: SolverOptions(mipGap: 1e-4))
            let optimum = try #require(lp.objective)
            let outcome = try #require(
                try CommuneLagrangian.solve(model, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4)))
            #expect(outcome.bound >= optimum - 1e-9, "budget \(budget)")
            #expect(outcome.bound <= optimum + 0.01 * max(abs(optimum), 1), "budget \(budget)")
            // Its posts keep every row over the posts alone (they are averages of solutions that do).
            #expect(outcome.values.count == model.program.variables.count)
            #expect(outcome.duals.count == model.program.constraints.count)
        }
    }

    /// When the relaxation ends at a limit, the run does not end with no plan: the Lagrangian bound stands in, and
    /// the outcome says why (what the report then says).
    @Test func aRelaxationThatDoesNotFinishFallsBackToTheLagrangian() throws {
        let scenario = try CommuneFixture.scenario(budget: 25_000)
        let relaxed = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let outcome = try CommuneSolve.solve(
            scenario, candidates: true, solver: RelaxationTimesOut(relaxedColumns: relaxed.program.variables.count),
            options: SolverOptions(mipGap: 1e-4))
        #expect(outcome.boundMethod == .lagrangian && outcome.relaxationUnfinished == "time limit")
        #expect(outcome.bound >= 2.5 * 120 * Self.firstSlope - 1e-6)
        #expect(abs(outcome.value - 2 * 120 * Self.firstSlope) < 1e-6)
        // The same scenario with the relaxation: the LP bound, exactly the relaxation's optimum (plus its margin).
        let plain = try CommuneSolve.solve(
            scenario, candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        #expect(plain.boundMethod == .relaxation && plain.relaxationUnfinished == nil)
        #expect(plain.bound <= outcome.bound + 1e-6)
    }

    /// When the interior point stops short, no simplex follows: its best point's duals, scaled, give the Lagrangian
    /// bound (20 % too high here: the scaling brings them back, and the bound is the relaxation's 424.26 within 10⁻⁵),
    /// and its posts start the rounding (the integer plan: two posts, 339.41). The outcome says why.
    @Test func anInteriorPointThatStopsShortPricesTheBound() throws {
        let scenario = try CommuneFixture.scenario(budget: 25_000)
        let relaxed = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let outcome = try CommuneSolve.solve(
            scenario, candidates: true, solver: InteriorStopsShort(relaxedColumns: relaxed.program.variables.count),
            options: SolverOptions(mipGap: 1e-4))
        #expect(outcome.boundMethod == .lagrangian)
        #expect(outcome.relaxationUnfinished?.hasPrefix("interior point") == true)
        let relaxation = 2.5 * 120 * Self.firstSlope
        // Above it by the bound's margins (10⁻⁶ and the tie-break) and the search's resolution on the scale.
        #expect(outcome.bound >= relaxation - 1e-6)
        #expect(outcome.bound <= relaxation * (1 + 1e-5), "\(outcome.bound)")
        #expect(abs(outcome.value - 2 * 120 * Self.firstSlope) < 1e-6)
    }

    /// A best point whose duals are far from optimal (each unit's 3 times or a tenth of it, alternately): the bound
    /// they give is more than 10⁻³ above the point's objective, so the dual simplex solves the relaxation as before
    /// and the bound is the LP's, exactly the relaxation's 424.26 (plus its margins).
    @Test func aBestPointFarFromTheOptimumFallsBackToTheSimplex() throws {
        let scenario = try CommuneFixture.scenario(budget: 25_000)
        let relaxed = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        var solver = InteriorStopsShort(relaxedColumns: relaxed.program.variables.count)
        solver.distort = { row, dual in row.isMultiple(of: 2) ? dual * 3 : dual / 10 }
        let outcome = try CommuneSolve.solve(
            scenario, candidates: true, solver: solver, options: SolverOptions(mipGap: 1e-4))
        #expect(outcome.boundMethod == .relaxation && outcome.relaxationUnfinished == nil)
        let relaxation = 2.5 * 120 * Self.firstSlope
        #expect(outcome.bound >= relaxation - 1e-6 && outcome.bound <= relaxation * (1 + 1e-5))
    }

    /// Start prices far too high, or not numbers (a hand-edited sites.csv, a diverged interior point): each is kept
    /// within [0, the highest value of a segment], so the posts part's coefficients stay ones GLPK takes, and the
    /// scaled search then finds what one price for every unit finds (within 1 % of the relaxation here).
    @Test func absurdStartPricesAreKeptInRange() throws {
        let scenario = try Self.lagrangian(budget: 25_000)
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let optimum = try #require(
            try GLPKSolver().solve(model.program, options: SolverOptions(mipGap: 1e-4)).objective)
        for price in [1e9, .infinity, .nan, -5] {
            let outcome = try #require(
                try CommuneLagrangian.solve(
                    model, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4),
                    start: model.serviceRows.map { _ in price }, subgradientSteps: 0))
            #expect(outcome.bound.isFinite && outcome.bound >= optimum - 1e-9, "\(price)")
            #expect(outcome.bound <= optimum * 1.01, "\(price): \(outcome.bound)")
        }
    }

    /// `reach.bound` accepts only what it documents (exit 78 names the key).
    @Test func anUnknownBoundIsRefused() throws {
        #expect {
            try ScenarioLoader.load(try CommuneFixture.folder(reachYAML: "bound: exact"))
        } throws: { error in
            "\(error)".contains("reach.bound")
        }
    }

    /// A warm start's prices (`--warm-start`, `CommuneWarmStart`): the relaxation's own duals on the service rows give
    /// its optimum back (relaxing some rows of an LP at their optimal duals loses nothing), so a run of the same
    /// scenario proves the relaxation's bound without solving it; the search then only scales them.
    @Test func theRelaxationsOwnPricesGiveItsOptimumBack() throws {
        for budget in [25_000, 45_000, 1_000_000] {
            let scenario = try Self.lagrangian(budget: budget)
            let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
            let lp = try GLPKSolver().solve(model.program, options: SolverOptions(mipGap: 1e-4))
            let optimum = try #require(lp.objective)
            let duals = try #require(lp.duals)
            let outcome = try #require(
                try CommuneLagrangian.solve(
                    model, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4),
                    start: model.serviceRows.map { abs(duals[$0]) }, subgradientSteps: 0))
            #expect(outcome.bound >= optimum - 1e-9, "budget \(budget)")
            #expect(outcome.bound <= optimum + 1e-7 * max(abs(optimum), 1), "budget \(budget): \(outcome.bound)")
        }
    }

    /// The scaled search brackets the best multiple of its start by steps from 1 that double, then evaluates where the
    /// tangents at the bracket's ends cross until they leave less than 10⁻⁷ of the bound to gain: started from any
    /// multiple of the same prices it ends at the same bound, never below the variant's relaxation, in a handful of
    /// evaluations (bisecting after the bracket took 20 here: the minimum is a kink, which the tangents' crossing lands
    /// on and a bisection only approaches).
    @Test func theScaledSearchEndsAtTheSameBoundFromAnyMultipleOfItsStart() throws {
        let base = try Self.lagrangian(budget: 25_000)
        let baseModel = CommuneModel(scenario: base, options: .init(candidates: true, relaxed: true))
        let duals = try #require(
            try GLPKSolver().solve(baseModel.program, options: SolverOptions(mipGap: 1e-4)).duals)
        let prices = baseModel.serviceRows.map { abs(duals[$0]) }
        let variant = CommuneModel(
            scenario: try Self.lagrangian(budget: 45_000), options: .init(candidates: true, relaxed: true))
        let optimum = try #require(
            try GLPKSolver().solve(variant.program, options: SolverOptions(mipGap: 1e-4)).objective)
        var bounds: [Double] = []
        for multiple in [0.5, 0.9, 1, 1.3, 2] {
            let outcome = try #require(
                try CommuneLagrangian.solve(
                    variant, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4),
                    start: prices.map { $0 * multiple }, subgradientSteps: 0))
            #expect(outcome.bound >= optimum - 1e-9, "\(multiple)")
            #expect(outcome.iterations <= 12, "\(multiple): \(outcome.iterations) evaluations")
            bounds.append(outcome.bound)
        }
        let lowest = try #require(bounds.min())
        for bound in bounds { #expect(bound - lowest <= 1e-6 * abs(lowest), "\(bounds)") }
    }

    /// GLPK, except that every fixed-plan LP of the plan's exact evaluation (`commune_component`) ends at a time limit.
    struct EvaluationTimesOut: LinearSolver {
        var identity: SolverIdentity { GLPKSolver().identity }
        func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
            if program.name == "commune_component" {
                return SolveResult(status: .noSolution, limitReached: "time limit")
            }
            return try GLPKSolver().solve(program, options: options)
        }
    }

    /// A plan whose exact value the time left cannot compute is not published (exit 21), but the bound was proven
    /// and is said: the relaxation's 424.26 (2.5 posts' worth), rounded up to a tenth. (The components go to the
    /// solver: `CommuneFlowGreedy` would value them without it.)
    @Test func aPlanThatCannotBeValuedStillSaysItsBound() throws {
        let scenario = try CommuneFixture.scenario(budget: 25_000)
        #expect {
            try CommuneFixedPlan.$greedyFirst.withValue(false) {
                try CommuneSolve.solve(
                    scenario, candidates: true, solver: EvaluationTimesOut(), options: SolverOptions(mipGap: 1e-4))
            }
        } throws: { error in
            "\(error)".contains("time limit") && "\(error)".contains("the LP bound, 424.3, holds for every plan")
        }
    }

    /// GLPK, each solve taking at least `pause` seconds: a slow machine, for the deadline.
    struct SlowSolver: LinearSolver {
        let pause: Double
        var identity: SolverIdentity { GLPKSolver().identity }
        func solve(_ program: LinearProgram, options: SolverOptions) throws -> SolveResult {
            Thread.sleep(forTimeInterval: pause)
            return try GLPKSolver().solve(program, options: options)
        }
    }

    /// The search's deadline is a clock: when it ends the search before its steps do, the bound and prices depend on
    /// the machine's speed, and the outcome says so (the run then says it is not deterministic). On a machine slow
    /// enough that the deadline passes after the first price, the search stops there; with no deadline, the same
    /// search runs its steps and says nothing.
    @Test func aSearchTheDeadlineEndsSaysSo() throws {
        let scenario = try Self.lagrangian(budget: 25_000)
        let model = CommuneModel(scenario: scenario, options: .init(candidates: true, relaxed: true))
        let stopped = try #require(
            try CommuneLagrangian.solve(
                model, solver: SlowSolver(pause: 0.6), options: SolverOptions(mipGap: 1e-4),
                deadline: Date().addingTimeInterval(0.5)))
        #expect(stopped.stoppedByClock && stopped.iterations == 1, "\(stopped.iterations) prices")
        let whole = try #require(
            try CommuneLagrangian.solve(model, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4)))
        #expect(!whole.stoppedByClock && whole.iterations > 1)
    }

    /// The commune solve passes that stop on: its outcome's `clockStops` names the search (what makes the run say it is
    /// not deterministic, `CommuneRun.timingDependence`), and the plan is still published with its bound. With 3 s and
    /// each posts-part LP held 0.4 s, the search's deadline (0.9 of the time left) passes after a few prices, where the
    /// same solve without a limit runs its steps and names no clock.
    @Test func aCommuneSolveNamesTheLagrangianSearchItsClockStopped() throws {
        let scenario = try Self.lagrangian(budget: 25_000)
        var limited = SolverOptions(mipGap: 1e-4)
        limited.timeLimitSeconds = 3
        let stopped = try CommuneSolve.solve(
            scenario, candidates: true, solver: SlowSolver(pause: 0.4), options: limited)
        #expect(stopped.boundMethod == .lagrangian)
        #expect(
            stopped.clockStops.contains("the commune Lagrangian bound's search stopped at its time limit"),
            "\(stopped.clockStops)")
        #expect(stopped.bound >= 2.5 * 120 * Self.firstSlope - 1e-6 && stopped.posts.reduce(0, +) == 2)
        let whole = try CommuneSolve.solve(
            scenario, candidates: true, solver: GLPKSolver(), options: SolverOptions(mipGap: 1e-4))
        #expect(whole.clockStops.isEmpty, "\(whole.clockStops)")
    }
}
