import Foundation

/// One typed change to a scenario, applied in memory by `Scenario.applying(_:)`: the variants of a
/// sensitivity analysis are made this way, so a variant differs from the scenario the run read by this
/// change and nothing else (no file is read again). `description` is the `--set` text that makes the
/// same change on the command line, for reports and manifests.
public enum ScenarioChange: Sendable, Hashable, CustomStringConvertible {
    /// `programme.budget_eur`
    case budget(Double)
    /// `programme.posts`
    case posts(Int)
    /// `limits.territory_min_posts`
    case territoryMinPosts(Int)
    /// `limits.territory_max_share`
    case territoryMaxShare(Double)
    /// `limits.region_min_posts`
    case regionMinPosts(Int)
    /// `limits.region_max_share`
    case regionMaxShare(Double)

    /// The scenario file's key this change sets.
    public var key: String {
        switch self {
        case .budget: ParameterKeys.budget
        case .posts: ParameterKeys.posts
        case .territoryMinPosts: "limits.territory_min_posts"
        case .territoryMaxShare: "limits.territory_max_share"
        case .regionMinPosts: "limits.region_min_posts"
        case .regionMaxShare: "limits.region_max_share"
        }
    }

    /// The value as `--set` would write it (whole numbers without decimals), which reads back to the same value.
    public var value: String {
        switch self {
        case let .posts(count), let .territoryMinPosts(count), let .regionMinPosts(count): String(count)
        case let .budget(number), let .territoryMaxShare(number), let .regionMaxShare(number): Self.text(of: number)
        }
    }

    public var description: String { "\(key)=\(value)" }

    /// The same change as an override, for code that still speaks `--set`.
    public var override: ParameterOverride { ParameterOverride(key: key, value: value) }

    static func text(of number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
    }

    /// Whether the value lies in the key's documented range: a study that steps around a scenario (budget
    /// + €10M at the top of the range) leaves out the steps that fall outside instead of failing the run.
    public var isWithinRange: Bool {
        (try? check()) != nil
    }

    /// The change's value checked against the key's range, as the scenario file's value is.
    func check() throws(ScenarioError) {
        let valid: Bool
        switch (self, ParameterSchema.spec(for: key)?.type) {
        case let (.posts(count), .integer(range)?), let (.territoryMinPosts(count), .integer(range)?),
            let (.regionMinPosts(count), .integer(range)?):
            valid = range.contains(count)
        case let (.budget(number), .number(range)?), let (.territoryMaxShare(number), .number(range)?),
            let (.regionMaxShare(number), .number(range)?):
            valid = number.isFinite && range.contains(number)
        default:
            valid = false
        }
        guard !valid else { return }
        let expected = ParameterSchema.spec(for: key)?.type.expectation ?? "a valid value"
        throw ScenarioError([
            Diagnostic(
                .configuration, SourceLocation(file: "change '\(self)'"),
                "'\(key)' = \(value) is out of range (expected \(expected))")
        ])
    }
}

extension Scenario {
    /// This scenario with `change` applied, in memory: the tables and input files are those already read,
    /// and what derives from the parameters (need, cost ranges, floors and caps) is derived again, as
    /// `ScenarioLoader.load` derives it. A value out of range is refused as a `--set` would be.
    public func applying(_ change: ScenarioChange) throws(ScenarioError) -> Scenario {
        try change.check()
        let old = parameters
        var posts = old.posts, budget = old.budgetEUR
        var territoryMin = old.limits.territoryMinPosts, territoryShare = old.limits.territoryMaxShare
        var regionMin = old.limits.regionMinPosts, regionShare = old.limits.regionMaxShare
        switch change {
        case let .budget(value): budget = value
        case let .posts(value): posts = value
        case let .territoryMinPosts(value): territoryMin = value
        case let .territoryMaxShare(value): territoryShare = value
        case let .regionMinPosts(value): regionMin = value
        case let .regionMaxShare(value): regionShare = value
        }
        let effective = (old.effective.filter { $0.path != change.key } + [(path: change.key, value: change.value)])
            .sorted { $0.path < $1.path }
        let changed = ScenarioParameters(
            name: old.name, title: old.title, posts: posts, budgetEUR: budget, peoplePerPostYear: old.peoplePerPostYear,
            need: old.need, kinds: old.kinds, fundingOptions: old.fundingOptions,
            limits: Limits(
                territoryMinPosts: territoryMin, territoryMaxShare: territoryShare, regionMinPosts: regionMin,
                regionMaxShare: regionShare),
            objective: old.objective, solver: old.solver, effective: effective, comparison: old.comparison,
            basis: old.basis)
        return Scenario(
            parameters: changed, territories: territories, structures: structures, inputFiles: inputFiles,
            commitments: commitments, communes: communes)
    }
}
