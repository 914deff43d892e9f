// The classifier's shape as a typed value: what config.json stores and what `ClassificationModel` is built from.
// Every default is the documented setting of `s2s train-classify` (chosen on the airline dev split to
// train in under 3 minutes on 2 cores; see the command's help). config.json written before `cell`
// existed reads as an LSTM.
import S2SCore

/// Hyper-parameters of a `ClassificationModel`.
///
///     let config = ClassificationConfig(vocabularySize: text.vocabulary.count, classes: labels.count)
///     let model = ClassificationModel(config: config, rng: &rng)
public struct ClassificationConfig: Codable, Equatable, Sendable {
    /// Token vocabulary size, the 4 specials included.
    public var vocabularySize: Int
    /// Number of labels.
    public var classes: Int
    /// The encoder's recurrent cell: LSTM (default), GRU or plain RNN.
    public var cell: RecurrentCell = .lstm
    /// Token embedding size.
    public var embeddingSize: Int = 128
    /// Recurrent hidden size per direction.
    public var hiddenSize: Int = 128
    /// Stacked recurrent layers.
    public var layers: Int = 1
    /// Read the sentence in both directions (outputs are 2·hiddenSize wide).
    public var bidirectional: Bool = true
    /// Dropout on the embeddings, between recurrent layers and on the pooled vector.
    public var dropout: Float = 0.5
    /// How the encoder outputs become one vector.
    public var pooling: Pooling = .attention
    /// Attention pooling's hidden size (the width of tanh(W·h_t + b)); unused by other poolings.
    public var attentionSize: Int = 64

    public init(vocabularySize: Int, classes: Int, cell: RecurrentCell = .lstm, embeddingSize: Int = 128, hiddenSize: Int = 128,
                layers: Int = 1, bidirectional: Bool = true, dropout: Float = 0.5, pooling: Pooling = .attention,
                attentionSize: Int = 64) {
        self.vocabularySize = vocabularySize; self.classes = classes; self.cell = cell
        self.embeddingSize = embeddingSize; self.hiddenSize = hiddenSize; self.layers = layers
        self.bidirectional = bidirectional; self.dropout = dropout; self.pooling = pooling
        self.attentionSize = attentionSize
    }

    /// A sentence describing what is wrong, or nil when the settings can build a model.
    public var problem: String? {
        if vocabularySize < 5 { return "the vocabulary has \(vocabularySize) entries (the 4 specials and at least one token needed)" }
        if classes < 2 { return "a classifier needs at least 2 labels, found \(classes)" }
        if embeddingSize < 1 || hiddenSize < 1 || layers < 1 || attentionSize < 1 {
            return "embedding size, hidden size, layers and attention size must be at least 1"
        }
        if !(0..<1).contains(dropout) { return "dropout \(dropout) must be in [0, 1)" }
        return nil
    }
}

extension ClassificationConfig {
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(vocabularySize: try values.decode(Int.self, forKey: .vocabularySize),
                  classes: try values.decode(Int.self, forKey: .classes),
                  cell: try values.decodeIfPresent(RecurrentCell.self, forKey: .cell) ?? .lstm,
                  embeddingSize: try values.decode(Int.self, forKey: .embeddingSize),
                  hiddenSize: try values.decode(Int.self, forKey: .hiddenSize),
                  layers: try values.decode(Int.self, forKey: .layers),
                  bidirectional: try values.decode(Bool.self, forKey: .bidirectional),
                  dropout: try values.decode(Float.self, forKey: .dropout),
                  pooling: try values.decode(Pooling.self, forKey: .pooling),
                  attentionSize: try values.decode(Int.self, forKey: .attentionSize))
    }
}
