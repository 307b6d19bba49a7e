import CommuneFixtures
import Foundation
@testable import Scenario  // ParameterReader, TableLoaders and TextDecoding, to test the readers alone
import Testing

/// Seeded mutation testing of the readers over the real data files: byte flips, inserted quotes, commas,
/// line breaks, NULs, BOMs and invalid UTF-8, truncations, duplicated and swapped lines. Every case must
/// end with a value or a `ScenarioError` (the typed `throws` rules out anything else), quickly, and a value
/// must be clean (no U+FFFD, BOM, CR or control character in what the model and reports use). The
/// regression corpus in Tests/FuzzCorpus (hand-made cases and anything `scripts/fuzz` finds) goes through
/// the same checks. A case that hangs aborts the test process after `Watchdog.limit` seconds, naming it.
@Suite struct MutationTests {
    typealias C = InputCases

    static let insertions: [[UInt8]] = [
        [0x2C], [0x22], [0x22, 0x22], [0x0A], [0x0D, 0x0A], [0x0D], [0x00], [0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xE9],
        [0xC3],
        [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBD], [0x3B], [0x09], [0x07], Array("s".utf8), Array("NaN".utf8),
        Array("1e999".utf8),
        Array("-".utf8), Array(" ".utf8), Array(":".utf8), Array("- ".utf8), Array("&a ".utf8), Array("*a".utf8),
        Array("[".utf8),
        Array("{".utf8), Array("#".utf8), Array("'".utf8), Array("\n  ".utf8), Array("99999999999999999999".utf8),
    ]

