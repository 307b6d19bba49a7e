import Foundation
import GLPKSolver
import LinearProgramming
import Testing

/// A simplex started from an earlier solve's basis (`SolverOptions.basis`, `SolveResult.basis`): what the commune
/// model's Lagrangian does once per price vector.
@Suite struct WarmBasisTests {
    /// Simplex iterations GLPK's log reports last ("*   123: obj = …"); each session counts from 0.
    static func iterations(_ log: String) throws -> Int {
        let counts = log.split(separator: "\n").compactMap { line -> Int? in
            let text = line.drop { $0 == "*" || $0 == " " }
            guard line.hasPrefix("*") || line.hasPrefix(" "), let colon = text.firstIndex(of: ":") else { return nil }
            return Int(text[..<colon])
        }
        return try #require(counts.last)
    }

    /// The same LP with a few objective coefficients changed: from the previous basis it reaches the cold solve's
    /// optimum in fewer iterations.
    @Test func aChangedObjectiveReSolvesFromTheBasisToTheSameOptimum() throws {
        var program = InteriorPointTests.transportation(sources: 40, sinks: 50)
        let first = try GLPKSolver().solve(program, options: SolverOptions(mipGap: 0))
        let basis = try #require(first.basis)
        #expect(basis.fits(program) && !first.basisRejected)
        // A few values move, as a price step moves a few posts' objective in the Lagrangian.
        for index in stride(from: 0, to: program.variables.count, by: 97) {
            program.setObjective(Variable(index: index), program.variables[index].objective + 2)
        }
        let cold = try GLPKSolver().solve(program, options: SolverOptions(mipGap: 0))
        var options = SolverOptions(mipGap: 0)
        options.basis = basis
        let warm = try GLPKSolver().solve(program, options: options)
        #expect(cold.status == .optimal && warm.status == .optimal && !warm.basisRejected)
        let exact = try #require(cold.objective), found = try #require(warm.objective)
        #expect(abs(found - exact) <= 1e-9 * abs(exact), "\(found) against \(exact)")
        let coldIterations = try Self.iterations(cold.log), warmIterations = try Self.iterations(warm.log)
        #expect(warmIterations < coldIterations, "warm \(warmIterations), cold \(coldIterations)")
    }

    /// A basis saved by name (`LPBasis.named`, what `warm_start_basis.csv` holds) starts a variant whose rows sit
    /// elsewhere: supplies widened (a budget's change), one row more (basic where not named), rows in reverse order.
    /// The dual simplex from it reaches the cold solve's optimum in fewer iterations. Too many basic entries give no
    /// basis (a cold start); nothing named gives the slack basis.
    @Test func aBasisByNameStartsAVariantWithOtherRows() throws {
        let program = InteriorPointTests.transportation(sources: 40, sinks: 50)
        let first = try GLPKSolver().solve(program, options: SolverOptions(mipGap: 0))
        let named = try #require(first.basis).named(for: program)
        let widened = program.wideningRows(Dictionary(uniqueKeysWithValues: (0..<40).map { ($0, 3.0) }))
        var variant = LinearProgram(name: "variant", sense: .maximize)
        for column in widened.variables {
            variant.addVariable(column.name, lower: column.lower, upper: column.upper, objective: column.objective)
        }
        for row in widened.constraints.reversed() {
            variant.addConstraint(
                row.name, row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, lower: row.lower,
                upper: row.upper)
        }
        variant.addConstraint("everything", variant.variables.indices.map { (Variable(index: $0), 1.0) }, upper: 1e4)
        let basis = try #require(
            LPBasis(
                rows: Dictionary(uniqueKeysWithValues: named.rows.map { ($0.name, $0.status) }),
                columns: Dictionary(uniqueKeysWithValues: named.columns.map { ($0.name, $0.status) }), for: variant))
        #expect(basis.rows.last == .basic && basis.fits(variant))
        var options = SolverOptions(mipGap: 0)
        let cold = try GLPKSolver().solve(variant, options: options)
        options.basis = basis
        let warm = try GLPKSolver().solve(variant, options: options)
        #expect(cold.status == .optimal && warm.status == .optimal && !warm.basisRejected)
        let exact = try #require(cold.objective), found = try #require(warm.objective)
        #expect(abs(found - exact) <= 1e-9 * abs(exact), "\(found) against \(exact)")
        let coldIterations = try Self.iterations(cold.log), warmIterations = try Self.iterations(warm.log)
        #expect(warmIterations < coldIterations, "warm \(warmIterations), cold \(coldIterations)")
        // Every column named basic: more basic entries than rows.
        #expect(
            LPBasis(
                rows: [:], columns: Dictionary(uniqueKeysWithValues: variant.variables.map { ($0.name, .basic) }),
                for: variant) == nil)
        // Nothing named: every row basic, every column at its lower bound, a slack basis.
        #expect(LPBasis(rows: [:], columns: [:], for: variant)?.columns.allSatisfy { $0 == .atLower } == true)
    }

    /// The interior-point method ends at no vertex: no basis comes back.
    @Test func theInteriorPointGivesNoBasis() throws {
        var options = SolverOptions(mipGap: 0)
        options.interiorPoint = true
        let result = try GLPKSolver().solve(InteriorPointTests.transportation(sources: 5, sinks: 6), options: options)
        #expect(result.status == .optimal && result.basis == nil)
    }

    /// A basis for other rows and columns is refused before GLPK sees it (GLPK would read past its arrays).
    @Test func aBasisOfAnotherSizeIsRefused() throws {
        let program = InteriorPointTests.transportation(sources: 3, sinks: 4)
        var options = SolverOptions(mipGap: 0)
        options.basis = LPBasis(rows: [.basic], columns: [.atLower])
        #expect(throws: GLPKError.self) { try GLPKSolver().solve(program, options: options) }
    }

    /// Two basic columns that are multiples of each other make a singular basis: GLPK refuses it (GLP_ESING), the
    /// simplex starts from GLPK's own basis instead and still finds the optimum, and the result says so.
    @Test func aSingularBasisFallsBackToAColdStart() throws {
        var program = LinearProgram(name: "singular", sense: .maximize)
        let x = program.addVariable("x", lower: 0, upper: 10, objective: 1)
        let y = program.addVariable("y", lower: 0, upper: 10, objective: 3)
        program.addConstraint("a", [(x, 1), (y, 2)], upper: 8)
        program.addConstraint("b", [(x, 1), (y, 2)], lower: 1)
        var options = SolverOptions(mipGap: 0)
        options.basis = LPBasis(rows: [.atUpper, .atLower], columns: [.basic, .basic])
        let result = try GLPKSolver().solve(program, options: options)
        #expect(result.basisRejected)
        #expect(result.status == .optimal && abs((result.objective ?? 0) - 12) < 1e-9)
    }
}
