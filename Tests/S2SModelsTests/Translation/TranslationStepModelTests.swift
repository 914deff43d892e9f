import Testing
import Foundation
import S2SCore
import S2SNN
@testable import S2SModels

@Suite struct TranslationStepModelTests {
    static func model(_ type: AttentionType, layers: Int = 1, cell: RecurrentCell = .lstm, seed: UInt64 = 5) throws -> TranslationModel {
        var config = TranslationConfig(sourceVocabularySize: 30, targetVocabularySize: 25)
        config.cell = cell
        (config.sourceEmbeddingSize, config.targetEmbeddingSize, config.encoderHiddenSize) = (16, 12, 16)
        config.layers = layers
        config.attention = type
        config.dropout = 0
        config.paramInit = 0.5   // large weights: peaked distributions, so the tests see real differences
        var rng = Generator(seed: seed)
        return try TranslationModel(config: config, rng: &rng)
    }

    static let sources = [[5, 6, 7, 8], [9, 10], [11], [12, 13, 14, 15, 16, 17]]
    static let targets = [[20, 21, 22], [23, 4], [5, 6, 7, 8, 9], [10]]

    @Test(arguments: [(AttentionType.general, 1, RecurrentCell.lstm), (.dot, 2, .lstm), (.mlp, 1, .lstm), (.general, 2, .gru),
                      (.mlp, 1, .gru), (.general, 2, .rnnTanh)])
    func stepsReproduceTeacherForcing(type: AttentionType, layers: Int, cell: RecurrentCell) throws {
        let model = try Self.model(type, layers: layers, cell: cell)
        let batch = TranslationBatch(source: Self.sources, target: Self.targets)
        let (states, _) = model.decode(batch, tape: Tape(recording: false, training: false))
        let T = states.shape[0], B = batch.count, H = model.hiddenSize, V = model.config.targetVocabularySize
        let logits = Tensor.matmul(states.value.reshaped([T * B, H]), model.generatorWeight.value, transposeB: true)
        let search = model.searchModel(sources: Self.sources)
        var state = search.initialState
        let (inputs, _, _) = batch.decoderSequences(bos: 2, eos: 3)
        var worst: Float = 0
        for t in 0..<T {
            let (logProbs, attention, next) = search.step(tokens: Array(inputs[(t * B)..<(t * B + B)]), state: state)
            #expect(attention?.shape == [B, search.sourceSteps])
            for b in 0..<B {
                var row = (0..<V).map { logits[t * B + b, $0] + model.generatorBias.value.scalars[$0] }
                let lse = log(row.map { exp(Double($0)) }.reduce(0, +))
                row = row.map { Float(Double($0) - lse) }
                for v in 0..<V { worst = max(worst, abs(row[v] - logProbs[b, v])) }
            }
            state = next
        }
        #expect(worst < 1e-4, "\(cell) \(type) L\(layers): \(worst)")
    }

    @Test(arguments: [(AttentionType.general, RecurrentCell.lstm, WeightPrecision.float32), (.general, .lstm, .bfloat16),
                      (.general, .lstm, .int8), (.general, .lstm, .bfloat16Dot), (.mlp, .lstm, .float32),
                      (.mlp, .lstm, .bfloat16), (.mlp, .lstm, .int8), (.mlp, .lstm, .bfloat16Dot),
                      (.general, .gru, .float32), (.general, .gru, .bfloat16), (.general, .gru, .int8),
                      (.mlp, .rnnTanh, .float32), (.mlp, .rnnTanh, .bfloat16), (.mlp, .rnnTanh, .int8)])
    func sentenceAloneOrInABatchIsBitwiseTheSame(type: AttentionType, cell: RecurrentCell, precision: WeightPrecision) throws {
        let model = try Self.model(type, layers: 2, cell: cell)
        let packed = precision == .float32 ? nil : PackedStepWeights(model, precision: precision)
        let batch = model.searchModel(sources: Self.sources, packed: packed)
        let batchOut = batch.step(tokens: [2, 2, 2, 2], state: batch.initialState)
        for (b, sentence) in Self.sources.enumerated() {
            let alone = model.searchModel(sources: [sentence], packed: packed)
            let out = alone.step(tokens: [2], state: alone.initialState)
            let V = model.config.targetVocabularySize
            #expect(out.logProbs.scalars == Array(batchOut.logProbs.scalars[(b * V)..<((b + 1) * V)]))
        }
        let lengths = Self.sources.map { $0.count + 5 }
        let together = batch.greedy(maxLengths: lengths)
        let apart = Self.sources.enumerated().map {
            model.searchModel(sources: [$0.element], packed: packed).greedy(maxLengths: [lengths[$0.offset]])[0]
        }
        #expect(together == apart)
    }

