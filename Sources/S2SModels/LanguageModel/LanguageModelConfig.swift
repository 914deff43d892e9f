// The hyper-parameters of a language model: a typed value with the default of every setting, stored
// in the model bundle's config.json so `generate` and `evaluate-lm` rebuild exactly the trained model.
import S2SCore

/// The shape of a `LanguageModel`. Defaults are the documented character-level settings for
/// tinyshakespeare (a 2×512 LSTM). config.json written before `cell` existed reads as an LSTM.
///
///     var config = LanguageModelConfig(vocabularySize: 69)
///     config.dropout = 0.3
///     let model = LanguageModel(config: config, rng: &rng)
public struct LanguageModelConfig: Codable, Sendable, Equatable {
    /// V: tokens, the four specials included.
    public var vocabularySize: Int
    /// The recurrent cell: LSTM (default), GRU or plain RNN.
    public var cell: RecurrentCell = .lstm
    /// E: size of a token's embedding. Small for characters (few types); 512 for words.
    public var embeddingSize: Int = 128
    /// H: units per recurrent layer.
    public var hiddenSize: Int = 512
    /// L: stacked recurrent layers.
    public var layers: Int = 2
    /// Dropout between recurrent layers and before the projection (training only).
    public var dropout: Float = 0.2
    /// DropConnect on every layer's hidden-to-hidden weights (training only; see
    /// `RecurrentNetwork.weightDropout`). Absent in config.json written before it existed: 0.
    public var weightDropout: Float = 0
    /// Use the embedding matrix as the output projection's weight (needs E = H): fewer parameters,
    /// often better word-level perplexity.
    public var tieEmbeddings: Bool = false

    public init(vocabularySize: Int, cell: RecurrentCell = .lstm, embeddingSize: Int = 128, hiddenSize: Int = 512,
                layers: Int = 2, dropout: Float = 0.2, weightDropout: Float = 0, tieEmbeddings: Bool = false) {
        self.vocabularySize = vocabularySize
        self.cell = cell
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.dropout = dropout
        self.weightDropout = weightDropout
        self.tieEmbeddings = tieEmbeddings
    }

    /// Why these settings cannot build a model, or nil when they can.
    public var problem: String? {
        if vocabularySize < 5 { return "the vocabulary has \(vocabularySize) tokens; a language model needs at least one besides the 4 specials" }
        if embeddingSize < 1 || hiddenSize < 1 || layers < 1 { return "embedding size, hidden size and layers must be positive" }
        if !(0..<1).contains(dropout) { return "dropout \(dropout) is outside [0, 1)" }
        if !(0..<1).contains(weightDropout) { return "weight dropout \(weightDropout) is outside [0, 1)" }
        if tieEmbeddings && embeddingSize != hiddenSize {
            return "tied embeddings need the embedding size (\(embeddingSize)) to equal the hidden size (\(hiddenSize))"
        }
        return nil
    }
}

extension LanguageModelConfig {
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(vocabularySize: try values.decode(Int.self, forKey: .vocabularySize),
                  cell: try values.decodeIfPresent(RecurrentCell.self, forKey: .cell) ?? .lstm,
                  embeddingSize: try values.decode(Int.self, forKey: .embeddingSize),
                  hiddenSize: try values.decode(Int.self, forKey: .hiddenSize),
                  layers: try values.decode(Int.self, forKey: .layers),
                  dropout: try values.decode(Float.self, forKey: .dropout),
                  weightDropout: try values.decodeIfPresent(Float.self, forKey: .weightDropout) ?? 0,
                  tieEmbeddings: try values.decode(Bool.self, forKey: .tieEmbeddings))
    }
}
