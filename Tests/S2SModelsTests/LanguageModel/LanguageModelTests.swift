import Testing
import Foundation
import S2SCore
import S2SNN
@testable import S2SModels

@Suite struct LanguageModelTests {
    @Test func namesShapesAndTying() {
        let model = LMTestSupport.model(vocabulary: 20)
        let names = model.namedParameters.map(\.name)
        #expect(names == ["embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                          "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
                          "projection.weight", "projection.bias"])
        let tied = LMTestSupport.model(vocabulary: 20, hidden: 8, embedding: 8, tie: true)
        #expect(!tied.namedParameters.map(\.name).contains("projection.weight"))
        #expect(tied.projectionWeight === tied.encoder.embedding.weight)
        let tape = Tape(recording: false)
        let out = model(ids: LMTestSupport.tokens(15, vocabulary: 20), steps: 5, batch: 3, state: nil, tape: tape)
        #expect(out.logits.shape == [15, 20] && out.h.shape == [2, 3, 12] && out.c?.shape == [2, 3, 12])
        let gru = LMTestSupport.model(vocabulary: 20, cell: .gru)
        #expect(gru.namedParameters.map(\.name) == names && gru.encoder.rnn.weights[1][0].weightHH.shape == [36, 12])
        #expect(gru(ids: LMTestSupport.tokens(15, vocabulary: 20), steps: 5, batch: 3, state: nil, tape: tape).c == nil)
    }

    @Test func configProblems() {
        #expect(LanguageModelConfig(vocabularySize: 30).problem == nil)
        #expect(LanguageModelConfig(vocabularySize: 4).problem != nil)
        #expect(LanguageModelConfig(vocabularySize: 30, embeddingSize: 64, hiddenSize: 32, tieEmbeddings: true).problem != nil)
        #expect(LanguageModelConfig(vocabularySize: 30, dropout: 1).problem != nil)
        #expect(LanguageModelConfig(vocabularySize: 30, weightDropout: 1).problem != nil)
    }

    /// Weight dropout reaches the recurrent network, round-trips through config.json, and reads as 0 from a
    /// config.json written before it existed.
    @Test func weightDropoutIsPartOfTheConfig() throws {
        let config = LanguageModelConfig(vocabularySize: 30, weightDropout: 0.25)
        var rng = Generator(seed: 1)
        #expect(LanguageModel(config: config, rng: &rng).encoder.rnn.weightDropout == 0.25)
        let json = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(LanguageModelConfig.self, from: json) == config)
        var old = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        old["weightDropout"] = nil
        let decoded = try JSONDecoder().decode(LanguageModelConfig.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(decoded.weightDropout == 0 && decoded.dropout == config.dropout)
    }

    /// Carrying (h, c) from one block to the next gives exactly what one long block gives.
    @Test(arguments: RecurrentCell.allCases)
    func carriedStateContinuesTheSequence(cell: RecurrentCell) {
        let model = LMTestSupport.model(vocabulary: 16, cell: cell)
        let T = 8, B = 2
        let ids = LMTestSupport.tokens(2 * T * B, vocabulary: 16)
        let tape = Tape(recording: false)
        let whole = model(ids: ids, steps: 2 * T, batch: B, state: nil, tape: tape)
        let first = model(ids: Array(ids[0..<(T * B)]), steps: T, batch: B, state: nil, tape: tape)
        let second = model(ids: Array(ids[(T * B)...]), steps: T, batch: B, state: (first.h, first.c), tape: tape)
        let tail = Array(whole.logits.value.scalars[(T * B * 16)...])
        #expect(zip(tail, second.logits.value.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(second.h.value.maxAbsDifference(whole.h.value) < 1e-6)
    }

    /// The generator (precomputed input table, stacked GEMVs, no tape) computes what the model computes.
    @Test(arguments: RecurrentCell.allCases, [1, 3])
    func generatorMatchesTheModel(cell: RecurrentCell, rows: Int) {
        let model = LMTestSupport.model(vocabulary: 18, cell: cell, hidden: 20, embedding: 7, layers: 3)
        let T = 6
        let ids = LMTestSupport.tokens(T * rows, vocabulary: 18, seed: UInt64(rows))
        let reference = model(ids: ids, steps: T, batch: rows, state: nil, tape: Tape(recording: false)).logits.value
        let generator = LanguageModelGenerator(model: model, rows: rows)
        var worst: Float = 0
        for t in 0..<T {
            let logits = generator.step(Array(ids[(t * rows)..<((t + 1) * rows)]))
            for k in 0..<(rows * 18) { worst = max(worst, abs(logits[k] - reference.scalars[t * rows * 18 + k])) }
        }
        #expect(worst < 1e-5, "\(cell) generator differs from the model by \(worst)")
        generator.reset()
        let again = generator.step(Array(ids[0..<rows]))
        #expect(abs(again[0] - reference.scalars[0]) < 1e-5)
    }

    @Test func tiedGeneratorMatchesTheModel() {
        let model = LMTestSupport.model(vocabulary: 12, hidden: 8, embedding: 8, layers: 1, tie: true)
        let ids = [5, 7, 4]
        let reference = model(ids: ids, steps: 3, batch: 1, state: nil, tape: Tape(recording: false)).logits.value
        let generator = LanguageModelGenerator(model: model)
        for (t, id) in ids.enumerated() {
            let logits = generator.step([id])
            for k in 0..<12 { #expect(abs(logits[k] - reference.scalars[t * 12 + k]) < 1e-5) }
        }
    }
}

/// `LanguageModelEnsemble`: each step is log(mean of the members' softmax), whatever their cells.
@Suite struct LanguageModelEnsembleTests {
    @Test(arguments: [1, 2])
    func stepIsTheLogOfTheMeanDistribution(rows: Int) {
        let a = LMTestSupport.model(vocabulary: 15, cell: .lstm, seed: 1), b = LMTestSupport.model(vocabulary: 15, cell: .gru, seed: 2)
        let ensemble = LanguageModelEnsemble(models: [a, b], rows: rows)
        let alone = [LanguageModelGenerator(model: a, rows: rows), LanguageModelGenerator(model: b, rows: rows)]
        let ids = LMTestSupport.tokens(4 * rows, vocabulary: 15)
        for t in 0..<4 {
            let tokens = Array(ids[(t * rows)..<((t + 1) * rows)])
            let mixed = Array(ensemble.step(tokens))
            let members = alone.map { Array($0.step(tokens)) }
            for r in 0..<rows {
                let p = members.map { logits -> [Double] in
                    let row = logits[(r * 15)..<((r + 1) * 15)].map(Double.init), top = row.max()!
                    let sum = row.reduce(0) { $0 + exp($1 - top) }
                    return row.map { exp($0 - top) / sum }
                }
                for v in 0..<15 {
                    let expected = log((p[0][v] + p[1][v]) / 2)
                    #expect(abs(Double(mixed[r * 15 + v]) - expected) < 1e-5, "step \(t) row \(r) token \(v)")
                }
            }
        }
        ensemble.reset()
        alone[0].reset()
        // After a reset both start over: the ensemble of one model ranks tokens as the model does.
        let single = LanguageModelEnsemble(models: [a], rows: rows)
        let first = Array(single.step(Array(ids[0..<rows]))), logits = Array(alone[0].step(Array(ids[0..<rows])))
        #expect(first.indices.max { first[$0] < first[$1] } == logits.indices.max { logits[$0] < logits[$1] })
    }
}
