import Foundation
import LinearProgramming
import Scenario

/// What a stage of a lexicographic solve maximises.
public enum ObjectiveStage: String, Sendable, CaseIterable {
    /// The need-weighted value of coverage with diminishing returns (the default objective).
    case value
    /// People covered, counted linearly.
    case coverage
    /// The smallest coverage ratio over the territories with need (max-min fairness).
    case maxmin
    /// State cost, minimised (as a last stage: "then spend as little as possible").
    case cost
}

/// Lexicographic optimisation over the allocation model: each stage is solved, then held within the
/// MIP gap of its optimum (a row `stage_<name>`) while the next one is optimised. Also serves the
/// ε-constraint frontier through `minRatioFloor` (the smallest coverage ratio held at or above ε).
public enum StagedSolve {
    public struct Outcome: Sendable {
        /// The last stage's result; its values start with the model's own variables.
        public let result: SolveResult
        /// The optimum reached at each stage, in its own units.
        public let stageValues: [Double]
        /// The program of the last stage (the model plus `min_ratio` and stage rows).
        public let program: LinearProgram
    }

    /// `start`, values of the model's own variables (a plan already solved), is offered to the first
    /// stage as a MIP start when it satisfies this solve's rules; each later stage starts from the
    /// previous stage's solution, which its `stage_` row keeps feasible.
    public static func solve(model: AllocationModel, scenario: Scenario, stages: [ObjectiveStage], solver: any LinearSolver,
                             options: SolverOptions, minRatioFloor: Double? = nil, start: [Double]? = nil) throws -> Outcome {
        precondition(!stages.isEmpty, "at least one stage")
        let needsMinRatio = stages.contains(.maxmin) || minRatioFloor != nil
        var base = copy(model.program)
        var minRatio: Variable?
        if needsMinRatio {
            let variable = base.addVariable("min_ratio", lower: min(max(minRatioFloor ?? 0, 0), 1), upper: 1)
            minRatio = variable
            for territory in scenario.territories {
                let need = scenario.need[territory.code] ?? 0
                guard need > 0, let segments = model.coverageVariables[territory.code] else { continue }
                base.addConstraint("min_ratio[\(territory.code)]", segments.map { ($0, 1.0) } + [(variable, -need)], lower: 0)
            }
        }
        var fixed: [(name: String, terms: [(Variable, Double)], lower: Double)] = []
        var values: [Double] = []
        var last: (SolveResult, LinearProgram)?
        var next = start.flatMap { extend($0, model: model, scenario: scenario, minRatio: minRatio) }
        for stage in stages {
            let terms = objective(stage, model: model, scenario: scenario, minRatio: minRatio)
            var program = copy(base, objective: terms)
            for row in fixed { program.addConstraint(row.name, row.terms, lower: row.lower) }
            let result = try solver.solve(program, options: options.starting(from: next))
            last = (result, program)
            next = result.hasSolution ? result.values : nil
            guard result.hasSolution, result.status != .interrupted else { break }
            let value = terms.reduce(0.0) { $0 + $1.1 * result.values[$1.0.index] }
            values.append(value)
            // Hold this stage within the gap the solver was allowed, measured on its own scale.
            let slack = max(abs(value) * max(options.mipGap, 1e-9), 1e-9)
            fixed.append(("stage_\(stage.rawValue)", terms, value - slack))
        }
        return Outcome(result: last!.0, stageValues: values, program: last!.1)
    }

    /// A start for the staged program: the model's values, plus `min_ratio` set to the plan's own
    /// smallest coverage ratio (the largest value its rows allow). Nil when the counts do not match.
    static func extend(_ values: [Double], model: AllocationModel, scenario: Scenario, minRatio: Variable?) -> [Double]? {
        guard values.count == model.program.variables.count else { return nil }
        guard minRatio != nil else { return values }
        let ratios = scenario.territories.compactMap { territory -> Double? in
            let need = scenario.need[territory.code] ?? 0
            guard need > 0, let segments = model.coverageVariables[territory.code] else { return nil }
            return segments.reduce(0.0) { $0 + values[$1.index] } / need
        }
        return values + [min(max(ratios.min() ?? 1, 0), 1)]
    }

    /// The terms a stage maximises, over the model's variables (and `min_ratio`).
    static func objective(_ stage: ObjectiveStage, model: AllocationModel, scenario: Scenario, minRatio: Variable?) -> [(Variable, Double)] {
        switch stage {
        case .value:
            return model.program.variables.indices.compactMap { index in
                let coefficient = model.program.variables[index].objective
                return coefficient != 0 ? (Variable(index: index), coefficient) : nil
            }
        case .coverage:
            return scenario.territories.flatMap { territory in (model.coverageVariables[territory.code] ?? []).map { ($0, 1.0) } }
        case .maxmin:
            return [(minRatio!, 1.0)]
        case .cost:
            let budget = max(scenario.parameters.budgetEUR, 1)
            return model.decisions.map { ($0.variable, -$0.stateCostEUR / budget) }
        }
    }

    /// A copy of `program` (maximising), with `objective` in place of its own when given.
    static func copy(_ program: LinearProgram, objective: [(Variable, Double)]? = nil) -> LinearProgram {
        var result = LinearProgram(name: program.name, sense: .maximize)
        let coefficients = objective.map { Dictionary($0.map { ($0.0.index, $0.1) }, uniquingKeysWith: +) }
        for (index, variable) in program.variables.enumerated() {
            let coefficient = coefficients.map { $0[index] ?? 0 } ?? variable.objective
            result.addVariable(variable.name, lower: variable.lower, upper: variable.upper, kind: variable.kind, objective: coefficient)
        }
        for row in program.constraints {
            result.addConstraint(row.name, row.terms.map { (Variable(index: $0.variable), $0.coefficient) }, lower: row.lower, upper: row.upper)
        }
        return result
    }
}
