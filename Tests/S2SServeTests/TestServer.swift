// A real server on a free loopback port, serving the tiny trained models of S2STestSupport, for as long
// as a test needs it.
import Foundation
import S2SServe
import S2STasks
import S2STestSupport

enum TestServer {
    /// The tiny translator ("digits"), classifier ("sentiment") and language model ("rhyme").
    static func tinyModels() throws -> [ServedModel] {
        [ServedModel(name: "digits", translator: try TinyTranslator.shared.get().translator),
         ServedModel(name: "sentiment", classifier: try TinyClassifier.shared.get()),
         ServedModel(name: "rhyme", generator: try TinyLanguageModel.shared.get())]
    }

    /// Runs `body` with the port of a server of `models` (the tiny ones by default) with `configure`'s
    /// settings, then shuts the server down as SIGTERM would.
    static func serving<Value>(models: [ServedModel]? = nil, configure: (inout ServeConfiguration) -> Void = { _ in },
                               _ body: (Int) async throws -> Value) async throws -> Value {
        var configuration = ServeConfiguration(models: [])
        configuration.port = 0
        configure(&configuration)
        return try await serving(try ModelServer(configuration: configuration, models: try models ?? tinyModels()), body)
    }

    /// Runs `body` with the port of `server`, then shuts it down as SIGTERM would.
    static func serving<Value>(_ server: ModelServer, _ body: (Int) async throws -> Value) async throws -> Value {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await server.run { port in continuation.yield(port) }
        }
        var started: Int?
        for await port in ports { started = port; break }
        guard let port = started else {
            try await task.value   // the server stopped before it listened: its error
            throw HTTPClientError(description: "the server stopped before it listened")
        }
        let result = await Result(catching: { try await body(port) })
        await server.shutdown()
        try await task.value
        return try result.get()
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
