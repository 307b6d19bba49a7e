import AllocationModel
import Foundation
import LinearProgramming
import Studies

/// What the run's time budget and limits did to it: which analyses were cut short (a re-solve stopped at a
/// limit, or never started for want of time) and whether the plan depends on timing. Said in the report
/// and the log, so a shortened night is never mistaken for a complete one.
public enum RunLimitsSection {
    /// Why a commune plan depends on the machine's speed when the run's budget stopped its local improvement (its own
    /// allowance is counted in work, the same on every machine): the reason the run states (manifest and report).
    public static let communeImprovementReason =
        "the run's time budget stopped the commune plan's local improvement with moves left to value"

    /// The analyses that did not finish: sensitivity rows and frontier points a limit stopped, frontier points missing.
    public static func cutShort(rows: [Sensitivity.Row], points: [Frontier.Point]?, pointsAsked: Int) -> [String] {
        var found = rows.filter { stoppedByLimit($0.status) }.map {
            "sensitivity '\($0.label)': \(statusText($0.status, gap: $0.relativeGap))"
        }
        if pointsAsked >= 2, (points?.count ?? 0) < pointsAsked {
            found.append("frontier: \(points?.count ?? 0) of \(pointsAsked) points")
        }
        // A point whose slices stopped without proving its gap (node-counted, so the same on every run).
        for point in points ?? [] where stoppedByLimit(point.status) {
            found.append(
                "frontier point at a floor of \(Format.percent(point.epsilon)): \(statusText(point.status, gap: point.relativeGap))"
            )
        }
        return found
    }

    /// Robustness variants a limit stopped (or left no time for): their rows compare a plan that is not proven, or
    /// none.
    public static func cutShort(robustness rows: [Robustness.Row]) -> [String] {
        rows.filter { stoppedByLimit($0.status) }.map {
            "robustness '\($0.label)': \(statusText($0.status, gap: $0.relativeGap))"
        }
    }

    /// Decomposition re-solves a limit stopped (or left no time for): the split is then only as good as their gaps.
    public static func cutShort(decomposition outcome: Decomposition.Outcome, observed: String = "2021") -> [String] {
        outcome.solved.filter { $0.combination != .scenario && stoppedByLimit($0.status) }.map {
            "decomposition '\($0.combination.name(observed: observed))': \(statusText($0.status, gap: $0.relativeGap))"
        }
            + [
                ("placement at the \(observed) terms", outcome.placementAtObservedTerms),
                ("placement at the scenario's terms", outcome.placementAtScenarioTerms),
            ].compactMap { label, solved in
                solved.flatMap {
                    stoppedByLimit($0.status)
                        ? "decomposition '\(label)': \(statusText($0.status, gap: $0.relativeGap))" : nil
                }
            }
    }

    /// A re-solve's status when a limit, not the model, ended it: a plan not proven (`feasible`), none found in time,
    /// cancelled, or never started. `infeasible` or `rejected` are answers, not cuts.
    static func stoppedByLimit(_ status: String) -> Bool {
        status == SolveStatus.feasible.rawValue || status == SolveStatus.noSolution.rawValue
            || status == SolveStatus.interrupted.rawValue || status == "skipped: no time left"
    }

    static func statusText(_ status: String, gap: Double?) -> String {
        guard let gap else { return status }
        return "\(status), gap \(Format.percent(gap, decimals: 4))"
    }

    public static func logLine(budgetSeconds: Double, cutShort: [String]) -> String {
        let budget = budgetSeconds.isFinite ? "\(Format.fixed(budgetSeconds, decimals: 1)) s" : "none"
        return cutShort.isEmpty
            ? "time budget \(budget): every analysis finished"
            : "time budget \(budget): analyses cut short by a limit (their node slices, their share of the time or the budget): "
                + cutShort.joined(separator: "; ")
    }

    public static func section(budgetSeconds: Double, cutShort: [String], timingDependence: String?) -> String {
        var lines = ["## Time budget and determinism", ""]
        let budget = budgetSeconds.isFinite ? "\(Format.fixed(budgetSeconds, decimals: 1)) s" : "none"
        lines.append(
            "The whole run had a budget of \(budget) (`--time-limit`, `solver.time_limit_seconds`); the plan was solved first, the analyses shared what remained."
        )
        lines.append("")
        if cutShort.isEmpty {
            lines.append("Every analysis finished.")
        } else {
            lines.append("Analyses cut short (a limit stopped them, or no time was left to start them):")
            lines.append("")
            lines += cutShort.map { "- \($0)" }
        }
        lines.append("")
        if let timingDependence {
            // Every step a clock can stop finishes with more time: the commune plan's local improvement too, whose own
            // allowance is counted in work (docs/model.md, "Solving the commune model").
            lines.append(
                "**Not deterministic:** \(timingDependence). Two identical runs may publish different results there; with more time (or a larger `--mip-gap`) the solves finish and the results are the same every time."
            )
        } else {
            lines.append("Deterministic: every solve of the plan finished, so identical inputs give this same plan.")
        }
        return lines.joined(separator: "\n") + "\n\n"
    }
}
