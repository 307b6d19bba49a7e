import Foundation
import Testing
import LinearProgramming
@testable import GLPKSolver  // LoweredProgram, to feed the C guard models validation would refuse

/// Models Swift validation would reject, forced into the C layer: GLPK would print to stdout and
/// abort(); the guard must turn that into a thrown error carrying GLPK's own message.
enum BrokenModels {
    /// The small LP with its (c1, x) entry given twice.
    static func duplicateEntry() -> LoweredProgram {
        var lowered = LoweredProgram(Instances.smallLP())
        lowered.ia.append(1)
        lowered.ja.append(1)
        lowered.ar.append(5)
        return lowered
    }

    /// The small LP with a matrix entry in column 99 of 2.
    static func columnOutOfRange() -> LoweredProgram {
        var lowered = LoweredProgram(Instances.smallLP())
        lowered.ja[1] = 99
        return lowered
    }

    /// The small LP with a tab in the first constraint's name.
    static func tabInName() -> LoweredProgram {
        var lowered = LoweredProgram(Instances.smallLP())
        lowered.nameBlob[Int(lowered.rowNames[0])] = 9
        return lowered
    }
}

@Suite("GLPKSolver: the C guard")
struct GuardTests {
    private func fatalMessage(_ lowered: LoweredProgram, presolve: Bool = true) -> String? {
        do {
            _ = try GLPKSolver().solve(lowered, sense: .maximize, options: SolverOptions(presolve: presolve))
            return nil
        } catch {
            guard case .glpkFatal(let message) = error else { return nil }
            return message
        }
    }

    @Test func duplicateMatrixEntryBecomesAnError() throws {
        let message = try #require(fatalMessage(BrokenModels.duplicateEntry()))
        // GLPK's own words: "glp_load_mat: ia[1] = 1; ja[1] = 1; duplicate indices not allowed".
        #expect(message.contains("glp_load_mat"))
        #expect(message.contains("duplicate indices not allowed"))
        // The process survived; the next session on this thread works.
        #expect(try GLPKSolver().solve(Instances.smallMIP(), options: SolverOptions()).objective == 20)
    }

    @Test func outOfRangeIndexBecomesAnError() throws {
        let message = try #require(fatalMessage(BrokenModels.columnOutOfRange(), presolve: false))
        #expect(message.contains("out of range"))
        #expect(try GLPKSolver().solve(Instances.smallLP(), options: SolverOptions()).status == .optimal)
    }

    @Test func invalidNameBecomesAnError() throws {
        let message = try #require(fatalMessage(BrokenModels.tabInName()))
        #expect(message.contains("glp_set_row_name"))
    }

    /// A solve started from inside a progress callback (same thread, GLPK mid-session) is refused
    /// instead of tearing down the running session's environment.
    @Test func nestedSessionIsRefused() throws {
        let messages = ProgressLogOfStrings()
        let solver = GLPKSolver(progress: { _ in
            do {
                _ = try GLPKSolver().solve(Instances.smallLP(), options: SolverOptions())
                messages.append("nested solve ran")
            } catch {
                messages.append("\(error)")
            }
        })
        let result = try solver.solve(Instances.hardKnapsack(), options: SolverOptions(timeLimitSeconds: 0.8))
        #expect(result.status == .feasible)
        let seen = messages.all
        #expect(!seen.isEmpty)
        #expect(seen.allSatisfy { $0.contains("cannot start inside another one") })
    }

    @Test func repeatedFatalErrorsLeaveGLPKUsable() throws {
        for _ in 0..<20 {
            #expect(fatalMessage(BrokenModels.duplicateEntry()) != nil)
        }
        let result = try GLPKSolver().solve(Instances.smallLP(), options: SolverOptions())
        #expect(result.status == .optimal && result.objective == 11.5)
    }
}

@Suite("GLPKSolver: threads")
struct ConcurrencyTests {
    @Test func fiftyConcurrentSolvesAllSucceed() async throws {
        let objectives = try await withThrowingTaskGroup(of: Double?.self) { group in
            for i in 0..<50 {
                group.addTask {
                    let program = i.isMultiple(of: 2) ? Instances.smallMIP() : Instances.smallLP()
                    return try GLPKSolver().solve(program, options: SolverOptions()).objective
                }
            }
            var all: [Double?] = []
            for try await objective in group { all.append(objective) }
            return all
        }
        #expect(objectives.count == 50)
        #expect(objectives.filter { $0 == 20 }.count == 25)
        #expect(objectives.filter { $0 == 11.5 }.count == 25)
    }

    /// Fatal errors on some threads while others solve: each thread's GLPK environment is its own.
    @Test func fatalErrorsOnOtherThreadsDoNotDisturbSolves() {
        let outcomes = ProgressLogOfStrings()
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            if i.isMultiple(of: 3) {
                do {
                    _ = try GLPKSolver().solve(
                        BrokenModels.duplicateEntry(), sense: .maximize, options: SolverOptions())
                    outcomes.append("no error")
                } catch {
                    outcomes.append("\(error)".contains("duplicate") ? "fatal" : "other error")
                }
            } else {
                let result = try? GLPKSolver().solve(Instances.smallMIP(), options: SolverOptions())
                outcomes.append(result?.objective == 20 ? "solved" : "wrong")
            }
        }
        let all = outcomes.all
        #expect(all.filter { $0 == "fatal" }.count == 14)
        #expect(all.filter { $0 == "solved" }.count == 26)
    }
}

final class ProgressLogOfStrings: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
