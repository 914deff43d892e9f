// The optimiser settings every task's training options have under the same names, so that one set of
// command-line flags (`s2s train-*`'s shared trainer options) and one piece of code set them for any task.
import S2SNN
import S2STraining

/// Batching, learning rate and trainer settings, the same for every task.
///
///     func quick<Options: TrainingJobOptions>(_ options: inout Options) {
///         options.trainer.maxSteps = 100
///         options.learningRate = 1e-3
///     }
public protocol TrainingJobOptions: Sendable {
    /// Examples per batch (sentences; streams for a language model).
    var batchSize: Int { get set }
    /// A padded-token budget per batch instead of a fixed example count (nil = off).
    var batchTokens: Int? { get set }
    /// Adam's initial learning rate.
    var learningRate: Double { get set }
    /// The rate is multiplied by this when the validation metric stops improving (1 = constant rate).
    var learningRateDecay: Double { get set }
    /// Validations without improvement before the rate is lowered.
    var learningRatePatience: Int { get set }
    /// Budget, validation, early stopping, smoothing, seed and shards.
    var trainer: TrainerOptions { get set }
}

extension TrainingJobOptions {
    /// Constant, or multiplied by `learningRateDecay` when `metric` stalls for `learningRatePatience`
    /// validations (a decay of 1, or of 0 in settings recorded before 0.2, is a constant rate).
    func plateauSchedule(mode: ReduceOnPlateau.Mode, threshold: Double? = nil) -> LearningRateSchedule {
        guard learningRateDecay > 0 && learningRateDecay < 1 else { return .constant(learningRate) }
        var plateau = ReduceOnPlateau(mode: mode, factor: learningRateDecay, patience: learningRatePatience)
        if let threshold { plateau.threshold = threshold }
        return .reduceOnPlateau(learningRate, plateau)
    }
}
