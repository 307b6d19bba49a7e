import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// The re-solves around a run's plan that the scenario asks for (`robustness.*`, `comparison.sensitivity`,
/// `comparison.frontier_points`), in the order that keeps the cores busy, returning their values: the pipeline
/// publishes them.
public enum PlanAnalyses {
    public struct Results: Sendable {
        public var robustness: Robustness.Report?
        public var sensitivity: [Sensitivity.Row]?
        public var frontier: [Frontier.Point]?
    }

    /// `base` is the figures the sensitivity variants are compared with, `plan`/`model`/`values` the plan, its model
    /// and its solution. `solverOwn`: the main solve's plan before the tie-break chose `plan` among the optima, and its
    /// solution; the variants, solved by the objective alone, are compared with it and start from it (nil: `plan`).
    /// Throws a `ScenarioError` when a variant cannot be made, or the solver's error.
    public static func run(
        scenario: Scenario, plan: Plan, model: AllocationModel, values: [Double], base: Sensitivity.Point,
        solverOwn: (plan: Plan, values: [Double])? = nil, solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void
    ) throws -> Results {
        var results = Results()
        let settings = scenario.parameters.comparison
        let baseValues = Array((solverOwn?.values ?? values).prefix(model.program.variables.count))
        // The scenario's guesses at the ends of their documented ranges (docs/model.md, Robustness), first: a few
        // re-solves started by the heuristic, before the frontier, whose solves can take the rest of the run's budget.
        if !scenario.parameters.robustness.isEmpty {
            log("robustness: re-solving \(Robustness.variants(of: scenario).count) variants of the guesses")
            results.robustness = try Robustness.run(
                scenario: scenario, basePlan: solverOwn?.plan ?? plan, baseModel: model,
                baseValues: baseValues, solver: solver, options: options)
            results.robustness?.againstSolverOwnPlan = solverOwn != nil
        }
        let frontier = settings.frontierPoints >= 2
        let sweep: @Sendable () throws -> [Frontier.Point] = {
            try Frontier.sweep(
                scenario: scenario, solver: solver, options: options, points: settings.frontierPoints,
                start: baseValues)
        }
        if settings.sensitivity { log("sensitivity: re-solving \(Sensitivity.variants(of: scenario).count) variants") }
        if frontier { log("frontier: \(settings.frontierPoints) points") }
        // The variants are the run's scenario changed in memory; the frontier runs beside them and solves its points
        // after the top one on every core: the variants end long before it, and a core would idle.
        if settings.sensitivity {
            (results.sensitivity, results.frontier) = try Sensitivity.run(
                base: base, baseValues: baseValues, scenario: scenario,
                solver: solver, options: options,
                alongside: frontier ? sweep : nil)
        } else if frontier {
            results.frontier = try sweep()
        }
        return results
    }
}
