import AllocationModel
import Foundation
import GLPKSolver
import Pipeline
import Scenario
import Testing

/// GLPK rounds an integer variable that is within its integrality tolerance of a whole number, and does not check the
/// rows again. On a money row (`structure_cofinancing`, coefficients of tens of thousands of euros) the rounded plan
/// could spend more than the host's money: a refused plan (exit 70), or a published "optimal" plan over the host's
/// money when the overshoot stayed inside the verifier's old tolerance (review of the exact co-financing model).
///
/// The fixture `Tests/Fixtures/money-rounding` (one territory, one public structure of capacity 10; grant 10,000 € a
/// month; 10 posts and 10 M€ of State money, so neither binds; need ≈ 16,400 people, far above anything covered):
/// - option `a`: 13 months, State share 0.6153846153846154: 130,000 € a post, 80,000 € State, 50,000 € host;
///   214 × 13 / 12 = 231.83 people a post.
/// - option `b`: 10 months, State share 0.6: 100,000 € a post, 60,000 € State, 40,000 € host; 178.33 people a post.
/// With host money b_s just under 130,000 € (129,999.97 € or 129,999.99 €), the integer plans (y_a, y_b) with
/// 50,000 y_a + 40,000 y_b ≤ b_s are (0, 0…3), (1, 0…1), (2, 0): worth 0, 178.3, 356.7, 535, 231.8, 410.2, 463.7.
/// The best is 3 × b, 535 people (120,000 € of host money); 1 × a + 2 × b (588.5 people) needs exactly 130,000 €.
/// Before the fix GLPK returned 1 × a + 2 × b from b = 1.99999925 rounded to 2: exit 70 ("host share 130000 € above
/// its co-financing capacity 129999 €") at 129,999.97 €, and a published plan spending 130,000 € at 129,999.99 €.
@Suite struct MoneyRoundingTests {
    static let fixture = E2E.packageRoot.appendingPathComponent("Tests/Fixtures/money-rounding")

    /// The fixture with the structure's host money set to `money`, in a throw-away folder.
    func scenario(money: String) throws -> (Scenario, URL) {
        let folder = try E2E.temporaryDirectory(prefix: "money-rounding")
        for name in ["scenario.yaml", "territories.csv", "structures.csv"] {
            try FileManager.default.copyItem(
                at: Self.fixture.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let structures = folder.appendingPathComponent("structures.csv")
        let text = try String(contentsOf: structures, encoding: .utf8).replacingOccurrences(
            of: "129999.97", with: money)
        try text.write(to: structures, atomically: true, encoding: .utf8)
        return (try ScenarioLoader.load(folder.path), folder)
    }

    /// The best plan by enumeration of every (y_a, y_b) the structure can take, its host money checked exactly
    /// (no tolerance): the oracle the comment above works out by hand.
    func bruteForceOptimum(_ scenario: Scenario) -> Double {
        let structure = scenario.structures[0]
        var best = -Double.infinity
        for a in 0...structure.capacity {
            for b in 0...(structure.capacity - a) {
                let plan = Plan(
                    placements: [
                        Placement(structureID: structure.id, option: "a", posts: a),
                        Placement(structureID: structure.id, option: "b", posts: b),
                    ].filter { $0.posts > 0 })
                let evaluation = PlanEvaluation(plan: plan, scenario: scenario)
                guard (evaluation.hostCostByStructure[structure.id] ?? 0) <= structure.cofinancingEUR,
                    evaluation.stateCostEUR <= scenario.parameters.budgetEUR,
                    evaluation.posts <= scenario.parameters.posts
                else { continue }
                best = max(best, evaluation.objective)
            }
        }
        return best
    }

    @Test(arguments: ["129999.97", "129999.99"]) func roundingNeverBreaksTheHostMoney(money: String) throws {
        let (scenario, folder) = try scenario(money: money)
        defer { try? FileManager.default.removeItem(at: folder) }
        let structure = scenario.structures[0]
        #expect(structure.cofinancingEUR == Double(money)!)
        let optimum = bruteForceOptimum(scenario)
        #expect(abs(optimum - 535) < 1e-9, "the hand-worked optimum: 3 × b")

        let outcome = try Solving.solve(scenario, solver: GLPKSolver(), options: Solving.options(for: scenario))
        let host = outcome.record.evaluation.hostCostByStructure[structure.id] ?? 0
        #expect(
            host <= structure.cofinancingEUR, "the plan spends \(host) € of the host's \(structure.cofinancingEUR) €")
        #expect(outcome.record.status == .optimal)
        #expect(
            abs(outcome.record.evaluation.objective - optimum) <= 1e-6 * optimum,
            "objective \(outcome.record.evaluation.objective), true optimum \(optimum)")
    }

    /// The command itself: exit 0 and the published plan within the host's money (it was exit 70 at 129,999.97 €).
    @Test func runPublishesAPlanWithinTheHostMoney() throws {
        let (_, folder) = try scenario(money: "129999.97")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try E2E.repartir(["run", ".", "--out", "out", "-q"], in: folder)
        try #require(output.status == 0, "\(output)")
        let table = try String(
            contentsOf: folder.appendingPathComponent("out/allocation_by_structure.csv"), encoding: .utf8)
        let rows = table.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let host = rows.reduce(0.0) { $0 + Double(String($1[8]))! }
        #expect(host <= 129_999.97, "\(table)")
    }
}
