// POST /generate: `{"model", "prompt", "max_tokens" (default 200), "temperature", "top_k", "top_p", "seed", "stream",
// "echo"}` → `{"model", "text"}` — the text after the prompt (with `"echo": true`, the prompt first, as
// `s2s generate` prints it). With `"stream": true` the pieces arrive as Server-Sent Events, each
// `data: {"text": "…"}`, ending with `data: [DONE]`, the way OpenAI-style clients read streams; joined,
// they are the non-streamed text for the same seed.
//
// Generations are not batched (each samples its own stream): at most `concurrentGenerations` run at
// once, each on a thread of its own, and the rest wait in a bounded queue.
import Foundation
import Hummingbird
import S2STasks

struct GenerationRoutes: Sendable {
    let models: ServedModels
    let configuration: ServeConfiguration
    let metrics: ServeMetrics
    let slots: Slots

    init(models: ServedModels, configuration: ServeConfiguration, metrics: ServeMetrics) {
        self.models = models
        self.configuration = configuration
        self.metrics = metrics
        slots = Slots(running: configuration.concurrentGenerations, waiting: configuration.queueSentences)
    }

    func add(to router: Router<BasicRequestContext>) {
        router.post("generate") { request, _ in try await generate(request) }
    }

    struct Body: Decodable {
        var prompt: String
        var model: String?
        var max_tokens: Int?
        var temperature: Float?
        var top_k: Int?
        var top_p: Float?
        var seed: UInt64?
        var stream: Bool?
        var echo: Bool?
    }

    struct Answer: Encodable {
        var model: String
        var text: String
    }

    struct Piece: Encodable { var text: String }

    private func generate(_ request: Request) async throws -> Response {
        let body = try await RequestBody.decode(Body.self, from: request, limit: configuration.maxBodyBytes)
        guard body.prompt.utf8.count <= configuration.maxLineBytes else {
            throw ServeError.badRequest("prompt: \(body.prompt.utf8.count) bytes, over the server's limit of \(configuration.maxLineBytes)")
        }
        let model = try models.model(named: body.model, kind: LanguageModelBundleConfig.kind)
        guard case .generator(let generator) = model.task else { throw ServeError.notFound("no generator") }
        var options = GenerationOptions()
        options.maxTokens = body.max_tokens ?? min(200, configuration.maxGenerationTokens)
        guard (0...configuration.maxGenerationTokens).contains(options.maxTokens) else {
            throw ServeError.badRequest("max_tokens: must lie in 0...\(configuration.maxGenerationTokens)")
        }
        options.temperature = body.temperature ?? options.temperature
        options.topK = body.top_k ?? options.topK
        options.topP = body.top_p ?? options.topP
        options.seed = body.seed ?? options.seed
        options.echoPrompt = body.echo ?? false
        // Out-of-range sampling options are a 400 before the request takes a slot.
        guard options.temperature >= 0, options.temperature.isFinite, options.topK >= 0, options.topP > 0, options.topP <= 1 else {
            throw ServeError.badRequest("temperature must be ≥ 0, top_k ≥ 0 and top_p in (0, 1]")
        }
        try await slots.acquire(model.name)
        let pieces = run(generator, prompt: body.prompt, options: options, model: model.name)
        if body.stream == true {
            let stream = ResponseBody { writer in
                do {
                    for try await piece in pieces {
                        try await writer.write(ByteBuffer(string: "data: " + Self.json(Piece(text: piece)) + "\n\n"))
                    }
                    try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                } catch {
                    // Headers are gone: the error travels as an event, and the stream still ends.
                    try await writer.write(ByteBuffer(string: "event: error\ndata: " + Self.json(["error": "\(error)"]) + "\n\n"))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"],
                            body: stream)
        }
        var text = ""
        for try await piece in pieces { text += piece }
        return JSONResponse.make(Answer(model: model.name, text: text))
    }

    /// The generation on a thread of its own (it is CPU-bound), its pieces as they come; the slot is
    /// given back when the thread ends, whether or not anybody still reads.
    private func run(_ generator: TextGenerator, prompt: String, options: GenerationOptions, model: String) -> AsyncThrowingStream<String, any Error> {
        let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let thread = Thread { [slots, metrics] in
            var count = 0
            do {
                try generator.generate(prompt: prompt, options: options) { piece in
                    count += 1
                    continuation.yield(piece)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
            metrics.answered(model: model, sentences: 1, tokens: count)
            slots.release()
        }
        thread.start()
        return stream
    }

    private static func json<Value: Encodable>(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    /// A counting semaphore with a bounded queue: `acquire` waits for a free slot, or throws 503 when
    /// `waiting` requests already wait.
    final class Slots: @unchecked Sendable {   // every field is guarded by `lock`
        private let lock = NSLock()
        private var free: Int
        private let maxWaiting: Int
        private var waiters: [CheckedContinuation<Void, any Error>] = []

        init(running: Int, waiting: Int) {
            free = max(1, running)
            maxWaiting = waiting
        }

        func acquire(_ name: String) async throws {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.withLock {
                    if free > 0 {
                        free -= 1
                        continuation.resume()
                    } else if waiters.count < maxWaiting {
                        waiters.append(continuation)
                    } else {
                        continuation.resume(throwing: ServeError.queueFull(name, retryAfter: 1))
                    }
                }
            }
        }

        func release() {
            lock.withLock {
                if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
            }
        }
    }
}
