import Foundation

/// The scenario file's keys, their types and ranges. One table drives reading the file, checking
/// `--set` overrides and suggesting the nearest key for a typo; `*` stands for an id (a kind, an option).
enum ParameterType: Sendable {
    case text
    case integer(ClosedRange<Int>)
    case number(ClosedRange<Double>)
    case boolean
    case numbers(ClosedRange<Double>)

    var expectation: String {
        switch self {
        case .text: return "text"
        case let .integer(range): return "a whole number in \(range.lowerBound)…\(range.upperBound)"
        case let .number(range): return "a number in \(range.lowerBound)…\(range.upperBound)"
        case .boolean: return "true or false"
        case let .numbers(range): return "a list of numbers in \(range.lowerBound)…\(range.upperBound)"
        }
    }
}

struct ParameterSpec: Sendable {
    let path: String
    let type: ParameterType
    let required: Bool
    let defaultValue: String?
    let help: String
}

enum ParameterSchema {
    static let specs: [ParameterSpec] = [
        .init(path: "name", type: .text, required: true, defaultValue: nil, help: "short id of the scenario"),
        .init(path: "title", type: .text, required: false, defaultValue: "", help: "one-line title for the report"),
        .init(
            path: "tables.territories", type: .text, required: true, defaultValue: nil,
            help: "CSV of territories, relative to the scenario file"),
        .init(
            path: "tables.structures", type: .text, required: true, defaultValue: nil,
            help: "CSV of host structures, relative to the scenario file"),
        .init(
            path: "tables.commitments", type: .text, required: false, defaultValue: nil,
            help: "CSV of posts already signed, relative to the scenario file"),
        .init(
            path: "kinds.*.renewal_grant_eur", type: .number(1...1e7), required: false, defaultValue: nil,
            help: "State grant to renew one post of the kind (renewal waves)"),
        .init(
            path: "kinds.*.renewal_months", type: .integer(1...120), required: false, defaultValue: nil,
            help: "months a renewal grant covers (default 36)"),
        .init(
            path: "waves.*.renewal", type: .boolean, required: false, defaultValue: nil,
            help: "a renewal wave: renew earlier posts or fund new ones, in a new period"),
        .init(
            path: "waves.*.label", type: .text, required: false, defaultValue: "",
            help: "label of a wave of calls for applications"),
        .init(
            path: "waves.*.date", type: .text, required: true, defaultValue: nil,
            help: "date of a wave (YYYY-MM-DD): waves are solved in date order"),
        .init(
            path: "waves.*.kinds", type: .text, required: false, defaultValue: nil,
            help: "kinds of host that may apply in the wave (comma-separated; default all)"),
        .init(
            path: "waves.*.share", type: .number(0...1), required: false, defaultValue: nil,
            help: "cumulative share of the posts and money open by the end of the wave"),
        .init(
            path: "waves.*.posts", type: .integer(0...1_000_000), required: false, defaultValue: nil,
            help: "cumulative posts open by the end of the wave (instead of share)"),
        .init(
            path: "waves.*.budget_eur", type: .number(0...1e12), required: false, defaultValue: nil,
            help: "cumulative State money open by the end of the wave (instead of share)"),
        .init(
            path: "programme.posts", type: .integer(1...1_000_000), required: true, defaultValue: nil,
            help: "posts available"),
        .init(
            path: "programme.budget_eur", type: .number(1...1e12), required: true, defaultValue: nil,
            help: "State envelope in euros"),
        .init(
            path: "service.people_per_post_year", type: .number(1...100_000), required: true, defaultValue: nil,
            help: "people one post accompanies per year"),
        .init(
            path: "need.rate_15_plus", type: .number(0...1), required: true, defaultValue: nil,
            help: "national share of people 15+ needing help"),
        .init(
            path: "need.rate_75_plus", type: .number(0...1), required: true, defaultValue: nil,
            help: "share of people 75+ needing help"),
        .init(
            path: "need.fragility_exponent", type: .number(0...10), required: false, defaultValue: "1",
            help: "weight of the fragility index on the 15–74 rate"),
        .init(
            path: "need.fragility_spread", type: .number(0...1), required: false, defaultValue: nil,
            help:
                "when set, the 15–74 rate moves by this share per standard deviation of the fragility index (interval scale) instead of the exponent"
        ),
        .init(
            path: "robustness.capacity_factors", type: .numbers(0.01...100), required: false, defaultValue: nil,
            help:
                "ends of the plausible range of host capacities, as factors on every structure's capacity (docs/model.md, Robustness)"
        ),
        .init(
            path: "robustness.cofinancing_factors", type: .numbers(0...100), required: false, defaultValue: nil,
            help:
                "ends of the plausible range of host co-financing money, as factors on every structure's cofinancing_eur"
        ),
        .init(
            path: "robustness.people_per_post_year", type: .numbers(1...100_000), required: false, defaultValue: nil,
            help: "ends of the plausible range of people one post accompanies per year"),
        .init(
            path: "robustness.fragility_spreads", type: .numbers(0...1), required: false, defaultValue: nil,
            help:
                "ends of the plausible range of need.fragility_spread (needs need.fragility_spread: the interval scale)"
        ),
        .init(
            path: "robustness.moved_posts", type: .integer(1...1_000_000), required: false, defaultValue: "3",
            help: "a territory whose posts move by more than this in a variant is listed as moved"),
        .init(path: "kinds.*.label", type: .text, required: false, defaultValue: "", help: "label of a kind of host"),
        .init(
            path: "kinds.*.grant_eur", type: .number(1...1e7), required: true, defaultValue: nil,
            help: "State grant per post at 100 % of the SMIC"),
        .init(
            path: "kinds.*.overseas_grant_eur", type: .number(1...1e7), required: true, defaultValue: nil,
            help: "the same overseas"),
        .init(
            path: "kinds.*.grant_months", type: .integer(1...120), required: true, defaultValue: nil,
            help: "months covered by the grant"),
        .init(
            path: "funding.*.label", type: .text, required: false, defaultValue: "", help: "label of a funding option"),
        .init(
            path: "funding.*.state_share", type: .number(0.01...1), required: true, defaultValue: nil,
            help: "share of the SMIC the State pays"),
        .init(
            path: "funding.*.months", type: .integer(1...120), required: false, defaultValue: nil,
            help: "funded months (default: the kind's grant months)"),
        .init(
            path: "limits.territory_min_posts", type: .integer(0...1_000_000), required: false, defaultValue: "0",
            help: "floor of posts per territory"),
        .init(
            path: "limits.territory_max_share", type: .number(0...1), required: false, defaultValue: "1",
            help: "cap per territory, as a share of posts"),
        .init(
            path: "limits.region_min_posts", type: .integer(0...1_000_000), required: false, defaultValue: "0",
            help: "floor of posts per région"),
        .init(
            path: "limits.region_max_share", type: .number(0...1), required: false, defaultValue: "1",
            help: "cap per région, as a share of posts"),
        .init(
            path: "objective.exponent", type: .number(0.05...1), required: false, defaultValue: "0.5",
            help: "diminishing returns: 1 = linear coverage"),
        .init(
            path: "objective.breakpoints", type: .numbers(0.000_001...1), required: false,
            defaultValue:
                "0.025,0.05,0.075,0.1,0.125,0.15,0.175,0.2,0.225,0.25,0.275,0.3,0.325,0.35,0.375,0.4,0.425,0.45,0.475,0.5,0.525,0.55,0.575,0.6,0.7,0.8,0.9,1",
            help: "coverage ratios where the value curve bends"),
        .init(
            path: "solver.time_limit_seconds", type: .number(0.01...86_400), required: false, defaultValue: "60",
            help: "solver time limit"),
        .init(
            path: "solver.mip_gap", type: .number(0...1), required: false, defaultValue: "0.0001",
            help: "relative MIP gap"),
        .init(path: "solver.presolve", type: .boolean, required: false, defaultValue: "true", help: "GLPK presolver"),
        .init(
            path: "solver.cuts", type: .boolean, required: false, defaultValue: "true",
            help: "GLPK's Gomory and MIR cuts"),
        .init(
            path: "comparison.baselines", type: .text, required: false, defaultValue: "webster:need,webster:population",
            help:
                "baselines compared with the optimised plan: ids separated by commas, or a YAML list (docs/baselines.md); empty for none"
        ),
        .init(
            path: "comparison.sensitivity", type: .boolean, required: false, defaultValue: "true",
            help: "re-solve for budget ±€1M/±€10M, posts ±1/±100 and without each family of floors and caps"),
        .init(
            path: "comparison.frontier_points", type: .integer(0...20), required: false, defaultValue: "5",
            help: "points of the efficiency–equity frontier (0 or 1: none)"),
        .init(
            path: "objective.stages", type: .text, required: false, defaultValue: "value",
            help:
                "lexicographic stages, comma-separated: value, coverage, maxmin, cost, endow, closeness:<baseline> (docs/model.md)"
        ),
        .init(
            path: "tables.demand", type: .text, required: false, defaultValue: nil,
            help: "CSV of communes (where people live), relative to the scenario file; enables the commune model"),
        .init(
            path: "tables.candidates", type: .text, required: false, defaultValue: nil,
            help: "CSV of candidate host sites (structures' columns + commune_code); needs tables.demand"),
        .init(
            path: "reach.radius_km", type: .number(0.1...1_000), required: false, defaultValue: "15",
            help: "great-circle distance within which a site reaches a commune"),
        .init(
            path: "reach.breakpoints", type: .numbers(0.000_001...1), required: false,
            defaultValue: "0.05,0.1,0.2,0.4,0.7,1",
            help: "coverage ratios where the commune groups' value curve bends"),
        .init(
            path: "reach.table", type: .text, required: false, defaultValue: nil,
            help:
                "CSV of travel times (commune_code, site_commune_code, minutes), e.g. from a router; replaces the radius"
        ),
        .init(
            path: "reach.max_minutes", type: .number(0.1...1_440), required: false, defaultValue: nil,
            help: "travel time of reach.table within which a site reaches a commune; needs reach.table"),
        .init(
            path: "reach.stages", type: .text, required: false, defaultValue: "value",
            help:
                "the commune plan's objectives in order: value, or endow_reach,value (first as many people or communes as possible with a post within reach)"
        ),
        .init(
            path: "reach.endow_by", type: .text, required: false, defaultValue: "people",
            help: "what endow_reach counts: people or communes with at least one post within reach"),
        .init(
            path: "reach.bound", type: .text, required: false, defaultValue: "relaxation",
            help:
                "the commune plan's bound: relaxation (the LP relaxation; the Lagrangian bound if it does not finish in the run's time) or lagrangian (no LP: faster, looser)"
        ),
        .init(
            path: "reach.max_pairs", type: .integer(1...1_000_000_000), required: false, defaultValue: "2000000",
            help:
                "the most site–commune pairs in reach a run takes on (checked before anything is built: the commune model grows with them; 50 km puts 1.6 million in reach, 100 km 5.8 million)"
        ),
        .init(
            path: "reach.branch_and_bound_nodes", type: .integer(0...10_000_000), required: false,
            defaultValue: "2000",
            help:
                "on a commune model of at most 1,000 posts variables (a département or a few) whose plan is not within the MIP gap of its bound: the nodes of GLPK's branch-and-bound from the plan, for a better plan or a proof (0: not tried)"
        ),
        .init(
            path: "reach.warm_max_gap", type: .number(0...1), required: false, defaultValue: "0.005",
            help:
                "with --warm-start: a warm answer farther than this relative gap from its bound is solved again without the start, in the time left (1: keep every warm answer)"
        ),
        .init(
            path: "comparison.coverage_threshold", type: .number(0...1), required: false, defaultValue: "0.2",
            help: "coverage ratio under which a territory is counted in the comparison"),
        .init(
            path: "programme.cost_per_post_eur", type: .number(0...1e6), required: false, defaultValue: "0",
            help:
                "programme cost per post paid by the State on top of the grant (training…), counted in every plan alike"
        ),
        .init(
            path: "service.horizon_years", type: .integer(1...10), required: false, defaultValue: "3",
            help: "years over which every plan's service is counted (docs/baselines.md, \"One horizon\")"),
        .init(
            path: "service.renewal_share", type: .number(0...1), required: false, defaultValue: "0",
            help: "share of a post whose funding ends before the horizon that is renewed until the horizon"),
        .init(
            path: "comparison.post_ranges", type: .boolean, required: false, defaultValue: "true",
            help:
                "the fewest and most posts each territory can hold in a plan within the gap and within comparison.range_tolerance"
        ),
        .init(
            path: "comparison.range_tolerance", type: .number(0...0.2), required: false, defaultValue: "0.005",
            help: "the wider tolerance of the ranges, a share of the optimum (at least the MIP gap)"),
        .init(
            path: "comparison.gap_range_proofs", type: .boolean, required: false, defaultValue: "true",
            help:
                "also decide the open ends of the ranges within the MIP gap over integer plans (short branch-and-bound searches, then the primal heuristic; about 2.5 s nationally)"
        ),
        .init(
            path: "comparison.decomposition", type: .boolean, required: false, defaultValue: "true",
            help: "split the gain over the observed plan into money, funding rule and geography by re-solving (8 plans)"
        ),
        .init(
            path: "objective.tie_break", type: .text, required: false, defaultValue: "none",
            help:
                "among the plans within the MIP gap of the optimum, publish the one closest to this baseline's seats (docs/model.md, \"One canonical plan\"); none for the solver's own"
        ),
    ]

