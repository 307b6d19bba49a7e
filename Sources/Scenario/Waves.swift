import Foundation

/// One call for applications of a programme rolled out in waves (`waves:` in the scenario, docs/scenarios.md):
/// solved in date order, each wave keeping what the earlier ones placed (docs/model.md, "Commitments and waves").
public struct Wave: Sendable, Hashable {
    public let id: String
    public let label: String
    /// ISO date (YYYY-MM-DD): the waves are solved in date order.
    public let date: String
    /// The kinds of host that may take new posts in this wave (ids), in the scenario's kind order.
    public let kinds: [String]
    /// Posts and State money open by the end of this wave, cumulative (this wave's and every earlier one's).
    public let posts: Int
    public let budgetEUR: Double
    /// A renewal wave starts a new period: each post placed so far may be renewed at its structure (at its kind's
    /// renewal grant) or dropped, and new posts funded instead; `posts` and `budgetEUR` are then its own envelope.
    public let renewal: Bool

    public init(
        id: String, label: String, date: String, kinds: [String], posts: Int, budgetEUR: Double, renewal: Bool = false
    ) {
        self.renewal = renewal
        self.id = id
        self.label = label
        self.date = date
        self.kinds = kinds
        self.posts = posts
        self.budgetEUR = budgetEUR
    }
}

