import Foundation
@testable import Scenario  // ParameterReader, to test the reader alone
import Testing

/// `waves:` in the scenario file: read in date order with cumulative amounts, every mistake refused (exit 78) at its
/// key.
@Suite struct WavesParameterTests {
    func read(_ waves: String, overrides: [String] = []) throws -> (ScenarioParameters?, [Diagnostic]) {
        let yaml =
            try String(contentsOf: InputCases.defaultScenario.appendingPathComponent("scenario.yaml"), encoding: .utf8)
            + "\n" + waves
        var reader = ParameterReader(
            yaml: yaml, displayPath: "scenario.yaml", overrides: overrides.map { ParameterOverride($0)! })
        let parameters = ScenarioLoader.readParameters(&reader)
        return (parameters, reader.errors.diagnostics)
    }

    @Test func wavesAreReadInDateOrderWithCumulativeAmounts() throws {
        let (parameters, errors) = try read(
            """
            waves:
              later:
                date: 2022-01-01
                share: 1
              first:
                label: "Collectivités first"
                date: 2021-01-15
                kinds: public
                posts: 3177
                budget_eur: 150_000_000
            """)
        #expect(errors.isEmpty, "\(errors)")
        let waves = try #require(parameters?.waves)
        #expect(waves.map(\.id) == ["first", "later"])
        #expect(waves[0].kinds == ["public"] && waves[1].kinds == ["private", "public"])
        #expect(waves[0].posts == 3177 && waves[0].budgetEUR == 150_000_000)
        #expect(waves[1].posts == 4000 && waves[1].budgetEUR == 200_000_000)
        #expect(waves[0].label == "Collectivités first" && waves[1].label == "later")
    }

