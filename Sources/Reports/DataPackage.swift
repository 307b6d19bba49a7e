import Foundation
import Scenario

/// `datapackage.json`: a Frictionless Data Package describing every CSV of a run folder (Table
/// Schema per file: types, units in descriptions, codes as strings, nullability, primary and
/// foreign keys), so pandas, polars, R and `frictionless` read `01` and `2A` as text without a
/// hand-copied dtype dict.
///
/// Each table is declared once below (`tables`); the package of a run is generated from those
/// declarations and the header of each CSV actually written, in the header's order (columns
/// named after the scenario's ids, `posts_kind_<kind>`, come from a declared prefix). A column
/// without a declaration is described as text and flagged in its description: the end-to-end test
/// checks that no run has one.
public enum DataPackage {
    public static let fileName = "datapackage.json"

    public enum FieldType: String, Sendable { case string, integer, number, boolean }

    public struct Field: Sendable {
        public let name: String
        public let type: FieldType
        public let description: String
        /// False when an empty cell is allowed (the column is *nullable* in docs/outputs.md).
        public let required: Bool
    }

    public struct ForeignKey: Sendable {
        public let fields: [String]
        public let resource: String
        public let referenceFields: [String]
    }

    public struct Table: Sendable {
        public let file: String
        public let description: String
        public let fields: [Field]
        /// Columns named `<prefix><id>`, one per id of the scenario.
        public let dynamic: [(prefix: String, field: Field)]
        public let primaryKey: [String]
        public let foreignKeys: [ForeignKey]

        public init(
            file: String, description: String, fields: [Field], dynamic: [(prefix: String, field: Field)],
            primaryKey: [String], foreignKeys: [ForeignKey]
        ) {
            self.file = file
            self.description = description
            self.fields = fields
            self.dynamic = dynamic
            self.primaryKey = primaryKey
            self.foreignKeys = foreignKeys
        }

        public var resourceName: String { String(file.prefix { $0 != "." }) }

        public func field(_ column: String) -> Field? {
            if let field = fields.first(where: { $0.name == column }) { return field }
            guard let pattern = dynamic.first(where: { column.hasPrefix($0.prefix) }) else { return nil }
            return Field(
                name: column, type: pattern.field.type, description: pattern.field.description,
                required: pattern.field.required)
        }
    }

    // MARK: Declarations

    public static func text(_ name: String, _ description: String, nullable: Bool = false) -> Field {
        Field(name: name, type: .string, description: description, required: !nullable)
    }
    /// `true` or `false` as written (Table Schema's default true and false values): pandas reads it as `bool`.
    public static func boolean(_ name: String, _ description: String) -> Field {
        Field(name: name, type: .boolean, description: description, required: true)
    }
    public static func integer(_ name: String, unit: String, _ description: String, nullable: Bool = false) -> Field {
        Field(name: name, type: .integer, description: description + " Unit: \(unit).", required: !nullable)
    }
    public static func number(
        _ name: String, unit: String, decimals: Int, _ description: String, nullable: Bool = false
    ) -> Field {
        Field(
            name: name, type: .number, description: description + " Unit: \(unit). \(decimals) decimal(s).",
            required: !nullable)
    }
    /// A number written as it was given (a sweep's parameter values: 150000000, 0.005), not at a fixed number of
    /// decimals (a review found "6 decimal(s)" declared for them).
    public static func numberAsGiven(
        _ name: String, unit: String, _ description: String, nullable: Bool = false
    )
        -> Field
    {
        Field(
            name: name, type: .number,
            description: description + " Unit: \(unit). Written as given, in the shortest form (no fixed decimals).",
            required: !nullable)
    }
    static func key(_ field: String, _ resource: String, _ reference: String? = nil) -> ForeignKey {
        ForeignKey(fields: [field], resource: resource, referenceFields: [reference ?? field])
    }

    public static let code = "A code, always text: keep leading zeros and letters (01, 2A, 971)."

