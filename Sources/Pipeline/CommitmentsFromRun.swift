import Foundation
import Scenario

extension RunCommand {
    /// The scenario with `--commitments-from`'s plan as its commitments, or as loaded without the option.
    static func withPreviousCommitments(
        _ scenario: Scenario, request: Request, log: (String) -> Void
    ) throws(RunFailure) -> Scenario {
        guard let folder = request.commitmentsFrom else { return scenario }
        do {
            let committed = try ScenarioLoader.withCommitments(
                fromRun: folder, mode: request.commitmentsMode, to: scenario)
            let posts = committed.commitments.reduce(0) { $0 + $1.committedPosts }
            log(
                "commitments from \(folder): \(posts) posts at \(Set(committed.commitments.map(\.structureID)).count) structures, \(request.commitmentsMode.rawValue)"
                    + (scenario.commitments.isEmpty ? "" : " (in place of the scenario's commitments table)"))
            ScenarioLoader.previousPlanContradictions(fromRun: folder, scenario: scenario).forEach(log)
            return committed
        } catch {
            throw .input(error)
        }
    }
}
