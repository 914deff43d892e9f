// Token: one unit of tokenized text with its kind and whether whitespace preceded it.

/// A token from `Tokenizer.tokens(_:)`.
///
///     let tokens = try Tokenizer().tokens("Hi, 2 of you")
///     tokens.map(\.written)   // ["Hi", "￭,", "2", "of", "you"]
///     tokens[2].kind          // .number
public struct Token: Hashable, Sendable {
    /// What ICU (or the tweet normalizer) made of the text.
    public enum Kind: String, Hashable, Sendable {
        /// Letters, kana or ideographs (ICU rule status 200–499), including "can't" and "U.S.A".
        case word
        /// Digits with their separators, "1,000.50" (ICU rule status 100–199).
        case number
        /// Punctuation and symbols (ICU rule status 0, not whitespace, not emoji).
        case punctuation
        /// An emoji grapheme: ZWJ sequences, flags and skin tones stay whole.
        case emoji
        /// `<url>` or `<user>` from the tweet normalizer; never split by BPE.
        case special
        /// A whitespace run other than one space between two tokens (see `TokenMarkup`).
        case whitespace
    }

    /// The token's text: for `.whitespace` the whitespace itself, for `.special` the placeholder.
    public var text: String
    public var kind: Kind
    /// True when no whitespace separated this token from the previous one.
    public var joined: Bool

    public init(_ text: String, kind: Kind, joined: Bool) {
        self.text = text
        self.kind = kind
        self.joined = joined
    }

    /// The written form (see `TokenMarkup`): `￭` + text when joined, escapes for whitespace.
    public var written: String {
        switch kind {
        case .whitespace: return TokenMarkup.whitespaceToken(text)
        default: return joined ? TokenMarkup.joiner + text : text
        }
    }
}
