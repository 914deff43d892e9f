// The language model's and the classifier's training data through the prepared corpus: the same tokens,
// lines, examples, labels and counts as reading the file into memory, for any number of threads; reused
// while nothing changed, with the pipeline kept beside the ids.
import Testing
import Foundation
import S2SModels
import S2SText
import S2STraining
import S2STestSupport
@testable import S2STasks

@Suite struct PreparedTextAndExamplesTests {
    static let text = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak. Ünïcode — “quotes” 🙂\n"

    @Test func aLanguageModelsTextIsTheTokensItWouldHoldInMemory() throws {
        let root = TemporaryDirectory("prepared-text")
        defer { root.remove() }
        let path = root.write("train.txt", String(repeating: Self.text, count: 30))
        let settings = TokenizerSettings(unit: .characters)
        let processor = try LanguageModelText.buildPipeline(path: path, settings: settings)
        let threaded = try LanguageModelText.buildPipeline(path: path, settings: settings, threads: 3)
        #expect(processor.pipeline == threaded.pipeline)

        let inMemory = try LanguageModelData(path: path, processor: processor)
        var said: [String] = []
        let prepared = try PreparedText.prepare(path: path, processor: processor, threads: 3, into: root.file("data"),
                                                textSettings: ["unit": "characters"]) { said.append($0) }
        #expect(prepared.tokens.count == inMemory.tokens.count && prepared.tokens.slice(0..<prepared.tokens.count) == inMemory.tokens)
        #expect(prepared.lines == inMemory.lines && prepared.lines == 150)
        let mapped = try BPTTBatches(sequence: prepared.tokens, batchSize: 4, bptt: 16, seed: 3)
        let held = try BPTTBatches(tokens: inMemory.tokens, batchSize: 4, bptt: 16, seed: 3)
        #expect(mapped.batches(epoch: 2).map { $0.streams.block(rows: $0.rows, columns: $0.columns).inputs }
                == held.batches(epoch: 2).map { $0.streams.block(rows: $0.rows, columns: $0.columns).inputs })

        said = []
        _ = try PreparedText.prepare(path: path, processor: processor, into: root.file("data")) { said.append($0) }
        #expect(said == ["training text: the prepared corpus in \(root.file("data")) (\(inMemory.tokens.count) tokens)"])
        let cached = try #require(try PreparedText.cached(path: path, textSettings: ["unit": "characters"], in: root.file("data")))
        #expect(cached.processor.pipeline == processor.pipeline)
        #expect(try PreparedText.cached(path: path, textSettings: ["unit": "words"], in: root.file("data")) == nil)
    }

    @Test func aClassifiersExamplesAreThoseReadIntoMemory() throws {
        let root = TemporaryDirectory("prepared-examples")
        defer { root.remove() }
        let lines = ["positive\tLoved the flight!! @united", "negative\tdelayed again...", "neutral\twhat time is it",
                     "negative\tlost my bag #fail", "", "positive\tgreat crew 😀", "neutral\tok"]
        let path = root.write("train.tsv", Array(repeating: lines.joined(separator: "\n"), count: 5).joined(separator: "\n") + "\n")
        let options = ClassificationTrainingOptions()
        let keep: Set<String> = ["negative", "positive"]
        let data = try ClassificationData.read(path: path, keep: keep)
        let reference = try ClassificationText.buildPipeline(examples: data.examples, settings: options.tokenizer, minCount: 1)

        let scanned = try ClassificationText.scan(path: path, format: .auto, keep: keep,
                                                  pipeline: try PipelineBuilder(settings: options.tokenizer), threads: 3, progress: { _ in })
        #expect(scanned.labels == ["negative": 10, "positive": 10])
        let processor = try scanned.counted!.build(minCount: 1)
        #expect(processor.pipeline == reference.pipeline)

        let labels = ["negative", "positive"]
        let prepared = try PreparedExamples.prepare(path: path, format: .auto, labels: labels, processor: processor, threads: 2,
                                                    into: root.file("data"))
        let batch = prepared.batch(Array(0..<prepared.count))
        #expect(batch.sequences == (try ClassificationText.encode(data, with: reference)))
        #expect(batch.labels == data.examples.map { labels.firstIndex(of: $0.label)! })
        #expect(prepared.lengths == batch.sequences.map { UInt16(max(1, $0.count)) })
        #expect(prepared.labelCounts(labels) == [10, 10])
        #expect(prepared.summary(path: path) == data.summary, "\(prepared.summary(path: path)) vs \(data.summary)")

        var said: [String] = []
        _ = try PreparedExamples.prepare(path: path, format: .auto, labels: ["positive", "negative"], processor: processor,
                                         into: root.file("data")) { said.append($0) }
        #expect(said.first?.contains("preparing the training examples again") == true && said.first?.contains("labels") == true,
                "other labels (or another order) prepare the examples again: \(said)")
    }
}
