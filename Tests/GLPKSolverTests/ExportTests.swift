import CommuneFixtures
import Foundation
import Testing
import LinearProgramming
import GLPKSolver

/// Runs glpsol (an independent reader of the files) and returns the optimum it reports.
private func glpsolObjective(_ flags: [String], _ path: String) throws -> Double {
    let output = path + ".sol"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/glpsol")
    process.arguments = flags + [path, "-o", output]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let report = try String(contentsOfFile: output, encoding: .utf8)
    // "Objective:  objective = 20 (MAXimum)"
    let line = try #require(report.split(separator: "\n").first { $0.hasPrefix("Objective:") })
    let afterEquals = try #require(line.split(separator: "=").last)
    return try #require(Double(afterEquals.split(separator: " ").first ?? ""))
}

private func temporaryDirectory() throws -> URL {
    let url = TestScratch.root.appendingPathComponent("glpk-export-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("GLPKSolver: export")
struct ExportTests {
    @Test(arguments: [ModelFileFormat.lp, .mps])
    func exportedFilesSolveToTheSameOptimumInGlpsol(format: ModelFileFormat) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let solver = GLPKSolver()
        for (program, optimum) in [(Instances.smallMIP(), 20.0), (Instances.smallLP(), 11.5)] {
            let path = directory.appendingPathComponent("\(program.name).\(format.rawValue)").path
            try solver.write(program, format: format, to: path)
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(try solver.solve(program, options: SolverOptions()).objective == optimum)
            // Free MPS has no objective direction (readers assume minimize): say it on the side.
            let flags = format == .lp ? ["--lp"] : ["--freemps"] + (program.sense == .maximize ? ["--max"] : [])
            #expect(abs(try glpsolObjective(flags, path) - optimum) < 1e-9)
        }
    }

    /// GLPK's LP writer prints brackets as parentheses; free MPS keeps names as they are.
    @Test func namesAsGLPKWritesThem() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lpPath = directory.appendingPathComponent("m.lp").path
        let mpsPath = directory.appendingPathComponent("m.mps").path
        try GLPKSolver().write(Instances.smallMIP(), format: .lp, to: lpPath)
        try GLPKSolver().write(Instances.smallMIP(), format: .mps, to: mpsPath)
        let lp = try String(contentsOfFile: lpPath, encoding: .utf8)
        let mps = try String(contentsOfFile: mpsPath, encoding: .utf8)
        #expect(lp.contains("host_capacity(01,public):"))
        #expect(lp.contains("x(01,public)") && lp.contains("Generals"))
        #expect(lp.contains("objective:"))
        #expect(mps.contains("host_capacity[01,public]") && mps.contains("x[2A,private]"))
        #expect(mps.contains("'INTORG'"))
    }

    @Test func unwritablePathIsAnIOErrorWithGLPKsMessage() throws {
        let path = "/nonexistent-directory/model.lp"
        #expect {
            try GLPKSolver().write(Instances.smallLP(), format: .lp, to: path)
        } throws: { error in
            guard case .ioFailure(let message) = error as? GLPKError else { return false }
            return message.contains(path) && message.contains("No such file")
        }
    }

    @Test func invalidModelIsNotWritten() throws {
        var program = Instances.smallLP()
        program.addVariable("bad name")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.lp").path
        #expect(throws: GLPKError.self) { try GLPKSolver().write(program, format: .lp, to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
