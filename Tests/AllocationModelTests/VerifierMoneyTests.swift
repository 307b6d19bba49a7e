import AllocationModel
import Foundation
import Scenario
import Testing

/// The verifier's per-structure money rule is decided in cents: a relative tolerance (10⁻⁷ × b_s + 0.01 €, about
/// 0.013 € at 36,000 €) let a plan one cent over the host's money pass, and its message truncated 35,999.99 € to 35999.
@Suite struct VerifierMoneyTests {
    /// One structure with 35,999.99 € of host money; two `partial` posts cost the host 2 × 18,000 € = 36,000 €.
    func scenario(money: Double) -> Scenario {
        Fixtures.scenario(
            places: [.init(code: "A", need: 1_000)],
            hosts: [.init(id: "s1", territory: "A", capacity: 2, cofinancingEUR: money)], posts: 2, budget: 1e9)
    }

    let plan = Plan(placements: [Placement(structureID: "s1", option: "partial", posts: 2)])

    @Test func aCentOverTheHostMoneyIsRefusedInCents() {
        let violations = PlanVerifier.violations(of: plan, scenario: scenario(money: 35_999.99))
        #expect(
            violations.map(\.description) == [
                "cofinancing[s1]: host share 36000.00 € above its co-financing capacity 35999.99 €"
            ])
    }

    @Test func exactlyTheHostMoneyPasses() {
        #expect(PlanVerifier.violations(of: plan, scenario: scenario(money: 36_000)).isEmpty)
    }
}
