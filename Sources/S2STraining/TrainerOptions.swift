// The trainer's settings, each with the default a command gets when the user says nothing.
import S2SNN

public struct TrainerOptions: Codable, Sendable, Equatable {
    /// Passes over the training data; nil = until another limit stops training.
    public var epochs: Int? = 10
    /// Optimizer steps; nil = no step limit.
    public var maxSteps: Int? = nil
    /// Wall-clock seconds for this invocation; training stops cleanly (validated, checkpointed) before it.
    public var timeBudget: Double? = nil
    /// Validate every this many steps (and at every epoch end); 0 = only at epoch ends.
    public var validateEvery: Int = 0
    /// Log a line every this many steps.
    public var reportEvery: Int = 50
    /// Clip the global gradient norm to this value; nil = no clipping (OpenNMT's default is 5).
    public var maxGradientNorm: Double? = 5
    /// The validation metric that picks the best model and drives early stopping.
    public var metric: String = "loss"
    /// Whether a higher `metric` is better (accuracy, F1, BLEU) or lower (loss, perplexity).
    public var higherIsBetter: Bool = false
    /// Stop after this many validations without improvement; nil = never.
    public var patience: Int? = nil
    /// Step checkpoints to keep besides the best one.
    public var keepCheckpoints: Int = 2
    /// Non-finite losses or gradients in a row before training stops (each one's step is skipped).
    public var maxBadSteps: Int = 5
    /// Data-parallel shards per batch (one per core, each with one BLAS thread).
    public var shards: Int = 1
    /// Exponential smoothing of the weights: validation and the saved model use a moving average that
    /// moves this fraction of the way towards the weights after every step (after a warm-up; see
    /// WeightSmoothing); nil = off. Marian's `--exponential-smoothing`.
    public var exponentialSmoothing: Double? = nil
    /// AdamW's decoupled weight decay (PyTorch's `AdamW(weight_decay:)`): every step shrinks each weight
    /// by learning rate × this before the Adam update; nil = plain Adam. Optional so that config.json
    /// written before it existed still reads.
    public var weightDecay: Double? = nil
    /// The optimizer; nil = Adam. Optional so that config.json written before it existed still reads (and a
    /// run that says nothing writes the same bytes as before).
    public var optimizer: OptimizerKind? = nil
    /// Seed for the batch order and dropout.
    public var seed: UInt64 = 1

    public init() {}
}

/// The optimizers a training job can use.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    /// Adam (Marian's default); AdamW with a weight decay.
    case adam
    /// Plain stochastic gradient descent, torch.optim.SGD without momentum (OpenNMT-py's default `-optim sgd`,
    /// usually with learning rate 1 and a decay); a weight decay is an L2 term, as in PyTorch.
    case sgd
}

extension TrainerOptions {
    /// The optimizer every training job uses: Adam at `learningRate` (AdamW when `weightDecay` is set), or
    /// SGD when `optimizer` says so.
    public func makeOptimizer(learningRate: Double) -> any Optimizer {
        switch optimizer ?? .adam {
        case .adam: Adam(learningRate: learningRate, weightDecay: weightDecay ?? 0, decoupledWeightDecay: weightDecay != nil)
        case .sgd: SGD(learningRate: learningRate, weightDecay: weightDecay ?? 0)
        }
    }
}
