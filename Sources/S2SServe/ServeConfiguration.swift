// What `s2s serve` is told: where to listen, which model directories to serve, how requests are batched
// and the limits that keep one client from taking the server down. Every default is safe for a server
// on loopback; `s2s serve --help` lists them all.
import S2STasks

/// The settings of a running server.
///
///     var configuration = ServeConfiguration(models: ["Models/en-de", "Models/airline"])
///     configuration.port = 0            // any free port; `S2SServer.run(onStarted:)` reports it
public struct ServeConfiguration: Sendable {
    /// Model directories; each is served under its directory's last path component.
    public var models: [String]
    /// The address to bind: loopback by default, so nothing is exposed unless asked for.
    public var host = "127.0.0.1"
    /// The port (0 = any free port).
    public var port = 8080
    /// Cores each model's worker uses for one batch (results do not depend on it).
    public var threads = 1
    /// How long a batch waits for more requests after its first one arrives (seconds). Requests that
    /// arrive while a batch is decoding wait for the next batch anyway; this only helps when idle.
    public var batchWait = 0.005
    /// Sentences decoded together at most (whole requests are never split).
    public var maxBatchSentences = 64
    /// Sentences waiting per model at most; beyond it requests get 503 with Retry-After.
    public var queueSentences = 1024
    /// Request bodies over this many bytes get 413.
    public var maxBodyBytes = 1 << 20
    /// Sentences (or generation prompts) over this many UTF-8 bytes get 400.
    public var maxLineBytes = 16 << 10
    /// Sentences in one request at most (400 beyond).
    public var maxSentencesPerRequest = 256
    /// The largest `max_tokens` a generation request may ask for (400 beyond).
    public var maxGenerationTokens = 2000
    /// Generations running at once at most; more wait in the queue (up to `queueSentences`).
    public var concurrentGenerations = 2
    /// A request still unanswered after this many seconds gets 504.
    public var requestTimeout = 60.0
    /// How translations are searched (beam 5 by default); per request only n-best and attention change.
    public var translation = TranslationOptions()
    /// OpenNMT-py's server configuration (conf.json): its models are served too, each under its id with
    /// its own options (see `OpenNMTServerConfig`).
    public var openNMTConfig: String? = nil

    /// The defaults, serving `models`.
    public init(models: [String]) { self.models = models }
}
