import Testing
import Foundation
import S2SCore
import S2SDecoding
import S2SNN
import S2SText
import S2STraining
@testable import S2SModels
import S2STasks
import S2STestSupport

@Suite struct LanguageModelTrainingTests {
    static let line = "the cat sat on the mat; the dog ate a frog."

    func trainer(_ task: LanguageModelTraining, directory: String, maxSteps: Int, shards: Int = 1,
                 validateEvery: Int = 10) -> Trainer<LanguageModelTraining> {
        var options = TrainerOptions()
        options.epochs = nil
        options.maxSteps = maxSteps
        options.validateEvery = validateEvery
        options.shards = shards
        options.reportEvery = 1000
        let trainer = Trainer(model: task, optimizer: Adam(learningRate: 0.02), schedule: .constant(0.02),
                              options: options, bundle: ModelBundle(directory: directory))
        trainer.progress = ProgressReporter.silent
        return trainer
    }

    /// The check: a tiny model learns a short text by heart (through the shared trainer,
    /// with carried state), then writes it back greedily from its first characters.
    @Test func overfitsAShortTextAndRegeneratesItGreedily() throws {
        let text = try LMTestSupport.processor([Self.line])
        let tokens = try LanguageModelData(lines: [String](repeating: Self.line, count: 12), processor: text).tokens
        let model = LMTestSupport.model(vocabulary: text.vocabulary.count, hidden: 32, embedding: 12, layers: 1)
        let task = LanguageModelTraining(model: model, streams: 4)
        let data = try BPTTBatches(tokens: tokens, batchSize: 4, bptt: 16, seed: 1)
        let temporary = TemporaryDirectory("lm"), dir = temporary.path
        defer { temporary.remove() }
        let trainer = trainer(task, directory: dir, maxSteps: 250, validateEvery: 0)
        try trainer.run(resume: false) { data.batches(epoch: $0) }

        let prompt = [SpecialTokens.eos] + (try text.encode("the c"))
        var rng = Generator(seed: 1)
        let generator = LanguageModelGenerator(model: model)
        let continuation = Sampler(temperature: 0).generate(model: generator, state: generator.initialState(), prompt: prompt, start: nil,
                                                            maxTokens: Self.line.count - 5 + 1, stopAtEOS: false, using: &rng)
        #expect("the c" + text.decode(continuation) == Self.line)
        #expect(continuation.last == SpecialTokens.eos, "the line should end with a line break")
    }

    /// Training state (weights, Adam, and the recurrent state carried between batches) survives a
    /// checkpoint taken mid-epoch: the resumed run equals the uninterrupted one bit for bit.
    @Test(arguments: [(RecurrentCell.lstm, 1), (.lstm, 2), (.gru, 2), (.rnnTanh, 1)])
    func resumedRunEqualsUninterruptedRunBitForBit(cell: RecurrentCell, shards: Int) throws {
        let tokens = LMTestSupport.tokens(700, vocabulary: 14)
        let data = try BPTTBatches(tokens: tokens, batchSize: 4, bptt: 8, seed: 3)   // 21 batches an epoch
        func task(seed: UInt64) -> LanguageModelTraining {
            LanguageModelTraining(model: LMTestSupport.model(vocabulary: 14, cell: cell, dropout: 0.1, seed: seed), streams: 4)
        }
        let temporary = TemporaryDirectory("lm"), a = temporary.file("a"), b = temporary.file("b")
        defer { temporary.remove() }
        let whole = trainer(task(seed: 1), directory: a, maxSteps: 30, shards: shards)
        try whole.run(resume: false) { data.batches(epoch: $0) }

        let first = trainer(task(seed: 1), directory: b, maxSteps: 15, shards: shards, validateEvery: 15)
        try first.run(resume: false) { data.batches(epoch: $0) }
        #expect(first.state.batchInEpoch == 15, "the checkpoint must fall mid-epoch, where the carried state matters")
        let second = trainer(task(seed: 99), directory: b, maxSteps: 30, shards: shards)
        try second.run(resume: true) { data.batches(epoch: $0) }
        #expect(second.model.parameters.map(\.variable.value) == whole.model.parameters.map(\.variable.value))

        let store = CheckpointStore(modelDirectory: b)
        let saved = try store.modelState(try #require(try store.latest()))
        #expect(saved["carried.h"]?.shape == [2, 4, 12] && saved["carried.h"]!.scalars.contains { $0 != 0 })
        #expect((saved["carried.c"] != nil) == cell.hasCellState)
    }

    /// Batch k+1 of an epoch starts from the state batch k ended with; the first batch from zeros.
    @Test func consecutiveBatchesCarryTheState() throws {
        let tokens = LMTestSupport.tokens(400, vocabulary: 12)
        let model = LMTestSupport.model(vocabulary: 12)
        let task = LanguageModelTraining(model: model, streams: 3)
        let batches = try BPTTBatches(tokens: tokens, batchSize: 3, bptt: 6, seed: 2).batches(epoch: 0)
        let tape = Tape(recording: false)
        _ = task.loss(for: batches[0], tape: tape)
        let carriedLoss = task.loss(for: batches[1], tape: tape).stats.lossSum
        // The same two blocks run as one sequence give the same loss on the second block.
        let (inputs, targets) = batches[0].streams.block(rows: 0..<3, columns: 0..<12)
        let logits = model(ids: inputs, steps: 12, batch: 3, state: nil, tape: tape).logits
        let secondHalf = Variable(Tensor(shape: [18, 12], scalars: Array(logits.value.scalars[(18 * 12)...])))
        let direct = tape.crossEntropyWithStats(logits: secondHalf, targets: Array(targets[18...]), ignoreIndex: nil).stats.nllSum
        #expect(abs(carriedLoss - direct) < 1e-4)
        // A new epoch starts over: its first batch ignores whatever was carried.
        task.carried.reset()
        let fresh = task.loss(for: batches[0], tape: tape).stats.lossSum
        _ = task.loss(for: batches[1], tape: tape)
        #expect(task.loss(for: batches[0], tape: tape).stats.lossSum == fresh)
    }

    @Test func lossFallsAndStatsCountEveryToken() throws {
        let tokens = LMTestSupport.tokens(300, vocabulary: 10)
        let task = LanguageModelTraining(model: LMTestSupport.model(vocabulary: 10), streams: 3)
        let batch = try BPTTBatches(tokens: tokens, batchSize: 3, bptt: 7, seed: 1).batches(epoch: 0)[0]
        let (loss, stats) = task.loss(for: batch, tape: Tape())
        #expect(stats.units == 21 && abs(stats.meanLoss - Double(loss.value.scalar)) < 1e-5)
        #expect(abs(stats.meanLoss - log(10.0)) < 0.5, "an untrained model is near uniform")
    }
}
