import Foundation
import Scenario
import Testing

/// The default scenario's tables are exactly what `scripts/build-default-scenario.py` derives from the
/// public data in `../shared/data` (its `--check` mode regenerates them in a temporary folder and compares),
/// and no column the model reads is the 2021 allocation read back (issue 10, item 3).
@Suite struct DefaultScenarioProvenanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `../shared/data` beside the repository, or two levels up for a git worktree under `wt/<name>`.
    static var dataFolder: String? {
        [Self.root.deletingLastPathComponent(), Self.root.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("shared/data").path }
            .first { FileManager.default.fileExists(atPath: $0 + "/SOURCES.md") }
    }

    static func check(_ extra: [String]) throws -> (Int32, String) {
        let data = try #require(dataFolder, "the public data is expected beside the repository, at ../shared/data")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "python3", Self.root.appendingPathComponent("scripts/build-default-scenario.py").path, "--check",
                "--data", data,
            ] + extra
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, message)
    }

    @Test func tablesAreWhatTheScriptMakesFromTheSharedData() throws {
        let (status, message) = try Self.check([])
        #expect(status == 0, "build-default-scenario.py --check: \(message)")
    }

    @Test func replayTablesAreWhatTheScriptMakesWithReplay() throws {
        let (status, message) = try Self.check(["--replay"])
        #expect(status == 0, "build-default-scenario.py --check --replay: \(message)")
    }

    // MARK: columns that echo 2021

    /// Why `column` is a function of `posts` by construction, or nil when it is not. Rows are grouped by
    /// `group` (kind and overseas for structures: the host share differs between them), then:
    /// (a) within a group, rows with the same posts_2021 all have the same value while posts_2021 takes at
    ///     least two values (the column is determined by posts_2021: k × posts, any lookup table of posts);
    /// (b) within a group, column / posts_2021 is the same k for every row with posts > 0 (within 1 %);
    /// (c) overall, the Pearson correlation of the column with posts_2021 is above 0.99 (~1; the real
    ///     allocation follows population at r ≈ 0.86, which is not an echo).
    static func echo(_ column: [Double], posts: [Int], group: [String]) -> String? {
        var byGroup: [String: [Int]] = [:]
        for (row, key) in group.enumerated() { byGroup[key, default: []].append(row) }
        var determined = 0, constantRatio = 0, groups = 0
        // A group where the column is constant (every weight 1) says nothing: it is a function of anything.
        for rows in byGroup.values
        where Set(rows.map { posts[$0] }).count >= 2 && Set(rows.map { column[$0] }).count >= 2 {
            groups += 1
            var valueOf: [Int: Set<Double>] = [:]
            for row in rows { valueOf[posts[row], default: []].insert(column[row]) }
            if valueOf.values.allSatisfy({ $0.count == 1 }) { determined += 1 }
            let ratios = rows.filter { posts[$0] > 0 }.map { column[$0] / Double(posts[$0]) }
            if let low = ratios.min(), let high = ratios.max(), high <= low * 1.01 + 1e-9 { constantRatio += 1 }
        }
        if groups > 0 && determined == groups { return "a function of posts_2021 in every group (\(groups))" }
        if groups > 0 && constantRatio == groups { return "k × posts_2021 in every group (\(groups))" }
        let n = Double(column.count)
        let x = posts.map(Double.init)
        let mx = x.reduce(0, +) / n, my = column.reduce(0, +) / n
        let sxy = zip(x, column).reduce(0.0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0.0) { $0 + ($1 - mx) * ($1 - mx) }, syy = column.reduce(0.0) { $0 + ($1 - my) * ($1 - my) }
        if sxx > 0 && syy > 0 {
            let r = sxy / (sxx * syy).squareRoot()
            if r > 0.99 { return "correlated with posts_2021 at r = \(r)" }
        }
        return nil
    }

    /// Every column of the scenario the model reads, with the reason it echoes posts_2021 (nil when it does not).
    static func echoes(_ scenario: Scenario) -> [String: String?] {
        let territoryOf = Dictionary(uniqueKeysWithValues: scenario.territories.map { ($0.code, $0) })
        let structures = scenario.structures
        let sPosts = structures.map { $0.posts2021 ?? 0 }
        let sGroup = structures.map { "\($0.kind)/\(territoryOf[$0.territory]?.overseas ?? false)" }
        let territories = scenario.territories
        let tPosts = territories.map { $0.posts2021 ?? 0 }
        let tGroup = territories.map { _ in "all" }
        return [
            "structures.capacity": echo(structures.map { Double($0.capacity) }, posts: sPosts, group: sGroup),
            "structures.cofinancing_eur": echo(structures.map(\.cofinancingEUR), posts: sPosts, group: sGroup),
            "territories.population": echo(territories.map { Double($0.population) }, posts: tPosts, group: tGroup),
            "territories.population_15_plus": echo(
                territories.map { Double($0.population15Plus) }, posts: tPosts, group: tGroup),
            "territories.population_75_plus": echo(
                territories.map { Double($0.population75Plus) }, posts: tPosts, group: tGroup),
            "territories.ifn": echo(territories.map(\.fragilityIndex), posts: tPosts, group: tGroup),
            "territories.weight": echo(territories.map(\.weight), posts: tPosts, group: tGroup),
        ]
    }

    static func load(_ name: String) throws -> Scenario {
        try ScenarioLoader.load(Self.root.appendingPathComponent("scenarios/\(name)/scenario.yaml").path)
    }

    /// The default scenario: no driving column is posts_2021 read back.
    @Test func defaultScenarioDrivingColumnsDoNotEcho2021() throws {
        let scenario = try Self.load("france-relance-2020")
        #expect(scenario.structures.contains { ($0.posts2021 ?? 0) > 0 }, "posts_2021 is kept as the 2021 baseline")
        for (column, reason) in Self.echoes(scenario).sorted(by: { $0.key < $1.key }) {
            #expect(reason == nil, "\(column) of the default scenario echoes 2021: \(reason ?? "")")
        }
    }

    /// The replay scenario is the 2021-derived assumptions: the detector must flag both host columns there,
    /// which shows it can fail.
    @Test func replayScenarioEchoes2021AndTheDetectorSaysSo() throws {
        let found = Self.echoes(try Self.load("france-relance-2020-replay"))
        #expect(found["structures.capacity"]! != nil, "capacity = 2 × posts_2021 must be flagged")
        #expect(found["structures.cofinancing_eur"]! != nil, "co-financing from posts_2021 must be flagged")
        #expect(found["territories.population"]! == nil)
    }

    /// The detector on hand-made columns: k × posts and a lookup of posts are flagged, an independent column is not.
    @Test func detectorOnHandMadeColumns() {
        let posts = [1, 1, 2, 3, 1, 2, 5, 1]
        let group = Array(repeating: "g", count: posts.count)
        #expect(Self.echo(posts.map { Double(2 * $0) }, posts: posts, group: group) != nil)
        #expect(
            Self.echo(posts.map { Double([0: 0, 1: 7, 2: 9, 3: 30, 5: 31][$0]!) }, posts: posts, group: group) != nil)
        #expect(Self.echo([3, 1, 4, 1, 5, 9, 2, 6], posts: posts, group: group) == nil)
        #expect(
            Self.echo(Array(repeating: 1, count: posts.count), posts: posts, group: group) == nil,
            "a constant column is no echo")
    }
}

