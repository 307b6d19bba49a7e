import AllocationModel
import Foundation
import LinearProgramming
import Scenario

extension StagedSolve {
    /// A closer start for a `closeness` stage whose target is per territory, by the canonical plan's first two steps
    /// (docs/model.md, "One canonical plan"): one-post moves toward the target under the model's rows and the rows
    /// that hold the earlier stages (those over the model's own variables: `value`, `coverage`, `cost`; an `endow` row
    /// as a post kept in every territory the start endows),
    /// then the relaxation's neighbourhood of the stage's program from that plan, to `CanonicalPlan.neighbourhoodNodes`
    /// nodes. `start` is a plan of `program` (the model's variables, then the stages'); nil when neither step finds a
    /// closer plan. A step that half the stage's time cuts short is not used, so the stage's start never depends on
    /// the machine's speed.
    static func closenessStart(
        program: LinearProgram, terms: [(Variable, Double)],
        held: [(name: String, terms: [(Variable, Double)], lower: Double)], target: [String: Int],
        model: AllocationModel, extras: Extras, start: [Double], solver: any LinearSolver, options: SolverOptions
    ) throws -> [Double]? {
        let modelCount = model.program.variables.count
        guard start.count == program.variables.count else { return nil }
        func distance(_ values: [Double]) -> Double { closenessDistance(values, terms: terms) }
        var best = start
        let deadline = Date().addingTimeInterval(options.timeLimitSeconds / 2)
        // An `endow` stage's row is over the `endowed[t]` columns: the search keeps it by keeping a post in every
        // territory the start endows (a restriction: the start endows at least as many as the row holds).
        var postsOfEndowed: [Int: Int] = [:]
        for constraint in program.constraints where constraint.name.hasPrefix("endow_link[") {
            if let endowed = constraint.terms.first(where: { $0.coefficient > 0 }),
                let posts = constraint.terms.first(where: { $0.coefficient < 0 && $0.variable < modelCount })
            {
                postsOfEndowed[endowed.variable] = posts.variable
            }
        }
        func translatable(_ row: (name: String, terms: [(Variable, Double)], lower: Double)) -> Bool {
            row.terms.allSatisfy { $0.0.index < modelCount || postsOfEndowed[$0.0.index] != nil }
        }
        if held.allSatisfy(translatable) {
            var rules = model.program
            for row in held {
                if row.terms.allSatisfy({ $0.0.index < modelCount }) {
                    rules.addConstraint(row.name, row.terms, lower: row.lower)
                    continue
                }
                for term in row.terms where start[term.0.index] >= 0.5 {
                    let posts = Variable(index: postsOfEndowed[term.0.index]!)
                    rules.addConstraint("\(row.name)[\(posts.index)]", [(posts, 1)], lower: 1)
                }
            }
            if let searched = ClosenessSearch.closer(
                model: model, program: rules, start: Array(start.prefix(modelCount)), seats: target, until: deadline),
                searched.finished, let extended = extras.extend(searched.values),
                program.largestViolation(of: extended, tolerance: 1e-6) == nil,
                distance(extended) < distance(best) - 0.5
            {
                best = extended
            }
        }
        var neighbourhood = options.starting(from: best)
        neighbourhood.nodeLimit = CanonicalPlan.neighbourhoodNodes
        neighbourhood.mipGap = 0.999 / max(distance(best), 1)
        neighbourhood.timeLimitSeconds = max(deadline.timeIntervalSinceNow, 0.01)
        if let found = try RelaxationNeighbourhood.improve(
            program, incumbent: best, solver: solver, options: neighbourhood),
            !CanonicalPlan.stoppedByTime(found), distance(found.values) < distance(best) - 0.5
        {
            best = found.values
        }
        return distance(best) < distance(start) - 0.5 ? best : nil
    }

    /// A closeness stage's distance (posts) at `values`: its objective terms are −1 on each distance column.
    static func closenessDistance(_ values: [Double], terms: [(Variable, Double)]) -> Double {
        -terms.reduce(0.0) { $0 + $1.1 * values[$1.0.index] }
    }
}
