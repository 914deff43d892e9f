// TextNormalizer: the character-level steps every tokenizer applies first, in this order:
// tweet entity unescaping (with --tweet), NFKC, full case folding (with --lowercase), squeezing of
// elongations (with --squeeze).

/// Normalizes a line as `TokenizerSettings` ask. Not thread-safe: it reuses ICU scratch buffers;
/// create one per thread.
///
///     let normalizer = try TextNormalizer(settings: TokenizerSettings(lowercase: true))
///     try normalizer.normalize("Straße ﬁx")   // "strasse fix"
public final class TextNormalizer {
    public let settings: TokenizerSettings
    private let icu: ICUNormalizer

    public init(settings: TokenizerSettings = TokenizerSettings()) throws(TextError) {
        self.settings = settings
        self.icu = try ICUNormalizer()
    }

    /// The normalized line. Throws only if ICU fails.
    public func normalize(_ line: String) throws(TextError) -> String {
        var text = settings.tweet ? TweetNormalizer.unescapeEntities(line) : line
        text = try icu.normalize(text, folding: settings.caseFolding)
        if settings.squeezeElongations { text = TweetNormalizer.squeezeElongations(text) }
        return text
    }
}
