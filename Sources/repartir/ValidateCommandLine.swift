import ArgumentParser
import Foundation
import GLPKSolver
import LinearProgramming
import Pipeline
import Scenario
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read and check a scenario and build its model, without solving.")

    @OptionGroup var common: ScenarioOptions

    func run() throws {
        let overrides = try common.overrides()
        do {
            let (scenario, model) = try RunCommand.validate(common.scenario, overrides: overrides)
            try RunCommand.checkConsistency(scenario)
            if let pairs = try RunCommand.checkReachSize(scenario), let limit = scenario.communes?.maxPairs {
                common.log(
                    "commune reach: \(NumberText.grouped(pairs)) site–commune pairs in reach (reach.max_pairs: \(NumberText.grouped(limit)))"
                )
            }
            RunCommand.inputWarnings(scenario).forEach(common.log)
            common.log(
                "\(scenario.parameters.name) is valid: \(scenario.territories.count) territories, \(scenario.structures.count) structures, model of \(model.program.variables.count) variables and \(model.program.constraints.count) constraints"
            )
        } catch {
            fail(error)
        }
    }
}
