// Each endpoint's happy path, through a real server on a loopback port: the answers must be the task
// layer's own results (the same translation, probabilities and text as calling it directly).
import Foundation
import Testing
@testable import S2SServe
import S2STasks
import S2STestSupport

@Suite struct EndpointTests {
    @Test func healthAndModels() async throws {
        try await TestServer.serving { port in
            let health = try await HTTPClient.get(port: port, "/health")
            #expect(health.status == 200 && health.text == #"{"status":"ok"}"#)
            let models = try await HTTPClient.get(port: port, "/models")
            let list = try #require((models.json as? [String: Any])?["models"] as? [[String: Any]])
            #expect(list.map { $0["name"] as? String } == ["digits", "sentiment", "rhyme"])
            #expect(list.map { $0["kind"] as? String } == ["translator", "classifier", "language-model"])
            #expect((list[0]["settings"] as? [String: Any])?["encoderHiddenSize"] as? Int == 32)
            #expect(list[1]["labels"] as? [String] == (try TinyClassifier.shared.get().labels))
        }
    }

    @Test func openNMTTranslate() async throws {
        try await TestServer.serving { port in
            let translator = try TinyTranslator.shared.get().translator
            let source = TinyTranslator.pair("314").source
            let reply = try await HTTPClient.post(port: port, "/translator/translate",
                                                  json: [["src": source, "id": "digits"], ["src": "", "id": "digits"]])
            #expect(reply.status == 200)
            let entries = try #require((reply.json as? [[[String: Any]]])?.first)
            let expected = try translator.translate([source])[0]
            #expect(entries.count == 2)
            #expect(entries[0]["src"] as? String == source && entries[0]["tgt"] as? String == expected.text)
            #expect(entries[0]["n_best"] as? Int == 1)
            #expect(abs((entries[0]["pred_score"] as? Double ?? 0) - expected.hypotheses[0].score) < 1e-9)
            #expect(entries[1]["tgt"] as? String == "")   // an empty line stays empty
            // An integer id is the model's position in GET /models; attention adds tokens and weights.
            let withAttention = try await HTTPClient.post(port: port, "/translator/translate",
                                                          json: [["src": source, "id": 0, "attention": true]])
            let entry = try #require((withAttention.json as? [[[String: Any]]])?.first?.first)
            let rows = try #require(entry["attention"] as? [[Double]])
            #expect(entry["tgt"] as? String == expected.text)
            #expect(entry["src_tokens"] as? [String] == source.split(separator: " ").map(String.init))
            #expect(rows.count == (entry["tgt_tokens"] as? [String])?.count && rows.allSatisfy { abs($0.reduce(0, +) - 1) < 1e-3 })
        }
    }

    @Test func libreTranslate() async throws {
        try await TestServer.serving { port in
            let translator = try TinyTranslator.shared.get().translator
            let sources = ["42", "7", "1999"].map { TinyTranslator.pair($0).source }
            let one = try await HTTPClient.post(port: port, "/translate", json: ["q": sources[0], "source": "en", "target": "de"])
            #expect(one.status == 200)
            #expect((one.json as? [String: Any])?["translatedText"] as? String == (try translator.translate(sources[0])))
            let many = try await HTTPClient.post(port: port, "/translate", json: ["q": sources, "alternatives": 2])
            let body = try #require(many.json as? [String: Any])
            var options = TranslationOptions()
            options.nBest = 3
            let expected = try translator.translate(sources, options: options)
            #expect(body["translatedText"] as? [String] == expected.map(\.text))
            #expect(body["alternatives"] as? [[String]] == expected.map { $0.hypotheses.dropFirst().map(\.text) })
        }
    }

    @Test func classify() async throws {
        try await TestServer.serving { port in
            let classifier = try TinyClassifier.shared.get()
            let lines = ["great flight , thanks", "terrible delay", ""]
            let reply = try await HTTPClient.post(port: port, "/classify", json: ["model": "sentiment", "text": lines])
            #expect(reply.status == 200)
            let body = try #require(reply.json as? [String: Any])
            let results = try #require(body["results"] as? [[String: Any]])
            let expected = try classifier.classify(lines)
            #expect(body["labels"] as? [String] == classifier.labels)
            #expect(results.map { $0["label"] as? String } == expected.map(\.label))
            for (result, direct) in zip(results, expected) where direct.label != nil {
                let probabilities = try #require(result["probabilities"] as? [String: Double])
                for (label, probability) in zip(classifier.labels, direct.probabilities) {
                    #expect(probabilities[label].map(Float.init) == probability)   // JSON keeps a Float exactly
                }
            }
            #expect((results[2]["probabilities"] as? [String: Double])?.isEmpty == true)   // an empty line is not classified
        }
    }

