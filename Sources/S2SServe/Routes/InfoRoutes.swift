// What is not a model call: GET /health (for load balancers and tests), GET /models (each model's name,
// kind and settings), GET /metrics (Prometheus text) and the web page at / with its script and style,
// compiled into the binary (SwiftPM embeds Web/ as byte arrays), so a copied binary still serves them.
import Foundation
import Hummingbird

struct InfoRoutes: Sendable {
    let models: ServedModels
    let metrics: ServeMetrics

    func add(to router: Router<BasicRequestContext>) {
        router.get("health") { _, _ in JSONResponse.make(["status": "ok"]) }
        router.get("models") { _, _ in modelList() }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        router.get("/") { _, _ in Self.asset(PackageResources.index_html, type: "text/html; charset=utf-8") }
        router.get("app.js") { _, _ in Self.asset(PackageResources.app_js, type: "text/javascript; charset=utf-8") }
        router.get("style.css") { _, _ in Self.asset(PackageResources.style_css, type: "text/css; charset=utf-8") }
    }

    /// `{"models": [{"name", "kind", "settings", "labels"?}]}`, in the order the server was given them.
    private func modelList() -> Response {
        let list: [[String: Any]] = models.all.map { model in
            var entry: [String: Any] = ["name": model.name, "kind": model.kind, "settings": model.settings]
            if case .classifier(let classifier) = model.task { entry["labels"] = classifier.labels }
            return entry
        }
        let data = (try? JSONSerialization.data(withJSONObject: ["models": list], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
