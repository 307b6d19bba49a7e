import AllocationModel
import Foundation
import Pictures
import Scenario

/// The report's commune section: who has a conseiller within reach, the white zones by territory under the
/// 2021 hosts, the 2021 plan and the optimised plan with candidate sites, the new sites opened, and
/// the gap of the commune plan against its bound, the LP relaxation's or the Lagrangian's (docs/model.md, "Solving
/// the commune model").
public enum CommuneReport {
    /// The `endow_reach` stage in a sentence: what it reached, against what, and what the value above holds.
    static func endowmentSentence(_ endowment: CommuneEndowment.Outcome) -> String {
        let what = endowment.unit == .people ? "people" : "communes"
        let reachable = Format.grouped(Int(endowment.reachable.rounded()))
        if endowment.endowed >= endowment.reachable - 1e-9 {
            return
                "**Endowment first** (`reach.stages: endow_reach,value`): all \(reachable) \(what) with a site within reach have a post within reach "
                + "(a greedy cover of \(Format.grouped(endowment.posts)) posts shows it; no plan can do more, so the stage is optimal). "
                + "The commune plan's value and its bound above are the value's under that rule: every demand group keeps at least one post within reach "
                + "(one covering row for each group whose reaching sites include no other group's, which the others follow from; `endow_rows` in `commune_model.csv`)."
        }
        let endowed = Format.grouped(Int(endowment.endowed.rounded()))
        func count(_ value: Double) -> String { Format.grouped(Int(value.rounded())) }
        // How the cover was found, and what each search endowed: what the searches after the greedy bought.
        var how = " (a greedy cover: the rules on posts and money allow no more by it)."
        var searches = ""
        if let greedy = endowment.greedyEndowed {
            how =
                endowment.fromRelaxation
                ? ": one post at each site in decreasing order of the stage's LP relaxation's posts, then swaps of one post for another"
                : ": a greedy cover, then swaps of one post for another"
            how += " (docs/model.md, \"Swaps after the greedy\")."
            // The greedy's own cover only keeps room for the floors: the searches' covers meet them, and may endow
            // fewer when that room was short.
            if endowment.fromRelaxation {
                searches =
                    " A greedy cover alone, which only keeps room for the territory floors, endows \(count(greedy)); with the floors met and swaps, \(count(endowment.greedySwapsEndowed ?? greedy))."
            } else {
                searches =
                    " The greedy alone, which only keeps room for the territory floors, endows \(count(greedy))"
                    + (endowment.relaxationSwapsEndowed.map {
                        "; one post at each site in the order of the stage's LP relaxation's posts, then swaps, \(count($0))"
                    } ?? "") + "."
            }
        }
        let cover =
            "**Endowment first** (`reach.stages: endow_reach,value`): \(endowed) of the \(reachable) \(what) with a site within reach have a post within reach, "
            + "with a cover of \(Format.grouped(endowment.posts)) posts\(how)\(searches) "
        let held =
            (endowment.meetsFloors
                ? "" : "No cover found meets every territory floor: this one leaves a floor unmet (docs/model.md). ")
            + "The commune plan's value above holds these \(what) endowed."
        if endowment.proven {
            return cover
                + "The stage's LP relaxation (a post within reach counted fractionally) allows no more, so no plan can: the stage is optimal. "
                + held
        }
        let bound = Format.grouped(Int(endowment.bound.rounded(.down)))
        let gap = endowment.bound > 0 ? (endowment.bound - endowment.endowed) / endowment.bound : 0
        return cover
            + "At most \(bound) are possible by the stage's LP relaxation: a gap of \(Format.percent(gap, decimals: 2)) against that bound "
            + "(the stage's binary model is not solved). " + held
    }

