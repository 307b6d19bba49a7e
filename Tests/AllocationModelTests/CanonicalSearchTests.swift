import AllocationModel
import Foundation
import GLPKSolver
import LinearProgramming
@testable import Studies  // the internal steps of the canonical plan's search
import Testing

/// The steps of the canonical plan's search (docs/model.md, "One canonical plan"): one-post moves toward the seats
/// that keep every row, and the relaxation-induced neighbourhood.
@Suite struct CanonicalSearchTests {
    /// Territories A (need 1,000) and B, capacity 10 each, 4 posts, linear value, one option (24 months, 12 people a
    /// year); the plan {A 4, B 0}: A's coverage is 4 × 12 × 2 = 96 people.
    static func allPostsInA(needOfB: Int) -> (model: AllocationModel, start: [Double]) {
        let scenario = Fixtures.scenario(
            places: [.init(code: "A", need: 1000), .init(code: "B", need: needOfB)],
            hosts: [.init(id: "a", territory: "A", capacity: 10), .init(id: "b", territory: "B", capacity: 10)],
            posts: 4, budget: 1_000_000, withPartial: false)
        let model = AllocationModel(scenario: scenario)
        var start = [Double](repeating: 0, count: model.program.variables.count)
        for decision in model.decisions where decision.territory == "A" { start[decision.variable.index] = 4 }
        start[model.postVariables["A"]!.index] = 4
        start[model.coverageVariables["A"]![0].index] = 96
        return (model, start)
    }

