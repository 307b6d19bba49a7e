import Foundation
import Reports
import Scenario

/// The files of `repartir diff`: `diff.md` (a page that says what moved and, where the manifests
/// allow it, why), `changes.csv` (one row per territory or structure whose posts moved),
/// `input_changes.csv`, `summary_changes.csv`, their `datapackage.json`, and a small `manifest.json`
/// naming the two runs (so `--out DIR` can replace an earlier diff like a run folder).
public enum RunDiffReport {
    public static let tables: [DataPackage.Table] = [
        DataPackage.Table(
            file: "changes.csv",
            description: "One row per territory or host structure whose posts differ between run A and run B.",
            fields: [
                DataPackage.text("level", "territory or structure."),
                DataPackage.text("code", "territory_code or structure_id. " + DataPackage.code),
                DataPackage.text("name", "Territory or structure name."),
                DataPackage.text(
                    "parent_code", "The territory's région, or the structure's territory. " + DataPackage.code),
                DataPackage.integer("before", unit: "posts", "Posts in run A (0 if absent)."),
                DataPackage.integer("after", unit: "posts", "Posts in run B (0 if absent)."),
                DataPackage.integer("change", unit: "posts", "after − before."),
            ], dynamic: [], primaryKey: ["level", "code"], foreignKeys: []),
        DataPackage.Table(
            file: "input_changes.csv",
            description: "Inputs that differ: parameters, input file hashes by role, versions.",
            fields: [
                DataPackage.text("kind", "parameter, input or version."),
                DataPackage.text("name", "Parameter key, input role (scenario, territories, structures) or program."),
                DataPackage.text("before", "Value in run A (a SHA-256 for an input); empty if absent.", nullable: true),
                DataPackage.text("after", "Value in run B; empty if absent.", nullable: true),
            ], dynamic: [], primaryKey: ["kind", "name"], foreignKeys: []),
        DataPackage.Table(
            file: "summary_changes.csv",
            description: "Every figure of either run's summary.csv; a run without a plan leaves its side empty.",
            fields: [
                DataPackage.text("name", "Column of summary.csv."),
                DataPackage.text("before", "Value in run A, as written.", nullable: true),
                DataPackage.text("after", "Value in run B, as written.", nullable: true),
                DataPackage.number(
                    "change", unit: "the figure's unit", decimals: 10, "after − before, for numbers; empty otherwise.",
                    nullable: true),
            ], dynamic: [], primaryKey: ["name"], foreignKeys: []),
    ]

    public static func files(_ diff: RunDiff) -> [(name: String, content: Data)] {
        var files: [(name: String, content: Data)] = [
            ("diff.md", Data(markdown(diff).utf8)),
            ("changes.csv", Data(changesCSV(diff).utf8)),
            ("input_changes.csv", Data(inputChangesCSV(diff).utf8)),
            ("summary_changes.csv", Data(summaryChangesCSV(diff).utf8)),
        ]
        files.append(
            (
                name: DataPackage.fileName,
                content: Data(
                    DataPackage.render(files, tables: tables, name: "repartir-diff", title: "repartir diff").utf8)
            ))
        let manifest = """
            {
              "kind": "diff",
              "repartir_version": \(JSON.string(Manifest.repartirVersion)),
              "a": \(JSON.string(diff.a.folder)),
              "b": \(JSON.string(diff.b.folder)),
              "changed": \(diff.hasChanges)
            }

            """
        files.append((name: "manifest.json", content: Data(manifest.utf8)))
        return files
    }

    // MARK: CSV

    public static func changesCSV(_ diff: RunDiff) -> String {
        var writer = CSVWriter(columns: ["level", "code", "name", "parent_code", "before", "after", "change"])
        for move in diff.moves {
            writer.append([
                .text(move.level), .text(move.code), .text(move.name), .text(move.parent),
                .integer(move.before), .integer(move.after), .integer(move.change),
            ])
        }
        return writer.text
    }

    public static func inputChangesCSV(_ diff: RunDiff) -> String {
        var writer = CSVWriter(columns: ["kind", "name", "before", "after"])
        for change in diff.inputChanges {
            writer.append([
                .text(change.kind), .text(change.name), change.before.map { .text($0) } ?? .empty,
                change.after.map { .text($0) } ?? .empty,
            ])
        }
        return writer.text
    }

