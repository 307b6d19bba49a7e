import CommuneFixtures
import Foundation
import Testing
import LinearProgramming
@testable import GLPKSolver  // the internal solve of a LoweredProgram

/// Runs `body` with file descriptor 1 redirected to a temporary file and returns what reached it.
private func capturingStandardOutput(_ body: () throws -> Void) throws -> String {
    let path = TestScratch.root.appendingPathComponent("stdout-\(UUID().uuidString)").path
    let file = open(path, O_CREAT | O_TRUNC | O_RDWR, 0o600)
    try #require(file >= 0)
    defer { close(file); unlink(path) }
    fflush(nil)
    let saved = dup(1)
    try #require(saved >= 0)
    dup2(file, 1)
    defer {
        fflush(nil)
        dup2(saved, 1)
        close(saved)
    }
    try body()
    fflush(nil)
    return try String(contentsOfFile: path, encoding: .utf8)
}

@Suite("GLPKSolver: GLPK never prints")
struct OutputCaptureTests {
    @Test func glpkOutputStaysInTheLog() throws {
        var logs: [String] = []
        var fatal: String?
        let directory = TestScratch.root.appendingPathComponent("capture-\(UUID().uuidString).lp")
        defer { try? FileManager.default.removeItem(at: directory) }
        let captured = try capturingStandardOutput {
            logs.append(try GLPKSolver().solve(Instances.smallLP(), options: SolverOptions()).log)
            logs.append(try GLPKSolver().solve(Instances.smallMIP(), options: SolverOptions(presolve: false)).log)
            try GLPKSolver().write(Instances.smallMIP(), format: .lp, to: directory.path)
            do {
                _ = try GLPKSolver().solve(BrokenModels.duplicateEntry(), sense: .maximize, options: SolverOptions())
            } catch {
                fatal = "\(error)"
            }
        }
        #expect(logs[0].contains("GLPK Simplex Optimizer"))
        #expect(logs[1].contains("GLPK Integer Optimizer"))
        #expect(fatal?.contains("duplicate") == true)
        // Other tests in this process may print; none of GLPK's lines may appear.
        #expect(!captured.contains("GLPK"))
        #expect(!captured.contains("Error detected"))
        #expect(!captured.contains("Writing problem data"))
        for line in logs.joined().split(separator: "\n") where line.count > 8 {
            #expect(!captured.contains(line))
        }
    }
}
