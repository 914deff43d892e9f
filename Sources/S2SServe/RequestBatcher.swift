// Batching across requests. Each served model has one batcher: a worker thread that takes the requests
// waiting for it, decodes their sentences together, and hands every request its own results. Requests
// that arrive while a batch decodes wait for the next one; an idle worker waits `batchWait` after the
// first request for others to join. Only requests with equal options (the `Key`) share a batch.
//
// A request's results never depend on what it shares a batch with: the task layer's beam search and
// classifier are batch-independent (tested through HTTP in S2SServeTests). If a batch fails (one
// sentence the tokenizer rejects), each of its requests is run alone, so only the bad one fails.
import Foundation

final class RequestBatcher<Key: Equatable & Sendable, Input: Sendable, Output: Sendable>: @unchecked Sendable {
    typealias Run = @Sendable (Key, [Input]) throws -> [Output]

    struct Limits: Sendable {
        /// Inputs decoded together at most (a larger request still runs, alone).
        var maxBatch: Int
        /// Inputs waiting at most; beyond it `submit` throws a 503.
        var capacity: Int
        /// Seconds an idle worker waits after a first request.
        var wait: Double
        /// Seconds before a waiting request is answered 504.
        var timeout: Double
    }

    /// One waiting request. Finished exactly once: by the worker or by its timeout.
    private final class Pending: @unchecked Sendable {   // mutated only under the batcher's lock
        let key: Key
        let inputs: [Input]
        let arrival: Date
        var continuation: CheckedContinuation<[Output], any Error>?
        init(key: Key, inputs: [Input], continuation: CheckedContinuation<[Output], any Error>) {
            self.key = key
            self.inputs = inputs
            self.continuation = continuation
            arrival = Date()
        }
    }

    private let name: String
    private let limits: Limits
    private let run: Run
    private let onBatch: @Sendable (Int) -> Void
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var waitingInputs = 0
    private var stopped = false

    /// Starts the worker thread. `onBatch` is told each batch's size (for /metrics).
    init(name: String, limits: Limits, onBatch: @escaping @Sendable (Int) -> Void = { _ in }, run: @escaping Run) {
        self.name = name
        self.limits = limits
        self.run = run
        self.onBatch = onBatch
        let thread = Thread { [self] in work() }
        thread.name = "s2s-serve-\(name)"
        thread.start()
    }

    /// Inputs waiting now (for /metrics).
    var queued: Int { condition.withLock { waitingInputs } }

    /// The outputs for `inputs`, in order, once a batch has run them.
    func submit(_ inputs: [Input], key: Key) async throws -> [Output] {
        if inputs.isEmpty { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            guard !stopped else {
                continuation.resume(throwing: ServeError(.serviceUnavailable, "the server is shutting down"))
                return
            }
            guard waitingInputs + inputs.count <= limits.capacity || pending.isEmpty else {
                continuation.resume(throwing: ServeError.queueFull(name, retryAfter: 1))
                return
            }
            let request = Pending(key: key, inputs: inputs, continuation: continuation)
            pending.append(request)
            waitingInputs += inputs.count
            condition.signal()
            DispatchQueue.global().asyncAfter(deadline: .now() + limits.timeout) { [self] in expire(request) }
        }
    }

    /// Stops the worker after the batch it is running; requests still waiting get 503.
    func stop() {
        condition.withLock {
            stopped = true
            for request in pending { finish(request, .failure(ServeError(.serviceUnavailable, "the server is shutting down"))) }
            pending.removeAll()
            condition.broadcast()
        }
    }

    // MARK: - The worker

    private func work() {
        while let (key, batch) = nextBatch() {
            onBatch(batch.reduce(0) { $0 + $1.inputs.count })
            let outputs = Result { try run(key, batch.flatMap(\.inputs)) }
            condition.withLock {
                switch outputs {
                case .success(let outputs) where outputs.count == batch.reduce(0, { $0 + $1.inputs.count }):
                    var start = 0
                    for request in batch {
                        finish(request, .success(Array(outputs[start..<(start + request.inputs.count)])))
                        start += request.inputs.count
                    }
                case .success, .failure:
                    break
                }
            }
            // A failed batch: each request alone, so an error reaches only the request that caused it.
            if case .failure = outputs {
                for request in batch {
                    let alone = Result { try run(key, request.inputs) }
                    condition.withLock { finish(request, alone) }
                }
            }
        }
    }

    /// Waits for requests, then for the batch to fill (or `wait` to pass), and takes the oldest
    /// request's key with every waiting request of the same key, up to `maxBatch` inputs.
    private func nextBatch() -> (Key, [Pending])? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            while pending.isEmpty && !stopped { condition.wait() }
            if stopped { return nil }
            let deadline = pending[0].arrival.addingTimeInterval(limits.wait)
            while !stopped, !pending.isEmpty, waiting(for: pending[0].key) < limits.maxBatch, condition.wait(until: deadline) {}
            if stopped { return nil }
            if pending.isEmpty { continue }   // every waiting request timed out meanwhile
            let key = pending[0].key
            var batch: [Pending] = [], size = 0
            pending.removeAll { request in
                guard request.key == key, batch.isEmpty || size + request.inputs.count <= limits.maxBatch else { return false }
                batch.append(request)
                size += request.inputs.count
                return true
            }
            waitingInputs -= size
            return (key, batch)
        }
    }

    private func waiting(for key: Key) -> Int {
        pending.reduce(0) { $0 + ($1.key == key ? $1.inputs.count : 0) }
    }

    /// Answers `request` 504 if it is still unanswered.
    private func expire(_ request: Pending) {
        condition.withLock {
            guard request.continuation != nil else { return }
            if let index = pending.firstIndex(where: { $0 === request }) {
                pending.remove(at: index)
                waitingInputs -= request.inputs.count
            }
            finish(request, .failure(ServeError.timeout(limits.timeout)))
        }
    }

    /// Resumes `request` once (with the lock held).
    private func finish(_ request: Pending, _ result: Result<[Output], any Error>) {
        guard let continuation = request.continuation else { return }
        request.continuation = nil
        continuation.resume(with: result)
    }
}
