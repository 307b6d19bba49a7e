import AllocationModel
import Baselines
import Scenario

/// What a scenario names by id and a study needs resolved before any solve: the objective stages' targets
/// (`closeness:<baseline>` → the baseline's seats, `closeness:run:<folder>` → a previous run's posts) and the
/// canonical tie-break's seats. Resolved here, once, so that an unknown id is a configuration error (exit 78)
/// before anything is locked or solved, and so that Pipeline never needs to know the baselines.
public enum StudyTargets {
    /// The objective stages and the tie-break, resolved together: what `OnePlan.solve` takes.
    public struct Targets: Sendable {
        public let stages: [ObjectiveStage]
        public let tieBreak: (name: String, seats: [String: Int])?
    }

    /// Both, each baseline's seats computed once (the tie-break's first, so its error comes first as before).
    public static func resolve(for scenario: Scenario) throws(ScenarioError) -> Targets {
        let tieBreak = try tieBreak(for: scenario)
        return Targets(stages: try stages(for: scenario), tieBreak: tieBreak)
    }

    /// The scenario's `objective.stages`, with each `closeness:<baseline>` resolved to the baseline's
    /// posts per territory (an unknown baseline is a configuration error, exit 78, before any solve). The
    /// tie-break's baseline is checked with them: every caller checks these before solving.
    public static func objectiveStages(for scenario: Scenario) throws(ScenarioError) -> [ObjectiveStage] {
        try resolve(for: scenario).stages
    }

    private static func stages(for scenario: Scenario) throws(ScenarioError) -> [ObjectiveStage] {
        var stages: [ObjectiveStage] = []
        var seen = Set<String>()
        for name in scenario.parameters.comparison.stages {
            // A stage already held within the gap cannot improve when solved again, and its row would be a second
            // `stage_<name>`: a repeat is refused like any other wrong stage (exit 78, by validate and run alike).
            guard seen.insert(name).inserted else {
                throw ScenarioError([
                    Diagnostic(
                        .configuration, scenario.parameters.location(of: "objective.stages"),
                        "stage '\(name)' is listed twice in 'objective.stages': list each stage once")
                ])
            }
            if let stage = ObjectiveStage(name: name) {
                stages.append(stage)
                continue
            }
            guard name.hasPrefix("closeness:") else {
                throw ScenarioError([
                    Diagnostic(
                        .configuration, scenario.parameters.location(of: "objective.stages"),
                        "unknown stage '\(name)' (expected value, coverage, maxmin, cost, endow or closeness:<baseline>)"
                    )
                ])
            }
            let id = String(name.dropFirst("closeness:".count))
            // Stability: as close as possible to a previous run's posts per territory (docs/model.md, "Commitments and
            // waves").
            if id.hasPrefix("run:") {
                let folder = String(id.dropFirst("run:".count))
                // Per structure when the run wrote its structures' table, else per territory (docs/model.md).
                stages.append(
                    .closeness(
                        name: id, target: try PreviousRun.territoryPosts(folder),
                        previous: try PreviousRun.structurePosts(folder) ?? []))
                continue
            }
            do {
                let spec = try BaselineSpec(parsing: id)
                stages.append(.closeness(name: id, target: try Baselines.seats(for: spec, scenario: scenario)))
            } catch {
                throw ScenarioError([
                    Diagnostic(
                        .configuration, scenario.parameters.location(of: "objective.stages"),
                        "stage '\(name)': \(error)")
                ])
            }
        }
        return stages
    }

    /// The scenario's `objective.tie_break` (docs/model.md, "One canonical plan"): the baseline whose seats pick one
    /// plan among the optima, with those seats per territory; nil when the scenario asks for none.
    public static func tieBreak(for scenario: Scenario) throws(ScenarioError) -> (name: String, seats: [String: Int])? {
        guard let id = scenario.parameters.objective.tieBreak else { return nil }
        do {
            let spec = try BaselineSpec(parsing: id)
            return (id, try Baselines.seats(for: spec, scenario: scenario))
        } catch {
            throw ScenarioError([
                Diagnostic(
                    .configuration, scenario.parameters.location(of: "objective.tie_break"),
                    "'objective.tie_break': \(error) (expected a baseline id such as webster:need, docs/baselines.md, or none)"
                )
            ])
        }
    }

    /// The funding option of the real 2021 plan, when the structures carry one (the decomposition's funding rule).
    public static func observedOption(_ scenario: Scenario) -> String? { Baselines.observedOption(scenario)?.id }
}
