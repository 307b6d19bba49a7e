import AllocationModel
import Foundation
import Reports
import Scenario
@testable import Studies  // InfeasibilityExplanation initialisers, to inject hostile names
import Testing

/// Text from the inputs reaches report.md as text: a corpus of payloads (HTML tags, links, images,
/// autolinks, headings, list markers, pipes, line breaks), shared with the Python check that renders
/// the report of a real run (Tests/python/markdown_payloads.txt), is put in every name, label and the
/// title, and the report must keep the Markdown structure of a report whose inputs are plain words.
@Suite struct MarkdownSafetyTests {
    static let corpusFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("python/markdown_payloads.txt")

    /// The payloads, `\n` and `\r` turned into line breaks.
    static func payloads() throws -> [String] {
        try String(contentsOf: corpusFile, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("//") }
            .map { $0.replacingOccurrences(of: "\\r", with: "\r").replacingOccurrences(of: "\\n", with: "\n") }
    }

    /// The golden record with `text` in the title, every territory, région and structure name and every label.
    static func record(with text: String) -> RunRecord {
        let base = GoldenReportTests.record()
        let parameters = base.scenario.parameters
        let replaced = ScenarioParameters(
            name: parameters.name, title: text, posts: parameters.posts, budgetEUR: parameters.budgetEUR,
            peoplePerPostYear: parameters.peoplePerPostYear, need: parameters.need,
            kinds: parameters.kinds.map {
                HostKind(
                    id: $0.id, label: "\($0.id) \(text)", grantEUR: $0.grantEUR,
                    overseasGrantEUR: $0.overseasGrantEUR, grantMonths: $0.grantMonths)
            },
            fundingOptions: parameters.fundingOptions.map {
                FundingOption(id: $0.id, label: text, stateShare: $0.stateShare, months: $0.months)
            },
            limits: parameters.limits, objective: parameters.objective, solver: parameters.solver,
            effective: parameters.effective + [("title", text)])
        let territories = base.scenario.territories.map {
            Territory(
                code: $0.code, name: text, regionCode: $0.regionCode, regionName: "\($0.regionCode) \(text)",
                overseas: $0.overseas,
                population: $0.population, population15Plus: $0.population15Plus, population75Plus: $0.population75Plus,
                fragilityIndex: $0.fragilityIndex, posts2021: $0.posts2021)
        }
        let structures = base.scenario.structures.map {
            HostStructure(
                id: $0.id, name: text, territory: $0.territory, kind: $0.kind, capacity: $0.capacity,
                cofinancingEUR: $0.cofinancingEUR, posts2021: 1)
        }
        let scenario = Scenario(parameters: replaced, territories: territories, structures: structures)
        return RunRecord(
            scenario: scenario, plan: base.plan, status: .optimal, bestBound: 200.5, relativeGap: 0.00005,
            limitReached: nil, mipGap: 0.0001)
    }

    /// Everything report.md can hold for this record: the report, the comparison (a plan named `text` too) and the
    /// explanation of an infeasible run.
    static func markdown(with text: String) -> String {
        let record = record(with: text)
        let plans: [(name: String, plan: Plan)] = [
            ("optimised", record.plan),
            (
                "2021",
                Plan(placements: [
                    Placement(structureID: "S1", option: "full", posts: 3),
                    Placement(structureID: "S3", option: "full", posts: 2),
                ])
            ), (text, record.plan),
        ]
        let explanation = InfeasibilityExplanation(
            conflict: [
                .init(
                    constraint: "territory_floor[01]", family: "territory_floor", scope: text, bound: ">= 1", value: 1,
                    description: "territory \(text) must get at least 1 post")
            ],
            repairs: [
                .init(
                    constraint: "territory_floor[01]", amount: 1, sentence: "\(text): lower its floor by 1",
                    override: "limits.x=\(text)")
            ])
        return MarkdownReport.render(record)
            + Comparison.markdownSection(
                plans, scenario: record.scenario, optimised: "optimised", unplaced: [text: 2],
                leftOut: [(name: text, reason: text)])
            + ConflictReport.markdown(explanation, scenario: record.scenario)
    }

