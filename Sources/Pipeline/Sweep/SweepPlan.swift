import Crypto
import Foundation
import LinearProgramming
import Reports
import Scenario
import Studies

/// The variants of a sweep, each with its stable id and its scenario, made from one load of the
/// base scenario (`ScenarioLoader.variant`): the tables are read once, whatever the number of variants.
public struct SweepPlan: Sendable {
    public struct Variant: Sendable {
        /// First 12 hex digits of the SHA-256 of the variant's own `key=value` overrides, sorted:
        /// the same overrides give the same id whatever their order in the file, on any machine.
        public let id: String
        /// The variant's own overrides (not the shared `set:`), sorted by key.
        public let settings: [SweepFile.Setting]
        public let scenario: Scenario
        /// Expected cost, to balance shards: solves per variant (stages × analyses).
        public let cost: Int

        /// `key=value …` for messages.
        public var label: String { settings.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
    }

    public let file: SweepFile
    /// Sorted by id.
    public let variants: [Variant]
    /// The keys the variants set, sorted: the typed columns of sweep.csv.
    public let keys: [String]

    /// The variants of `file` over `base` (loaded once by the caller). Every variant's scenario is
    /// made here, so a wrong value fails (exit 78, at its place in the sweep file) before anything runs.
    public static func make(
        _ file: SweepFile, base: Scenario, cancellation: CancellationFlag? = nil
    ) throws(ScenarioError) -> SweepPlan {
        // Counted before anything is built: each variant holds its own scenario while the sweep runs (about 0.7 MB
        // nationally), and a review's grid of three lists of 100 took the machine's 24 GB before it was killed.
        // The grid's product, saturated (lists of thousands would overflow an integer).
        var count = file.grid.isEmpty ? 0 : 1
        for axis in file.grid {
            let (product, overflow) = count.multipliedReportingOverflow(by: axis.values.count)
            count = overflow ? Int.max : product
        }
        count = count > Int.max - file.variants.count ? Int.max : count + file.variants.count
        if count > maxVariants {
            let size = count == Int.max ? "more than \(NumberText.grouped(Int.max))" : NumberText.grouped(count)
            throw ScenarioError([
                Diagnostic(
                    .configuration, file.grid.first?.values.first?.location ?? SourceLocation(file: file.path),
                    "the sweep has \(size) variants (\(file.grid.map { "\($0.values.count) \($0.key)" }.joined(separator: " × "))\(file.variants.isEmpty ? "" : " and \(file.variants.count) listed")), more than \(NumberText.grouped(maxVariants)): split it into several sweep files"
                )
            ])
        }
        var combinations: [[SweepFile.Setting]] = [[]]
        for axis in file.grid {
            combinations = combinations.flatMap { prefix in axis.values.map { prefix + [$0] } }
        }
        if file.grid.isEmpty { combinations = [] }
        combinations += file.variants
        var variants: [String: Variant] = [:]
        var problems: [Diagnostic] = []
        for combination in combinations {
            // A signal while the variants are made: the caller sees the flag and stops (128 + signal), nothing run.
            if cancellation?.isCancelled == true { break }
            // One value per key: a later one (an explicit variant's) wins over a grid's.
            var byKey: [String: SweepFile.Setting] = [:]
            for setting in combination { byKey[setting.key] = setting }
            let settings = byKey.values.sorted { $0.key < $1.key }
            let id = variantID(settings.map { ParameterOverride(key: $0.key, value: $0.value) })
            if variants[id] != nil { continue }
            let applied = file.shared + settings
            do {
                let scenario = try ScenarioLoader.variant(
                    of: base, overrides: applied.map { ParameterOverride(key: $0.key, value: $0.value) })
                // The checks `run` makes before its lock (stage names, baseline ids), so a typo in one variant
                // stops the sweep before anything runs instead of becoming that variant's row.
                if let problem = runChecks(scenario) {
                    problems += problem.diagnostics.map {
                        relocatedByKey(relocated($0, settings: applied), settings: applied)
                    }
                    continue
                }
                variants[id] = Variant(id: id, settings: settings, scenario: scenario, cost: expectedCost(scenario))
            } catch {
                problems += error.diagnostics.map { relocated($0, settings: applied) }
            }
        }
        if !problems.isEmpty { throw ScenarioError(Array(Set(problems))) }
        let sorted = variants.values.sorted { $0.id < $1.id }
        let keys = Set(sorted.flatMap { $0.settings.map(\.key) }).sorted()
        return SweepPlan(file: file, variants: sorted, keys: keys)
    }

