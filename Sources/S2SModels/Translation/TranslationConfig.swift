// The translator's hyper-parameters as one typed, Codable value (stored in config.json), every default
// commented. Defaults are the benchmark model of the translation issue: a bidirectional LSTM encoder
// of 256 units per direction, a 512-unit input-feeding decoder with `general` attention. config.json
// written before `cell` existed reads as an LSTM.
import S2SCore
import S2SNN

/// Shape and regularisation of an attention encoder-decoder.
///
///     var config = TranslationConfig(sourceVocabularySize: 8000, targetVocabularySize: 8000)
///     config.attention = .mlp          // Bahdanau
///     var rng = Generator(seed: 1)
///     let model = try TranslationModel(config: config, rng: &rng)
public struct TranslationConfig: Codable, Equatable, Sendable {
    /// Source vocabulary size, specials included.
    public var sourceVocabularySize: Int
    /// Target vocabulary size, specials included.
    public var targetVocabularySize: Int
    /// The recurrent cell of the encoder and the decoder (OpenNMT's `rnn_type`): LSTM, GRU or plain RNN.
    public var cell: RecurrentCell = .lstm
    /// Source token embedding size.
    public var sourceEmbeddingSize: Int = 256
    /// Target token embedding size (must equal `decoderHiddenSize` to tie the generator to it).
    public var targetEmbeddingSize: Int = 256
    /// Encoder units per direction.
    public var encoderHiddenSize: Int = 256
    /// Stacked encoder layers; the decoder has as many (the bridge hands over one state per layer).
    public var layers: Int = 1
    /// Bidirectional encoder (its two directions' final states are concatenated for the decoder).
    public var bidirectional: Bool = true
    /// `general` (Luong, default), `dot`, or `mlp` (Bahdanau).
    public var attention: AttentionType = .general
    /// Dropout on embeddings, between recurrent layers and on the decoder's attentional output (OpenNMT's 0.3).
    public var dropout: Float = 0.3
    /// Label smoothing ε of the training loss (PyTorch semantics).
    public var labelSmoothing: Float = 0.1
    /// Share one matrix between the target embedding and the generator (needs equal sizes).
    public var tieTargetEmbedding: Bool = false
    /// Parameters start uniform in ±paramInit (OpenNMT's `param_init`); 0 keeps PyTorch's own defaults.
    public var paramInit: Float = 0.1

    public init(sourceVocabularySize: Int, targetVocabularySize: Int) {
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
    }

    /// The decoder's hidden size: the encoder output size (2 × units when bidirectional), which the
    /// attention compares it with.
    public var decoderHiddenSize: Int { encoderHiddenSize * (bidirectional ? 2 : 1) }

    /// Problems with these settings, one sentence each (empty when they are usable).
    public var problems: [String] {
        var out: [String] = []
        for (name, value) in [("source vocabulary size", sourceVocabularySize), ("target vocabulary size", targetVocabularySize),
                              ("source embedding size", sourceEmbeddingSize), ("target embedding size", targetEmbeddingSize),
                              ("encoder hidden size", encoderHiddenSize), ("layers", layers)] where value < 1 {
            out.append("\(name) must be at least 1 (got \(value))")
        }
        if sourceVocabularySize < 5 || targetVocabularySize < 5 {
            out.append("a vocabulary needs the 4 specials and at least one token")
        }
        if !(0..<1).contains(dropout) { out.append("dropout must lie in [0, 1) (got \(dropout))") }
        if !(0..<1).contains(labelSmoothing) { out.append("label smoothing must lie in [0, 1) (got \(labelSmoothing))") }
        if tieTargetEmbedding && targetEmbeddingSize != decoderHiddenSize {
            out.append("tying the target embedding to the generator needs target embedding size = decoder size (\(targetEmbeddingSize) ≠ \(decoderHiddenSize))")
        }
        if paramInit < 0 { out.append("paramInit cannot be negative") }
        return out
    }
}

extension TranslationConfig {
    /// Forward FLOPs of a batch counted on its real tokens (padding excluded): the encoder per source
    /// token, the decoder and generator per target token (eos included), attention per pair of them.
    /// Training costs three times this (backward ≈ 2 × forward).
    ///
    ///     config.forwardFLOPs(sourceTokens: 830, targetTokens: 890, attentionPairs: 12_000)
    public func forwardFLOPs(sourceTokens: Int, targetTokens: Int, attentionPairs: Int) -> Double {
        let He = Double(encoderHiddenSize), H = Double(decoderHiddenSize), D = bidirectional ? 2.0 : 1.0
        let gates = Double(cell.gates)
        var encoder = 0.0
        for layer in 0..<layers {
            let input = layer == 0 ? Double(sourceEmbeddingSize) : D * He
            encoder += D * 2 * gates * He * (input + He)
        }
        let keys = attention == .dot ? 0 : 2 * H * H
        var decoder = 2 * gates * H * (Double(targetEmbeddingSize) + 2 * H) + Double(layers - 1) * 2 * gates * H * 2 * H
        decoder += 2 * 2 * H * H + 2 * H * Double(targetVocabularySize)
        if attention == .mlp { decoder += 2 * H * H }
        return Double(sourceTokens) * (encoder + keys) + Double(targetTokens) * decoder + Double(attentionPairs) * 4 * H
    }
}

extension TranslationConfig {
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(sourceVocabularySize: try values.decode(Int.self, forKey: .sourceVocabularySize),
                  targetVocabularySize: try values.decode(Int.self, forKey: .targetVocabularySize))
        cell = try values.decodeIfPresent(RecurrentCell.self, forKey: .cell) ?? .lstm
        sourceEmbeddingSize = try values.decode(Int.self, forKey: .sourceEmbeddingSize)
        targetEmbeddingSize = try values.decode(Int.self, forKey: .targetEmbeddingSize)
        encoderHiddenSize = try values.decode(Int.self, forKey: .encoderHiddenSize)
        layers = try values.decode(Int.self, forKey: .layers)
        bidirectional = try values.decode(Bool.self, forKey: .bidirectional)
        attention = try values.decode(AttentionType.self, forKey: .attention)
        dropout = try values.decode(Float.self, forKey: .dropout)
        labelSmoothing = try values.decode(Float.self, forKey: .labelSmoothing)
        tieTargetEmbedding = try values.decode(Bool.self, forKey: .tieTargetEmbedding)
        paramInit = try values.decode(Float.self, forKey: .paramInit)
    }
}
