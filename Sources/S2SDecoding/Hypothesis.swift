// Hypothesis: one decoded output — its tokens, its scores and (when the model reports attention) the
// source attention that produced each token.

import S2SCore

/// One output of greedy or beam search.
///
///     let best = results[0][0]
///     best.tokens          // ids without bos and eos, e.g. [17, 250, 9]
///     best.score           // logProb / lengthPenalty.penalty(length: tokens.count + 1)
///     best.attention?[1, 4] // weight of source position 4 when tokens[1] was produced
public struct Hypothesis: Sendable, Equatable {
    /// The generated ids, without bos and eos.
    public var tokens: [Int]
    /// The ranking score: `logProb` normalised by the search's length penalty.
    public var score: Double
    /// Σ log p of the generated tokens, the closing eos included when there is one.
    public var logProb: Double
    /// Whether the hypothesis ended with eos (false: cut at the maximum length).
    public var finished: Bool
    /// [tokens.count, S]: row i is the model's attention at the step that produced tokens[i] (S is
    /// the sentence's source length when the caller gave one). nil when the model reports none.
    public var attention: Tensor?

    public init(tokens: [Int], score: Double, logProb: Double, finished: Bool, attention: Tensor? = nil) {
        self.tokens = tokens
        self.score = score
        self.logProb = logProb
        self.finished = finished
        self.attention = attention
    }
}
