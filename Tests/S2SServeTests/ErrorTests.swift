// Every class of bad request gets its own status and a JSON error that says what is wrong; the server
// goes on serving after each.
import Foundation
import Testing
import S2STestSupport

@Suite struct ErrorTests {
    @Test func badRequestsGetStatusAndJSONError() async throws {
        try await TestServer.serving(configure: { $0.maxBodyBytes = 4096; $0.maxLineBytes = 200; $0.maxSentencesPerRequest = 3; $0.maxGenerationTokens = 100 }) { port in
            func check(_ reply: HTTPReply, _ status: Int, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
                #expect(reply.status == status, "\(reply.status) \(reply.text)", sourceLocation: sourceLocation)
                #expect(reply.headers["content-type"]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
                #expect(reply.error?.contains(fragment) == true, "error: \(reply.text)", sourceLocation: sourceLocation)
            }
            // Malformed JSON, on every endpoint that reads a body.
            for path in ["/translator/translate", "/translate", "/classify", "/generate"] {
                check(try await HTTPClient.post(port: port, path, raw: #"{"q": "unterminated"#), 400, "not valid JSON")
            }
            // Wrong types, named by their path.
            check(try await HTTPClient.post(port: port, "/translate", json: ["q": 5]), 400, "q: expected a string or an array of strings")
            check(try await HTTPClient.post(port: port, "/translator/translate", json: [["src": 3]]), 400, "0.src: expected a string")
            check(try await HTTPClient.post(port: port, "/translator/translate", json: ["src": "x"]), 400, "expected an array")
            check(try await HTTPClient.post(port: port, "/generate", json: ["model": "rhyme"]), 400, "prompt: missing")
            check(try await HTTPClient.post(port: port, "/generate", json: ["prompt": "a", "max_tokens": "ten"]), 400, "max_tokens: expected an integer")
            // Out of range.
            check(try await HTTPClient.post(port: port, "/generate", json: ["prompt": "a", "max_tokens": 101]), 400, "max_tokens: must lie in 0...100")
            check(try await HTTPClient.post(port: port, "/generate", json: ["prompt": "a", "top_p": 0]), 400, "top_p")
            check(try await HTTPClient.post(port: port, "/translate", json: ["q": ["a", "b", "c", "d"]]), 400, "4 sentences, over the server's limit of 3")
            check(try await HTTPClient.post(port: port, "/classify", json: ["text": ["fine", String(repeating: "x", count: 201)]]), 400, "text[1]: 201 bytes")
            // Oversize body.
            let big = try JSONSerialization.data(withJSONObject: ["q": String(repeating: "a ", count: 50_000)])
            check(try await HTTPClient.request(port: port, "POST", "/translate", body: big), 413, "over the server's limit of 4096 bytes")
            // A chunked body whose framing is broken (a chunk size that is not hexadecimal): the client's fault.
            let broken = "POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"q\":\r\nzz\r\n\"a\"}\r\n0\r\n\r\n"
            check(try await HTTPClient.sendRaw(port: port, broken), 400, "request body")
            // Unknown model, a model of another kind, an unknown endpoint.
            check(try await HTTPClient.post(port: port, "/classify", json: ["model": "nope", "text": "x"]), 404, "no model \"nope\"; classifier models served: sentiment")
            check(try await HTTPClient.post(port: port, "/classify", json: ["model": "digits", "text": "x"]), 404, "\"digits\" is a translator, not a classifier")
            check(try await HTTPClient.post(port: port, "/translator/translate", json: [["src": "x", "id": 7]]), 404, "no model with id 7")
            check(try await HTTPClient.get(port: port, "/nowhere"), 404, "no such endpoint")
            // Still serving.
            #expect(try await HTTPClient.get(port: port, "/health").status == 200)
        }
    }

    @Test func serverWithoutAModelOfTheKind() async throws {
        try await TestServer.serving(models: [TestServer.tinyModels()[0]]) { port in
            let reply = try await HTTPClient.post(port: port, "/classify", json: ["text": "x"])
            #expect(reply.status == 404 && reply.error == "this server serves no classifier model")
        }
    }
}
