// The LSTM language model: embedding → dropout → stacked LSTM → dropout → projection to the
// vocabulary (optionally tied to the embedding). It knows nothing about training: it maps a
// time-major block of token ids and an initial state to next-token logits and the final state.
// `LanguageModelTraining` trains it with truncated BPTT; `LanguageModelGenerator` runs it one token
// at a time without a tape.
//
// Shapes: T steps, B streams, E embedding, H hidden, L layers, V vocabulary.
// Parameter names are those of a PyTorch module with `embedding`, `rnn` (nn.LSTM) and `projection`
// (nn.Linear) attributes, so model.safetensors loads into one with strict=True (see
// Tools/reference/lm_reference.py).
import S2SCore
import S2SNN

/// An LSTM language model.
///
///     var rng = Generator(seed: 1)
///     let model = LanguageModel(config: LanguageModelConfig(vocabularySize: 69), rng: &rng)
///     let out = model(ids: ids, steps: 128, batch: 64, state: nil, tape: tape)
///     // out.logits [128·64, 69] (row t·B + b predicts the token after ids[t·B + b]); out.h, out.c [2, 64, 512]
public final class LanguageModel: Layer {
    public let config: LanguageModelConfig
    /// Embedding and LSTM (`embedding.weight`, `rnn.weight_ih_l0`, …); dropout on the embeddings
    /// and between layers.
    public let encoder: Encoder
    /// `projection.weight` [V, H] (the embedding when tied) and `projection.bias` [V].
    public let projectionWeight: Variable
    public let projectionBias: Variable

    /// A model initialised as PyTorch initialises its modules. `config.problem` must be nil.
    public init(config: LanguageModelConfig, rng: inout Generator) {
        precondition(config.problem == nil, "LanguageModel: \(config.problem ?? "")")
        self.config = config
        encoder = Encoder(vocabularySize: config.vocabularySize, embeddingSize: config.embeddingSize,
                          hiddenSize: config.hiddenSize, layers: config.layers, bidirectional: false,
                          dropout: config.dropout, rng: &rng)
        let projection = Linear(inputs: config.hiddenSize, outputs: config.vocabularySize, rng: &rng)
        projectionWeight = config.tieEmbeddings ? encoder.embedding.weight : projection.weight
        projectionBias = projection.bias!
    }

    /// Next-token logits for a time-major block: `ids` [T·B] (row t·B + b is step t of stream b),
    /// `state` h, c [L, B, H] from the previous block (zeros when nil). Returns logits [T·B, V] and
    /// the final state h, c [L, B, H].
    public func callAsFunction(ids: [Int], steps T: Int, batch B: Int, state: (h: Variable, c: Variable)?,
                               tape: Tape) -> (logits: Variable, h: Variable, c: Variable) {
        precondition(ids.count == T * B, "LanguageModel: \(ids.count) ids for [T=\(T), B=\(B)]")
        let (outputs, h, c) = encoder(ids: ids, lengths: [Int](repeating: T, count: B), initialState: state, tape: tape)
        let dropped = tape.dropout(tape.reshape(outputs, to: [T * B, config.hiddenSize]), probability: config.dropout)
        let logits = tape.linear(dropped, weight: projectionWeight, bias: projectionBias)
        return (logits, h, c)
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        encoder.namedParameters
            + (config.tieEmbeddings ? [] : [("projection.weight", projectionWeight)])
            + [("projection.bias", projectionBias)]
    }
}
