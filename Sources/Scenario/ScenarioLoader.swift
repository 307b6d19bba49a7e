import Foundation

/// Reads a scenario from disk: the YAML file (or a folder holding `scenario.yaml`), `--set`
/// overrides, then the CSV tables it names, relative to the scenario file.
public enum ScenarioLoader {
    public static let defaultFileName = "scenario.yaml"

    /// The scenario file for a path that is either the file or its folder.
    public static func scenarioFile(for path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return (path as NSString).appendingPathComponent(defaultFileName)
        }
        return path
    }

    /// Reports, in one go, every problem of the scenario file, the overrides and both tables. Only a YAML
    /// syntax error (or an unreadable scenario file) stops before the rest, since nothing else can be read.
    /// Each file is read once; its bytes are kept in `Scenario.inputFiles` for the manifest, and variants
    /// of the scenario are made in memory (`Scenario.applying`), never by reading the files again.
    public static func load(_ path: String, overrides: [ParameterOverride] = []) throws(ScenarioError) -> Scenario {
        let file = scenarioFile(for: path)
        let scenarioBytes = try InputFileReader.bytes(
            of: file, shownAs: file, what: "the scenario file", atMost: maxScenarioFileBytes)
        var reader = ParameterReader(
            yaml: try text(of: scenarioBytes, file: file), displayPath: file, overrides: overrides)
        guard reader.parsed else {
            try reader.errors.throwIfAny()
            throw ScenarioError([
                Diagnostic(.configuration, SourceLocation(file: file), "the scenario file could not be read")
            ])
        }
        let parameters = readParameters(&reader)

        func resolve(_ relative: String) -> String { resolvedPath(relative, besides: file) }
        // The tables are read even when the parameters have errors, so that one run reports both;
        // the kinds then are the ids written under `kinds:` (nil, not checked, when there are none).
        let territoriesPath = reader.text("tables.territories").map(resolve)
        let structuresPath = reader.text("tables.structures").map(resolve)
        let commitmentsPath = reader.text("tables.commitments").map(resolve)
        let kindIDs = parameters.map { Set($0.kinds.map(\.id)) } ?? reader.ids["kinds"].map(Set.init)
        let communeSettings = DemandLoader.settings(&reader, resolve: resolve)

        var errors = reader.errors
        var files = [Scenario.InputFile(role: "scenario", path: file, bytes: scenarioBytes)]
        // The table's bytes, read once and kept for the manifest, split into a table; nil after an error.
        func table(_ role: String, at path: String) -> CSVTable? {
            do {
                let bytes = try InputFileReader.bytes(of: path, shownAs: path, what: "the table")
                files.append(Scenario.InputFile(role: role, path: path, bytes: bytes))
                return try CSVTable(data: bytes, path: path)
            } catch {
                errors.merge(collector(error))
                return nil
            }
        }
        var territories: [Territory] = []
        var structures: [HostStructure] = []
        var territoryCodes: Set<String>?
        // Whether each table read whole: the commune layer is read once the territories are (its rows name them), with
        // the structures' communes only when those are too, so that one run reports every table's errors (a review
        // found demand.csv's reported only once structures.csv's were fixed).
        var territoriesSound = false
        var structuresSound = false
        if let territoriesPath, let table = table("territories", at: territoriesPath) {
            let (values, problems) = TableLoaders.territories(table)
            territories = values
            territoryCodes = TableLoaders.codes(in: table)
            territoriesSound = problems.isEmpty
            errors.merge(problems)
        }
        var structuresTable: CSVTable?
        if let structuresPath, let table = table("structures", at: structuresPath) {
            let (values, problems) = TableLoaders.structures(table, territories: territoryCodes, kinds: kindIDs)
            structures = values
            structuresTable = table
            structuresSound = problems.isEmpty
            errors.merge(problems)
        }
        var commitments: [Commitment] = []
        if let commitmentsPath, let table = table("commitments", at: commitmentsPath) {
            // Checked against the structures only when their table read without error (else every row would be
            // "unknown").
            let known = errors.isEmpty ? structures : nil
            let (values, problems) = CommitmentTable.commitments(
                table, structures: known, territories: territories, parameters: parameters)
            commitments = values
            errors.merge(problems)
        }
        // A wave open only to kinds no structure has places nothing, and the last one then shows its posts as "lost to
        // sequencing" (a review): refused at its kinds.
        if let parameters, errors.isEmpty {
            let kindsWithHosts = Set(structures.map(\.kind))
            for wave in parameters.waves where !wave.renewal && !wave.kinds.contains(where: kindsWithHosts.contains) {
                errors.add(
                    .configuration, reader.location(of: "waves.\(wave.id).kinds"),
                    "wave '\(wave.id)' is open only to \(wave.kinds.joined(separator: ", ")), which no host structure is: it could place no post"
                )
            }
        }
        // A robustness range that would make the base scenario's own rules impossible: refused before any solve.
        if let parameters, errors.isEmpty {
            for problem in parameters.robustness.rangeProblems(
                parameters: parameters, territories: territories, structures: structures)
            {
                errors.add(.configuration, reader.location(of: problem.key), problem.message)
            }
        }
        // The commune layer (docs/scenarios.md, "demand.csv"), read once the territories are sound; kept only when
        // nothing else failed.
        var communes: CommuneInputs?
        if territoriesSound {
            // The loader's own problems go to their own collector: `table` records a table it cannot read into
            // `errors`, which the loader must not hold at the same time (Swift's exclusive access: a crash, exit 134).
            var communeErrors = DiagnosticCollector()
            let sound = errors.isEmpty
            let layer = DemandLoader.load(
                communeSettings, territories: territories, structures: structures, kinds: kindIDs,
                structuresTable: structuresSound ? structuresTable : nil, table: { table($0, at: $1) },
                errors: &communeErrors)
            communes = sound ? layer : nil
            errors.merge(communeErrors)
        }
        try errors.throwIfAny()
        guard let parameters, territoriesPath != nil, structuresPath != nil else {
            throw ScenarioError([Diagnostic(.configuration, SourceLocation(file: file), "incomplete scenario")])
        }
        return Scenario(
            parameters: parameters, territories: territories, structures: structures, inputFiles: files,
            commitments: commitments, communes: communes)
    }

    /// A scenario file is a page of parameters; the data go in the tables. Larger files are refused before
    /// they are parsed, so that no size of file (a 30 MB title) makes the run slow.
    static let maxScenarioFileBytes = 1 << 20

    /// The scenario file's text, decoded (UTF-8, with or without BOM; anything else is refused).
    private static func text(of bytes: Data, file: String) throws(ScenarioError) -> String {
        guard bytes.count <= maxScenarioFileBytes else {
            throw ScenarioError([
                Diagnostic(
                    .configuration, SourceLocation(file: file),
                    "the scenario file is larger than 1 MiB: it holds parameters only (the data go in the CSV tables); shorten it"
                )
            ])
        }
        switch TextDecoding.decode(bytes, file: file, category: .configuration, csv: false) {
        case let .success(text): return text
        case let .failure(error): throw error
        }
    }

    /// A table path as written in the scenario file, resolved against the file's folder.
    private static func resolvedPath(_ relative: String, besides file: String) -> String {
        let folder = (file as NSString).deletingLastPathComponent
        return relative.hasPrefix("/") || folder.isEmpty
            ? relative : (folder as NSString).appendingPathComponent(relative)
    }

    private static func collector(_ error: ScenarioError) -> DiagnosticCollector {
        var collector = DiagnosticCollector()
        for diagnostic in error.diagnostics {
            collector.add(diagnostic.category, diagnostic.location, diagnostic.message)
        }
        return collector
    }

    static func readParameters(_ reader: inout ParameterReader) -> ScenarioParameters? {
        let ids = reader.ids
        var kinds: [HostKind] = []
        for id in ids["kinds"] ?? [] {
            let label = reader.text("kinds.\(id).label") ?? ""
            let grant = reader.number("kinds.\(id).grant_eur")
            let overseas = reader.number("kinds.\(id).overseas_grant_eur")
            let months = reader.integer("kinds.\(id).grant_months")
            if let grant, let overseas, let months {
                var kind = HostKind(
                    id: id, label: label.isEmpty ? id : label, grantEUR: grant, overseasGrantEUR: overseas,
                    grantMonths: months)
                kind.renewalGrantEUR = reader.number("kinds.\(id).renewal_grant_eur")
                kind.renewalMonths = reader.integer("kinds.\(id).renewal_months") ?? 36
                kinds.append(kind)
            }
        }
        if kinds.isEmpty {
            reader.configurationError("kinds", "the scenario defines no kind of host structure ('kinds')")
        }
        var options: [FundingOption] = []
        for id in ids["funding"] ?? [] {
            let label = reader.text("funding.\(id).label") ?? ""
            let share = reader.number("funding.\(id).state_share")
            let months = reader.integer("funding.\(id).months")
            if let share {
                options.append(
                    FundingOption(id: id, label: label.isEmpty ? id : label, stateShare: share, months: months))
            }
        }
        if options.isEmpty {
            reader.configurationError("funding", "the scenario defines no funding option ('funding')")
        }

        let name = reader.name()
        let title = reader.text("title") ?? ""
        let posts = reader.integer("programme.posts")
        let budget = reader.number("programme.budget_eur")
        let people = reader.number("service.people_per_post_year")
        let rate15 = reader.number("need.rate_15_plus")
        let rate75 = reader.number("need.rate_75_plus")
        // Both rates 0: every need is 0, every plan worth 0, and the floors alone were published as optimal (a review);
        // refused, as every weight 0 is.
        if rate15 == 0 && rate75 == 0 {
            reader.configurationError(
                "need.rate_15_plus",
                "need.rate_15_plus and need.rate_75_plus are both 0, so every territory's need is 0 and every plan would be worth 0: give one of them a positive rate"
            )
        }
        let fragility = reader.number("need.fragility_exponent")
        let fragilitySpread = reader.number("need.fragility_spread")
        let robustness = RobustnessParameters.read(&reader)
        if !robustness.fragilitySpreads.isEmpty, fragilitySpread == nil {
            // The spread is read on the interval scale only; with the exponent's formula it would switch formulas.
            reader.configurationError(
                "robustness.fragility_spreads",
                "'robustness.fragility_spreads' varies need.fragility_spread, which this scenario does not set (its need uses need.fragility_exponent): set need.fragility_spread or leave the key out"
            )
        }
        let territoryMin = reader.integer("limits.territory_min_posts")
        let territoryShare = reader.number("limits.territory_max_share")
        let regionMin = reader.integer("limits.region_min_posts")
        let regionShare = reader.number("limits.region_max_share")
        let exponent = reader.number("objective.exponent")
        let breakpoints = reader.numbers("objective.breakpoints")
        let timeLimit = reader.number("solver.time_limit_seconds")
        let gap = reader.number("solver.mip_gap")
        let presolve = reader.boolean("solver.presolve")
        let cuts = reader.boolean("solver.cuts")
        let baselines = (reader.text("comparison.baselines") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // One line per baseline in plans.csv: a baseline listed twice would give duplicate keys there.
        var seenBaselines: [String: String] = [:]
        for baseline in baselines {
            if let first = seenBaselines[baseline.lowercased()] {
                let spelling = first == baseline ? "" : " (also as '\(Shown.value(baseline))')"
                reader.configurationError(
                    "comparison.baselines",
                    "'comparison.baselines' lists '\(Shown.value(first))' twice\(spelling): each baseline is compared once, remove one"
                )
            } else {
                seenBaselines[baseline.lowercased()] = baseline
            }
        }
        let coverageThreshold = reader.number("comparison.coverage_threshold")
        let sensitivity = reader.boolean("comparison.sensitivity")
        let frontierPoints = reader.integer("comparison.frontier_points")
        let costPerPost = reader.number("programme.cost_per_post_eur")
        let horizon = reader.integer("service.horizon_years")
        let renewal = reader.number("service.renewal_share")
        let decomposition = reader.boolean("comparison.decomposition")
        let postRanges = reader.boolean("comparison.post_ranges")
        let rangeTolerance = reader.number("comparison.range_tolerance")
        let gapRangeProofs = reader.boolean("comparison.gap_range_proofs") ?? true
        let tieBreak = (reader.text("objective.tie_break") ?? "none").trimmingCharacters(in: .whitespaces)
        let stages = (reader.text("objective.stages") ?? "value").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for stage in stages
        where !["value", "coverage", "maxmin", "cost", "endow"].contains(stage)
            && !(stage.hasPrefix("closeness:") && stage.count > "closeness:".count)
        {
            reader.configurationError(
                "objective.stages",
                "'objective.stages': unknown stage '\(stage)' (expected value, coverage, maxmin, cost, endow or closeness:<baseline>, e.g. closeness:webster:need)"
            )
        }

        let waves = readWaves(&reader, kinds: kinds, posts: posts, budget: budget)
        if let breakpoints {
            let increasing = zip(breakpoints, breakpoints.dropFirst()).allSatisfy { $0 < $1 }
            if breakpoints.isEmpty || !increasing || breakpoints.first! <= 0 || breakpoints.last! != 1 {
                reader.configurationError(
                    "objective.breakpoints", "'objective.breakpoints' must be increasing ratios in (0, 1] ending at 1")
            }
        }
        guard let name, let posts, let budget, let people, let rate15, let rate75, let fragility, let territoryMin,
            let territoryShare, let regionMin, let regionShare, let exponent, let breakpoints, let timeLimit, let gap,
            let presolve, let cuts, let coverageThreshold, let sensitivity, let frontierPoints,
            let costPerPost, let horizon, let renewal, let decomposition, let postRanges, let rangeTolerance,
            reader.errors.isEmpty
        else { return nil }

        // Every parameter in force, as written or by default, so the manifest and report show them all.
        var written: [String: String] = [:]
        for (key, parameter) in reader.raw {
            switch parameter.value {
            case let .scalar(text): written[key] = text
            case let .list(items): written[key] = items.joined(separator: ",")
            }
        }
        for spec in ParameterSchema.specs where !spec.path.contains("*") && written[spec.path] == nil {
            if let value = spec.defaultValue { written[spec.path] = value }
        }
        let effective = written.keys.sorted().map { (path: $0, value: written[$0]!) }
        var parameters = ScenarioParameters(
            name: name, title: title, posts: posts, budgetEUR: budget, peoplePerPostYear: people,
            need: NeedParameters(
                rate15Plus: rate15, rate75Plus: rate75, fragilityExponent: fragility, fragilitySpread: fragilitySpread),
            kinds: kinds, fundingOptions: options,
            limits: Limits(
                territoryMinPosts: territoryMin, territoryMaxShare: territoryShare, regionMinPosts: regionMin,
                regionMaxShare: regionShare),
            objective: ObjectiveParameters(exponent: exponent, breakpoints: breakpoints),
            solver: SolverParameters(timeLimitSeconds: timeLimit, mipGap: gap, presolve: presolve, cuts: cuts),
            effective: effective,
            comparison: ComparisonParameters(
                baselines: baselines, coverageThreshold: coverageThreshold, sensitivity: sensitivity,
                frontierPoints: frontierPoints, stages: stages.isEmpty ? ["value"] : stages,
                decomposition: decomposition, postRanges: postRanges, rangeTolerance: rangeTolerance),
            basis: ServiceBasis(costPerPostEUR: costPerPost, horizonYears: horizon, renewalShare: renewal))
        parameters.waves = waves
        parameters.robustness = robustness
        parameters.objective.tieBreak = tieBreak == "none" ? nil : tieBreak
        parameters.comparison.gapRangeProofs = gapRangeProofs
        parameters.settingsOverFile = reader.overrides.map { ($0.key, $0.value) }
        for key in [
            "comparison.baselines", "objective.stages", "objective.tie_break", "reach.radius_km", "reach.max_minutes",
        ] {
            parameters.keyLocations[key] = reader.location(of: key)
        }
        return parameters
    }
}
