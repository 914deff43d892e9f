// Translation over HTTP in the two formats translation clients already speak:
// - OpenNMT-py's REST server: POST /translator/translate, `[{"src": "…", "id": "en-de"}]` →
//   `[[{"src", "tgt", "n_best", "pred_score"}]]` (n-best hypotheses one after another). `"attention":
//   true` on an item adds its source and target tokens and attention matrix (the web page's heatmap).
// - LibreTranslate: POST /translate, `{"q": "…" | ["…"], "source": "en", "target": "de"}` →
//   `{"translatedText": "…" | ["…"]}`; `"alternatives": N` adds N more hypotheses.
// Sentences of concurrent requests are decoded together by the model's `RequestBatcher`.
import Foundation
import Hummingbird
import S2STasks

/// One translation model's batcher and the server's search options.
struct TranslationService: Sendable {
    let model: ServedModel
    let batcher: RequestBatcher<TranslationOptions, String, TranslationResult>

    init(model: ServedModel, translator: Translator, configuration: ServeConfiguration, metrics: ServeMetrics) {
        self.model = model
        let threads = configuration.threads
        let name = model.name
        batcher = RequestBatcher(name: name, configuration: configuration, metrics: metrics) { options, lines in
            var options = options
            options.threads = threads
            options.batchSize = max(1, (lines.count + threads - 1) / threads)   // one batch a core
            let results = try translator.translate(lines, options: options)
            metrics.answered(model: name, sentences: lines.count, tokens: results.reduce(0) { $0 + $1.hypotheses[0].tokens.count })
            return results
        }
    }
}

struct TranslationRoutes: Sendable {
    let services: [String: TranslationService]
    let models: ServedModels
    let configuration: ServeConfiguration

    func add(to router: Router<BasicRequestContext>) {
        router.post("translator/translate") { request, _ in try await openNMT(request) }
        router.post("translate") { request, _ in try await libreTranslate(request) }
    }

    private func service(named name: String?) throws -> TranslationService {
        let model = try models.model(named: name, kind: TranslationBundleConfig.kind)
        return services[model.name]!
    }

    // MARK: - OpenNMT-py

    struct OpenNMTItem: Decodable {
        var src: String
        /// The model: its name, its id in an OpenNMT-py configuration, or its position in GET /models.
        var id: ModelID?
        var attention: Bool?
    }

    enum ModelID: Decodable, Equatable {
        case name(String)
        case index(Int)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let index = try? container.decode(Int.self) { self = .index(index); return }
            self = .name(try container.decode(String.self))
        }
    }

    struct OpenNMTTranslation: Encodable {
        var src: String
        var tgt: String
        var n_best: Int
        var pred_score: Double
        var src_tokens: [String]?
        var tgt_tokens: [String]?
        var attention: [[Float]]?
    }

    private func openNMT(_ request: Request) async throws -> Response {
        let items = try await RequestBody.decode([OpenNMTItem].self, from: request, limit: configuration.maxBodyBytes)
        try checkLines(items.map(\.src), field: "src", configuration)
        guard let first = items.first else { return JSONResponse.make([[OpenNMTTranslation]]([[]])) }
        // OpenNMT-py translates a request with the model of its first item; mixing models is refused.
        guard items.allSatisfy({ $0.id == first.id }) else { throw ServeError.badRequest("all items of a request must name the same model (id)") }
        let name: String?
        switch first.id {
        case .name(let model): name = model
        case .index(let index):
            if let model = models.all.first(where: { $0.openNMTId == index }) {   // an OpenNMT-py configuration's id
                name = model.name
            } else {
                guard models.all.indices.contains(index) else { throw ServeError.notFound("no model with id \(index) (GET /models lists them from 0)") }
                name = models.all[index].name
            }
        case nil: name = nil
        }
        let service = try service(named: name)
        var options = service.model.translationOptions ?? configuration.translation
        options.attention = items.contains { $0.attention == true }
        let results = try await service.batcher.submit(items.map(\.src), key: options)
        var out: [OpenNMTTranslation] = []
        for (item, result) in zip(items, results) {
            // Exactly n_best entries a sentence, as OpenNMT-py's clients count on (an empty line has one
            // hypothesis: it is repeated).
            let padding = Array(repeating: result.hypotheses[result.hypotheses.count - 1], count: max(0, options.nBest - result.hypotheses.count))
            for hypothesis in result.hypotheses + padding {
                let attention = item.attention == true
                out.append(OpenNMTTranslation(src: item.src, tgt: hypothesis.text, n_best: options.nBest, pred_score: hypothesis.score,
                                              src_tokens: attention ? result.sourceTokens : nil,
                                              tgt_tokens: attention ? hypothesis.tokens : nil,
                                              attention: attention ? hypothesis.attention ?? [] : nil))
            }
        }
        return JSONResponse.make([out])
    }

    // MARK: - LibreTranslate

    struct LibreRequest: Decodable {
        var q: OneOrMany
        var source: String?
        var target: String?
        var format: String?
        var alternatives: Int?
        /// An s2s extension: the model by name.
        var model: String?
    }

    struct LibreOne: Encodable {
        var translatedText: String
        var alternatives: [String]?
    }

    struct LibreMany: Encodable {
        var translatedText: [String]
        var alternatives: [[String]]?
    }

    private func libreTranslate(_ request: Request) async throws -> Response {
        let body = try await RequestBody.decode(LibreRequest.self, from: request, limit: configuration.maxBodyBytes)
        let lines = body.q.lines
        try checkLines(lines, field: "q", configuration)
        if let format = body.format, format != "text" { throw ServeError.badRequest("format: only \"text\" is supported") }
        let alternatives = body.alternatives ?? 0
        guard (0...10).contains(alternatives) else { throw ServeError.badRequest("alternatives: must lie in 0...10") }
        // The model: named, else the one called "source-target", else the only translator.
        var name = body.model
        if name == nil, let source = body.source, let target = body.target,
           models.all.contains(where: { $0.name == "\(source)-\(target)" }) {
            name = "\(source)-\(target)"
        }
        let service = try service(named: name)
        var options = service.model.translationOptions ?? configuration.translation
        options.nBest = 1 + alternatives
        options.beamSize = max(options.beamSize, options.nBest)
        let results = try await service.batcher.submit(lines, key: options)
        let texts = results.map(\.text)
        let others = alternatives > 0 ? results.map { $0.hypotheses.dropFirst().map(\.text) } : nil
        switch body.q {
        case .one: return JSONResponse.make(LibreOne(translatedText: texts[0], alternatives: others?[0]))
        case .many: return JSONResponse.make(LibreMany(translatedText: texts, alternatives: others))
        }
    }
}
