// The two things every request passes through: errors become JSON answers (`{"error": "…"}` with the
// right status: a thrown `ServeError`, a route Hummingbird does not know, an option the task layer
// rejects), and each answer is counted and timed for /metrics.
import Foundation
import Hummingbird
import S2STasks
import S2SText

struct ErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch {
            return Self.serveError(error).response
        }
    }

    static func serveError(_ error: any Error) -> ServeError {
        switch error {
        case let error as ServeError: return error
        case let error as OptionsError: return .badRequest(error.description)
        case let error as TextError: return .badRequest(error.description)
        case let error as any HTTPResponseError:
            let message = error.status == .notFound ? "no such endpoint" : error.status.reasonPhrase
            return ServeError(error.status, message)
        default: return ServeError(.internalServerError, "\(error)")
        }
    }
}

struct MetricsMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let metrics: ServeMetrics
    /// Endpoints counted under their own name; any other path counts as "other" (bounded labels).
    static let endpoints: Set<String> = ["/translator/translate", "/translate", "/classify", "/generate",
                                         "/health", "/models", "/metrics", "/", "/app.js", "/style.css"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now()
        let path = request.uri.path
        let endpoint = Self.endpoints.contains(path) ? path : "other"
        let response: Response
        do { response = try await next(request, context) } catch {
            response = ErrorMiddleware.serveError(error).response
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        metrics.request(endpoint: endpoint, status: response.status.code, seconds: seconds)
        return response
    }
}