    /// Every CSV repartir writes into a run folder (docs/outputs.md, docs/baselines.md).
    public static let tables: [Table] =
        [
            Table(
                file: "allocation_by_structure.csv",
                description: "The plan: posts per host structure and funding option (rows with at least one post).",
                fields: [
                    text("structure_id", "id of structures.csv. " + code),
                    text("structure_name", "name of structures.csv."),
                    text("territory_code", "The structure's territory. " + code),
                    text("region_code", "That territory's région. " + code),
                    text("kind", "Kind of host (an id under kinds:)."),
                    text("funding_option", "Funding option (an id under funding:)."),
                    integer("posts", unit: "posts", "Posts at this structure under this option (at least 1)."),
                    number("state_cost_eur", unit: "€", decimals: 2, "Posts × State cost per post."),
                    number("host_cost_eur", unit: "€", decimals: 2, "Posts × host cost per post."),
                    integer("funded_months", unit: "months", "Funded months of one post under this option."),
                    integer("capacity", unit: "posts", "The structure's capacity."),
                ],
                dynamic: [
                    (
                        prefix: "committed_posts",
                        field: integer(
                            "committed_posts", unit: "posts",
                            "Only with a commitments table: the posts already signed (locked or min) among posts.")
                    ),
                    (
                        prefix: "new_posts",
                        field: integer(
                            "new_posts", unit: "posts",
                            "Only with a commitments table: posts − committed_posts, the posts this run adds.")
                    ),
                ],
                primaryKey: ["structure_id", "funding_option"],
                foreignKeys: [
                    key("territory_code", "allocation_by_territory"), key("region_code", "allocation_by_region"),
                ]),
            Table(
                file: "allocation_by_territory.csv",
                description: "One row per territory of the scenario, endowed or not.",
                fields: [
                    text("territory_code", "code of territories.csv. " + code),
                    text("territory_name", "Territory name."),
                    text("region_code", "Région code. " + code), text("region_name", "Région name."),
                    integer("population", unit: "people", "population of the input."),
                    integer("need", unit: "people", "D_t, people needing digital help (docs/model.md)."),
                    integer("posts", unit: "posts", "Posts placed in the territory."),
                    number(
                        "posts_per_100k", unit: "posts per 100,000 inhabitants", decimals: 3,
                        "Posts × 100,000 / population; empty where the population is 0.", nullable: true),
                    number("state_cost_eur", unit: "€", decimals: 2, "State cost of its posts."),
                    number("host_cost_eur", unit: "€", decimals: 2, "Host share of its posts."),
                    integer("funded_post_months", unit: "post-months", "Σ posts × funded months."),
                    number("people_servable", unit: "people", decimals: 1, "People its posts can accompany."),
                    number("coverage", unit: "people", decimals: 1, "min(need, people_servable)."),
                    number("coverage_ratio", unit: "ratio 0–1", decimals: 6, "coverage / need."),
                    integer("structures_endowed", unit: "structures", "Its structures with at least one post."),
                    integer("floor", unit: "posts", "Effective floor (0 = none)."),
                    integer("cap", unit: "posts", "Effective cap; empty when none.", nullable: true),
                    integer(
                        "posts_2021", unit: "posts", "posts_2021 of the input; empty when the input has none.",
                        nullable: true),
                    integer(
                        "posts_min_gap", unit: "posts",
                        "Fewest posts in a plan within the MIP gap of the optimum (LP outer bound, docs/model.md).",
                        nullable: true),
                    integer(
                        "posts_max_gap", unit: "posts",
                        "Most posts in a plan within the MIP gap of the optimum (LP outer bound).",
                        nullable: true),
                    integer(
                        "posts_min_tolerance", unit: "posts",
                        "Fewest posts in a plan within comparison.range_tolerance of the optimum.", nullable: true),
                    integer(
                        "posts_max_tolerance", unit: "posts",
                        "Most posts in a plan within comparison.range_tolerance of the optimum.", nullable: true),
                    integer(
                        "posts_min_gap_found", unit: "posts",
                        "Fewest posts of a plan found within the MIP gap (a real plan: the true minimum is between posts_min_gap and this).",
                        nullable: true),
                    integer(
                        "posts_max_gap_found", unit: "posts",
                        "Most posts of a plan found within the MIP gap (the true maximum is between this and posts_max_gap).",
                        nullable: true),
                    integer(
                        "posts_min_tolerance_found", unit: "posts",
                        "Fewest posts of a plan found within comparison.range_tolerance.", nullable: true),
                    integer(
                        "posts_max_tolerance_found", unit: "posts",
                        "Most posts of a plan found within comparison.range_tolerance.", nullable: true),
                ],
                dynamic: [
                    (
                        prefix: "posts_kind_",
                        field: integer(
                            "posts_kind_", unit: "posts", "Posts at hosts of this kind (the id after posts_kind_).")
                    ),
                    (
                        prefix: "posts_option_",
                        field: integer(
                            "posts_option_", unit: "posts",
                            "Posts under this funding option (the id after posts_option_).")
                    ),
                ],
                primaryKey: ["territory_code"], foreignKeys: [key("region_code", "allocation_by_region")]),
            Table(
                file: "allocation_by_region.csv", description: "One row per région.",
                fields: [
                    text("region_code", "Région code. " + code), text("region_name", "Région name."),
                    integer("territories", unit: "territories", "Territories of the scenario in the région."),
                    integer("population", unit: "people", "Σ population."), integer("need", unit: "people", "Σ need."),
                    integer("posts", unit: "posts", "Σ posts."),
                    number(
                        "posts_per_100k", unit: "posts per 100,000 inhabitants", decimals: 3,
                        "Posts × 100,000 / population; empty where the population is 0.", nullable: true),
                    number("state_cost_eur", unit: "€", decimals: 2, "Σ State cost."),
                    number("host_cost_eur", unit: "€", decimals: 2, "Σ host cost."),
                    number("coverage", unit: "people", decimals: 1, "Σ coverage."),
                    number("coverage_ratio", unit: "ratio 0–1", decimals: 6, "Σ coverage / Σ need."),
                ], dynamic: [], primaryKey: ["region_code"], foreignKeys: []),
            Table(
                file: "summary.csv", description: "The headline figures, one row (summary.json has the same keys).",
                fields: [
                    text("scenario", "name of the scenario."),
                    text("status", "optimal, feasible (a limit was hit) or interrupted."),
                    number(
                        "objective", unit: "need-weighted value of coverage", decimals: 3,
                        "Objective recomputed from the plan."),
                    number(
                        "best_bound", unit: "need-weighted value of coverage", decimals: 3,
                        "GLPK's bound on the best objective.", nullable: true),
                    number(
                        "relative_gap", unit: "ratio", decimals: 8, "Relative gap between plan and bound.",
                        nullable: true),
                    number("mip_gap_tolerance", unit: "ratio", decimals: 8, "The gap tolerance of the solve."),
                    text(
                        "limit_reached", "mip gap, time limit, node limit (analyses only), cancelled, or empty.",
                        nullable: true),
                    integer("posts", unit: "posts", "Posts placed."),
                    integer("posts_available", unit: "posts", "\(ParameterKeys.posts)."),
                    number("state_cost_eur", unit: "€", decimals: 2, "State cost of the plan."),
                    number("budget_eur", unit: "€", decimals: 2, "\(ParameterKeys.budget)."),
                    number("host_cost_eur", unit: "€", decimals: 2, "Hosts' co-financing."),
                    integer("need", unit: "people", "Σ need."),
                    number("coverage", unit: "people", decimals: 1, "Σ coverage."),
                    number("coverage_ratio", unit: "ratio 0–1", decimals: 6, "coverage / need."),
                    integer("territories", unit: "territories", "Territories in the scenario."),
                    integer("territories_endowed", unit: "territories", "Territories with at least one post."),
                    integer("structures", unit: "structures", "Structures in the scenario."),
                    integer("structures_endowed", unit: "structures", "Structures with at least one post."),
                    text(
                        "commune_status",
                        "With a demand table: the commune plan's status, optimal (within the MIP gap of its bound) or feasible (the run exits 10)."
                    ),
                    number(
                        "commune_value", unit: "value of coverage", decimals: 3,
                        "With a demand table: the commune plan's objective."),
                    number(
                        "commune_bound", unit: "value of coverage", decimals: 3,
                        "With a demand table: the bound on the commune plan's objective."),
                    text(
                        "commune_bound_method",
                        "With a demand table: lp (the relaxation), lagrangian, or branch_and_bound (a small model's tighter bound)."
                    ),
                    number(
                        "commune_relative_gap", unit: "ratio", decimals: 8,
                        "With a demand table: relative gap between the commune plan and its bound."),
                    integer("commune_posts", unit: "posts", "With a demand table: the commune plan's posts."),
                    number(
                        "commune_state_cost_eur", unit: "EUR", decimals: 2,
                        "With a demand table: the State's money the commune plan spends (grants and programme cost per post)."
                    ),
                    number(
                        "commune_people_covered", unit: "people", decimals: 2,
                        "With a demand table: people the commune plan covers (the sum of allocation_by_commune.csv's people_covered)."
                    ),
                    integer(
                        "commune_white_zone_people", unit: "people",
                        "With a demand table: people in communes with no site with posts within reach (white_zone true)."
                    ),
                ], dynamic: [], primaryKey: ["scenario"], foreignKeys: []),
            Table(
                file: "plans.csv",
                description:
                    "Long form: one row per (plan, territory): the optimised plan, the 2021 allocation, each baseline.",
                fields: [
                    text("plan", "Plan name: optimised, 2021 or a baseline id."),
                    text("territory_code", "Territory. " + code),
                    integer("posts", unit: "posts", "Posts placed."),
                    number(
                        "posts_per_100k", unit: "posts per 100,000 inhabitants", decimals: 3,
                        "Posts × 100,000 / population; empty where the population is 0.", nullable: true),
                    number("state_cost_eur", unit: "€", decimals: 2, "State cost."),
                    number(
                        "coverage", unit: "people", decimals: 1,
                        "People accompanied over the horizon (service.horizon_years)."),
                    number("coverage_ratio", unit: "ratio 0–1", decimals: 6, "coverage / need."),
                ], dynamic: [], primaryKey: ["plan", "territory_code"],
                foreignKeys: [key("plan", "comparison"), key("territory_code", "allocation_by_territory")]),
            Table(
                file: "comparison.csv", description: "One row per plan, every metric (docs/baselines.md).",
                fields: [
                    text("plan", "Plan name."),
                    number(
                        "objective", unit: "need-weighted value of coverage", decimals: 3, "Objective, recomputed.",
                        nullable: true),
                    number(
                        "objective_vs_optimised", unit: "ratio", decimals: 6, "objective / the optimised plan's.",
                        nullable: true),
                    integer("posts", unit: "posts", "Posts placed."),
                    integer(
                        "posts_unplaced", unit: "posts",
                        "Seats the rule gave that the hosts could not take (baselines only).", nullable: true),
                    number("state_cost_eur", unit: "€", decimals: 2, "State cost."),
                    number("host_cost_eur", unit: "€", decimals: 2, "Host cost."),
                    number("coverage", unit: "people", decimals: 1, "People accompanied."),
                    number("coverage_ratio", unit: "ratio 0–1", decimals: 6, "National coverage / need."),
                    integer("territories_endowed", unit: "territories", "Territories with at least one post."),
                    number(
                        "posts_per_100k_min", unit: "posts per 100,000 inhabitants", decimals: 3,
                        "Minimum over territories."),
                    number(
                        "posts_per_100k_median", unit: "posts per 100,000 inhabitants", decimals: 3,
                        "Median over territories."),
                    number(
                        "posts_per_100k_max", unit: "posts per 100,000 inhabitants", decimals: 3,
                        "Maximum over territories."),
                    number("posts_per_100k_gini", unit: "Gini 0–1", decimals: 6, "Gini over territories."),
                    number("coverage_ratio_min", unit: "ratio 0–1", decimals: 6, "Minimum over territories."),
                    number("coverage_ratio_median", unit: "ratio 0–1", decimals: 6, "Median over territories."),
                    number("coverage_ratio_max", unit: "ratio 0–1", decimals: 6, "Maximum over territories."),
                    number("coverage_ratio_gini", unit: "Gini 0–1", decimals: 6, "Gini over territories."),
                    number("coverage_threshold", unit: "ratio 0–1", decimals: 6, "The threshold used."),
                    integer("territories_under_threshold", unit: "territories", "Coverage ratio below the threshold."),
                    integer("violations", unit: "rules", "Rules of the scenario broken."),
                    text("violated_rules", "family:count pairs separated by spaces; empty if none.", nullable: true),
                    number(
                        "posts_moved_vs_optimised", unit: "posts", decimals: 1, "½ Σ |posts_t − optimised_t|.",
                        nullable: true),
                    number(
                        "people_per_year", unit: "people a year", decimals: 1,
                        "People accompanied per year in post: Σ min(need, κ × posts).", nullable: true),
                    integer(
                        "horizon_years", unit: "years",
                        "The horizon over which coverage is counted (service.horizon_years).", nullable: true),
                ], dynamic: [], primaryKey: ["plan"], foreignKeys: []),
            Table(
                file: "decomposition.csv",
                description:
                    "The gain over the 2021 allocation split into geography, funding rule and money by re-solving (docs/baselines.md).",
                fields: [
                    text(
                        "metric",
                        "people_per_year, people_over_horizon, objective, or people_over_horizon_all_renewed (every shorter post renewed, re-solved)."
                    ),
                    text(
                        "factor",
                        "geography, funding_rule, money, hosts_within_territories, placement_at_2021_terms, placement_at_scenario_terms, or total."
                    ),
                    integer(
                        "order", unit: "position",
                        "Position in the sequential split (geography 1, funding rule 2, money 3).", nullable: true),
                    number(
                        "sequential", unit: "the metric's unit", decimals: 3,
                        "Gain when the factor is freed in that order; on the hosts_within_territories, placement_* and total rows, that row's difference (not part of the split: sum the three factors' rows only)."
                    ),
                    number(
                        "shapley", unit: "the metric's unit", decimals: 3, "Shapley value of the factor.",
                        nullable: true),
                    number(
                        "shapley_share", unit: "ratio", decimals: 6,
                        "shapley / the gain over the re-solved 2021 terms; empty when that gain is not positive, and on the rows that are not factors.",
                        nullable: true),
                    number("observed_plan", unit: "the metric's unit", decimals: 3, "The 2021 allocation's figure."),
                    number("optimised_plan", unit: "the metric's unit", decimals: 3, "The optimised plan's figure."),
                ], dynamic: [], primaryKey: ["metric", "factor"], foreignKeys: []),
            Table(
                file: "sensitivity.csv", description: "Re-solves around the plan.",
                fields: [
                    text("change", "The change, e.g. budget +€1M."),
                    text("override", "The --set that makes the variant."),
                    text("status", "Status of the re-solve."),
                    number(
                        "objective", unit: "need-weighted value of coverage", decimals: 3, "Objective of the variant.",
                        nullable: true),
                    number("coverage", unit: "people", decimals: 1, "Coverage of the variant.", nullable: true),
                    number(
                        "delta_objective", unit: "need-weighted value of coverage", decimals: 3,
                        "Variant minus the main solve's own plan (before the tie-break).", nullable: true),
                    number(
                        "delta_coverage", unit: "people", decimals: 1,
                        "Variant minus the main solve's own plan (before the tie-break).", nullable: true),
                    number(
                        "coverage_per_unit", unit: "people per unit", decimals: 3,
                        "People per €1M or per post; empty for the price of a rule.", nullable: true),
                    text("unit", "The unit of coverage_per_unit."),
                    number(
                        "gap", unit: "ratio", decimals: 8,
                        "The re-solve's own relative gap; empty when it was not solved.", nullable: true),
                ], dynamic: [], primaryKey: [], foreignKeys: []),
            Table(
                file: "robustness.csv",
                description: "The plan re-solved with each guess at the ends of its range (docs/model.md, Robustness).",
                fields: [
                    text("variant", "The guess and its value, e.g. host capacities × 0.5."),
                    text("key", "The robustness.* key of the range."),
                    number(
                        "value", unit: "factor or people per post-year", decimals: 4,
                        "The value of the guess in this variant."),
                    text("status", "Status of the re-solve."),
                    number("gap", unit: "ratio", decimals: 8, "The re-solve's own relative gap.", nullable: true),
                    number(
                        "objective", unit: "need-weighted value of coverage", decimals: 3, "Objective of the variant.",
                        nullable: true),
                    number("coverage", unit: "people", decimals: 1, "Coverage of the variant.", nullable: true),
                    text("territory_code", "Territory. " + code),
                    integer(
                        "posts_base", unit: "posts",
                        "Posts of the territory in the main solve's own plan, before the tie-break chose the published one."
                    ),
                    integer(
                        "posts", unit: "posts", "Posts of the territory in the variant; empty without a plan.",
                        nullable: true),
                    integer("delta", unit: "posts", "posts − posts_base.", nullable: true),
                ], dynamic: [], primaryKey: [], foreignKeys: []),
            Table(
                file: "stages.csv", description: "A lexicographic chain's stages, in order (docs/model.md).",
                fields: [
                    integer("stage", unit: "position", "Stage number, from 1."),
                    text("objective", "What the stage optimises, e.g. maxmin or value."),
                    number(
                        "value", unit: "the stage's objective", decimals: 6,
                        "The stage's optimum (or best value found).", nullable: true),
                    number(
                        "bound", unit: "the stage's objective", decimals: 6, "The best bound proven for the stage.",
                        nullable: true),
                    number("gap", unit: "ratio", decimals: 8, "Relative gap between value and bound.", nullable: true),
                    text("status", "optimal, feasible, skipped: no time left, not_reached, …"),
                ], dynamic: [], primaryKey: ["stage"], foreignKeys: []),
            Table(
                file: "frontier.csv", description: "The efficiency–equity frontier (docs/model.md).",
                fields: [
                    integer("step", unit: "step", "Point number."),
                    number("epsilon", unit: "ratio 0–1", decimals: 6, "Floor on every territory's coverage ratio."),
                    number("min_coverage_ratio", unit: "ratio 0–1", decimals: 6, "Smallest ratio reached."),
                    number("coverage", unit: "people", decimals: 1, "People accompanied by that plan, for comparison."),
                    number(
                        "objective", unit: "need-weighted value of coverage", decimals: 3,
                        "Value of coverage of that plan: what the point maximises."),
                    text("status", "The point's own solve: optimal (within the gap) or feasible (a limit stopped it)."),
                    number(
                        "gap", unit: "ratio", decimals: 8, "The point's own relative gap, in its stage's units.",
                        nullable: true),
                ], dynamic: [], primaryKey: ["step"], foreignKeys: []),
            Table(
                file: "conflict.csv",
                description: "Infeasible run: an irreducible set of rules that cannot hold together.",
                fields: [
                    text("constraint", "Constraint name, e.g. territory_floor[23]."),
                    text("family", "Constraint family."),
                    text("scope", "What the rule applies to."), text("bound", "min or max."),
                    number("value", unit: "the rule's unit (posts, €)", decimals: 2, "The rule's bound."),
                    text("description", "The rule in words."),
                ], dynamic: [], primaryKey: ["constraint"], foreignKeys: []),
            Table(
                file: "repairs.csv", description: "Infeasible run: the smallest repairs.",
                fields: [
                    text("constraint", "Constraint to loosen."),
                    number("amount", unit: "the rule's unit (posts, €)", decimals: 2, "How much to loosen it."),
                    text("override", "The --set that applies the repair; empty if none.", nullable: true),
                    text("sentence", "The repair in words."),
                ], dynamic: [], primaryKey: [], foreignKeys: []),
            Table(
                file: "allocation_by_wave.csv",
                description:
                    "With waves: the posts each wave placed, per host structure and funding option (docs/model.md, \"Commitments and waves\").",
                fields: [
                    text("wave", "Wave id (under waves:)."), text("date", "The wave's date (YYYY-MM-DD)."),
                    text("structure_id", "id of structures.csv. " + code),
                    text("territory_code", "The structure's territory. " + code),
                    text("kind", "Kind of host."), text("funding_option", "Funding option."),
                    integer(
                        "posts", unit: "posts",
                        "Posts this wave placed there (at least 1); earlier waves' posts are in their own rows."),
                    text("renewed", "true: posts renewed by a renewal wave at their structure; false: new posts."),
                ], dynamic: [], primaryKey: ["wave", "structure_id", "funding_option", "renewed"], foreignKeys: []),
        ] + communeTables

