import AllocationModel
import GLPKSolver
import LinearProgramming
import Scenario
import Studies
import Testing

/// Commitments (docs/model.md, "Commitments and waves"): hand-solved cases through the real GLPK, the named rows, the
/// splitter's placement at the committed structures, the verifier and the infeasibility explainer.
@Suite struct CommitmentTests {
    let options = SolverOptions(timeLimitSeconds: 30, mipGap: 0)

    func committed(_ scenario: Scenario, _ commitments: [Commitment]) -> Scenario {
        Scenario(
            parameters: scenario.parameters, territories: scenario.territories, structures: scenario.structures,
            commitments: commitments)
    }

    func solve(_ scenario: Scenario) throws -> (Plan, PlanEvaluation, AllocationModel) {
        let model = AllocationModel(scenario: scenario)
        let result = try GLPKSolver().solve(model.program, options: options)
        #expect(result.status == .optimal)
        let plan = try PlanSplitter.plan(from: result.values, model: model, scenario: scenario)
        try PlanVerifier.verify(plan, scenario: scenario)
        return (plan, PlanEvaluation(plan: plan, scenario: scenario), model)
    }

    func posts(_ plan: Plan, at structure: String) -> Int {
        plan.placements.filter { $0.structureID == structure }.reduce(0) { $0 + $1.posts }
    }

    /// Linear value, full option only: a post serves 12 × 24 / 12 = 24 people. A has weight 2, B weight 1, need 1,000
    /// each (never binding), 3 posts, ample budget and capacities (5 each).
    var twoTerritories: Scenario {
        Fixtures.scenario(
            places: [.init(code: "A", need: 1000, weight: 2), .init(code: "B", need: 1000)],
            hosts: [.init(id: "a1", territory: "A", capacity: 5), .init(id: "b1", territory: "B", capacity: 5)],
            posts: 3, budget: 1_000_000, withPartial: false)
    }

    /// Without commitments the optimum puts all 3 posts in A: 3 × 24 × 2 = 144. A post locked at b1 (the optimum would
    /// have moved it to A) leaves 2 posts to decide: both in A, 2 × 48 + 24 = 120. The objective falls by exactly one
    /// post's difference of weight, 24 × (2 − 1) = 24.
    @Test func lockedPostTheOptimumWouldHaveMoved() throws {
        let (free, freeEvaluation, _) = try solve(twoTerritories)
        #expect(posts(free, at: "b1") == 0)
        #expect(abs(freeEvaluation.objective - 144) < 1e-9)
        let scenario = committed(
            twoTerritories, [Commitment(structureID: "b1", posts: 1, option: "full", mode: .locked)])
        let (plan, evaluation, model) = try solve(scenario)
        #expect(posts(plan, at: "b1") == 1)
        #expect(posts(plan, at: "a1") == 2)
        #expect(abs(evaluation.objective - 120) < 1e-9)
        #expect(abs((freeEvaluation.objective - evaluation.objective) - 24) < 1e-9)
        // The commitment is a named row of the model, so it appears in the LP file and in conflicts.
        let row = try #require(model.program.constraintIndex(named: "commitment[B,public,full]"))
        #expect(model.program.constraints[row].lower == 1 && model.program.constraints[row].upper == 1)
    }

    /// A minimum that binds: 1 post at least at b1 gives the same 120 as the lock (the optimum would not put it there).
    /// A minimum that does not bind: 1 post at least at a1, which the optimum fills anyway: 144, a1 holds 3 posts
    /// (1 committed + 2 new, one placement).
    @Test func minimumThatBindsAndOneThatDoesNot() throws {
        let binding = committed(twoTerritories, [Commitment(structureID: "b1", posts: 1, option: "full", mode: .min)])
        let (bindingPlan, bindingEvaluation, _) = try solve(binding)
        #expect(posts(bindingPlan, at: "b1") == 1)
        #expect(abs(bindingEvaluation.objective - 120) < 1e-9)

        let slack = committed(twoTerritories, [Commitment(structureID: "a1", posts: 1, option: "full", mode: .min)])
        let (slackPlan, slackEvaluation, _) = try solve(slack)
        #expect(slackPlan.placements == [Placement(structureID: "a1", option: "full", posts: 3)])
        #expect(abs(slackEvaluation.objective - 144) < 1e-9)
    }

    /// Locked and min differ: 1 post locked at a1 closes a1 to new posts, so the other 2 go to B: 48 + 2 × 24 = 96
    /// (against 144 with a minimum of 1 at a1, where a1 takes all 3).
    @Test func lockedClosesTheStructureToNewPosts() throws {
        let scenario = committed(
            twoTerritories, [Commitment(structureID: "a1", posts: 1, option: "full", mode: .locked)])
        let (plan, evaluation, _) = try solve(scenario)
        #expect(posts(plan, at: "a1") == 1)
        #expect(posts(plan, at: "b1") == 2)
        #expect(abs(evaluation.objective - 96) < 1e-9)
    }

    /// A ceiling: at most 1 post at a1, so 1 in A and 2 in B: 48 + 48 = 96.
    @Test func ceilingCapsTheStructure() throws {
        let scenario = committed(twoTerritories, [Commitment(structureID: "a1", posts: 1, option: nil, mode: .max)])
        let (plan, evaluation, _) = try solve(scenario)
        #expect(posts(plan, at: "a1") == 1)
        #expect(abs(evaluation.objective - 96) < 1e-9)
    }

