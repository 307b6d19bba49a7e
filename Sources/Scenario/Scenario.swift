import Foundation

/// A scenario read and validated: parameters, territories, host structures and derived need.
/// Everything downstream (model, plan, reports) takes its facts from here and nowhere else.
public struct Scenario: Sendable {
    /// A file the scenario was read from, for the manifest: its role (`scenario`, `territories`,
    /// `structures`), its path, and exactly the bytes that were parsed. The file is read once; the manifest
    /// hashes these bytes, never the file again, which may have been edited or deleted since.
    public struct InputFile: Sendable, Hashable {
        public let role: String
        public let path: String
        public let bytes: Data

        public init(role: String, path: String, bytes: Data) {
            self.role = role
            self.path = path
            self.bytes = bytes
        }
    }

    public let parameters: ScenarioParameters
    /// Sorted by code.
    public let territories: [Territory]
    /// Sorted by id.
    public let structures: [HostStructure]
    /// People needing digital help, per territory code (see `NeedFormula`).
    public let need: [String: Double]
    public let inputFiles: [InputFile]
    /// Posts already signed (the optional `commitments` table), in structure then option order; empty without one.
    public let commitments: [Commitment]
    /// The structures as left for new posts once the commitments are placed (see `Commitment`); `structures` without
    /// them.
    public let residualStructures: [HostStructure]

    /// Where people live (`tables.demand`): nil for a scenario of territories only.
    public let communes: CommuneInputs?

    /// Positions, pools, régions and capacities, built once with the scenario.
    public let index: ScenarioIndex

    public init(
        parameters: ScenarioParameters, territories: [Territory], structures: [HostStructure],
        inputFiles: [InputFile] = [],
        commitments: [Commitment] = [], communes: CommuneInputs? = nil
    ) {
        self.parameters = parameters
        self.territories = territories.sorted { $0.code < $1.code }
        self.structures = structures.sorted { $0.id < $1.id }
        self.need = NeedFormula(parameters.need).need(for: self.territories)
        self.inputFiles = inputFiles
        self.commitments = commitments.sorted { ($0.structureID, $0.option ?? "") < ($1.structureID, $1.option ?? "") }
        self.residualStructures = Self.residualStructures(
            self.structures, commitments: self.commitments, parameters: parameters,
            territories: self.territories)
        self.communes = communes
        self.index = ScenarioIndex(
            territories: self.territories, structures: self.structures,
            residualStructures: self.commitments.isEmpty ? nil : self.residualStructures)
    }

    /// The same scenario with one more input file for the manifest (e.g. a previous run's table a run reads), in place
    /// of any earlier one with the same role.
    public func recording(_ file: InputFile) -> Scenario {
        Scenario(
            parameters: parameters, territories: territories, structures: structures,
            inputFiles: inputFiles.filter { $0.role != file.role } + [file], commitments: commitments,
            communes: communes)
    }

    public func territory(_ code: String) -> Territory? { index.territoryPositions[code].map { territories[$0] } }

    /// Régions (groups of territories) by code, in code order.
    public var regions: [(code: String, name: String, territories: [Territory])] { index.regions }

    /// What one post of `kind` in `territory` costs and yields under `option`.
    public func terms(kind: HostKind, option: FundingOption, territory: Territory) -> FundingTerms {
        FundingTerms(kind: kind, option: option, overseas: territory.overseas, basis: parameters.basis)
    }

    /// The State cost of one post under every (kind, option) pair anywhere: its range sets the scale of
    /// the model's tie-break, of the elastic repair and of "less than one post" in the report.
    public var stateCostRange: ClosedRange<Double> {
        var costs: [Double] = []
        for territory in territories {
            for kind in parameters.kinds {
                for option in parameters.fundingOptions {
                    costs.append(terms(kind: kind, option: option, territory: territory).stateCostEUR)
                }
            }
        }
        guard let low = costs.min(), let high = costs.max() else { return 0...0 }
        return low...high
    }

