import AllocationModel
import Baselines
import Foundation
import Scenario
import Testing

@Suite struct BaselineSpecTests {
    @Test func parsesTheDocumentedForms() throws {
        let need = try BaselineSpec(parsing: "webster:need")
        #expect(
            need.method == .webster && need.weight == [.init(.need)] && need.power == 1 && need.baseSeats == 0
                && !need.bounded)
        let mixed = try BaselineSpec(parsing: "huntington-hill:population*ifn^0.5")
        #expect(mixed.method == .huntingtonHill)
        #expect(mixed.weight == [.init(.population), .init(.ifn, exponent: 0.5)])
        let whole = try BaselineSpec(parsing: "webster:(population*ifn)^0.5:base=2:bounded")
        #expect(whole.power == 0.5 && whole.baseSeats == 2 && whole.bounded)
        #expect(try BaselineSpec(parsing: "hamilton:population75").weight == [.init(.population75)])
        #expect(try BaselineSpec(parsing: "dhondt:population_75_plus").method == .jefferson)
        #expect(try BaselineSpec(parsing: "Sainte-Lague:need").method == .webster)
    }

    @Test func idIsCanonicalAndRoundTrips() throws {
        for (input, canonical) in [
            ("webster:need", "webster:need"), ("sainte-lague:need^1", "webster:need"),
            ("hill:population * ifn^0.5", "huntington-hill:population*ifn^0.5"),
            ("dhondt:(population*ifn)^0.25:bounded:base=1", "jefferson:(population*ifn)^0.25:base=1:bounded"),
            ("hamilton:population_75_plus^2", "hamilton:population75^2"),
        ] {
            let spec = try BaselineSpec(parsing: input)
            #expect(spec.id == canonical)
            #expect(try BaselineSpec(parsing: spec.id) == spec)
        }
    }

    @Test func refusesMalformedIds() {
        for id in [
            "webster", "borda:need", "webster:income", "webster:need^x", "webster:need^11", "webster:(need",
            "webster:need:base=-1",
            "webster:need:fast", "webster:", "webster:need**ifn",
        ] {
            #expect(throws: BaselineSpec.ParseError.self, "\(id)") { try BaselineSpec(parsing: id) }
        }
    }

    @Test func weightsFollowTheExpression() throws {
        let territories = [
            Territory(
                code: "A", name: "A", regionCode: "R", regionName: "R", overseas: false, population: 100,
                population15Plus: 80,
                population75Plus: 20, fragilityIndex: 4, povertyRatePct: 10),
            Territory(
                code: "B", name: "B", regionCode: "R", regionName: "R", overseas: false, population: 400,
                population15Plus: 300,
                population75Plus: 10, fragilityIndex: 9),
        ]
        let parameters = ScenarioParameters(
            name: "w", title: "", posts: 10, budgetEUR: 1e6, peoplePerPostYear: 10,
            need: NeedParameters(rate15Plus: 0.1, rate75Plus: 0.5, fragilityExponent: 1),
            kinds: [HostKind(id: "public", label: "", grantEUR: 24_000, overseasGrantEUR: 24_000, grantMonths: 24)],
            fundingOptions: [FundingOption(id: "full", label: "", stateShare: 1, months: nil)],
            limits: Limits(territoryMinPosts: 0, territoryMaxShare: 1, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: 1, breakpoints: [1]),
            solver: SolverParameters(timeLimitSeconds: 1, mipGap: 0, presolve: true, cuts: true), effective: [])
        let scenario = Scenario(parameters: parameters, territories: territories, structures: [])
        #expect(try BaselineSpec(parsing: "webster:population").weights(for: scenario) == [100, 400])
        #expect(try BaselineSpec(parsing: "webster:population15*ifn").weights(for: scenario) == [320, 2_700])
        #expect(try BaselineSpec(parsing: "webster:population^0.5").weights(for: scenario) == [10, 20])
        #expect(try BaselineSpec(parsing: "webster:(population*ifn)^0.5").weights(for: scenario) == [20, 60])
        #expect(
            try BaselineSpec(parsing: "webster:need").weights(for: scenario) == [
                scenario.need["A"]!, scenario.need["B"]!,
            ])
        #expect(try BaselineSpec(parsing: "webster:population75^0").weights(for: scenario) == [1, 1])
        #expect(throws: BaselineSpec.ParseError.self) {
            try BaselineSpec(parsing: "webster:poverty").weights(for: scenario)
        }
    }
}

