import AllocationModel
import Foundation
import LinearProgramming
import Reports
import Scenario
import Studies

/// The commune stage of `repartir run`, for a scenario with a demand table: solves the commune model with the
/// candidate sites (LP bound, rounding, exact evaluation), scores the 2021 plan with the same model, and gives
/// the tables and the report section. It runs on a thread of its own from the end of the département solve, beside
/// the département comparison and analyses, within the run's time budget (`solver` is the budgeted one): an LP that
/// does not finish ends the run with exit 21.
enum CommuneRun {
    struct Output: Sendable {
        let files: [(name: String, content: Data)]
        let section: String
        /// The commune plan is within the MIP gap of its bound (otherwise the run exits 10).
        let proven: Bool
        /// Wall time of the commune solve alone (`CommuneSolve`), for the manifest's timings.
        let solveSeconds: Double
        /// Why the commune plan may differ between two identical runs (a clock stopped a step of it); nil when not.
        let timingDependence: String?
        /// The plan's answer for the manifest, and the sentence the report's Status section gives it.
        let plan: RunManifest.CommunePlan
        let statusNote: String
    }

    /// The steps of the commune solve a clock can stop: the relaxation (then the Lagrangian bound stands in) and the
    /// local improvement, when the run's budget ends it before its counted allowance does. A relaxation that stops on
    /// its own (the interior point's numerical instability or no convergence, at the same iteration on any machine)
    /// does not make the run depend on the clock.
    static func timingDependence(_ outcome: CommuneSolve.Outcome) -> String? {
        timingDependence(
            relaxationUnfinished: outcome.relaxationUnfinished, improvementCutByTime: outcome.improvementCutByTime,
            clockStops: outcome.clockStops)
    }

    static func timingDependence(
        relaxationUnfinished: String?, improvementCutByTime: Bool, clockStops: [String] = []
    ) -> String? {
        var steps: [String] = []
        if let why = relaxationUnfinished, why.contains("time limit") || why.contains("cancel") {
            steps.append("the commune relaxation stopped at its time limit")
        }
        steps += clockStops
        if improvementCutByTime { steps.append(RunLimitsSection.communeImprovementReason) }
        return steps.isEmpty ? nil : steps.joined(separator: "; ")
    }

