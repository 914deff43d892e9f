// `s2s serve` as a library type: loads the models, builds the routes and runs the HTTP server until
// SIGTERM or SIGINT, when it stops accepting connections, lets the requests in flight finish, and
// returns. The server calls the task layer (Translator, Classifier, TextGenerator) as the commands do.
import Foundation
import Hummingbird
import Logging
import S2STasks
import ServiceLifecycle

/// A server of the models in `configuration`.
///
///     let server = try ModelServer(configuration: ServeConfiguration(models: ["Models/en-de"]))
///     try await server.run { port in print("listening on \(port)") }
public struct ModelServer: Sendable {
    public let configuration: ServeConfiguration
    let models: ServedModels
    let metrics = ServeMetrics()
    private let translation: [String: TranslationService]
    private let classification: [String: ClassificationService]
    private let running = RunningGroup()

    /// Loads every model directory of `configuration`; throws `BundleError` naming one that cannot be
    /// served.
    public init(configuration: ServeConfiguration) throws {
        try self.init(configuration: configuration,
                      models: configuration.models.map { try ServedModel(directory: $0, threads: configuration.threads) }
                        + (try configuration.openNMTConfig.map { try OpenNMTServerConfig.load($0, threads: configuration.threads) } ?? []))
    }

    /// Serves `models` (already loaded; `configuration.models` is not read). Two models of the same
    /// name are refused.
    public init(configuration: ServeConfiguration, models: [ServedModel]) throws {
        self.configuration = configuration
        self.models = try ServedModels(models)
        var translation: [String: TranslationService] = [:], classification: [String: ClassificationService] = [:]
        for model in self.models.all {
            switch model.task {
            case .translator(let translator):
                translation[model.name] = TranslationService(model: model, translator: translator, configuration: configuration, metrics: metrics)
            case .classifier(let classifier):
                classification[model.name] = ClassificationService(model: model, classifier: classifier, configuration: configuration, metrics: metrics)
            case .generator:
                break
            }
        }
        self.translation = translation
        self.classification = classification
    }

    /// Stops a running server as SIGTERM does (and one that has not started yet from starting).
    public func shutdown() async {
        if let group = running.stop() { await group.triggerGracefulShutdown() }
    }

    /// The names and kinds of the served models, in order.
    public var modelNames: [(name: String, kind: String)] { models.all.map { ($0.name, $0.kind) } }

    /// Serves until SIGTERM, SIGINT or `shutdown()`: each stops accepting connections and lets the
    /// requests in flight finish. `onStarted` gets the port listened on (useful with port 0).
    public func run(onStarted: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(MetricsMiddleware(metrics: metrics))
        router.middlewares.add(ErrorMiddleware())
        TranslationRoutes(services: translation, models: models, configuration: configuration).add(to: router)
        ClassificationRoutes(services: classification, models: models, configuration: configuration).add(to: router)
        GenerationRoutes(models: models, configuration: configuration, metrics: metrics).add(to: router)
        InfoRoutes(models: models, metrics: metrics).add(to: router)
        var logger = Logger(label: "s2s-serve")
        logger.logLevel = .warning
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "s2s"),
            onServerRunning: { channel in await onStarted(channel.localAddress?.port ?? 0) },
            logger: logger)
        defer {
            for service in translation.values { service.batcher.stop() }
            for service in classification.values { service.batcher.stop() }
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: app)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        guard running.start(group) else { return }   // shut down before it started
        defer { running.finish() }
        try await group.run()
    }
}

/// The service group of a running server, for `shutdown()` from another task.
private final class RunningGroup: @unchecked Sendable {   // every field is guarded by `lock`
    private let lock = NSLock()
    private var group: ServiceGroup?
    private var stopped = false

    /// Records `group`; false if the server was shut down before it started.
    func start(_ group: ServiceGroup) -> Bool {
        lock.withLock {
            self.group = group
            return !stopped
        }
    }

    func finish() { lock.withLock { group = nil } }

    /// The running group to stop, if any; later starts are refused.
    func stop() -> ServiceGroup? {
        lock.withLock {
            stopped = true
            return group
        }
    }
}
