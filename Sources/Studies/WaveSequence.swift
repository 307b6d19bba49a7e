import AllocationModel
import Foundation
import LinearProgramming
import Scenario

/// A programme rolled out in waves (docs/model.md, "Commitments and waves"): each wave is the scenario solved with the
/// wave's cumulative posts and money, only its kinds of host open to new posts, and everything earlier waves placed
/// committed; the last wave's plan is the sequenced plan, compared with the single-shot optimum (the run's own plan).
public enum WaveSequence {
    /// One wave solved: the cumulative plan at its end and what it added.
    public struct WaveResult: Sendable {
        public let wave: Wave
        public let plan: Plan
        /// The cumulative plan valued on the scenario (same need, weights and curve as the single shot).
        public let evaluation: PlanEvaluation
        /// The posts this wave placed, per (structure, option).
        public let added: [Placement]
        public let status: PlanStatus
        /// For a renewal wave: the posts renewed at their structures (the others in `added` are new), and the posts
        /// there were to renew.
        public var renewed: [Placement] = []
        public var renewable = 0
    }

    public struct Outcome: Sendable {
        public let waves: [WaveResult]
        /// The wave that could not be solved and why (the later ones are not solved); nil when every wave was.
        public let failure: (wave: Wave, message: String)?
        /// The run's own plan (the single shot), valued on the scenario.
        public let singleShot: SingleShot
        /// The sequenced plan: the last allocation wave's (renewal waves are later periods), when every wave was
        /// solved.
        public var sequenced: WaveResult? { failure == nil ? waves.last { !$0.wave.renewal } : nil }
    }

    /// The plan the sequence is compared with: the run's own, all posts placed at once.
    public struct SingleShot: Sendable {
        public let plan: Plan
        public let evaluation: PlanEvaluation
        public var objective: Double { evaluation.objective }

        public init(plan: Plan, evaluation: PlanEvaluation) {
            self.plan = plan
            self.evaluation = evaluation
        }
    }

    /// Why a wave has no plan: its stages could not be resolved, or its solve found no verified plan.
    public enum Failure: Error, Sendable {
        case input(ScenarioError)
        case plan(OnePlan.Failure)
    }

    /// Solves the waves in order. A wave that fails (infeasible, no plan in time) ends the sequence: its reason, in
    /// the words `describe` gives it (the run's own messages), is kept for the report, and the run's own plan stands.
    public static func run(
        _ scenario: Scenario, singleShot: SingleShot, solver: any LinearSolver, options: SolverOptions,
        log: (String) -> Void = { _ in }, describe: (Failure) -> String = { "\($0)" }
    ) -> Outcome {
        var results: [WaveResult] = []
        var previous: Plan?
        for index in scenario.parameters.waves.indices {
            let wave = scenario.parameters.waves[index]
            log(
                "wave \(wave.id) (\(wave.date)): \(wave.posts) posts and \(Int(wave.budgetEUR)) € open, kinds \(wave.kinds.joined(separator: ", "))\(wave.renewal ? ", renewal" : "")"
            )
            do {
                if wave.renewal {
                    let renewalScenario = Self.renewalScenario(
                        for: index, of: scenario, after: previous ?? Plan(placements: []))
                    let solved = try solve(renewalScenario, solver: solver, options: options)
                    let (real, renewed, new) = Self.realPlan(solved.plan)
                    var result = WaveResult(
                        wave: wave, plan: real,
                        evaluation: PlanEvaluation(plan: solved.plan, scenario: renewalScenario),
                        added: new, status: solved.status)
                    result.renewed = renewed
                    result.renewable = previous?.placements.reduce(0) { $0 + $1.posts } ?? 0
                    results.append(result)
                    previous = real
                    continue
                }
                let waveScenario = Self.scenario(for: index, of: scenario, after: previous)
                let solved = try solve(waveScenario, solver: solver, options: options)
                let plan = solved.plan
                results.append(
                    WaveResult(
                        wave: wave, plan: plan, evaluation: PlanEvaluation(plan: plan, scenario: scenario),
                        added: added(plan, since: previous), status: solved.status))
                previous = plan
            } catch {
                var message: String
                if case let .plan(.infeasible(explanation)) = error {
                    message = "no plan satisfies its rules: \(explanation.summary)"
                } else {
                    message = describe(error)
                }
                message = Self.inWaveTerms(message, wave: wave)
                log("warning: wave \(wave.id) could not be solved (nor the waves after it): \(message)")
                return Outcome(waves: results, failure: (wave, message), singleShot: singleShot)
            }
        }
        return Outcome(waves: results, failure: nil, singleShot: singleShot)
    }

    /// A wave's failure in the wave's own keys: its scenario's programme is the wave's cumulative posts and money, so
    /// the programme keys a repair names (e.g. "raise programme.budget_eur") are the wave's (a review read "raise
    /// programme.budget_eur to at least 32,000 €" for a wave given share 0 of €900,000).
    static func inWaveTerms(_ message: String, wave: Wave) -> String {
        let key = "waves.\(wave.id)"
        return "with its cumulative \(wave.posts) posts and \(NumberText.grouped(Int(wave.budgetEUR.rounded()))) €, "
            + message.replacingOccurrences(
                of: "programme.budget_eur", with: "the wave's money (\(key).share or \(key).budget_eur)"
            ).replacingOccurrences(of: "programme.posts", with: "the wave's posts (\(key).share or \(key).posts)")
    }