    static func run(
        _ scenario: Scenario, solver: any LinearSolver, options: SolverOptions, warmStart: PreviousCommunePlan? = nil,
        departmentPlan: (plan: Plan, mix: PlanMix)? = nil, log: (String) -> Void
    ) throws(RunFailure) -> Output? {
        guard let inputs = scenario.communes else { return nil }
        // Said as input warnings, which `--quiet` leaves out: the report carries each, `validate` prints them as
        // warnings, and a property of the inputs said on every run made a cron wrapper mail every night (a review).
        for warning in RunCommand.inputWarnings(scenario) {
            log(warning.hasPrefix("warning: ") ? "input " + warning : warning)
        }
        // The 2021 plan's score and the reach of the site networks do not depend on the commune plan: they run on the
        // other core while the plan is solved, and are waited for before anything is returned or thrown.
        let has2021 = scenario.structures.contains(where: { ($0.posts2021 ?? 0) > 0 })
        // At a low priority: on two cores, the commune plan and the département analyses are the run's longest parts,
        // and this work fills the core the analyses leave when they end (BENCHMARKS.md, "Warm variants under 3 s at
        // 20 km").
        let background = Concurrent(priority: .filler) { () -> SideWork in
            let side = SideWork()
            // One model scores the 2021 plan and the département plan, each plan's posts at its hosts: without the
            // rules, the posts' columns have no bounds of this scenario to break.
            if has2021 || departmentPlan != nil {
                let model = CommuneModel(
                    scenario: scenario, options: .init(candidates: false, relaxed: true, rules: false))
                if has2021 {
                    side.plan2021 = Result {
                        try score(
                            CommuneSolve.posts2021(scenario, model: model), on: model, solver: solver, options: options)
                    }
                }
                if let department = departmentPlan?.plan {
                    side.department = Result {
                        try score(
                            CommuneSolve.posts(of: department, scenario: scenario, model: model), on: model,
                            solver: solver, options: options)
                    }
                }
            }
            // Sites that can hold a post, as the commune model has them: a host with some capacity (or, for the 2021
            // network, a 2021 post), a candidate with some capacity. A review found a candidate of capacity 0 counted
            // as reaching people in the white-zone figures.
            let hosts = zip(inputs.structureCommunes, scenario.structures).compactMap { commune, structure in
                commune >= 0 && (structure.capacity > 0 || (structure.posts2021 ?? 0) > 0) ? commune : nil
            }
            let candidates = zip(inputs.candidateCommunes, inputs.candidates).compactMap { commune, candidate in
                candidate.capacity > 0 ? commune : nil
            }
            side.networks = (
                CommuneReach(
                    inputs: inputs, territories: scenario.territories, siteCommunes: hosts, radiusKm: inputs.radiusKm),
                CommuneReach(
                    inputs: inputs, territories: scenario.territories, siteCommunes: hosts + candidates,
                    radiusKm: inputs.radiusKm)
            )
            return side
        }
        defer { _ = background.value }
        do {
            let outcome = try CommuneSolve.solve(
                scenario, candidates: true, solver: solver, options: options, warmStart: warmStart, log: log)
            log(
                "commune plan: value \(Format.fixed(outcome.value, decimals: 1)), \(outcome.boundName) \(Format.fixed(outcome.bound, decimals: 1)), "
                    + "gap \(Format.percent(outcome.gap, decimals: 3)) (bound \(Format.fixed(outcome.lpSeconds, decimals: 1)) s, evaluation \(Format.fixed(outcome.evaluationSeconds, decimals: 1)) s)"
            )
            let optimised = CommuneResults.ScoredPlan(
                model: outcome.model, posts: outcome.posts, groupCoverage: outcome.groupCoverage, value: outcome.value)
            let side = background.value
            // Scores, not the plan: when the budget leaves no time for one, the report says so instead of failing the
            // run.
            func scored(
                _ result: Result<CommuneResults.ScoredPlan, any Error>?, _ what: String
            ) throws
                -> CommuneResults.ScoredPlan?
            {
                switch result {
                case .none: return nil
                case .success(let plan): return plan
                case .failure(CommuneSolve.Failure.evaluationFailed(let why)):
                    log("warning: \(what) was not scored at commune level: \(why)")
                    return nil
                case .failure(let error): throw error
                }
            }
            let plan2021 = try scored(side.plan2021, "the 2021 plan")
            let departmentScored = try scored(side.department, "the département plan")
            let (hostNetwork, fullNetwork) = side.networks!
            let results = CommuneResults(
                scenario: scenario, optimised: optimised, bound: outcome.bound, proven: outcome.proven,
                lpSeconds: outcome.lpSeconds, evaluationSeconds: outcome.evaluationSeconds, plan2021: plan2021,
                hostNetwork: hostNetwork, fullNetwork: fullNetwork, endowment: outcome.endowment,
                boundMethod: outcome.boundMethod, relaxationUnfinished: outcome.relaxationUnfinished,
                pricedByBestPoint: outcome.pricedByBestPoint,
                warmStart: outcome.warmStart, warmBound: outcome.warmBound, warmPlan: outcome.warmPlan,
                warmFallback: outcome.warmFallback,
                unitPrices: outcome.unitPrices, postsBasis: outcome.postsBasis, warmBasis: outcome.warmBasis,
                departmentPlan: departmentPlan?.mix, departmentScored: departmentScored,
                branchAndBound: outcome.branchAndBound)
            // The tables on one core, the map and the section on the other (the département parts have usually ended).
            let tables = Concurrent {
                CommuneTables.all(results).map { (name: $0.name, content: Data($0.content.utf8)) }
            }
            let map = (name: CommuneMap.fileName, content: Data(CommuneMap.svg(results).utf8))
            let section = CommuneReport.section(results)
            return Output(
                files: tables.value + [map], section: section, proven: outcome.proven,
                solveSeconds: outcome.seconds, timingDependence: Self.timingDependence(outcome),
                plan: RunManifest.CommunePlan(
                    status: outcome.proven ? "optimal" : "feasible", value: results.optimised.value,
                    bound: results.bound, boundMethod: outcome.boundKey,
                    relativeGap: results.gap, posts: results.optimised.totals.posts,
                    stateCostEUR: results.optimised.totals.stateEUR,
                    peopleCovered: results.optimised.groupCoverage.reduce(0, +),
                    whiteZonePeople: results.populationByTerritory(where: results.optimised.whiteZone).reduce(0, +)),
                statusNote: CommuneReport.statusNote(results))
        } catch let failure as CommuneSolve.Failure {
            switch failure {
            case .planRefused: throw .rejectedPlan(failure.description)
            default: throw .noSolution(failure.description)
            }
        } catch {
            throw .solver("commune model", cause: error)
        }
    }

    /// A plan given by its posts on `model`'s decisions (the real 2021 allocation, the département plan) scored with
    /// the commune model: posts fixed, its own rules not checked.
    private static func score(
        _ posts: [Int], on model: CommuneModel, solver: any LinearSolver, options: SolverOptions
    ) throws -> CommuneResults.ScoredPlan {
        var scoring = options
        scoring.start = nil
        let evaluation = try CommuneSolve.evaluate(posts, on: model, solver: solver, options: scoring)
        return .init(
            model: evaluation.model, posts: posts, groupCoverage: evaluation.groupCoverage, value: evaluation.value)
    }

    /// What the background work leaves: written by it alone, read only once its value is waited for.
    private final class SideWork: @unchecked Sendable {
        var plan2021: Result<CommuneResults.ScoredPlan, any Error>?
        /// The run's département plan, its posts at its hosts.
        var department: Result<CommuneResults.ScoredPlan, any Error>?
        /// Reach of every host of structures.csv, and of hosts and candidates together.
        var networks: (CommuneReach, CommuneReach)?
    }
}
