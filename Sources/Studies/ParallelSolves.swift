import Foundation

/// Runs independent solves on the machine's cores (at most `width` at once) and keeps their order:
/// inputs are taken in order, so put the longest first to keep both cores busy to the end.
public enum ParallelSolves {
    public static func map<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], width: Int = max(1, ProcessInfo.processInfo.activeProcessorCount),
        _ body: @Sendable (Input) throws -> Output
    ) throws -> [Output] {
        let results = ResultBox<Output>(count: inputs.count)
        DispatchQueue.concurrentPerform(iterations: min(max(1, width), inputs.count)) { _ in
            while let index = results.claim(limit: inputs.count) {
                do { results.set(index, .success(try body(inputs[index]))) } catch {
                    results.set(index, .failure(error))
                }
            }
        }
        return try results.values.map { try $0!.get() }
    }

    /// A lock-protected array of results and the index of the next input to take.
    final class ResultBox<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Result<Value, Error>?]
        private var counter = 0

        init(count: Int) { values = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ value: Result<Value, Error>) {
            lock.lock(); defer { lock.unlock() }
            values[index] = value
        }

        func claim(limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard counter < limit else { return nil }
            counter += 1
            return counter - 1
        }
    }
}
