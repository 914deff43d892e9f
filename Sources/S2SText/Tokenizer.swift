// Tokenizer: the ICU word tokenizer. Text is normalized (NFKC, optional case folding, tweet steps),
// cut at Unicode word boundaries (UAX #29; dictionary segmentation for Thai, Lao, Khmer, Burmese,
// Chinese and Japanese), and every non-whitespace segment becomes a token. Whitespace is recorded
// with the joiner markup of `TokenMarkup`, so `Detokenizer` restores the normalized line exactly.

/// The ICU word tokenizer.
///
/// Joiner design (OpenNMT style, see `TokenMarkup`): a token that had no whitespace before it is
/// written with the prefix `￭`; a single space between tokens is implicit; any other whitespace run
/// becomes a whitespace token (`＿` per space, `％XXXX` per other whitespace character). NFKC maps the
/// marks ￭ ＿ ％ themselves to ■ _ %, so they never occur in token text and need no escaping:
/// `Detokenizer.detokenize(tokenizer.tokenize(x)) == NFKC(x)` for every string x when lowercase, tweet,
/// squeeze and collapseWhitespace are off.
///
///     let tokenizer = try Tokenizer()
///     try tokenizer.tokenize("Don't pay $1,000.50 for 東京!")
///     // ["Don't", "pay", "$", "￭1,000.50", "for", "東京", "￭!"]
///
/// Not thread-safe: a tokenizer reuses one ICU break iterator (`ubrk_setUText`) and scratch buffers.
/// Create one per thread. Complexity: O(n) in the line's length.
public final class Tokenizer {
    public let settings: TokenizerSettings
    private let normalizer: TextNormalizer
    private let segmenter: ICUWordSegmenter

    /// Opens ICU's word break iterator for `settings.language`. `settings.unit` is ignored (this is
    /// the word tokenizer; see `CharacterTokenizer`).
    public init(settings: TokenizerSettings = TokenizerSettings()) throws(TextError) {
        self.settings = settings
        self.normalizer = try TextNormalizer(settings: settings)
        self.segmenter = try ICUWordSegmenter(locale: settings.language)
    }

    /// The written tokens of one line (see `TokenMarkup`).
    public func tokenize(_ line: String) throws(TextError) -> [String] {
        try tokens(line).map(\.written)
    }

    /// The tokens of one line, with kinds and joiner flags.
    public func tokens(_ line: String) throws(TextError) -> [Token] {
        var text = try normalizer.normalize(line)
        var builder = TokenListBuilder(collapseWhitespace: settings.collapseWhitespace)
        let tweet = settings.tweet
        let segmenter = self.segmenter
        let failure: TextError? = text.withUTF8 { bytes -> TextError? in
            do throws(TextError) {
                var cursor = 0
                if tweet {
                    for span in TweetNormalizer.placeholderSpans(in: bytes) {
                        try Self.segment(bytes, cursor..<span.range.lowerBound, with: segmenter, into: &builder)
                        builder.append(span.placeholder, kind: .special, range: span.range, in: bytes)
                        cursor = span.range.upperBound
                    }
                }
                try Self.segment(bytes, cursor..<bytes.count, with: segmenter, into: &builder)
                builder.finish(in: bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        return builder.tokens
    }

    /// Runs ICU over `bytes[range]` and hands every non-whitespace run of every segment to `builder`.
    private static func segment(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                                with segmenter: ICUWordSegmenter, into builder: inout TokenListBuilder) throws(TextError) {
        guard !range.isEmpty else { return }
        let base = range.lowerBound
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        try segmenter.segment(slice) { start, end, status in
            let start = start + base, end = end + base
            if status >= 100 {   // words and numbers never contain whitespace
                let kind: Token.Kind = ICUWordSegmenter.numberStatus.contains(status) ? .number : .word
                builder.append(kind: kind, range: start..<end, in: bytes)
                return
            }
            if end - start == 1 && bytes[start] == 0x20 { return }
            // Punctuation, symbols, emoji, whitespace — or whitespace followed by combining marks.
            var i = start
            while i < end {
                let (isSpace, length) = whitespaceAt(bytes, i)
                if isSpace { i += length; continue }
                var j = i + length
                while j < end {
                    let (space, n) = whitespaceAt(bytes, j)
                    if space { break }
                    j += n
                }
                builder.append(kind: symbolKind(bytes, i), range: i..<j, in: bytes)
                i = j
            }
        }
    }

    /// Whether the scalar at `i` is White_Space, and its length in bytes.
    private static func whitespaceAt(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Bool, Int) {
        let byte = bytes[i]
        if byte < 0x80 { return (byte == 0x20 || (byte >= 0x09 && byte <= 0x0D), 1) }
        guard let (scalar, length) = decodeScalar(bytes, at: i) else { return (false, 1) }
        return (scalar.properties.isWhitespace, length)
    }

    private static func symbolKind(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Token.Kind {
        guard bytes[i] >= 0xC2, let (scalar, _) = decodeScalar(bytes, at: i) else { return .punctuation }
        return scalar.value > 0xFF && scalar.properties.isEmoji ? .emoji : .punctuation
    }
}

/// Collects tokens and turns the gaps between them into joiner flags and whitespace tokens.
struct TokenListBuilder {
    var tokens: [Token] = []
    let collapseWhitespace: Bool
    private var previousEnd = 0

    init(collapseWhitespace: Bool) { self.collapseWhitespace = collapseWhitespace }

    /// A token whose text is `bytes[range]`.
    mutating func append(kind: Token.Kind, range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        append(text, kind: kind, range: range, in: bytes)
    }

    /// A token with its own text (a placeholder) standing for `bytes[range]`.
    mutating func append(_ text: String, kind: Token.Kind, range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) {
        let gap = previousEnd..<range.lowerBound
        var joined = false
        if gap.isEmpty {
            joined = !tokens.isEmpty || previousEnd > 0
        } else if !(gap.count == 1 && bytes[gap.lowerBound] == 0x20 && previousEnd > 0) {
            appendWhitespace(gap, in: bytes)
        }
        tokens.append(Token(text, kind: kind, joined: joined))
        previousEnd = range.upperBound
    }

    /// Records trailing whitespace.
    mutating func finish(in bytes: UnsafeBufferPointer<UInt8>) {
        if previousEnd < bytes.count { appendWhitespace(previousEnd..<bytes.count, in: bytes) }
        previousEnd = bytes.count
    }

    private mutating func appendWhitespace(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) {
        guard !collapseWhitespace else { return }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        tokens.append(Token(text, kind: .whitespace, joined: false))
    }
}