    /// One wave's verified plan: its stages and tie-break resolved as the run's are, then `OnePlan`.
    private static func solve(
        _ scenario: Scenario, solver: any LinearSolver, options: SolverOptions
    ) throws(Failure)
        -> OnePlan.Solved
    {
        let targets: StudyTargets.Targets
        do {
            targets = try StudyTargets.resolve(for: scenario)
        } catch {
            throw .input(error)
        }
        do {
            return try OnePlan.solve(
                scenario, stages: targets.stages, tieBreak: targets.tieBreak, solver: solver, options: options)
        } catch {
            throw .plan(error)
        }
    }

    /// The scenario of wave `index`: the wave's cumulative posts and money; the scenario's floors only in the last wave
    /// (they are the end state's rules; an early wave cannot owe a territory posts its kinds of host do not have); the
    /// caps of the end state (a share of the programme's posts) in every wave. Commitments: in the first wave the
    /// scenario's own; later, every post placed so far, as a minimum (its structure may take more), locked where the
    /// scenario locks the structure. Structures of a kind the wave does not open take no new post: their posts are
    /// locked, the others get a ceiling of 0.
    public static func scenario(for index: Int, of scenario: Scenario, after previous: Plan?) -> Scenario {
        let parameters = scenario.parameters
        let wave = parameters.waves[index]
        let last = index == parameters.waves.count - 1
        let open = Set(wave.kinds)
        let kindOf = Dictionary(uniqueKeysWithValues: scenario.structures.map { ($0.id, $0.kind) })
        let originallyLocked = Set(scenario.commitments.filter { $0.mode == .locked }.map(\.structureID))
        var rows: [Commitment] = []
        if let previous {
            for placement in previous.placements {
                let locked =
                    originallyLocked.contains(placement.structureID)
                    || !open.contains(kindOf[placement.structureID] ?? "")
                rows.append(
                    Commitment(
                        structureID: placement.structureID, posts: placement.posts, option: placement.option,
                        mode: locked ? .locked : .min))
            }
            let placed = Set(previous.placements.map(\.structureID))
            rows += scenario.commitments.filter {
                $0.mode == .max || ($0.mode == .locked && !placed.contains($0.structureID))
            }
        } else {
            rows = scenario.commitments.map { row in
                row.mode == .min && !open.contains(kindOf[row.structureID] ?? "")
                    ? Commitment(
                        structureID: row.structureID, posts: row.posts, option: row.option, mode: .locked,
                        location: row.location) : row
            }
        }
        let bound = Set(rows.filter { $0.mode != .max }.map(\.structureID))
        for structure in scenario.structures where !open.contains(structure.kind) && !bound.contains(structure.id) {
            rows.append(Commitment(structureID: structure.id, posts: 0, option: nil, mode: .max))
        }
        let limits = parameters.limits
        // A cap is the end state's: a share of the programme's posts, restated as a share of the wave's (10⁻⁶ post
        // above it, so that ⌊share × wave posts⌋ gives back the programme's whole number of posts despite rounding).
        func endState(_ share: Double) -> Double {
            wave.posts > 0 ? min(1, (share * Double(parameters.posts) + 1e-6) / Double(wave.posts)) : share
        }
        var waveParameters = ScenarioParameters(
            name: parameters.name, title: parameters.title, posts: wave.posts, budgetEUR: wave.budgetEUR,
            peoplePerPostYear: parameters.peoplePerPostYear, need: parameters.need, kinds: parameters.kinds,
            fundingOptions: parameters.fundingOptions,
            limits: Limits(
                territoryMinPosts: last ? limits.territoryMinPosts : 0,
                territoryMaxShare: endState(limits.territoryMaxShare),
                regionMinPosts: last ? limits.regionMinPosts : 0, regionMaxShare: endState(limits.regionMaxShare)),
            objective: parameters.objective, solver: parameters.solver, effective: parameters.effective,
            // The scenario's basis (programme cost per post, horizon, renewal share): a wave's posts cost and serve as
            // the single shot's do (until 2026-12-01 a wave dropped it, and with a cost per post its plan overspent the
            // money it opened).
            comparison: parameters.comparison, basis: parameters.basis)
        waveParameters.waves = []
        let territories =
            last
            ? scenario.territories
            : scenario.territories.map {
                Territory(
                    code: $0.code, name: $0.name, regionCode: $0.regionCode, regionName: $0.regionName,
                    overseas: $0.overseas,
                    population: $0.population, population15Plus: $0.population15Plus,
                    population75Plus: $0.population75Plus,
                    fragilityIndex: $0.fragilityIndex, povertyRatePct: $0.povertyRatePct, weight: $0.weight,
                    minPosts: nil,
                    maxPosts: $0.maxPosts, posts2021: $0.posts2021)
            }
        return Scenario(
            parameters: waveParameters, territories: territories, structures: scenario.structures,
            inputFiles: scenario.inputFiles, commitments: rows)
    }

    /// The placements of `plan` beyond those of `previous`, per (structure, option).
    static func added(_ plan: Plan, since previous: Plan?) -> [Placement] {
        var before: [String: [String: Int]] = [:]
        for placement in previous?.placements ?? [] {
            before[placement.structureID, default: [:]][placement.option] = placement.posts
        }
        return plan.placements.compactMap { placement in
            let more = placement.posts - (before[placement.structureID]?[placement.option] ?? 0)
            return more > 0 ? Placement(structureID: placement.structureID, option: placement.option, posts: more) : nil
        }
    }
}
