import AllocationModel
import Baselines
import Foundation
import GLPKSolver
import LinearProgramming
import Pipeline
import Scenario
import Testing

/// One canonical plan among the optima (`objective.tie_break`, docs/model.md, "One canonical plan").
@Suite struct CanonicalPlanTests {
    /// Territories of one kind whose post costs the State 24,000 € for 24 months and serves 12 people a year (24 in
    /// all); linear value (exponent 1, one breakpoint) and needs never reached: every post adds 24 to the value
    /// wherever it goes, so every plan that fills the posts is optimal. Capacity 10 per territory, budget ample.
    static func scenario(
        needs: [(String, Int)], posts: Int, tieBreak: String?, budgetEUR: Double = 1_000_000
    ) -> Scenario {
        var parameters = ScenarioParameters(
            name: "canonical", title: "", posts: posts, budgetEUR: budgetEUR, peoplePerPostYear: 12,
            need: NeedParameters(rate15Plus: 1, rate75Plus: 1, fragilityExponent: 0),
            kinds: [
                HostKind(id: "public", label: "Public", grantEUR: 24_000, overseasGrantEUR: 24_000, grantMonths: 24)
            ],
            fundingOptions: [FundingOption(id: "full", label: "Full", stateShare: 1, months: nil)],
            limits: Limits(territoryMinPosts: 0, territoryMaxShare: 1, regionMinPosts: 0, regionMaxShare: 1),
            objective: ObjectiveParameters(exponent: 1, breakpoints: [1]),
            solver: SolverParameters(timeLimitSeconds: 30, mipGap: 1e-4, presolve: true, cuts: true), effective: [],
            comparison: ComparisonParameters(baselines: [], coverageThreshold: 0.2))
        parameters.objective.tieBreak = tieBreak
        let territories = needs.map { code, need in
            Territory(
                code: code, name: code, regionCode: "R", regionName: "R", overseas: false, population: need,
                population15Plus: need, population75Plus: need, fragilityIndex: 5)
        }
        let structures = needs.map { code, _ in
            HostStructure(id: code, name: code, territory: code, kind: "public", capacity: 10, cofinancingEUR: 0)
        }
        return Scenario(parameters: parameters, territories: territories, structures: structures)
    }

    static func posts(_ scenario: Scenario) throws -> (posts: [String: Int], outcome: Solving.Outcome) {
        let outcome = try Solving.solve(scenario, solver: GLPKSolver(), options: Solving.options(for: scenario))
        return (
            Dictionary(uniqueKeysWithValues: outcome.record.evaluation.territories.map { ($0.code, $0.posts) }), outcome
        )
    }

