// TweetNormalizer: the tweet-specific steps that must happen before ICU (which would split URLs at
// ':' and '/'): HTML entity unescaping, URL and @mention placeholders, and squeezing elongations.
// Hashtags need no step of their own: ICU already splits "#tag" into "#" and "tag", which the joiner
// keeps together as `# ￭tag`. Emoji are kept whole by ICU's word rules (ZWJ, flags, modifiers).

/// Tweet normalization. All functions are pure.
///
///     TweetNormalizer.unescapeEntities("AT&amp;T")          // "AT&T"
///     TweetNormalizer.squeezeElongations("soooooo good")    // "sooo good"
///     TweetNormalizer.placeholderSpans(in: Array("@bob see https://t.co/x".utf8))
///     // [(0..<4, "<user>"), (9..<23, "<url>")]
public enum TweetNormalizer {
    /// Replaces `&amp; &lt; &gt; &quot; &apos; &#39;` and other `&#NN;` / `&#xHH;` numeric entities,
    /// which Twitter's API leaves in tweet text.
    public static func unescapeEntities(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let tail = rest[amp...]
            if let semicolon = tail.prefix(12).firstIndex(of: ";"),
               let decoded = entity(String(tail[tail.index(after: amp)..<semicolon])) {
                out += decoded
                rest = tail[tail.index(after: semicolon)...]
            } else {
                out += "&"
                rest = tail.dropFirst()
            }
        }
        return out + rest
    }

    private static func entity(_ name: String) -> String? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value, let scalar = Unicode.Scalar(value), value != 0 else { return nil }
            return String(Character(scalar))
        }
    }

    /// Replaces each run of four or more identical letters by three: "soooooo" -> "sooo",
    /// "!!!!!" and "1000000" stay as they are.
    public static func squeezeElongations(_ text: String) -> String {
        guard hasRun(text.utf8) || !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var previous: Character? = nil
        var run = 0
        for character in text {
            if character == previous {
                run += 1
            } else {
                previous = character
                run = 1
            }
            if run <= 3 || !character.isLetter { out.append(character) }
        }
        return out
    }

    private static func hasRun(_ bytes: String.UTF8View) -> Bool {
        var previous: UInt8 = 0, run = 0
        for byte in bytes {
            run = byte == previous ? run + 1 : 1
            previous = byte
            if run >= 4 { return true }
        }
        return false
    }

    /// The byte ranges of URLs and @mentions in `bytes` (valid UTF-8), in order, with their
    /// placeholders. A URL starts with `http://`, `https://` or `www.` (any case) after a non-letter
    /// and runs to the next whitespace, minus trailing punctuation; a mention is `@` after a
    /// non-word character followed by letters, digits or `_`.
    public static func placeholderSpans(in bytes: some RandomAccessCollection<UInt8>) -> [(range: Range<Int>, placeholder: String)] {
        let b = Array(bytes)
        var spans: [(range: Range<Int>, placeholder: String)] = []
        var i = 0
        while i < b.count {
            let byte = b[i]
            let boundary = i == 0 || !isWordByte(b[i - 1])
            if boundary, byte == UInt8(ascii: "@") {
                let j = mentionEnd(b, from: i + 1)
                if j > i + 1 {
                    spans.append((i..<j, TokenMarkup.user))
                    i = j
                    continue
                }
            }
            if boundary, (byte | 0x20) == UInt8(ascii: "h") || (byte | 0x20) == UInt8(ascii: "w"),
               let length = urlPrefixLength(b, at: i) {
                var j = i + length
                while j < b.count, !isASCIIWhitespace(b[j]), !startsUnicodeWhitespace(b, at: j) { j += 1 }
                j = trimTrailingPunctuation(b, from: i + length, to: j)
                if j > i + length {
                    spans.append((i..<j, TokenMarkup.url))
                    i = j
                    continue
                }
            }
            i += 1
        }
        return spans
    }

    private static func urlPrefixLength(_ b: [UInt8], at i: Int) -> Int? {
        for prefix in ["https://", "http://", "www."] {
            let p = Array(prefix.utf8)
            guard i + p.count <= b.count else { continue }
            var match = true
            for k in 0..<p.count where (b[i + k] | (p[k] >= 0x61 ? 0x20 : 0)) != p[k] { match = false; break }
            if match { return p.count }
        }
        return nil
    }

    /// End of a handle: ASCII letters, digits and `_`, or non-ASCII letters.
    private static func mentionEnd(_ b: [UInt8], from start: Int) -> Int {
        var j = start
        while j < b.count {
            if b[j] < 0x80 {
                guard isWordByte(b[j]) else { break }
                j += 1
            } else {
                guard let (scalar, length) = decodeScalar(b, at: j), scalar.properties.isAlphabetic else { break }
                j += length
            }
        }
        return j
    }

    private static func trimTrailingPunctuation(_ b: [UInt8], from start: Int, to end: Int) -> Int {
        let trailing = Array(".,;:!?\"')]}".utf8)
        var j = end
        while j > start {
            let last = b[j - 1]
            if last == 0xA6, j - 3 >= start, b[j - 3] == 0xE2, b[j - 2] == 0x80 { j -= 3; continue }   // "…"
            guard trailing.contains(last) else { break }
            // Keep a closing parenthesis that closes one opened inside the URL (Wikipedia links).
            if last == UInt8(ascii: ")") {
                let opened = b[start..<j].reduce(0) { $0 + ($1 == UInt8(ascii: "(") ? 1 : 0) }
                let closed = b[start..<j].reduce(0) { $0 + ($1 == UInt8(ascii: ")") ? 1 : 0) }
                if closed <= opened { break }
            }
            j -= 1
        }
        return j
    }

    /// ASCII letters, digits and `_`, or any byte of a non-ASCII character (treated as a letter).
    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
            || byte == UInt8(ascii: "_")
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    private static func startsUnicodeWhitespace(_ b: [UInt8], at i: Int) -> Bool {
        guard b[i] >= 0x80, let (scalar, _) = decodeScalar(b, at: i) else { return false }
        return scalar.properties.isWhitespace
    }
}