    static func mutate(_ input: [UInt8], _ g: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &g) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &g)
            switch Int.random(in: 0..<8, using: &g) {
            case 0 where !bytes.isEmpty:  // flip bits of one byte
                let i = min(at, bytes.count - 1)
                bytes[i] ^= UInt8.random(in: 1...255, using: &g)
            case 1, 2:  // insert a troublesome sequence
                bytes.insert(contentsOf: insertions.randomElement(using: &g)!, at: at)
            case 3:  // truncate
                bytes = Array(bytes.prefix(at))
            case 4 where !bytes.isEmpty:  // delete a run
                let end = min(bytes.count, at + Int.random(in: 1...40, using: &g))
                bytes.removeSubrange(min(at, bytes.count)..<end)
            case 5:  // duplicate a line
                let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                let line = lines.randomElement(using: &g) ?? []
                bytes.insert(
                    contentsOf: Array(line) + [0x0A], at: bytes.lastIndex(of: 0x0A, before: at).map { $0 + 1 } ?? 0)
            case 6:  // swap two lines
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
                if lines.count > 2 {
                    lines.swapAt(Int.random(in: 0..<lines.count, using: &g), Int.random(in: 0..<lines.count, using: &g))
                    bytes = Array(lines.joined(separator: [0x0A]))
                }
            default:  // replace a byte by a separator or a quote
                if !bytes.isEmpty {
                    bytes[min(at, bytes.count - 1)] = [0x2C, 0x22, 0x0A, 0x3A, 0x20].randomElement(using: &g)!
                }
            }
        }
        return bytes
    }

    /// Values the model and reports use hold none of these.
    static func clean(_ text: String) -> Bool {
        !text.unicodeScalars.contains {
            $0 == "\u{FFFD}" || $0 == "\u{FEFF}" || $0.properties.generalCategory == .control
        }
    }

    static func checkCSV(_ bytes: [UInt8]) -> String? {
        do {
            let table = try CSVTable(data: Data(bytes), path: "t.csv")
            for field in table.header + table.records.joined() {
                if field.text.unicodeScalars.contains(where: { $0 == "\u{FFFD}" || $0 == "\u{FEFF}" || $0 == "\r" }) {
                    return "raw field \(field.text.debugDescription)"
                }
            }
            let (territories, territoryErrors) = TableLoaders.territories(table)
            for t in territories {
                guard [t.code, t.name, t.regionCode, t.regionName].allSatisfy(clean) else {
                    return "territory text \(t)"
                }
                guard t.population >= t.population15Plus, t.population15Plus >= t.population75Plus,
                    t.population75Plus >= 0,
                    (0...10).contains(t.fragilityIndex), t.weight.isFinite
                else { return "territory figures \(t)" }
            }
            let (structures, structureErrors) = TableLoaders.structures(
                table, territories: Set(territories.map(\.code)), kinds: ["public", "private"])
            for s in structures {
                guard [s.id, s.name, s.territory, s.kind].allSatisfy(clean), s.capacity >= 0, s.cofinancingEUR.isFinite
                else { return "structure \(s)" }
            }
            for d in territoryErrors.diagnostics + structureErrors.diagnostics
            where d.category != .data || d.message.isEmpty || d.location.line == nil {
                return "diagnostic \(d)"
            }
        } catch {
            if error.diagnostics.isEmpty
                || error.diagnostics.contains(where: { $0.category != .data || $0.message.isEmpty })
            {
                return "error \(error)"
            }
        }
        return nil
    }

    static func checkYAML(_ bytes: [UInt8]) -> String? {
        switch TextDecoding.decode(Data(bytes), file: "s.yaml", category: .configuration, csv: false) {
        case let .failure(error):
            return error.diagnostics.count == 1 ? nil : "decoding error \(error)"
        case let .success(text):
            var reader = ParameterReader(yaml: text, displayPath: "s.yaml", overrides: [])
            let parameters = ScenarioLoader.readParameters(&reader)
            if let parameters {
                guard reader.errors.isEmpty, clean(parameters.name), parameters.posts >= 1,
                    parameters.budgetEUR.isFinite,
                    (parameters.kinds.map(\.label) + parameters.fundingOptions.map(\.label)).allSatisfy({
                        !$0.contains("\u{FFFD}")
                    })
                else { return "parameters \(parameters.name)" }
            } else if reader.errors.isEmpty {
                return "no parameters and no error"
            }
            if reader.errors.diagnostics.contains(where: { $0.category != .configuration || $0.message.isEmpty }) {
                return "diagnostic \(reader.errors.diagnostics)"
            }
            return nil
        }
    }

    /// The `--set` grammar, as the libFuzzer harness reads it: the bytes' lines are command-line words, the `--set`
    /// words are taken out in one pass and applied to a valid scenario file. Every case ends in parameters or in
    /// located configuration errors, and no message carries a raw control character (they are shown as `\u{…}`).
    static func checkOverrides(_ bytes: [UInt8]) -> String? {
        guard let text = String(bytes: bytes, encoding: .utf8) else { return nil }
        let words = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let (rest, settings) = ParameterOverride.extractSettings(from: words)
        // One pass takes every `--set` out: a second pass over what is left finds none (a `--set` after `--` or a
        // trailing `--set` without value stays for the argument parser to report).
        guard ParameterOverride.extractSettings(from: rest).settings.isEmpty else {
            return "extractSettings left a --set behind"
        }
        let base =
            (try? String(
                contentsOf: C.root.appendingPathComponent("scenarios/examples/three-territories/scenario.yaml"),
                encoding: .utf8)) ?? ""
        var reader = ParameterReader(
            yaml: base, displayPath: "s.yaml", overrides: settings.compactMap(ParameterOverride.init))
        let parameters = ScenarioLoader.readParameters(&reader)
        if let parameters,
            !(clean(parameters.name) && clean(parameters.title) && parameters.posts >= 1
                && parameters.budgetEUR.isFinite)
        {
            return "overridden parameters \(parameters.name)"
        }
        if parameters == nil && reader.errors.isEmpty { return "no parameters and no error" }
        for diagnostic in reader.errors.diagnostics
        where diagnostic.description.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "raw control character in \(diagnostic.description.debugDescription)"
        }
        return nil
    }

    /// Runs `check` on `count` mutants of `source`, each within `perCase` seconds.
    static func run(
        _ name: String, _ source: [UInt8], count: Int, seed: UInt64, perCase: Double, check: ([UInt8]) -> String?
    ) {
        var g = SeededGenerator(seed: seed)
        var slowest = 0.0
        for index in 0..<count {
            let mutant = mutate(source, &g)
            let started = Date()
            let problem = Watchdog.shared.run("\(name) case \(index) (seed \(seed))", mutant) { check(mutant) }
            slowest = max(slowest, Date().timeIntervalSince(started))
            #expect(problem == nil, "\(name) case \(index) (seed \(seed)): \(problem ?? "")")
            if problem != nil { return }
        }
        #expect(slowest < perCase, "\(name): slowest case took \(slowest) s")
    }

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: C.defaultScenario.appendingPathComponent(file)))
    }

    /// Mutants of windows of `rows` consecutive rows of a real table (header kept), so that thousands of
    /// cases take seconds in a debug build; the whole files are read unmutated by the other tests.
    static func runWindows(_ file: String, windows: Int, rows: Int, perWindow: Int, seed: UInt64) throws {
        let lines = try bytes(file).split(separator: 0x0A, omittingEmptySubsequences: false)
        var g = SeededGenerator(seed: seed)
        for window in 0..<windows {
            let start = Int.random(in: 1..<max(2, lines.count - rows), using: &g)
            let source = Array(([lines[0]] + lines[start..<min(lines.count, start + rows)]).joined(separator: [0x0A]))
            #expect(checkCSV(source) == nil, "\(file) rows \(start)… unmutated")
            run(
                "\(file) rows \(start)…", source, count: perWindow, seed: seed &* 1000 &+ UInt64(window), perCase: 1,
                check: checkCSV)
        }
    }

    @Test func mutatedTerritoriesTable() throws {
        try Self.runWindows("territories.csv", windows: 50, rows: 20, perWindow: 30, seed: 1)
        // A few mutants of the whole file too.
        Self.run(
            "territories.csv", try Self.bytes("territories.csv"), count: 40, seed: 11, perCase: 1, check: Self.checkCSV)
    }

    @Test func mutatedStructuresTable() throws {
        try Self.runWindows("structures.csv", windows: 50, rows: 20, perWindow: 30, seed: 2)
    }

    @Test func mutatedScenarioFile() throws {
        let source = try Self.bytes("scenario.yaml")
        #expect(Self.checkYAML(source) == nil)
        Self.run("scenario.yaml", source, count: 1500, seed: 3, perCase: 1, check: Self.checkYAML)
    }

    /// Every file of Tests/FuzzCorpus, read both as a table and as a scenario file.
    @Test func regressionCorpus() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: C.corpus.path).filter {
            !$0.hasSuffix(".md") && !$0.hasPrefix(".")
        }
        .filter { path in
            var dir: ObjCBool = false;
            return FileManager.default.fileExists(atPath: C.corpus.appendingPathComponent(path).path, isDirectory: &dir)
                && !dir.boolValue
        }
        #expect(files.count >= 20, "the corpus is in Tests/FuzzCorpus")
        for file in files.sorted() {
            let bytes = [UInt8](try Data(contentsOf: C.corpus.appendingPathComponent(file)))
            #expect(Watchdog.shared.run("corpus \(file)", bytes) { Self.checkCSV(bytes) } == nil, "\(file) as CSV")
            #expect(Watchdog.shared.run("corpus \(file)", bytes) { Self.checkYAML(bytes) } == nil, "\(file) as YAML")
            #expect(
                Watchdog.shared.run("corpus \(file)", bytes) { Self.checkOverrides(bytes) } == nil,
                "\(file) as --set words")
        }
    }
}

