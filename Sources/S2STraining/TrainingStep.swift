// One optimizer step exactly as training runs it: the batch cut into one shard per core, each shard's
// forward and backward pass on its own tape (its dropout seeded by (step, shard)), the shard gradients
// summed in a fixed order, the global norm clipped, and — when loss and norm are finite — the optimizer
// applied. The trainer runs every step through this, and so does every `s2s bench` training case, so
// a benchmark times what training runs.
import S2SCore
import S2SNN

/// Computes and applies one batch's gradients.
///
///     let step = TrainingStep(model: model, shards: 2, maxGradientNorm: 5)
///     let outcome = step.run(batch, parameters: model.parameters, optimizer: adam) { shard in UInt64(shard) }
///     outcome.applied   // false when the loss or the gradient norm was not finite (gradients zeroed)
public struct TrainingStep<Model: TrainableModel> {
    public let model: Model
    /// Data-parallel shards per batch (one per core, each with one BLAS thread).
    public let shards: Int
    /// Clip the global gradient norm to this (nil = no clipping).
    public let maxGradientNorm: Double?

    public init(model: Model, shards: Int, maxGradientNorm: Double?) {
        self.model = model; self.shards = max(1, shards); self.maxGradientNorm = maxGradientNorm
    }

    /// What one step did.
    public struct Outcome {
        /// Loss statistics summed over the shards.
        public var stats: LossStats
        /// The global gradient norm before clipping.
        public var norm: Double
        /// The optimizer ran; false when loss or norm was not finite (the gradients were zeroed instead).
        public var applied: Bool
    }

    /// Runs one step on `batch`; `seed(shard)` seeds that shard's tape (its dropout masks).
    @discardableResult
    public func run(_ batch: Model.Batch, parameters: [(name: String, variable: Variable)], optimizer: Optimizer,
                    seed: (Int) -> UInt64) -> Outcome {
        let pieces = (0..<shards).compactMap { batch.shard($0, of: shards) }
        let results = (0..<pieces.count).map { _ in ShardResult() }
        let totalUnits = max(1, pieces.reduce(0) { $0 + $1.lossUnits })
        DataParallel.run(shards: pieces.count, parameters: parameters.map(\.variable)) { k in
            let tape = Tape(recording: true, training: true, rng: Generator(seed: seed(k)))
            let (loss, stats) = model.loss(for: pieces[k], tape: tape)
            // Weighting each shard's mean by its share of the batch makes the sum the batch's mean.
            tape.backward(from: loss, seed: Tensor(repeating: Float(pieces[k].lossUnits) / Float(totalUnits), shape: loss.shape))
            results[k].stats = stats
        }
        let stats = results.reduce(LossStats()) { $0 + $1.stats }
        let norm = maxGradientNorm.map { clipGradientNorm(parameters, maxNorm: $0).norm } ?? globalGradientNorm(parameters)
        guard stats.lossSum.isFinite, norm.isFinite else {
            for (_, v) in parameters { v.zeroGrad() }
            return Outcome(stats: stats, norm: norm, applied: false)
        }
        optimizer.step(parameters)
        return Outcome(stats: stats, norm: norm, applied: true)
    }
}

/// One shard's statistics (a box per shard: shards never write the same memory).
private final class ShardResult {
    var stats = LossStats()
}
