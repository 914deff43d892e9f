// `s2s serve` as a library type: loads the models, builds the routes and runs the HTTP server until
// SIGTERM or SIGINT, when it stops accepting connections, lets the requests in flight finish, and
// returns. The server calls the task layer (Translator, Classifier, TextGenerator) as the commands do.
import Foundation
import Hummingbird
import Logging
import S2STasks

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

    /// Loads every model; throws `BundleError` naming a directory that cannot be served.
    public init(configuration: ServeConfiguration) throws {
        self.configuration = configuration
        models = try ServedModels(directories: configuration.models, classifierThreads: configuration.threads)
        var translation: [String: TranslationService] = [:], classification: [String: ClassificationService] = [:]
        for model in models.all {
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

    /// The names and kinds of the served models, in order.
    public var modelNames: [(name: String, kind: String)] { models.all.map { ($0.name, $0.kind) } }

    /// Serves until SIGTERM or SIGINT; `onStarted` gets the port listened on (useful with port 0).
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
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
