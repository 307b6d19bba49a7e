import Foundation

/// Which shard this process runs: `--shard I/N` (0-based), else the index an engine gives —
/// `SLURM_ARRAY_TASK_ID` and `SLURM_ARRAY_TASK_COUNT` (Slurm job arrays, shifted by
/// `SLURM_ARRAY_TASK_MIN` so `--array=1-4` works too, and divided by `SLURM_ARRAY_TASK_STEP` for `--array=0-8:2`), or
/// `JOB_COMPLETION_INDEX` with the sweep file's `shards` (Kubernetes Indexed Jobs). None of them: every variant. A bad
/// value is a usage error (exit 64) that quotes what was read.
public enum SweepShard {
    public struct Problem: Error, Sendable {
        public let message: String
    }

    public static func choose(
        flag: String?, environment: [String: String], shardsInFile: Int?
    ) -> Result<(index: Int, count: Int)?, Problem> {
        if let flag {
            let parts = flag.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
                return .failure(Problem(message: "--shard expects I/N (0-based shard I of N, e.g. 0/4), got '\(flag)'"))
            }
            return check(index, count, source: "--shard \(flag)")
        }
        if let id = environment["SLURM_ARRAY_TASK_ID"] {
            let countText = environment["SLURM_ARRAY_TASK_COUNT"] ?? ""
            let minText = environment["SLURM_ARRAY_TASK_MIN"] ?? "0"
            let stepText = environment["SLURM_ARRAY_TASK_STEP"] ?? "1"
            let read =
                "SLURM_ARRAY_TASK_ID=\(id) SLURM_ARRAY_TASK_COUNT=\(countText)"
                + (environment["SLURM_ARRAY_TASK_MIN"].map { " SLURM_ARRAY_TASK_MIN=\($0)" } ?? "")
                + (environment["SLURM_ARRAY_TASK_STEP"].map { " SLURM_ARRAY_TASK_STEP=\($0)" } ?? "")
            guard let task = Int(id), let count = Int(countText), let minimum = Int(minText), let step = Int(stepText),
                step >= 1
            else {
                return .failure(
                    Problem(
                        message:
                            "cannot read the shard from the environment: \(read) (whole numbers expected); or give --shard I/N"
                    ))
            }
            // `--array=0-4:2` runs tasks 0, 2, 4: shards 0, 1, 2 of 3 (a review's task 4 exited 64 and shard 1 never
            // ran).
            guard (task - minimum) % step == 0 else {
                return .failure(
                    Problem(message: "\(read): the task is not on the array's step; or give --shard I/N"))
            }
            return check((task - minimum) / step, count, source: read)
        }
        if let text = environment["JOB_COMPLETION_INDEX"] {
            guard let index = Int(text) else {
                return .failure(
                    Problem(
                        message:
                            "cannot read the shard from the environment: JOB_COMPLETION_INDEX=\(text) (a whole number expected); or give --shard I/N"
                    ))
            }
            guard let count = shardsInFile else {
                return .failure(
                    Problem(
                        message:
                            "JOB_COMPLETION_INDEX=\(text) is set but the sweep file gives no 'shards' (the Job's completions): add 'shards: N' or give --shard I/N"
                    ))
            }
            return check(index, count, source: "JOB_COMPLETION_INDEX=\(text) with shards: \(count) from the sweep file")
        }
        return .success(nil)
    }

    static func check(_ index: Int, _ count: Int, source: String) -> Result<(index: Int, count: Int)?, Problem> {
        guard count >= 1 else {
            return .failure(Problem(message: "\(source): the number of shards must be at least 1"))
        }
        guard (0..<count).contains(index) else {
            return .failure(
                Problem(
                    message:
                        "\(source): shard index \(index) is out of range 0…\(count - 1) (shards are numbered from 0)"))
        }
        return .success((index, count))
    }
}
