import Testing
import Foundation
import S2SCore
import S2SNN
import S2SDecoding
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

    /// The generator (precomputed input table, stacked GEMVs, no tape) computes what the model computes:
    /// the log-softmax of its logits, step after step, and the same state.
    @Test(arguments: RecurrentCell.allCases, [1, 3])
    func generatorMatchesTheModel(cell: RecurrentCell, rows: Int) {
        let model = LMTestSupport.model(vocabulary: 18, cell: cell, hidden: 20, embedding: 7, layers: 3)
        let T = 6
        let ids = LMTestSupport.tokens(T * rows, vocabulary: 18, seed: UInt64(rows))
        let whole = model(ids: ids, steps: T, batch: rows, state: nil, tape: Tape(recording: false))
        let reference = LogSoftmaxKernel.apply(whole.logits.value)
        let generator = LanguageModelGenerator(model: model)
        var state = generator.initialState(rows: rows), worst: Float = 0
        for t in 0..<T {
            let out = generator.step(tokens: Array(ids[(t * rows)..<((t + 1) * rows)]), state: state)
            #expect(out.logProbs.shape == [rows, 18])
            for k in 0..<(rows * 18) { worst = max(worst, abs(out.logProbs.scalars[k] - reference.scalars[t * rows * 18 + k])) }
            state = out.state
        }
        #expect(worst < 1e-5, "\(cell) generator differs from the model by \(worst)")
        #expect(zip(state.h, whole.h.value.scalars).allSatisfy { abs($0 - $1) < 1e-5 }, "final h")
        let again = generator.step(tokens: Array(ids[0..<rows]), state: generator.initialState(rows: rows))
        #expect(abs(again.logProbs.scalars[0] - reference.scalars[0]) < 1e-5)
    }

    @Test func tiedGeneratorMatchesTheModel() {
        let model = LMTestSupport.model(vocabulary: 12, hidden: 8, embedding: 8, layers: 1, tie: true)
        let ids = [5, 7, 4]
        let reference = LogSoftmaxKernel.apply(model(ids: ids, steps: 3, batch: 1, state: nil, tape: Tape(recording: false)).logits.value)
        let generator = LanguageModelGenerator(model: model)
        var state = generator.initialState()
        for (t, id) in ids.enumerated() {
            let out = generator.step(tokens: [id], state: state)
            state = out.state
            for k in 0..<12 { #expect(abs(out.logProbs.scalars[k] - reference.scalars[t * 12 + k]) < 1e-5) }
        }
    }

    /// `select` keeps and reorders rows, so beam search runs over a language model: row 1 of a
    /// two-row state continues exactly as that sequence alone does.
    @Test(arguments: [RecurrentCell.lstm, .gru])
    func selectKeepsAndReordersRows(cell: RecurrentCell) {
        let generator = LanguageModelGenerator(model: LMTestSupport.model(vocabulary: 15, cell: cell, layers: 2))
        let first = generator.step(tokens: [5, 6], state: generator.initialState(rows: 2))
        let swapped = generator.step(tokens: [8, 8, 8], state: generator.select(first.state, rows: [1, 0, 1]))
        let alone = generator.step(tokens: [8], state: generator.step(tokens: [6], state: generator.initialState()).state)
        #expect(swapped.logProbs.shape == [3, 15])
        for v in 0..<15 {
            #expect(swapped.logProbs[0, v] == alone.logProbs[0, v] && swapped.logProbs[2, v] == alone.logProbs[0, v])
        }
        #expect(swapped.logProbs[1, 3] != alone.logProbs[0, 3])
    }
}

/// An ensemble of language models (`EnsembleStepModel`, averaging probabilities): each step is
/// log(mean of the members' softmax), whatever their cells.
@Suite struct LanguageModelEnsembleTests {
    @Test(arguments: [1, 2])
    func stepIsTheLogOfTheMeanDistribution(rows: Int) {
        let a = LMTestSupport.model(vocabulary: 15, cell: .lstm, seed: 1), b = LMTestSupport.model(vocabulary: 15, cell: .gru, seed: 2)
        let alone = [LanguageModelGenerator(model: a), LanguageModelGenerator(model: b)]
        let ensemble = EnsembleStepModel(members: alone, averaging: .probabilities)
        var state = alone.map { $0.initialState(rows: rows) }, memberStates = state
        let ids = LMTestSupport.tokens(4 * rows, vocabulary: 15)
        for t in 0..<4 {
            let tokens = Array(ids[(t * rows)..<((t + 1) * rows)])
            let mixed = ensemble.step(tokens: tokens, state: state)
            state = mixed.state
            let members = (0..<2).map { m -> [Float] in
                let out = alone[m].step(tokens: tokens, state: memberStates[m])
                memberStates[m] = out.state
                return out.logProbs.scalars
            }
            for r in 0..<rows {
                for v in 0..<15 {
                    let expected = log((exp(Double(members[0][r * 15 + v])) + exp(Double(members[1][r * 15 + v]))) / 2)
                    #expect(abs(Double(mixed.logProbs.scalars[r * 15 + v]) - expected) < 1e-5, "step \(t) row \(r) token \(v)")
                }
            }
        }
        // An ensemble of one model is the model.
        let single = EnsembleStepModel(members: [alone[0]], averaging: .probabilities)
        let one = single.step(tokens: Array(ids[0..<rows]), state: [alone[0].initialState(rows: rows)])
        #expect(one.logProbs == alone[0].step(tokens: Array(ids[0..<rows]), state: alone[0].initialState(rows: rows)).logProbs)
    }
}