    /// The characters that make Markdown structure, as they stand unescaped on one line: what is left after
    /// dropping backslash escapes, the three entities `inline` writes, intraword `_`, and code spans (inert: an id in
    /// backticks in the plain report may be escaped text in the payload's).
    static func skeleton(_ line: Substring) -> String {
        let scalars = Array(line.unicodeScalars)
        var result = "", index = 0
        func run(at start: Int) -> Int { scalars[start...].prefix { $0 == "`" }.count }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count { index += 2; continue }
            if scalar == "&",
                let entity = ["amp;", "lt;", "gt;"].first(where: {
                    String(String.UnicodeScalarView(scalars[(index + 1)...])).hasPrefix($0)
                })
            {
                index += 1 + entity.unicodeScalars.count
                continue
            }
            if scalar == "`" {
                let length = run(at: index)
                var end = index + length
                while end < scalars.count, !(scalars[end] == "`" && run(at: end) == length) {
                    end += scalars[end] == "`" ? run(at: end) : 1
                }
                if end < scalars.count { index = end + length; continue }
            }
            // `_` between letters or digits cannot mark emphasis (CommonMark's flanking rules).
            let intraword =
                scalar == "_" && index > 0 && index + 1 < scalars.count
                && [scalars[index - 1], scalars[index + 1]].allSatisfy {
                    $0.properties.isAlphabetic || $0.properties.numericType != nil
                }
            // `:` only where it could make a bare link (http://).
            let bareLink = scalar == ":" && index + 1 < scalars.count && scalars[index + 1] == "/"
            if ("<>[]`*_|~#@&$\\".unicodeScalars.contains(scalar) && !intraword) || bareLink {
                result.unicodeScalars.append(scalar)
            }
            index += 1
        }
        return result
    }

    @Test func everyPayloadKeepsTheStructureOfAPlainReport() throws {
        let plain = Self.markdown(with: "Plain words").split(separator: "\n", omittingEmptySubsequences: false)
        let payloads = try Self.payloads()
        #expect(payloads.count >= 40)
        for payload in payloads {
            let lines = Self.markdown(with: payload).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == plain.count, "a payload added or removed lines: \(payload.debugDescription)")
            guard lines.count == plain.count else { continue }
            for (line, reference) in zip(lines, plain) where Self.skeleton(line) != Self.skeleton(reference) {
                Issue.record(
                    "payload \(payload.debugDescription) changes the Markdown structure of\n  \(reference)\ninto\n  \(line)"
                )
            }
        }
    }

    /// A huge title is written once in full (the heading), not again in the table of parameters.
    @Test func aLongTitleIsWrittenInFullOnce() {
        let title = String(repeating: "Très long titre ", count: 20_000)
        let base = GoldenReportTests.record()
        let p = base.scenario.parameters
        let parameters = ScenarioParameters(
            name: p.name, title: title, posts: p.posts, budgetEUR: p.budgetEUR, peoplePerPostYear: p.peoplePerPostYear,
            need: p.need, kinds: p.kinds, fundingOptions: p.fundingOptions, limits: p.limits,
            objective: p.objective, solver: p.solver, effective: p.effective + [("title", title)])
        let scenario = Scenario(
            parameters: parameters, territories: base.scenario.territories, structures: base.scenario.structures)
        let report = MarkdownReport.render(
            RunRecord(
                scenario: scenario, plan: base.plan, status: .optimal, bestBound: nil, relativeGap: nil,
                limitReached: nil, mipGap: 0.0001))
        // Booleans, so that a failure does not print the whole report.
        let fullCopies = report.components(separatedBy: title).count - 1
        let tableRowShortened = report.contains("| `title` | \(String(title.prefix(400)))… (320,000 characters) |")
        let size = report.utf8.count
        #expect(fullCopies == 1)
        #expect(tableRowShortened)
        #expect(size < title.utf8.count + 20_000)
    }

    @Test func inlineEscapesWhatOpensAConstructAndNothingElse() {
        #expect(MarkdownText.inline("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;")
        #expect(MarkdownText.inline("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))")
        #expect(MarkdownText.inline("https://evil.example, a@b.c") == "https\\://evil.example, a\\@b.c")
        #expect(MarkdownText.inline("a | b\nc\r\nd") == "a \\| b c  d")
        #expect(MarkdownText.inline("1. item") == "1\\. item" && MarkdownText.inline("- item") == "\\- item")
        #expect(MarkdownText.inline("0.025,0.05") == "0.025,0.05" && MarkdownText.inline("3)") == "3\\)")
        #expect(MarkdownText.inline("www.evil.example") == "www\\.evil.example")
        #expect(MarkdownText.inline("AT&T") == "AT&amp;T")
        // Ordinary names are left as they are.
        #expect(MarkdownText.inline("Côtes-d'Armor (22), 100 % du SMIC") == "Côtes-d'Armor (22), 100 % du SMIC")
        #expect(MarkdownText.code("webster:need") == "`webster:need`")
        #expect(MarkdownText.code("a`b|c") == "a\\`b\\|c")
    }
}
