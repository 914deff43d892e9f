// Detokenizer: the inverse of `Tokenizer` (and of BPE segmentation): written tokens back to text,
// following the markup rules of `TokenMarkup`.

/// Joins written tokens back into text.
///
///     Detokenizer.detokenize(["Hello", "￭,", "low", "￭est", "＿＿", "x"])   // "Hello, lowest  x"
///     Detokenizer.detokenize(line: "Hello ￭, world ￭!")                    // "Hello, world!"
public enum Detokenizer {
    /// Concatenates tokens: a space before every token except the first, joined ones (`￭` prefix,
    /// removed) and whitespace tokens and their successors (whose whitespace is restored).
    public static func detokenize<S: Sequence>(_ tokens: S) -> String where S.Element: StringProtocol {
        var out = ""
        var first = true
        var afterWhitespace = false
        for token in tokens {
            guard !token.isEmpty else { continue }
            if TokenMarkup.isWhitespaceToken(token) {
                out += TokenMarkup.whitespace(fromToken: token)
                afterWhitespace = true
                first = false
                continue
            }
            let scalars = token.unicodeScalars
            if scalars.first == TokenMarkup.joinerScalar {
                out.unicodeScalars.append(contentsOf: scalars.dropFirst())
            } else {
                if !first && !afterWhitespace { out += " " }
                out += token
            }
            first = false
            afterWhitespace = false
        }
        return out
    }

    /// Detokenizes one line of space-separated written tokens.
    public static func detokenize(line: String) -> String {
        detokenize(splitASCII(line, at: 0x20, omittingEmpty: true))
    }

    /// Detokenizes the output of `CharacterTokenizer`: grapheme clusters are concatenated and
    /// whitespace escapes decoded.
    public static func detokenize<S: Sequence>(characters: S) -> String where S.Element: StringProtocol {
        var out = ""
        for token in characters {
            if TokenMarkup.isWhitespaceToken(token) || token.unicodeScalars.contains(where: isEscape) {
                out += TokenMarkup.whitespace(fromToken: token)
            } else {
                out += token
            }
        }
        return out
    }

    private static func isEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar == TokenMarkup.spaceScalar || scalar == TokenMarkup.otherWhitespaceScalar
    }
}
