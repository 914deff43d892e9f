// One optimizer step exactly as training runs it: the batch cut into one shard per core, each shard's
// forward and backward pass on its own tape (its dropout seeded by (step, shard)), the shard gradients
// summed in a fixed order, the global norm clipped, and — when loss and norm are finite — the optimizer
// applied. The trainer runs every step through this, and so does every `s2s bench` training case, so
// a benchmark times what training runs.
//
// Across processes (`collective`, N ranks): every rank cuts the same batch into N × shards pieces, runs
// its own block of them (rank r: pieces r·shards ..< (r+1)·shards) and the ranks add their gradients
// and statistics in rank order. With one shard per rank that is exactly one process's N-shard step —
// the same pieces, seeds and order of additions — so the weights agree bit for bit.
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

    /// The ranks of a distributed run (nil: this process alone).
    public var collective: (any Collective)? { exchange?.collective }
    /// Adds the gradients across ranks; it keeps its buffer from step to step, so keep the step too.
    let exchange: GradientExchange?

    public init(model: Model, shards: Int, maxGradientNorm: Double?, collective: (any Collective)? = nil) {
        self.model = model; self.shards = max(1, shards); self.maxGradientNorm = maxGradientNorm
        exchange = collective.map { GradientExchange(collective: $0) }
    }

    /// What one step did.
    public struct Outcome {
        /// Loss statistics summed over the shards.
        public var stats: LossStats
        /// The global gradient norm before clipping.
        public var norm: Double
        /// The optimizer ran; false when loss or norm was not finite (the gradients were zeroed instead).
        public var applied: Bool
        /// Seconds spent adding the gradients across ranks (0 alone), and of them the seconds until
        /// every rank had finished its backward pass.
        public var exchangeSeconds = 0.0, waitSeconds = 0.0
        /// Seconds of this rank's forward and backward passes (all its shards).
        public var computeSeconds = 0.0
        /// Floats of gradient each rank sent into the sum.
        public var exchangedFloats = 0
    }

    /// Runs one step on `batch`; `seed(shard)` seeds that shard's tape (its dropout masks).
    @discardableResult
    public func run(_ batch: Model.Batch, parameters: [(name: String, variable: Variable)], optimizer: Optimizer,
                    seed: (Int) -> UInt64) -> Outcome {
        let ranks = collective?.size ?? 1, rank = collective?.rank ?? 0
        let pieces = (0..<shards * ranks).compactMap { batch.shard($0, of: shards * ranks) }
        let mine = Array(pieces.indices.filter { $0 / shards == rank })   // this rank's block of pieces
        let results = (0..<mine.count).map { _ in ShardResult() }
        let totalUnits = max(1, pieces.reduce(0) { $0 + $1.lossUnits })
        let started = MonotonicClock.seconds()
        if !mine.isEmpty {
            DataParallel.run(shards: mine.count, parameters: parameters.map(\.variable)) { k in
                let piece = pieces[mine[k]]
                let tape = Tape(recording: true, training: true, rng: Generator(seed: seed(mine[k])))
                let (loss, stats) = model.loss(for: piece, tape: tape)
                // Weighting each shard's mean by its share of the batch makes the sum the batch's mean.
                tape.backward(from: loss, seed: Tensor(repeating: Float(piece.lossUnits) / Float(totalUnits), shape: loss.shape))
                results[k].stats = stats
            }
        }
        var outcome = Outcome(stats: results.reduce(LossStats()) { $0 + $1.stats }, norm: 0, applied: false)
        outcome.computeSeconds = MonotonicClock.seconds() - started
        if let exchange {
            outcome.stats = exchange.sum(parameters.map(\.variable), stats: outcome.stats)
            outcome.exchangeSeconds = exchange.lastWaitSeconds + exchange.lastGradientSeconds
            outcome.waitSeconds = exchange.lastWaitSeconds
            outcome.exchangedFloats = exchange.lastFloats
        }
        outcome.norm = maxGradientNorm.map { clipGradientNorm(parameters, maxNorm: $0).norm } ?? globalGradientNorm(parameters)
        guard outcome.stats.lossSum.isFinite, outcome.norm.isFinite else {
            for (_, v) in parameters { v.zeroGrad() }
            return outcome
        }
        optimizer.step(parameters)
        outcome.applied = true
        return outcome
    }
}

/// One shard's statistics (a box per shard: shards never write the same memory).
private final class ShardResult {
    var stats = LossStats()
}
