import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Pipeline
import Reports
import Scenario
import Studies
import Testing

/// Waves solved in sequence against the single shot (docs/model.md, "Commitments and waves"), on scenarios whose
/// optimum is worked out on paper.
@Suite struct WavesTests {
    let options = SolverOptions(timeLimitSeconds: 30, mipGap: 0)

    /// Two kinds with the same terms (1,000 € a month, 24 months, full option only: 24,000 € a post, 12 people a year,
    /// so 24 people a post); territory A holds one public host a1, B one private host b1, capacity 5 each; need 1,000
    /// each (never binding), linear value. 2 posts, 48,000 €. Wave 1 (public hosts only) opens half: 1 post, 24,000 €;
    /// wave 2 opens everything to every kind.
    func scenario(weightA: Double, weightB: Double, renewal: (posts: Int, budget: Double)? = nil) -> Scenario {
        var kinds = [
            HostKind(id: "private", label: "Private", grantEUR: 24_000, overseasGrantEUR: 24_000, grantMonths: 24),
            HostKind(id: "public", label: "Public", grantEUR: 24_000, overseasGrantEUR: 24_000, grantMonths: 24),
        ]
        // A renewal costs the State half a first post: 12,000 € over 24 months (24 people too).
        for index in kinds.indices {
            kinds[index].renewalGrantEUR = 12_000
            kinds[index].renewalMonths = 24
        }
        var parameters = ScenarioParameters(
            name: "waves", title: "Waves", posts: 2, budgetEUR: 48_000, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0), kinds: kinds,
            fundingOptions: [FundingOption(id: "full", label: "Full", stateShare: 1, months: nil)],
            limits: Limits(territoryMinPosts: 0, territoryMaxShare: 1, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: 1, breakpoints: [1]),
            solver: SolverParameters(timeLimitSeconds: 30, mipGap: 0, presolve: true, cuts: true), effective: [])
        parameters.waves = [
            Wave(
                id: "w1", label: "Collectivités first", date: "2021-01-01", kinds: ["public"], posts: 1,
                budgetEUR: 24_000),
            Wave(
                id: "w2", label: "Everyone", date: "2021-06-01", kinds: ["private", "public"], posts: 2,
                budgetEUR: 48_000),
        ]
        if let renewal {
            parameters.waves.append(
                Wave(
                    id: "w3", label: "Renewal", date: "2023-01-01", kinds: ["private", "public"], posts: renewal.posts,
                    budgetEUR: renewal.budget, renewal: true))
        }
        let territories = [("A", weightA), ("B", weightB)].map {
            Territory(
                code: $0.0, name: "Territory \($0.0)", regionCode: "R", regionName: "Region", overseas: false,
                population: 1000,
                population15Plus: 1000, population75Plus: 1000, fragilityIndex: 5, weight: $0.1)
        }
        let structures = [
            HostStructure(id: "a1", name: "Mairie A", territory: "A", kind: "public", capacity: 5, cofinancingEUR: 0),
            HostStructure(
                id: "b1", name: "Association B", territory: "B", kind: "private", capacity: 5, cofinancingEUR: 0),
        ]
        return Scenario(parameters: parameters, territories: territories, structures: structures)
    }

    func sequence(_ scenario: Scenario) throws -> WaveSequence.Outcome {
        let single = try Solving.solve(scenario, solver: GLPKSolver(), options: options)
        return WaveSequence.run(
            scenario, singleShot: .init(plan: single.record.plan, evaluation: single.record.evaluation),
            solver: GLPKSolver(), options: options)
    }

    /// B weighs 2, A 1. Single shot: both posts at b1, value 2 × 24 × 2 = 96. In waves, wave 1 may only use a1: its
    /// post goes there (24 > 0), and stays; wave 2 adds one at b1: 24 + 48 = 72. Sequencing costs exactly 24 of value
    /// (one post on weight 1 instead of 2), no people (every post serves 24), and one post went to A instead of B.
    @Test func sequencingCostsOnePostsWorthOfWeight() throws {
        let scenario = scenario(weightA: 1, weightB: 2)
        let outcome = try sequence(scenario)
        #expect(outcome.failure == nil)
        #expect(abs(outcome.singleShot.objective - 96) < 1e-9)
        let sequenced = try #require(outcome.sequenced)
        #expect(abs(sequenced.evaluation.objective - 72) < 1e-9)
        #expect(abs((outcome.singleShot.objective - sequenced.evaluation.objective) - 24) < 1e-9)
        #expect(sequenced.evaluation.coverage == outcome.singleShot.evaluation.coverage)
        #expect(
            outcome.waves.map { $0.added } == [
                [Placement(structureID: "a1", option: "full", posts: 1)],
                [Placement(structureID: "b1", option: "full", posts: 1)],
            ])
        let csv = WavesReport.csv(outcome, scenario: scenario)
        #expect(
            csv
                == "wave,date,structure_id,territory_code,kind,funding_option,posts,renewed\nw1,2021-01-01,a1,A,public,full,1,false\nw2,2021-06-01,b1,B,private,full,1,false\n"
        )
        let report = WavesReport.markdown(outcome, scenario: scenario)
        #expect(report.contains("| objective | 96.0 | 72.0 | 24.0 |"))
        #expect(report.contains("| Territory A (A) | 0 | 1 |"))
        #expect(
            report.contains(
                "### Collectivités first (2021-01-01)\n\n1 post placed at 1 structure; 1 in all at the end of the wave, accompanying 24 people.\nMost of the posts it placed went to Territory A (1)."
            ))
    }

    /// With a programme cost of 12,000 € a post (36,000 € a post in all) and a first wave opening 36,000 €: wave 1
    /// funds one post at a1 (the public host it opens), and wave 2's 48,000 € leave 12,000 €, no post: 24 of value,
    /// against the single shot's one post at b1 (weight 2): 48. A wave that dropped the scenario's basis (until
    /// 2026-12-01) priced posts at 24,000 €: a post at a1 in wave 1, one more at b1 in wave 2, and 72,000 € spent of
    /// 48,000.
    @Test func aWaveKeepsTheScenariosBasis() throws {
        let base = scenario(weightA: 1, weightB: 2)
        var parameters = base.parameters
        parameters.basis = ServiceBasis(costPerPostEUR: 12_000, horizonYears: 2, renewalShare: 0)
        let first = parameters.waves[0]
        parameters.waves[0] = Wave(
            id: first.id, label: first.label, date: first.date, kinds: first.kinds, posts: first.posts,
            budgetEUR: 36_000)
        let scenario = Scenario(parameters: parameters, territories: base.territories, structures: base.structures)
        for index in parameters.waves.indices {
            #expect(WaveSequence.scenario(for: index, of: scenario, after: nil).parameters.basis == parameters.basis)
        }
        var renewing = self.scenario(weightA: 1, weightB: 2, renewal: (posts: 2, budget: 36_000)).parameters
        renewing.basis = parameters.basis
        let renewal = WaveSequence.renewalScenario(
            for: 2, of: Scenario(parameters: renewing, territories: base.territories, structures: base.structures),
            after: Plan(placements: [Placement(structureID: "a1", option: "full", posts: 1)]))
        #expect(renewal.parameters.basis == parameters.basis)
        let outcome = try sequence(scenario)
        #expect(outcome.failure == nil)
        let sequenced = try #require(outcome.sequenced)
        #expect(outcome.waves.map { $0.added.map(\.posts).reduce(0, +) } == [1, 0])
        #expect(sequenced.evaluation.posts == 1 && sequenced.evaluation.stateCostEUR <= 48_000)
        #expect(abs(sequenced.evaluation.objective - 24) < 1e-9)
        #expect(abs(outcome.singleShot.objective - 48) < 1e-9)
    }

    /// A weighs 2: the single shot puts both posts at a1 (96), and so do the waves (wave 1 one post at a1, wave 2 one
    /// more there, a1 being a `min` commitment that may grow): sequencing costs nothing.
    @Test func sequencingCostsNothingWhenTheFirstWaveHasTheBestHosts() throws {
        let scenario = scenario(weightA: 2, weightB: 1)
        let outcome = try sequence(scenario)
        let sequenced = try #require(outcome.sequenced)
        #expect(abs(outcome.singleShot.objective - 96) < 1e-9)
        #expect(abs(sequenced.evaluation.objective - 96) < 1e-9)
        #expect(sequenced.plan == outcome.singleShot.plan)
        #expect(WavesReport.markdown(outcome, scenario: scenario).contains("Sequencing costs nothing here"))
    }

    /// Equal weights: every plan of 2 posts is worth 2 × 24 = 48, so the waves' post at a1 costs nothing: a tie is not
    /// a price.
    @Test func sequencingCostsNothingOnATie() throws {
        let outcome = try sequence(scenario(weightA: 1, weightB: 1))
        let sequenced = try #require(outcome.sequenced)
        #expect(abs(outcome.singleShot.objective - 48) < 1e-9)
        #expect(abs(sequenced.evaluation.objective - 48) < 1e-9)
    }

    /// The wave scenarios: wave 1 has half the posts and money and a ceiling of 0 at the private host it does not open;
    /// wave 2 keeps wave 1's post at a1 as a minimum (a1 may take more).
    @Test func wavesKeepEarlierPostsAndClosedKindsTakeNone() throws {
        let base = scenario(weightA: 1, weightB: 2)
        let first = WaveSequence.scenario(for: 0, of: base, after: nil)
        // Wave 1: b1 (private) is closed: a ceiling of 0.
        #expect(first.commitments == [Commitment(structureID: "b1", posts: 0, option: nil, mode: .max)])
        #expect(first.parameters.posts == 1 && first.parameters.budgetEUR == 24_000)
        let second = WaveSequence.scenario(
            for: 1, of: base, after: Plan(placements: [Placement(structureID: "a1", option: "full", posts: 1)]))
        #expect(second.commitments == [Commitment(structureID: "a1", posts: 1, option: "full", mode: .min)])
    }

    /// After the waves of `sequencingCostsOnePostsWorthOfWeight` a1 (A, weight 1) and b1 (B, weight 3 here) hold one
    /// post each. The renewal wave has 2 posts and 36,000 €: renewing costs 12,000 €, a new post 24,000 €, each serves
    /// 24 people. Renew b1 and a1: 72 + 24 = 96 (12,000 € left, not a post); renew b1 and fund a new post at b1 (room
    /// 4): 12,000 + 24,000 = 36,000 €, 72 + 72 = 144; renew a1 and a new one at b1: 24 + 72 = 96; two new posts: 48,000
    /// €, too much. So the renewal wave lets a1's post go and funds a new post at B: 144.
    @Test func aRenewalThatPrefersNewPostsElsewhere() throws {
        let scenario = scenario(weightA: 1, weightB: 3, renewal: (posts: 2, budget: 36_000))
        let outcome = try sequence(scenario)
        #expect(outcome.failure == nil)
        let renewal = try #require(outcome.waves.last)
        #expect(renewal.wave.renewal)
        #expect(renewal.renewable == 2)
        #expect(renewal.renewed == [Placement(structureID: "b1", option: "full", posts: 1)])
        #expect(renewal.added == [Placement(structureID: "b1", option: "full", posts: 1)])
        #expect(abs(renewal.evaluation.objective - 144) < 1e-9)
        #expect(renewal.plan.placements == [Placement(structureID: "b1", option: "full", posts: 2)])
        // The price of sequencing is the allocation's (the renewal is a later period): wave 2's plan against the single
        // shot.
        #expect(outcome.sequenced?.wave.id == "w2")
        let csv = WavesReport.csv(outcome, scenario: scenario)
        #expect(csv.hasSuffix("w3,2023-01-01,b1,B,private,full,1,true\nw3,2023-01-01,b1,B,private,full,1,false\n"))
        #expect(
            WavesReport.markdown(outcome, scenario: scenario).contains(
                "### Renewal (2023-01-01)\n\nA renewal, a new period with its own envelope: it renews 1 of the 2 posts placed before"
            ))
    }

    /// Equal weights, 2 posts and 24,000 €: renewing both posts (2 × 12,000 €) serves 48 people, one new post 24: both
    /// are renewed, nothing new.
    @Test func aRenewalThatRenewsEverything() throws {
        let outcome = try sequence(scenario(weightA: 1, weightB: 1, renewal: (posts: 2, budget: 24_000)))
        let renewal = try #require(outcome.waves.last)
        // Every post of wave 2's plan (wherever the tie put them) is renewed at its structure.
        #expect(renewal.renewed == outcome.waves[1].plan.placements)
        #expect(renewal.renewed.reduce(0) { $0 + $1.posts } == 2)
        #expect(renewal.added.isEmpty)
        #expect(abs(renewal.evaluation.objective - 48) < 1e-9)
    }
}
