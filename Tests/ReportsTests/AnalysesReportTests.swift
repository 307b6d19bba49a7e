import AllocationModel
import Reports
import Testing

/// The frontier section's closing sentence: a change of coverage within the solver's tolerance is "no cost".
@Suite struct AnalysesReportTests {
    @Test func aFlatFrontierSaysEquityCostsNoCoverage() {
        let points = [Frontier.Point(epsilon: 0, minCoverageRatio: 0.09, coverage: 2_000_000, objective: 1),
                      Frontier.Point(epsilon: 0.18, minCoverageRatio: 0.18, coverage: 2_000_100, objective: 1)]
        // +100 / 2,000,000 = 0.005 %, within twice a gap of 0.01 %.
        let text = AnalysesReport.frontierSection(points, mipGap: 1e-4).joined(separator: "\n")
        #expect(text.contains("from 0.0 % to 18.0 % (the highest reachable) changes the people accompanied by +100 (0.005 %)"))
        #expect(text.contains("equity costs no coverage"))
    }

    @Test func aSlopedFrontierSaysWhatEquityCosts() {
        let points = [Frontier.Point(epsilon: 0, minCoverageRatio: 0.1, coverage: 100_000, objective: 1),
                      Frontier.Point(epsilon: 0.3, minCoverageRatio: 0.3, coverage: 90_000, objective: 1)]
        let text = AnalysesReport.frontierSection(points, mipGap: 1e-4).joined(separator: "\n")
        #expect(text.contains("from 0.0 % to 30.0 % (the highest reachable) costs 10,000 people accompanied (-10.000 %)"))
        #expect(!text.contains("equity costs no coverage"))
    }
}
