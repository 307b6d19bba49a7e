import CommuneFixtures
import Foundation
import GLPKSolver
import LinearProgramming
import Scenario
import Testing
@testable import AllocationModel  // CommuneSolve.Outcome's improvement figures

/// A warm answer is the quick one (docs/model.md, "A variant from a solved run", step 4): when its rounded plan is
/// already within `reach.warm_max_gap` of its bound, it is kept without the local improvement, whose window (at least
/// 0.25 s) raised none of the twelve warm plans of `scripts/bench-warm` and made the run depend on the clock. Beyond
/// the target the improvement gets its window, as in a cold solve, before the plan is solved again cold.
@Suite struct CommuneWarmImprovementTests {
    /// The fixture's three posts (c1's two, c5's one) as a previous run's `sites.csv`, read back.
    static func previous() throws -> PreviousCommunePlan {
        let folder = TestScratch.root.appendingPathComponent("repartir-warm-improvement-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(
            """
            site_commune,site_name,territory_code,kind,candidate,funding_option,posts,capacity,people_servable,opened,value_per_person
            c1,One,01,public,false,full,2,2,240.0,true,1.5
            c5,Five,02,public,false,full,1,1,120.0,true,1.5

            """.utf8
        ).write(to: folder.appendingPathComponent("sites.csv"))
        return try PreviousCommunePlan.read(folder.path)
    }

    /// The same variant (two posts' money for three posts) with a target every answer meets, then with none: the first
    /// keeps the rounded plan as it is, said in the log, with no improvement time and nothing cut by the clock; the
    /// second, whose warm gap is positive, runs the improvement (no such line) and then the cold solve.
    @Test func aWarmPlanWithinItsTargetIsKeptWithoutTheLocalImprovement() throws {
        let previous = try Self.previous()
        let options = SolverOptions(timeLimitSeconds: 60, mipGap: 1e-4)
        func solve(target: String) throws -> (CommuneSolve.Outcome, [String]) {
            let scenario = try ScenarioLoader.load(
                try CommuneFixture.folder(posts: 3, budget: 20_000, reachYAML: "warm_max_gap: \(target)"))
            var lines: [String] = []
            let outcome = try CommuneSolve.solve(
                scenario, candidates: true, solver: GLPKSolver(), options: options, warmStart: previous,
                log: { lines.append($0) })
            return (outcome, lines)
        }
        let kept = "kept without the local improvement"

        let (within, withinLines) = try solve(target: "1")
        #expect(withinLines.contains { $0.contains(kept) }, "\(withinLines)")
        #expect(within.warmBound && within.warmFallback == nil && within.posts.reduce(0, +) == 2)
        #expect(within.improvementSeconds == 0 && !within.improvementCutByTime)

        let (_, beyondLines) = try solve(target: "0")
        #expect(beyondLines.contains { $0.contains("beyond reach.warm_max_gap 0") }, "\(beyondLines)")
        #expect(!beyondLines.contains { $0.contains(kept) }, "\(beyondLines)")
    }
}