    /// What the `endow_reach` stage costs the plan: the share of the posts its cover takes, and, when the département
    /// plan scored by the same model (keeping no one endowed) is worth more than `bound`, which holds for every plan
    /// keeping the cover's people within reach, that difference as a lower bound on its price (a review found the
    /// €60M report silent on both: a cover of 1,180 posts for a plan of 1,178, a price of at least 20.7 %).
    /// What the plan's white zone does and does not say (a review of the commune results): with `endow_reach` it is the
    /// sites' own white zone whenever the cover fits, set by where the sites are rather than by the money (€100M and
    /// €200M read the same); it says nothing of the service inside the reach (at €100M, 8.3 million people lived in
    /// communes covered at 5 % of their need or less); where the stage did not prove its cover, the smallest white zone
    /// any plan leaves is known only between bounds; and communes without a point count in it whatever their sites.
    static func whiteZoneCaveats(_ results: CommuneResults, optimised: Int, sitesOnly: Int) -> String {
        let plan = results.optimised
        var sentences: [String] = []
        if let endowment = results.endowment, optimised == sitesOnly {
            sentences.append(
                "With `endow_reach` first, a post goes within reach of every group a site reaches whenever the posts and money allow it (\(Format.grouped(endowment.posts)) posts here): the plan's white zone is then the sites' own, set by where the sites are, not by the money, and it reads the same with less money as long as that cover fits."
            )
        } else if let endowment = results.endowment, !endowment.proven, endowment.unit == .people {
            // Every plan leaves out of reach at least the people no site reaches and the reachable people beyond the
            // stage's bound.
            let floor = sitesOnly + Int((endowment.reachable - endowment.bound).rounded(.down))
            sentences.append(
                "The endowment stage did not prove its cover (\(Format.grouped(Int(endowment.endowed.rounded()))) people endowed, its bound \(Format.grouped(Int(endowment.bound.rounded())))): the smallest white zone any plan within these rules can leave is between \(Format.grouped(max(floor, sitesOnly))) people (the bound) and the \(Format.grouped(optimised)) of this plan, and the communes flagged `white_zone` are this plan's, not a finding that they cannot be reached."
            )
        }
        // Service inside the reach: people in communes that have an endowed site within reach but whose group's
        // coverage is thin (a commune's ratio is its group's).
        let white = plan.whiteZone
        let coverage = plan.communeCoverage
        var thin = (five: 0, ten: 0)
        for (index, commune) in results.communes.enumerated() where !white[index] {
            let need = plan.model.communeNeed[index]
            guard need > 0 else { continue }
            // As `coverage_ratio` is written (4 decimals), so that the CSV gives the same counts.
            let ratio = (coverage[index] / need * 10_000).rounded() / 10_000
            if ratio <= 0.05 { thin.five += commune.population }
            if ratio <= 0.10 { thin.ten += commune.population }
        }
        sentences.append(
            "Reach is not service: out of the white zone, \(Format.grouped(thin.five)) people live in communes whose group the plan covers at 5 % of its need or less, \(Format.grouped(thin.ten)) at 10 % or less (`coverage_ratio` in `allocation_by_commune.csv`, a group's ratio shared by its communes)."
        )
        // Reach across territory lines: communes out of the white zone only thanks to sites in another territory, whose
        // posts count in that territory's floor and caps (a review: Villefranche-sur-Saône reached from Ain).
        let endowed = plan.endowedSites
        let siteCommunes = plan.model.reach.siteCommunes
        var across = (communes: 0, people: 0)
        for (index, commune) in results.communes.enumerated() where !white[index] {
            let own = plan.model.reach.sitesInReach[index].contains {
                endowed[$0] && results.communes[siteCommunes[$0]].territory == commune.territory
            }
            if !own {
                across.communes += 1
                across.people += commune.population
            }
        }
        if across.communes > 0 {
            sentences.append(
                "Reach crosses territory lines: \(Format.grouped(across.people)) people in \(Format.grouped(across.communes)) \(across.communes == 1 ? "commune" : "communes") are out of the white zone only thanks to endowed sites in another territory, whose posts count in that territory's floor and caps, not theirs."
            )
        }
        let unplaced = results.communes.indices.filter { !results.communes[$0].hasCoordinates && white[$0] }
        if !unplaced.isEmpty {
            let people = unplaced.reduce(0) { $0 + results.communes[$1].population }
            sentences.append(
                "\(Format.grouped(people)) of the white zone's people live in \(Format.grouped(unplaced.count)) \(unplaced.count == 1 ? "commune" : "communes") without coordinates in the demand table, which only a site in the commune itself can reach: a gap in the data, not a finding (`has_coordinates` in `allocation_by_commune.csv`; \"Inputs to check\" below)."
            )
        }
        return sentences.joined(separator: " ")
    }

    /// What branch-and-bound from the plan did on a small model (`CommuneBranchAndBound`).
    static func branchAndBoundSentence(_ search: CommuneBranchAndBound.Summary, _ results: CommuneResults) -> String {
        let before = CommuneSolve.relativeGap(value: search.valueBefore, bound: search.boundBefore)
        let rootName = CommuneSolve.boundName(method: results.boundMethod, branchAndBound: nil)
        var sentence =
            "The model being small (\(Format.grouped(results.optimised.model.decisions.count)) posts variables), GLPK's branch-and-bound started from the heuristic's plan, "
            + "\(Format.percent(before, decimals: 2)) below its \(rootName), and explored \(Format.grouped(search.nodes)) nodes"
            + (search.passes > 1 ? " in two passes (the plan as incumbent, then its own presolved tree)" : "")
            + (search.stoppedBy.map { " (stopped by the \($0))" } ?? "") + ": "
        // A flag, not a comparison of two valuations of one plan (a review read "a plan worth X against X").
        sentence +=
            search.foundBetterPlan
            ? "it found a plan worth \(Format.fixed(results.optimised.value, decimals: 1)) against \(Format.fixed(search.valueBefore, decimals: 1))"
            : "it found no better plan"
        sentence +=
            search.tightenedBound
            ? " and lowered the bound from \(Format.fixed(search.boundBefore, decimals: 1)) to \(Format.fixed(search.bound, decimals: 1))."
            : " and no tighter bound."
        return sentence
    }

    static func endowmentPrice(
        coverPosts: Int, planPosts: Int, departmentValue: Double?, bound: Double, boundName: String
    ) -> String {
        // The cover found is a heuristic's: a smaller one may keep the same people endowed (a review found 1,159 of the
        // plan's own sites enough at €60M), so the sentence says what this cover takes, not what the rule needs.
        var text = "The cover found takes \(Format.grouped(coverPosts)) posts (a smaller cover may exist), "
        if coverPosts >= planPosts {
            text +=
                "as many as or more than the commune plan's \(Format.grouped(planPosts)): at this budget that cover decides where nearly every post goes, and the value stage little more than which option and host."
        } else {
            let share = planPosts > 0 ? Double(coverPosts) / Double(planPosts) : 0
            text += "\(Format.percent(share)) of the commune plan's \(Format.grouped(planPosts))"
            text += share >= 0.8 ? ": at this budget that cover decides where nearly every post goes." : "."
        }
        if let departmentValue, departmentValue > bound, departmentValue > 0 {
            let price = departmentValue - bound
            text +=
                " Its price is at least \(Format.grouped(price)) of value, \(Format.percent(price / departmentValue)) of what the posts can reach without it: "
                + "the département plan, scored by the same model and keeping no one endowed, is worth \(Format.fixed(departmentValue, decimals: 1)), "
                + "above the \(boundName) \(Format.fixed(bound, decimals: 1)) of every plan that keeps the cover's people within reach "
                + "(`reach.stages: value` solves the plan without the stage)."
        }
        return text
    }

