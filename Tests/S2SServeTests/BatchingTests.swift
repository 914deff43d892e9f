// Batching across requests: concurrent requests share a batch, yet each request's answer is byte for
// byte what it gets alone; a full queue answers 503 with Retry-After; a request left waiting past the
// timeout answers 504.
import Foundation
import Testing
import S2STestSupport

@Suite struct BatchingTests {
    /// 32 sentences of different lengths.
    static let sentences = (0..<32).map { TinyTranslator.pair(TinyTranslator.digits($0 * 37 + 5)).source }

    @Test func sameBytesAloneAndInsideABatchOf31Others() async throws {
        // A long wait, so that the 32 concurrent requests surely meet in one batch.
        try await TestServer.serving(configure: { $0.batchWait = 0.5; $0.threads = 2 }) { port in
            func body(_ sentence: String) -> [[String: Any]] { [["src": sentence, "id": "digits"]] }
            let alone = try await HTTPClient.post(port: port, "/translator/translate", json: body(Self.sentences[7]))
            let together = try await withThrowingTaskGroup(of: (Int, HTTPReply).self) { group in
                for (index, sentence) in Self.sentences.enumerated() {
                    group.addTask { (index, try await HTTPClient.post(port: port, "/translator/translate", json: body(sentence))) }
                }
                var replies = [HTTPReply?](repeating: nil, count: Self.sentences.count)
                for try await (index, reply) in group { replies[index] = reply }
                return replies.map { $0! }
            }
            #expect(alone.status == 200 && together.allSatisfy { $0.status == 200 })
            #expect(together[7].body == alone.body)
            // They did share batches: fewer batches than requests (1 for `alone`, then the 32).
            let metrics = try await HTTPClient.get(port: port, "/metrics").text
            let batches = try #require(metrics.split(separator: "\n").first { $0.hasPrefix(#"s2s_batch_sentences_count{model="digits"}"#) })
            let count = try #require(Int(batches.split(separator: " ").last!))
            #expect(count < 1 + 16, "\(count) batches for 33 requests")
            // The classifier as well.
            let label = try await HTTPClient.post(port: port, "/classify", json: ["text": "great flight , thanks"])
            let first = try await withThrowingTaskGroup(of: (Int, HTTPReply).self) { group in
                for index in 0..<32 {
                    let text = index == 0 ? "great flight , thanks" : "delayed \(index) , no help"
                    group.addTask { (index, try await HTTPClient.post(port: port, "/classify", json: ["text": text])) }
                }
                return try await group.first { $0.0 == 0 }!.1
            }
            #expect(first.status == 200 && first.body == label.body, "\(String(decoding: first.body, as: UTF8.self)) vs \(String(decoding: label.body, as: UTF8.self))")
        }
    }

    @Test func fullQueueAnswers503WithRetryAfter() async throws {
        // Two sentences fill the queue; the first request waits (batchWait) for company long enough for the
        // second. On a loaded machine the batch may leave before the second arrives (it is then answered,
        // 200): that try says nothing, so it runs again with a longer wait.
        for batchWait in [3.0, 15, 60] {
            let tested = try await TestServer.serving(configure: { $0.queueSentences = 2; $0.batchWait = batchWait }) { port in
                let sentences = ["one two", "three"].map { TinyTranslator.pair(TinyTranslator.digits($0.count)).source }
                async let first = HTTPClient.post(port: port, "/translate", json: ["q": sentences])
                // Wait until the server holds them (a busy machine may take a while to deliver the request).
                let deadline = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < deadline {
                    let metrics = try await HTTPClient.get(port: port, "/metrics").text
                    if metrics.contains("s2s_queue_sentences{model=\"digits\"} 2") { break }
                    try await Task.sleep(for: .milliseconds(10))
                }
                let second = try await HTTPClient.post(port: port, "/translate", json: ["q": "four"])
                if second.status == 200 && batchWait < 60 { _ = try await first; return false }
                #expect(second.status == 503 && second.headers["retry-after"] == "1")
                #expect(second.error?.contains("too many requests waiting") == true)
                #expect(try await first.status == 200)   // the queued request is still answered
                return true
            }
            if tested { return }
        }
    }

    @Test func requestPastTheTimeoutAnswers504() async throws {
        try await TestServer.serving(configure: { $0.requestTimeout = 0.2; $0.batchWait = 2 }) { port in
            let reply = try await HTTPClient.post(port: port, "/translate", json: ["q": "one two"])
            #expect(reply.status == 504 && reply.error?.contains("timeout") == true)
        }
    }
}
