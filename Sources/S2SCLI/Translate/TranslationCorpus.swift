// Parallel corpora for the translator: line pairs read from two aligned files, and the same pairs as
// token ids. Training skips pairs with an empty side (counted) and pairs longer than a limit.
import S2SModels
import S2SText

struct ParallelLines {
    var source: [String] = []
    var target: [String] = []
    var count: Int { source.count }

    /// Reads two line-aligned files; empty and over-long pairs are skipped (and counted in the returned
    /// statistics).
    static func read(source: String, target: String) throws -> (lines: ParallelLines, statistics: ReadStatistics) {
        let reader = try ParallelReader(source: source, target: target, options: .trainingData)
        var lines = ParallelLines()
        while let (s, t) = try reader.next() {
            lines.source.append(s.text)
            lines.target.append(t.text)
        }
        return (lines, reader.statistics)
    }

    var pairs: [(source: String, target: String)] { Array(zip(source, target)) }
}

/// Pairs as ids (no bos/eos).
struct EncodedPairs {
    var source: [[Int]] = []
    var target: [[Int]] = []
    /// Pairs left out because a side had more than the length limit's tokens.
    var tooLong = 0
    var count: Int { source.count }

    static func encode(_ lines: ParallelLines, text: TranslationText, maxLength: Int? = nil) throws -> EncodedPairs {
        var out = EncodedPairs()
        for (s, t) in zip(lines.source, lines.target) {
            let sourceIds = try text.sourceIds(s), targetIds = try text.targetIds(t)
            if let maxLength, sourceIds.count > maxLength || targetIds.count > maxLength { out.tooLong += 1; continue }
            out.source.append(sourceIds)
            out.target.append(targetIds)
        }
        return out
    }

    func batch(_ indices: [Int]) -> TranslationBatch {
        TranslationBatch(source: indices.map { source[$0] }, target: indices.map { target[$0] })
    }

    /// The length the batcher sorts and counts by: the longer side (target + eos).
    var lengths: [Int] { zip(source, target).map { max($0.count, $1.count + 1) } }
}
