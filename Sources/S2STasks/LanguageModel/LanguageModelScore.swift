// The three numbers a language model is judged by: loss in nats per token, perplexity, and bits per
// character (comparable across character, word and BPE models of the same text).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import S2SCore

/// Loss, perplexity and bits per character of a scored text.
///
///     let stats = try evaluation.evaluate(model, tokens: text.tokens)
///     let score = LanguageModelScore(stats: stats, tokensPerCharacter: text.tokensPerCharacter)
///     score.loss, score.perplexity, score.bitsPerCharacter
public struct LanguageModelScore: Sendable, Equatable, Codable {
    /// Mean negative log-likelihood, nats per token.
    public var loss: Double
    /// e^loss.
    public var perplexity: Double
    /// loss · tokens/characters / ln 2 (for a character model with no unknown characters: loss / ln 2).
    public var bitsPerCharacter: Double
    /// Tokens predicted.
    public var tokens: Int
    /// Fraction of tokens the model ranks first.
    public var accuracy: Double

    /// The score of `stats` (summed over a text) for a text with `tokensPerCharacter` tokens per character.
    public init(stats: CrossEntropyStats, tokensPerCharacter: Double) {
        tokens = stats.tokens
        loss = stats.tokens == 0 ? 0 : stats.nllSum / Double(stats.tokens)
        perplexity = exp(loss)
        bitsPerCharacter = loss * tokensPerCharacter / log(2)
        accuracy = stats.accuracy
    }

    /// As the trainer's validation metrics: loss, ppl, bpc, accuracy.
    public var metrics: [String: Double] {
        ["loss": loss, "ppl": perplexity, "bpc": bitsPerCharacter, "accuracy": accuracy]
    }
}
