@testable import GLPKSolver  // the internal GLPKVersion check
import Testing

/// The loaded GLPK must match the header repartir was built against (`GLPKVersion`).
@Suite struct VersionTests {
    @Test func theLoadedLibraryMatchesTheHeader() {
        #expect(GLPKVersion.loadedProblem == nil, "\(GLPKVersion.loadedProblem ?? "")")
        #expect(GLPKSolver.version.hasPrefix("\(GLPKVersion.compiled.major).\(GLPKVersion.compiled.minor)"))
    }

    @Test func sameMajorAndSameOrLaterMinorIsAccepted() {
        #expect(GLPKVersion.problem(runtime: "5.0", compiled: (5, 0)) == nil)
        #expect(GLPKVersion.problem(runtime: "5.3", compiled: (5, 0)) == nil)
    }

    @Test func anOlderMinorAnotherMajorOrGarbageIsRefusedWithBothVersions() throws {
        let older = try #require(GLPKVersion.problem(runtime: "4.65", compiled: (5, 0)))
        #expect(older.contains("GLPK 4.65 is loaded") && older.contains("built against GLPK 5.0"))
        #expect(GLPKVersion.problem(runtime: "5.0", compiled: (5, 2)) != nil)
        #expect(GLPKVersion.problem(runtime: "6.0", compiled: (5, 0)) != nil)
        #expect(GLPKVersion.problem(runtime: "five", compiled: (5, 0))?.contains("unreadable") == true)
    }
}
