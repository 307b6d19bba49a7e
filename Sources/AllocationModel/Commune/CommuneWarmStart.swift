import Foundation
import LinearProgramming
import Scenario

/// A previous run's commune plan mapped onto this run's model (docs/model.md, "A variant from a solved run"): its
/// prices per site unit start the Lagrangian bound, and its posts start the rounding. Both are hints: any prices
/// give a valid bound and the rounding repairs any posts into this scenario's rules, so a run of another scenario
/// costs time and tightness, never correctness.
public struct CommuneWarmStart: Sendable {
    public let folder: String
    /// Price per unit of `model.reach.units`, in the program's units (per person served); nil when no site of the
    /// previous run carries a positive price (then the relaxation is solved, and the previous plan is not used).
    public let prices: [Double]?
    /// Posts per decision of `model` taken from the previous plan, as the program's values (other columns 0).
    public let values: [Double]
    /// Rows of the previous plan with posts that match a pool and option of this model, and those that do not.
    public let matchedRows: Int
    public let unmatchedRows: Int
    /// Site units of this model with no price in the previous run (given the median of the others').
    public let unpricedUnits: Int
    /// Posts of matched rows beyond what this model's decisions of that pool and option can hold (not placed).
    public let postsBeyondBounds: Int
    /// The previous run's posts-part basis (`warm_start_basis.csv`), mapped by name when the Lagrangian starts; nil
    /// when the run left none.
    public let basis: CommuneLagrangian.PostsBasis?

    public init(_ previous: PreviousCommunePlan, model: CommuneModel, scenario: Scenario) {
        folder = previous.folder
        basis = previous.basis.map { entries in
            func status(_ status: PreviousCommunePlan.BasisStatus) -> LPBasis.Status {
                switch status {
                case .basic: .basic
                case .lower: .atLower
                case .upper: .atUpper
                case .free: .free
                case .fixed: .fixed
                }
            }
            return CommuneLagrangian.PostsBasis(
                rows: entries.rows.map { ($0.name, status($0.status)) },
                columns: entries.columns.map { ($0.name, status($0.status)) })
        }
        let communes = scenario.communes?.communes ?? []
        let reach = model.reach
        // Prices: a unit takes the highest of its site communes' (they share one row, hence one price, in a run with
        // the same reach).
        var priceByCommune: [String: Double] = [:]
        for site in previous.sites {
            if let price = site.valuePerPerson {
                priceByCommune[site.siteCommune] = max(priceByCommune[site.siteCommune] ?? 0, price)
            }
        }
        let known: [Double?] = reach.units.map { positions in
            positions.compactMap { priceByCommune[communes[reach.siteCommunes[$0]].code] }.max()
        }
        let listed = known.compactMap { $0 }.sorted()
        // No price at all, or only zeros (the scaled search would stay at L(0), which bounds nothing useful): the run
        // solves the relaxation as without a warm start.
        if listed.last ?? 0 <= 0 {
            prices = nil
            unpricedUnits = reach.units.count
        } else {
            let median = listed[listed.count / 2]
            prices = known.map { ($0 ?? median) / model.objectiveScale }
            unpricedUnits = known.count(where: { $0 == nil })
        }
        // Posts: each (pool, option) row spread over that pool's decisions of the option, up to each one's bound.
        struct Key: Hashable {
            let commune: String, territory: String, kind: String, candidate: Bool, option: String
        }
        var held: [Key: Int] = [:]
        var withoutOption = 0
        for site in previous.sites where site.posts > 0 {
            guard let option = site.option else {
                withoutOption += 1
                continue
            }
            held[
                Key(
                    commune: site.siteCommune, territory: site.territory, kind: site.kind, candidate: site.candidate,
                    option: option), default: 0] += site.posts
        }
        let parameters = scenario.parameters
        var values = [Double](repeating: 0, count: model.program.variables.count)
        var matched = Set<Key>()
        for decision in model.decisions {
            let pool = model.pools[decision.pool]
            let key = Key(
                commune: communes[pool.commune].code, territory: scenario.territories[pool.territory].code,
                kind: parameters.kinds[pool.kind].id, candidate: pool.candidate,
                option: parameters.fundingOptions[decision.option].id)
            guard let left = held[key], left > 0 else { continue }
            matched.insert(key)
            let placed = min(left, Int(model.program.variables[decision.variable.index].upper.rounded(.down)))
            values[decision.variable.index] = Double(placed)
            held[key] = left - placed
        }
        self.values = values
        matchedRows = matched.count
        unmatchedRows = held.keys.count - matched.count + withoutOption
        postsBeyondBounds = matched.reduce(0) { $0 + (held[$1] ?? 0) }
    }
}