    /// The Status section's first word, the commune plan's: the département plan's status follows it, and a reader
    /// (or a cron job reading exit 10) must not take "Optimal" for the commune plan's when it is 6 % from its bound (a
    /// review found "**Optimal.**" the first bold word of a commune run that exits 10).
    public static func statusNote(_ results: CommuneResults) -> String {
        let status =
            results.proven
            ? "**optimal** (within the MIP gap of its \(results.boundName))"
            : "**feasible, not proven optimal**: \(Format.percent(results.gap, decimals: 2)) below its \(results.boundName)"
        // The headline and the sections up to "Where people live" are the département plan's too: a review read the
        // headline's posts and people as the commune plan's.
        let totals = results.optimised.totals
        return
            "This run's answer is its plan by commune (\"Where people live\" below, "
            + "`sites.csv`, `allocation_by_commune.csv`): it is \(status)"
            + (results.proven ? "." : "; the run exits 10 for it.")
            + " It places \(Format.grouped(totals.posts)) posts for \(Format.millions(totals.stateEUR)) of State money. "
            + "The status below, the headline and the sections on the plan before \"Where people live\" are the "
            + "département plan's, made first under the same rules."

    }

    public static func section(_ results: CommuneResults) -> String {
        guard let inputs = results.scenario.communes else { return "" }
        let radius = Format.fixed(inputs.radiusKm, decimals: inputs.radiusKm.rounded() == inputs.radiusKm ? 0 : 1)
        let total = results.communes.reduce(0) { $0 + $1.population }
        func share(_ people: Int) -> String {
            "\(Format.grouped(people)) (\(Format.percent(total > 0 ? Double(people) / Double(total) : 0, decimals: 1)))"
        }
        let rows = CommuneTables.whiteZoneRows(results)
        let hosts = rows.reduce(0) { $0 + $1.hosts }
        let full = rows.reduce(0) { $0 + $1.hostsAndCandidates }
        let optimised = rows.reduce(0) { $0 + $1.optimised }
        let plan2021 = results.plan2021 == nil ? nil : rows.reduce(0) { $0 + ($1.plan2021 ?? 0) }
        let needs = (
            hosts: rows.reduce(0) { $0 + $1.hostsNeed }, full: rows.reduce(0) { $0 + $1.hostsAndCandidatesNeed },
            plan2021: rows.reduce(0) { $0 + ($1.plan2021Need ?? 0) },
            optimised: rows.reduce(0) { $0 + $1.optimisedNeed }
        )
        let communes = (
            hosts: rows.reduce(0) { $0 + $1.hostsCommunes },
            full: rows.reduce(0) { $0 + $1.hostsAndCandidatesCommunes },
            plan2021: rows.reduce(0) { $0 + ($1.plan2021Communes ?? 0) },
            optimised: rows.reduce(0) { $0 + $1.optimisedCommunes }
        )
        let plan = results.optimised
        let covered = plan.groupCoverage.reduce(0, +)
        let need = plan.model.communeNeed.reduce(0, +)
        var out: [String] = []
        // With a reach table (travel times) the radius is not used: the section says the table's rule instead.
        let minutes = inputs.reachTable.map {
            Format.fixed($0.maxMinutes, decimals: $0.maxMinutes.rounded() == $0.maxMinutes ? 0 : 1)
        }
        out.append("## Where people live: conseillers within \(minutes.map { "\($0) minutes" } ?? "\(radius) km")")
        out.append("")
        let rule =
            minutes.map {
                "A commune is within reach of a site when the reach table gives at most \($0) minutes from it to the site's commune; "
            }
            ?? "A commune is within reach of a site when their points are at most \(radius) km apart (great circle); "
        out.append(
            rule + "a site reaches its own commune. "
                + "People out of reach of every endowed site are in a **white zone**. The commune plan is a second plan, made by the commune model "
                + "(docs/model.md, \"The commune model\") under the same rules on posts as the plan above, with the candidate sites allowed."
        )
        out.append("")
        let allCommunes = Format.grouped(results.communes.count)
        out.append(
            "| people with no site within \(minutes.map { "\($0) minutes" } ?? "\(radius) km") | inhabitants | of them in need | communes (of \(allCommunes)) |"
        )
        out.append("| --- | ---: | ---: | ---: |")
        out.append(
            "| all 2021 hosts, endowed or not | \(share(hosts)) | \(Format.grouped(needs.hosts)) | \(Format.grouped(communes.hosts)) |"
        )
        out.append(
            "| 2021 hosts and candidate sites | \(share(full)) | \(Format.grouped(needs.full)) | \(Format.grouped(communes.full)) |"
        )
        if let plan2021 {
            // Equal to the first row when every host had 2021 posts (the real list): said, not left to look redundant.
            let every = results.scenario.structures.allSatisfy { ($0.posts2021 ?? 0) > 0 }
            out.append(
                "| hosts endowed in the 2021 plan\(every ? " (every host had 2021 posts)" : "") | \(share(plan2021)) | \(Format.grouped(needs.plan2021)) | \(Format.grouped(communes.plan2021)) |"
            )
        }
        if let scored = results.departmentScored {
            // The plan above, its posts at its hosts: the same reach, so its white zone holds the 2021 hosts' (fewer
            // sites), like for like in reach with the rows around it.
            let white = scored.whiteZone
            let people = results.populationByTerritory(where: white).reduce(0, +)
            let need = results.needByTerritory(where: white).reduce(0, +)
            out.append(
                "| hosts endowed in the département plan (the plan above) | \(share(people)) | \(Format.grouped(need)) | \(Format.grouped(white.count { $0 })) |"
            )
        }
        out.append(
            "| sites endowed in the optimised commune plan | \(share(optimised)) | \(Format.grouped(needs.optimised)) | \(Format.grouped(communes.optimised)) |"
        )
        out.append("")
        out.append(whiteZoneCaveats(results, optimised: optimised, sitesOnly: full))
        out.append("")
        // Whether each intercommunality has a conseiller of its own (the issue's "EPCI endowed").
        let epcis = results.endowedEPCIs(results.optimised)
        if epcis.all > 0 {
            let then =
                results.plan2021.map { ", \(Format.grouped(results.endowedEPCIs($0).endowed)) under the 2021 plan" }
                ?? ""
            out.append(
                "**EPCIs endowed** (a site with posts in one of their communes): \(Format.grouped(epcis.endowed)) of the \(Format.grouped(epcis.all)) EPCIs of the demand table under the optimised commune plan\(then)."
                    + (results.plan2021 == nil
                        ? ""
                        : " Not like for like: the commune plan also has the candidate sites, and its own posts and money (below).")
            )
            out.append("")
        }
        out.append("White zones by territory, in people and in communes: `white_zones.csv`.")
        out.append("")
        out.append("![White zones of the optimised commune plan](\(CommuneMap.fileName))")
        out.append("")
        // The 2021 hosts' white zone on the same map: the green class, and the white-zone communes no host reaches (a
        // white-zone commune may have a host the plan left without posts, so the two white colours are not all of it).
        let newlyReached = CommuneMap.points(results, plan: plan).count { $0.access == .endowedNew }
        if newlyReached > 0 {
            out.append(
                "On the map, green marks the \(Format.grouped(newlyReached)) communes the plan's new sites bring within reach of a conseiller, out of reach of every 2021 host; with the white-zone communes no 2021 host reaches, they are the 2021 hosts' white zone (\(Format.grouped(communes.hosts)) communes)."
            )
            out.append("")
        }
        let status =
            results.proven
            ? "optimal (within the MIP gap of the \(results.boundName))"
            : "feasible, gap \(Format.percent(results.gap, decimals: 2)) against the \(results.boundName)"
        out.append(
            "**Commune plan**: value \(Format.fixed(plan.value, decimals: 1)), \(results.boundName) \(Format.fixed(results.bound, decimals: 1)): \(status). "
                + "It covers \(Format.grouped(covered)) of the \(Format.grouped(need)) people in need (\(Format.percent(need > 0 ? covered / need : 0, decimals: 1))), "
                + "each commune's coverage recomputed from the plan's posts by the flow LP with the posts fixed, not taken from the relaxation. "
                + "Its sites and its posts per territory are one plan of that value, not the only one: plans worth about as much may open other sites "
                + "and place posts elsewhere, and no range of posts is computed at commune level, unlike the département plan's "
                + "(docs/model.md, \"Solving the commune model\")."
        )
        if let search = results.branchAndBound { out.append(""); out.append(branchAndBoundSentence(search, results)) }
        if let warm = results.warmStart, let fallback = results.warmFallback, !fallback.keptWarm {
            out.append("")
            out.append(
                "**Warm start** from the run in \(MarkdownText.code(warm.folder)) (`--warm-start`): its answer was "
                    + "\(Format.percent(fallback.warmGap, decimals: 2)) below its bound, more than `reach.warm_max_gap` "
                    + "(\(Format.percent(fallback.target, decimals: 2))) allows, so the commune plan was solved again without it: "
                    + (fallback.warmPlanWithColdBound
                        ? "the bound above is that solve's, and the plan the warm answer's, which is worth more (both bounds hold for every plan of this scenario) "
                        : "the plan and the bound above are that solve's ")
                    + "(docs/model.md, \"A variant from a solved run\").")
        } else if let warm = results.warmStart, !results.warmBound {
            out.append("")
            out.append(
                "**Warm start** from the run in \(MarkdownText.code(warm.folder)) (`--warm-start`): "
                    + (warm.prices == nil
                        ? "its `sites.csv` gives no usable price per person served (no `value_per_person`, only zeros, or none at a site of this scenario)"
                        : "the bound from its prices did not finish")
                    + ", so the commune plan was solved as without it.")
        } else if let warm = results.warmStart {
            out.append("")
            let plan =
                results.warmPlan
                ? "its plan (\(Format.grouped(warm.matchedRows)) site pools and options with posts, \(Format.grouped(warm.unmatchedRows)) not in this scenario), repaired into this scenario's rules, is the plan's start, and "
                : "its plan could not be repaired into this scenario's rules, so the plan is rounded from the posts its prices call for; "
            out.append(
                "**Warm start** from the run in \(MarkdownText.code(warm.folder)) (`--warm-start`): \(plan)"
                    + "its prices per person served, scaled, give the Lagrangian bound: no LP relaxation is solved"
                    + (results.warmBasis
                        ? " (the posts part's first LP started from its basis, `\(PreviousCommunePlan.basisFile)`). "
                        : ". ")
                    + "The bound holds for any prices; how tight it is depends on how close this scenario is to that run's "
                    + "(docs/model.md, \"A variant from a solved run\")."
                    + (results.warmFallback.map { fallback in
                        " Its gap is more than `reach.warm_max_gap` (\(Format.percent(fallback.target, decimals: 2))) allows; "
                            + (fallback.coldFailure.map {
                                "the solve without the start gave no answer (\($0)), so this one stands."
                            }
                                ?? "the solve without the start found no better plan under a tighter bound, so this one stands.")
                    } ?? ""))
        }
        if results.boundMethod == .lagrangian && !results.warmBound {
            let why =
                results.relaxationUnfinished.map { "the LP relaxation did not finish (\($0))" }
                ?? "`reach.bound: lagrangian` (no LP relaxation)"
            out.append("")
            let lowered = results.branchAndBound?.tightenedBound == true
            out.append(
                (lowered
                    ? "The starting bound, which branch-and-bound then lowered (above), was Lagrangian"
                    : "The bound is Lagrangian")
                    + ", since \(why): prices on every site unit's service row split the model into the posts "
                    + "and the communes, each solved exactly; it bounds every plan "
                    + (results.endowment != nil
                        ? "that keeps the endowment stage's people within reach of a post (the stage's covering rows are in the model) "
                        : "")
                    + "as the relaxation would, but is looser (docs/model.md, "
                    + "\"Solving the commune model\"), "
                    + (results.pricedByBestPoint
                        ? "and the prices are the interior point's best duals, scaled, the plan rounded from that point's posts."
                        : "and the plan is rounded from the posts those prices call for."))
        }
        if let endowment = results.endowment {
            out.append("")
            out.append(
                endowmentSentence(endowment) + " "
                    + endowmentPrice(
                        coverPosts: endowment.posts, planPosts: results.optimised.posts.reduce(0, +),
                        departmentValue: results.departmentScored?.value, bound: results.bound,
                        boundName: results.boundName))
            out.append("")
        }
        if results.plan2021 == nil && results.scenario.structures.contains(where: { ($0.posts2021 ?? 0) > 0 }) {
            out.append(
                "The 2021 plan was not scored at commune level: the run's time budget ran out first (raise `solver.time_limit_seconds`)."
            )
        }
        if let scored = results.plan2021 {
            if out.last != "" { out.append("") }
            let covered2021 = scored.groupCoverage.reduce(0, +)
            let covered = results.optimised.groupCoverage.reduce(0, +)
            let mine = results.optimised.totals, theirs = scored.totals
            // Like for like on the model, reach and need, not on money or posts: the coverage gained splits exactly
            // into what the posts can serve and what reach and need leave unserved (a review found the difference
            // almost all capacity, bought by more money and longer co-financed posts, with no word of it).
            let unserved = mine.servable - covered, unserved2021 = theirs.servable - covered2021
            func money(_ totals: CommuneResults.ScoredPlan.Totals) -> String {
                "\(Format.grouped(totals.posts)) posts, \(Format.millions(totals.stateEUR)) of State money"
                    + (totals.hostEUR > 0.5 ? " and \(Format.millions(totals.hostEUR)) of host co-financing" : "")
            }
            func signed(_ value: Double) -> String { (value >= 0 ? "+" : "−") + Format.grouped(abs(value)) }
            out.append(
                "The 2021 plan scored by the same model (its posts at its hosts, under the first funding option the host pays nothing for): "
                    + "value \(Format.fixed(scored.value, decimals: 1)), \(Format.grouped(covered2021)) people covered. "
                    + "The two are alike in model, reach and need, \(Self.likeness(mine, theirs)): the commune plan has \(money(mine)), whose posts can serve "
                    + "\(Format.grouped(mine.servable)) people over their funded months; the 2021 plan \(money(theirs)), which can serve "
                    + "\(Format.grouped(theirs.servable)). Of the \(signed(covered - covered2021)) people covered, "
                    + "\(signed(mine.servable - theirs.servable)) is what the posts can serve, and \(signed(unserved2021 - unserved)) where they are "
                    + "(people the posts could serve but reach or need leave unserved: \(Format.grouped(unserved)) against \(Format.grouped(unserved2021)))."
            )
        }
        out += besideTheDepartmentPlan(results)
        out.append("")
        out.append("### White zones by territory")
        out.append("")
        out.append("The 15 territories with the most people out of reach of the 2021 hosts (all in `white_zones.csv`).")
        out.append("")
        out.append(
            "| territory | population | no 2021 host in reach | no host or candidate in reach | 2021 plan | optimised plan |"
        )
        out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        for row in rows.sorted(by: { ($0.hosts, $1.territory.code) > ($1.hosts, $0.territory.code) }).prefix(15) {
            func pct(_ people: Int) -> String {
                "\(Format.grouped(people)) (\(Format.percent(row.population > 0 ? Double(people) / Double(row.population) : 0, decimals: 1)))"
            }
            out.append(
                "| \(MarkdownText.inline(row.territory.name)) (\(MarkdownText.inline(row.territory.code))) | \(Format.grouped(row.population)) | \(pct(row.hosts)) | "
                    + "\(pct(row.hostsAndCandidates)) | \(row.plan2021.map(pct) ?? "—") | \(pct(row.optimised)) |")
        }
        out.append("")
        out += openedSites(results)
        let reach = plan.model.reach
        let noCoordinates = results.communes.filter { !$0.hasCoordinates }
        out.append("### Model size")
        out.append("")
        out.append(
            "\(Format.grouped(results.reachableCommunes)) communes in reach form \(Format.grouped(reach.groups.count)) demand groups (identical reachable sites and territory weight); "
                + "\(Format.grouped(reach.siteCommunes.count)) site communes form \(Format.grouped(reach.units.count)) site units; \(Format.grouped(reach.flowPairs)) flow pairs; "
                + "\(Format.grouped(plan.model.program.variables.count)) columns, \(Format.grouped(plan.model.program.constraints.count)) rows, \(Format.grouped(plan.model.program.nonzeroCount)) nonzeros "
                + "(`commune_model.csv`). \(Format.grouped(reach.unreachable.count)) communes have no site within reach and are left out of the model, listed in `allocation_by_commune.csv`."
        )
        let checks = inputChecks(results)
        if !noCoordinates.isEmpty || !checks.isEmpty {
            out.append("")
            out.append("### Inputs to check")
        }
        if !noCoordinates.isEmpty {
            // Their people count in the white zones above whenever their own commune has no endowed site (a review
            // found 8,557 of the 112,371 people out of reach counted there only for want of a point).
            let white = plan.whiteZone
            let people = noCoordinates.reduce(0) { $0 + $1.population }
            let whitePeople = results.communes.indices.filter { !results.communes[$0].hasCoordinates && white[$0] }
                .reduce(0) { $0 + results.communes[$1].population }
            out.append("")
            out.append(
                "Communes without coordinates (reached only by a site in the commune itself): "
                    + noCoordinates.map { "\(MarkdownText.inline($0.name)) (\(MarkdownText.inline($0.code)))" }.joined(
                        separator: ", ")
                    + "; \(Format.grouped(people)) people, \(Format.grouped(whitePeople)) of them in the commune plan's white zone (without a point, only a site in the commune itself can reach them)."
            )
        }
        out += checks
        out.append("")
        return out.joined(separator: "\n") + "\n"
    }

