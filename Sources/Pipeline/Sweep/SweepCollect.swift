import Foundation
import Reports
import Scenario

/// `repartir sweep collect ROOT/<sweep>`: merges whatever shards have finished into one tidy table,
/// `sweep.csv` (one row per variant of the plan: finished, failed or missing, never a hole),
/// `sweep.md` (headline figures) with its chart `sweep.svg`, and `datapackage.json`. Only reads the folder; each
/// file is replaced atomically, so two collects, or a collect during shards, never leave half a file.
public enum SweepCollect {
    public struct Result: Sendable {
        public let folder: String
        public let variants: Int
        /// Variants with an outcome other than a signal's (those are `interrupted`).
        public let finished: Int
        public var interrupted: Int { SweepCollect.interrupted(in: failed) }
        public let missing: [String]
        public let failed: [(id: String, exitCode: Int32, message: String)]
        /// Variants whose outcome file exists but cannot be read (damaged by hand or by a disk): counted as missing,
        /// and said (a review found them listed as missing without a word).
        public var unreadable: [String] = []
        /// Run tables changed since their run (their SHA-256 is not the one their manifest records): their figures
        /// are left empty in sweep.csv, and said.
        public var changed: [String] = []
    }

    /// Figures copied from each run folder's summary.csv, as written (no reformatting).
    static let summaryColumns = [
        "objective", "best_bound", "relative_gap", "posts", "state_cost_eur", "coverage", "coverage_ratio",
        "territories_endowed",
    ]
    /// With a demand table, the commune plan's answer, from summary.csv: present when a variant's summary has it.
    /// The failed variants a signal stopped (`interrupted`): neither finished nor missing.
    static func interrupted(in failed: [(id: String, exitCode: Int32, message: String)]) -> Int {
        failed.filter { RunsLog.status($0.exitCode) == "interrupted" }.count
    }

    static let communeColumns = [
        "commune_status", "commune_value", "commune_bound", "commune_relative_gap", "commune_posts",
        "commune_state_cost_eur", "commune_people_covered", "commune_white_zone_people",
    ]
    /// The optimised plan's equity figures, from comparison.csv.
    static let equityColumns = [
        "posts_per_100k_gini", "coverage_ratio_gini", "coverage_ratio_min", "territories_under_threshold",
    ]