    /// The spec whose pattern matches a concrete path (`funding.full.months` matches `funding.*.months`).
    static func spec(for path: String) -> ParameterSpec? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        return specs.first { spec in
            let pattern = spec.path.split(separator: ".", omittingEmptySubsequences: false)
            guard pattern.count == parts.count else { return false }
            return zip(pattern, parts).allSatisfy { $0 == "*" ? !$1.isEmpty && isIdentifier($1) : $0 == $1 }
        }
    }

    static func isIdentifier(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 40 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// The known key closest to a misspelled one, by edit distance, if it is close enough to be a typo.
    static func suggestion(for path: String, ids: [String: [String]]) -> String? {
        // Bounded work: a key far longer than any known one is no typo (and edit distance is quadratic).
        guard path.count <= 120 else { return nil }
        var candidates: [String] = []
        for spec in specs {
            if spec.path.contains("*") {
                let section = String(spec.path.prefix { $0 != "." })
                for id in ids[section] ?? [] { candidates.append(spec.path.replacingOccurrences(of: "*", with: id)) }
            } else {
                candidates.append(spec.path)
            }
        }
        let allowed = max(3, path.count / 3)
        let scored = candidates.filter { abs($0.count - path.count) <= allowed }
            .map { ($0, editDistance($0, path)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let best = scored.first, best.1 <= allowed else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