    /// Two territories of need 1,000 (never reached), capacity 10 each, 4 posts, linear value: every post adds the same
    /// value wherever it goes, so the plan {A 4, B 0} keeps the value of {2, 2}. From {4, 0} toward seats {2, 2}, the
    /// only moves that lower the distance take a post from A to B (distance 4 → 2 → 0): two moves reach the seats.
    @Test func oneMoveAtATimeReachesTheSeatsWhenTheValueAllows() throws {
        let (model, start) = Self.allPostsInA(needOfB: 1000)
        let seats = ["A": 2, "B": 2]
        #expect(ClosenessSearch.distance(start, model: model, seats: seats) == 4)
        let found = try #require(
            ClosenessSearch.closer(
                model: model, program: model.program, start: start, seats: seats,
                until: Date().addingTimeInterval(60)))
        #expect(found.finished)
        #expect(ClosenessSearch.distance(found.values, model: model, seats: seats) == 0)
        #expect(model.program.largestViolation(of: found.values) == nil)
        #expect(abs(model.program.objectiveValue(of: found.values) - model.program.objectiveValue(of: start)) < 1e-6)
    }

    /// The same two territories, but B needs only 24 people (one post reaches it): with the value held at the plan
    /// {A 4, B 0}'s, a post moved to B adds 24 and the one taken from A loses 24, so one move is allowed ({3, 1},
    /// distance 2), and a second post in B would add nothing: {2, 2} breaks the held value. The search stops at 2.
    @Test func theHeldValueStopsTheMoves() throws {
        let (model, start) = Self.allPostsInA(needOfB: 24)
        let value = model.valueTerms.reduce(0.0) { $0 + $1.1 * start[$1.0.index] }
        var held = model.program
        held.addConstraint("stage_value", model.valueTerms, lower: value - 1e-6)
        let found = try #require(
            ClosenessSearch.closer(
                model: model, program: held, start: start, seats: ["A": 2, "B": 2],
                until: Date().addingTimeInterval(60)))
        #expect(ClosenessSearch.distance(found.values, model: model, seats: ["A": 2, "B": 2]) == 2)
        #expect(found.values[model.postVariables["B"]!.index] == 1)
        #expect(held.largestViolation(of: found.values) == nil)
    }

    /// The report's sentence follows what was proven: the closest (a bound within one post), at most N posts from it
    /// (a bound N below), or nothing proven; and whether the clock cut the search.
    @Test func theSummarySaysWhatWasProven() {
        func outcome(after: Int, possible: Int?, timing: String? = nil) -> CanonicalPlan.Outcome {
            CanonicalPlan.Outcome(
                result: SolveResult(status: .optimal), distanceBefore: 470, distanceAfter: after,
                closestPossible: possible, timing: timing, seconds: 1)
        }
        let proven = CanonicalPlan.summary(
            outcome(after: 372, possible: 372), baseline: "webster:need", seats: 4_000, placed: 4_000)
        #expect(proven.contains("Σ |posts − seats| = 372 posts (the solver's own plan: 470)"))
        #expect(proven.contains("this is the closest one"))
        #expect(proven.contains("seats per département for the 4,000 posts the solver's plan places"))
        // Seats the baseline could not share for the plan's posts: the sentence says whose posts they are.
        let fallback = CanonicalPlan.summary(
            outcome(after: 372, possible: 372), baseline: "webster:need:base=10", seats: 4_000, placed: 3_596)
        #expect(
            fallback.contains(
                "seats per département for the programme's 4,000 posts (the baseline cannot share the 3,596 the solver's plan places)"
            ))
        let near = CanonicalPlan.summary(
            outcome(after: 372, possible: 369), baseline: "webster:need", seats: 4_000, placed: 4_000)
        #expect(near.contains("closer than 369 posts (proven), so it is at most 3 posts farther"))
        #expect(near.contains("same plan on any machine") && !near.contains("closest one."))
        let cut = CanonicalPlan.summary(
            outcome(after: 372, possible: 369, timing: "t"), baseline: "webster:need", seats: 4_000, placed: 4_000)
        #expect(cut.contains("another run may publish another plan") && !cut.contains("any machine"))
        let unknown = CanonicalPlan.summary(
            outcome(after: 372, possible: nil), baseline: "webster:need", seats: 4_000, placed: 4_000)
        #expect(unknown.contains("was not proven"))
        #expect(outcome(after: 372, possible: 372).isClosest && !outcome(after: 372, possible: 369).isClosest)
    }

    /// max 2x + 3y + z, x + y ≤ 3, y ≤ 2.5, z ≤ 1 (x, y, z integer). The relaxation's optimum is (0.5, 2.5, 1), value
    /// 9.5. From the plan (3, 0, 1), value 7, it agrees only on z, which is fixed at 1; the rest is the MIP over x, y:
    /// y = 2 (its integer bound), x = 1, value 2 + 6 + 1 = 9, the whole MIP's optimum too (x + y = 3 is full, and a
    /// unit of y is worth more than one of x).
    @Test func theNeighbourhoodFixesWhereTheRelaxationAgrees() throws {
        var program = LinearProgram(name: "rins", sense: .maximize)
        let x = program.addVariable("x", upper: 10, kind: .integer, objective: 2)
        let y = program.addVariable("y", upper: 10, kind: .integer, objective: 3)
        let z = program.addVariable("z", upper: 1, kind: .integer, objective: 1)
        program.addConstraint("a", [(x, 1), (y, 1)], upper: 3)
        program.addConstraint("b", [(y, 1)], upper: 2.5)
        program.addConstraint("c", [(z, 1)], upper: 1)
        let improved = try RelaxationNeighbourhood.improve(
            program, incumbent: [3, 0, 1], solver: GLPKSolver(), options: SolverOptions(timeLimitSeconds: 30))
        let found = try #require(improved)
        #expect(found.values == [1, 2, 1])
        #expect(abs((found.objective ?? 0) - 9) < 1e-9)
        // What was fixed: z alone, where the relaxation (0.5, 2.5, 1) and the plan (3, 0, 1) agree.
        #expect(RelaxationNeighbourhood.agreement(program, relaxed: [0.5, 2.5, 1], incumbent: [3, 0, 1]) == [2: 1])
        #expect(
            RelaxationNeighbourhood.agreement(program, relaxed: [3, 0, 1], incumbent: [3, 0, 1]) == [0: 3, 1: 0, 2: 1])
        // A plan on which the relaxation agrees everywhere has no neighbourhood to search.
        var fixedProgram = program
        fixedProgram.addConstraint("d", [(y, 1)], upper: 0)
        fixedProgram.addConstraint("e", [(x, 1)], lower: 3)
        let none = try RelaxationNeighbourhood.improve(
            fixedProgram, incumbent: [3, 0, 1], solver: GLPKSolver(), options: SolverOptions(timeLimitSeconds: 30))
        #expect(none == nil)
    }
}
