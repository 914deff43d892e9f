// BLEUTokenizer: sacrebleu's `13a` tokenizer (mteval-v13a.pl, the WMT standard and sacrebleu's
// default) and `none`. 13a, as sacrebleu 2.x implements it (tokenizer_13a.py + tokenizer_re.py):
//   1. remove "<skipped>", remove "-\n", "\n" → " "; if the line has "&": &quot; &amp; &lt; &gt;
//      → " & < > (in that order); pad with a space on both sides;
//   2. ([\{-\~\[-\` -\&\(-\+\:-\@\/]) → " \1 "   every ASCII symbol but ' , - . gets spaces;
//   3. ([^0-9])([\.,]) → "\1 \2 "                 period/comma not after a digit;
//   4. ([\.,])([^0-9]) → " \1 \2"                 period/comma not before a digit;
//   5. ([0-9])(-) → "\1 \2 "                      dash after a digit;
//   6. split on whitespace, join with one space.
// Each regex is applied by re.sub: left to right over the whole line, non-overlapping. All patterns
// are ASCII, so they run on UTF-8 bytes with the same result as on code points (a multi-byte
// character is never a digit, a period or a comma, and only its last byte can precede an ASCII byte).

/// The tokenizers of sacrebleu we support.
///
///     BLEUTokenizer.thirteenA.tokenize("Hello, world (1,000.5)!")   // "Hello , world ( 1,000.5 ) !"
///     BLEUTokenizer.none.tokenize("Hello, world!")                  // "Hello, world!"
public enum BLEUTokenizer: String, Sendable, CaseIterable {
    /// mteval-v13a, sacrebleu's default.
    case thirteenA = "13a"
    /// Whitespace splitting only.
    case none = "none"

    /// The tokenized line, tokens joined by one space (what sacrebleu's tokenizer returns).
    /// O(line length).
    public func tokenize(_ line: String) -> String {
        let bytes = apply(Array(line.utf8))
        return PythonText.split(bytes).map { String(decoding: bytes[$0], as: UTF8.self) }.joined(separator: " ")
    }

    /// The tokenizer's rewriting of a line's UTF-8 bytes, before the final whitespace split.
    func apply(_ line: [UInt8]) -> [UInt8] {
        switch self {
        case .none: return line
        case .thirteenA: return Self.thirteenA(line)
        }
    }

    private static func thirteenA(_ input: [UInt8]) -> [UInt8] {
        var line = replaceAll(input, Array("<skipped>".utf8), with: [])
        line = replaceAll(line, Array("-\n".utf8), with: [])
        line = replaceAll(line, [0x0A], with: [0x20])
        if line.contains(UInt8(ascii: "&")) {
            line = replaceAll(line, Array("&quot;".utf8), with: Array("\"".utf8))
            line = replaceAll(line, Array("&amp;".utf8), with: Array("&".utf8))
            line = replaceAll(line, Array("&lt;".utf8), with: Array("<".utf8))
            line = replaceAll(line, Array("&gt;".utf8), with: Array(">".utf8))
        }
        line = [0x20] + line + [0x20]

        // 2. Symbols.
        var out: [UInt8] = []
        out.reserveCapacity(line.count * 2)
        for b in line {
            if isSymbol(b) { out.append(0x20); out.append(b); out.append(0x20) } else { out.append(b) }
        }
        // 3.–5. Pairs.
        let period = UInt8(ascii: "."), comma = UInt8(ascii: ","), dash = UInt8(ascii: "-")
        let isPunct = { (b: UInt8) in b == period || b == comma }
        out = substitutePairs(out, { !isDigit($0) }, isPunct) { [$0, 0x20, $1, 0x20] }
        out = substitutePairs(out, isPunct, { !isDigit($0) }) { [0x20, $0, 0x20, $1] }
        out = substitutePairs(out, isDigit, { $0 == dash }) { [$0, 0x20, $1, 0x20] }
        return out
    }

    /// [{-~] [[-`] [ -&] [(-+] [:-@] [/]: ASCII punctuation and space, except ' , - .
    @inline(__always)
    private static func isSymbol(_ b: UInt8) -> Bool {
        (0x7B...0x7E).contains(b) || (0x5B...0x60).contains(b) || (0x20...0x26).contains(b)
            || (0x28...0x2B).contains(b) || (0x3A...0x40).contains(b) || b == 0x2F
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// re.sub for a pattern of two one-character classes: scan left to right; where bytes i, i+1
    /// match, emit the replacement and continue after them.
    private static func substitutePairs(_ s: [UInt8], _ first: (UInt8) -> Bool, _ second: (UInt8) -> Bool,
                                        _ replacement: (UInt8, UInt8) -> [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count + s.count / 4)
        var i = 0
        while i < s.count {
            if i + 1 < s.count && first(s[i]) && second(s[i + 1]) {
                out.append(contentsOf: replacement(s[i], s[i + 1]))
                i += 2
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    /// str.replace: every non-overlapping occurrence, left to right.
    private static func replaceAll(_ s: [UInt8], _ target: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard !target.isEmpty, s.count >= target.count, s.contains(target[0]) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if s[i] == target[0] && i + target.count <= s.count && s[i..<(i + target.count)].elementsEqual(target) {
                out.append(contentsOf: replacement)
                i += target.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }
}
