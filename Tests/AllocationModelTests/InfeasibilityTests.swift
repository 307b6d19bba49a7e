import AllocationModel
import GLPKSolver
import LinearProgramming
import Scenario
@testable import Studies  // the explainer's internal isRelaxable and variant
import Testing

/// Infeasible scenarios explained: the conflict is irreducible, the proposed repair works, and the
/// explanation does not change between runs.
@Suite struct InfeasibilityTests {
    let options = SolverOptions(timeLimitSeconds: 10, mipGap: 1e-4)

    /// Floors of 3 posts in A and B (région R1) but R1 may take at most 5 posts (50 % of 10): 6 > 5.
    var regionConflict: Scenario {
        Fixtures.scenario(
            places: [
                .init(code: "A", need: 1000, region: "R1"), .init(code: "B", need: 1000, region: "R1"),
                .init(code: "C", need: 1000, region: "R2"),
            ],
            hosts: [
                .init(id: "a", territory: "A", capacity: 10), .init(id: "b", territory: "B", capacity: 10),
                .init(id: "c", territory: "C", capacity: 10),
            ],
            posts: 10, budget: 1_000_000, territoryMin: 3, regionMaxShare: 0.5, withPartial: false)
    }

    /// Floors of 3 posts in three territories cost at least 9 × 24,000 € = 216,000 €; the budget is 200,000 €.
    var budgetConflict: Scenario {
        Fixtures.scenario(
            places: [.init(code: "A", need: 1000), .init(code: "B", need: 1000), .init(code: "C", need: 1000)],
            hosts: [
                .init(id: "a", territory: "A", capacity: 10), .init(id: "b", territory: "B", capacity: 10),
                .init(id: "c", territory: "C", capacity: 10),
            ],
            posts: 20, budget: 200_000, territoryMin: 3, withPartial: false)
    }

    func feasible(_ program: LinearProgram) throws -> Bool {
        let result = try GLPKSolver().solve(program, options: options)
        return result.status == .optimal || result.status == .feasible
    }

    func explain(_ scenario: Scenario) throws -> (AllocationModel, InfeasibilityExplanation) {
        let model = AllocationModel(scenario: scenario)
        #expect(try !feasible(model.program))
        return (
            model,
            try InfeasibilityExplainer.explain(model: model, scenario: scenario, solver: GLPKSolver(), options: options)
        )
    }

    /// Dropping none of the conflict's rules leaves the model infeasible; dropping any one makes it feasible.
    func expectIrreducible(_ model: AllocationModel, _ explanation: InfeasibilityExplanation) throws {
        let program = model.program
        let indices = explanation.conflict.map { member in program.constraintIndex(named: member.constraint)! }
        let others = Set(program.constraints.indices).subtracting(indices).filter {
            model.rows[$0].family.isPolicy
        }
        // Only the conflict's rules (with the physical rows): still infeasible.
        #expect(try !feasible(InfeasibilityExplainer.variant(of: program, dropping: Set(others))))
        for index in indices {
            #expect(
                try feasible(InfeasibilityExplainer.variant(of: program, dropping: Set(others).union([index]))),
                "dropping \(program.constraints[index].name) should make the rest feasible")
        }
    }

    @Test func regionCapAgainstTerritoryFloorsIsExplained() throws {
        let (model, explanation) = try explain(regionConflict)
        #expect(
            Set(explanation.conflict.map(\.constraint)) == [
                "territory_floor[A]", "territory_floor[B]", "region_cap[R1]",
            ])
        try expectIrreducible(model, explanation)
        #expect(explanation.repairs.reduce(0) { $0 + $1.amount } == 1)
    }

    @Test func floorsCostingMoreThanTheBudgetAreExplained() throws {
        let (model, explanation) = try explain(budgetConflict)
        #expect(
            Set(explanation.conflict.map(\.constraint)) == [
                "budget", "territory_floor[A]", "territory_floor[B]", "territory_floor[C]",
            ])
        try expectIrreducible(model, explanation)
        #expect(!explanation.repairs.isEmpty)
    }

    /// Moving each relaxed bound by its repair amount makes the scenario feasible.
    @Test(arguments: [0, 1]) func applyingTheRepairMakesTheScenarioFeasible(caseIndex: Int) throws {
        let scenario = caseIndex == 0 ? regionConflict : budgetConflict
        let (model, explanation) = try explain(scenario)
        var relaxed: [Int: Double] = [:]
        for repair in explanation.repairs {
            relaxed[model.program.constraintIndex(named: repair.constraint)!] = repair.amount
        }
        #expect(try feasible(InfeasibilityExplainer.variant(of: model.program, relaxing: relaxed)))
    }

    /// The budget repair is expressed as a --set override that makes the whole scenario feasible again.
    @Test func budgetRepairOverrideIsExact() throws {
        let (_, explanation) = try explain(budgetConflict)
        let budget = try #require(explanation.repairs.first { $0.constraint == "budget" })
        #expect(budget.amount == 16_000)
        #expect(budget.override == "programme.budget_eur=216000")
    }

    @Test func sameInputGivesTheSameExplanation() throws {
        let (_, first) = try explain(regionConflict)
        let (_, second) = try explain(regionConflict)
        #expect(first == second)
    }
}
