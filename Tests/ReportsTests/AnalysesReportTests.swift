import AllocationModel
import Reports
import Studies
import Testing

/// The frontier section's closing sentence: a change of value within the solver's tolerance is "no cost".
@Suite struct AnalysesReportTests {
    @Test func aFlatFrontierSaysEquityCostsNoCoverage() {
        let points = [
            Frontier.Point(epsilon: 0, minCoverageRatio: 0.09, coverage: 1_000, objective: 2_000_000),
            Frontier.Point(epsilon: 0.18, minCoverageRatio: 0.18, coverage: 900, objective: 2_000_100),
        ]
        // +100 / 2,000,000 = 0.005 %, within twice a gap of 0.01 %: the value measures the cost, not the people.
        let text = AnalysesReport.frontierSection(points, mipGap: 1e-4).joined(separator: "\n")
        #expect(
            text.contains(
                "from 0.0 % to 18.0 % (the highest reached) changes the value of coverage by +100 (+0.005 %)")
        )
        #expect(text.contains("equity costs no measurable value (people accompanied: −100)"))
    }

    /// Plans that tie on the value of coverage may differ in their smallest coverage: when that column falls as the
    /// floor rises (a review: 9.0 % at a floor of 0 %, 5.5 % at 4.5 %), a sentence says why, with the two points.
    @Test func aSmallestCoverageThatFallsIsExplained() {
        let points = [
            Frontier.Point(epsilon: 0, minCoverageRatio: 0.09, coverage: 100_000, objective: 1),
            Frontier.Point(epsilon: 0.045, minCoverageRatio: 0.055, coverage: 100_000, objective: 1),
            Frontier.Point(epsilon: 0.09, minCoverageRatio: 0.09, coverage: 99_000, objective: 1),
        ]
        let text = AnalysesReport.frontierSection(points, mipGap: 1e-4).joined(separator: "\n")
        #expect(text.contains("need not rise with it (at the floor of 4.5 % it is 5.5 %, against 9.0 % at 0.0 %)"))
        let rising = AnalysesReport.frontierSection([points[0], points[2]], mipGap: 1e-4).joined(separator: "\n")
        #expect(!rising.contains("need not rise"))
    }

    @Test func aSlopedFrontierSaysWhatEquityCosts() {
        let points = [
            Frontier.Point(epsilon: 0, minCoverageRatio: 0.1, coverage: 1_000, objective: 100_000),
            Frontier.Point(epsilon: 0.3, minCoverageRatio: 0.3, coverage: 1_000, objective: 90_000),
        ]
        let text = AnalysesReport.frontierSection(points, mipGap: 1e-4).joined(separator: "\n")
        #expect(
            text.contains(
                "from 0.0 % to 30.0 % (the highest reached) costs 10,000 of the value of coverage (10.000 %), and changes the people accompanied by +0"
            ))
        #expect(!text.contains("equity costs no measurable value"))
    }
}

/// The sensitivity section names the changes smaller than the solver's tolerance.
@Suite struct SensitivitySectionTests {
    static func row(_ label: String, _ deltaObjective: Double) -> Sensitivity.Row {
        Sensitivity.Row(
            label: label, override: "x=1", status: "optimal", objective: 1_000_000 + deltaObjective, coverage: 10,
            deltaObjective: deltaObjective, deltaCoverage: 0, coveragePerUnit: nil, unit: "per post")
    }

    @Test func changesWithinTheGapAreNamed() {
        // Tolerance: 1e-4 × 1,000,000 = 100.
        let rows = [Self.row("posts +1", 40), Self.row("posts +100", 5_000), Self.row("posts −1", -99.9)]
        let text = AnalysesReport.sensitivitySection(rows, mipGap: 1e-4, baseObjective: 1_000_000).joined(
            separator: "\n")
        #expect(text.contains("about 100 of objective here: the changes of posts +1, posts −1 are smaller than that"))
        #expect(!text.contains("posts +100 are smaller") && !text.contains("posts +100,"))
    }

    /// A re-solve that stopped at a limit (a review found "budget +€10M: +0" at a gap of 1.84 % called "within the
    /// solver's tolerance") is never within tolerance: its line shows its status and gap, and a sentence says its
    /// change is what the plan found reaches.
    @Test func aReSolveStoppedAtALimitIsNotCalledWithinTolerance() {
        let stopped = Sensitivity.Row(
            label: "budget +€10M", override: "x=1", status: "feasible", objective: 1_000_000, coverage: 10,
            deltaObjective: 0, deltaCoverage: 0, coveragePerUnit: 0, unit: "per €1M", relativeGap: 0.01842)
        let rows = [stopped, Self.row("posts +1", 40)]
        let text = AnalysesReport.sensitivitySection(rows, mipGap: 1e-4, baseObjective: 1_000_000).joined(
            separator: "\n")
        #expect(text.contains("the changes of posts +1 are smaller than that"))
        #expect(!text.contains("budget +€10M are smaller") && !text.contains("budget +€10M, posts +1"))
        #expect(text.contains("| feasible, gap 1.8420 % |"))
        #expect(text.contains("The re-solves of budget +€10M stopped at a limit"))
    }

    @Test func noToleranceSentenceWhenEveryChangeIsMeasured() {
        let text = AnalysesReport.sensitivitySection(
            [Self.row("posts +100", 5_000)], mipGap: 1e-4, baseObjective: 1_000_000)
        #expect(!text.joined().contains("tolerance"))
    }
}
