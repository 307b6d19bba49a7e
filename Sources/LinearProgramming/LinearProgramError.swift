/// Why a `LinearProgram` cannot be handed to a solver, and where: GLPK answers bad input with
/// NaN "optima" or by aborting the process, so every problem is named before it gets there.
public struct LinearProgramError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What is wrong.
    public enum Reason: Sendable, Equatable {
        /// NaN, or an infinite coefficient, or a bound that is infinite the wrong way.
        case notFinite
        /// |value| above `LinearProgram.maximumMagnitude`.
        case tooLarge
        /// A nonzero coefficient below `LinearProgram.minimumNonzeroMagnitude` in magnitude.
        case tooSmall
        case lowerAboveUpper
        case fractionalIntegerBound
        case invalidName
        case duplicateName
        case duplicateEntry
        case unknownVariable
        case tooManyEntries
    }

    /// Where it is.
    public enum Location: Sendable, Equatable {
        case program
        case objective
        case variable(String)
        case constraint(String)
        /// The coefficient of `variable` in row `constraint`.
        case entry(constraint: String, variable: String)
    }

    public let reason: Reason
    public let location: Location
    /// A sentence saying what was found, e.g. "lower bound 3.0 is above upper bound 2.0".
    public let detail: String

    public init(_ reason: Reason, at location: Location, _ detail: String) {
        self.reason = reason
        self.location = location
        self.detail = detail
    }

    /// Names are printed with control and non-ASCII characters escaped, so a bad name is visible.
    public var description: String {
        switch location {
        case .program: "program: \(detail)"
        case .objective: "objective: \(detail)"
        case .variable(let name): "variable '\(Self.escaped(name))': \(detail)"
        case .constraint(let name): "constraint '\(Self.escaped(name))': \(detail)"
        case .entry(let row, let column):
            "constraint '\(Self.escaped(row))', variable '\(Self.escaped(column))': \(detail)"
        }
    }

    static func escaped(_ name: String) -> String {
        name.unicodeScalars.map { $0.escaped(asASCII: true) }.joined()
    }
}