    /// Effective floor and cap of posts for a territory: the scenario's limits combined with the table's own.
    public func postRange(of territory: Territory) -> (min: Int, max: Int) {
        let limits = parameters.limits
        let shareCap = Int((limits.territoryMaxShare * Double(parameters.posts)).rounded(.down))
        let minimum = max(limits.territoryMinPosts, territory.minPosts ?? 0)
        let maximum = min(shareCap, territory.maxPosts ?? Int.max)
        return (minimum, maximum)
    }

    /// Effective floor and cap of posts for a région.
    public var regionPostRange: (min: Int, max: Int) {
        let limits = parameters.limits
        return (limits.regionMinPosts, Int((limits.regionMaxShare * Double(parameters.posts)).rounded(.down)))
    }
}

/// Need per territory: people 75+ at their own rate, people 15–74 at a rate modulated by the
/// territory's digital fragility, calibrated so the national total equals `rate15Plus` × people 15+.
public struct NeedFormula: Sendable {
    public let parameters: NeedParameters

    public init(_ parameters: NeedParameters) { self.parameters = parameters }

    /// Rounded to whole people.
    public func need(for territories: [Territory]) -> [String: Double] {
        let adults = territories.map { Double($0.population15Plus - $0.population75Plus) }
        let totalAdults = adults.reduce(0, +)
        let total15 = territories.reduce(0.0) { $0 + Double($1.population15Plus) }
        let total75 = territories.reduce(0.0) { $0 + Double($1.population75Plus) }
        let modulation =
            parameters.fragilitySpread.map { Self.intervalModulation(territories, adults: adults, spread: $0) }
            ?? territories.map { pow(max($0.fragilityIndex, 1e-9), parameters.fragilityExponent) }
        let meanModulation =
            totalAdults > 0 ? zip(adults, modulation).reduce(0.0) { $0 + $1.0 * $1.1 } / totalAdults : 1
        let adultRate =
            totalAdults > 0
            ? max(0, parameters.rate15Plus * total15 - parameters.rate75Plus * total75) / totalAdults : 0
        var result: [String: Double] = [:]
        for (index, territory) in territories.enumerated() {
            let factor = meanModulation > 0 ? modulation[index] / meanModulation : 1
            let value = parameters.rate75Plus * Double(territory.population75Plus) + adultRate * factor * adults[index]
            result[territory.code] = value.rounded()
        }
        return result
    }

    /// Interval scale: 1 + spread × z_t, z_t the index's standard score over people 15–74 (floored at 0).
    /// Only differences of the index are used, never its ratio to zero (a composite score has no true zero).
    static func intervalModulation(_ territories: [Territory], adults: [Double], spread: Double) -> [Double] {
        let total = adults.reduce(0, +)
        guard total > 0 else { return territories.map { _ in 1 } }
        let mean = zip(adults, territories).reduce(0.0) { $0 + $1.0 * $1.1.fragilityIndex } / total
        let variance = zip(adults, territories).reduce(0.0) { $0 + $1.0 * pow($1.1.fragilityIndex - mean, 2) } / total
        let deviation = variance.squareRoot()
        guard deviation > 0 else { return territories.map { _ in 1 } }
        return territories.map { max(0, 1 + spread * ($0.fragilityIndex - mean) / deviation) }
    }

    /// The rate applied to people 15–74 before modulation (reported so analysts can check it).
    public func adultRate(for territories: [Territory]) -> Double {
        let adults = territories.reduce(0.0) { $0 + Double($1.population15Plus - $1.population75Plus) }
        let total15 = territories.reduce(0.0) { $0 + Double($1.population15Plus) }
        let total75 = territories.reduce(0.0) { $0 + Double($1.population75Plus) }
        return adults > 0 ? max(0, parameters.rate15Plus * total15 - parameters.rate75Plus * total75) / adults : 0
    }
}