    public static func summaryChangesCSV(_ diff: RunDiff) -> String {
        var writer = CSVWriter(columns: ["name", "before", "after", "change"])
        for delta in diff.summaryDeltas {
            writer.append([
                .text(delta.name), (delta.before ?? "").isEmpty ? .empty : .text(delta.before ?? ""),
                (delta.after ?? "").isEmpty ? .empty : .text(delta.after ?? ""),
                // Ten decimals: a change of the relative gap (8 decimals in summary.csv) must not round to 0.
                delta.change.map { .number($0, decimals: 10) } ?? .empty,
            ])
        }
        return writer.text
    }

    // MARK: Markdown

    public static func markdown(_ diff: RunDiff) -> String {
        let escape = MarkdownReport.escape
        var out = ["# What changed between two runs", ""]
        for (label, run) in [("A", diff.a), ("B", diff.b)] {
            let started = run.manifest.startedAt.map { ", started \($0)" } ?? ""
            out.append(
                "- **\(label)**: `\(escape(run.folder))` (scenario `\(escape(run.manifest.scenario))`, \(run.manifest.status)\(started))"
            )
        }
        out.append("")
        guard diff.hasChanges else {
            out.append(
                "**No change.** Same versions, parameters and input files, same results: every territory and structure has the same posts."
            )
            return out.joined(separator: "\n") + "\n"
        }
        out.append("**" + (whySentences(diff) + movedSentences(diff)).joined(separator: " ") + "**")
        out.append("")
        if !diff.inputChanges.isEmpty {
            out += ["## Inputs", "", "| what | name | A | B |", "| --- | --- | --- | --- |"]
            for change in diff.inputChanges {
                out.append(
                    "| \(change.kind) | `\(escape(change.name))` | \(shownValue(change.before)) | \(shownValue(change.after)) |"
                )
            }
            out.append("")
        }
        let changed = diff.summaryDeltas.filter { $0.before != $0.after }
        if !changed.isEmpty {
            out += ["## Headline figures", "", "| figure | A | B | change |", "| --- | ---: | ---: | ---: |"]
            for delta in changed {
                let change =
                    delta.change.map { ($0 > 0 ? "+" : "") + Format.fixed($0, decimals: decimals(delta.after ?? "")) }
                    ?? ""
                let before = delta.before.map(escape) ?? "—", after = delta.after.map(escape) ?? "—"
                out.append("| `\(delta.name)` | \(before) | \(after) | \(change) |")
            }
            out.append("")
        }
        let territories = diff.moves.filter { $0.level == "territory" }.sorted {
            ($0.change, $0.code) < ($1.change, $1.code)
        }
        if !territories.isEmpty {
            out += [
                "## Territories whose posts moved", "", "| territory | A | B | change |",
                "| --- | ---: | ---: | ---: |",
            ]
            for move in territories {
                out.append(
                    "| \(escape(move.name)) (\(escape(move.code))) | \(move.before) | \(move.after) | \(signed(move.change)) |"
                )
            }
            out.append("")
        }
        let structures = diff.moves.filter { $0.level == "structure" }
        if !structures.isEmpty {
            out.append(
                "\(Format.grouped(structures.count)) host structure(s) changed posts; `changes.csv` lists each one with its posts before and after."
            )
            out.append("")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Why, from the manifests: each parameter, input file or version that differs, in words.
    static func whySentences(_ diff: RunDiff) -> [String] {
        var parts: [String] = []
        for change in diff.inputChanges {
            switch change.kind {
            case "parameter": parts.append(parameterSentence(change))
            case "input":
                parts.append(
                    "the \(change.name) file changed (SHA-256 \(shortened(change.before ?? "none")) → \(shortened(change.after ?? "none")))"
                )
            default:
                parts.append(
                    "\(change.name) changed from \(change.before ?? "unknown") to \(change.after ?? "unknown")")
            }
        }
        if parts.isEmpty {
            return [
                "The two runs had the same versions, parameters and input files, yet their results differ (a time limit or the gap tolerance can stop the solver at another plan of equal merit)."
            ]
        }
        let sentence = parts.joined(separator: "; ")
        return [sentence.prefix(1).uppercased() + sentence.dropFirst() + "."]
    }

    static func parameterSentence(_ change: RunDiff.Change) -> String {
        let number = { (text: String?) in text.flatMap { Double($0.replacingOccurrences(of: "_", with: "")) } }
        if let before = number(change.before), let after = number(change.after) {
            let direction = after > before ? "rose" : "fell"
            if change.name == ParameterKeys.budget {
                return
                    "the budget \(direction) by \(Format.millions(abs(after - before), decimals: abs(after - before) < 1e6 ? 3 : 0)) (\(Format.millions(before)) → \(Format.millions(after)))"
            }
            if change.name == ParameterKeys.posts {
                return "the posts available \(direction) from \(Format.grouped(before)) to \(Format.grouped(after))"
            }
            return "`\(change.name)` \(direction) from \(change.before!) to \(change.after!)"
        }
        // An empty value (e.g. `--set robustness.capacity_factors=`) is said so, not printed as nothing.
        func said(_ text: String?) -> String { text.map { $0.isEmpty ? "an empty value" : $0 } ?? "its default" }
        switch (change.before, change.after) {
        case let (nil, after?): return "`\(change.name)` was set to \(said(after))"
        case let (before?, nil): return "`\(change.name)` (\(said(before))) went back to its default"
        default: return "`\(change.name)` changed from \(said(change.before)) to \(said(change.after))"
        }
    }

    /// A value in the table of changes: in code, "(empty)" for an empty one (an empty code span renders wrongly), "—"
    /// when absent.
    static func shownValue(_ text: String?) -> String {
        guard let text else { return "—" }
        return text.isEmpty ? "(empty)" : "`\(MarkdownReport.escape(shortened(text)))`"
    }

    /// What moved: the posts that left and reached territories, with the five largest of each.
    static func movedSentences(_ diff: RunDiff) -> [String] {
        if diff.a.hasPlan != diff.b.hasPlan {
            return [
                diff.b.hasPlan
                    ? "Run A has no plan (\(diff.a.manifest.status)); run B has one."
                    : "Run B has no plan (\(diff.b.manifest.status)); run A had one."
            ]
        }
        let territories = diff.moves.filter { $0.level == "territory" }
        guard !territories.isEmpty else { return ["No territory's posts moved."] }
        var sentences: [String] = []
        let losses = territories.filter { $0.change < 0 }.sorted { ($0.change, $0.code) < ($1.change, $1.code) }
        let gains = territories.filter { $0.change > 0 }.sorted { (-$0.change, $0.code) < (-$1.change, $1.code) }
        func list(_ moves: [RunDiff.Move]) -> String {
            moves.prefix(5).map { "\($0.name) (\($0.code)) \(signed($0.change))" }.joined(separator: ", ")
        }
        func postCount(_ count: Int) -> String { "\(Format.grouped(count)) post\(count == 1 ? "" : "s")" }
        func territoryCount(_ count: Int) -> String { "\(count) territor\(count == 1 ? "y" : "ies")" }
        func largest(_ count: Int, _ singular: String, _ plural: String) -> String {
            let words = [2: "two", 3: "three", 4: "four", 5: "five"]
            return count == 1 ? "the \(singular)" : "the \(words[min(5, count)]!) largest \(plural)"
        }
        if !losses.isEmpty {
            let count = -losses.reduce(0) { $0 + $1.change }
            sentences.append(
                "\(postCount(count)) left \(territoryCount(losses.count)); \(largest(losses.count, "loss", "losses")): \(list(losses))."
            )
        }
        if !gains.isEmpty {
            let count = gains.reduce(0) { $0 + $1.change }
            sentences.append(
                "\(postCount(count)) went to \(territoryCount(gains.count)); \(largest(gains.count, "gain", "gains")): \(list(gains))."
            )
        }
        return sentences
    }

    static func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : "\(value)" }

    static func shortened(_ text: String) -> String {
        text.count == 64 && text.allSatisfy(\.isHexDigit) ? String(text.prefix(12)) + "…" : text
    }

    static func decimals(_ text: String) -> Int {
        text.split(separator: ".").dropFirst().first.map { $0.count } ?? 0
    }
}
