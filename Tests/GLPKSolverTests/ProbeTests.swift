import Testing
import LinearProgramming
@testable import GLPKSolver

@Test func probeHardInstances() throws {
    for (name, program, limit) in [("knap", Instances.hardKnapsack(), 1.0), ("split", Instances.marketSplit(), 1.0)] {
        let r = try GLPKSolver().solve(program, options: SolverOptions(timeLimitSeconds: limit))
        print("PROBE", name, r.status, r.objective as Any, r.bestBound as Any, r.relativeGap as Any, r.nodes as Any, r.seconds, r.limitReached as Any)
    }
    for p in [true, false] {
        let r = try GLPKSolver().solve(Instances.hardKnapsack(), options: SolverOptions(timeLimitSeconds: 1, presolve: p))
        print("PROBE knap presolve", p, r.status, r.objective as Any, r.bestBound as Any, r.relativeGap as Any, r.nodes as Any, r.seconds)
    }
}
