import Foundation

/// Reads the `commitments` table (docs/scenarios.md): every bad row is reported with its file:line:column, before
/// anything is solved. What only a solve can show (commitments over the budget, a cap or a floor's room) is left to
/// the model, whose `commitment[…]` rows the infeasibility explainer then names.
enum CommitmentTable {
    /// What a commitment row must not repeat: its structure and funding option (none for a `max` row).
    struct RowKey: Hashable {
        let structureID: String
        let option: String?
    }

    static func columns(modeColumn: Bool) -> [TableReader.Column] {
        [
            .init(name: "structure_id", required: true), .init(name: "posts", required: true),
            .init(name: "funding_option", required: true),
        ] + (modeColumn ? [.init(name: "mode", required: true)] : [])
    }

    /// `structures` and `parameters`: what the rows are checked against, nil when they could not be read.
    /// `mode`: the mode of every row when the table has no `mode` column (a previous run's
    /// `allocation_by_structure.csv`).
    static func commitments(
        _ table: CSVTable, structures: [HostStructure]?, territories: [Territory],
        parameters: ScenarioParameters?, mode fixedMode: Commitment.Mode? = nil
    ) -> ([Commitment], DiagnosticCollector) {
        var reader = TableReader(table: table, columns: columns(modeColumn: fixedMode == nil))
        let structureByID = structures.map { Dictionary($0.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) }
        let idByLowercase = Dictionary((structures ?? []).map { ($0.id.lowercased(), $0.id) }, uniquingKeysWith: min)
        let overseas = Dictionary(territories.map { ($0.code, $0.overseas) }, uniquingKeysWith: { a, _ in a })
        var result: [Commitment] = []
        var firstLine: [RowKey: Int] = [:]
        var modeAt: [String: (mode: Commitment.Mode, line: Int)] = [:]
        var postsAt: [String: Int] = [:]
        var hostMoneyAt: [String: Double] = [:]
        for record in table.records where record.count == table.header.count {
            let id = reader.text(record, "structure_id")
            let posts = reader.integer(record, "posts", in: 0...100_000)
            let optionText = reader.text(record, "funding_option", optional: true)
            let modeText = fixedMode == nil ? reader.text(record, "mode") : nil
            var mode = fixedMode
            if let modeText, let field = reader.field(record, "mode") {
                mode = Commitment.Mode(rawValue: modeText.lowercased())
                if mode == nil {
                    reader.fail(field, "mode", "unknown mode '\(Shown.value(modeText))' (expected locked, min or max)")
                }
            }
            guard let id, let posts, let mode else { continue }
            let idField = reader.field(record, "structure_id")!
            let optionField = reader.field(record, "funding_option")!
            if optionText == nil && mode != .max {
                reader.fail(
                    optionField, "funding_option", "a \(mode.rawValue) commitment needs the funding option of its posts"
                )
                continue
            }
            guard let structureByID else { continue }
            guard let structure = structureByID[id] else {
                let near =
                    idByLowercase[id.lowercased()].map { " (did you mean '\($0)'? ids are matched exactly)" } ?? ""
                reader.fail(
                    idField, "structure_id",
                    "unknown structure '\(Shown.value(id))' (not in the structures table)\(near)")
                continue
            }
            let key = RowKey(structureID: id, option: optionText)
            if let line = firstLine[key] {
                reader.fail(
                    idField, "structure_id",
                    "duplicated commitment for structure '\(id)'\(optionText.map { " and option '\($0)'" } ?? ""): also on line \(line)"
                )
                continue
            }
            firstLine[key] = idField.line
            if let first = modeAt[id], first.mode != mode {
                reader.fail(
                    reader.field(record, "mode") ?? idField, "mode",
                    "structure '\(id)' is '\(first.mode.rawValue)' on line \(first.line) and '\(mode.rawValue)' here: give a structure one mode"
                )
                continue
            }
            modeAt[id] = modeAt[id] ?? (mode, idField.line)
            guard let parameters else { continue }
            var hostShare = 0.0
            if let optionText {
                guard let option = parameters.fundingOptions.first(where: { $0.id == optionText }) else {
                    let known = parameters.fundingOptions.map(\.id).joined(separator: ", ")
                    reader.fail(
                        optionField, "funding_option",
                        "unknown funding option '\(Shown.value(optionText))' (the scenario defines: \(known))")
                    continue
                }
                if let kind = parameters.kind(structure.kind) {
                    hostShare =
                        FundingTerms(kind: kind, option: option, overseas: overseas[structure.territory] ?? false)
                        .hostCostEUR
                }
            }
            if mode != .max {
                let total = (postsAt[id] ?? 0) + posts
                if total > structure.capacity {
                    reader.fail(
                        reader.field(record, "posts")!, "posts",
                        "\(total) committed posts at structure '\(id)', which can take \(structure.capacity) (its capacity in the structures table)"
                    )
                    continue
                }
                let money = (hostMoneyAt[id] ?? 0) + Double(posts) * hostShare
                // Half a cent, as the verifier: host shares are whole cents.
                if hostShare > 0 && money > structure.cofinancingEUR + 0.005 {
                    reader.fail(
                        optionField, "funding_option",
                        "option '\(optionText!)' is not open to structure '\(id)' for \(posts) post(s): "
                            + "its host shares come to \(String(format: "%.2f", money)) € and the structure co-finances \(String(format: "%.2f", structure.cofinancingEUR)) € (its kind '\(structure.kind)' pays \(String(format: "%.2f", hostShare)) € a post)"
                    )
                    continue
                }
                postsAt[id] = total
                hostMoneyAt[id] = money
            }
            result.append(
                Commitment(
                    structureID: id, posts: posts, option: optionText, mode: mode, location: reader.location(idField)))
        }
        return (result, reader.errors)
    }
}