/// The need formula on an interval scale (`need.fragility_spread`) and the robustness ranges' checks (issue 10).
@Suite struct IntervalNeedAndRobustnessRangeTests {
    /// Two territories of 1,000 people 15–74 (15+ = 1,100 with 100 people 75+) and indexes 4 and 6: mean 5, standard
    /// deviation 1, so z = −1 and +1. With spread 0.2, φ = 0.8 and 1.2 (mean 1). Rates 0.165 (15+) and 0.64 (75+):
    /// α = (0.165 × 2,200 − 0.64 × 200) / 2,000 = (363 − 128) / 2,000 = 0.1175. D = 64 + 0.1175 × φ × 1,000:
    /// 64 + 94 = 158 and 64 + 141 = 205. The same indexes on the ratio scale (exponent 1) give φ/φ̄ = 0.8 and 1.2 too,
    /// so a third territory at index 5 tells them apart: interval φ = 1, ratio 5/5 = 1 — and shifting every index by
    /// +10 changes the ratio-scale need but not the interval one.
    @Test func intervalScaleUsesOnlyDifferencesOfTheIndex() {
        func territories(shift: Double) -> [Territory] {
            [("A", 4.0), ("B", 6.0)].map {
                Territory(
                    code: $0.0, name: $0.0, regionCode: "R", regionName: "R", overseas: false, population: 1_100,
                    population15Plus: 1_100, population75Plus: 100, fragilityIndex: $0.1 + shift)
            }
        }
        let interval = NeedFormula(
            NeedParameters(rate15Plus: 0.165, rate75Plus: 0.64, fragilityExponent: 1, fragilitySpread: 0.2))
        #expect(interval.need(for: territories(shift: 0)) == ["A": 158, "B": 205])
        #expect(interval.need(for: territories(shift: 10)) == ["A": 158, "B": 205])
        let ratio = NeedFormula(NeedParameters(rate15Plus: 0.165, rate75Plus: 0.64, fragilityExponent: 1))
        #expect(ratio.need(for: territories(shift: 0)) == ["A": 158, "B": 205])
        // Ratio scale, indexes 14 and 16: φ/φ̄ = 14/15 and 16/15, so 64 + 109.67 = 174 and 64 + 125.33 = 189.
        #expect(ratio.need(for: territories(shift: 10)) == ["A": 174, "B": 189])
    }

    static var defaultScenario: String {
        DefaultScenarioProvenanceTests.root.appendingPathComponent("scenarios/france-relance-2020/scenario.yaml").path
    }

