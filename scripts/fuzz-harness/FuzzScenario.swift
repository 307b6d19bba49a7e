// libFuzzer entry point over the scenario readers, built by scripts/fuzz (not part of Package.swift).
// Every input is read as a CSV table (both table loaders) and as a scenario file; a crash, a hang or a
// value holding U+FFFD, a BOM or a control character is a finding.
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
    return 0
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
