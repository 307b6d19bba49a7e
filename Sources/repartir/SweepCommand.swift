import ArgumentParser
import Foundation
import GLPKSolver
import Pipeline
import Scenario

/// `repartir sweep SWEEP.yaml` and `repartir sweep collect ROOT/<sweep id>`: argument parsing and
/// exit codes only; the work is in `Pipeline/Sweep`.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run the variants of a sweep file (repartir sweep SWEEP.yaml), or collect them (repartir sweep collect ROOT/<sweep id>).",
        subcommands: [SweepRun.self, SweepCollectCommand.self],
        defaultSubcommand: SweepRun.self)
}

/// `repartir sweep SWEEP.yaml` (the default subcommand of `sweep`).
struct SweepRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the variants of a sweep file in this process, or one shard of them (docs/sweeps.md).",
        discussion: """
            Writes ROOT/<sweep id>/<variant id>/ (a run folder per variant) and ROOT/<sweep id>/outcomes/. \
            The shard comes from --shard I/N (0-based), else SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, else \
            JOB_COMPLETION_INDEX with the sweep file's 'shards'. Exit 0 when every variant has a result (a plan or \
            an explained infeasibility), else the most serious exit code of a failed variant (75, another process \
            holding a variant, counts least; docs/sweeps.md); 78 for a bad sweep file, 64 for a bad shard, \
            128 + signal when stopped.
            """)

    @Argument(help: "The sweep file (YAML).")
    var file: String

    @Option(
        name: .customLong("runs-root"),
        help: ArgumentHelp("The runs root shared by every shard: the sweep writes ROOT/<sweep id>/.", valueName: "ROOT")
    )
    var runsRoot = "runs"

    @Option(help: ArgumentHelp("Variants run in parallel in this process.", valueName: "N"))
    var jobs = 1

    @Option(help: ArgumentHelp("Run only shard I of N (0-based: 0/4 … 3/4).", valueName: "I/N"))
    var shard: String?

    @Option(
        name: .customLong("wait"),
        help: ArgumentHelp(
            "--wait[=S]: for a variant another process holds, wait (up to S seconds; alone: until it ends) once this shard's own variants are done, and take its result, instead of exiting 75.",
            valueName: "S"))
    var wait: String?

    @Flag(name: .shortAndLong, help: "No progress messages on stderr.")
    var quiet = false

    /// A variant's message as one line for stderr, without the "error: " its run's error starts with.
    static func firstLine(of message: String) -> String {
        let line = String(message.prefix { !$0.isNewline })
        return line.hasPrefix("error: ") ? String(line.dropFirst("error: ".count)) : line
    }

    func validate() throws {
        if jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be from 1 to 256, got \(jobs)") }
        _ = try Run.waitSeconds(wait)
        if runsRoot.isEmpty {
            throw ValidationError("--runs-root is empty (an unset variable?): give a folder, e.g. --runs-root runs")
        }
    }

    func run() throws {
        installStopSignalHandlers()
        let log: @Sendable (String) -> Void = { [quiet] message in
            if !quiet || message.hasPrefix("warning:") { StandardError.line(message) }
        }
        do throws(RunFailure) {
            let sweepFile: SweepFile
            do { sweepFile = try SweepFile.load(file, deferring: true) } catch { throw .input(error) }
            // The form's problems and the values' together, in one pass.
            let formProblems = sweepFile.deferredProblems
            var chosen: (index: Int, count: Int)?
            // A file with problems ends 78 below, whatever the shard: it is chosen only for a file without.
            if formProblems.isEmpty {
                switch SweepShard.choose(
                    flag: shard, environment: ProcessInfo.processInfo.environment, shardsInFile: sweepFile.shards)
                {
                case let .success(value): chosen = value
                case let .failure(problem):
                    StandardError.write("error: \(problem.message)\n")
                    Foundation.exit(ExitStatus.usage)
                }
            }
            log("loading \(sweepFile.scenario) (once, for every variant)")
            let base: Scenario
            // The shared `reach.*` settings are the commune layer's, read once: the base is loaded with them (a variant
            // may not vary them, `ScenarioLoader.variant`).
            let sharedReach = sweepFile.shared.filter { $0.key.hasPrefix("reach.") }.map {
                ParameterOverride(key: $0.key, value: $0.value)
            }
            do { base = try ScenarioLoader.load(sweepFile.scenario, overrides: sharedReach) } catch {
                throw .input(ScenarioError(formProblems + error.diagnostics))
            }
            let plan: SweepPlan
            do { plan = try SweepPlan.make(sweepFile, base: base, cancellation: interruption) } catch {
                throw .input(ScenarioError(formProblems + error.diagnostics))
            }
            if interruption.isCancelled {
                let (_, code) = interruptedOutcome(destination: nil)
                StandardError.write(
                    "error: sweep \(sweepFile.name) stopped by a signal while its variants were made: nothing ran\n")
                Foundation.exit(code)
            }
            if !formProblems.isEmpty { throw .input(ScenarioError(formProblems)) }
            let summary = try SweepRunner.run(
                plan,
                options: .init(
                    root: runsRoot, solver: GLPKSolver(), jobs: jobs, shard: chosen, cancellation: interruption,
                    lockWait: (try? Run.waitSeconds(wait)) ?? nil,
                    interruptedCode: { interruptedOutcome(destination: nil).code }),
                log: log)
            if summary.interrupted {
                let (_, code) = interruptedOutcome(destination: nil)
                let kept = summary.outcomes.filter { RunsLog.status($0.exitCode) != "interrupted" }.count
                StandardError.write(
                    "error: sweep \(plan.file.name) stopped by a signal: the variants that were running published nothing; the \(kept) finished are kept. Run the sweep again to complete it (finished variants are reused).\n"
                )
                Foundation.exit(code)
            }
            let failed = summary.outcomes.filter { $0.exitCode != 0 && $0.exitCode != 10 && $0.exitCode != 20 }
            let closing =
                "sweep \(plan.file.name): \(summary.ran) variants ran, \(summary.reused) reused (same inputs), \(failed.count) failed"
                + (failed.isEmpty
                    ? "" : ": " + failed.map { "\($0.variant) (exit \($0.exitCode))" }.joined(separator: ", "))
                + "; collect with: repartir sweep collect \(runsRoot)/\(plan.file.name)"
            if failed.isEmpty {
                log(closing)
            } else {
                // Failures are said even with --quiet, as `run -q` says its error: cron mails only what is printed
                // (a review's quiet sweep with three write errors printed nothing).
                StandardError.line("error: " + closing)
                if let first = failed.max(by: { SweepRunner.severity($0.exitCode) < SweepRunner.severity($1.exitCode) })
                {
                    StandardError.line(
                        "error: \(first.variant) (exit \(first.exitCode)): \(Self.firstLine(of: first.message))")
                }
            }
            Foundation.exit(summary.exitCode)
        } catch {
            fail(error)
        }
    }
}

