import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Reports
import Scenario
import Testing

/// The "why" column read from the model (docs/model.md, "Explanations from the model"): small cases solved by the real
/// GLPK where one mechanism is, by the proof in each comment, the true reason, and the sentence must name it.
@Suite struct ModelExplanationTests {
    struct Place { var code: String; var need: Int; var weight = 1.0; var overseas = false }
    struct Host { var territory: String; var capacity: Int; var cofinancingEUR = 0.0; var kind = "public" }

    /// One public kind: 1,000 € a month; `full` pays 100 % for 24 months (24 k€ State, 36 k€ overseas), `partial` 50 %
    /// for 36 months (18 k€ State, 18 k€ host). 12 people per post-year: a full post serves 24 people, a partial one
    /// 36. Linear value; every inhabitant is in need. A private kind costs half (12 k€ for 24 months at 100 %); only
    /// the hosts given that kind have it. `capShare` caps each territory at ⌊share × posts⌋.
    static func scenario(
        _ places: [Place], _ hosts: [Host], posts: Int, budget: Double, floor: Int = 0, partial: Bool = true,
        capShare: Double = 1
    ) -> Scenario {
        var options = [FundingOption(id: "full", label: "Full", stateShare: 1, months: nil)]
        if partial { options.append(FundingOption(id: "partial", label: "Partial", stateShare: 0.5, months: 36)) }
        let parameters = ScenarioParameters(
            name: "explain", title: "Explain", posts: posts, budgetEUR: budget, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0),
            kinds: [
                HostKind(id: "public", label: "Public", grantEUR: 24_000, overseasGrantEUR: 36_000, grantMonths: 24),
                HostKind(id: "private", label: "Private", grantEUR: 12_000, overseasGrantEUR: 18_000, grantMonths: 24),
            ],
            fundingOptions: options,
            limits: Limits(
                territoryMinPosts: floor, territoryMaxShare: capShare, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: 1, breakpoints: [1]),
            solver: SolverParameters(timeLimitSeconds: 30, mipGap: 0, presolve: true, cuts: true), effective: [])
        let territories = places.map {
            Territory(
                code: $0.code, name: "T\($0.code)", regionCode: "R1", regionName: "R", overseas: $0.overseas,
                population: $0.need, population15Plus: $0.need, population75Plus: $0.need, fragilityIndex: 5,
                weight: $0.weight)
        }
        let structures = hosts.enumerated().map {
            HostStructure(
                id: "h\($0.offset)", name: "Host \($0.offset)", territory: $0.element.territory, kind: $0.element.kind,
                capacity: $0.element.capacity, cofinancingEUR: $0.element.cofinancingEUR)
        }
        return Scenario(parameters: parameters, territories: territories, structures: structures)
    }

    /// Solves to optimality, then returns the analysis and each territory's sentence.
    static func explain(_ scenario: Scenario) throws -> (MarginalAnalysis.Result, [String: String]) {
        let model = AllocationModel(scenario: scenario)
        let options = SolverOptions(timeLimitSeconds: 30, mipGap: 0)
        let result = try GLPKSolver().solve(model.program, options: options)
        #expect(result.status == .optimal)
        let analysis = try MarginalAnalysis.analyse(
            model: model, values: result.values, scenario: scenario, solver: GLPKSolver(), options: options)
        let sentences = analysis.territories.mapValues {
            ModelExplanationText.sentence($0, prices: analysis.prices, scenario: scenario)
        }
        return (analysis, sentences)
    }

    /// Held by its floor. Floor 1 post each, 3 posts, full option only, budget ample. A (need 1,000): 24 people a post;
    /// B (need 20): its one post covers all 20. Without the floor B would get nothing (20 < 24 people for the same
    /// post): optimum A 2, B 1 (value 68). B is there by its floor, and a second post would reach no one.
    @Test func floorHoldsATerritory() throws {
        let scenario = Self.scenario(
            [Place(code: "A", need: 1000), Place(code: "B", need: 20)],
            [Host(territory: "A", capacity: 10), Host(territory: "B", capacity: 10)],
            posts: 3, budget: 1_000_000, floor: 1, partial: false)
        let (analysis, sentences) = try Self.explain(scenario)
        #expect(analysis.territories["B"]?.posts == 1)
        #expect(analysis.territories["B"]?.floor == 1)
        #expect(analysis.territories["A"]?.floor == nil)
        #expect(
            sentences["B"] == "held by its floor (1 post(s)); all its need is covered: another post would reach no one")
        // Posts are the scarce resource: the LP relaxation's last post goes to A at 24 people; money is ample.
        #expect(abs((analysis.territories["A"]?.postPrice ?? 0) - 24) < 1e-3)
        #expect((analysis.prices?.perEuro ?? 1) < 1e-9)
    }

    /// Hosts full. A (weight 2) has 2 places, B (weight 1) 10; 5 posts, full only, money ample. An A post is worth 48,
    /// a B post 24: A takes its 2 places, B the other 3 (value 96 + 72). A has no room for a third post.
    @Test func fullHostsStopATerritory() throws {
        let scenario = Self.scenario(
            [Place(code: "A", need: 1000, weight: 2), Place(code: "B", need: 1000)],
            [Host(territory: "A", capacity: 2), Host(territory: "B", capacity: 10)],
            posts: 5, budget: 1_000_000, partial: false)
        let (analysis, sentences) = try Self.explain(scenario)
        #expect(analysis.territories["A"]?.posts == 2)
        #expect(analysis.territories["A"]?.blocking == ["host_capacity"])
        #expect(sentences["A"] == "no room for another post: its host structures are full")
        // B is where the marginal post goes: its next post is worth exactly what a post is worth (24).
        #expect(
            sentences["B"]
                == "next post (full, public host): +24.0 value for 24,000 € of State money, worth its price 24.0 (a post 24.0): a tie at the margin"
        )
        // The fixed-integer LP's dual of service[A]: one more person served in A is worth its weight, 2.
        #expect(abs((analysis.territories["A"]?.valuePerPerson ?? 0) - 2) < 1e-6)
    }

    /// At its cap. A (weight 2) and B (weight 1), 10 places each, 4 posts, each territory capped at ⌊0.5 × 4⌋ = 2,
    /// full only, money ample. An A post is worth 48, a B post 24: A takes its 2 (the cap), B the other 2 (value 96 +
    /// 48). A has room at its hosts, but its cap stops a third post.
    @Test func theCapStopsATerritory() throws {
        let scenario = Self.scenario(
            [Place(code: "A", need: 1000, weight: 2), Place(code: "B", need: 1000)],
            [Host(territory: "A", capacity: 10), Host(territory: "B", capacity: 10)],
            posts: 4, budget: 1_000_000, partial: false, capShare: 0.5)
        let (analysis, sentences) = try Self.explain(scenario)
        #expect(analysis.territories["A"]?.posts == 2 && analysis.territories["B"]?.posts == 2)
        #expect(analysis.territories["A"]?.blocking == ["territory_cap"])
        #expect(sentences["A"] == "no room for another post: at its cap (2 posts)")
    }

    /// One kind full, the next post of the other (Mayotte in the default run: its private hosts full, its next post a
    /// public one). A (weight 1) has a private host with 1 place (12 k€ a post) and a public one with 10 (24 k€); B
    /// (weight 1.5) a public one. Money for 36 k€, posts ample, full only; every post serves 24 people. The best plan:
    /// A's private post (24) and one public post in B (36), 60 in all; a public post in A instead of B is worth 24, and
    /// two public posts cost 48 k€. A's next post can only be public: the sentence names the full private hosts first.
    @Test func aFullKindOfHostIsNamedBeforeTheNextPost() throws {
        let scenario = Self.scenario(
            [Place(code: "A", need: 1000), Place(code: "B", need: 1000, weight: 1.5)],
            [
                Host(territory: "A", capacity: 1, kind: "private"), Host(territory: "A", capacity: 10),
                Host(territory: "B", capacity: 10),
            ],
            posts: 10, budget: 36_000, partial: false)
        let (analysis, sentences) = try Self.explain(scenario)
        #expect(analysis.territories["A"]?.posts == 1 && analysis.territories["B"]?.posts == 1)
        #expect(analysis.territories["A"]?.fullKinds == ["private"])
        #expect(analysis.territories["B"]?.fullKinds == [])
        #expect(
            sentences["A"]?.hasPrefix(
                "its private hosts are full; next post (full, public host): +24.0 value for 24,000 € of State money, less than its price"
            ) == true, "\(sentences["A"] ?? "")")
    }

    /// Co-financing money spent. 3 posts, money ample. A (weight 1, no co-financing): a full post adds 24. C (weight
    /// 0.9, its host can pay 18 k€ = one partial post): a partial post adds 0.9 × 36 = 32.4, a full one 0.9 × 24 =
    /// 21.6. Optimum: C partial 1, A full 2 (32.4 + 48 = 80.4; any full post in C instead of A loses 2.4). C's next
    /// post can only be a full one (its host's money is spent), worth 21.6 < 24, the value of a post at the margin.
    @Test func spentCofinancingLimitsATerritory() throws {
        let scenario = Self.scenario(
            [Place(code: "A", need: 1000), Place(code: "C", need: 1000, weight: 0.9)],
            [Host(territory: "A", capacity: 10), Host(territory: "C", capacity: 10, cofinancingEUR: 18_000)],
            posts: 3, budget: 1_000_000)
        let (analysis, sentences) = try Self.explain(scenario)
        #expect(analysis.territories["C"]?.posts == 1)
        #expect(analysis.territories["C"]?.cofinancingSpent == true)
        #expect(
            sentences["C"]
                == "its hosts' co-financing is spent; next post (full, public host): +21.6 value for 24,000 € of State money, less than its price 24.0 (a post 24.0)"
        )
    }

    /// The budget's shadow price. 100 posts, 72 k€. A full post serves 24 people: 24 k€ in A, 36 k€ in overseas B.
    /// Money is the only scarce resource: A takes 3 posts (72 people); one B post (36 k€) would cost 1.5 A posts. The
    /// relaxation prices a State euro at 24 / 24,000 = 0.001 (1.00 per k€) and a post at 0: B's post adds 24 but
    /// costs 36 in that currency.
    @Test func budgetPriceExplainsATerritory() throws {
        let scenario = Self.scenario(
            [Place(code: "A", need: 1000), Place(code: "B", need: 1000, overseas: true)],
            [Host(territory: "A", capacity: 10), Host(territory: "B", capacity: 10)],
            posts: 100, budget: 72_000, partial: false)
        let (analysis, sentences) = try Self.explain(scenario)
        #expect(analysis.territories["A"]?.posts == 3)
        #expect(analysis.territories["B"]?.posts == 0)
        #expect(
            sentences["B"]
                == "next post (full, public host): +24.0 value for 36,000 € of State money, less than its price 36.0 (a State k€ 1.00)"
        )
    }

    /// The report carries the model's sentence in its "why" column and the prices under "What limits the plan"
    /// (the co-financing case above: posts price 24, money free).
    @Test func reportUsesTheModelsSentence() throws {
        let scenario = Self.scenario(
            [Place(code: "A", need: 1000), Place(code: "C", need: 1000, weight: 0.9)],
            [Host(territory: "A", capacity: 10), Host(territory: "C", capacity: 10, cofinancingEUR: 18_000)],
            posts: 3, budget: 1_000_000)
        let model = AllocationModel(scenario: scenario)
        let options = SolverOptions(timeLimitSeconds: 30, mipGap: 0)
        let result = try GLPKSolver().solve(model.program, options: options)
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        var record = RunRecord(
            scenario: scenario, plan: plan, status: .optimal, bestBound: nil, relativeGap: 0, limitReached: nil,
            mipGap: 0)
        let plain = MarkdownReport.render(record)
        #expect(!plain.contains("Shadow prices"))
        record.marginal = try MarginalAnalysis.analyse(
            model: model, values: result.values, scenario: scenario, solver: GLPKSolver(), options: options)
        let report = MarkdownReport.render(record)
        #expect(
            report.contains(
                "- **Shadow prices** (LP relaxation, value of one more unit): a post 24.0, a thousand State euros 0.00."
            ))
        #expect(
            report.contains(
                "| 3.6 % | its hosts' co-financing is spent; next post (full, public host): +21.6 value for 24,000 € of State money, less than its price 24.0 (a post 24.0) |"
            ))
        #expect(!report.contains("per person than on average"))
    }
}