    /// Two symmetric territories (need 1,000 each, never reached): the 5 plans A + B = 4 all reach the value 96.
    /// Webster on need gives 2 and 2, and the distance |A − 2| + |B − 2| is 0 only at A = B = 2: the tie-break
    /// publishes {2, 2}, with the territories listed in either order. The value is the optimum (96) and the bound is
    /// within the gap of it.
    @Test func symmetricTerritoriesGetTheNeedProportionalPlanInEitherOrder() throws {
        for order in [[("A", 1000), ("B", 1000)], [("B", 1000), ("A", 1000)]] {
            let (posts, outcome) = try Self.posts(Self.scenario(needs: order, posts: 4, tieBreak: "webster:need"))
            #expect(posts == ["A": 2, "B": 2])
            #expect(outcome.record.status == .optimal)
            #expect(abs(outcome.record.evaluation.objective - 96) < 1e-6)
            let bound = try #require(outcome.record.bestBound)
            #expect(
                bound >= 96 - 1e-6
                    && (bound - outcome.record.evaluation.objective) / outcome.record.evaluation.objective <= 1e-4
                        + 1e-9
            )
            #expect(outcome.tieBreakNote == nil)
            let summary = try #require(outcome.tieBreakSummary)
            #expect(summary.contains("`objective.tie_break` = `webster:need`"))
            #expect(summary.contains("Σ |posts − seats| = 0 posts"))
            #expect(summary.contains("this is the closest one"))
        }
    }

    /// The same rule as a lexicographic chain, `value,closeness:webster:need`: the closeness stage starts from the
    /// canonical plan's steps and counts whole posts, so it publishes {2, 2} (distance 0), proven (stage `optimal`),
    /// in either order, and the value stage keeps 96.
    @Test func aClosenessStageReachesTheSeatsAndIsProven() throws {
        for order in [[("A", 1000), ("B", 1000)], [("B", 1000), ("A", 1000)]] {
            let plain = Self.scenario(needs: order, posts: 4, tieBreak: nil)
            var parameters = plain.parameters
            parameters.comparison = ComparisonParameters(
                baselines: [], coverageThreshold: 0.2, stages: ["value", "closeness:webster:need"])
            let (posts, outcome) = try Self.posts(
                Scenario(parameters: parameters, territories: plain.territories, structures: plain.structures))
            #expect(posts == ["A": 2, "B": 2])
            #expect(outcome.stages.map(\.status) == [.optimal, .optimal])
            #expect(outcome.stages.last?.value == 0)
            #expect(abs(outcome.record.evaluation.objective - 96) < 1e-6)
        }
    }

    /// Unequal needs 3,000 and 1,000, 4 posts: every split is still optimal (96), Webster on need gives 3 and 1, and
    /// only {3, 1} is at distance 0. Listed in either order, the same plan.
    @Test func unequalNeedsGetTheirWebsterSeatsInEitherOrder() throws {
        for order in [[("A", 3000), ("B", 1000)], [("B", 1000), ("A", 3000)]] {
            let (posts, outcome) = try Self.posts(Self.scenario(needs: order, posts: 4, tieBreak: "webster:need"))
            #expect(posts == ["A": 3, "B": 1])
            #expect(abs(outcome.record.evaluation.objective - 96) < 1e-6)
        }
    }

    /// The tie-break never trades value: needs 3,000 and 1,000 (Webster: 3 and 1) but B weighs 2, so each post is worth
    /// 24 in A and 48 in B (linear value, needs never reached): the optimum is B 4, A 0 (value 192), unique; Webster's
    /// {3, 1} is worth 120, outside the gap. The value row keeps {0, 4}, the plan without a tie-break.
    /// Money for 4 of the 8 posts: Webster's seats for 8 posts (6 and 2) are above every plan of 4 posts with A ≤ 6 and
    /// B ≤ 2, so {4, 0}, {3, 1} and {2, 2} would all be 4 posts away and the tie-break would choose nothing (a review
    /// found the national tie-break at that trivial distance, 4,000 − 3,596). The seats are shared for the 4 posts the
    /// plan places, {3, 1}, which is published, distance 0, in either order.
    @Test func theSeatsAreSharedForThePostsThePlanPlaces() throws {
        for order in [[("A", 3000), ("B", 1000)], [("B", 1000), ("A", 3000)]] {
            let (posts, outcome) = try Self.posts(
                Self.scenario(needs: order, posts: 8, tieBreak: "webster:need", budgetEUR: 96_000))
            #expect(posts == ["A": 3, "B": 1])
            let summary = try #require(outcome.tieBreakSummary)
            #expect(summary.contains("seats per département for the 4 posts the solver's plan places"))
            #expect(summary.contains("Σ |posts − seats| = 0 posts"))
        }
    }

    /// A plan that places no post never reaches the tie-break: money for no post (20,000 € against 24,000 € a post) is
    /// refused before solving, as infeasible, and so is every scenario whose posts would add nothing (every need or
    /// weight 0). Should one reach it, the seats for 0 posts are 0 everywhere, so the empty plan is at distance 0.
    @Test func aPlanThatPlacesNoPostIsRefusedBeforeTheTieBreak() throws {
        let poor = Self.scenario(
            needs: [("A", 3000), ("B", 1000)], posts: 4, tieBreak: "webster:need", budgetEUR: 20_000)
        do {
            _ = try Self.posts(poor)
            Issue.record("a scenario with money for no post was solved")
        } catch {
            #expect("\(error)".contains("so no post can be funded"))
        }
        let seats = try Baselines.seats(for: BaselineSpec(parsing: "webster:need"), scenario: poor, posts: 0)
        #expect(seats == ["A": 0, "B": 0])
    }

    @Test func theTieBreakNeverLowersTheValue() throws {
        let plain = Self.scenario(needs: [("A", 3000), ("B", 1000)], posts: 4, tieBreak: "webster:need")
        let territories = plain.territories.map { territory in
            Territory(
                code: territory.code, name: territory.name, regionCode: "R", regionName: "R", overseas: false,
                population: territory.population, population15Plus: territory.population15Plus,
                population75Plus: territory.population75Plus, fragilityIndex: 5, weight: territory.code == "B" ? 2 : 1)
        }
        let scenario = Scenario(parameters: plain.parameters, territories: territories, structures: plain.structures)
        let (posts, outcome) = try Self.posts(scenario)
        var none = scenario.parameters
        none.objective.tieBreak = nil
        let (reference, _) = try Self.posts(
            Scenario(parameters: none, territories: territories, structures: plain.structures))
        #expect(posts == ["A": 0, "B": 4])
        #expect(reference == posts)
        #expect(abs(outcome.record.evaluation.objective - 192) < 1e-6)
    }

    /// A tie-break naming an unknown baseline is a configuration error (exit 78) before any solve, naming the key.
    @Test func anUnknownBaselineIsRefusedBeforeSolving() throws {
        let scenario = Self.scenario(needs: [("A", 1000), ("B", 1000)], posts: 4, tieBreak: "nobody:need")
        do {
            _ = try Solving.objectiveStages(for: scenario)
            Issue.record("an unknown baseline was accepted")
        } catch {
            #expect(error.exitCode == 78)
            #expect("\(error)".contains("objective.tie_break"))
        }
        let directory = try E2E.temporaryDirectory(prefix: "canonical")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try E2E.repartir(
            ["run", E2E.smallScenario.path, "--out", "out", "-q", "--set", "objective.tie_break=webster:nothing"],
            in: directory)
        #expect(run.status == 78, "\(run)")
        // The error names where the id was written: the --set, or the file's line and column (a review found the key
        // alone, with no place).
        #expect(
            run.stderrText.contains("error: --set #1 'objective.tie_break=webster:nothing': 'objective.tie_break': "),
            "\(run)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
        let copy = directory.appendingPathComponent("scenario")
        try FileManager.default.copyItem(at: E2E.smallScenario, to: copy)
        let file = copy.appendingPathComponent("scenario.yaml")
        try Data(
            (try E2E.text(file) + "objective:\n  tie_break: webster:nothing\ncomparison:\n  baselines: nobody\n").utf8
        ).write(to: file)
        let lines = try E2E.text(file).split(separator: "\n", omittingEmptySubsequences: false).count - 1
        let validate = try E2E.repartir(["validate", copy.path], in: directory)
        #expect(validate.status == 78, "\(validate)")
        #expect(
            validate.stderrText.contains("scenario.yaml:\(lines):14: 'comparison.baselines': baseline \"nobody\""),
            "\(validate)")
        let stages = try E2E.repartir(
            ["validate", copy.path, "--set", "comparison.baselines=webster:need"], in: directory)
        #expect(stages.status == 78, "\(stages)")
        #expect(stages.stderrText.contains("scenario.yaml:\(lines - 2):14: 'objective.tie_break': "), "\(stages)")
    }
}
