// `s2s serve` as a process: it prints where it listens, and SIGTERM lets the request in flight finish
// (answered 200) before the process exits 0.
import Foundation
import Testing
import S2STestSupport

@Suite struct ShutdownTests {
    /// The s2s binary built beside this test bundle (`swift test` builds every product).
    static var binary: String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        for candidate in [directory + "/s2s", Repository.root + "/.build/debug/s2s"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return directory + "/s2s"
    }

    @Test func sigtermFinishesTheRequestInFlightThenExits() async throws {
        let directory = TemporaryDirectory("serve-sigterm")
        defer { directory.remove() }
        try TinyTranslator.train(into: directory, steps: 20)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        // A long batch wait keeps the request in flight while the signal arrives.
        process.arguments = ["serve", "-m", directory.file("model"), "--port", "0", "--batch-wait-ms", "4000", "--threads", "1"]
        let standardError = Pipe()
        process.standardError = standardError
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let port = try #require(try await Self.listeningPort(standardError.fileHandleForReading))

        async let reply = HTTPClient.post(port: port, "/translate", json: ["q": TinyTranslator.pair("42").source])
        // The signal must come while the server holds the request: a connection not yet read when the
        // signal comes is closed unanswered (a stopping server reads no new requests), and a busy machine
        // may take a while to deliver the request.
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let metrics = try await HTTPClient.get(port: port, "/metrics").text
            if metrics.split(separator: "\n").contains(where: { $0.hasPrefix("s2s_queue_sentences{") && $0.hasSuffix("} 1") }) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        kill(process.processIdentifier, SIGTERM)
        let answered = try await reply
        #expect(answered.status == 200, "\(answered.text)")
        #expect((answered.json as? [String: Any])?["translatedText"] is String)
        let exitDeadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < exitDeadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning && process.terminationStatus == 0)
    }

    /// Reads "serving … on http://127.0.0.1:PORT/" from the server's standard error.
    static func listeningPort(_ handle: FileHandle) async throws -> Int? {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                var text = ""
                while true {
                    let data = handle.availableData
                    if data.isEmpty { continuation.resume(returning: nil); return }
                    text += String(decoding: data, as: UTF8.self)
                    if let range = text.range(of: #"http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                        let port = text[range].dropFirst("http://127.0.0.1:".count).dropLast()
                        continuation.resume(returning: Int(port))
                        return
                    }
                }
            }.start()
        }
    }
}
