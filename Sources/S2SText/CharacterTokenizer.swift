// CharacterTokenizer: grapheme clusters as tokens, for character-level language models. The same
// normalization as the word tokenizer applies first; with --tweet, URLs and mentions become one
// `<url>`/`<user>` token each.

/// Cuts normalized text into extended grapheme clusters (Swift `Character`s), so an emoji ZWJ
/// sequence, a flag or a letter with combining marks is one token. Whitespace is written with the
/// escapes of `TokenMarkup` (a space is `＿`, a TAB `％0009`), so tokens never contain whitespace and
/// fit the vocabulary file; `Detokenizer.detokenize(characters:)` is the inverse.
///
///     let tokenizer = try CharacterTokenizer()
///     try tokenizer.tokenize("né 👍🏽")   // ["n", "é", "＿", "👍🏽"]
///
/// Not thread-safe (reuses ICU buffers); create one per thread.
public final class CharacterTokenizer {
    public let settings: TokenizerSettings
    private let normalizer: TextNormalizer

    public init(settings: TokenizerSettings = TokenizerSettings(unit: .characters)) throws(TextError) {
        self.settings = settings
        self.normalizer = try TextNormalizer(settings: settings)
    }

    /// The grapheme clusters of the normalized line. With `collapseWhitespace`, each whitespace run
    /// becomes one " " and leading/trailing whitespace is dropped.
    public func tokenize(_ line: String) throws(TextError) -> [String] {
        let text = try normalizer.normalize(line)
        var out: [String] = []
        out.reserveCapacity(text.utf8.count)
        var pieces: [(Substring, special: String?)] = [(text[...], nil)]
        if settings.tweet {
            pieces = []
            let utf8 = Array(text.utf8)
            var cursor = 0
            for span in TweetNormalizer.placeholderSpans(in: utf8) {
                pieces.append((substring(text, cursor..<span.range.lowerBound), nil))
                pieces.append(("", span.placeholder))
                cursor = span.range.upperBound
            }
            pieces.append((substring(text, cursor..<utf8.count), nil))
        }
        for (piece, special) in pieces {
            if let special { out.append(special); continue }
            for character in piece {
                let token = String(character)
                let hasWhitespace = token.utf8.count == 1
                    ? token.utf8.first! == 0x20 || (token.utf8.first! >= 0x09 && token.utf8.first! <= 0x0D)
                    : token.unicodeScalars.contains(where: \.properties.isWhitespace)
                out.append(hasWhitespace ? Self.escapeWhitespace(token) : token)
            }
        }
        guard settings.collapseWhitespace else { return out }
        var collapsed: [String] = []
        for token in out {
            if TokenMarkup.isWhitespaceToken(token) && TokenMarkup.whitespace(fromToken: token).unicodeScalars.allSatisfy(\.properties.isWhitespace) {
                if let last = collapsed.last, last != TokenMarkup.space { collapsed.append(TokenMarkup.space) }
            } else {
                collapsed.append(token)
            }
        }
        if collapsed.last == TokenMarkup.space { collapsed.removeLast() }
        return collapsed
    }

    /// Each whitespace scalar of a grapheme cluster replaced by its escape (" \u{301}" -> "＿\u{301}").
    static func escapeWhitespace(_ grapheme: String) -> String {
        var out = ""
        for scalar in grapheme.unicodeScalars {
            if scalar.properties.isWhitespace {
                out += TokenMarkup.whitespaceToken(String(scalar))
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private func substring(_ text: String, _ range: Range<Int>) -> Substring {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let end = utf8.index(utf8.startIndex, offsetBy: range.upperBound)
        return text[start..<end]
    }
}
