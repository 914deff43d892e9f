// How a sentence classifier turns the encoder's per-step outputs into one vector per sentence.

/// The pooling step of a `ClassificationModel`.
///
///     ClassificationConfig(vocabularySize: 5000, classes: 3, pooling: .attention)
public enum Pooling: String, Codable, CaseIterable, Sendable {
    /// The encoder's final hidden state (for a bidirectional encoder, the forward direction's state at the
    /// last real token joined with the backward direction's state at the first): the 2017 tutorial's choice.
    case last
    /// Element-wise maximum of the outputs over the sentence's tokens.
    case max
    /// Mean of the outputs over the sentence's tokens.
    case mean
    /// Attention-weighted sum: score_t = v · tanh(W·h_t + b), softmax over the tokens.
    case attention
}
