import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing
import AllocationModel

/// Not a test: with REPARTIR_COMMUNE_EXPORT=DIR (and REPARTIR_COMMUNE_SCENARIO, default the national commune
/// scenario), writes the commune model (`model.mps`; the value stage's, covering rows included, when the scenario
/// puts `endow_reach` first, and then the endowment stage's binary model, `endow.mps`), its LP relaxation
/// (`relaxation.mps`) and the fixed-plan LP of one
/// post per host pool (`fixed.mps`) for timing other solvers on them (scripts/bench-communes). Skipped otherwise.
@Suite struct CommuneExportBench {
    @Test func exportCommuneModels() throws {
        guard let folder = ProcessInfo.processInfo.environment["REPARTIR_COMMUNE_EXPORT"] else { return }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path =
            ProcessInfo.processInfo.environment["REPARTIR_COMMUNE_SCENARIO"]
            ?? root.appendingPathComponent("scenarios/france-relance-2020-communes").path
        let overrides = (ProcessInfo.processInfo.environment["REPARTIR_COMMUNE_SET"] ?? "").split(separator: " ")
            .compactMap { ParameterOverride(String($0)) }
        let scenario = try ScenarioLoader.load(path, overrides: overrides)
        // With `reach.stages: endow_reach,value`, the value stage's models: the groups of the cover a run holds.
        let covers = try scenario.communes?.endowReach.map { unit in
            try CommuneEndowment.solve(
                CommuneModel(scenario: scenario, options: .init(relaxed: true)), scenario: scenario, unit: unit,
                solver: GLPKSolver(), options: SolverOptions(), log: { _ in }
            ).covered
        }
        // The endowment stage's own binary model (whole posts, 0/1 endowments), for scripts/bench-endow.
        if let unit = scenario.communes?.endowReach {
            try GLPKSolver().write(
                CommuneEndowment.binaryModel(CommuneModel(scenario: scenario), scenario: scenario, unit: unit),
                format: .mps, to: folder + "/endow.mps")
        }
        let relaxed = CommuneModel(scenario: scenario, options: .init(relaxed: true, covers: covers ?? []))
        try GLPKSolver().write(relaxed.program, format: .mps, to: folder + "/relaxation.mps")
        try GLPKSolver().write(
            CommuneModel(scenario: scenario, options: .init(covers: covers ?? [])).program, format: .mps,
            to: folder + "/model.mps")
        let posts = relaxed.decisions.indices.map { index in
            relaxed.decisions[index].hostCostEUR == 0 && !relaxed.pools[relaxed.decisions[index].pool].candidate ? 1 : 0
        }
        let fixed = CommuneModel(scenario: scenario, options: .init(fixed: posts.map(Double.init), rules: false))
        try GLPKSolver().write(fixed.program, format: .mps, to: folder + "/fixed.mps")
    }
}