    @Test func badWavesAreRefusedAtTheirKey() throws {
        let (_, errors) = try read(
            """
            waves:
              a:
                date: 15/01/2021
                share: 0.5
              b:
                date: 2021-02-01
                kinds: public, charities
                share: 0.5
              c:
                date: 2021-03-01
                share: 0.4
              d:
                date: 2021-04-01
                kinds: private
              e:
                date: 2021-05-01
                share: 0.9
            """)
        let messages = errors.map(\.message)
        #expect(errors.allSatisfy { $0.category == .configuration })
        #expect(messages.contains { $0.contains("'waves.a.date' must be a calendar date written YYYY-MM-DD") })
        #expect(messages.contains { $0.contains("unknown kind 'charities'") })
        #expect(messages.contains { $0.contains("wave 'd' needs its cumulative share") })
        #expect(messages.contains { $0.contains("the last wave 'e' must open the whole programme") })
        // Cumulative amounts never decrease:
        let (_, decreasing) = try read(
            "waves:\n  x:\n    date: 2021-01-01\n    share: 0.8\n  y:\n    date: 2021-02-01\n    share: 0.5\n  z:\n    date: 2021-03-01\n    share: 1\n"
        )
        #expect(decreasing.map(\.message).contains { $0.contains("wave 'y' opens less than the earlier wave 'x'") })
        // The cross-checks are placed at the wave's key in the file (a review found the file alone), and a date must be
        // a day of the calendar (2021-13-45, 2021-02-30 and 0000-00-00 were accepted).
        let yLine = try #require(decreasing.first { $0.message.contains("wave 'y' opens less") }?.location)
        let yaml = try String(
            contentsOf: InputCases.defaultScenario.appendingPathComponent("scenario.yaml"), encoding: .utf8)
        let base = yaml.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(yLine.file == "scenario.yaml" && yLine.line != nil && yLine.line! > base, "\(yLine)")
        for date in ["2021-13-45", "2021-02-30", "0000-00-00", "2021-04-31"] {
            let (_, bad) = try read("waves:\n  all:\n    date: \(date)\n    share: 1\n")
            #expect(
                bad.map(\.message) == ["'waves.all.date' must be a calendar date written YYYY-MM-DD, found '\(date)'"],
                "\(bad)")
        }
        let (_, leap) = try read("waves:\n  all:\n    date: 2024-02-29\n    share: 1\n")
        #expect(leap.isEmpty, "\(leap)")
        // A wave that opens nothing is refused at its key (a review's share 0 passed `validate`; the run then said the
        // wave could not be solved and named programme.budget_eur).
        for share in ["0", "0.0001"] {
            let (_, empty) = try read(
                "waves:\n  w1:\n    date: 2021-01-01\n    share: \(share)\n  w2:\n    date: 2021-06-01\n    share: 1\n")
            #expect(
                empty.map(\.message) == [
                    "wave 'w1' opens no post or no money (share \(share) of 4,000 posts and 200,000,000 €): give it a share that opens at least one post, or remove the wave"
                ], "\(empty)")
        }
    }

    /// Three silent readings a review found, refused at their key: a wave opening more than the programme (cut to it
    /// without a word, while the parameters table showed what was given), share beside posts and budget_eur (share
    /// dropped), and an empty kinds list (the wave shut to every kind, none of its posts placed).
    @Test func contradictoryOrEmptyWaveAmountsAreRefused() throws {
        let over = "waves:\n  w1:\n    date: 2021-01-01\n    share: 0.5\n  w2:\n    date: 2022-01-01\n    share: 1\n"
        for (setting, message) in [
            (
                "waves.w2.posts=4500",
                "wave 'w2' gives both share and posts: give its cumulative share, or its cumulative posts and budget_eur, not both"
            ),
            (
                "waves.w1.kinds=",
                "'waves.w1.kinds' is empty: list the kinds the wave is open to (the scenario defines: private, public), or leave the key out for every kind"
            ),
        ] {
            let (_, errors) = try read(over, overrides: [setting])
            #expect(errors.map(\.message) == [message], "\(setting): \(errors)")
            #expect(errors.allSatisfy { $0.category == .configuration }, "\(errors)")
        }
        let amounts = "waves:\n  w1:\n    date: 2021-01-01\n    share: 0.5\n  w2:\n    date: 2022-01-01\n"
        for (given, message) in [
            (
                "    posts: 4500\n    budget_eur: 200_000_000\n",
                "wave 'w2' opens 4,500 posts, more than programme.posts 4,000: a wave opens part of the programme (raise the programme's amounts instead)"
            ),
            (
                "    posts: 4000\n    budget_eur: 300_000_000\n",
                "wave 'w2' opens 300,000,000 €, more than programme.budget_eur 200,000,000: a wave opens part of the programme (raise the programme's amounts instead)"
            ),
        ] {
            let (_, errors) = try read(amounts + given)
            #expect(errors.map(\.message) == [message], "\(errors)")
        }
        let (_, exact) = try read(amounts + "    posts: 4000\n    budget_eur: 200_000_000\n")
        #expect(exact.isEmpty, "\(exact)")
    }

    /// A renewal wave comes last, has its own envelope (not cumulative: 800 posts after 4,000 is fine) and reads the
    /// kinds' renewal grants; one before an allocation wave, or with nothing to renew, is refused.
    @Test func renewalWaves() throws {
        let (parameters, errors) = try read(
            """
            waves:
              all:
                date: 2021-01-01
                share: 1
              renewal:
                date: 2023-01-01
                renewal: true
                posts: 800
                budget_eur: 30_000_000
            """, overrides: ["kinds.public.renewal_grant_eur=42500", "kinds.private.renewal_grant_eur=44000"])
        #expect(errors.isEmpty, "\(errors)")
        #expect(parameters?.waves.map(\.renewal) == [false, true])
        #expect(parameters?.waves.last?.posts == 800)
        let (_, misplaced) = try read(
            "waves:\n  r:\n    date: 2021-01-01\n    renewal: true\n    share: 0.1\n  all:\n    date: 2022-01-01\n    share: 1\n"
        )
        #expect(misplaced.map(\.message).contains { $0.contains("comes after the renewal wave 'r'") })
        #expect(misplaced.map(\.message).contains { $0.contains("has no earlier wave whose posts it could renew") })
        // The renewal grants of reference_figures.csv (2023: €42,500 public, €44,000 private, over 36 months by
        // default).
        #expect(parameters?.kinds.map(\.renewalGrantEUR) == [44_000, 42_500])
        #expect(parameters?.kinds.allSatisfy { $0.renewalMonths == 36 } == true)
        // A renewal envelope above the programme's (it was cut to it in silence) and a renewal wave no kind can
        // renew in (it renewed nothing in silence): refused at their keys (a review).
        let renewal =
            "waves:\n  all:\n    date: 2021-01-01\n    share: 1\n  ren:\n    date: 2023-01-01\n    renewal: true\n"
        let grants = ["kinds.public.renewal_grant_eur=42500"]
        let (_, over) = try read(renewal + "    posts: 9000\n    budget_eur: 30_000_000\n", overrides: grants)
        #expect(
            over.map(\.message) == [
                "wave 'ren' opens 9,000 posts, more than programme.posts 4,000: a wave opens part of the programme (raise the programme's amounts instead)"
            ], "\(over)")
        // A renewal flag that is no boolean is one error, not three (the wave read as an allocation wave failed the
        // checks across waves too).
        let (_, notBoolean) = try read(
            renewal.replacingOccurrences(of: "renewal: true", with: "renewal: 1")
                + "    posts: 800\n    budget_eur: 30_000_000\n",
            overrides: grants)
        #expect(notBoolean.map(\.message) == ["'waves.ren.renewal' must be true or false, found '1'"], "\(notBoolean)")
        let (_, noGrant) = try read(renewal + "    posts: 800\n    budget_eur: 30_000_000\n")
        #expect(
            noGrant.map(\.message) == [
                "the renewal wave 'ren' can renew no post: no kind has kinds.*.renewal_grant_eur (give the grant of each kind that renews, or make it an allocation wave)"
            ], "\(noGrant)")
    }

    /// A wave open only to kinds no host structure has places nothing (a review: the last one then showed its posts as
    /// lost to sequencing): refused when the scenario is loaded, at the wave's kinds.
    @Test func aWaveOpenOnlyToKindsWithoutHostsIsRefused() throws {
        let example = InputCases.defaultScenario.deletingLastPathComponent().appendingPathComponent(
            "examples/three-territories")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waves-kinds-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: example, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Public hosts only; the first wave is open to private hosts alone.
        let structures = folder.appendingPathComponent("structures.csv")
        let rows = try String(contentsOf: structures, encoding: .utf8).split(separator: "\n")
            .filter { !$0.contains(",private,") }
        try (rows.joined(separator: "\n") + "\n").write(to: structures, atomically: true, encoding: .utf8)
        let yaml = folder.appendingPathComponent("scenario.yaml")
        try
            (try String(contentsOf: yaml, encoding: .utf8)
            + "\nwaves:\n  w1:\n    date: 2021-01-01\n    kinds: private\n    share: 0.5\n  w2:\n    date: 2022-01-01\n    share: 1\n")
            .write(to: yaml, atomically: true, encoding: .utf8)
        do {
            _ = try ScenarioLoader.load(folder.path)
            Issue.record("a wave open only to kinds without hosts was accepted")
        } catch {
            #expect(
                error.diagnostics.map(\.message) == [
                    "wave 'w1' is open only to private, which no host structure is: it could place no post"
                ], "\(error.diagnostics)")
            #expect(error.diagnostics.first?.category == .configuration)
        }
        // Open to both kinds, it is a scenario like any other.
        _ = try ScenarioLoader.load(folder.path, overrides: [ParameterOverride("waves.w1.kinds=private,public")!])
    }
}
