// Every failure a request can meet, as the HTTP status and JSON body a client gets: `{"error": "..."}`,
// the shape OpenNMT-py's REST server and LibreTranslate both answer errors with.
import Foundation
import Hummingbird

/// An error answered to the client with `status` and `{"error": message}`.
struct ServeError: Error, CustomStringConvertible, Sendable {
    let status: HTTPResponse.Status
    let message: String
    /// Extra headers (Retry-After for 503).
    var headers: HTTPFields = [:]

    var description: String { message }

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static func badRequest(_ message: String) -> ServeError { ServeError(.badRequest, message) }
    static func notFound(_ message: String) -> ServeError { ServeError(.notFound, message) }

    /// The queue is full: come back in `seconds`.
    static func queueFull(_ what: String, retryAfter seconds: Int) -> ServeError {
        var error = ServeError(.serviceUnavailable, "\(what): too many requests waiting; retry in \(seconds) s")
        error.headers[.retryAfter] = String(seconds)
        return error
    }

    static func timeout(_ seconds: Double) -> ServeError {
        ServeError(.gatewayTimeout, "no answer within the server's request timeout (\(seconds) s)")
    }

    /// The JSON response.
    var response: Response {
        var response = JSONResponse.make(["error": message], status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}

/// JSON responses: UTF-8, the same bytes for the same value (keys in encoding order).
enum JSONResponse {
    static func make<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]   // the same bytes for the same value
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"cannot encode the response"}"#.utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
