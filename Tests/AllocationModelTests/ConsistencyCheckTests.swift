import Foundation
import AllocationModel
import Scenario
import Testing

/// Contradictions found before any solve (exit 20), one test per case of docs/reliability.md.
/// Fixture costs: a post is 24,000 € fully funded, or 18,000 € State + 18,000 € host when co-financed.
@Suite struct ConsistencyCheckTests {
    typealias Place = Fixtures.Place
    typealias Host = Fixtures.Host

    func messages(_ scenario: Scenario) -> [String] { ConsistencyCheck.problems(in: scenario).map(\.message) }

    @Test func consistentScenarioHasNoProblem() throws {
        let scenario = Fixtures.scenario(
            places: [Place(code: "A", need: 100), Place(code: "B", need: 100)],
            hosts: [Host(id: "a", territory: "A", capacity: 3), Host(id: "b", territory: "B", capacity: 3)],
            posts: 4, budget: 96_000, territoryMin: 2)
        #expect(messages(scenario).isEmpty)
        #expect(ConsistencyCheck.problems(in: try ScenarioLoader.load(Fixtures.defaultScenarioPath)).isEmpty)
    }

    @Test func budgetBelowTheCostOfOnePost() {
        let scenario = Fixtures.scenario(
            places: [Place(code: "A", need: 100)], hosts: [Host(id: "a", territory: "A", capacity: 5)],
            posts: 10, budget: 10_000)
        #expect(
            messages(scenario) == [
                "the budget of 10,000 € is below the cost of one post: the cheapest is 24,000 € (Public, 'Full', "
                    + "structure a in territory A), so no post can be funded: raise programme.budget_eur to at least 24,000 €"
            ])
        // A host able to co-finance makes the co-financed option (18,000 € to the State) the cheapest.
        let cofinanced = Fixtures.scenario(
            places: [Place(code: "A", need: 100)],
            hosts: [Host(id: "a", territory: "A", capacity: 5, cofinancingEUR: 18_000)], posts: 10, budget: 17_000)
        #expect(messages(cofinanced).first?.contains("the cheapest is 18,000 € (Public, 'Partial'") == true)
        let enough = Fixtures.scenario(
            places: [Place(code: "A", need: 100)],
            hosts: [Host(id: "a", territory: "A", capacity: 5, cofinancingEUR: 18_000)], posts: 10, budget: 18_000)
        #expect(messages(enough).isEmpty)
    }

    @Test func floorsSumToMoreThanThePosts() {
        let scenario = Fixtures.scenario(
            places: ["A", "B", "C"].map { Place(code: $0, need: 100) },
            hosts: ["A", "B", "C"].map { Host(id: $0.lowercased(), territory: $0, capacity: 5) },
            posts: 5, budget: 1_000_000, territoryMin: 2)
        #expect(
            messages(scenario) == [
                "the territory floors add up to 6 posts (over 3 territories) and programme.posts is 5: "
                    + "lower limits.territory_min_posts or the min_posts column, or raise the posts"
            ])
    }

    @Test func floorsCostMoreThanTheBudget() {
        let scenario = Fixtures.scenario(
            places: [Place(code: "A", need: 100), Place(code: "B", need: 100)],
            hosts: [Host(id: "a", territory: "A", capacity: 5), Host(id: "b", territory: "B", capacity: 5)],
            posts: 10, budget: 60_000, territoryMin: 2)
        #expect(
            messages(scenario) == [
                "the territory floors cost at least 96,000 € (each floor at its territory's cheapest posts) and the "
                    + "budget is 60,000 €: lower the floors or raise programme.budget_eur"
            ])
    }

    @Test func floorInATerritoryWithoutAnEligibleStructure() {
        let scenario = Fixtures.scenario(
            places: ["A", "B", "C"].map { Place(code: $0, need: 100) },
            hosts: [Host(id: "a", territory: "A", capacity: 5), Host(id: "b", territory: "B", capacity: 0)],
            posts: 10, budget: 1_000_000, territoryMin: 1)
        #expect(
            messages(scenario) == [
                "territory B (Territory B) must get at least 1 posts but its 1 host structure has capacity 0: lower its floor to 0 or add an eligible host structure",
                "territory C (Territory C) must get at least 1 posts but no host structure is listed there: lower its floor to 0 or add an eligible host structure",
            ])
    }

    @Test func floorAboveTheHostCapacity() {
        let scenario = Fixtures.scenario(
            places: [Place(code: "A", need: 100)], hosts: [Host(id: "a", territory: "A", capacity: 2)],
            posts: 10, budget: 1_000_000, territoryMin: 3)
        #expect(
            messages(scenario) == [
                "territory A (Territory A) must get at least 3 posts but its host structures can take only 2: lower the floor or add host capacity"
            ])
    }

    @Test func floorAboveTheTerritoryCap() {
        let scenario = Fixtures.scenario(
            places: [Place(code: "A", need: 100)], hosts: [Host(id: "a", territory: "A", capacity: 5)],
            posts: 10, budget: 1_000_000, territoryMin: 2, territoryMaxShare: 0.1)
        #expect(
            messages(scenario) == [
                "territory A (Territory A) has a floor of 2 posts above its cap of 1: lower the floor or raise the cap"
            ])
    }

    @Test func noStructureCanTakeAPost() {
        let scenario = Fixtures.scenario(
            places: [Place(code: "A", need: 100)], hosts: [Host(id: "a", territory: "A", capacity: 0)],
            posts: 10, budget: 1_000_000)
        #expect(
            messages(scenario) == [
                "none of the 1 host structures can take a post (every capacity is 0, or no funding option fits their co-financing): no post can be placed"
            ])
    }
}
