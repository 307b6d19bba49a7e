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
}
