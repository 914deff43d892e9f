// Batched, multi-threaded inference: one row per input line in order (empty lines included), the same
// numbers on 1, 2 and 3 threads and in any batch size.
import Testing
import S2SCore
import S2SText
@testable import S2STasks
import S2SModels

@Suite struct ClassifierPredictorTests {
    func makePredictor(threads: Int, batchSize: Int) throws -> ClassifierPredictor {
        var builder = try PipelineBuilder(settings: TokenizerSettings(lowercase: true, tweet: true))
        for line in ["great flight thanks", "lost my bag again", "delayed again @united"] { try builder.add(line) }
        let text = try builder.build()
        var rng = Generator(seed: 5)
        let model = ClassificationModel(config: ClassificationConfig(vocabularySize: text.vocabulary.count, classes: 3,
                                                        embeddingSize: 8, hiddenSize: 8), rng: &rng)
        return try ClassifierPredictor(model: model, text: text, threads: threads, batchSize: batchSize)
    }

    let lines = ["great flight thanks", "", "lost my bag again and again and again", "   ", "delayed",
                 "@united great", "", "thanks"]

    @Test func oneRowPerLineInOrderOnAnyThreadsAndBatchSize() throws {
        let reference = try makePredictor(threads: 1, batchSize: 256).probabilities(lines: lines)
        #expect(reference.count == lines.count)
        #expect(reference[1] == reference[6])   // both empty
        for (threads, batchSize) in [(2, 3), (3, 1), (2, 256)] {
            let rows = try makePredictor(threads: threads, batchSize: batchSize).probabilities(lines: lines)
            #expect(rows.count == lines.count)
            for (a, b) in zip(rows, reference) { for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-5) } }
        }
        // Each line alone gives its row.
        let single = try makePredictor(threads: 1, batchSize: 1)
        for (line, row) in zip(lines, reference) {
            for (x, y) in zip(try single.probabilities(lines: [line])[0], row) { #expect(abs(x - y) < 1e-5) }
        }
        #expect(try makePredictor(threads: 2, batchSize: 4).probabilities(lines: []).isEmpty)
    }

    @Test func argmaxTakesTheFirstMaximum() {
        #expect([0.2, 0.7, 0.7, 0.1].argmax == 1)
        #expect([Float]().argmax == nil)
    }
}
