import Baselines
import Foundation
import Testing

/// Each method against published seat tables, plus ties, base seats, floors and caps.
@Suite struct ApportionmentTests {
    /// 1790 US census, apportionment population of the 15 states (total 3,615,920), as printed in COMAP,
    /// *For All Practical Purposes* (10th ed.), ch. 14, Example 6, and in Balinski & Young, *Fair Representation*.
    static let states = ["CT", "DE", "GA", "KY", "MD", "MA", "NH", "NJ", "NY", "NC", "PA", "RI", "SC", "VT", "VA"]
    static let population1790: [Double] = [
        236_841, 55_540, 70_835, 68_705, 278_514, 475_327, 141_822, 179_570,
        331_589, 353_523, 432_879, 68_446, 206_236, 85_533, 630_560,
    ]

    func seats(_ method: ApportionmentMethod, _ house: Int) throws -> [String: Int] {
        let result = try Apportionment.apportion(method, weights: Self.population1790, seats: house, keys: Self.states)
        return Dictionary(uniqueKeysWithValues: zip(Self.states, result))
    }

    /// Hamilton's vetoed bill, 120 seats: COMAP, *For All Practical Purposes* (10th ed.), Table 14.5
    /// (http://digfir-published.macmillanusa.com/fapp10e/asset/ch14/supp_wins/examples/example_6.html): lower quotas
    /// sum to 111 and the 9 largest remainders (NJ, VA, CT, SC, DE, VT, MA, NC, NH) get one more seat.
    @Test func hamilton1790With120Seats() throws {
        #expect(
            try seats(.hamilton, 120) == [
                "NJ": 6, "VA": 21, "CT": 8, "SC": 7, "DE": 2, "VT": 3, "MA": 16, "NC": 12, "NH": 5,
                "PA": 14, "GA": 2, "KY": 2, "RI": 2, "MD": 9, "NY": 11,
            ])
    }

    /// Jefferson's method, 105 seats: the Apportionment Act of 1792 (1 Stat. 253), the House actually elected in
    /// 1792 (also in St. George Tucker's table, constitution.org/1-Constitution/tb/t1d04056.htm). A divisor of
    /// 33,000 produces it (MAA Convergence, "Jefferson's Method of Apportionment").
    @Test func jefferson1790With105Seats() throws {
        let expected = [
            "NH": 4, "MA": 14, "RI": 2, "CT": 7, "NY": 10, "NJ": 5, "PA": 13, "DE": 1, "MD": 8, "VA": 19,
            "NC": 10, "SC": 6, "GA": 2, "VT": 2, "KY": 2,
        ]
        #expect(try seats(.jefferson, 105) == expected)
        for (state, population) in zip(Self.states, Self.population1790) {
            #expect(Int((population / 33_000).rounded(.down)) == expected[state], "divisor 33,000 for \(state)")
        }
    }

    /// Hamilton at 105 seats: the MAA Convergence article says 13 of the 15 states get the same as under Jefferson,
    /// Virginia one fewer and Delaware one more.
    @Test func hamilton1790With105Seats() throws {
        let jefferson = try seats(.jefferson, 105)
        let hamilton = try seats(.hamilton, 105)
        #expect(hamilton["VA"] == 18 && hamilton["DE"] == 2)
        #expect(Self.states.filter { hamilton[$0] != jefferson[$0] }.sorted() == ["DE", "VA"])
    }

    /// Huntington–Hill at 105 seats: Wikipedia, "Huntington–Hill method", Example (1790 census, divisor 34,800):
    /// quotients rounded at the geometric mean √(n(n+1)). Pennsylvania 12.44 < √156 = 12.49 rounds down, Vermont
    /// 2.458 > √6 = 2.449 rounds up.
    @Test func huntingtonHill1790With105Seats() throws {
        let expected = [
            "CT": 7, "DE": 2, "GA": 2, "KY": 2, "MD": 8, "MA": 14, "NH": 4, "NJ": 5, "NY": 10, "NC": 10,
            "PA": 12, "RI": 2, "SC": 6, "VT": 3, "VA": 18,
        ]
        #expect(try seats(.huntingtonHill, 105) == expected)
        for (state, population) in zip(Self.states, Self.population1790) {
            let quotient = population / 34_800
            let lower = quotient.rounded(.down)
            let rounded = quotient < (lower * (lower + 1)).squareRoot() ? lower : lower + 1
            #expect(Int(rounded) == expected[state], "divisor 34,800 for \(state)")
        }
    }

    /// Webster at 105 seats, checked by its certificate: a divisor (34,500) whose quotients rounded to the nearest
    /// integer give the table and sum to 105.
    @Test func webster1790With105Seats() throws {
        let result = try seats(.webster, 105)
        #expect(
            result == [
                "CT": 7, "DE": 2, "GA": 2, "KY": 2, "MD": 8, "MA": 14, "NH": 4, "NJ": 5, "NY": 10, "NC": 10,
                "PA": 13, "RI": 2, "SC": 6, "VT": 2, "VA": 18,
            ])
        for (state, population) in zip(Self.states, Self.population1790) {
            #expect(
                Int((population / 34_500).rounded(.toNearestOrAwayFromZero)) == result[state],
                "divisor 34,500 for \(state)")
        }
    }

    /// Wikipedia, "D'Hondt method" and "Webster/Sainte-Laguë method", worked example: parties A–D with 100,000,
    /// 80,000, 30,000 and 20,000 votes, 8 seats: D'Hondt 4, 3, 1, 0; Sainte-Laguë 3, 3, 1, 1.
    @Test func dHondtAndSainteLaguëWorkedExample() throws {
        let votes: [Double] = [100_000, 80_000, 30_000, 20_000]
        #expect(try Apportionment.apportion(.jefferson, weights: votes, seats: 8) == [4, 3, 1, 0])
        #expect(try Apportionment.apportion(.webster, weights: votes, seats: 8) == [3, 3, 1, 1])
    }

    /// honikel.de, "Berechnungsbeispiele – Lösungen" (staatsrecht.honikel.de/en/berechnungsbeispiele-loesungen.htm):
    /// 6,100 / 5,000 / 900 votes, 10 seats: Sainte-Laguë 5, 4, 1; largest remainder 5, 4, 1; D'Hondt 6, 4, 0.
    @Test func honikelWorkedExample() throws {
        let votes: [Double] = [6_100, 5_000, 900]
        #expect(try Apportionment.apportion(.webster, weights: votes, seats: 10) == [5, 4, 1])
        #expect(try Apportionment.apportion(.hamilton, weights: votes, seats: 10) == [5, 4, 1])
        #expect(try Apportionment.apportion(.jefferson, weights: votes, seats: 10) == [6, 4, 0])
    }

    /// Ties go to the larger weight, then to the smaller key.
    @Test func tiesAreBrokenByWeightThenKey() throws {
        // Hamilton: quotas 0.5, 1.5, 2 → lower quotas 0, 1, 2 and one seat for two remainders of 0.5: B (weight 3)
        // wins.
        #expect(
            try Apportionment.apportion(.hamilton, weights: [1, 3, 4], seats: 4, keys: ["A", "B", "C"]) == [0, 2, 2])
        // Webster: B's second seat (3 / 1.5 = 2) ties with A's first (1 / 0.5 = 2): B, the larger weight, wins.
        #expect(try Apportionment.apportion(.webster, weights: [1, 3], seats: 2, keys: ["A", "B"]) == [0, 2])
        // Equal weights: smaller key first, whatever the position.
        for method in ApportionmentMethod.allCases {
            #expect(
                try Apportionment.apportion(method, weights: [5, 5, 5], seats: 2, keys: ["C", "A", "B"]) == [0, 1, 1],
                "\(method)")
            #expect(
                try Apportionment.apportion(method, weights: [5, 5, 5], seats: 4, keys: ["C", "A", "B"]) == [1, 2, 1],
                "\(method)")
        }
    }

    /// Huntington–Hill gives every territory with weight > 0 a first seat before anyone a second (infinite priority),
    /// as long as seats allow; with fewer seats than territories the larger weights get them.
    @Test func huntingtonHillGivesEveryoneAFirstSeat() throws {
        #expect(try Apportionment.apportion(.huntingtonHill, weights: [1_000, 10, 1], seats: 5) == [3, 1, 1])
        #expect(try Apportionment.apportion(.huntingtonHill, weights: [1, 1_000, 10], seats: 2) == [0, 1, 1])
        // A zero weight has priority 0, not infinity.
        #expect(try Apportionment.apportion(.huntingtonHill, weights: [0, 1_000, 10], seats: 3) == [0, 2, 1])
    }

    /// A method that would give a territory 0 seats gives it its base seat; the method shares only the rest
    /// (Cambridge Compromise), so Huntington–Hill gives base + 1 to every territory when seats allow.
    @Test func baseSeats() throws {
        let weights: [Double] = [1_000, 10, 1]
        #expect(try Apportionment.apportion(.jefferson, weights: weights, seats: 5) == [5, 0, 0])
        #expect(
            try Apportionment.apportion(.jefferson, weights: weights, seats: 5, baseSeats: [1, 1, 1]) == [3, 1, 1])
        #expect(try Apportionment.apportion(.webster, weights: weights, seats: 5, baseSeats: [1, 1, 1]) == [3, 1, 1])
        #expect(try Apportionment.apportion(.hamilton, weights: weights, seats: 5, baseSeats: [1, 1, 1]) == [3, 1, 1])
        #expect(
            try Apportionment.apportion(.huntingtonHill, weights: weights, seats: 5, baseSeats: [1, 1, 1]) == [2, 2, 1])
        #expect(
            try Apportionment.apportion(.huntingtonHill, weights: weights, seats: 7, baseSeats: [1, 1, 1]) == [3, 2, 2])
        // Zero weight: the base seat only.
        #expect(try Apportionment.apportion(.webster, weights: [0, 10], seats: 6, baseSeats: [2, 2]) == [2, 4])
    }

    /// Floors and caps bound the total seats; the rest follows the method.
    @Test func floorsAndCaps() throws {
        let weights: [Double] = [1_000, 10, 1]
        for method in ApportionmentMethod.allCases {
            #expect(
                try Apportionment.apportion(method, weights: weights, seats: 10, floors: [0, 2, 2]) == [6, 2, 2],
                "\(method)")
        }
        // A capped at 4: the 6 other seats go to B and C. Jefferson: B's 6th seat (10 / 6 = 1.67) beats C's first
        // (1 / 1). Webster: C's first (1 / 0.5 = 2) beats B's 6th (10 / 5.5 = 1.82). Hamilton: quotas 5.45 and 0.55
        // on the 6 seats left, C has the larger remainder. Huntington–Hill: C's first seat has infinite priority.
        #expect(try Apportionment.apportion(.jefferson, weights: weights, seats: 10, caps: [4, 10, 10]) == [4, 6, 0])
        #expect(try Apportionment.apportion(.webster, weights: weights, seats: 10, caps: [4, 10, 10]) == [4, 5, 1])
        #expect(try Apportionment.apportion(.hamilton, weights: weights, seats: 10, caps: [4, 10, 10]) == [4, 5, 1])
        #expect(
            try Apportionment.apportion(.huntingtonHill, weights: weights, seats: 10, caps: [4, 10, 10]) == [4, 5, 1])
        // Hamilton with a floor: quotas recomputed on the seats left once the floored territory is fixed.
        // 12 seats, weights 6, 3, 1 with floor 3 on the last: 9 seats for 6 and 3 → 6, 3.
        #expect(
            try Apportionment.apportion(.hamilton, weights: [6, 3, 1], seats: 12, floors: [0, 0, 3]) == [6, 3, 3])
        // Base seats count towards the floor, not in addition to it.
        #expect(
            try Apportionment.apportion(
                .jefferson, weights: weights, seats: 10, baseSeats: [1, 1, 1], floors: [0, 2, 2]) == [6, 2, 2])
    }

    @Test func impossibleRequestsAreRefused() {
        #expect(throws: ApportionmentError.self) {
            try Apportionment.apportion(.webster, weights: [1, 2], seats: 3, caps: [1, 1])
        }
        #expect(throws: ApportionmentError.self) {
            try Apportionment.apportion(.webster, weights: [1, 2], seats: 3, floors: [2, 2])
        }
        #expect(throws: ApportionmentError.self) { try Apportionment.apportion(.webster, weights: [1, -2], seats: 3) }
        #expect(throws: ApportionmentError.self) {
            try Apportionment.apportion(.webster, weights: [1, .nan], seats: 3)
        }
        #expect(throws: ApportionmentError.self) {
            try Apportionment.apportion(.hamilton, weights: [1, 2], seats: 3, baseSeats: [1])
        }
    }

    /// Every method hands out exactly the seats asked, on many random cases, within bounds.
    @Test func totalsAndBoundsHoldOnRandomCases() throws {
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<200 {
            let n = 1 + next(12)
            let weights = (0..<n).map { _ in Double(next(5) == 0 ? 0 : next(100_000)) }
            let floors = (0..<n).map { _ in next(3) }
            let caps = floors.map { $0 + next(40) }
            let seats = floors.reduce(0, +) + next(caps.reduce(0, +) - floors.reduce(0, +) + 1)
            for method in ApportionmentMethod.allCases {
                let result = try Apportionment.apportion(
                    method, weights: weights, seats: seats, floors: floors, caps: caps)
                #expect(result.reduce(0, +) == seats)
                #expect(zip(result, floors).allSatisfy { $0 >= $1 } && zip(result, caps).allSatisfy { $0 <= $1 })
            }
        }
    }
}
