// The attention encoder-decoder translator (OpenNMT-py's RNN seq2seq with input feeding):
//
//   source ids → embedding → dropout → (bi)LSTM (or GRU, RNN) encoder → memory [S, B, H], final states
//   bridge: each layer's final forward and backward states concatenated → the decoder's initial state
//   target ids (bos first) → embedding → dropout → input-feeding attention decoder → [T, B, H]
//   generator: one [T·B, H]·[H, V] product → cross-entropy with label smoothing (pad ignored)
//
// Parameter names follow OpenNMT-py where it has them: encoder.embedding.weight, encoder.rnn.*,
// decoder.embedding.weight, decoder.rnn.layers.L.{weight_ih,weight_hh,bias_ih,bias_hh},
// decoder.attn.{linear_in,linear_out,…}, generator.{weight,bias}. This file knows nothing about
// training loops or search; the decoder and the generator loss are fused tape ops in Translation/Decoder
// (AttentionDecoder, GeneratorLoss), and TranslationStepModel does inference.
import S2SCore
import S2SNN
import S2SText

public struct TranslatorError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A recurrent (LSTM by default) encoder-decoder with global attention.
///
///     var rng = Generator(seed: 1)
///     let model = try TranslationModel(config: TranslationConfig(sourceVocabularySize: 100, targetVocabularySize: 80), rng: &rng)
///     let tape = Tape(recording: true, training: true, rng: rng)
///     let (loss, stats) = model.loss(for: TranslationBatch(source: [[5, 6]], target: [[7, 8, 9]]), tape: tape)
///     tape.backward(from: loss)
public final class TranslationModel: TrainableModel, Layer {
    public let config: TranslationConfig
    public let encoder: Encoder
    public let targetEmbedding: Embedding
    /// decoder.rnn.layers.l (the encoder's cell)
    public let decoderLayers: [RecurrentWeights]
    public let attention: GlobalAttention
    /// [V, H]; the target embedding's matrix itself when tied.
    public let generatorWeight: Variable
    public let generatorBias: Variable

    /// A model with fresh parameters (`initialize: false` skips the `paramInit` pass, for a model whose
    /// weights are loaded next).
    public init(config: TranslationConfig, rng: inout Generator, initialize: Bool = true) throws {
        let problems = config.problems
        guard problems.isEmpty else { throw TranslatorError("translator settings: " + problems.joined(separator: "; ")) }
        self.config = config
        let H = config.decoderHiddenSize
        encoder = Encoder(cell: config.cell, vocabularySize: config.sourceVocabularySize, embeddingSize: config.sourceEmbeddingSize,
                          hiddenSize: config.encoderHiddenSize, layers: config.layers, bidirectional: config.bidirectional,
                          dropout: config.dropout, rng: &rng)
        targetEmbedding = Embedding(vocabularySize: config.targetVocabularySize, dimension: config.targetEmbeddingSize, rng: &rng)
        let bound = 1 / Float(H).squareRoot()
        func make(_ shape: [Int]) -> Variable { parameter(.uniform(shape, low: -bound, high: bound, using: &rng)) }
        let G = config.cell.gates * H
        decoderLayers = (0..<config.layers).map { layer in
            let input = layer == 0 ? config.targetEmbeddingSize + H : H
            return RecurrentWeights(cell: config.cell, weightIH: make([G, input]), weightHH: make([G, H]),
                                    biasIH: make([G]), biasHH: make([G]))
        }
        attention = GlobalAttention(dimension: H, type: config.attention, rng: &rng)
        generatorWeight = config.tieTargetEmbedding ? targetEmbedding.weight : make([config.targetVocabularySize, H])
        generatorBias = make([config.targetVocabularySize])
        if initialize && config.paramInit > 0 {   // OpenNMT's param_init: every parameter uniform in ±paramInit
            for (_, variable) in namedParameters {
                variable.value = .uniform(variable.shape, low: -config.paramInit, high: config.paramInit, using: &rng)
            }
        }
        for table in [encoder.embedding.weight, targetEmbedding.weight] {   // the padding rows stay zero
            for e in 0..<table.shape[1] { table.value[SpecialTokens.pad, e] = 0 }
        }
    }

