import AllocationModel
import LinearProgramming
import Scenario
import Studies

/// Which model `export-model` writes when the scenario has `objective.stages`: each stage is a model of its
/// own (the stage's objective, the earlier stages held at the values they reached), so exporting "the" model
/// would silently drop the stages. A staged scenario needs `--stage N`; anything else is refused (exit 64).
enum StageExport {
    static func program(
        model: AllocationModel, scenario: Scenario, stage: Int?, solver: any LinearSolver
    ) throws(RunFailure) -> LinearProgram {
        let stages = try Solving.objectiveStages(for: scenario)
        let names = stages.map(\.name).joined(separator: ", ")
        guard !(stages.isEmpty || stages == [.value]) else {
            if let stage, stage != 1 {
                throw .usage(
                    "--stage \(stage): the scenario has one objective (value), so its model is stage 1; leave --stage out"
                )
            }
            return model.program
        }
        guard let stage else {
            throw .usage(
                "the scenario optimises \(stages.count) objectives in turn (objective.stages: \(names)), each stage a model of its own with the earlier stages held at their values; export one with --stage N (N from 1 to \(stages.count))"
            )
        }
        guard (1...stages.count).contains(stage) else {
            throw .usage(
                "--stage \(stage) is out of range: objective.stages has \(stages.count) stages (\(names)); give N from 1 to \(stages.count)"
            )
        }
        do {
            return try StagedSolve.program(
                ofStage: stage, model: model, scenario: scenario, stages: stages, solver: solver,
                options: Solving.options(for: scenario), asTheRun: true)
        } catch let error as StagedSolve.ExportError {
            throw .noSolution(error.description)
        } catch {
            throw .solver("while solving the stages before stage \(stage)", cause: error)
        }
    }
}
