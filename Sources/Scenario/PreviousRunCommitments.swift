import Foundation

extension ScenarioLoader {
    /// The plan's file a run folder holds, read as commitments by `repartir run --commitments-from`.
    public static let previousPlanFile = "allocation_by_structure.csv"

    /// `scenario` with a previous run's plan as its commitments (in place of its `commitments` table, if any): every
    /// (structure, option, posts) of the run folder's `allocation_by_structure.csv`, all with `mode` (locked: tonight's
    /// plan keeps last night's posts where they are; min: it may add to them). The rows are checked as a commitments
    /// table's (a structure no longer in the scenario, more posts than its capacity now… are refused at their
    /// file:line:column, exit 65); a folder without the file is exit 66. The file's bytes join the manifest's inputs.
    public static func withCommitments(
        fromRun folder: String, mode: Commitment.Mode, to scenario: Scenario
    ) throws(ScenarioError) -> Scenario {
        try PreviousRun.requireFolder(
            folder,
            "--commitments-from: no run folder here (give the folder of a previous run, which holds \(previousPlanFile))"
        )
        let path = (folder as NSString).appendingPathComponent(previousPlanFile)
        let bytes = try InputFileReader.bytes(of: path, shownAs: path, what: "the previous run's plan")
        let table = try CSVTable(data: bytes, path: path).withoutFormulaGuards()
        let (commitments, errors) = CommitmentTable.commitments(
            table, structures: scenario.structures, territories: scenario.territories,
            parameters: scenario.parameters, mode: mode)
        try errors.throwIfAny()
        let files =
            scenario.inputFiles.filter { $0.role != "commitments" } + [
                Scenario.InputFile(role: "commitments", path: path, bytes: bytes)
            ]
        return Scenario(
            parameters: scenario.parameters, territories: scenario.territories, structures: scenario.structures,
            inputFiles: files, commitments: commitments, communes: scenario.communes)
    }

    /// The rows of a previous run's plan whose territory or kind is not the scenario's for that structure (the
    /// structures table changed since that run): each committed post is then placed and costed as the scenario says,
    /// which `--commitments-from` says, one warning per row (at most `limit`, then a count), at its file:line:column.
    /// A review found them followed in silence.
    public static func previousPlanContradictions(
        fromRun folder: String, scenario: Scenario, limit: Int = 5
    ) -> [String] {
        let path = (folder as NSString).appendingPathComponent(previousPlanFile)
        guard let table = try? CSVTable(path: path).withoutFormulaGuards() else { return [] }
        let header = table.header.map { TableReader.trimmed($0.text) }
        guard let idColumn = header.firstIndex(of: "structure_id") else { return [] }
        let byID = Dictionary(
            scenario.structures.map { ($0.id.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        var found: [String] = []
        for record in table.records where record.count == header.count {
            guard let structure = byID[TableReader.trimmed(record[idColumn].text).lowercased()] else { continue }
            for (column, own) in [("territory_code", structure.territory), ("kind", structure.kind)] {
                guard let index = header.firstIndex(of: column) else { continue }
                let field = record[index]
                let given = TableReader.trimmed(field.text)
                if given != own {
                    found.append(
                        "warning: \(path):\(field.line):\(field.column): structure '\(structure.id)' has \(column) '\(Shown.value(given))' in the previous run and '\(own)' in this scenario: its committed posts are placed and costed as this scenario says"
                    )
                }
            }
        }
        return found.count > limit
            ? Array(found.prefix(limit)) + ["warning: \(found.count - limit) more such row(s) in \(path)"] : found
    }
}