    /// The commune plan beside the run's département plan: what reach and need leave unserved, and the posts by kind
    /// of host and funding option, which set the people a post can serve. An accounting of the two plans, no re-solve:
    /// it says where the people differ, not what the commune model would do under other rules.
    static func besideTheDepartmentPlan(_ results: CommuneResults) -> [String] {
        guard let other = results.departmentPlan else { return [] }
        let mine = PlanMix(commune: results.optimised)
        let parameters = results.scenario.parameters
        let period = parameters.basis.period
        let unserved = mine.totalServable - mine.covered
        let unservedOther = other.totalServable - other.covered
        func money(_ mix: PlanMix) -> String {
            "\(Format.millions(mix.stateEUR)) of State money"
                + (mix.hostEUR > 0.5 ? " and \(Format.millions(mix.hostEUR)) of host co-financing" : "")
        }
        func signed(_ value: Double) -> String { (value >= 0 ? "+" : "−") + Format.grouped(abs(value)) }
        var out = [
            "",
            "**Beside the département plan** (the plan above: the same rules on posts and money, but need counted per "
                + "département with no reach, so that a post serves anyone in its département, and no candidate site"
                + (results.endowment == nil
                    ? ""
                    : "; the commune plan first puts a post within reach of as many people as it can, `reach.stages`")
                + "): the "
                + "commune plan covers \(Format.grouped(mine.covered)) people with \(Format.grouped(mine.totalPosts)) posts "
                + "and \(money(mine)), the département plan \(Format.grouped(other.covered)) with "
                + "\(Format.grouped(other.totalPosts)) posts and \(money(other)): \(signed(mine.covered - other.covered)) people. "
                + "Not like for like: the two are made and counted by different models. Of that difference, "
                + "\(signed(mine.totalServable - other.totalServable)) is what the posts can serve \(period), which each post's kind of "
                + "host and funding option set (below), and "
                + "\(signed(-(unserved - unservedOther))) is what reach and need leave unserved of it "
                + "(\(Format.grouped(unserved)) people in the commune plan; \(unservedOther < 0.5 ? "none" : Format.grouped(unservedOther)) "
                + "in the département plan, where, with no reach, only need can leave anyone unserved).",
            "",
            "| kind of host, funding option (people a post can serve \(period)) | département plan | commune plan |",
            "| --- | ---: | ---: |",
        ]
        for key in Set(mine.posts.keys).union(other.posts.keys).sorted() {
            let posts = mine.posts[key] ?? 0, otherPosts = other.posts[key] ?? 0
            let each = posts > 0 ? mine.servable[key]! / Double(posts) : other.servable[key]! / Double(otherPosts)
            let candidates = mine.candidatePosts[key] ?? 0
            out.append(
                "| `\(parameters.kinds[key.kind].id)`, `\(parameters.fundingOptions[key.option].id)` (\(Format.grouped(each))) | "
                    + "\(Format.grouped(otherPosts)) | \(Format.grouped(posts))"
                    + (candidates > 0 ? " (\(Format.grouped(candidates)) at candidate sites)" : "") + " |")
        }
        out.append(
            "| people the posts can serve | \(Format.grouped(other.totalServable)) | \(Format.grouped(mine.totalServable)) |"
        )
        out.append("| people covered | \(Format.grouped(other.covered)) | \(Format.grouped(mine.covered)) |")
        // The candidates' options are an assumption of the scenario, not a finding: said where it applies.
        let candidateOptions = Set(mine.candidatePosts.filter { $0.value > 0 }.keys.map(\.option)).sorted()
        let atCandidates = mine.candidatePosts.values.reduce(0, +)
        let candidates = results.scenario.communes?.candidates ?? []
        if atCandidates > 0 && !candidates.isEmpty && candidates.allSatisfy({ $0.cofinancingEUR <= 0 }) {
            let names = candidateOptions.map { "`\(parameters.fundingOptions[$0].id)`" }.joined(separator: ", ")
            out.append("")
            out.append(
                "The candidate sites have no co-financing (`cofinancing_eur` 0 in the candidates' table, an assumption of the "
                    + "scenario), so their \(Format.grouped(atCandidates)) posts are on \(names), "
                    + (candidateOptions.count == 1 ? "an option" : "options") + " the host pays nothing for.")
        }
        // The same département plan counted as the commune plan is: its posts at its hosts, under the commune model's
        // reach and need (a review: "0 unserved" in a model without reach is true by construction, not a finding).
        guard let scored = results.departmentScored else {
            // Its evaluation failed (the log's warning says why: a limit, a flow LP that did not end optimal).
            return out + [
                "",
                "The département plan was not scored by the commune model: its evaluation did not finish (the run's log says why).",
            ]
        }
        let covered = scored.groupCoverage.reduce(0, +)
        let servable = scored.totals.servable
        let change = scored.value > 0 ? (results.optimised.value - scored.value) / scored.value : 0
        let worth =
            "\(signed(results.optimised.value - scored.value)) (\(Format.percent(abs(change), decimals: 1)) \(change >= 0 ? "more" : "less"))"
        out.append("")
        out.append(
            "Scored by the commune model instead (its posts at its hosts; the commune plan's model, reach and need), the "
                + "département plan covers \(Format.grouped(covered)) people, value \(Format.fixed(scored.value, decimals: 1)) against the "
                + "commune plan's \(Format.fixed(results.optimised.value, decimals: 1)): reach and need leave \(Format.grouped(servable - covered)) "
                + "of the \(Format.grouped(servable)) its posts can serve unserved. Against it, alike in model, reach and need, not "
                + "in money (above)"
                + (candidates.isEmpty ? "" : " nor in sites (the commune plan may open candidate sites)")
                + ", the commune plan covers "
                + "\(signed(mine.covered - covered)) people and \(worth) in value, its objective: the value of coverage, "
                + "concave in each commune group's coverage"
                + (results.endowment == nil
                    ? "" : ", after its first stage's posts within reach of everyone it can reach")
                + ", not the people covered.")
        return out
    }