    public var hiddenSize: Int { config.decoderHiddenSize }

    public var namedParameters: [(name: String, variable: Variable)] {
        var out = encoder.namedParameters(prefix: "encoder") + targetEmbedding.namedParameters(prefix: "decoder.embedding")
        for (l, w) in decoderLayers.enumerated() {
            let prefix = "decoder.rnn.layers.\(l)."
            out += [(prefix + "weight_ih", w.weightIH), (prefix + "weight_hh", w.weightHH),
                    (prefix + "bias_ih", w.biasIH!), (prefix + "bias_hh", w.biasHH!)]
        }
        out += attention.namedParameters(prefix: "decoder.attn")
        if !config.tieTargetEmbedding { out.append(("generator.weight", generatorWeight)) }
        return out + [("generator.bias", generatorBias)]
    }

    public var parameters: [(name: String, variable: Variable)] { namedParameters }

    public var decoderParameters: AttentionDecoderParameters {
        AttentionDecoderParameters(layers: decoderLayers, attention: attention)
    }

    // MARK: encoder and bridge

    /// Runs the encoder over time-major ids [S·B]; returns memory [S, B, H] and the decoder's initial
    /// state h, c [L, B, H] (c: the LSTM's, nil for the other cells).
    public func encode(ids: [Int], lengths: [Int], tape: Tape) -> (memory: Variable, h: Variable, c: Variable?) {
        let (outputs, h, c) = encoder(ids: ids, lengths: lengths, tape: tape)
        return (outputs, bridge(h, tape: tape), c.map { bridge($0, tape: tape) })
    }

    /// [L·D, B, He] → [L, B, D·He]: a layer's forward and backward final states side by side
    /// (OpenNMT's `_fix_enc_hidden`).
    func bridge(_ state: Variable, tape: Tape) -> Variable {
        guard config.bidirectional else { return state }
        let L = config.layers
        let pieces = tape.split(state, sizes: [Int](repeating: 1, count: 2 * L), axis: 0)
        let layers = (0..<L).map { tape.concat([pieces[2 * $0], pieces[2 * $0 + 1]], axis: 2) }
        return L == 1 ? layers[0] : tape.concat(layers, axis: 0)
    }

    // MARK: training

    /// Attentional vectors [T, B, H] of a batch under teacher forcing (target inputs start with bos).
    public func decode(_ batch: TranslationBatch, tape: Tape) -> (outputs: Variable, targets: [Int]) {
        let (sourceIds, sourceLengths, _) = timeMajor(batch.source)
        let (memory, h, c) = encode(ids: sourceIds, lengths: sourceLengths, tape: tape)
        let (inputs, outputs, T) = batch.decoderSequences(bos: SpecialTokens.bos, eos: SpecialTokens.eos)
        let embedded = tape.dropout(targetEmbedding(ids: inputs, shape: [T, batch.count], tape: tape),
                                    probability: config.dropout)
        let states = tape.attentionDecoder(embedded: embedded, memory: memory, sourceLengths: sourceLengths,
                                           h0: h, c0: c, parameters: decoderParameters, dropout: config.dropout)
        return (states, outputs)
    }

    /// Mean label-smoothed cross-entropy per target token (eos included, padding ignored).
    public func loss(for batch: TranslationBatch, tape: Tape) -> (loss: Variable, stats: LossStats) {
        let (loss, stats) = lossWithStats(batch, tape: tape, labelSmoothing: config.labelSmoothing)
        return (loss, LossStats(lossSum: stats.lossSum, units: stats.tokens, correct: stats.correct))
    }

    /// The loss and its full statistics (NLL without smoothing, for perplexity).
    public func lossWithStats(_ batch: TranslationBatch, tape: Tape, labelSmoothing: Float) -> (loss: Variable, stats: CrossEntropyStats) {
        let (states, targets) = decode(batch, tape: tape)
        return tape.generatorLoss(tape.reshape(states, to: [targets.count, hiddenSize]), weight: generatorWeight,
                                  bias: generatorBias, targets: targets, ignoreIndex: SpecialTokens.pad, labelSmoothing: labelSmoothing)
    }
}
