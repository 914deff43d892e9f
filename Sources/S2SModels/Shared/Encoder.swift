// The encoder every s2s model starts with: token embeddings → dropout → a stacked (bi)directional
// recurrent network (LSTM by default; GRU or plain RNN by the model's `cell`) over a padded, time-major batch. The translator attends over its outputs; the classifier pools them; the
// language model is this encoder plus a projection to the vocabulary.
import S2SCore
import S2SNN

/// Embedding + recurrent network. Parameters: `embedding.weight`, `rnn.weight_ih_l0`, … (torch.nn.LSTM,
/// nn.GRU or nn.RNN names under `rnn.`).
///
///     let encoder = Encoder(vocabularySize: 8000, embeddingSize: 256, hiddenSize: 256, layers: 2,
///                           bidirectional: true, dropout: 0.3, rng: &rng)
///     let (outputs, h, c) = encoder(ids: ids, lengths: lengths, tape: tape)  // outputs [T, B, 512]
public final class Encoder: Layer {
    public let embedding: Embedding
    public let rnn: RecurrentNetwork
    /// Dropout on the embeddings (and, through the network, between its layers).
    public let dropout: Float

    public init(cell: RecurrentCell = .lstm, vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, layers: Int,
                bidirectional: Bool, dropout: Float, rng: inout Generator) {
        embedding = Embedding(vocabularySize: vocabularySize, dimension: embeddingSize, rng: &rng)
        rnn = RecurrentNetwork(cell: cell, inputSize: embeddingSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional,
                               dropout: dropout, rng: &rng)
        self.dropout = dropout
    }

    /// Size of each output vector: directions × hidden.
    public var outputSize: Int { rnn.outputSize }

    /// `ids` is time-major [T·B] (row t·B + b is step t of sequence b, padding = 0), `lengths` [B].
    /// Returns outputs [T, B, D·H] (zero at padding) and final states h, c [L·D, B, H] (c: the LSTM's
    /// cell state, nil for the other cells).
    public func callAsFunction(ids: [Int], lengths: [Int], initialState: (h: Variable, c: Variable?)? = nil,
                               tape: Tape) -> (outputs: Variable, h: Variable, c: Variable?) {
        let B = lengths.count, T = B == 0 ? 0 : ids.count / B
        let embedded = tape.dropout(embedding(ids: ids, shape: [T, B], tape: tape), probability: dropout)
        let (outputs, h, c) = rnn(embedded, lengths: lengths, initialState: initialState, tape: tape)
        return (outputs, h, c)
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        embedding.namedParameters(prefix: "embedding") + rnn.namedParameters(prefix: "rnn")
    }
}

/// Lays out token sequences as a padded, time-major [T·B] id array with their lengths.
///
///     let (ids, lengths, T) = timeMajor([[5, 6, 7], [8]])   // ids [5, 8, 6, 0, 7, 0], lengths [3, 1], T 3
public func timeMajor(_ sequences: [[Int]], padding: Int = SpecialTokens.pad) -> (ids: [Int], lengths: [Int], steps: Int) {
    let T = sequences.map(\.count).max() ?? 0, B = sequences.count
    var ids = [Int](repeating: padding, count: T * B)
    for (b, sequence) in sequences.enumerated() {
        for (t, id) in sequence.enumerated() { ids[t * B + b] = id }
    }
    return (ids, sequences.map(\.count), T)
}
