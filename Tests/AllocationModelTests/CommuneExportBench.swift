import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing
import AllocationModel

/// Not a test: with REPARTIR_COMMUNE_EXPORT=DIR (and REPARTIR_COMMUNE_SCENARIO, default the national commune
/// scenario), writes the commune model (`model.mps`), its LP relaxation (`relaxation.mps`) and the fixed-plan LP of one
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
        let relaxed = CommuneModel(scenario: scenario, options: .init(relaxed: true))
        try GLPKSolver().write(relaxed.program, format: .mps, to: folder + "/relaxation.mps")
        try GLPKSolver().write(CommuneModel(scenario: scenario).program, format: .mps, to: folder + "/model.mps")
        let posts = relaxed.decisions.indices.map { index in
            relaxed.decisions[index].hostCostEUR == 0 && !relaxed.pools[relaxed.decisions[index].pool].candidate ? 1 : 0
        }
        let fixed = CommuneModel(scenario: scenario, options: .init(fixed: posts.map(Double.init), rules: false))
        try GLPKSolver().write(fixed.program, format: .mps, to: folder + "/fixed.mps")
    }
}
