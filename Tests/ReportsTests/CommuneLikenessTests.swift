@testable import Reports
import Testing

/// The commune section's 2021 comparison says whether the two plans share posts and money from their totals,
/// not from a fixed phrase (a review found "not in money" printed for every pair, checked on none).
@Suite struct CommuneLikenessTests {
    @Test func plansAlikeInPostsAndMoneyAreSaidToBe() {
        let plan = (posts: 3, stateEUR: 30_000.0, hostEUR: 1_200.0, servable: 900.0)
        #expect(
            CommuneReport.likeness(plan, (posts: 3, stateEUR: 30_000.2, hostEUR: 1_200.0, servable: 800.0))
                == "and in posts and money")
    }

    @Test func eachDifferenceIsNamed() {
        let plan = (posts: 3, stateEUR: 30_000.0, hostEUR: 0.0, servable: 900.0)
        #expect(
            CommuneReport.likeness(plan, (posts: 4, stateEUR: 30_000.0, hostEUR: 0.0, servable: 900.0))
                == "not in posts")
        #expect(
            CommuneReport.likeness(plan, (posts: 3, stateEUR: 30_000.0, hostEUR: 1.0, servable: 900.0))
                == "not in money")
        #expect(
            CommuneReport.likeness(plan, (posts: 2, stateEUR: 20_000.0, hostEUR: 0.0, servable: 600.0))
                == "not in posts or money")
    }
}
