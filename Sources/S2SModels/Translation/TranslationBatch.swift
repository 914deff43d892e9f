// A batch of sentence pairs for the translator: token ids per example, laid out time-major by the
// model. Sharding deals whole sentences out in turn (shard k: examples k, k + n, k + 2n, …): a batch
// holds examples sorted by length, so contiguous halves would give the last core the longest sentences
// and every other core a wait for it.
import S2SNN

/// Source and target ids of some sentence pairs (no bos/eos: the model adds them).
///
///     let batch = TranslationBatch(source: [[5, 6, 7], [8]], target: [[9, 10], [11, 12, 13]])
///     batch.tokenCount        // 7: target tokens + one eos per sentence
///     batch.shard(1, of: 2)   // the second pair alone
public struct TranslationBatch: TrainingBatch, Sendable {
    public var source: [[Int]]
    public var target: [[Int]]

    public init(source: [[Int]], target: [[Int]]) {
        precondition(source.count == target.count, "TranslationBatch: \(source.count) sources, \(target.count) targets")
        self.source = source
        self.target = target
    }

    public var count: Int { source.count }
    /// Predicted target tokens: each sentence's tokens and its eos.
    public var lossUnits: Int { target.reduce(0) { $0 + $1.count + 1 } }
    public var tokenCount: Int { lossUnits }

    public func shard(_ index: Int, of count: Int) -> TranslationBatch? {
        guard index < self.count else { return nil }
        let mine = stride(from: index, to: self.count, by: count)
        return TranslationBatch(source: mine.map { source[$0] }, target: mine.map { target[$0] })
    }

    /// Decoder inputs (bos + target) and outputs (target + eos), time-major [T·B], padded with 0.
    func decoderSequences(bos: Int, eos: Int) -> (inputs: [Int], outputs: [Int], steps: Int) {
        let (inputs, _, steps) = timeMajor(target.map { [bos] + $0 })
        let (outputs, _, _) = timeMajor(target.map { $0 + [eos] })
        return (inputs, outputs, steps)
    }
}
