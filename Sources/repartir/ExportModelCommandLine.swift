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

struct ExportModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-model", abstract: "Write the model as GLPK writes it (CPLEX LP or free MPS).")

    @OptionGroup var common: ScenarioOptions

    @Option(help: "lp or mps.")
    var format: ModelFileFormat = .lp

    @Option(name: .shortAndLong, help: "File to write (default: stdout).")
    var output: String?

    @Option(
        help:
            "With objective.stages: the stage to export (1 = first), the earlier stages solved and held at their values."
    )
    var stage: Int?

    @Flag(
        help:
            "With a demand table: the commune plan's model (the value stage's, the endowment's cover held; --stage 1 for the endowment stage's), not the département plan's."
    )
    var commune = false

    func validate() throws {
        if let output, output.isEmpty {
            throw ValidationError("-o is empty (an unset variable?): give a file, or omit -o to write to stdout")
        }
        if let output, output.hasSuffix("/") {
            throw ValidationError(
                "-o names a folder ('\(Shown.value(output))'): give a file, e.g. -o model.\(format.rawValue)")
        }
    }

    func run() throws {
        let overrides = try common.overrides()
        // GLPK writes into a private folder (never a predictable name in /tmp); it is removed on
        // every path: failure, success, a closed stdout, and a stop signal (installExportCleanup).
        // The handlers go first (with no path yet) and the stop signals are held while the folder
        // is made and its paths recorded: a stop signal at any moment finds the folder recorded or
        // not yet made, never made and unknown to the handler.
        installExportCleanup()
        let previousMask = blockStopSignals()
        let file: ModelExportFile
        do {
            file = try ModelExportFile(target: output, fileExtension: format.rawValue)
        } catch {
            restoreSignalMask(previousMask)
            fail(error)
        }
        if signalSetupPause > 0 { usleep(signalSetupPause) }
        recordExportCleanup(file)
        restoreSignalMask(previousMask)
        do throws(RunFailure) {
            try RunCommand.exportModel(
                common.scenario, overrides: overrides, format: format, stage: stage, commune: commune,
                to: file.temporaryFile, target: output, solver: GLPKSolver(), log: { common.log($0) })
            if output != nil {
                try file.commit()
                common.log("wrote \(file.target ?? "")")
                return
            }
            let data = try file.takeContents()
            let code = writeAll(1, data)
            if code != 0 {
                let why = code == EPIPE ? " (the reader went away)" : ""
                throw RunFailure.outputIO(
                    "cannot write the model to stdout: \(String(cString: strerror(code)))\(why); no temporary file is left."
                )
            }
        } catch {
            file.discard()
            fail(error)
        }
    }
}
