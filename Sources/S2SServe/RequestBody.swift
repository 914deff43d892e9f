// Reading a request's JSON body within the server's limits, with errors that say what is wrong and
// where: "body is not JSON: …" (400), "0.src: expected a string, found a number" (400), "the body is over
// 1048576 bytes" (413).
import Foundation
import Hummingbird
import NIOCore

enum RequestBody {
    /// The body decoded as `Value`; throws `ServeError` (400 or 413).
    static func decode<Value: Decodable>(_ type: Value.Type, from request: Request, limit: Int) async throws -> Value {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch is NIOTooManyBytesError {
            throw ServeError(.contentTooLarge, "the request body is over the server's limit of \(limit) bytes")
        } catch {
            // The body stream fails on framing the HTTP parser rejects (a chunk size that is not hexadecimal,
            // a body cut short): the request's fault, not the server's.
            throw ServeError.badRequest("the request body could not be read: \(error)")
        }
        let data = Data(buffer: buffer)
        // Parse first, so malformed JSON and a wrong shape get different messages.
        do { _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw ServeError.badRequest("the request body is not valid JSON")
        }
        do { return try JSONDecoder().decode(Value.self, from: data) } catch let error as DecodingError {
            throw ServeError.badRequest(describe(error))
        } catch let error as ServeError {
            throw error
        }
    }

    /// "path: problem" for a decoding error.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let joined = codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "the body" : joined
        }
        switch error {
        case .typeMismatch(let type, let context):
            // Our own types (OneOrMany) say what they expect; the decoder's own messages do not.
            let expected = context.debugDescription.hasPrefix("expected ") ? String(context.debugDescription.dropFirst(9)) : name(of: type)
            return "\(path(context.codingPath)): expected \(expected)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(name(of: type)), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "the body does not have the expected shape"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

/// A JSON value that may be one string or an array of strings (LibreTranslate's `q`, `/classify`'s `text`).
enum OneOrMany: Decodable, Sendable {
    case one(String)
    case many([String])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) { self = .one(one); return }
        if let many = try? container.decode([String].self) { self = .many(many); return }
        throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath,
                                                           debugDescription: "expected a string or an array of strings"))
    }

    var lines: [String] {
        switch self {
        case .one(let line): [line]
        case .many(let lines): lines
        }
    }
}

/// Checks the server's per-request limits on `lines`: their count and each one's length.
func checkLines(_ lines: [String], field: String, _ configuration: ServeConfiguration) throws {
    guard lines.count <= configuration.maxSentencesPerRequest else {
        throw ServeError.badRequest("\(field): \(lines.count) sentences, over the server's limit of \(configuration.maxSentencesPerRequest) a request")
    }
    if let index = lines.firstIndex(where: { $0.utf8.count > configuration.maxLineBytes }) {
        throw ServeError.badRequest("\(field)[\(index)]: \(lines[index].utf8.count) bytes, over the server's limit of \(configuration.maxLineBytes) a sentence")
    }
}