extension Array where Element == UInt8 {
    func lastIndex(of byte: UInt8, before end: Int) -> Int? { self[..<Swift.min(end, count)].lastIndex(of: byte) }
}

/// Aborts the process, naming the case and writing its bytes to a file, if one case runs longer than `limit`
/// seconds: a hang must fail the suite, not stall the nightly build.
final class Watchdog: @unchecked Sendable {
    static let shared = Watchdog()
    static let limit = 20.0
    private let lock = NSLock()
    /// The cases running now (tests run in parallel).
    private var running: [UUID: (name: String, bytes: [UInt8], started: Date)] = [:]

    private init() {
        let thread = Thread { [unowned self] in
            while true {
                Thread.sleep(forTimeInterval: 1)
                self.lock.lock()
                let stuck = self.running.values.first { Date().timeIntervalSince($0.started) > Self.limit }
                self.lock.unlock()
                if let stuck {
                    let path = TestScratch.root.appendingPathComponent("repartir-hang.bin").path
                    _ = FileManager.default.createFile(atPath: path, contents: Data(stuck.bytes))
                    FileHandle.standardError.write(
                        Data("error: \(stuck.name) ran over \(Self.limit) s; its input is in \(path)\n".utf8))
                    abort()
                }
            }
        }
        thread.start()
    }

    func run<T>(_ name: String, _ bytes: [UInt8], _ body: () -> T) -> T {
        let token = UUID()
        lock.lock(); running[token] = (name, bytes, Date()); lock.unlock()
        defer { lock.lock(); running[token] = nil; lock.unlock() }
        return body()
    }
}