    /// A capacity factor that leaves a département less room than its floor is a configuration error (exit 78) at the
    /// key, before any solve; the same floor with a range that keeps room is accepted.
    @Test func aRobustnessRangeThatBreaksAFloorIsRefused() throws {
        let floor = ParameterOverride(key: "limits.territory_min_posts", value: "12")
        do {
            _ = try ScenarioLoader.load(
                Self.defaultScenario,
                overrides: [floor, ParameterOverride(key: "robustness.capacity_factors", value: "0.5,2")])
            Issue.record("a capacity factor of 0.5 with a floor of 12 must be refused")
        } catch {
            #expect(error.category == .configuration)
            #expect(
                error.diagnostics.contains {
                    $0.message.contains(
                        "'robustness.capacity_factors': at factor 0.5 the host structures of territory 23 (Creuse) can take 11 posts, below its floor of 12"
                    )
                })
            // The allowed range, as every other refused value gives: the smallest factor that keeps every floor, to the
            // hundredth, accepted, and a hundredth less refused.
            #expect(
                error.diagnostics.contains {
                    $0.message.contains(
                        "raise the factor to at least 0.67 (the smallest that keeps every floor) or lower the floor")
                })
        }
        for (factors, accepted) in [("1,2", true), ("0.67,2", true), ("0.66,2", false)] {
            let loaded = try? ScenarioLoader.load(
                Self.defaultScenario,
                overrides: [floor, ParameterOverride(key: "robustness.capacity_factors", value: factors)])
            #expect((loaded != nil) == accepted, "\(factors)")
        }
    }

    /// A région floor the scenario's own hosts cannot hold (Mayotte's hosts take 36 posts, the floor asks 60) is the
    /// scenario's contradiction, reported as such when the plan is solved, not a fault of the capacity factors: a
    /// review found six errors blaming factor 0.5, with "raise the factor", which cannot help.
    @Test func aRegionFloorTheScenarioCannotHoldIsNotBlamedOnTheFactors() throws {
        let loaded = try ScenarioLoader.load(
            Self.defaultScenario, overrides: [ParameterOverride(key: "limits.region_min_posts", value: "60")])
        #expect(loaded.parameters.robustness.capacityFactors.contains(0.5))
        #expect(loaded.parameters.limits.regionMinPosts == 60)
    }

    /// Out of range or too many values: exit 78 with the key.
    @Test func robustnessAndSpreadKeysHaveRanges() {
        for (key, value, expected) in [
            ("need.fragility_spread", "2", "out of range"),
            ("robustness.people_per_post_year", "100,200,300,400,500", "at most 4"),
            ("robustness.capacity_factors", "0", "must hold numbers in"),
            ("robustness.moved_posts", "0", "out of range"),
        ] {
            do {
                _ = try ScenarioLoader.load(
                    Self.defaultScenario, overrides: [ParameterOverride(key: key, value: value)])
                Issue.record("\(key)=\(value) must be refused")
            } catch {
                #expect(error.category == .configuration, "\(key)")
                #expect(
                    error.diagnostics.contains { $0.message.contains(key) && $0.message.contains(expected) },
                    "\(key): \(error)")
            }
        }
    }

    /// The default scenario reads the index on the interval scale, with its documented ranges of guesses.
    @Test func defaultScenarioUsesTheIntervalScaleAndDocumentsItsRanges() throws {
        let parameters = try ScenarioLoader.load(Self.defaultScenario).parameters
        #expect(parameters.need.fragilitySpread == 0.2)
        #expect(parameters.peoplePerPostYear == 224)
        #expect(
            parameters.robustness
                == RobustnessParameters(
                    capacityFactors: [0.5, 2], cofinancingFactors: [0.5, 1.5],
                    peoplePerPostYear: [186, 282], fragilitySpreads: [0.1, 0.3], movedPosts: 3))
    }

    /// The spread's variants need the interval scale: a scenario on the exponent's formula (the money-rounding
    /// fixture) refuses the key before solving (78), naming it.
    @Test func fragilitySpreadsNeedTheIntervalScale() {
        let fixture = DefaultScenarioProvenanceTests.root.appendingPathComponent(
            "Tests/Fixtures/money-rounding/scenario.yaml")
        do {
            _ = try ScenarioLoader.load(
                fixture.path, overrides: [ParameterOverride(key: "robustness.fragility_spreads", value: "0.1")])
            Issue.record("fragility spreads without need.fragility_spread must be refused")
        } catch {
            #expect(error.category == .configuration)
            #expect(
                error.diagnostics.contains {
                    $0.message.contains("robustness.fragility_spreads") && $0.message.contains("need.fragility_spread")
                }, "\(error)")
        }
    }
}

extension IntervalNeedAndRobustnessRangeTests {
    /// Floors the base scenario itself cannot meet (101 × 100 posts > 4,000) are the scenario's contradiction (exit 20
    /// before solving), not a fault of the robustness range: the scenario still loads.
    @Test func baseContradictionsAreLeftToTheConsistencyCheck() throws {
        let scenario = try ScenarioLoader.load(
            Self.defaultScenario, overrides: [ParameterOverride(key: "limits.territory_min_posts", value: "100")])
        #expect(scenario.parameters.robustness.capacityFactors == [0.5, 2])
    }
}
