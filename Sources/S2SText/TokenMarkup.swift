// TokenMarkup: how tokens are written as text, so that a tokenized line can be turned back into the
// original (NFKC-normalized) line exactly.
//
//   • Tokens are separated by single spaces.
//   • A token written after a single space in the original carries no mark: "a b" -> `a b`.
//   • A token with no whitespace before it carries the joiner ￭ (U+FFED) as a prefix:
//     "Hello, world!" -> `Hello ￭, world ￭!`. BPE pieces after the first get a joiner too:
//     "lowest" -> `low ￭est`.
//   • Any other whitespace run (two spaces, a tab, leading or trailing spaces) becomes a whitespace
//     token of its own, each space written ＿ (U+FF3F) and any other whitespace character ％ (U+FF05)
//     followed by 4 upper-case hex digits: "a  b\tc" -> `a ＿＿ b ％0009 c`. No space is added next to
//     a whitespace token when detokenizing.
//
// The three marks ￭ ＿ ％ are halfwidth/fullwidth compatibility characters, which NFKC maps to other
// characters (■ _ %). The tokenizer applies NFKC first, so no token text can contain them: a literal ￭
// in the input becomes ■ and needs no escape, and the round trip detokenize(tokenize(x)) == NFKC(x)
// holds for every x (without --lowercase, --tweet, --squeeze or --collapse-whitespace).

/// The written form of tokens: joiner and whitespace escapes. See the file comment for the rules.
///
///     TokenMarkup.joined("ing")            // "￭ing"
///     TokenMarkup.whitespaceToken("  ")    // "＿＿"
public enum TokenMarkup {
    /// Version of these rules, stored in `TokenizerSettings.markupVersion`.
    public static let version = 1
    /// Prefix of a token that had no whitespace before it.
    public static let joiner = "\u{FFED}"
    /// Escape of one U+0020 inside a whitespace token.
    public static let space = "\u{FF3F}"
    /// Escape prefix of any other whitespace character inside a whitespace token (then 4 hex digits).
    public static let otherWhitespace = "\u{FF05}"
    /// Placeholder for a URL in tweet mode.
    public static let url = "<url>"
    /// Placeholder for an @mention in tweet mode.
    public static let user = "<user>"
    /// Tokens that BPE never splits (besides whitespace tokens).
    public static let reserved = Set([url, user] + Vocabulary.specials)

    static let joinerScalar: Unicode.Scalar = "\u{FFED}"
    static let spaceScalar: Unicode.Scalar = "\u{FF3F}"
    static let otherWhitespaceScalar: Unicode.Scalar = "\u{FF05}"
    /// UTF-8 of the joiner: EF BF AD.
    static let joinerUTF8: [UInt8] = [0xEF, 0xBF, 0xAD]

    /// `text` with the joiner prefix.
    public static func joined(_ text: String) -> String { joiner + text }

    /// Splits a written token into its joiner flag and its text: `"￭ing"` -> `(true, "ing")`.
    public static func split(_ token: String) -> (joined: Bool, text: Substring) {
        let scalars = token.unicodeScalars
        if scalars.first == joinerScalar {
            return (true, token[scalars.index(after: scalars.startIndex)...])
        }
        return (false, token[...])
    }

    /// True when the written token is a whitespace token (starts with ＿ or ％).
    public static func isWhitespaceToken<S: StringProtocol>(_ token: S) -> Bool {
        guard let first = token.unicodeScalars.first else { return false }
        return first == spaceScalar || first == otherWhitespaceScalar
    }

    /// The written form of a whitespace run: `"  "` -> `"＿＿"`, `"\t"` -> `"％0009"`.
    public static func whitespaceToken<S: StringProtocol>(_ whitespace: S) -> String {
        var out = ""
        for scalar in whitespace.unicodeScalars {
            if scalar == " " {
                out.unicodeScalars.append(spaceScalar)
            } else {
                out.unicodeScalars.append(otherWhitespaceScalar)
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return out
    }

    /// The whitespace a whitespace token stands for; anything that is not an escape is kept as is.
    public static func whitespace<S: StringProtocol>(fromToken token: S) -> String {
        var out = ""
        let scalars = Array(token.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            if scalar == spaceScalar {
                out.unicodeScalars.append(" ")
                i += 1
                continue
            }
            if scalar == otherWhitespaceScalar, i + 5 <= scalars.count {
                var hex = ""
                hex.unicodeScalars.append(contentsOf: scalars[(i + 1)..<(i + 5)])
                if let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value) {
                    out.unicodeScalars.append(decoded)
                    i += 5
                    continue
                }
            }
            out.unicodeScalars.append(scalar)
            i += 1
        }
        return out
    }
}