    /// The splitter places committed posts at their own structure, not anywhere in the pool: A has a1 and a2 (ids in
    /// order, so a new post would go to a1 first); the post committed at a2 stays at a2.
    @Test func splitterPlacesCommittedPostsAtTheirStructure() throws {
        let base = Fixtures.scenario(
            places: [.init(code: "A", need: 1000)],
            hosts: [.init(id: "a1", territory: "A", capacity: 5), .init(id: "a2", territory: "A", capacity: 5)],
            posts: 1, budget: 1_000_000, withPartial: false)
        let scenario = committed(base, [Commitment(structureID: "a2", posts: 1, option: "full", mode: .locked)])
        let (plan, _, _) = try solve(scenario)
        #expect(plan.placements == [Placement(structureID: "a2", option: "full", posts: 1)])
    }

    /// A co-financed commitment uses the structure's money: a1 co-finances 18,000 €, exactly one partial post (host
    /// share 18,000 €); with 1 partial post committed there (min), a new partial post cannot go to a1 and a1 has no
    /// other host money. 2 posts, linear value, full 24 people, partial 36: the second post is full (at a1, which still
    /// has room): 36 + 24 = 60, host cost 18,000 € exactly.
    @Test func committedCofinancingUsesTheHostMoney() throws {
        let base = Fixtures.scenario(
            places: [.init(code: "A", need: 1000)],
            hosts: [.init(id: "a1", territory: "A", capacity: 5, cofinancingEUR: 18_000)],
            posts: 2, budget: 1_000_000)
        let scenario = committed(base, [Commitment(structureID: "a1", posts: 1, option: "partial", mode: .min)])
        let (plan, evaluation, _) = try solve(scenario)
        #expect(
            plan.placements == [
                Placement(structureID: "a1", option: "full", posts: 1),
                Placement(structureID: "a1", option: "partial", posts: 1),
            ])
        #expect(abs(evaluation.objective - 60) < 1e-9)
        #expect(evaluation.hostCostEUR == 18_000)
    }

    /// The verifier checks commitments from the placements: the free optimum (3 posts at a1) breaks a lock at b1.
    @Test func verifierRefusesAPlanThatBreaksACommitment() throws {
        let scenario = committed(
            twoTerritories,
            [
                Commitment(structureID: "b1", posts: 1, option: "full", mode: .locked),
                Commitment(structureID: "a1", posts: 4, option: nil, mode: .max),
            ])
        let plan = Plan(placements: [Placement(structureID: "a1", option: "full", posts: 3)])
        let violations = PlanVerifier.violations(of: plan, scenario: scenario).map(\.constraint)
        #expect(violations == ["commitment[b1]", "commitment[b1]"])  // the option's posts, then the structure's total
        let over = Plan(placements: [
            Placement(structureID: "a1", option: "full", posts: 5),
            Placement(structureID: "b1", option: "full", posts: 1),
        ])
        #expect(PlanVerifier.violations(of: over, scenario: scenario).map(\.constraint).contains("commitment[a1]"))
    }

    /// Commitments over the budget: 1 post committed in A and 1 in B cost 48,000 €, the budget is 30,000 €. The
    /// conflict is both commitment rows and the budget (drop any one and the rest is feasible).
    @Test func commitmentsOverTheBudgetAreExplained() throws {
        let base = Fixtures.scenario(
            places: [.init(code: "A", need: 1000), .init(code: "B", need: 1000)],
            hosts: [.init(id: "a1", territory: "A", capacity: 5), .init(id: "b1", territory: "B", capacity: 5)],
            posts: 3, budget: 30_000, withPartial: false)
        let scenario = committed(
            base,
            [
                Commitment(structureID: "a1", posts: 1, option: "full", mode: .min),
                Commitment(structureID: "b1", posts: 1, option: "full", mode: .locked),
            ])
        let model = AllocationModel(scenario: scenario)
        #expect(try GLPKSolver().solve(model.program, options: options).status == .infeasible)
        let explanation = try InfeasibilityExplainer.explain(
            model: model, scenario: scenario, solver: GLPKSolver(), options: options)
        #expect(
            Set(explanation.conflict.map(\.constraint)) == [
                "commitment[A,public,full]", "commitment[B,public,full]", "budget",
            ])
        #expect(
            explanation.conflict.first { $0.family == "commitment" }?.description
                == "1 committed post (Public, 'Full') in Territory A (A)")
        #expect(!explanation.repairs.isEmpty)
    }

    /// Commitments over a territory cap: 2 posts committed in A, whose cap is 50 % of 3 posts = 1.
    @Test func commitmentsOverACapAreExplained() throws {
        let base = Fixtures.scenario(
            places: [.init(code: "A", need: 1000), .init(code: "B", need: 1000)],
            hosts: [.init(id: "a1", territory: "A", capacity: 5), .init(id: "b1", territory: "B", capacity: 5)],
            posts: 3, budget: 1_000_000, territoryMaxShare: 0.5, withPartial: false)
        let scenario = committed(base, [Commitment(structureID: "a1", posts: 2, option: "full", mode: .locked)])
        let model = AllocationModel(scenario: scenario)
        let explanation = try InfeasibilityExplainer.explain(
            model: model, scenario: scenario, solver: GLPKSolver(), options: options)
        #expect(Set(explanation.conflict.map(\.constraint)) == ["commitment[A,public,full]", "territory_cap[A]"])
    }

    /// Without commitments nothing changes: no committed variable, no commitment row, the residual structures are the
    /// structures.
    @Test func noCommitmentsLeavesTheModelAsItWas() {
        let model = AllocationModel(scenario: twoTerritories)
        #expect(!model.program.constraints.contains { $0.name.hasPrefix("commitment[") })
        #expect(model.committedVariables.isEmpty)
        #expect(twoTerritories.residualStructures == twoTerritories.structures)
    }
}
