// GET /metrics: what a Prometheus server scrapes — requests and errors by endpoint and status, request
// latency, batch sizes and tokens by model, the queue — in the Prometheus text format (version 0.0.4).
// Written by hand: a few counters and histograms do not need a metrics library.
import Foundation

final class ServeMetrics: @unchecked Sendable {   // every field is guarded by `lock`
    /// A cumulative histogram over fixed bucket bounds.
    struct Histogram {
        let bounds: [Double]
        var counts: [Int]
        var sum = 0.0
        var count = 0
        init(bounds: [Double]) { self.bounds = bounds; counts = Array(repeating: 0, count: bounds.count) }
        mutating func observe(_ value: Double) {
            for (i, bound) in bounds.enumerated() where value <= bound { counts[i] += 1 }
            sum += value
            count += 1
        }
    }

    static let latencyBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
    static let batchBounds: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    private let lock = NSLock()
    private var requests: [String: [Int: Int]] = [:]          // endpoint → status → count
    private var latency: [String: Histogram] = [:]            // endpoint → seconds
    private var batches: [String: Histogram] = [:]            // model → sentences per batch
    private var sentences: [String: Int] = [:]                // model → sentences (prompts) answered
    private var tokens: [String: Int] = [:]                   // model → tokens written
    private var queues: [String: @Sendable () -> Int] = [:]   // model → sentences waiting

    func request(endpoint: String, status: Int, seconds: Double) {
        lock.withLock {
            requests[endpoint, default: [:]][status, default: 0] += 1
            latency[endpoint, default: Histogram(bounds: Self.latencyBounds)].observe(seconds)
        }
    }

    func batch(model: String, size: Int) {
        lock.withLock { batches[model, default: Histogram(bounds: Self.batchBounds)].observe(Double(size)) }
    }

    /// `count` sentences (or prompts) answered by `model`, writing `tokens` tokens.
    func answered(model: String, sentences count: Int, tokens written: Int) {
        lock.withLock {
            sentences[model, default: 0] += count
            tokens[model, default: 0] += written
        }
    }

    func queue(model: String, _ waiting: @escaping @Sendable () -> Int) {
        lock.withLock { queues[model] = waiting }
    }

    /// The text exposition format.
    func text() -> String {
        lock.withLock {
            var lines: [String] = []
            lines.append("# HELP s2s_requests_total HTTP requests answered, by endpoint and status.")
            lines.append("# TYPE s2s_requests_total counter")
            for endpoint in requests.keys.sorted() {
                for status in requests[endpoint]!.keys.sorted() {
                    lines.append("s2s_requests_total{endpoint=\"\(endpoint)\",status=\"\(status)\"} \(requests[endpoint]![status]!)")
                }
            }
            lines.append("# HELP s2s_request_errors_total HTTP requests answered with a 4xx or 5xx status, by endpoint.")
            lines.append("# TYPE s2s_request_errors_total counter")
            for endpoint in requests.keys.sorted() {
                let errors = requests[endpoint]!.filter { $0.key >= 400 }.values.reduce(0, +)
                lines.append("s2s_request_errors_total{endpoint=\"\(endpoint)\"} \(errors)")
            }
            append(&lines, "s2s_request_duration_seconds", "Time from a request's arrival to its response.",
                   latency, label: "endpoint")
            append(&lines, "s2s_batch_sentences", "Sentences decoded together in one batch, by model.", batches, label: "model")
            lines.append("# HELP s2s_sentences_total Sentences translated or classified, and prompts continued, by model.")
            lines.append("# TYPE s2s_sentences_total counter")
            for model in sentences.keys.sorted() { lines.append("s2s_sentences_total{model=\"\(model)\"} \(sentences[model]!)") }
            lines.append("# HELP s2s_output_tokens_total Tokens written (translations' best hypotheses, generated text), by model.")
            lines.append("# TYPE s2s_output_tokens_total counter")
            for model in tokens.keys.sorted() { lines.append("s2s_output_tokens_total{model=\"\(model)\"} \(tokens[model]!)") }
            lines.append("# HELP s2s_queue_sentences Sentences waiting for a batch, by model.")
            lines.append("# TYPE s2s_queue_sentences gauge")
            for model in queues.keys.sorted() { lines.append("s2s_queue_sentences{model=\"\(model)\"} \(queues[model]!())") }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private func append(_ lines: inout [String], _ name: String, _ help: String, _ histograms: [String: Histogram], label: String) {
        lines.append("# HELP \(name) \(help)")
        lines.append("# TYPE \(name) histogram")
        for key in histograms.keys.sorted() {
            let histogram = histograms[key]!
            for (bound, count) in zip(histogram.bounds, histogram.counts) {
                lines.append("\(name)_bucket{\(label)=\"\(key)\",le=\"\(Self.number(bound))\"} \(count)")
            }
            lines.append("\(name)_bucket{\(label)=\"\(key)\",le=\"+Inf\"} \(histogram.count)")
            lines.append("\(name)_sum{\(label)=\"\(key)\"} \(histogram.sum)")
            lines.append("\(name)_count{\(label)=\"\(key)\"} \(histogram.count)")
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
