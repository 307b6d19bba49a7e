import AllocationModel
import Baselines
import Foundation
import GLPKSolver
import LinearProgramming
import Reports
import Scenario
import Studies
import Testing

/// The split of the gain over an observed plan into geography, funding rule and money, on a scenario solved on paper.
@Suite struct DecompositionTests {
    /// Two territories, one kind whose post costs 1,000 € a month; `full`: the State pays 12 months (12,000 €);
    /// `long`: the State pays half of 24 months (12,000 € State, 12,000 € host). κ = 12 people a year, so a `full`
    /// post serves 12 people and a `long` one 24 within the 3-year horizon. Linear value (exponent 1): objective =
    /// people covered. Need: A 12, B 1,000. Hosts: A one structure (capacity 4, no host money), B one structure
    /// (capacity 4, 24,000 € of host money: two `long` posts). Observed: 2 posts in A (funded `full`), 24,000 €.
    /// Scenario: 48,000 €, 10 posts.
    static func scenario(budget: Double = 48_000, basis: ServiceBasis = .default) -> Scenario {
        let parameters = ScenarioParameters(
            name: "decomposition", title: "", posts: 10, budgetEUR: budget, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0),
            kinds: [
                HostKind(id: "public", label: "Public", grantEUR: 12_000, overseasGrantEUR: 12_000, grantMonths: 12)
            ],
            fundingOptions: [
                FundingOption(id: "full", label: "Full", stateShare: 1, months: nil),
                FundingOption(id: "long", label: "Long", stateShare: 0.5, months: 24),
            ].sorted { $0.id < $1.id },
            limits: Limits(territoryMinPosts: 0, territoryMaxShare: 1, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: 1, breakpoints: [1]),
            solver: SolverParameters(timeLimitSeconds: 30, mipGap: 0, presolve: true, cuts: true),
            effective: [], basis: basis)
        let territories = [("A", 12), ("B", 1000)].map { code, need in
            Territory(
                code: code, name: "Territory \(code)", regionCode: "R", regionName: "R", overseas: false,
                population: need,
                population15Plus: need, population75Plus: need, fragilityIndex: 5)
        }
        let structures = [
            HostStructure(
                id: "a", name: "a", territory: "A", kind: "public", capacity: 4, cofinancingEUR: 0, posts2021: 2),
            HostStructure(
                id: "b", name: "b", territory: "B", kind: "public", capacity: 4, cofinancingEUR: 24_000, posts2021: 0),
        ]
        return Scenario(parameters: parameters, territories: territories, structures: structures)
    }

    static func decompose(_ scenario: Scenario) throws -> (Decomposition.Outcome, PlanEvaluation) {
        let options = SolverOptions(timeLimitSeconds: 30, mipGap: 0)
        let model = AllocationModel(scenario: scenario)
        let result = try GLPKSolver().solve(model.program, options: options)
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        let observed = PlanEvaluation(plan: Baselines.observed2021(scenario).plan, scenario: scenario)
        let levels = Decomposition.ObservedLevels(
            stateCostEUR: observed.stateCostEUR, option: Baselines.observedOption(scenario)!.id,
            posts: Dictionary(uniqueKeysWithValues: observed.territories.map { ($0.code, $0.posts) }))
        return (
            try Decomposition.run(
                base: scenario, levels: levels, optimised: plan, optimisedGap: result.relativeGap,
                solver: GLPKSolver(), options: options), observed
        )
    }

    /// The scenario's commitments hold in every combination, as in the optimised plan (a review found the waves
    /// scenario's seven re-solves without its signed posts, above the committed plan they were compared with).
    @Test func everyCombinationKeepsTheCommitments() {
        let base = Self.scenario()
        let scenario = Scenario(
            parameters: base.parameters, territories: base.territories, structures: base.structures,
            commitments: [Commitment(structureID: "a", posts: 1, option: "full", mode: .min)])
        let levels = Decomposition.ObservedLevels(stateCostEUR: 24_000, option: "full", posts: ["A": 2, "B": 0])
        for bits in 0..<8 {
            let (variant, _) = Decomposition.scenario(
                Decomposition.Combination(bits: bits), base: scenario, levels: levels)
            #expect(variant.commitments == scenario.commitments, "combination \(bits)")
        }
    }

    /// People covered per combination (G geography, F funding rule, M money freed), worked out on paper:
    /// - ∅, F, M, FM: the posts stay 2 in A (A has no host money, so `long` is out there): 12 people (A's need).
    /// - G: 24,000 € buys two `full` posts; one in A, one in B: 24.
    /// - GF: two `long` posts in B (12,000 € each, B's host money pays both): 48.
    /// - GM: 48,000 € buys four `full` posts, e.g. A 1, B 3: 48.
    /// - GFM: B two `long` (48 people, 24,000 €) and two `full` (A 1, B 1, or B 2): 72.
    /// Sequential (G, F, M): 12, 24, 24. Shapley: G = ⅓·12 + ⅙·36 + ⅙·36 + ⅓·60 = 36; F = ⅙·24 + ⅓·24 = 12;
    /// M = ⅙·24 + ⅓·24 = 12. Both add up to 72 − 12 = 60.
    @Test func eachFactorBuysWhatIsWorkedOutOnPaper() throws {
        let (outcome, observed) = try Self.decompose(Self.scenario())
        #expect(outcome.complete)
        #expect(observed.coverage == 12)
        let coverage = outcome.solved.map { $0.evaluation!.coverage }
        #expect(coverage == [12, 24, 12, 48, 12, 48, 12, 72])
        let splits = Decomposition.splits(coverage)
        #expect(splits.map(\.factor) == [.geography, .fundingRule, .money])
        #expect(splits.map(\.sequential) == [12, 24, 24])
        let shapley = splits.map(\.shapley)
        #expect(abs(shapley[0] - 36) < 1e-9 && abs(shapley[1] - 12) < 1e-9 && abs(shapley[2] - 12) < 1e-9)
        // Each combination's plan keeps its factors at the observed level.
        for solved in outcome.solved {
            let e = solved.evaluation!
            if !solved.combination.has(.geography) {
                #expect(e.territory("A")?.posts == 2 && e.territory("B")?.posts == 0)
            }
            if !solved.combination.has(.fundingRule) {
                #expect(e.territories.allSatisfy { ($0.postsByOption["long"] ?? 0) == 0 })
            }
            if !solved.combination.has(.money) { #expect(e.stateCostEUR <= 24_000) }
        }
    }

    /// Where the posts go at equal posts: the observed shares (2 in A, 0 in B) of the free geography's posts,
    /// re-solved on the same terms, where the free geography holds another number of posts. At the observed terms
    /// v({G}) holds 2 posts, as v(∅) does: those two rows already compare equal posts, and nothing more is solved. At
    /// the scenario's terms the optimised plan holds 4 posts (72 people) against 2 with the observed geography; the
    /// shares put all 4 in A (its capacity), 12 people: placement is worth 60, decomposition.csv's row
    /// `placement_at_scenario_terms`.
    @Test func placementAtEqualPostsIsReSolvedWhereTheCountsDiffer() throws {
        let scenario = Self.scenario()
        let (outcome, observed) = try Self.decompose(scenario)
        #expect(outcome.solved[1].evaluation?.posts == outcome.solved[0].evaluation?.posts)
        #expect(outcome.placementAtObservedTerms == nil)
        let atScenario = try #require(outcome.placementAtScenarioTerms?.evaluation)
        #expect(atScenario.territory("A")?.posts == 4 && atScenario.territory("B")?.posts == 0)
        #expect(atScenario.coverage == 12)
        #expect(outcome.placementAtScenarioTerms?.combination == Decomposition.Combination([.fundingRule, .money]))
        let csv = try #require(DecompositionReport.csv(outcome, scenario: scenario, observed: observed))
        #expect(!csv.contains("placement_at_2021_terms"))
        #expect(csv.contains("people_over_horizon,placement_at_scenario_terms,,60.000,,,12.000,72.000"))
    }

    /// The observed shares of another count (`Decomposition.levels(_:sharedFor:base:)`): Webster on the observed
    /// posts within each territory's cap and host capacity, so the seats add up to the count asked whenever the
    /// capacity allows, and nil when it cannot.
    @Test func observedSharesAtAnotherCount() {
        let scenario = Self.scenario()
        let levels = Decomposition.ObservedLevels(stateCostEUR: 1, option: "full", posts: ["A": 3, "B": 1])
        #expect(Decomposition.levels(levels, sharedFor: 4, base: scenario)?.posts == ["A": 3, "B": 1])
        // A's capacity is 4: the fifth and sixth posts go to B.
        #expect(Decomposition.levels(levels, sharedFor: 6, base: scenario)?.posts == ["A": 4, "B": 2])
        #expect(Decomposition.levels(levels, sharedFor: 9, base: scenario) == nil)
    }

    /// The scenario re-solved with every shorter post renewed (`Decomposition.Outcome.renewed`): over 2 years a post
    /// then serves 24 people whichever option, and costs 12,000 € of State money either way; the 48,000 € buy 4 posts,
    /// all at B (A's need is 12): 96 people. Without a horizon there is nothing to re-solve.
    @Test func theScenarioIsReSolvedWithEveryShorterPostRenewed() throws {
        let (outcome, _) = try Self.decompose(Self.scenario(basis: ServiceBasis(horizonYears: 2)))
        let renewed = try #require(outcome.renewed?.evaluation)
        #expect(renewed.coverage == 96)
        #expect(renewed.territory("B")?.posts == 4)
        #expect(outcome.renewed?.status == "optimal")
        let (plain, _) = try Self.decompose(Self.scenario())
        #expect(plain.renewed == nil)
    }

    /// A programme cost per post (12,000 €, the grant's size) is paid by every plan alike: the observed plan then costs
    /// 48,000 €, and with the scenario's envelope doubled to 96,000 € every combination buys the same posts as above.
    @Test func programmeCostIsAppliedToEveryPlanAlike() throws {
        let (outcome, observed) = try Self.decompose(
            Self.scenario(budget: 96_000, basis: ServiceBasis(costPerPostEUR: 12_000)))
        #expect(observed.stateCostEUR == 48_000)
        #expect(outcome.levels.stateCostEUR == 48_000)
        #expect(outcome.solved.map { $0.evaluation!.coverage } == [12, 24, 12, 48, 12, 48, 12, 72])
    }

    /// Over a 1-year horizon both options serve 12 people a post (the `long` post's second year is past the horizon),
    /// so the funding rule buys nothing: its marginal gain is 0 from every coalition. ∅ 12, G 24 (two posts), GF 24,
    /// GM 48 (four `full` posts), GFM 48 (four posts, whichever option), the rest 12.
    @Test func oneHorizonForEveryFundingLength() throws {
        let (outcome, _) = try Self.decompose(Self.scenario(basis: ServiceBasis(horizonYears: 1)))
        let coverage = outcome.solved.map { $0.evaluation!.coverage }
        #expect(coverage == [12, 24, 12, 24, 12, 48, 12, 48])
        let rule = Decomposition.splits(coverage)[1]
        #expect(rule.sequential == 0 && abs(rule.shapley) < 1e-9)
    }

    /// Months served within the horizon: funded months up to it, then the renewed share of the months left.
    @Test func serviceMonthsOverTheHorizon() {
        #expect(ServiceBasis(horizonYears: 3, renewalShare: 0).serviceMonths(funded: 24) == 24)
        #expect(ServiceBasis(horizonYears: 3, renewalShare: 0.5).serviceMonths(funded: 24) == 30)
        #expect(ServiceBasis(horizonYears: 3, renewalShare: 1).serviceMonths(funded: 18) == 36)
        #expect(ServiceBasis(horizonYears: 2, renewalShare: 1).serviceMonths(funded: 36) == 24)
    }

    /// Out-of-range basis keys are configuration errors (exit 78) naming the key and its range, before any solve.
    @Test(arguments: [
        ("service.horizon_years", "0", "1…10"), ("service.horizon_years", "11", "1…10"),
        ("service.renewal_share", "1.5", "0.0…1.0"), ("programme.cost_per_post_eur", "-1", "0.0…1000000.0"),
        ("comparison.range_tolerance", "0.3", "0.0…0.2"),
    ])
    func badBasisIsAConfigurationError(key: String, value: String, range: String) {
        do {
            _ = try ScenarioLoader.load(DefaultScenario.path, overrides: [ParameterOverride(key: key, value: value)])
            Issue.record("\(key)=\(value) was accepted")
        } catch {
            #expect(error.diagnostics.allSatisfy { $0.category == .configuration })
            #expect(error.diagnostics.contains { $0.message.contains(key) && $0.message.contains(range) })
        }
    }
}
