// libFuzzer entry point over the scenario readers, built by scripts/fuzz (not part of Package.swift).
// Every input is read as a CSV table (both table loaders), as a scenario file, and as a command line of
// `--set` overrides (one argument per line) applied to a valid scenario file; a crash, a hang, a value
// holding U+FFFD, a BOM or a control character, or a message that echoes a control character raw is a finding.
import Foundation
@testable import Scenario

func clean(_ text: String) -> Bool {
    !text.unicodeScalars.contains { $0 == "\u{FFFD}" || $0 == "\u{FEFF}" || $0.properties.generalCategory == .control }
}

func check(_ ok: Bool, _ what: @autoclosure () -> String) {
    if !ok { fatalError("finding: \(what())") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    do {
        let table = try CSVTable(data: data, path: "f.csv")
        let (territories, _) = TableLoaders.territories(table)
        for t in territories {
            check([t.code, t.name, t.regionCode, t.regionName].allSatisfy(clean), "territory text \(t)")
            check(t.population >= t.population15Plus && t.population15Plus >= t.population75Plus && t.population75Plus >= 0, "populations \(t)")
            check((0...10).contains(t.fragilityIndex) && t.weight.isFinite, "figures \(t)")
        }
        let (structures, _) = TableLoaders.structures(table, territories: Set(territories.map(\.code)), kinds: ["public", "private"])
        for s in structures { check([s.id, s.name, s.territory, s.kind].allSatisfy(clean) && s.capacity >= 0, "structure \(s)") }
    } catch {
        check(!error.diagnostics.isEmpty, "empty error")
    }
    if case let .success(text) = TextDecoding.decode(data, file: "f.yaml", category: .configuration, csv: false) {
        var reader = ParameterReader(yaml: text, displayPath: "f.yaml", overrides: [])
        if reader.parsed, let parameters = ScenarioLoader.readParameters(&reader) {
            check(clean(parameters.name) && parameters.posts >= 1 && parameters.budgetEUR.isFinite, "parameters \(parameters.name)")
        }
    }
    fuzzOverrides(data)
    return 0
}

/// A valid scenario file the overrides are applied to (the parameters of scenarios/examples/three-territories).
let baseYAML = """
name: fuzz
title: Fuzz
programme:
  posts: 10
  budget_eur: 500000
service:
  people_per_post_year: 214
need:
  rate_15_plus: 0.2
  rate_75_plus: 0.5
  fragility_exponent: 1
kinds:
  public:
    label: Public
    grant_eur: 50000
    overseas_grant_eur: 70000
    grant_months: 24
funding:
  full:
    label: Full
    state_share: 1
tables:
  territories: territories.csv
  structures: structures.csv
"""

/// The `--set` grammar: the input's lines are command-line words; `extractSettings` takes the `--set` words out
/// (linear), each becomes an override, and the reader applies them. Every override must end in a value or in
/// located diagnostics whose text carries no raw control character.
func fuzzOverrides(_ data: Data) {
    guard let text = String(data: data, encoding: .utf8) else { return }
    let words = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let (rest, settings) = ParameterOverride.extractSettings(from: words)
    check(ParameterOverride.extractSettings(from: rest).settings.isEmpty, "extractSettings left a --set behind")
    let overrides = settings.compactMap(ParameterOverride.init)
    var reader = ParameterReader(yaml: baseYAML, displayPath: "f.yaml", overrides: overrides)
    guard reader.parsed else { return }
    if let parameters = ScenarioLoader.readParameters(&reader) {
        check(clean(parameters.name) && clean(parameters.title) && parameters.posts >= 1 && parameters.budgetEUR.isFinite,
              "overridden parameters \(parameters.name)")
    }
    for diagnostic in reader.errors.diagnostics {
        check(!diagnostic.description.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" },
              "raw control character in \(diagnostic.description.debugDescription)")
    }
}

// SwiftPM links an executable target's entry point as `<Module>_main`; hand it to libFuzzer's driver.
typealias FuzzCallback = @convention(c) (UnsafeRawPointer, Int) -> CInt
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: FuzzCallback) -> CInt

@_cdecl("FuzzScenario_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
