// The language model: embedding → stacked LSTM, GRU or RNN (dropout between layers, optionally DropConnect on
// the recurrent weights) → dropout → projection
// to the vocabulary (optionally tied to the embedding). It knows nothing about training: it maps a
// time-major block of token ids and an initial state to next-token logits and the final state.
//
// Layer 0's input projection is computed per vocabulary entry, not per token: the table
// Emb·W_ih0ᵀ [V, G·H] (G = 4 gate blocks for the LSTM) costs 2·V·E·G·H FLOPs, then each token gathers
// its row (backward scatters the gate gradients into the table, and two small GEMMs give dEmb and
// dW_ih0). Multiplying every embedded token by W_ih0 would cost 2·T·B·E·G·H forward and twice that backward — for characters
// (V ≈ 70 ≪ T·B = 8192) about 8% of a training step. (So there is no dropout on the embeddings.)
// `LanguageModelTraining` trains it with truncated BPTT; `LanguageModelGenerator` runs it one token
// at a time without a tape.
//
// Shapes: T steps, B streams, E embedding, H hidden, L layers, V vocabulary.
// Parameter names are those of a PyTorch module with `embedding`, `rnn` (nn.LSTM/GRU/RNN) and `projection`
// (nn.Linear) attributes, so model.safetensors loads into one with strict=True (see
// Tools/reference/lm_reference.py).
import S2SCore
import S2SNN

/// A recurrent language model (LSTM by default).
///
///     var rng = Generator(seed: 1)
///     let model = LanguageModel(config: LanguageModelConfig(vocabularySize: 69), rng: &rng)
///     let out = model(ids: ids, steps: 128, batch: 64, state: nil, tape: tape)
///     // out.logits [128·64, 69] (row t·B + b predicts the token after ids[t·B + b]); out.h, out.c [2, 64, 512]
public final class LanguageModel: Layer {
    public let config: LanguageModelConfig
    /// Embedding and recurrent network (`embedding.weight`, `rnn.weight_ih_l0`, …).
    public let encoder: Encoder
    /// `projection.weight` [V, H] (the embedding when tied) and `projection.bias` [V].
    public let projectionWeight: Variable
    public let projectionBias: Variable

    /// A model initialised as PyTorch initialises its modules. `config.problem` must be nil.
    public init(config: LanguageModelConfig, rng: inout Generator) {
        precondition(config.problem == nil, "LanguageModel: \(config.problem ?? "")")
        self.config = config
        encoder = Encoder(cell: config.cell, vocabularySize: config.vocabularySize, embeddingSize: config.embeddingSize,
                          hiddenSize: config.hiddenSize, layers: config.layers, bidirectional: false,
                          dropout: config.dropout, rng: &rng)
        encoder.rnn.weightDropout = config.weightDropout
        let projection = Linear(inputs: config.hiddenSize, outputs: config.vocabularySize, rng: &rng)
        projectionWeight = config.tieEmbeddings ? encoder.embedding.weight : projection.weight
        projectionBias = projection.bias!
    }

    /// Next-token logits for a time-major block: `ids` [T·B] (row t·B + b is step t of stream b),
    /// `state` h (and, for the LSTM, c) [L, B, H] from the previous block (zeros when nil). Returns logits
    /// [T·B, V] and the final state h, c [L, B, H] (c nil unless the cell has one).
    public func callAsFunction(ids: [Int], steps T: Int, batch B: Int, state: (h: Variable, c: Variable?)?,
                               tape: Tape) -> (logits: Variable, h: Variable, c: Variable?) {
        precondition(ids.count == T * B, "LanguageModel: \(ids.count) ids for [T=\(T), B=\(B)]")
        let rnn = encoder.rnn, lengths = [Int](repeating: T, count: B)
        let table = tape.linear(encoder.embedding.weight, weight: rnn.weights[0][0].weightIH, bias: nil)   // [V, G·H]
        let projected = tape.embedding(ids: ids, shape: [T, B], table: table, paddingIndex: nil)          // [T, B, G·H]
        var input = projected
        var finalH: [Variable] = [], finalC: [Variable] = []
        for layer in 0..<config.layers {
            let (y, h, c) = layer == 0
                ? rnn.layer(0, projections: [projected], lengths: lengths, initialState: state, tape: tape)
                : rnn.layer(layer, input: input, lengths: lengths, initialState: state, tape: tape)
            finalH.append(h)
            if let c { finalC.append(c) }
            input = tape.dropout(y, probability: config.dropout)
        }
        let logits = tape.linear(tape.reshape(input, to: [T * B, config.hiddenSize]), weight: projectionWeight, bias: projectionBias)
        return (logits, RecurrentNetwork.joined(finalH, tape: tape), finalC.isEmpty ? nil : RecurrentNetwork.joined(finalC, tape: tape))
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        encoder.namedParameters
            + (config.tieEmbeddings ? [] : [("projection.weight", projectionWeight)])
            + [("projection.bias", projectionBias)]
    }
}
