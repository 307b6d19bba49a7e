import AllocationModel
import LinearProgramming

/// A stage's program split by territory, the ratio of a max-min stage fixed (docs/model.md, "Stages by
/// territories"): each territory's own rows, and the few rows several territories share (the posts total, the budget,
/// région floors and caps, earlier stages' rows), which prices make separable. Nil when some row joins a variable of
/// no territory (another stage's) to others.
struct TerritorySplit {
    let program: LinearProgram
    let ratio: Variable
    /// The model's variables of each territory, by their program index.
    let members: [[Int]]
    /// Rows over one territory's variables (and the ratio), by territory.
    let local: [[Int]]
    /// Rows over several territories' variables.
    let shared: [Int]
    /// Rows over the ratio alone.
    let ratioOnly: [Int]
    let territoryOf: [Int]
    /// Each territory's terms in the shared rows, by row then term: (row, position in `members`, coefficient).
    let sharedTerms: [[(row: Int, position: Int, coefficient: Double)]]
    /// Each variable's position in its territory's `members`.
    private let position: [Int]

    init?(program: LinearProgram, ratio: Variable, model: AllocationModel) {
        var codes: [String: Int] = [:]
        var territoryOf = Array(repeating: -1, count: program.variables.count)
        func assign(_ variable: Variable, _ code: String) {
            let index = codes[code] ?? codes.count
            codes[code] = index
            territoryOf[variable.index] = index
        }
        for decision in model.decisions { assign(decision.variable, decision.territory) }
        for (code, variable) in model.postVariables.sorted(by: { $0.key < $1.key }) { assign(variable, code) }
        for (code, variables) in model.committedVariables.sorted(by: { $0.key < $1.key }) {
            for variable in variables { assign(variable, code) }
        }
        for (code, variables) in model.coverageVariables.sorted(by: { $0.key < $1.key }) {
            for variable in variables { assign(variable, code) }
        }
        var members = Array(repeating: [Int](), count: codes.count)
        for (variable, territory) in territoryOf.enumerated() where territory >= 0 {
            members[territory].append(variable)
        }
        var local = Array(repeating: [Int](), count: codes.count)
        var shared: [Int] = [], ratioOnly: [Int] = []
        for (row, constraint) in program.constraints.enumerated() {
            var owners = Set<Int>()
            for term in constraint.terms where term.variable != ratio.index {
                guard territoryOf[term.variable] >= 0 else { return nil }
                owners.insert(territoryOf[term.variable])
            }
            switch owners.count {
            case 0: ratioOnly.append(row)
            case 1: local[owners.first!].append(row)
            default: shared.append(row)
            }
        }
        // A variable of no territory that no row names is free; one with an objective of its own is not this stage.
        for (index, variable) in program.variables.enumerated()
        where territoryOf[index] < 0 && index != ratio.index && variable.objective != 0 {
            return nil
        }
        var position = Array(repeating: -1, count: program.variables.count)
        for list in members {
            for (index, variable) in list.enumerated() { position[variable] = index }
        }
        var sharedTerms = Array(repeating: [(row: Int, position: Int, coefficient: Double)](), count: codes.count)
        for row in shared {
            for term in program.constraints[row].terms where territoryOf[term.variable] >= 0 {
                sharedTerms[territoryOf[term.variable]].append((row, position[term.variable], term.coefficient))
            }
        }
        self.sharedTerms = sharedTerms
        self.position = position
        self.program = program
        self.ratio = ratio
        self.members = members
        self.local = local
        self.shared = shared
        self.ratioOnly = ratioOnly
        self.territoryOf = territoryOf
    }

    /// Territory `territory`'s own program at ratio `r`, maximising its own objective (with `ownObjective`, else
    /// nothing) less Σ_R y_R A_R x (`prices` by shared row); its columns are `members[territory]`, in order.
    func subproblem(_ territory: Int, ratio r: Double, prices: [Int: Double], ownObjective: Bool) -> LinearProgram {
        var sub = LinearProgram(name: "territory", sense: .maximize)
        // In row order (`sharedTerms`'), not a dictionary's, which changes from one process to the next, and so would
        // the sums' last bits.
        var cost = Array(repeating: 0.0, count: members[territory].count)
        for entry in sharedTerms[territory] {
            if let price = prices[entry.row] { cost[entry.position] += price * entry.coefficient }
        }
        for (index, variable) in members[territory].enumerated() {
            let definition = program.variables[variable]
            sub.addVariable(
                "v\(index)", lower: definition.lower, upper: definition.upper, kind: definition.kind,
                objective: (ownObjective ? definition.objective : 0) - cost[index])
        }
        for row in local[territory] {
            let constraint = program.constraints[row]
            var shift = 0.0
            var terms: [(Variable, Double)] = []
            for term in constraint.terms {
                if term.variable == ratio.index {
                    shift += term.coefficient * r
                } else {
                    terms.append((Variable(index: position[term.variable]), term.coefficient))
                }
            }
            sub.addConstraint("r\(row)", terms, lower: constraint.lower - shift, upper: constraint.upper - shift)
        }
        return sub
    }
}
