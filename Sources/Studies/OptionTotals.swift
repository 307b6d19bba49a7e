import AllocationModel
import LinearProgramming

/// The whole totals of posts per funding option (docs/model.md, "The option totals"), added once to a chain that has
/// a closeness stage. A closeness stage's distance is Σ b − P + 2K (`ParityRows`): it is decided by how many whole
/// posts the budget and the held coverage row let the plan fund, and the relaxation spreads the last fraction of a post
/// over options of different cost and service. `option_posts[f]` = Σ x[t,k,f], whole, gives GLPK's cuts and branches
/// the one number that argument turns on: with it glpsol proves the 8 national closeness stages its bound left 1–2
/// posts open (€150–220M) in 0.1–0.4 s, and nothing in 30 s without it. A total of whole posts is whole, so every plan
/// keeps these rows and the relaxation is unchanged.
enum OptionTotals {
    /// One option's column and the decision variables it totals.
    typealias Total = (option: String, column: Variable, members: [Variable])

    /// Adds, per funding option in the order the decisions first name it, `option_posts[f]` (whole, ≥ 0) and its row
    /// `option_total[f]`: option_posts[f] − Σ x[t,k,f] = 0. Committed posts are left out: they are constants.
    static func add(decisions: [AllocationModel.Decision], to program: inout LinearProgram) -> [Total] {
        var order: [String] = []
        var members: [String: [Variable]] = [:]
        for decision in decisions {
            if members[decision.option] == nil { order.append(decision.option) }
            members[decision.option, default: []].append(decision.variable)
        }
        return order.map { option in
            let terms = members[option]!
            let column = program.addVariable("option_posts[\(option)]", lower: 0, kind: .integer)
            program.addConstraint(
                "option_total[\(option)]", [(column, 1)] + terms.map { ($0, -1) }, lower: 0, upper: 0)
            return (option, column, terms)
        }
    }

    /// A total's value at a plan: its members' posts, rounded (a solver's integer columns are whole only within its
    /// tolerance).
    static func value(of members: [Variable], at values: [Double]) -> Double {
        members.reduce(0.0) { $0 + values[$1.index] }.rounded()
    }
}
