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
    /// The batch being run (for the timeout sweep).
    private var running: [Pending] = []
    private var waitingInputs = 0
    private var stopped = false
    /// Answers requests past their timeout, a few times a second (one timer, not one per request).
    private let sweeper: any DispatchSourceTimer

    /// Starts the worker thread of the model called `name`, with `configuration`'s limits; each batch's
    /// size and the queue's length go to `metrics`.
    init(name: String, configuration: ServeConfiguration, metrics: ServeMetrics, run: @escaping Run) {
        self.name = name
        limits = Limits(maxBatch: configuration.maxBatchSentences, capacity: configuration.queueSentences,
                        wait: configuration.batchWait, timeout: configuration.requestTimeout)
        self.run = run
        onBatch = { metrics.batch(model: name, size: $0) }
        sweeper = DispatchSource.makeTimerSource(queue: .global())
        let interval = min(0.1, limits.timeout / 4)
        sweeper.schedule(deadline: .now() + interval, repeating: interval)
        sweeper.setEventHandler { [weak self] in self?.expireOverdue() }
        sweeper.resume()
        let thread = Thread { [self] in work() }
        thread.name = "s2s-serve-\(name)"
        thread.start()
        metrics.queue(model: name) { [weak self] in self?.queued ?? 0 }
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
        }
    }

    /// Stops the worker after the batch it is running; requests still waiting get 503.
    func stop() {
        condition.withLock {
            stopped = true
            for request in pending { finish(request, .failure(ServeError(.serviceUnavailable, "the server is shutting down"))) }
            pending.removeAll()
            sweeper.cancel()
            condition.broadcast()
        }
    }

    // MARK: - The worker

    private func work() {
        while let (key, batch) = nextBatch() {
            let inputs = batch.flatMap(\.inputs)
            onBatch(inputs.count)
            if let outputs = try? run(key, inputs), outputs.count == inputs.count {
                condition.withLock {
                    var start = 0
                    for request in batch {
                        finish(request, .success(Array(outputs[start..<(start + request.inputs.count)])))
                        start += request.inputs.count
                    }
                }
            } else {
                // A failed batch: each request alone, so an error reaches only the request that caused it.
                for request in batch {
                    let alone = Result { try run(key, request.inputs) }
                    condition.withLock { finish(request, alone) }
                }
            }
            condition.withLock { running = [] }
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
            running = batch
            return (key, batch)
        }
    }

    private func waiting(for key: Key) -> Int {
        pending.reduce(0) { $0 + ($1.key == key ? $1.inputs.count : 0) }
    }

    /// Answers 504 to every request waiting or running past its timeout.
    private func expireOverdue() {
        condition.withLock {
            let now = Date()
            func overdue(_ request: Pending) -> Bool { now.timeIntervalSince(request.arrival) >= limits.timeout }
            for request in running where overdue(request) { finish(request, .failure(ServeError.timeout(limits.timeout))) }
            pending.removeAll { request in
                guard overdue(request) else { return false }
                waitingInputs -= request.inputs.count
                finish(request, .failure(ServeError.timeout(limits.timeout)))
                return true
            }
        }
    }

    /// Resumes `request` once (with the lock held).
    private func finish(_ request: Pending, _ result: Result<[Output], any Error>) {
        guard let continuation = request.continuation else { return }
        request.continuation = nil
        continuation.resume(with: result)
    }
}
