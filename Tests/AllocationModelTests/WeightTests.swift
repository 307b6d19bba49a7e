import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing

/// Territory weights anywhere in their documented range 0 … 1000 give a valid model and a verified plan
/// (issue 9, item 6): weights are relative, the solver sees them divided by the largest, and a coefficient
/// still below the LP layer's 10⁻¹² is set to 0.
@Suite struct WeightTests {
    func solve(_ scenario: Scenario) throws -> (plan: Plan, evaluation: PlanEvaluation) {
        let model = AllocationModel(scenario: scenario)
        try model.program.validate()
        let result = try GLPKSolver().solve(model.program, options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
        try #require(result.status == .optimal)
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        let claimed = model.valueTerms.reduce(0.0) { $0 + $1.1 * result.values[$1.0.index] }
        try PlanVerifier.verify(plan, scenario: scenario, claimedObjective: claimed)
        return (plan, PlanEvaluation(plan: plan, scenario: scenario))
    }

    func scenario(weights: [Double]) -> Scenario {
        let places = weights.enumerated().map {
            Fixtures.Place(code: "T\($0.offset)", need: 300 + 100 * $0.offset, weight: $0.element)
        }
        let hosts = places.map { Fixtures.Host(id: "h\($0.code)", territory: $0.code, capacity: 10) }
        return Fixtures.scenario(
            places: places, hosts: hosts, posts: 12, budget: 1e9, exponent: 0.5,
            breakpoints: [0.1, 0.3, 0.6, 1], withPartial: false)
    }

    /// The red team's case: one territory at 10⁻¹² (the smallest slopes give coefficients below 10⁻¹²). The model is
    /// valid, and the plan is verified against the exact value.
    @Test func tinyWeightOnOneTerritoryIsValid() throws {
        let (_, evaluation) = try solve(scenario(weights: [1e-12, 1, 1]))
        #expect(evaluation.posts == 12)
    }

    /// Only ratios of weights matter: weights all 10⁻⁹ (or all 1000) give the plan of weights all 1, whereas
    /// without scaling the 10⁻⁶ tie-break per post would outweigh the value and place no post at all.
    @Test(arguments: [1e-9, 1e-12, 1000]) func uniformWeightsGiveTheSamePlan(weight: Double) throws {
        let reference = try solve(scenario(weights: [1, 1, 1])).plan
        let (plan, evaluation) = try solve(scenario(weights: [weight, weight, weight]))
        #expect(plan == reference)
        #expect(evaluation.posts == 12)
    }

    /// Weights 0 everywhere: no value to gain, the model is still valid and the plan verified.
    @Test func zeroWeightsAreValid() throws {
        _ = try solve(scenario(weights: [0, 0, 0]))
    }
}
