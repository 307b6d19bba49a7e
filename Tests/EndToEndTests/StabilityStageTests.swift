import Foundation
import GLPKSolver
import LinearProgramming
import Pipeline
import Scenario
import Testing

/// The stability stage `closeness:run:<RUN_FOLDER>` (docs/model.md, "Commitments and waves").
@Suite("objective stage closeness:run:<RUN_FOLDER>")
struct StabilityStageTests {
    static let example = E2E.packageRoot.appendingPathComponent("scenarios/examples/three-territories").path

    func territoryPosts(_ folder: URL) throws -> [String: String] {
        let rows = E2E.csv(try E2E.text(folder.appendingPathComponent("allocation_by_territory.csv")))
        let code = rows[0].firstIndex(of: "territory_code")!, posts = rows[0].firstIndex(of: "posts")!
        return Dictionary(
            uniqueKeysWithValues: rows.dropFirst().filter { $0.count == rows[0].count }.map { ($0[code], $0[posts]) })
    }

    /// Nothing changed: the stage moves no post, and the report says so with a stability cost of 0.
    @Test func movesNothingWhenTheScenarioIsUnchanged() throws {
        let directory = try E2E.temporaryDirectory(prefix: "stability")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try E2E.repartir(["run", Self.example, "--out", "first", "-q"], in: directory)
        #expect(first.status == 0, "\(first)")
        let second = try E2E.repartir(
            ["run", Self.example, "--out", "second", "-q", "--set", "objective.stages=value,closeness:run:first"],
            in: directory)
        #expect(second.status == 0, "\(second)")
        #expect(
            try territoryPosts(directory.appendingPathComponent("second"))
                == territoryPosts(directory.appendingPathComponent("first")))
        let report = try E2E.text(directory.appendingPathComponent("second/report.md"))
        #expect(report.contains("## Stability against a previous run"))
        #expect(report.contains("**0 posts of difference** in all"))
        // Per structure too: the previous run's structures' table is read, and every structure keeps its posts.
        #expect(report.contains("**0 posts moved**"))
        #expect(
            try E2E.text(directory.appendingPathComponent("second/allocation_by_structure.csv"))
                == E2E.text(directory.appendingPathComponent("first/allocation_by_structure.csv")))
        #expect(report.contains("0.0 less"))
        let stages = try E2E.text(directory.appendingPathComponent("second/stages.csv"))
        #expect(stages.contains("closeness:run:first"))
    }

    @Test func aMissingRunFolderIsRefusedBeforeSolving() throws {
        let directory = try E2E.temporaryDirectory(prefix: "stability")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try E2E.repartir(
            ["run", Self.example, "--out", "out", "-q", "--set", "objective.stages=value,closeness:run:nowhere"],
            in: directory)
        #expect(run.status == 66, "\(run)")
        #expect(run.stderrText.contains("closeness:run: no run folder here"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }

    /// A garbled structures' table in the previous run is a data error at its file:line:column, before solving.
    @Test func aGarbledStructureTableIsRefusedBeforeSolving() throws {
        let directory = try E2E.temporaryDirectory(prefix: "stability")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try E2E.repartir(["run", Self.example, "--out", "first", "-q"], in: directory)
        #expect(first.status == 0, "\(first)")
        try "structure_id,funding_option,posts\nS1,full,x\n".write(
            to: directory.appendingPathComponent("first/allocation_by_structure.csv"),
            atomically: true, encoding: .utf8)
        let run = try E2E.repartir(
            ["run", Self.example, "--out", "out", "-q", "--set", "objective.stages=value,closeness:run:first"],
            in: directory)
        #expect(run.status == 65, "\(run)")
        #expect(run.stderrText.contains("first/allocation_by_structure.csv:2:9"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }

    /// A tie: A and B weigh the same, 2 posts worth 48 wherever they go (WavesTests' scenario with equal weights). The
    /// stage follows the previous run whichever side it had: {A: 0, B: 2} gives B both posts, {A: 2, B: 0} gives A
    /// both, at no cost in value.
    @Test func followsThePreviousRunAcrossATie() throws {
        let directory = try E2E.temporaryDirectory(prefix: "stability")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (a, b) in [(0, 2), (2, 0)] {
            let folder = directory.appendingPathComponent("previous-\(a)-\(b)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try "territory_code,posts\nA,\(a)\nB,\(b)\n".write(
                to: folder.appendingPathComponent("allocation_by_territory.csv"), atomically: true, encoding: .utf8)
            var scenario = WavesTests().scenario(weightA: 1, weightB: 1)
            var parameters = scenario.parameters
            parameters.waves = []
            parameters.comparison = ComparisonParameters(
                baselines: [], coverageThreshold: 0.2, stages: ["value", "closeness:run:\(folder.path)"])
            scenario = Scenario(
                parameters: parameters, territories: scenario.territories, structures: scenario.structures)
            let outcome = try Solving.solve(
                scenario, solver: GLPKSolver(), options: SolverOptions(timeLimitSeconds: 30, mipGap: 0))
            #expect(outcome.record.evaluation.territory("A")?.posts == a)
            #expect(outcome.record.evaluation.territory("B")?.posts == b)
            #expect(abs(outcome.record.objective - 48) < 1e-9)
            #expect(outcome.previousRuns["closeness:run:\(folder.path)"] == ["A": a, "B": b])
        }
    }
}
