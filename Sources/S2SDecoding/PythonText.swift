// PythonText: the few Python `str` operations sacrebleu's BLEU relies on, reproduced exactly so our
// scores match it: `str.lower()` (full Unicode lowercase mapping, with the Final_Sigma rule for Σ),
// and `str.rstrip()` / `str.split()` with Python's notion of whitespace (`str.isspace()`: category
// Zs or bidirectional class WS/B/S — which includes U+001C…U+001F, unlike Unicode's White_Space).
// Strip and split work on UTF-8 bytes; every Python whitespace character is ASCII or one of a few
// 2–3 byte sequences, recognised by their bytes. Swift's own String comparison (canonical
// equivalence) and `lowercased()` are deliberately not used: Python compares code points.

enum PythonText {
    /// Python's `str.isspace()` for one code point.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// The UTF-8 length of the Python whitespace character starting at `bytes[i]`, or 0.
    @inline(__always)
    static func spaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b = bytes[i]
        if b < 0x80 { return (0x09...0x0D).contains(b) || (0x1C...0x20).contains(b) ? 1 : 0 }
        let n = bytes.count
        switch b {
        case 0xC2:   // U+0085, U+00A0
            return i + 1 < n && (bytes[i + 1] == 0x85 || bytes[i + 1] == 0xA0) ? 2 : 0
        case 0xE1:   // U+1680
            return i + 2 < n && bytes[i + 1] == 0x9A && bytes[i + 2] == 0x80 ? 3 : 0
        case 0xE2:   // U+2000…U+200A, U+2028, U+2029, U+202F (E2 80 xx), U+205F (E2 81 9F)
            guard i + 2 < n else { return 0 }
            let (c1, c2) = (bytes[i + 1], bytes[i + 2])
            if c1 == 0x80 && ((0x80...0x8A).contains(c2) || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF) { return 3 }
            return c1 == 0x81 && c2 == 0x9F ? 3 : 0
        case 0xE3:   // U+3000
            return i + 2 < n && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x80 ? 3 : 0
        default:
            return 0
        }
    }

    /// `str.split()`: the maximal runs of non-whitespace, as byte ranges of `bytes`.
    static func split(_ bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { p in
            var pieces: [Range<Int>] = []
            var i = 0, start = -1
            while i < p.count {
                let space = spaceLength(p, at: i)
                if space > 0 {
                    if start >= 0 { pieces.append(start..<i); start = -1 }
                    i += space
                } else {
                    if start < 0 { start = i }
                    i += 1
                }
            }
            if start >= 0 { pieces.append(start..<p.count) }
            return pieces
        }
    }

    /// `str.rstrip()`: drops trailing Python whitespace.
    static func rstrip(_ bytes: inout [UInt8]) {
        while let last = bytes.last {
            if last < 0x80 {
                guard (0x09...0x0D).contains(last) || (0x1C...0x20).contains(last) else { return }
                bytes.removeLast()
                continue
            }
            // A multi-byte whitespace character is 2 or 3 bytes long and ends here.
            let n = bytes.count
            let length = bytes.withUnsafeBufferPointer { p -> Int in
                if n >= 3 && spaceLength(p, at: n - 3) == 3 { return 3 }
                if n >= 2 && spaceLength(p, at: n - 2) == 2 { return 2 }
                return 0
            }
            guard length > 0 else { return }
            bytes.removeLast(length)
        }
    }

    /// `str.lower()`: each code point's full lowercase mapping; Σ becomes ς in Python's
    /// Final_Sigma context (after a cased letter, skipping case-ignorable ones, and not before one).
    static func lowercased(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {   // ASCII fast path
            return String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        for (i, scalar) in scalars.enumerated() {
            if scalar.value == 0x3A3 {
                result.append(Unicode.Scalar(isFinalSigma(scalars, at: i) ? 0x3C2 : 0x3C3)!)
            } else if scalar.properties.changesWhenLowercased {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// CPython's `handle_capital_sigma`.
    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && scalars[j].properties.isCased else { return false }
        j = i + 1
        while j < scalars.count && scalars[j].properties.isCaseIgnorable { j += 1 }
        return j == scalars.count || !scalars[j].properties.isCased
    }
}