    /// Variants one sweep may hold: about 1.4 GB of scenarios nationally at most, on machines of a few GB.
    public static let maxVariants = 2_000

    public static func variantID(_ overrides: [ParameterOverride]) -> String {
        let text = overrides.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "\n")
        return SHA256.hash(data: Data(text.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    /// What `repartir run` checks after loading and before its lock: the objective stages and the baselines.
    static func runChecks(_ scenario: Scenario) -> ScenarioError? {
        do {
            try RunReport.checkBaselines(for: scenario)
            _ = try StudyTargets.objectiveStages(for: scenario)
            return nil
        } catch {
            return error
        }
    }

    /// A diagnostic placed at a key alone (`objective.stages`, `comparison.baselines`, when the scenario does not say
    /// where it was written) moved to the place of the setting that gives that key in the sweep file, when one does.
    static func relocatedByKey(_ diagnostic: Diagnostic, settings: [SweepFile.Setting]) -> Diagnostic {
        guard let setting = settings.last(where: { $0.key == diagnostic.location.file }) else { return diagnostic }
        return Diagnostic(diagnostic.category, setting.location, diagnostic.message)
    }

    /// A diagnostic about `--set #i` moved to the place of the i-th setting in the sweep file.
    static func relocated(_ diagnostic: Diagnostic, settings: [SweepFile.Setting]) -> Diagnostic {
        let file = diagnostic.location.file
        guard file.hasPrefix("--set #"),
            let number = Int(file.dropFirst("--set #".count).prefix { $0.isNumber }),
            (1...settings.count).contains(number)
        else {
            return diagnostic
        }
        return Diagnostic(diagnostic.category, settings[number - 1].location, diagnostic.message)
    }

    /// Solves a variant is expected to make: one per objective stage, times the analyses' re-solves.
    static func expectedCost(_ scenario: Scenario) -> Int {
        let comparison = scenario.parameters.comparison
        let analyses =
            1 + (comparison.sensitivity ? 12 : 0) + (comparison.frontierPoints > 1 ? comparison.frontierPoints : 0)
        return max(1, comparison.stages.count) * analyses
    }

    /// The variants of shard `index` (0-based) of `count`: the longest first, each to the shard with
    /// the least expected cost so far (ties to the lowest index). Deterministic: every shard computes
    /// the same assignment from the same file.
    public func shard(_ index: Int, of count: Int) -> [Variant] {
        var load = [Int](repeating: 0, count: count)
        var mine: [Variant] = []
        for variant in variants.sorted(by: { ($0.cost, $1.id) > ($1.cost, $0.id) }) {
            let target = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            load[target] += variant.cost
            if target == index { mine.append(variant) }
        }
        return mine.sorted { $0.id < $1.id }
    }

    /// `sweep.plan.json`: what `collect` needs to know without the sweep file (every shard writes the same bytes).
    public func planJSON(solver: SolverIdentity) -> String {
        let keyLines = keys.map {
            "    {\"key\": \(JSON.string($0)), \"type\": \(JSON.string(ScenarioLoader.parameterType($0)))}"
        }
        let variantLines = variants.map { variant in
            let settings = variant.settings.map { "\(JSON.string($0.key)): \(JSON.string($0.value))" }.joined(
                separator: ", ")
            let fingerprint = SweepStore.fingerprint(
                variant.scenario, timeLimit: file.timeLimit, mipGap: file.mipGap, solver: solver)
            return
                "    {\"id\": \(JSON.string(variant.id)), \"overrides\": {\(settings)}, \"fingerprint\": \(JSON.string(fingerprint))}"
        }
        return """
            {
              "sweep_id": \(JSON.string(file.name)),
              "scenario": \(JSON.string(file.scenario)),
              "keys": [
            \(keyLines.joined(separator: ",\n"))
              ],
              "variants": [
            \(variantLines.joined(separator: ",\n"))
              ]
            }

            """
    }
}
