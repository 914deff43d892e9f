// What the shared trainer needs from a model, and nothing more: its named parameters and the loss of
// a batch. The classifier, the language model and the translator all train through this.
import Foundation
import S2SCore

/// A batch that can be cut into shards for data-parallel training.
public protocol TrainingBatch {
    /// The units the loss is averaged over (target tokens, or examples for a classifier).
    var lossUnits: Int { get }
    /// Tokens processed, for throughput reports.
    var tokenCount: Int { get }
    /// Shard `index` of `count` (contiguous rows), or nil when the batch is too small to give it rows.
    func shard(_ index: Int, of count: Int) -> Self?
}

/// Summed statistics of a loss over a batch: enough for mean loss, perplexity and accuracy.
public struct LossStats: Sendable, Equatable {
    public var lossSum: Double
    public var units: Int
    public var correct: Int

    public init(lossSum: Double = 0, units: Int = 0, correct: Int = 0) {
        self.lossSum = lossSum; self.units = units; self.correct = correct
    }

    public static func + (a: LossStats, b: LossStats) -> LossStats {
        LossStats(lossSum: a.lossSum + b.lossSum, units: a.units + b.units, correct: a.correct + b.correct)
    }

    public var meanLoss: Double { units > 0 ? lossSum / Double(units) : 0 }
    public var accuracy: Double { units > 0 ? Double(correct) / Double(units) : 0 }
    public var perplexity: Double { exp(meanLoss) }
}

/// A model the trainer can train.
public protocol TrainableModel: AnyObject {
    associatedtype Batch: TrainingBatch
    /// Every trainable parameter under its PyTorch-style name.
    var parameters: [(name: String, variable: Variable)] { get }
    /// Builds the mean loss of `batch` on `tape` (a training tape: dropout on) and its statistics.
    func loss(for batch: Batch, tape: Tape) -> (loss: Variable, stats: LossStats)
    /// State besides the parameters that a resumed run needs to continue bit for bit, such as a
    /// language model's recurrent state carried from one batch to the next. Saved in every checkpoint
    /// (not in model.safetensors). Default: none.
    var trainingState: [(name: String, tensor: Tensor)] { get }
    /// Restores what `trainingState` gave, from a checkpoint being resumed.
    func restoreTrainingState(_ tensors: [String: Tensor]) throws
    /// In a distributed run each rank updates the training state of its own part of the batches only;
    /// before a checkpoint this makes the whole state the same on every rank. `sum` adds a vector
    /// across the ranks (every rank calls it, in the same order). Default: nothing to merge.
    func mergeTrainingState(sum: (inout [Float]) -> Void)
}

extension TrainableModel {
    public var trainingState: [(name: String, tensor: Tensor)] { [] }
    public func restoreTrainingState(_ tensors: [String: Tensor]) throws {}
    public func mergeTrainingState(sum: (inout [Float]) -> Void) {}
}