    /// What `CommuneInputChecks` found: sites in another territory's commune (with the posts the plan put there) and
    /// commune points far from their territory; nothing when every check passes.
    static func inputChecks(_ results: CommuneResults) -> [String] {
        guard let inputs = results.scenario.communes else { return [] }
        let checks = CommuneInputChecks(inputs, structures: results.scenario.structures)
        var out: [String] = []
        if !checks.sitesElsewhere.isEmpty {
            let plan = results.optimised
            let territories = results.scenario.territories
            var posts = 0
            for (index, decision) in plan.model.decisions.enumerated() where plan.posts[index] > 0 {
                let pool = plan.model.pools[decision.pool]
                if inputs.communes[pool.commune].territory != territories[pool.territory].code {
                    posts += plan.posts[index]
                }
            }
            let listed = checks.sitesElsewhere.map {
                "\(MarkdownText.inline($0.id)) (\(MarkdownText.inline($0.territory))) at \(MarkdownText.inline($0.communeName)) (\(MarkdownText.inline($0.communeCode)), \(MarkdownText.inline($0.communeTerritory)))"
            }
            out.append("")
            out.append(
                "**Sites in another territory's commune**: \(Format.grouped(checks.sitesElsewhere.count)) (hosts or candidate sites) have their commune in another territory than their own. Their posts count for their own territory (its floors and caps) and serve the people around that commune; the commune plan puts \(Format.grouped(posts)) posts at such sites. Check the commune codes where that is not meant (national networks registered at their seat, homonyms, where either the territory or the commune code is the wrong one): "
                    + firstTen(listed) + ".")
        }
        if !checks.distantCommunes.isEmpty {
            let listed = checks.distantCommunes.map {
                "\(MarkdownText.inline($0.name)) (\(MarkdownText.inline($0.code)), \(MarkdownText.inline($0.territory)), \(Format.grouped(Int($0.kilometres.rounded()))) km)"
            }
            out.append("")
            out.append(
                "**Commune points far from their territory**: \(Format.grouped(checks.distantCommunes.count)) communes lie more than \(Int(CommuneInputChecks.distantKm)) km from the median point of their territory's communes (latitude and longitude swapped?); their reach is computed from the point as given: "
                    + firstTen(listed) + ".")
        }
        return out
    }

