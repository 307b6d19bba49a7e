@testable import AllocationModel
@testable import Reports
import Testing

/// The commune section's sentence on the `endow_reach` stage says how its cover was found and what each search
/// endowed, and claims optimality only when the cover meets its bound.
@Suite struct EndowmentSentenceTests {
    static func outcome(endowed: Double, bound: Double) -> CommuneEndowment.Outcome {
        CommuneEndowment.Outcome(
            covered: [0], endowed: endowed, reachable: 1_000, unit: .people, posts: 7, bound: bound)
    }

    @Test func aCoverOfEveryoneIsOptimalWithoutSearches() {
        let sentence = CommuneReport.endowmentSentence(Self.outcome(endowed: 1_000, bound: 1_000))
        #expect(sentence.contains("all 1,000 people with a site within reach have a post within reach"))
        #expect(sentence.contains("the stage is optimal"))
        #expect(!sentence.contains("swaps"))
    }

    @Test func theRelaxationsCoverHeldNamesTheGreedysFigures() {
        var outcome = Self.outcome(endowed: 950, bound: 980)
        outcome.greedyEndowed = 900
        outcome.greedySwapsEndowed = 930
        outcome.relaxationSwapsEndowed = 950
        outcome.fromRelaxation = true
        let sentence = CommuneReport.endowmentSentence(outcome)
        #expect(sentence.contains("950 of the 1,000 people"))
        #expect(sentence.contains("in decreasing order of the stage's LP relaxation's posts, then swaps"))
        #expect(
            sentence.contains(
                "A greedy cover alone, which only keeps room for the territory floors, endows 900; with the floors met and swaps, 930."
            ))
        #expect(sentence.contains("At most 980 are possible by the stage's LP relaxation: a gap of 3.06 %"))
        #expect(!sentence.contains("optimal"))
    }

    @Test func theGreedysSwapsHeldNameTheRelaxationsCover() {
        var outcome = Self.outcome(endowed: 930, bound: 930)
        outcome.greedyEndowed = 900
        outcome.greedySwapsEndowed = 930
        outcome.relaxationSwapsEndowed = 920
        let sentence = CommuneReport.endowmentSentence(outcome)
        #expect(sentence.contains(": a greedy cover, then swaps of one post for another"))
        #expect(
            sentence.contains(
                "The greedy alone, which only keeps room for the territory floors, endows 900; one post at each site"))
        #expect(sentence.contains(", 920."))
        // The cover meets the relaxation's bound: optimal, said once.
        #expect(sentence.contains("allows no more, so no plan can: the stage is optimal."))
        #expect(!sentence.contains("floor unmet"))
    }

    /// A cover that leaves a floor unmet is never called optimal, even at its bound, and the sentence says so.
    @Test func aCoverShortOfAFloorIsSaidSoAndNotOptimal() {
        var outcome = Self.outcome(endowed: 930, bound: 930)
        outcome.greedyEndowed = 930
        outcome.greedySwapsEndowed = 930
        outcome.meetsFloors = false
        let sentence = CommuneReport.endowmentSentence(outcome)
        #expect(!outcome.proven)
        #expect(!sentence.contains("optimal"))
        #expect(sentence.contains("this one leaves a floor unmet"))
    }

    /// What the stage costs the plan: its cover's share of the posts, and, when the département plan scored by the same
    /// model without the cover is worth more than the bound of every plan that keeps it, that difference as a lower
    /// bound on its price (a review read the €60M report: the cover takes 1,180 of 1,178 posts and costs at least
    /// 20.7 % of the value, and the report said neither).
    @Test func thePriceOfTheCoverIsSaidWhenTheDepartementPlanProvesIt() throws {
        let sentence = CommuneReport.endowmentPrice(
            coverPosts: 1_180, planPosts: 1_178, departmentValue: 2_098_946.7, bound: 1_665_459.5, boundName: "LP bound"
        )
        #expect(
            sentence.contains(
                "The cover found takes 1,180 posts (a smaller cover may exist), as many as or more than the commune plan's 1,178"
            ))
        #expect(sentence.contains("at this budget that cover decides where nearly every post goes"))
        #expect(
            sentence.contains(
                "Its price is at least 433,487 of value, 20.7 % of what the posts can reach without it: the département plan, scored by the same model and keeping no one endowed, is worth 2098946.7, above the LP bound 1665459.5 of every plan that keeps the cover's people within reach"
            ), "\(sentence)")
        // A cover of a small share of the posts, and a département plan below the bound: no price is claimed.
        let small = CommuneReport.endowmentPrice(
            coverPosts: 300, planPosts: 3_600, departmentValue: 4_000_000, bound: 4_100_000, boundName: "LP bound")
        #expect(
            small.contains(
                "The cover found takes 300 posts (a smaller cover may exist), 8.3 % of the commune plan's 3,600."),
            "\(small)")
        #expect(!small.contains("price") && !small.contains("nearly every post"), "\(small)")
        // Without the département plan's score, no price either.
        let unscored = CommuneReport.endowmentPrice(
            coverPosts: 1_180, planPosts: 1_178, departmentValue: nil, bound: 1_665_459.5, boundName: "LP bound")
        #expect(!unscored.contains("price"))
    }
}
