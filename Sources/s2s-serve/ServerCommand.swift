import ArgumentParser
import Dispatch
import S2SCLI
import S2SServe
import S2STraining

/// `s2s-serve` (what `s2s serve` runs): the models over HTTP — translation (OpenNMT-py and LibreTranslate formats),
/// classification, generation (streamed as Server-Sent Events), health, model list, Prometheus metrics
/// and a web page. Parses its flags into a `ServeConfiguration` and runs a `ModelServer`.
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2s-serve",
        abstract: "Serve translators, classifiers and language models over HTTP, with a web page.",
        discussion: """
            Each -m directory is served under its last path component (Models/en-de → "en-de"). Sentences of \
            concurrent requests are decoded together; a request's answer does not depend on what it shares a \
            batch with. SIGTERM or Ctrl-C lets the requests in flight finish, then exits. Endpoints:
              POST /translator/translate   [{"src": "a dog runs", "id": "en-de"}]        (OpenNMT-py)
              POST /translate              {"q": "a dog runs", "source": "en", "target": "de"}  (LibreTranslate)
              POST /classify               {"model": "airline", "text": ["thanks!", "delayed again"]}
              POST /generate               {"model": "shakespeare", "prompt": "ROMEO:", "max_tokens": 200, "stream": true}
              GET  /health, /models, /metrics (Prometheus), / (the web page)
            Example:
              s2s serve -m Models/en-de -m Models/airline -m Models/shakespeare --port 8080
            """)

    @OptionGroup var runOptions: RunOptions

    @Option(name: [.customShort("m"), .customLong("model")], help: "A model directory to serve (repeat for more).")
    var models: [String] = []

    @Option(help: "OpenNMT-py's server configuration (conf.json): serve its models too, each under its id with its opt (beam_size, n_best, length_penalty, alpha, …); .pt checkpoints are imported at start-up.")
    var opennmtConfig: String?

    @Option(help: "Address to listen on (loopback by default; 0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 = any free port).")
    var port = 8080

    @OptionGroup(title: "Translation search") var search: SearchOptions

    @Option(help: "Milliseconds an idle model waits after a request for others to batch with it.")
    var batchWaitMs = 5.0

    @Option(help: "Sentences decoded together at most.")
    var maxBatchSentences = 64

    @Option(help: "Sentences waiting per model at most; beyond it requests get 503 with Retry-After.")
    var queueSentences = 1024

    @Option(help: "Largest request body in bytes (413 beyond).")
    var maxBodyBytes = 1 << 20

    @Option(help: "Longest sentence or prompt in UTF-8 bytes (400 beyond).")
    var maxLineBytes = 16 << 10

    @Option(help: "Sentences in one request at most (400 beyond).")
    var maxSentences = 256

    @Option(help: "Largest max_tokens a generation request may ask for (400 beyond).")
    var maxGenerationTokens = 2000

    @Option(help: "Generations running at once at most (more wait in the queue).")
    var concurrentGenerations = 2

    @Option(help: "Seconds before an unanswered translation or classification gets 504.")
    var timeout = 60.0

    func validate() throws {
        guard !models.isEmpty || opennmtConfig != nil else { throw ValidationError("give at least one model directory with -m (or --opennmt-config)") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must lie in 0...65535") }
        guard batchWaitMs >= 0, timeout > 0 else { throw ValidationError("--batch-wait-ms cannot be negative and --timeout must be positive") }
        for (name, value) in [("max-batch-sentences", maxBatchSentences), ("queue-sentences", queueSentences),
                              ("max-body-bytes", maxBodyBytes), ("max-line-bytes", maxLineBytes), ("max-sentences", maxSentences),
                              ("concurrent-generations", concurrentGenerations)] where value < 1 {
            throw ValidationError("--\(name) must be at least 1")
        }
        guard maxGenerationTokens >= 0 else { throw ValidationError("--max-generation-tokens cannot be negative") }
    }

    /// The server settings these flags give.
    var serveConfiguration: ServeConfiguration {
        var configuration = ServeConfiguration(models: models)
        configuration.host = host
        configuration.port = port
        configuration.threads = runOptions.threads
        configuration.batchWait = batchWaitMs / 1000
        configuration.maxBatchSentences = maxBatchSentences
        configuration.queueSentences = queueSentences
        configuration.maxBodyBytes = maxBodyBytes
        configuration.maxLineBytes = maxLineBytes
        configuration.maxSentencesPerRequest = maxSentences
        configuration.maxGenerationTokens = maxGenerationTokens
        configuration.concurrentGenerations = concurrentGenerations
        configuration.requestTimeout = timeout
        configuration.translation = search.options
        configuration.openNMTConfig = opennmtConfig
        return configuration
    }

    func run() throws {
        let server = try ModelServer(configuration: serveConfiguration)
        let host = self.host
        let names = server.modelNames.map { "\($0.name) (\($0.kind))" }.joined(separator: ", ")
        // The commands are synchronous; the server is async: run it on the concurrency pool and wait.
        let outcome = Outcome()
        Task {
            do {
                try await server.run { port in
                    ProgressReporter.writeToStandardError("serving \(names) on http://\(host):\(port)/\n")
                }
            } catch {
                outcome.error = error
            }
            outcome.done.signal()
        }
        outcome.done.wait()
        if let error = outcome.error { throw error }
        ProgressReporter.writeToStandardError("stopped\n")
    }
}

/// The server task's error, read after `done` is signalled (the semaphore orders the two).
private final class Outcome: @unchecked Sendable {
    var error: (any Error)?
    let done = DispatchSemaphore(value: 0)
}