    public static func collect(_ path: String) throws(RunFailure) -> Result {
        let folder = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let data = FileManager.default.contents(atPath: "\(folder)/\(SweepStore.planFile)"),
            let plan = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let variants = plan["variants"] as? [[String: Any]], let keyObjects = plan["keys"] as? [[String: Any]]
        else {
            throw .input(
                ScenarioError([
                    Diagnostic(
                        .missingFile, SourceLocation(file: "\(folder)/\(SweepStore.planFile)"),
                        "not a sweep folder: no readable \(SweepStore.planFile) (give ROOT/<sweep id>, written by repartir sweep)"
                    )
                ]))
        }
        let keys = keyObjects.compactMap { object -> (key: String, type: String)? in
            guard let key = object["key"] as? String else { return nil }
            return (key, object["type"] as? String ?? "string")
        }
        var missing: [String] = [], failed: [(id: String, exitCode: Int32, message: String)] = []
        var unreadable: [String] = []
        var changed: [String] = []
        var rows: [[String: String]] = []
        for variant in variants {
            guard let id = variant["id"] as? String else { continue }
            let overrides = variant["overrides"] as? [String: String] ?? [:]
            var row: [String: String] = ["variant_id": id]
            for key in keys { row[key.key] = overrides[key.key].map { typed($0, key.type) } ?? "" }
            // An outcome of other inputs (the sweep file changed since) is not this plan's result.
            let current = SweepStore.readOutcome(folder, id).flatMap { outcome in
                (variant["fingerprint"] as? String).map { $0 == outcome.fingerprint } ?? true ? outcome : nil
            }
            if let outcome = current {
                row["status"] = RunsLog.status(outcome.exitCode)
                row["exit_code"] = String(outcome.exitCode)
                row["message"] = RunsLog.oneLine(outcome.message)
                row["wall_seconds"] = Format.fixed(outcome.wallSeconds, decimals: 3)
                row["run_folder"] = outcome.runFolder ?? ""
                if let run = outcome.runFolder {
                    // A parameter the variant leaves at the base scenario's value: the value its run recorded, so a
                    // notebook's group-by sees every variant's setting, not an empty cell.
                    let manifest = try? RunManifest.read(folder: "\(folder)/\(run)")
                    let used = manifest?.parameters ?? [:]
                    for key in keys where row[key.key, default: ""].isEmpty {
                        row[key.key] = used[key.key].map { typed($0, key.type) } ?? ""
                    }
                    // A table changed since its run (its SHA-256 is not the manifest's) is left out, and said: a
                    // review found a garbled `posts` copied into sweep.csv, against its own declared type.
                    func intact(_ name: String) -> Bool {
                        guard manifest?.outputChange(name, in: "\(folder)/\(run)") != nil else { return true }
                        changed.append("\(folder)/\(run)/\(name)")
                        return false
                    }
                    let summary =
                        intact("summary.csv") ? csvRecord(at: "\(folder)/\(run)/summary.csv") { _ in true } : [:]
                    for column in summaryColumns + communeColumns { row[column] = summary[column] ?? "" }
                    let equity =
                        intact("comparison.csv")
                        ? csvRecord(at: "\(folder)/\(run)/comparison.csv") { $0["plan"] == "optimised" } : [:]
                    for column in equityColumns { row[column] = equity[column] ?? "" }
                }
                if !SweepRunner.published.contains(outcome.exitCode) {
                    failed.append((id, outcome.exitCode, outcome.message))
                }
            } else {
                row["status"] = "missing"
                missing.append(id)
                let path = SweepStore.outcomePath(folder, id)
                if let other = SweepStore.readOutcome(folder, id), other.runFolder != nil {
                    // Not a hole: a run from other inputs (a changed scenario, or a sweep file of the same name with
                    // other settings) is there; a review read "missing" beside six folders.
                    row["message"] =
                        "its folder holds a run from other inputs (the scenario changed, or another sweep file of the same name ran): rerun this sweep to redo it"
                } else if FileManager.default.fileExists(atPath: path) && SweepStore.readOutcome(folder, id) == nil {
                    row["message"] =
                        "its outcome file \(path) cannot be read: counted as missing, rerun the sweep to redo it"
                    unreadable.append(id)
                }
            }
            rows.append(row)
        }
        let commune = rows.contains { !($0["commune_status"] ?? "").isEmpty }
        let columns =
            ["variant_id"] + keys.map(\.key) + ["status", "exit_code", "message"] + summaryColumns
            + (commune ? communeColumns : []) + equityColumns + ["wall_seconds", "run_folder"]
        var writer = CSVWriter(columns: columns)
        for row in rows {
            writer.append(columns.map { row[$0].map { $0.isEmpty ? .empty : .text($0) } ?? .empty })
        }
        let csv = Data(writer.text.utf8)
        let page = Data(
            SweepPage.markdown(
                sweep: plan["sweep_id"] as? String ?? "", keys: keys.map(\.key), rows: rows,
                missing: missing, failed: failed
            ).utf8)
        let package = Data(
            DataPackage.render(
                [(name: "sweep.csv", content: csv)], tables: [table(keys)],
                name: "repartir-sweep", title: "repartir sweep"
            ).utf8)
        try SweepStore.writeAtomically(csv, name: "sweep.csv", in: folder)
        if let chart = SweepPage.chart(keys: keys.map(\.key), rows: rows) {
            try SweepStore.writeAtomically(Data(chart.utf8), name: "sweep.svg", in: folder)
        }
        try SweepStore.writeAtomically(page, name: "sweep.md", in: folder)
        try SweepStore.writeAtomically(package, name: DataPackage.fileName, in: folder)
        return Result(
            folder: folder, variants: rows.count,
            finished: rows.count - missing.count - Self.interrupted(in: failed),
            missing: missing,
            failed: failed,
            unreadable: unreadable, changed: changed)
    }

    /// A value of the sweep file as its column's type: `900_000` → `900000`, `150e6` → `150000000`.
    static func typed(_ value: String, _ type: String) -> String {
        switch type {
        case "integer": return Int(value.replacingOccurrences(of: "_", with: "")).map(String.init) ?? value
        case "number":
            guard let number = Double(value.replacingOccurrences(of: "_", with: "")) else { return value }
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case "boolean":
            switch value.lowercased() {
            case "true", "yes", "on": return "true"
            case "false", "no", "off": return "false"
            default: return value
            }
        default: return value
        }
    }

    /// The first record of a repartir CSV that `matches`, by column name; empty when absent or unreadable. Read by the
    /// scenario's own CSV reader (`CSVTable`): quoted cells, line breaks inside them, CRLF line ends.
    static func csvRecord(at path: String, where matches: ([String: String]) -> Bool) -> [String: String] {
        guard let table = try? CSVTable(path: path) else { return [:] }
        let header = table.header.map(\.text)
        for fields in table.records {
            let record = Dictionary(zip(header, fields.map(\.text)), uniquingKeysWith: { first, _ in first })
            if matches(record) { return record }
        }
        return [:]
    }

