import Testing
import Foundation
import S2SCore
import S2SNN
@testable import S2SModels

@Suite struct TranslatorTests {
    static func config(tie: Bool = false) -> TranslationConfig {
        var config = TranslationConfig(sourceVocabularySize: 20, targetVocabularySize: 18)
        (config.sourceEmbeddingSize, config.targetEmbeddingSize, config.encoderHiddenSize) = (6, 8, 4)
        config.tieTargetEmbedding = tie
        return config
    }

    @Test func parameterNamesFollowOpenNMT() throws {
        var rng = Generator(seed: 1)
        let model = try TranslationModel(config: Self.config(), rng: &rng)
        let names = model.namedParameters.map(\.name)
        for name in ["encoder.embedding.weight", "encoder.rnn.weight_ih_l0_reverse", "decoder.embedding.weight",
                     "decoder.rnn.layers.0.weight_ih", "decoder.attn.linear_in.weight", "decoder.attn.linear_out.weight",
                     "generator.weight", "generator.bias"] {
            #expect(names.contains(name), "\(name) missing")
        }
        #expect(Set(names).count == names.count)
        #expect(model.decoderLayers[0].weightIH.shape == [32, 8 + 8])   // [4H, E + H], H = 2 × 4
        var gruConfig = Self.config()
        gruConfig.cell = .gru
        let gru = try TranslationModel(config: gruConfig, rng: &rng)
        #expect(gru.namedParameters.map(\.name) == names)   // the same names (OpenNMT's), other shapes
        #expect(gru.decoderLayers[0].weightIH.shape == [24, 16] && gru.encoder.rnn.weights[0][1].weightHH.shape == [12, 4])
        #expect(model.encoder.embedding.weight.value[0, 3] == 0 && model.targetEmbedding.weight.value[0, 5] == 0)
    }

    @Test func tiedGeneratorSharesTheTargetEmbedding() throws {
        var rng = Generator(seed: 2)
        let model = try TranslationModel(config: Self.config(tie: true), rng: &rng)
        #expect(model.generatorWeight === model.targetEmbedding.weight)
        #expect(!model.namedParameters.contains { $0.name == "generator.weight" })
        let tape = Tape(recording: true, training: false)
        let (loss, _) = model.loss(for: TranslationBatch(source: [[4, 5, 6]], target: [[7, 8]]), tape: tape)
        tape.backward(from: loss)
        // Token 12 is never an input: its embedding row's gradient comes from the generator alone.
        let grad = try #require(model.targetEmbedding.weight.grad)
        #expect((0..<8).contains { grad[12, $0] != 0 })
    }

    /// Shards deal the length-sorted sentences out in turn, so every core gets as long a share.
    @Test func shardsTakeSentencesInTurn() {
        let batch = TranslationBatch(source: [[1], [2], [3], [4], [5]], target: [[6], [7], [8], [9], [10, 11]])
        let shards = (0..<2).compactMap { batch.shard($0, of: 2) }
        #expect(shards.map(\.source) == [[[1], [3], [5]], [[2], [4]]])
        #expect(shards.map(\.target) == [[[6], [8], [10, 11]], [[7], [9]]])
        #expect(batch.shard(5, of: 6)?.count == nil)
    }

    @Test func badSettingsAreExplained() {
        var config = Self.config(tie: true)
        config.targetEmbeddingSize = 5
        config.dropout = 1.5
        var rng = Generator(seed: 1)
        #expect(throws: TranslatorError.self) { _ = try TranslationModel(config: config, rng: &rng) }
        #expect(config.problems.count == 2)
        #expect(config.problems.contains { $0.contains("tying") })
    }

    @Test func trainingLowersTheLoss() throws {
        var rng = Generator(seed: 3)
        var config = Self.config()
        config.dropout = 0
        config.labelSmoothing = 0
        let model = try TranslationModel(config: config, rng: &rng)
        let batch = TranslationBatch(source: [[4, 5, 6], [7, 8], [9]], target: [[10, 11], [12, 13, 14], [15]])
        let adam = Adam(learningRate: 0.01)
        var losses: [Float] = []
        for _ in 0..<150 {
            let tape = Tape()
            let (loss, _) = model.loss(for: batch, tape: tape)
            tape.backward(from: loss)
            adam.step(model.parameters)
            losses.append(loss.value.scalar)
        }
        #expect(losses.last! < 0.35 * losses.first!, "\(losses)")
    }

    @Test func flopsCountGrowsWithTheVocabulary() {
        var small = Self.config(), large = Self.config()
        large.targetVocabularySize = 1000
        let a = small.forwardFLOPs(sourceTokens: 10, targetTokens: 10, attentionPairs: 100)
        small.attention = .dot
        #expect(large.forwardFLOPs(sourceTokens: 10, targetTokens: 10, attentionPairs: 100) - a == 10 * 2 * 8 * (1000 - 18))
        #expect(small.forwardFLOPs(sourceTokens: 10, targetTokens: 10, attentionPairs: 100) < a)
    }

    /// config.json stores the attention kind by name; bundles written before `AttentionType` became
    /// Codable itself (it had a mirror, `AttentionTypeName`) must still load.
    @Test(arguments: AttentionType.allCases)
    func attentionIsStoredByName(type: AttentionType) throws {
        var config = Self.config()
        config.attention = type
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        #expect(json.contains("\"attention\":\"\(type.rawValue)\""))
        #expect(try JSONDecoder().decode(TranslationConfig.self, from: Data(json.utf8)) == config)
    }
}
