// BLEU: corpus BLEU exactly as sacrebleu 2.x computes it with its defaults —
// `sacrebleu.corpus_bleu(hyps, [refs])`: 4-gram precisions clipped by the reference counts (the
// maximum over references), the brevity penalty from the closest reference length (ties: the
// shorter), smoothing 'exp' (mteval-v13a's: the k-th order with no match scores 100 / (2^k · total)),
// tokenizer 13a, case-sensitive unless `lowercase`. Each line is lowercased (optional), stripped of
// trailing whitespace, tokenized and split as sacrebleu does (see PythonText and BLEUTokenizer).
// The score itself is in BLEUScore.

/// The sufficient statistics of BLEU, summed over segments (add them with `+=`).
public struct BLEUStatistics: Sendable, Equatable {
    /// Clipped n-gram matches, n = 1…4.
    public var counts: [Int] = [0, 0, 0, 0]
    /// Hypothesis n-grams, n = 1…4.
    public var totals: [Int] = [0, 0, 0, 0]
    public var hypothesisLength = 0
    public var referenceLength = 0

    public init() {}

    public static func += (lhs: inout BLEUStatistics, rhs: BLEUStatistics) {
        for n in 0..<4 { lhs.counts[n] += rhs.counts[n]; lhs.totals[n] += rhs.totals[n] }
        lhs.hypothesisLength += rhs.hypothesisLength
        lhs.referenceLength += rhs.referenceLength
    }
}

/// Why a corpus cannot be scored.
public enum BLEUError: Error, Equatable, CustomStringConvertible {
    case lineCountMismatch(hypotheses: Int, references: Int)
    case noReferences

    public var description: String {
        switch self {
        case .noReferences:
            return "BLEU needs at least one reference"
        case let .lineCountMismatch(hypotheses, references):
            return "the hypothesis has \(hypotheses) lines but the reference has \(references): they must match line for line"
        }
    }
}

/// sacrebleu-compatible corpus BLEU.
///
///     let bleu = BLEU()                                   // 13a, cased: sacrebleu's defaults
///     let score = try bleu.corpusScore(hypotheses: hyps, references: [refs])
///     print(score)   // BLEU = 35.12 65.4/41.2/28.0/19.9 (BP = 0.987 ratio = 0.987 hyp_len = 12034 ref_len = 12190)
///
/// Complexity: O(total characters + total tokens) with hashing; memory per segment only.
public struct BLEU: Sendable {
    public var tokenizer: BLEUTokenizer
    public var lowercase: Bool

    public init(tokenizer: BLEUTokenizer = .thirteenA, lowercase: Bool = false) {
        self.tokenizer = tokenizer
        self.lowercase = lowercase
    }

    /// Corpus BLEU of `hypotheses` against one or more reference streams, each with one line per
    /// hypothesis. Throws `BLEUError.lineCountMismatch` when a stream's length differs.
    public func corpusScore(hypotheses: [String], references: [[String]]) throws -> BLEUScore {
        BLEUScore(try corpusStatistics(hypotheses: hypotheses, references: references))
    }

    /// The summed statistics behind `corpusScore`.
    public func corpusStatistics(hypotheses: [String], references: [[String]]) throws -> BLEUStatistics {
        guard !references.isEmpty else { throw BLEUError.noReferences }
        for stream in references where stream.count != hypotheses.count {
            throw BLEUError.lineCountMismatch(hypotheses: hypotheses.count, references: stream.count)
        }
        var total = BLEUStatistics()
        for (i, hypothesis) in hypotheses.enumerated() {
            total += statistics(hypothesis: hypothesis, references: references.map { $0[i] })
        }
        return total
    }

    /// One segment's statistics against its references (at least one).
    public func statistics(hypothesis: String, references: [String]) -> BLEUStatistics {
        var words = WordIDs()
        var referenceCounts: [NGram: Int] = [:], referenceLengths: [Int] = []
        for reference in references {
            let ids = words.ids(preprocess(reference))
            referenceLengths.append(ids.count)
            for (gram, count) in NGram.counts(ids) { referenceCounts[gram] = max(referenceCounts[gram] ?? 0, count) }
        }
        let ids = words.ids(preprocess(hypothesis))
        var stats = BLEUStatistics()
        stats.hypothesisLength = ids.count
        stats.referenceLength = Self.closestLength(to: ids.count, among: referenceLengths)
        for (gram, count) in NGram.counts(ids) {
            stats.totals[gram.order - 1] += count
            stats.counts[gram.order - 1] += min(count, referenceCounts[gram] ?? 0)
        }
        return stats
    }

    /// The tokens sacrebleu scores for a line: lowercased (optionally), right-stripped, tokenized.
    public func tokens(_ line: String) -> [String] {
        let (bytes, ranges) = preprocess(line)
        return ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    // MARK: - Internals

    private func preprocess(_ line: String) -> (bytes: [UInt8], tokens: [Range<Int>]) {
        var bytes = Array((lowercase ? PythonText.lowercased(line) : line).utf8)
        PythonText.rstrip(&bytes)
        bytes = tokenizer.apply(bytes)
        return (bytes, PythonText.split(bytes))
    }

    /// sacrebleu's `_get_closest_ref_len`: the reference length closest to the hypothesis length,
    /// the shorter one on a tie.
    static func closestLength(to length: Int, among lengths: [Int]) -> Int {
        var best = -1, bestDifference = -1
        for candidate in lengths {
            let difference = abs(length - candidate)
            if bestDifference == -1 || difference < bestDifference || (difference == bestDifference && candidate < best) {
                best = candidate; bestDifference = difference
            }
        }
        return best
    }
}

/// Interns tokens (compared byte for byte, as Python compares strings) to small integers.
private struct WordIDs {
    private var table: [[UInt8]: Int32] = [:]

    mutating func ids(_ line: (bytes: [UInt8], tokens: [Range<Int>])) -> [Int32] {
        line.tokens.map { range in
            let word = Array(line.bytes[range])
            if let id = table[word] { return id }
            let id = Int32(table.count)
            table[word] = id
            return id
        }
    }
}

/// An n-gram of 1…4 interned tokens.
private struct NGram: Hashable {
    var order: Int
    var w0: Int32, w1: Int32, w2: Int32, w3: Int32

    /// Counts of every n-gram, n = 1…4, of `ids`.
    static func counts(_ ids: [Int32]) -> [NGram: Int] {
        var counts: [NGram: Int] = [:]
        counts.reserveCapacity(4 * ids.count)
        for n in 1...4 where ids.count >= n {
            for i in 0...(ids.count - n) {
                let gram = NGram(order: n, w0: ids[i], w1: n > 1 ? ids[i + 1] : -1,
                                 w2: n > 2 ? ids[i + 2] : -1, w3: n > 3 ? ids[i + 3] : -1)
                counts[gram, default: 0] += 1
            }
        }
        return counts
    }
}