    /// With every parameter already a bfloat16 value, packing loses nothing and the packed kernel sums
    /// in the float32 kernel's order: the steps must give bitwise the float32 steps' numbers — so each
    /// packed matrix is the right one, split at the right column.
    @Test(arguments: [(AttentionType.general, 2, RecurrentCell.lstm), (.mlp, 1, .lstm), (.dot, 1, .lstm), (.general, 2, .gru)])
    func packedStepsMatchFloatStepsOnBFloat16Values(type: AttentionType, layers: Int, cell: RecurrentCell) throws {
        let model = try Self.model(type, layers: layers, cell: cell)
        for (_, variable) in model.namedParameters {
            variable.value = Tensor(shape: variable.value.shape, scalars: variable.value.scalars.map {
                Float(bitPattern: UInt32(BFloat16Matrix.round($0)) << 16)
            })
        }
        let packed = PackedStepWeights(model)
        #expect(Self.worstStepDifference(model.searchModel(sources: Self.sources), model.searchModel(sources: Self.sources, packed: packed)) == 0)
    }

    @Test(arguments: [(WeightPrecision.bfloat16, Float(0.1)), (.bfloat16Dot, 0.2), (.int8, 0.2)])
    func lowPrecisionStepsStayCloseToFloat32(precision: WeightPrecision, bound: Float) throws {
        let model = try Self.model(.general)
        let packed = model.searchModel(sources: Self.sources, packed: PackedStepWeights(model, precision: precision))
        let worst = Self.worstStepDifference(model.searchModel(sources: Self.sources), packed)
        #expect(worst > 0 && worst < bound, "\(precision): \(worst)")
    }

    /// The largest difference of the two searches' log-probabilities over three steps from the same tokens.
    static func worstStepDifference(_ exact: TranslationStepModel, _ packed: TranslationStepModel) -> Float {
        var (a, b) = (exact.initialState, packed.initialState)
        var worst: Float = 0
        for tokens in [[2, 2, 2, 2], [7, 8, 9, 10], [11, 3, 5, 6]] {
            let (x, y) = (exact.step(tokens: tokens, state: a), packed.step(tokens: tokens, state: b))
            worst = max(worst, zip(x.logProbs.scalars, y.logProbs.scalars).map { abs($0 - $1) }.max()!)
            (a, b) = (x.state, y.state)
        }
        return worst
    }

    @Test func emptyAndLongSourcesDecode() throws {
        let model = try Self.model(.general)
        let long = (0..<200).map { 4 + $0 % 26 }
        let outputs = model.searchModel(sources: [[], long, []]).greedy(maxLengths: [7, 9, 0])
        #expect(outputs.count == 3)
        #expect(outputs[0].count <= 7 && outputs[1].count <= 9 && outputs[2].isEmpty)
    }

    @Test func selectReordersRows() throws {
        let model = try Self.model(.general)
        let search = model.searchModel(sources: Self.sources)
        let (_, _, state) = search.step(tokens: [2, 2, 2, 2], state: search.initialState)
        let picked = search.select(state, rows: [3, 0, 3])
        #expect(picked.source == [3, 0, 3] && picked.rows == 3)
        let a = search.step(tokens: [7, 8, 7], state: picked).logProbs
        #expect(Array(a.scalars[0..<25]) == Array(a.scalars[50..<75]))
    }
}
