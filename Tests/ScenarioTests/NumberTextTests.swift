import CommuneFixtures
import Foundation
import Scenario
import Testing

@Suite("NumberText: the one number formatter")
struct NumberTextTests {
    @Test func fixedDecimalsWithoutLocaleExponentOrNegativeZero() {
        #expect(NumberText.fixed(1_234_567.891, decimals: 2) == "1234567.89")
        #expect(NumberText.fixed(1_234_567.891, decimals: 2, grouping: true) == "1,234,567.89")
        #expect(NumberText.fixed(-0.004, decimals: 2) == "0.00")
        #expect(NumberText.fixed(-0.006, decimals: 2) == "-0.01")
        #expect(NumberText.fixed(0.5, decimals: 0) == "1")
        #expect(NumberText.fixed(-2.5, decimals: 0) == "-3")
        #expect(NumberText.fixed(0.07, decimals: 3) == "0.070")
        #expect(NumberText.fixed(3, decimals: 1, plusSign: true) == "+3.0")
        #expect(NumberText.fixed(0, decimals: 1, plusSign: true) == "0.0")
        #expect(NumberText.fixed(1e21, decimals: 0) == "1000000000000000000000")
        #expect(NumberText.fixed(1e12, decimals: 4) == "1000000000000.0000")
        #expect(NumberText.fixed(.nan, decimals: 2) == nil)
        #expect(NumberText.fixed(-.infinity, decimals: 2) == nil)
    }

    /// The whole-number digits are no longer printed by the C formatter below 2⁵³: on values of every size, around
    /// the 2⁵³ edge and with every count of decimals, the text is the one `String(format: "%.0f")` gave.
    @Test func sameTextAsTheCFormatter() {
        func reference(_ value: Double, decimals: Int) -> String {
            let scale = pow(10.0, Double(decimals))
            var scaled = (value * scale).rounded()
            if scaled == 0 { scaled = 0 }
            let magnitude = abs(scaled)
            let integerPart = (magnitude / scale).rounded(.down)
            var text = String(format: "%.0f", integerPart)
            if decimals > 0 {
                let digits = String(format: "%.0f", magnitude - integerPart * scale)
                text += "." + String(repeating: "0", count: max(0, decimals - digits.count)) + digits
            }
            return scaled < 0 ? "-" + text : text
        }
        var generator = SeededGenerator(seed: 2026)  // seeded: a failure reproduces
        // Up to 10³⁰⁰, and with 15 decimals: parts far beyond 2⁵³ (and the overflow to infinity inside `fixed`).
        var values: [Double] = [
            0, 1, 9_007_199_254_740_991, 9_007_199_254_740_992, 9_007_199_254_740_994, 1e16, 1e250, 1e290, 1e300,
            -1e300, .greatestFiniteMagnitude,
        ]
        for _ in 0..<2_000 {
            let magnitude = Double.random(in: -3...300, using: &generator)
            values.append(pow(10, magnitude) * (Bool.random(using: &generator) ? 1 : -1))
        }
        for value in values {
            for decimals in [0, 1, 2, 3, 6, 15] {
                #expect(NumberText.fixed(value, decimals: decimals) == reference(value, decimals: decimals))
            }
        }
    }

    @Test func groupedWholeNumbers() {
        #expect(NumberText.grouped(0) == "0")
        #expect(NumberText.grouped(999) == "999")
        #expect(NumberText.grouped(4_000) == "4,000")
        #expect(NumberText.grouped(-1_234_567) == "-1,234,567")
        #expect(NumberText.grouped(Int.min) == "-9,223,372,036,854,775,808")
    }
}
