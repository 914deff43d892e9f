// A batch of labelled token sequences for the classifier: what the trainer shards across cores. Shard
// k takes examples k, k + n, k + 2n, … of the length-sorted batch, so every core gets as long a share.
import S2SNN

/// Token-id sequences with their class ids.
///
///     let batch = ClassificationBatch(sequences: [[7, 8, 9], [10]], labels: [2, 0])
///     batch.shard(1, of: 2)   // ClassificationBatch(sequences: [[10]], labels: [0])
public struct ClassificationBatch: TrainingBatch, Sendable, Equatable {
    public var sequences: [[Int]]
    public var labels: [Int]

    public init(sequences: [[Int]], labels: [Int]) {
        precondition(sequences.count == labels.count, "\(sequences.count) sequences, \(labels.count) labels")
        self.sequences = sequences; self.labels = labels
    }

    /// The loss is a mean over sentences.
    public var lossUnits: Int { labels.count }
    public var tokenCount: Int { sequences.reduce(0) { $0 + $1.count } }

    public func shard(_ index: Int, of count: Int) -> ClassificationBatch? {
        guard index < labels.count else { return nil }
        let mine = stride(from: index, to: labels.count, by: count)
        return ClassificationBatch(sequences: mine.map { sequences[$0] }, labels: mine.map { labels[$0] })
    }
}