    /// The commune run's tables (a scenario with a demand table; docs/outputs.md, "Commune tables").
    public static let communeTables: [Table] = [
        Table(
            file: "allocation_by_commune.csv",
            description: "Commune plan: one row per commune of the demand table, in reach or not.",
            fields: [
                text("commune_code", "code of the demand table. " + code), text("commune_name", "Commune name."),
                text("territory_code", "Its territory. " + code),
                text("epci", "Its EPCI (SIREN); empty when it has none.", nullable: true),
                integer("population", unit: "people", "population of the demand table."),
                integer(
                    "need", unit: "people",
                    "The commune's share of its territory's need (docs/model.md, \"The commune model\")."),
                number(
                    "people_covered", unit: "people", decimals: 2,
                    "People the commune plan covers there: its group's coverage shared in proportion to need."),
                number(
                    "coverage_ratio", unit: "ratio 0–1", decimals: 4,
                    "people_covered / need; empty when the need is 0.", nullable: true),
                integer(
                    "sites_in_reach", unit: "site communes",
                    "Site communes (hosts and candidates) within reach, endowed or not."),
                number(
                    "nearest_endowed_site_km", unit: "km", decimals: 1,
                    "Great-circle distance to the nearest site with posts: within reach when one is, else (white_zone true) the nearest beyond reach; empty: no site with posts, or none whose distance is known (the commune or the site has no coordinates).",
                    nullable: true),
                boolean("white_zone", "true when no site with posts is within reach in the commune plan."),
                boolean("white_zone_2021_hosts", "true when no 2021 host (endowed or not) is within reach."),
                boolean(
                    "has_coordinates",
                    "false when the demand table gives the commune no point: only a site in the commune itself reaches it, so its white_zone is a gap in the data, not a finding."
                ),
            ], dynamic: [], primaryKey: ["commune_code"], foreignKeys: []),
        Table(
            file: "sites.csv",
            description:
                "Commune plan: posts per site pool (site commune, territory, kind; candidates apart) and funding option; pools without posts on one row.",
            fields: [
                text("site_commune", "Commune of the sites. " + code), text("site_name", "That commune's name."),
                text("territory_code", "The sites' territory. " + code),
                text("kind", "Kind of host (an id under kinds:)."),
                boolean("candidate", "true for a candidate site (tables.candidates)."),
                text("funding_option", "Funding option; empty for a pool without posts.", nullable: true),
                integer("posts", unit: "posts", "Posts of the pool under this option."),
                integer(
                    "capacity", unit: "posts",
                    "The pool's capacity (Σ of its structures'), repeated on each of its option rows: sum it over distinct (site_commune, territory_code, kind, candidate), not over rows."
                ),
                number(
                    "people_servable", unit: "people", decimals: 1,
                    "Posts × people one post accompanies over its funded months."),
                boolean("opened", "true when the pool has at least one post."),
                number(
                    "value_per_person", unit: "need-weighted value of coverage per person", decimals: 6,
                    "The bound's price of one more person served from this site: the value of coverage it would add (the LP relaxation's dual of the site's service row, or the Lagrangian's price). What repartir run --warm-start reads."
                ),
                // No primary key: a pool without posts has an empty option, and a key's fields must all be filled
                // (frictionless refused the file); the rows are unique by (site_commune, territory_code, kind,
                // candidate, funding_option), said in docs/outputs.md.
            ], dynamic: [], primaryKey: [], foreignKeys: []),
        Table(
            file: "warm_start_basis.csv",
            description:
                "Commune plan: the simplex basis of the Lagrangian's posts part (the posts' rules, priced at the bound's prices), by row and column name. What repartir run --warm-start starts a variant's first posts-part LP from; written when it was found in the run's time.",
            fields: [
                text("entry", "row or column."), text("name", "The row's or column's name in the posts part."),
                text("status", "basic, lower, upper (at that bound), free or fixed."),
            ], dynamic: [], primaryKey: ["entry", "name"], foreignKeys: []),
        Table(
            file: "white_zones.csv",
            description: "People with no site within reach, per territory, under each site network and plan.",
            fields: [
                text("territory_code", "Territory. " + code), text("territory_name", "Territory name."),
                integer("population", unit: "people", "Population of its communes in the demand table."),
                integer("out_of_reach_hosts", unit: "people", "No host of structures.csv within reach."),
                integer("out_of_reach_hosts_and_candidates", unit: "people", "No host or candidate site within reach."),
                integer(
                    "out_of_reach_2021_plan", unit: "people",
                    "No host with 2021 posts within reach; empty without posts_2021.", nullable: true),
                integer(
                    "out_of_reach_optimised", unit: "people", "No site with posts of the commune plan within reach."),
                integer("communes", unit: "communes", "Communes of the territory in the demand table."),
                integer("communes_out_of_reach_hosts", unit: "communes", "Communes with no host within reach."),
                integer(
                    "communes_out_of_reach_hosts_and_candidates", unit: "communes",
                    "Communes with no host or candidate site within reach."),
                integer(
                    "communes_out_of_reach_2021_plan", unit: "communes",
                    "Communes with no host with 2021 posts within reach; empty without posts_2021.", nullable: true),
                integer(
                    "communes_out_of_reach_optimised", unit: "communes",
                    "Communes with no site with posts of the commune plan within reach."),
                integer(
                    "need", unit: "people", "People in need in its communes (their split of the territory's need)."),
                integer("need_out_of_reach_hosts", unit: "people", "Of them, with no host within reach."),
                integer(
                    "need_out_of_reach_hosts_and_candidates", unit: "people",
                    "Of them, with no host or candidate site within reach."),
                integer(
                    "need_out_of_reach_2021_plan", unit: "people",
                    "Of them, with no host with 2021 posts within reach; empty without posts_2021.", nullable: true),
                integer(
                    "need_out_of_reach_optimised", unit: "people",
                    "Of them, with no site with posts of the commune plan within reach."),
            ], dynamic: [], primaryKey: ["territory_code"], foreignKeys: []),
        Table(
            file: "commune_model.csv",
            description: "Commune model: sizes with the exact reductions, value, LP bound and gap.",
            fields: [
                text(
                    "metric",
                    "What is measured (communes, demand_groups, site_units, flow_pairs, columns, rows, nonzeros, value, lp_bound or lagrangian_bound, relative_gap…)."
                ),
                // The one column whose decimals follow its row, not the column: a long table of unlike metrics.
                Field(
                    name: "value", type: .number,
                    description:
                        "Its value, in the metric's unit (a count, km, minutes, value of coverage or a ratio): "
                        + "counts with no decimals; km, minutes, value and bounds with 3; relative_gap and warm_gap with 6.",
                    required: true),
            ], dynamic: [], primaryKey: ["metric"], foreignKeys: []),
    ]