    @Test func generateAndStream() async throws {
        try await TestServer.serving { port in
            let generator = try TinyLanguageModel.shared.get()
            let request: [String: Any] = ["model": "rhyme", "prompt": "twinkle", "max_tokens": 60, "temperature": 0.9, "seed": 11]
            let plain = try await HTTPClient.post(port: port, "/generate", json: request)
            #expect(plain.status == 200)
            let text = try #require((plain.json as? [String: Any])?["text"] as? String)
            var options = GenerationOptions()
            options.maxTokens = 60
            options.temperature = 0.9
            options.seed = 11
            options.echoPrompt = false
            #expect(text == (try generator.generate(prompt: "twinkle", options: options)))
            #expect(text.count > 20)

            var streamed = request
            streamed["stream"] = true
            let reply = try await HTTPClient.post(port: port, "/generate", json: streamed)
            #expect(reply.status == 200 && reply.headers["content-type"]?.hasPrefix("text/event-stream") == true)
            let events = reply.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.last == "data: [DONE]")
            let pieces = try events.dropLast().map { event -> String in
                #expect(event.hasPrefix("data: "))
                let json = try JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: String]
                return json?["text"] ?? "<missing>"
            }
            #expect(pieces.count > 1)              // pieces, not one block
            #expect(pieces.joined() == text)       // joined, the non-streamed text for the same seed
        }
    }

    @Test func metricsCountRequestsBatchesAndErrors() async throws {
        try await TestServer.serving { port in
            _ = try await HTTPClient.post(port: port, "/translate", json: ["q": [TinyTranslator.pair("12").source, TinyTranslator.pair("3").source]])
            _ = try await HTTPClient.post(port: port, "/translate", raw: "{")
            let metrics = try await HTTPClient.get(port: port, "/metrics")
            #expect(metrics.status == 200 && metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let lines = Set(metrics.text.split(separator: "\n").map(String.init))
            #expect(lines.contains(#"s2s_requests_total{endpoint="/translate",status="200"} 1"#))
            #expect(lines.contains(#"s2s_requests_total{endpoint="/translate",status="400"} 1"#))
            #expect(lines.contains(#"s2s_request_errors_total{endpoint="/translate"} 1"#))
            #expect(lines.contains(#"s2s_batch_sentences_count{model="digits"} 1"#))
            #expect(lines.contains(#"s2s_batch_sentences_sum{model="digits"} 2.0"#))
            #expect(lines.contains(#"s2s_sentences_total{model="digits"} 2"#))
            #expect(lines.contains(#"s2s_request_duration_seconds_count{endpoint="/translate"} 2"#))
        }
    }

    @Test func webPage() async throws {
        try await TestServer.serving { port in
            let page = try await HTTPClient.get(port: port, "/")
            #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("app.js") && page.text.contains("translate-input"))
            let script = try await HTTPClient.get(port: port, "/app.js")
            #expect(script.status == 200 && script.text.contains("/translator/translate"))
            let style = try await HTTPClient.get(port: port, "/style.css")
            #expect(style.status == 200 && style.headers["content-type"]?.hasPrefix("text/css") == true)
        }
    }
}

/// An OpenNMT-py server's configuration: its checkpoint imported at start-up and served under id 100 (the
/// id of OpenNMT-py's example conf.json) with its opt, answering as onmt_translate did.
@Suite struct OpenNMTConfigTests {
    @Test func aConfJsonModelAnswersUnderItsId() async throws {
        let fixtures = Repository.fixtures("S2STasksTests") + "/opennmt"
        let root = TemporaryDirectory("serve-onmt-conf")
        defer { root.remove() }
        let conf = root.write("conf.json", """
            {"models_root": "\(fixtures)", "models": [{"id": 100, "model": "rnn_gru_general.pt", "timeout": 600,
             "on_timeout": "to_cpu", "load": true, "opt": {"gpu": 0, "beam_size": 5}}]}
            """)
        let expected = try String(contentsOfFile: fixtures + "/rnn_gru_general.expected.tsv", encoding: .utf8)
            .split(separator: "\n").prefix(3).map { $0.split(separator: "\t").map(String.init) }
        var configuration = ServeConfiguration(models: [])
        configuration.port = 0
        configuration.openNMTConfig = conf
        let server = try ModelServer(configuration: configuration)
        #expect(server.modelNames.map(\.name) == ["100"])
        // The imported copy of the checkpoint is gone once loaded; the model still translates below.
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.temporaryDirectory.path + "/s2s-serve-opennmt-\(getpid())"))
        try await TestServer.serving(server) { port in
            let reply = try await HTTPClient.post(port: port, "/translator/translate", json: expected.map { ["src": $0[0], "id": 100] })
            #expect(reply.status == 200)
            let entries = try #require((reply.json as? [[[String: Any]]])?.first)
            #expect(entries.map { $0["tgt"] as? String } == expected.map { $0[1] })
            for (entry, row) in zip(entries, expected) {
                #expect(abs((entry["pred_score"] as? Double ?? 0) - Double(row[2])!) < 1e-4)
            }
            let missing = try await HTTPClient.post(port: port, "/translator/translate", json: [["src": "a dog", "id": 101]])
            #expect(missing.status == 404)
        }
    }

    /// `opt` as onmt_server reads it: OpenNMT-py's translate defaults for what it leaves out.
    @Test func optTakesOpenNMTPysDefaults() throws {
        func options(_ json: String) throws -> TranslationOptions {
            let opt = try JSONDecoder().decode(OpenNMTServerConfig.Options.self, from: Data(json.utf8))
            return try OpenNMTServerConfig.options(opt, model: 7, file: "conf.json")
        }
        let defaults = try OpenNMTServerConfig.options(nil, model: 7, file: "conf.json")
        #expect(defaults.beamSize == 5 && defaults.lengthPenalty == .average)
        #expect(defaults.maxLength == 250 && defaults.maxLengthRatio == 1.25)
        let set = try options(#"{"max_length": 20, "max_length_ratio": 2, "length_penalty": "wu", "n_best": 2}"#)
        #expect(set.maxLength == 20 && set.maxLengthRatio == 2 && set.lengthPenalty == .wu(alpha: 1) && set.nBest == 2)
        let noRatio = try options(#"{"max_length": 40, "max_length_ratio": 0}"#)
        #expect(OutputLengthLimit(ratio: noRatio.maxLengthRatio, cap: noRatio.maxLength).tokens(sourceLength: 1) == 40)
        #expect(throws: ServeError.self) { try options(#"{"length_penalty": "avg", "alpha": 0.6}"#) }
        #expect(throws: ServeError.self) { try options(#"{"max_length": 0}"#) }
    }
}
