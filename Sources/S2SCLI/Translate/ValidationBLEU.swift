// Corpus BLEU for validation during training: sacrebleu's default (13a tokenization, 4-grams,
// brevity penalty, 'exp' smoothing of empty n-gram orders), so the validation figure reads like the
// final score. `s2s bleu` (S2SDecoding) is the reference implementation of the score itself.
import Foundation

enum ValidationBLEU {
    /// BLEU (0–100) of hypotheses against one reference each.
    ///
    ///     ValidationBLEU.score(hypotheses: ["the cat sat ."], references: ["the cat sat ."])   // 100
    static func score(hypotheses: [String], references: [String], lowercase: Bool = false) -> Double {
        precondition(hypotheses.count == references.count, "BLEU: \(hypotheses.count) hypotheses, \(references.count) references")
        var correct = [Int](repeating: 0, count: 4), total = [Int](repeating: 0, count: 4)
        var hypothesisLength = 0, referenceLength = 0
        for (h, r) in zip(hypotheses, references) {
            let hyp = tokenize13a(lowercase ? h.lowercased() : h), ref = tokenize13a(lowercase ? r.lowercased() : r)
            hypothesisLength += hyp.count
            referenceLength += ref.count
            for n in 1...4 {
                let hypGrams = ngrams(hyp, n), refGrams = ngrams(ref, n)
                total[n - 1] += max(0, hyp.count - n + 1)
                for (gram, count) in hypGrams { correct[n - 1] += min(count, refGrams[gram] ?? 0) }
            }
        }
        guard hypothesisLength > 0 else { return 0 }
        var logPrecision = 0.0, smooth = 1.0
        for n in 0..<4 {
            guard total[n] > 0 else { return 0 }
            var precision = Double(correct[n]) / Double(total[n])
            if correct[n] == 0 { smooth *= 2; precision = 1 / (smooth * Double(total[n])) }
            logPrecision += log(precision) / 4
        }
        let brevity = hypothesisLength < referenceLength ? exp(1 - Double(referenceLength) / Double(hypothesisLength)) : 1
        return 100 * brevity * exp(logPrecision)
    }

    private static func ngrams(_ tokens: [Substring], _ n: Int) -> [ArraySlice<Substring>: Int] {
        var counts: [ArraySlice<Substring>: Int] = [:]
        guard tokens.count >= n else { return counts }
        for i in 0...(tokens.count - n) { counts[tokens[i..<(i + n)], default: 0] += 1 }
        return counts
    }

    /// sacrebleu's 13a tokenizer (mteval-v13a): punctuation split off, except . and , between digits
    /// and - after a digit only.
    static func tokenize13a(_ line: String) -> [Substring] {
        var text = line.replacingOccurrences(of: "<skipped>", with: "").replacingOccurrences(of: "-\n", with: "")
            .replacingOccurrences(of: "\n", with: " ")
        if text.contains("&") {
            for (entity, character) in [("&quot;", "\""), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">")] {
                text = text.replacingOccurrences(of: entity, with: character)
            }
        }
        let scalars = Array((" " + text + " ").unicodeScalars)
        var out = String.UnicodeScalarView()
        func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }
        for (i, s) in scalars.enumerated() {
            let v = s.value
            let isPunctuation = (0x7B...0x7E).contains(v) || (0x5B...0x60).contains(v) || (0x20...0x26).contains(v)
                || (0x28...0x2B).contains(v) || (0x3A...0x40).contains(v) || v == 0x2F
            if isPunctuation {
                out.append(" "); out.append(s); out.append(" ")
            } else if v == 0x2E || v == 0x2C {   // . and , split off unless between digits
                let before = i > 0 ? scalars[i - 1] : " ", after = i + 1 < scalars.count ? scalars[i + 1] : " "
                if isDigit(before) && isDigit(after) { out.append(s) } else { out.append(" "); out.append(s); out.append(" ") }
            } else if v == 0x2D, i > 0, isDigit(scalars[i - 1]) {
                out.append(" "); out.append(s); out.append(" ")
            } else {
                out.append(s)
            }
        }
        return String(out).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
    }
}
