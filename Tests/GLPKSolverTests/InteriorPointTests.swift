import Foundation
import GLPKSolver
import LinearProgramming
import Testing

/// GLPK's interior-point method (`SolverOptions.interiorPoint`, `glp_interior`), used for the commune model's LPs.
@Suite struct InteriorPointTests {
    /// A transportation LP, `sources` × `sinks`, deterministic: each source ships at most its supply, each sink takes
    /// at most its demand, the value of a unit shipped varies with the pair (maximised).
    static func transportation(sources: Int, sinks: Int) -> LinearProgram {
        var program = LinearProgram(name: "transport", sense: .maximize)
        var shipped = [[Variable]]()
        for i in 0..<sources {
            shipped.append(
                (0..<sinks).map { j in
                    program.addVariable("x\(i)_\(j)", lower: 0, objective: Double((i * 7 + j * 13) % 17 + 1))
                })
        }
        for i in 0..<sources {
            program.addConstraint("supply\(i)", shipped[i].map { ($0, 1.0) }, upper: Double(10 + i % 5))
        }
        for j in 0..<sinks {
            program.addConstraint("demand\(j)", (0..<sources).map { (shipped[$0][j], 1.0) }, upper: Double(8 + j % 3))
        }
        return program
    }

    @Test func interiorPointReachesTheSimplexOptimum() throws {
        let program = Self.transportation(sources: 40, sinks: 50)
        let simplex = try GLPKSolver().solve(program, options: SolverOptions(mipGap: 0))
        var options = SolverOptions(mipGap: 0)
        options.interiorPoint = true
        let interior = try GLPKSolver().solve(program, options: options)
        #expect(simplex.status == .optimal && interior.status == .optimal)
        let exact = try #require(simplex.objective), found = program.objectiveValue(of: interior.values)
        #expect(abs(found - exact) <= 1e-6 * abs(exact), "\(found) against \(exact)")
        #expect(program.largestViolation(of: interior.values, tolerance: 1e-5) == nil)
        // Duals come back too (the commune rounding prices posts with them): a full supply row has a positive price.
        let duals = try #require(interior.duals)
        #expect(duals.count == program.constraints.count && duals.contains { $0 > 0.5 })
        #expect(interior.log.contains("Optimization begins") && !simplex.log.contains("Optimization begins"))
    }

    /// An infeasible LP: the interior-point method does not end optimal, the simplex then classifies it.
    @Test func anInfeasibleLPIsCalledInfeasible() throws {
        var program = LinearProgram(name: "infeasible", sense: .maximize)
        let x = program.addVariable("x", lower: 0, objective: 1)
        let y = program.addVariable("y", lower: 0, objective: 1)
        program.addConstraint("low", [(x, 1), (y, 1)], lower: 3)
        program.addConstraint("high", [(x, 1), (y, 1)], upper: 2)
        var options = SolverOptions()
        options.interiorPoint = true
        let result = try GLPKSolver().solve(program, options: options)
        #expect(result.status == .infeasible)
    }

    /// glp_interior has no time limit: the terminal hook keeps it. A tiny limit on a large LP ends with no solution
    /// and "time limit", within the limit plus the time to the next line GLPK prints, and GLPK works afterwards.
    @Test func theTimeLimitStopsTheInteriorPoint() throws {
        let program = Self.transportation(sources: 300, sinks: 300)
        var options = SolverOptions(timeLimitSeconds: 0.05)
        options.interiorPoint = true
        let result = try GLPKSolver().solve(program, options: options)
        #expect(result.status == .noSolution)
        #expect(result.limitReached == "time limit")
        #expect(result.seconds < 5)
        let next = try GLPKSolver().solve(Self.transportation(sources: 3, sinks: 3), options: options)
        #expect(next.status == .optimal)
    }
}
