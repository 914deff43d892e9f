// POST /classify: `{"model": "airline", "text": "…" | ["…"]}` → each line's label and the probability of
// every label, in the model's label order. An empty line gets `"label": null` and no probabilities, as
// `s2s classify` prints an empty line for it. Lines of concurrent requests are classified together.
import Foundation
import Hummingbird
import S2STasks

struct ClassificationService: Sendable {
    let model: ServedModel
    let classifier: Classifier
    let batcher: RequestBatcher<Int, String, ClassificationResult>

    init(model: ServedModel, classifier: Classifier, configuration: ServeConfiguration, metrics: ServeMetrics) {
        self.model = model
        self.classifier = classifier
        let name = model.name
        batcher = RequestBatcher(name: name, configuration: configuration, metrics: metrics) { _, lines in
            let results = try classifier.classify(lines)
            metrics.answered(model: name, sentences: lines.count, tokens: 0)
            return results
        }
    }
}

struct ClassificationRoutes: Sendable {
    let services: [String: ClassificationService]
    let models: ServedModels
    let configuration: ServeConfiguration

    func add(to router: Router<BasicRequestContext>) {
        router.post("classify") { request, _ in try await classify(request) }
    }

    struct Body: Decodable {
        var text: OneOrMany
        var model: String?
    }

    struct Line: Encodable {
        var text: String
        var label: String?
        /// Label → probability.
        var probabilities: [String: Float]
        var cropped: Bool?
    }

    struct Answer: Encodable {
        var model: String
        var labels: [String]
        var results: [Line]
    }

    private func classify(_ request: Request) async throws -> Response {
        let body = try await RequestBody.decode(Body.self, from: request, limit: configuration.maxBodyBytes)
        let lines = body.text.lines
        try checkLines(lines, field: "text", configuration)
        let model = try models.model(named: body.model, kind: ClassificationBundle.kind)
        let service = services[model.name]!
        let labels = service.classifier.labels
        let results = try await service.batcher.submit(lines, key: 0)
        let answer = zip(lines, results).map { line, result in
            Line(text: line, label: result.label,
                 probabilities: Dictionary(uniqueKeysWithValues: zip(labels, result.probabilities)),
                 cropped: result.cropped ? true : nil)
        }
        return JSONResponse.make(Answer(model: model.name, labels: labels, results: answer))
    }
}