    /// The first ten of `items` joined by "; ", and "; …" when there are more.
    static func firstTen(_ items: [String]) -> String {
        items.prefix(10).joined(separator: "; ") + (items.count > 10 ? "; …" : "")
    }

    /// Candidate sites the plan opens, ranked by the people for whom they are the only endowed site within reach.
    static func openedSites(_ results: CommuneResults) -> [String] {
        let plan = results.optimised
        let model = plan.model
        var candidateSite = [Bool](repeating: false, count: model.reach.siteCommunes.count)
        var hostSite = [Bool](repeating: false, count: model.reach.siteCommunes.count)
        var postsAt = [Int](repeating: 0, count: model.reach.siteCommunes.count)
        var servableAt = [Double](repeating: 0, count: model.reach.siteCommunes.count)
        var structuresAt = [Set<String>](repeating: [], count: model.reach.siteCommunes.count)
        for (index, decision) in model.decisions.enumerated() where plan.posts[index] > 0 {
            let pool = model.pools[decision.pool]
            if pool.candidate { candidateSite[pool.site] = true } else { hostSite[pool.site] = true }
            if pool.candidate {
                postsAt[pool.site] += plan.posts[index]
                servableAt[pool.site] += Double(plan.posts[index]) * decision.peoplePerPost
                structuresAt[pool.site].formUnion(pool.structures)
            }
        }
        let opened = candidateSite.indices.filter { candidateSite[$0] }
        // Communes with a 2021 host (every host of structures.csv: the 2021 network) where no site of the plan has a
        // post (a review found them unsaid).
        var communeWithPosts = Set<Int>()
        for (index, decision) in model.decisions.enumerated() where plan.posts[index] > 0 {
            communeWithPosts.insert(model.pools[decision.pool].commune)
        }
        let hostCommunes = results.hostNetwork.siteCommunes
        let closed = hostCommunes.count { !communeWithPosts.contains($0) }
        let closedSentence =
            "It leaves \(Format.grouped(closed)) of the \(Format.grouped(hostCommunes.count)) communes with a 2021 host without any post."
        guard !opened.isEmpty else {
            return ["No candidate site is opened by the commune plan. " + closedSentence, ""]
        }
        // People for whom the site is the only endowed site in reach, and among them those no 2021 host reaches at
        // all: only these come out of a white zone thanks to it; the others have a host within reach that the plan
        // left without posts (a review found the first count called "brought out of a white zone").
        var adds = [Int](repeating: 0, count: candidateSite.count)
        var addsWhite = [Int](repeating: 0, count: candidateSite.count)
        var total = 0, totalWhite = 0
        let hostless = results.outOfReachOfHosts
        for (commune, sites) in model.reach.sitesInReach.enumerated() {
            let endowed = sites.filter { candidateSite[$0] || hostSite[$0] }
            let people = results.communes[commune].population
            let white = commune < hostless.count && hostless[commune]
            if endowed.count == 1, candidateSite[endowed[0]], !hostSite[endowed[0]] {
                adds[endowed[0]] += people
                if white { addsWhite[endowed[0]] += people }
            }
            if !endowed.isEmpty, endowed.allSatisfy({ candidateSite[$0] && !hostSite[$0] }) {
                total += people
                if white { totalWhite += people }
            }
        }
        // "Opened", ranked by reach: a review read "worth opening" as a judgement of what each site's posts add to the
        // value, which the table does not measure (one site ranked third covered its largest commune at 5 % of need).
        var out = ["### New sites opened", ""]
        out.append(
            "The commune plan opens \(Format.grouped(opened.count)) candidate sites (\(Format.grouped(opened.reduce(0) { $0 + postsAt[$1] })) posts); "
                + "\(Format.grouped(total)) people have only candidate sites among the endowed sites within reach, \(Format.grouped(totalWhite)) of them out of reach of every 2021 host "
                + "(the others have a host within reach that the plan left without posts). \(closedSentence) The 15 that bring the most people out of the 2021 hosts' white zone "
                + "(people no 2021 host reaches for whom it is the only endowed site in reach; every site opened is in `sites.csv`), ranked by that reach, "
                + "not by what their posts add to the value of coverage, which the table does not measure. "
                + "Reach is not service: a site's posts serve at most the people of the last column over their funded months, "
                + "among the people in need of the communes it reaches (`coverage_ratio` in `allocation_by_commune.csv` says how much). "
                + "A site is a commune: the model places posts at the commune's candidate structures together, so where it holds several, "
                + "the plan does not choose among them:"
        )
        out.append("")
        out.append(
            "| site commune | territory | candidate structures | posts | people it alone reaches | of them, out of reach of every 2021 host | its posts can serve |"
        )
        out.append("| --- | --- | --- | ---: | ---: | ---: | ---: |")
        for site in opened.sorted(by: { (addsWhite[$0], adds[$0], $1) > (addsWhite[$1], adds[$1], $0) }).prefix(15) {
            let commune = results.communes[model.reach.siteCommunes[site]]
            let ids = structuresAt[site].sorted()
            let named =
                ids.prefix(3).map { MarkdownText.code($0) }.joined(separator: ", ")
                + (ids.count > 3 ? " and \(ids.count - 3) more" : "")
            out.append(
                "| \(MarkdownText.inline(commune.name)) (\(MarkdownText.inline(commune.code))) | \(MarkdownText.inline(commune.territory)) | \(named) | \(postsAt[site]) | \(Format.grouped(adds[site])) | \(Format.grouped(addsWhite[site])) | \(Format.grouped(servableAt[site])) |"
            )
        }
        out.append("")
        return out
    }
}

extension CommuneReport {
    /// Whether two plans also share posts and money, from their totals: "and in posts and money" or what differs
    /// (a review found "not in money" printed of every pair of plans, checked on none).
    static func likeness(_ one: CommuneResults.ScoredPlan.Totals, _ other: CommuneResults.ScoredPlan.Totals) -> String {
        var differs: [String] = []
        if one.posts != other.posts { differs.append("posts") }
        if abs(one.stateEUR - other.stateEUR) > 0.5 || abs(one.hostEUR - other.hostEUR) > 0.5 {
            differs.append("money")
        }
        return differs.isEmpty ? "and in posts and money" : "not in " + differs.joined(separator: " or ")
    }
}
