import Testing
import Scenario

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

    @Test func groupedWholeNumbers() {
        #expect(NumberText.grouped(0) == "0")
        #expect(NumberText.grouped(999) == "999")
        #expect(NumberText.grouped(4_000) == "4,000")
        #expect(NumberText.grouped(-1_234_567) == "-1,234,567")
        #expect(NumberText.grouped(Int.min) == "-9,223,372,036,854,775,808")
    }
}