    /// sweep.csv's declaration, with one typed column per varied parameter.
    static func table(_ keys: [(key: String, type: String)]) -> DataPackage.Table {
        typealias P = DataPackage
        let keyFields = keys.map { key -> DataPackage.Field in
            let description =
                "The variant's value of the scenario parameter \(key.key): its own, or the base scenario's as its run recorded it (empty when the variant has no run)."
            switch key.type {
            case "integer": return P.integer(key.key, unit: "as in the scenario file", description, nullable: true)
            case "number":
                return P.numberAsGiven(key.key, unit: "as in the scenario file", description, nullable: true)
            default:
                return P.text(key.key, description + (key.type == "boolean" ? " true or false." : ""), nullable: true)
            }
        }
        let fields =
            [
                P.text(
                    "variant_id",
                    "The variant's stable id: the first 12 hex digits of the SHA-256 of its sorted key=value overrides."
                )
            ]
            + keyFields + [
                P.text(
                    "status",
                    "optimal, feasible, infeasible, a failure's status (as runs.csv), or missing (no shard has run it yet)."
                ),
                P.integer(
                    "exit_code", unit: "exit code", "The variant run's exit code; empty when missing.", nullable: true),
                P.text("message", "What the run said at the end (the error of a failed variant).", nullable: true),
                P.number(
                    "objective", unit: "objective units", decimals: 3, "Objective of the optimised plan.",
                    nullable: true),
                P.number("best_bound", unit: "objective units", decimals: 3, "Solver's best bound.", nullable: true),
                P.number("relative_gap", unit: "ratio", decimals: 8, "Relative gap.", nullable: true),
                P.integer("posts", unit: "posts", "Posts placed.", nullable: true),
                P.number("state_cost_eur", unit: "EUR", decimals: 2, "State cost of the plan.", nullable: true),
                P.number("coverage", unit: "people per year", decimals: 1, "People accompanied.", nullable: true),
                P.number("coverage_ratio", unit: "ratio", decimals: 6, "People accompanied over need.", nullable: true),
                P.integer(
                    "territories_endowed", unit: "territories", "Territories with at least one post.", nullable: true),
                P.text(
                    "commune_status",
                    "With a demand table: the commune plan's status, optimal or feasible (the run exited 10).",
                    nullable: true),
                P.number(
                    "commune_value", unit: "value of coverage", decimals: 3, "The commune plan's objective.",
                    nullable: true),
                P.number(
                    "commune_bound", unit: "value of coverage", decimals: 3,
                    "The bound on the commune plan's objective.",
                    nullable: true),
                P.number(
                    "commune_relative_gap", unit: "ratio", decimals: 8,
                    "Relative gap between the commune plan and its bound.", nullable: true),
                P.integer("commune_posts", unit: "posts", "The commune plan's posts.", nullable: true),
                P.number(
                    "commune_state_cost_eur", unit: "EUR", decimals: 2, "The State's money the commune plan spends.",
                    nullable: true),
                P.number(
                    "commune_people_covered", unit: "people", decimals: 2, "People the commune plan covers.",
                    nullable: true),
                P.integer(
                    "commune_white_zone_people", unit: "people",
                    "People with no site with posts within reach in the commune plan.", nullable: true),
                P.number(
                    "posts_per_100k_gini", unit: "ratio", decimals: 6,
                    "Gini of posts per 100,000 inhabitants across territories.", nullable: true),
                P.number(
                    "coverage_ratio_gini", unit: "ratio", decimals: 6, "Gini of the coverage ratio across territories.",
                    nullable: true),
                P.number(
                    "coverage_ratio_min", unit: "ratio", decimals: 6, "Lowest coverage ratio of a territory.",
                    nullable: true),
                P.integer(
                    "territories_under_threshold", unit: "territories", "Territories under the coverage threshold.",
                    nullable: true),
                P.number("wall_seconds", unit: "s", decimals: 3, "Wall time of the variant's run.", nullable: true),
                P.text(
                    "run_folder",
                    "The variant's run folder, relative to the sweep folder (empty when nothing was published).",
                    nullable: true),
            ]
        return DataPackage.Table(
            file: "sweep.csv", description: "One row per variant of the sweep.", fields: fields, dynamic: [],
            primaryKey: ["variant_id"], foreignKeys: [])
    }
}
