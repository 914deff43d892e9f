// Runs independent pieces of inference work (validation batches, translation batches, a classifier's
// parts of the input) on several cores: each worker takes whole pieces, so a thread wakes once per
// piece (milliseconds of work), never inside a step. The model's parameters are only read while this
// runs. Training shards a batch with `DataParallel` instead, which also sums the shards' gradients.
import Dispatch

/// An order-keeping parallel map over 0..<count.
///
///     let outputs = ParallelMap.map(count: batches.count, threads: 2) { translate(batches[$0]) }
package enum ParallelMap {
    /// [body(0), …, body(count − 1)], computed by up to `threads` workers; order is kept.
    package static func map<T>(count: Int, threads: Int, _ body: (Int) -> T) -> [T] {
        guard threads > 1, count > 1 else { return (0..<count).map(body) }
        let results = Results<T>(count: count)
        let workers = min(threads, count)
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body   // read-only model; each result slot written by one worker
            let next = Counter()
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let index = next.take(below: count) { results.set(index, work(index)) }
            }
        }
        return results.values.map { $0! }
    }

    /// body(0), …, body(count − 1) for their effects, each index once, on up to `threads` workers.
    package static func forEach(count: Int, threads: Int, _ body: (Int) -> Void) {
        _ = map(count: count, threads: threads, body)
    }

    private final class Results<T>: @unchecked Sendable {
        var values: [T?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: T) { values.withUnsafeMutableBufferPointer { $0[index] = value } }
    }

    /// Hands out indices 0, 1, 2, … to whichever worker asks first.
    private final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = DispatchSemaphore(value: 1)
        func take(below limit: Int) -> Int? {
            lock.wait(); defer { lock.signal() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }
}
