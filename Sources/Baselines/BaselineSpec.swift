import Foundation
import Scenario

/// A baseline: an apportionment method applied to a weight per territory, written as an id such as
/// `webster:need`, `hamilton:population75`, `huntington-hill:population*ifn^0.5`, `webster:(population*ifn)^0.5`,
/// `jefferson:population:base=1` or `webster:need:bounded`. Grammar (docs/baselines.md):
///
/// ```
/// id      := method ":" weight ( ":" option )*
/// method  := hamilton | jefferson | webster | huntington-hill      (aliases: dhondt, sainte-lague, hill, …)
/// weight  := product | "(" product ")" "^" number                  (the second form sets `power`)
/// product := factor ( "*" factor )*
/// factor  := column [ "^" number ]                                  (^ binds to the column before it)
/// column  := population | population15 | population75 | ifn | need | poverty
/// option  := "base=" integer | "bounded"
/// ```
public struct BaselineSpec: Sendable, Hashable, CustomStringConvertible {
    /// A territory figure a weight can be made of.
    public enum Column: String, Sendable, Hashable, CaseIterable {
        /// `population` of territories.csv.
        case population
        /// `population_15_plus`.
        case population15
        /// `population_75_plus`.
        case population75
        /// `ifn`, the digital-fragility index (0–10).
        case ifn
        /// The scenario's need D_t (`scenario.need`, docs/model.md).
        case need
        /// `poverty_rate_pct`; a territory without it makes the weight an error.
        case poverty

        public static let aliases: [String: Column] = [
            "population": .population, "pop": .population,
            "population15": .population15, "population_15_plus": .population15, "people15": .population15,
            "population75": .population75, "population_75_plus": .population75, "people75": .population75,
            "ifn": .ifn, "fragility": .ifn, "need": .need,
            "poverty": .poverty, "poverty_rate_pct": .poverty,
        ]
    }

    public struct Factor: Sendable, Hashable {
        public let column: Column
        public let exponent: Double
        public init(_ column: Column, exponent: Double = 1) {
            self.column = column
            self.exponent = exponent
        }
    }

    public let method: ApportionmentMethod
    /// The weight is Π column^exponent, raised to `power` (degressive proportionality when power < 1).
    public let weight: [Factor]
    public let power: Double
    /// Seats every territory gets before the method shares the rest.
    public let baseSeats: Int
    /// When true, the scenario's floor and cap per territory (`Scenario.postRange`) and the territory's host
    /// capacity bound the seats, so that they all fit on host structures.
    public let bounded: Bool

    public init(
        method: ApportionmentMethod, weight: [Factor], power: Double = 1, baseSeats: Int = 0, bounded: Bool = false
    ) {
        self.method = method
        self.weight = weight
        self.power = power
        self.baseSeats = baseSeats
        self.bounded = bounded
    }

    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let id: String
        public let reason: String
        public var description: String {
            "baseline \"\(id)\": \(reason); expected METHOD:WEIGHT[:base=N][:bounded], e.g. webster:need or huntington-hill:population*ifn^0.5 (docs/baselines.md)"
        }
    }

    /// Exponents must lie in 0…10.
    public static let exponentRange: ClosedRange<Double> = 0...10

    public init(parsing id: String) throws(ParseError) {
        let text = id.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count >= 2 else { throw ParseError(id: id, reason: "no \":\" between method and weight") }
        guard let method = ApportionmentMethod(name: parts[0]) else {
            throw ParseError(
                id: id, reason: "unknown method \"\(parts[0])\" (hamilton, jefferson, webster, huntington-hill)")
        }
        var expression = parts[1].replacingOccurrences(of: " ", with: "")
        var power = 1.0
        if expression.hasPrefix("(") {
            guard let close = expression.lastIndex(of: ")") else {
                throw ParseError(id: id, reason: "unbalanced parenthesis")
            }
            let after = expression[expression.index(after: close)...]
            guard after.hasPrefix("^"), let value = Double(after.dropFirst()), value.isFinite,
                Self.exponentRange.contains(value)
            else {
                throw ParseError(id: id, reason: "a parenthesised weight must be followed by ^ and an exponent in 0…10")
            }
            power = value
            expression = String(expression[expression.index(after: expression.startIndex)..<close])
        }
        var factors: [Factor] = []
        for term in expression.split(separator: "*", omittingEmptySubsequences: false) {
            let pieces = term.split(separator: "^", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let name = pieces.first, !name.isEmpty else {
                throw ParseError(id: id, reason: "cannot read the factor \"\(term)\"")
            }
            guard let column = Column.aliases[name.lowercased()] else {
                throw ParseError(
                    id: id,
                    reason: "unknown column \"\(name)\" (population, population15, population75, ifn, need, poverty)")
            }
            var exponent = 1.0
            if pieces.count == 2 {
                guard let value = Double(pieces[1]), value.isFinite, Self.exponentRange.contains(value) else {
                    throw ParseError(id: id, reason: "exponent \"\(pieces[1])\" is not a number in 0…10")
                }
                exponent = value
            }
            factors.append(Factor(column, exponent: exponent))
        }
        var baseSeats = 0
        var bounded = false
        for option in parts.dropFirst(2) {
            if option == "bounded" {
                bounded = true
            } else if option.hasPrefix("base="), let value = Int(option.dropFirst(5)), value >= 0 {
                baseSeats = value
            } else {
                throw ParseError(id: id, reason: "unknown option \"\(option)\" (base=N, bounded)")
            }
        }
        self.init(method: method, weight: factors, power: power, baseSeats: baseSeats, bounded: bounded)
    }

    /// The canonical id: canonical method and column names, exponents written only when ≠ 1.
    public var id: String {
        let product = weight.map {
            $0.exponent == 1 ? $0.column.rawValue : "\($0.column.rawValue)^\(Self.number($0.exponent))"
        }
        .joined(separator: "*")
        var text = "\(method.rawValue):" + (power == 1 ? product : "(\(product))^\(Self.number(power))")
        if baseSeats > 0 { text += ":base=\(baseSeats)" }
        if bounded { text += ":bounded" }
        return text
    }

    public var description: String { id }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)  // shortest round-tripping form, locale-independent
    }

    /// Π column^exponent raised to `power`, per territory in the scenario's order (by code).
    public func weights(for scenario: Scenario) throws(ParseError) -> [Double] {
        var result: [Double] = []
        for territory in scenario.territories {
            var value = 1.0
            for factor in weight {
                let raw: Double
                switch factor.column {
                case .population: raw = Double(territory.population)
                case .population15: raw = Double(territory.population15Plus)
                case .population75: raw = Double(territory.population75Plus)
                case .ifn: raw = territory.fragilityIndex
                case .need: raw = scenario.need[territory.code] ?? 0
                case .poverty:
                    guard let rate = territory.povertyRatePct else {
                        throw ParseError(id: id, reason: "territory \(territory.code) has no poverty_rate_pct")
                    }
                    raw = rate
                }
                value *= pow(max(0, raw), factor.exponent)
            }
            result.append(pow(value, power))
        }
        return result
    }
}