extension ScenarioLoader {
    /// The `waves:` of the scenario in date order, each checked (date, kinds, amounts that never decrease, the last
    /// one opening the whole programme so that the single-shot plan is the like-for-like comparison); [] without.
    static func readWaves(_ reader: inout ParameterReader, kinds: [HostKind], posts: Int?, budget: Double?) -> [Wave] {
        let ids = reader.ids["waves"] ?? []
        guard !ids.isEmpty else { return [] }
        var waves: [Wave] = []
        for id in ids {
            let key = "waves.\(id)"
            let label = reader.text("\(key).label") ?? ""
            guard let date = reader.text("\(key).date") else { continue }
            if date.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil || !Self.isCalendarDate(date)
            {
                reader.configurationError(
                    "\(key).date",
                    "'\(key).date' must be a calendar date written YYYY-MM-DD, found '\(Shown.value(date))'")
                continue
            }
            var open = kinds.map(\.id)
            if let text = reader.text("\(key).kinds") {
                let listed = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                    !$0.isEmpty
                }
                if let unknown = listed.first(where: { id in !kinds.contains { $0.id == id } }) {
                    reader.configurationError(
                        "\(key).kinds",
                        "'\(key).kinds': unknown kind '\(Shown.value(unknown))' (the scenario defines: \(kinds.map(\.id).joined(separator: ", ")))"
                    )
                    continue
                }
                // An empty value (an unset shell variable in `--set waves.x.kinds=$KINDS`) would shut the wave to
                // every kind and place none of its posts: refused, as an empty table path is.
                if listed.isEmpty {
                    reader.configurationError(
                        "\(key).kinds",
                        "'\(key).kinds' is empty: list the kinds the wave is open to (the scenario defines: \(kinds.map(\.id).joined(separator: ", "))), or leave the key out for every kind"
                    )
                    continue
                }
                open = kinds.map(\.id).filter(listed.contains)
            }
            let share = reader.number("\(key).share")
            var wavePosts = reader.integer("\(key).posts")
            var waveBudget = reader.number("\(key).budget_eur")
            // A `renewal` that is no boolean is said at its key, and the wave left out: read as an allocation wave it
            // also failed the checks across waves (a review read three errors for one).
            let renewalGiven = reader.text("\(key).renewal") != nil
            guard let renewal = reader.boolean("\(key).renewal") ?? (renewalGiven ? nil : false) else { continue }
            guard let posts, let budget else { continue }
            // Two answers to one question, one of them dropped without a word: refused (a review found share ignored).
            // The share is then read alone, so the checks across waves do not report the same mistake again.
            if share != nil && (wavePosts != nil || waveBudget != nil) {
                reader.configurationError(
                    "\(key).share",
                    "wave '\(id)' gives both share and \(wavePosts != nil ? "posts" : "budget_eur"): give its cumulative share, or its cumulative posts and budget_eur, not both"
                )
                (wavePosts, waveBudget) = (nil, nil)
            }
            guard let cumulativePosts = wavePosts ?? share.map({ Int(($0 * Double(posts)).rounded(.down)) }),
                let cumulativeBudget = waveBudget ?? share.map({ $0 * budget })
            else {
                reader.configurationError(
                    key, "wave '\(id)' needs its cumulative share (share) or its cumulative posts and budget_eur")
                continue
            }
            if !renewal && (min(cumulativePosts, posts) < 1 || min(cumulativeBudget, budget) <= 0) {
                let given =
                    share.map {
                        "share \(String(format: "%g", $0)) of \(NumberText.grouped(posts)) posts and \(NumberText.grouped(Int(budget.rounded()))) €"
                    } ?? "\(cumulativePosts) posts and \(NumberText.grouped(Int(cumulativeBudget.rounded()))) €"
                reader.configurationError(
                    share != nil ? "\(key).share" : "\(key).posts",
                    "wave '\(id)' opens no post or no money (\(given)): give it a share that opens at least one post, or remove the wave"
                )
                continue
            }
            // A wave opens part of the programme, never more (a renewal wave's own envelope too): the amounts used to
            // be cut to the programme's without a word while the parameters table showed what was given.
            if cumulativePosts > posts || cumulativeBudget > budget + 0.005 {
                let over =
                    cumulativePosts > posts
                    ? "\(NumberText.grouped(cumulativePosts)) posts, more than programme.posts \(NumberText.grouped(posts))"
                    : "\(NumberText.grouped(Int(cumulativeBudget.rounded()))) €, more than programme.budget_eur \(NumberText.grouped(Int(budget.rounded())))"
                // Kept, cut to the programme, so the checks across waves do not report the same mistake again.
                reader.configurationError(
                    cumulativePosts > posts ? "\(key).posts" : "\(key).budget_eur",
                    "wave '\(id)' opens \(over): a wave opens part of the programme (raise the programme's amounts instead)"
                )
            }
            waves.append(
                Wave(
                    id: id, label: label.isEmpty ? id : label, date: date, kinds: open,
                    posts: min(cumulativePosts, posts),
                    budgetEUR: min(cumulativeBudget, budget), renewal: renewal))
        }
        waves.sort { ($0.date, $0.id) < ($1.date, $1.id) }
        // A renewal wave where no kind has a renewal grant renews nothing: `renewal: true` would do nothing, most
        // likely for a missing key (a review found it accepted in silence).
        if let renewal = waves.first(where: \.renewal), !kinds.contains(where: { $0.renewalGrantEUR != nil }) {
            reader.configurationError(
                "waves.\(renewal.id).renewal",
                "the renewal wave '\(renewal.id)' can renew no post: no kind has kinds.*.renewal_grant_eur (give the grant of each kind that renews, or make it an allocation wave)"
            )
        }
        // Renewal waves come after the allocation (they start new periods) and have their own envelopes.
        if let firstRenewal = waves.firstIndex(where: \.renewal) {
            if let late = waves[firstRenewal...].first(where: { !$0.renewal }) {
                reader.configurationError(
                    "waves.\(late.id)",
                    "wave '\(late.id)' comes after the renewal wave '\(waves[firstRenewal].id)': renewal waves come last"
                )
            }
            if firstRenewal == 0 {
                reader.configurationError(
                    "waves.\(waves[0].id)",
                    "the renewal wave '\(waves[0].id)' has no earlier wave whose posts it could renew")
            }
        }
        let allocation = waves.filter { !$0.renewal }
        for (earlier, later) in zip(allocation, allocation.dropFirst())
        where later.posts < earlier.posts || later.budgetEUR < earlier.budgetEUR {
            reader.configurationError(
                "waves.\(later.id)",
                "wave '\(later.id)' opens less than the earlier wave '\(earlier.id)'\(later.date == earlier.date ? " (the same date: waves of one date are solved in the order of their ids)" : ""): posts and money are cumulative, they never decrease"
            )
        }
        if let last = allocation.last, let posts, let budget,
            last.posts != posts || abs(last.budgetEUR - budget) > 0.005
        {
            reader.configurationError(
                "waves.\(last.id)",
                "the last wave '\(last.id)' must open the whole programme (share: 1, or \(posts) posts and \(Int(budget)) €): the waves are compared with the single-shot plan, like for like"
            )
        }
        return waves
    }

    /// A day of the Gregorian calendar (a review found 2021-13-45, 2021-02-30 and 0000-00-00 accepted; the dates set
    /// the order the waves are solved in).
    static func isCalendarDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, parts[0] >= 1, (1...12).contains(parts[1]) else { return false }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}
