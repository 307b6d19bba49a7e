import AllocationModel
import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Studies
import Testing

/// `RowRef` and `ConstraintFamily` (issue 8, item 2): each program's rows come with their refs, index-aligned, and a
/// ref names its row exactly as the LP file does, so nothing has to parse a row's name for its family or scope.
@Suite struct RowRefTests {
    static func expectAligned(_ rows: [RowRef], _ program: LinearProgram) {
        #expect(rows.count == program.constraints.count)
        for (ref, row) in zip(rows, program.constraints) { #expect(ref.name == row.name) }
    }

    @Test func nationalRowsAreAligned() throws {
        let scenario = try ScenarioLoader.load(Fixtures.defaultScenarioPath)
        let model = AllocationModel(scenario: scenario)
        Self.expectAligned(model.rows, model.program)
        let families = Set(model.rows.map(\.family))
        #expect(families.isSuperset(of: [.service, .need, .territoryPosts, .postsTotal, .budget, .hostCapacity]))
        // One service row per territory, scoped by its code; the national rows have no scope.
        let services = model.rows.filter { $0.family == .service }
        #expect(services.map(\.place) == scenario.territories.map(\.code))
        #expect(model.rows.last == RowRef(.budget) && model.rows.last?.scope.description == "")
        // The policy rows are exactly those the explainer may relax.
        #expect(
            Set(model.rows.filter(\.family.isPolicy).map(\.family)).isSubset(of: [
                .postsTotal, .budget, .territoryFloor, .territoryCap,
                .regionFloor, .regionCap, .commitment,
            ]))
    }

    /// A committed post is held by `commitment[t,k,f]`, whose ref carries the pool and option.
    @Test func commitmentRowsCarryTheirDecision() throws {
        let base = Fixtures.scenario(
            places: [.init(code: "A", need: 100)], hosts: [.init(id: "s1", territory: "A", capacity: 2)],
            posts: 2, budget: 1e6)
        let scenario = Scenario(
            parameters: base.parameters, territories: base.territories, structures: base.structures,
            commitments: [Commitment(structureID: "s1", posts: 1, option: "full", mode: .locked)])
        let model = AllocationModel(scenario: scenario)
        Self.expectAligned(model.rows, model.program)
        let key = DecisionKey(territory: "A", kind: "public", option: "full")
        #expect(model.rows.contains(RowRef(.commitment, .commitment(key))))
        #expect(model.program.constraints.contains { $0.name == "commitment[A,public,full]" })
        #expect(model.committedKeys.values.contains(key))
    }

    /// The third stage's program: the model, the `min_ratio[t]`, `closeness_*` and `endow_link[t]` rows the stages add,
    /// and the first two stages held (`stage_maxmin`, `stage_closeness[1]`).
    @Test func stagedRowsAreAligned() throws {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 240), .init(code: "B", need: 48), .init(code: "C", need: 96)],
            hosts: [
                .init(id: "a", territory: "A", capacity: 5), .init(id: "b", territory: "B", capacity: 5),
                .init(id: "c", territory: "C", capacity: 5),
            ],
            posts: 4, budget: 1e6, withPartial: false)
        let model = AllocationModel(scenario: scenario)
        let stages: [ObjectiveStage] = [
            .maxmin, .closeness(name: "even", target: ["A": 2, "B": 1, "C": 1]), .endow, .value,
        ]
        let program = try StagedSolve.program(
            ofStage: 3, model: model, scenario: scenario, stages: stages, solver: GLPKSolver(),
            options: SolverOptions(mipGap: 0))
        let rows = StagedSolve.rows(ofStage: 3, model: model, scenario: scenario, stages: stages)
        Self.expectAligned(rows, program)
        #expect(Array(rows.prefix(model.rows.count)) == model.rows)
        let added = Set(rows.dropFirst(model.rows.count).map(\.family))
        #expect(
            added == [
                .minRatio, .closenessAbove, .closenessBelow, .closenessTotal, .closenessParity, .optionTotal,
                .endowLink,
                .stage,
            ])
        #expect(rows.suffix(2).map(\.name) == ["stage_maxmin", "stage_closeness[1]"])
    }

    @Test func communeRowsAreAligned() throws {
        let model = CommuneModel(scenario: try CommuneFixture.scenario())
        Self.expectAligned(model.rows, model.program)
        #expect(Set(model.rows.map(\.family)).isSuperset(of: [.siteService, .groupService, .postsTotal, .budget]))
        #expect(model.serviceRows.allSatisfy { model.rows[$0].family == .siteService })
    }

    /// The verifier's rules carry their family and scope: a structure over its capacity breaks `host_capacity[s]`.
    @Test func violationsCarryTheirRule() {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 100)], hosts: [.init(id: "s1", territory: "A", capacity: 1)],
            posts: 5, budget: 1e9)
        let violations = PlanVerifier.violations(
            of: Plan(placements: [Placement(structureID: "s1", option: "full", posts: 2)]), scenario: scenario)
        #expect(violations.map(\.rule) == [RowRef(.hostCapacity, .structure("s1"))])
        #expect(violations.map(\.constraint) == ["host_capacity[s1]"])
    }
}
