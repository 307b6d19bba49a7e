import AllocationModel
import Foundation
import Scenario
import Studies

/// What an infeasible run publishes: `conflict.csv` (the irreducible set of conflicting rules) and a
/// report that says why no plan exists and the smallest repair, in the analyst's words.
public enum ConflictReport {
    public static func csv(_ explanation: InfeasibilityExplanation) -> String {
        var writer = CSVWriter(columns: ["constraint", "family", "scope", "bound", "value", "description"])
        for member in explanation.conflict {
            writer.append([
                .text(member.constraint), .text(member.family), .text(member.scope), .text(member.bound),
                .number(member.value, decimals: 2), .text(member.description),
            ])
        }
        return writer.text
    }

    public static func repairsCSV(_ explanation: InfeasibilityExplanation) -> String {
        var writer = CSVWriter(columns: ["constraint", "amount", "override", "sentence"])
        for repair in explanation.repairs {
            writer.append([
                .text(repair.constraint), .number(repair.amount, decimals: 2), .text(repair.override ?? ""),
                .text(repair.sentence),
            ])
        }
        return writer.text
    }

    public static func markdown(_ explanation: InfeasibilityExplanation, scenario: Scenario) -> String {
        let parameters = scenario.parameters
        var out = [
            "# \(MarkdownText.inline(parameters.title.isEmpty ? parameters.name : parameters.title))", "",
            "## Status", "",
            "**Infeasible.** No plan satisfies every rule of scenario \(MarkdownText.code(parameters.name)) at once; nothing was allocated.",
            "",
            "## The smallest repair", "",
            "Relaxing these bounds, and nothing else, makes a plan possible (found by re-solving with a penalised slack on each policy rule):",
            "",
        ]
        for repair in explanation.repairs {
            out.append(
                "- \(MarkdownText.inline(repair.sentence))"
                    + (repair.override.map { " — " + MarkdownText.code("--set \($0)") } ?? ""))
        }
        out += [
            "", "## The rules in conflict", "",
            "Together these rules cannot all hold; drop any one of them and the others can (host capacities kept as they are):",
            "",
            "| rule | what it says |", "| --- | --- |",
        ]
        for member in explanation.conflict {
            out.append("| \(MarkdownText.code(member.constraint)) | \(MarkdownText.inline(member.description)) |")
        }
        out += ["", "`conflict.csv` and `repairs.csv` hold the same in tables."]
        return out.joined(separator: "\n") + "\n"
    }
}
