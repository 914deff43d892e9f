import S2SCore
import S2SNN
@testable import S2STraining

/// A small classifier over fixed feature vectors (linear → tanh → dropout → linear), enough to
/// exercise everything the trainer does: shards, dropout randomness, optimizer state, validation.
final class ToyModel: TrainableModel {
    struct Batch: TrainingBatch {
        var features: [[Float]]
        var labels: [Int]
        var lossUnits: Int { labels.count }
        var tokenCount: Int { labels.count }
        func shard(_ index: Int, of count: Int) -> Batch? {
            let size = (labels.count + count - 1) / count
            let range = (index * size)..<min(labels.count, (index + 1) * size)
            guard !range.isEmpty else { return nil }
            return Batch(features: Array(features[range]), labels: Array(labels[range]))
        }
    }

    let hidden: Linear, output: Linear
    var poison = false  // makes the loss NaN, to test skipping

    init(seed: UInt64) {
        var rng = Generator(seed: seed)
        hidden = Linear(inputs: 4, outputs: 8, rng: &rng)
        output = Linear(inputs: 8, outputs: 3, rng: &rng)
    }

    var parameters: [(name: String, variable: Variable)] {
        hidden.namedParameters(prefix: "hidden") + output.namedParameters(prefix: "output")
    }

    func loss(for batch: Batch, tape: Tape) -> (loss: Variable, stats: LossStats) {
        var x = Tensor(shape: [batch.labels.count, 4], scalars: batch.features.flatMap { $0 })
        if poison { x.scalars[0] = .nan }
        let h = tape.dropout(tape.tanh(hidden(Variable(x), tape: tape)), probability: 0.2)
        let (loss, stats) = tape.crossEntropyWithStats(logits: output(h, tape: tape), targets: batch.labels, ignoreIndex: nil)
        return (loss, LossStats(lossSum: stats.nllSum, units: stats.tokens, correct: stats.correct))
    }

    /// A dataset where the label is the argmax of the first three features.
    static func data(count: Int, seed: UInt64) -> [(features: [Float], label: Int)] {
        var rng = Generator(seed: seed)
        return (0..<count).map { _ in
            let f = (0..<4).map { _ in rng.uniform(-1, 1) }
            return (f, f.prefix(3).indices.max { f[$0] < f[$1] }!)
        }
    }

    static func batches(_ data: [(features: [Float], label: Int)], epoch: Int, seed: UInt64) -> [Batch] {
        Batcher(batchSize: 16).plan(lengths: data.map { _ in 1 }, seed: seed, epoch: epoch).map { rows in
            Batch(features: rows.map { data[$0].features }, labels: rows.map { data[$0].label })
        }
    }
}