/// Equity metrics worked by hand.
@Suite struct EquityTests {
    /// Gini as the relative mean absolute difference Σ_i Σ_j |x_i − x_j| / (2 n² x̄).
    @Test func giniByHand() {
        #expect(Equity.gini([1, 1, 1, 1]) == 0)
        #expect(Equity.gini([0, 0, 0, 1]) == 0.75)
        #expect(Equity.gini([1, 0, 0, 0]) == 0.75)  // order does not matter
        // [1, 2, 3]: pairs |1−2| + |1−3| + |2−3| = 4, both orders 8; 2 n² x̄ = 2 × 9 × 2 = 36 → 2/9.
        #expect(abs(Equity.gini([1, 2, 3]) - 2.0 / 9.0) < 1e-15)
        #expect(Equity.gini([]) == 0 && Equity.gini([0, 0]) == 0)
    }

    @Test func medianAndMoves() {
        #expect(Equity.median([3, 1, 2]) == 2)
        #expect(Equity.median([4, 1, 3, 2]) == 2.5)
        #expect(Equity.postsMoved(["A": 5, "B": 3, "C": 0], ["A": 2, "B": 4, "C": 2]) == 3)
        #expect(Equity.postsMoved(["A": 5], ["A": 5, "B": 0]) == 0)
    }

    /// Three territories, a hand-made plan: posts per 100,000 and coverage ratios computed on paper.
    @Test func metricsOfAPlan() {
        let parameters = ScenarioParameters(
            name: "e", title: "", posts: 10, budgetEUR: 1e7, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0),
            kinds: [HostKind(id: "public", label: "", grantEUR: 24_000, overseasGrantEUR: 24_000, grantMonths: 24)],
            fundingOptions: [FundingOption(id: "full", label: "", stateShare: 1, months: nil)],
            limits: Limits(territoryMinPosts: 0, territoryMaxShare: 1, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: 1, breakpoints: [1]),
            solver: SolverParameters(timeLimitSeconds: 1, mipGap: 0, presolve: true, cuts: true), effective: [])
        // Need = population (everyone 75+, both rates 1). One post serves 12 × 24 / 12 = 24 people.
        let territories = [("A", 100_000), ("B", 200_000), ("C", 48)].map { code, people in
            Territory(
                code: code, name: code, regionCode: "R", regionName: "R", overseas: false, population: people,
                population15Plus: people, population75Plus: people, fragilityIndex: 5)
        }
        let structures = territories.map {
            HostStructure(
                id: "h\($0.code)", name: "", territory: $0.code, kind: "public", capacity: 10, cofinancingEUR: 0)
        }
        let scenario = Scenario(parameters: parameters, territories: territories, structures: structures)
        let plan = Plan(placements: [
            Placement(structureID: "hA", option: "full", posts: 2),
            Placement(structureID: "hB", option: "full", posts: 2),
            Placement(structureID: "hC", option: "full", posts: 1),
        ])
        let metrics = EquityMetrics(plan: plan, scenario: scenario, coverageThreshold: 0.5)
        // Posts per 100,000: A 2, B 1, C 1 × 100,000 / 48 = 2083.33.
        #expect(metrics.postsPer100k.min == 1 && metrics.postsPer100k.median == 2)
        #expect(abs(metrics.postsPer100k.max - 100_000.0 / 48) < 1e-9)
        // Coverage ratios: A 48 / 100,000, B 48 / 200,000, C min(48, 24) / 48 = 0.5.
        #expect(
            metrics.coverageRatio.min == 48.0 / 200_000 && metrics.coverageRatio.median == 48.0 / 100_000
                && metrics.coverageRatio.max == 0.5)
        #expect(metrics.territoriesUnderThreshold == 2)  // strictly under 0.5: A and B
        #expect(abs(metrics.coverageRatio.gini - Equity.gini([48.0 / 100_000, 48.0 / 200_000, 0.5])) < 1e-15)
    }
}