    // MARK: Rendering

    /// The package describing the CSVs among `files` (other files are left out), in their order.
    /// `tables` defaults to the run folder's; `name` is the package name.
    public static func render(
        _ files: [(name: String, content: Data)], tables: [Table] = DataPackage.tables,
        name: String = "repartir-run", title: String = "repartir run"
    ) -> String {
        let declared = Dictionary(tables.map { ($0.file, $0) }, uniquingKeysWith: { first, _ in first })
        let csvs = files.filter { $0.name.hasSuffix(".csv") && !$0.name.contains("/") }
        let present = Set(csvs.map { String($0.name.prefix { $0 != "." }) })
        var resources: [String] = []
        for file in csvs {
            let header = headerColumns(file.content)
            let table = declared[file.name]
            let fields = header.map { column -> String in
                let field =
                    table?.field(column)
                    ?? Field(
                        name: column, type: .string, description: "Undeclared column (not in DataPackage.tables).",
                        required: false)
                var constraints = field.required ? ", \"constraints\": {\"required\": true}" : ""
                if let table, table.primaryKey.contains(column) {
                    constraints = ", \"constraints\": {\"required\": true}"
                }
                return
                    "          {\"name\": \(JSON.string(field.name)), \"type\": \"\(field.type.rawValue)\", \"description\": \(JSON.string(field.description))\(constraints)}"
            }
            var schema = [
                "        \"fields\": [\n" + fields.joined(separator: ",\n") + "\n        ]",
                "        \"missingValues\": [\"\"]",
            ]
            if let table, !table.primaryKey.isEmpty, table.primaryKey.allSatisfy(header.contains) {
                schema.append(
                    "        \"primaryKey\": [" + table.primaryKey.map(JSON.string).joined(separator: ", ") + "]")
            }
            let keys = (table?.foreignKeys ?? []).filter {
                present.contains($0.resource) && $0.fields.allSatisfy(header.contains)
            }.map { key in
                "          {\"fields\": [" + key.fields.map(JSON.string).joined(separator: ", ")
                    + "], \"reference\": {\"resource\": \(JSON.string(key.resource)), \"fields\": ["
                    + key.referenceFields.map(JSON.string).joined(separator: ", ") + "]}}"
            }
            if !keys.isEmpty {
                schema.append("        \"foreignKeys\": [\n" + keys.joined(separator: ",\n") + "\n        ]")
            }
            let resourceName = String(file.name.prefix { $0 != "." })
            resources.append(
                """
                    {
                      "name": \(JSON.string(resourceName)),
                      "path": \(JSON.string(file.name)),
                      "profile": "tabular-data-resource",
                      "description": \(JSON.string(table?.description ?? "")),
                      "format": "csv",
                      "mediatype": "text/csv",
                      "encoding": "utf-8",
                      "dialect": {"delimiter": ",", "quoteChar": "\\"", "doubleQuote": true, "header": true},
                      "schema": {
                \(schema.joined(separator: ",\n"))
                      }
                    }
                """)
        }
        return """
            {
              "profile": "tabular-data-package",
              "name": \(JSON.string(name)),
              "title": \(JSON.string(title)),
              "resources": [
            \(resources.joined(separator: ",\n"))
              ]
            }

            """
    }

    /// The package as a file of the run folder.
    public static func file(describing files: [(name: String, content: Data)]) -> (name: String, content: Data) {
        (name: fileName, content: Data(render(files).utf8))
    }

    /// The column names of a CSV's header row (repartir's own quoting: a name never holds a quote).
    static func headerColumns(_ content: Data) -> [String] {
        let line = String(decoding: content.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return line.split(separator: ",", omittingEmptySubsequences: false).map {
            var name = String($0)
            if name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 {
                name = String(name.dropFirst().dropLast())
            }
            return name
        }
    }
}
