// PipelineTokenizer: text to written tokens exactly as a pipeline prescribes — word tokens with
// optional BPE, or characters — without the vocabulary. `TextProcessor` adds the ids; `s2s tokenize`
// prints these tokens.

/// Settings + optional BPE codes, applied to lines.
///
///     let tokenizer = try PipelineTokenizer(settings: TokenizerSettings(lowercase: true), codes: codes)
///     try tokenizer.tokenize("The lowest price")   // ["the", "low", "￭est", "price"]
///
/// Not thread-safe (ICU iterator, BPE cache); create one per thread.
public final class PipelineTokenizer {
    public let settings: TokenizerSettings
    public let codes: BPECodes?
    private let words: Tokenizer?
    private let characters: CharacterTokenizer?
    private let bpe: BPEEncoder?

    /// Throws if BPE codes are combined with character tokens, or if ICU cannot be opened.
    public init(settings: TokenizerSettings, codes: BPECodes? = nil) throws(TextError) {
        if settings.unit != .words && codes != nil {
            throw TextError(.invalidArgument, "BPE codes apply to word tokens; they cannot be combined with \(settings.unit.rawValue) tokens")
        }
        self.settings = settings
        self.codes = codes
        switch settings.unit {
        case .words:
            words = try Tokenizer(settings: settings)
            characters = nil
        case .characters:
            words = nil
            characters = try CharacterTokenizer(settings: settings)
        case .spaces:
            words = nil
            characters = nil
        }
        bpe = codes.map { BPEEncoder(codes: $0) }
    }

    /// The written tokens of one line.
    public func tokenize(_ line: String) throws(TextError) -> [String] {
        if let characters { return try characters.tokenize(line) }
        guard let words else { return line.split(whereSeparator: \.isWhitespace).map(String.init) }   // .spaces
        let tokens = try words.tokens(line)
        return bpe?.apply(tokens: tokens) ?? tokens.map(\.written)
    }

    /// The inverse of `tokenize` (up to normalization): the text of written tokens.
    public func detokenize<S: Sequence>(_ tokens: S) -> String where S.Element: StringProtocol {
        switch settings.unit {
        case .characters: return Detokenizer.detokenize(characters: tokens)
        case .spaces: return tokens.map { String($0) }.joined(separator: " ")
        case .words: return Detokenizer.detokenize(tokens)
        }
    }
}
