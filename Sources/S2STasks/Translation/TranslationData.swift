// Parallel corpora for the translator: line pairs read from two aligned files, and the same pairs as
// token ids. Training skips pairs with an empty side (counted) and pairs longer than a limit.
import S2SModels
import S2SText

/// Line pairs of a parallel corpus.
///
///     let (lines, statistics) = try ParallelLines.read(source: "train.en", target: "train.de")
///     print(statistics)   // train.en + train.de: 29000 lines, 29000 used
public struct ParallelLines: Sendable {
    public var source: [String] = []
    public var target: [String] = []
    public var count: Int { source.count }

    /// Pairs from two aligned arrays.
    public init(source: [String] = [], target: [String] = []) { self.source = source; self.target = target }

    /// Reads two line-aligned files; empty and over-long pairs are skipped (and counted in the returned
    /// statistics).
    public static func read(source: String, target: String) throws -> (lines: ParallelLines, statistics: ReadStatistics) {
        let reader = try ParallelReader(source: source, target: target, options: .trainingData)
        var lines = ParallelLines()
        while let (s, t) = try reader.next() {
            lines.source.append(s.text)
            lines.target.append(t.text)
        }
        return (lines, reader.statistics)
    }

    public var pairs: [(source: String, target: String)] { Array(zip(source, target)) }
}

/// Pairs as ids (no bos/eos), and the batches the trainer takes.
///
///     let pairs = try EncodedPairs.encode(lines, text: text, maxLength: 100)
///     let batch = pairs.batch([0, 1, 2])   // a TranslationBatch of three pairs
public struct EncodedPairs: Sendable {
    public var source: [[Int]] = []
    public var target: [[Int]] = []
    /// Pairs left out because a side had more than the length limit's tokens.
    public var tooLong = 0
    public var count: Int { source.count }

    /// No pairs.
    public init() {}

    /// The pairs as ids; with `maxLength`, pairs with a longer side are left out and counted in `tooLong`.
    public static func encode(_ lines: ParallelLines, text: TranslationText, maxLength: Int? = nil) throws -> EncodedPairs {
        var out = EncodedPairs()
        for (s, t) in zip(lines.source, lines.target) {
            let sourceIds = try text.sourceIds(s), targetIds = try text.targetIds(t)
            if let maxLength, sourceIds.count > maxLength || targetIds.count > maxLength { out.tooLong += 1; continue }
            out.source.append(sourceIds)
            out.target.append(targetIds)
        }
        return out
    }

    /// The pairs at `indices` as one training batch.
    public func batch(_ indices: [Int]) -> TranslationBatch {
        TranslationBatch(source: indices.map { source[$0] }, target: indices.map { target[$0] })
    }

    /// The length the batcher sorts and counts by: the longer side (target + eos).
    public var lengths: [Int] { zip(source, target).map { max($0.count, $1.count + 1) } }
}
