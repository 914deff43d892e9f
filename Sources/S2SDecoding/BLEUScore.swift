// BLEUScore: the BLEU score from summed statistics, computed as sacrebleu's `BLEU.compute_bleu` with
// its default smoothing 'exp' (same operations in the same order, in Double), and printed in
// sacrebleu's format. With no match at all the score is 0; a zero total of order n ends the product
// early (its precision stays 0, which sacrebleu's floored log turns into a score of ~0).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A corpus BLEU score with its parts.
///
///     let score = BLEUScore(statistics)
///     score.score        // 0…100
///     score.description  // "BLEU = 35.12 65.4/41.2/28.0/19.9 (BP = 0.987 ratio = 0.987 hyp_len = 12034 ref_len = 12190)"
public struct BLEUScore: Sendable, Equatable, CustomStringConvertible {
    /// BLEU, 0…100.
    public let score: Double
    /// Clipped n-gram matches and hypothesis n-grams, n = 1…4.
    public let counts: [Int]
    public let totals: [Int]
    /// n-gram precisions in percent (smoothed where an order has no match).
    public let precisions: [Double]
    /// Brevity penalty.
    public let brevityPenalty: Double
    /// hypothesisLength / referenceLength (0 with an empty reference).
    public let ratio: Double
    public let hypothesisLength: Int
    public let referenceLength: Int

    public init(_ statistics: BLEUStatistics) {
        let correct = statistics.counts, total = statistics.totals
        let sys = statistics.hypothesisLength, ref = statistics.referenceLength
        counts = correct
        totals = total
        hypothesisLength = sys
        referenceLength = ref
        ratio = ref > 0 ? Double(sys) / Double(ref) : 0
        var bp = 1.0
        if sys < ref { bp = sys > 0 ? exp(1 - Double(ref) / Double(sys)) : 0 }
        brevityPenalty = bp
        var precisions = [Double](repeating: 0, count: 4)
        guard correct.contains(where: { $0 != 0 }) else {
            self.precisions = precisions
            score = 0
            return
        }
        var smooth = 1.0
        for n in 0..<4 {
            if total[n] == 0 { break }
            if correct[n] == 0 {
                smooth *= 2
                precisions[n] = 100 / (smooth * Double(total[n]))
            } else {
                precisions[n] = 100 * Double(correct[n]) / Double(total[n])
            }
        }
        self.precisions = precisions
        var sumOfLogs = 0.0
        for p in precisions { sumOfLogs += p == 0 ? -9_999_999_999 : log(p) }
        score = bp * exp(sumOfLogs / 4)
    }

    /// sacrebleu's line: `BLEU = 35.12 65.4/41.2/28.0/19.9 (BP = 0.987 ratio = 0.987 hyp_len = … ref_len = …)`.
    public var description: String {
        let precisionText = precisions.map { format("%.1f", $0) }.joined(separator: "/")
        return "BLEU = \(format("%.2f", score)) \(precisionText) (BP = \(format("%.3f", brevityPenalty)) "
            + "ratio = \(format("%.3f", ratio)) hyp_len = \(hypothesisLength) ref_len = \(referenceLength))"
    }
}

/// printf-style formatting of one Double (correctly rounded, as Python's format()).
private func format(_ spec: String, _ value: Double) -> String {
    withVaList([value]) { arguments in
        var buffer = [CChar](repeating: 0, count: 64)
        _ = vsnprintf(&buffer, buffer.count, spec, arguments)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
