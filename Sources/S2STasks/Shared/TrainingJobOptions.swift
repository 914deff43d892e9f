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
    /// Lowered on validation plateaus (`learningRateDecay`, `learningRatePatience`), or annealed to zero
    /// over the run's epochs, steps or time budget.
    var learningRateSchedule: LearningRateScheduleKind { get set }
    /// Budget, validation, early stopping, smoothing, seed and shards.
    var trainer: TrainerOptions { get set }
}

extension TrainingJobOptions {
    /// The run's schedule; a plateau is one of the validation metric in `mode` (see
    /// `LearningRateScheduleKind.schedule`).
    func schedule(plateau mode: ReduceOnPlateau.Mode, threshold: Double? = nil) -> LearningRateSchedule {
        learningRateSchedule.schedule(learningRate, decay: learningRateDecay, patience: learningRatePatience,
                                      plateau: mode, threshold: threshold)
    }
}

/// How a task's learning rate changes over a run (`--learning-rate-schedule`).
public enum LearningRateScheduleKind: String, Codable, Sendable, CaseIterable {
    /// Multiplied by the decay when the validation metric stalls.
    case plateau
    /// Falls linearly, or along half a cosine, from the initial rate to zero over the run's epochs, steps or
    /// time budget, whichever ends it first.
    case linear, cosine

    /// Plateau: constant, or multiplied by `decay` when the metric stalls for `patience` validations (a
    /// decay of 1, or of 0 in settings recorded before 0.2, is a constant rate). The others ignore
    /// `decay` and `patience`.
    func schedule(_ learningRate: Double, decay: Double, patience: Int, plateau mode: ReduceOnPlateau.Mode,
                  threshold: Double? = nil) -> LearningRateSchedule {
        switch self {
        case .linear: return .anneal(learningRate, .linear)
        case .cosine: return .anneal(learningRate, .cosine)
        case .plateau:
            guard decay > 0 && decay < 1 else { return .constant(learningRate) }
            var plateau = ReduceOnPlateau(mode: mode, factor: decay, patience: patience)
            if let threshold { plateau.threshold = threshold }
            return .reduceOnPlateau(learningRate, plateau)
        }
    }
}