struct SweepCollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract:
            "Merge the finished variants of ROOT/<sweep id> into sweep.csv, sweep.md and datapackage.json; list the missing and failed ones."
    )

    @Argument(help: "The sweep's folder, ROOT/<sweep id>.")
    var folder: String

    @Flag(name: .shortAndLong, help: "No summary on stderr.")
    var quiet = false

    func run() throws {
        do throws(RunFailure) {
            let result = try SweepCollect.collect(folder)
            // Said even with -q: a damaged outcome file is not progress.
            for id in result.unreadable {
                StandardError.write(
                    "repartir: warning: the outcome file of \(id) cannot be read: counted as missing (rerun the sweep to redo it)\n"
                )
            }
            for path in result.changed {
                StandardError.write(
                    "repartir: warning: \(path) was changed since its run (its SHA-256 is not the one manifest.json records): its figures are left empty in sweep.csv (rerun the sweep to redo it)\n"
                )
            }
            if !quiet {
                var lines = [
                    "repartir: wrote \(result.folder)/sweep.csv: \(result.variants) variants, \(result.finished) finished (\(result.failed.count - result.interrupted) failed), "
                        + (result.interrupted > 0 ? "\(result.interrupted) interrupted, " : "")
                        + "\(result.missing.count) missing"
                ]
                if !result.missing.isEmpty {
                    lines.append("repartir: missing: " + result.missing.joined(separator: ", "))
                }
                for failure in result.failed {
                    lines.append(
                        "repartir: failed: \(failure.id) (exit \(failure.exitCode)): \(failure.message.prefix { !$0.isNewline })"
                    )
                }
                StandardError.write(lines.joined(separator: "\n") + "\n")
            }
        } catch {
            fail(error)
        }
    }
}
