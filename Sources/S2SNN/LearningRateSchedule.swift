// Learning-rate schedules: constant, step decay (torch StepLR, or OpenNMT's "start decay at step S,
// then every N steps"), reduce-on-plateau (torch ReduceLROnPlateau), and annealing to zero over the
// run's own length (linear or cosine in the fraction of the budget spent — "budgeted training": a
// 30-minute run decays over its 30 minutes, however many steps they hold), each with an optional linear
// warmup. A schedule is a Codable value: its settings and its state (the plateau's best metric and
// counters) save into a checkpoint as JSON and restore exactly.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The learning rate for each update. Steps are 1-based: `learningRate(step: 1)` is the rate of the
/// first update (OpenNMT's convention).
///
///     var schedule = LearningRateSchedule.stepDecay(1.0, factor: 0.5, every: 10_000, start: 50_000)
///     optimizer.learningRate = schedule.learningRate(step: step)        // before each update
///     schedule.observe(metric: validationLoss)                          // after each validation
///     let saved = try JSONEncoder().encode(schedule)                   // part of a checkpoint
///
/// With warmup the rate rises linearly, lr·step/warmupSteps, until step = warmupSteps.
public struct LearningRateSchedule: Codable, Equatable, Sendable {
    public enum Decay: Codable, Equatable, Sendable {
        /// No decay.
        case constant
        /// Multiply by `factor` at update `start`, then again every `every` updates:
        /// lr·factor^⌊max(step − start + every, 0)/every⌋ (OpenNMT's exponential decay; with
        /// start = every it is torch's StepLR counted in updates).
        case step(factor: Double, every: Int, start: Int)
        /// Reduce when a validation metric stops improving; see `ReduceOnPlateau`.
        case plateau(ReduceOnPlateau)
        /// From the base rate to zero over the run: lr·(1 − p) or lr·(1 + cos πp)/2, where p ∈ [0, 1]
        /// is the fraction of the run done (the caller's `progress`).
        case anneal(AnnealShape)
    }

    /// How an annealed rate falls with the fraction of the run done.
    public enum AnnealShape: String, Codable, Sendable, CaseIterable {
        case linear, cosine
    }

    /// The rate before any decay.
    public var baseLearningRate: Double
    /// Updates over which the rate ramps up linearly from base/warmupSteps to base (0: no warmup).
    public var warmupSteps: Int
    public var decay: Decay

    public init(baseLearningRate: Double, warmupSteps: Int = 0, decay: Decay = .constant) {
        precondition(baseLearningRate >= 0 && warmupSteps >= 0, "negative learning rate or warmup")
        if case let .step(factor, every, start) = decay {
            precondition(factor > 0 && every > 0 && start >= 0, "step decay needs factor > 0, every > 0, start ≥ 0")
        }
        self.baseLearningRate = baseLearningRate
        self.warmupSteps = warmupSteps
        self.decay = decay
        // A plateau that has seen nothing yet starts from the base rate.
        if case var .plateau(plateau) = decay, plateau.isFresh {
            plateau.reset(learningRate: baseLearningRate)
            self.decay = .plateau(plateau)
        }
    }

    public static func constant(_ learningRate: Double, warmupSteps: Int = 0) -> Self {
        Self(baseLearningRate: learningRate, warmupSteps: warmupSteps)
    }

    /// Step decay; `start` defaults to `every` (first decay after `every` updates, as torch's StepLR).
    public static func stepDecay(_ learningRate: Double, factor: Double, every: Int, start: Int? = nil,
                                 warmupSteps: Int = 0) -> Self {
        Self(baseLearningRate: learningRate, warmupSteps: warmupSteps,
             decay: .step(factor: factor, every: every, start: start ?? every))
    }

    /// Reduce-on-plateau starting from `learningRate`.
    public static func reduceOnPlateau(_ learningRate: Double, _ plateau: ReduceOnPlateau = ReduceOnPlateau(),
                                       warmupSteps: Int = 0) -> Self {
        Self(baseLearningRate: learningRate, warmupSteps: warmupSteps, decay: .plateau(plateau))
    }

    /// Annealed to zero over the run (see `Decay.anneal`).
    public static func anneal(_ learningRate: Double, _ shape: AnnealShape, warmupSteps: Int = 0) -> Self {
        Self(baseLearningRate: learningRate, warmupSteps: warmupSteps, decay: .anneal(shape))
    }

    /// Whether the rate depends on `progress` (the trainer then works out how far the run is).
    public var needsProgress: Bool {
        if case .anneal = decay { return true }
        return false
    }

    /// The rate of update number `step` (1-based); `progress` is the fraction of the run done before
    /// it (0…1; only the annealed schedule reads it).
    public func learningRate(step: Int, progress: Double = 0) -> Double {
        let warmup = warmupSteps > 0 && step < warmupSteps ? Double(max(step, 1)) / Double(warmupSteps) : 1
        switch decay {
        case .constant:
            return baseLearningRate * warmup
        case let .step(factor, every, start):
            let decays = max(step - start + every, 0) / every
            return baseLearningRate * pow(factor, Double(decays)) * warmup
        case let .plateau(plateau):
            return plateau.learningRate * warmup
        case let .anneal(shape):
            let p = min(max(progress, 0), 1)
            let left = shape == .linear ? 1 - p : (1 + cos(Double.pi * p)) / 2
            return baseLearningRate * left * warmup
        }
    }

    /// Reports a validation metric. Only the plateau schedule uses it; returns true when it lowered the
    /// rate.
    @discardableResult
    public mutating func observe(metric: Double) -> Bool {
        guard case var .plateau(plateau) = decay else { return false }
        let reduced = plateau.observe(metric)
        decay = .plateau(plateau)
        return reduced
    }
}

/// torch.optim.lr_scheduler.ReduceLROnPlateau: after more than `patience` observations without an
/// improvement, multiply the rate by `factor` (not below `minLearningRate`), then ignore `cooldown`
/// observations. An improvement in `.min` mode with `.relative` threshold is metric < best·(1 − threshold);
/// `.absolute`: metric < best − threshold (mirrored for `.max`). Unlike torch, a non-finite metric is
/// never an improvement (so `best` is always finite and the state always encodes as JSON).
///
///     var plateau = ReduceOnPlateau(factor: 0.5, patience: 2)
///     plateau.reset(learningRate: 1)
///     for loss in [3.0, 3.0, 3.0, 3.0] { plateau.observe(loss) }   // third non-improvement: 0.5
public struct ReduceOnPlateau: Codable, Equatable, Sendable {
    public enum Mode: String, Codable, Sendable { case min, max }
    public enum ThresholdMode: String, Codable, Sendable { case relative, absolute }

    public var mode: Mode
    public var factor: Double
    public var patience: Int
    public var threshold: Double
    public var thresholdMode: ThresholdMode
    public var cooldown: Int
    public var minLearningRate: Double
    /// Reductions smaller than this are skipped (torch's `eps`).
    public var epsilon: Double

    // State.
    public private(set) var learningRate: Double = 0
    /// Best metric so far; nil before the first finite one.
    public private(set) var best: Double?
    public private(set) var badObservations = 0
    public private(set) var cooldownCounter = 0

    /// Defaults are torch's.
    public init(mode: Mode = .min, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
                thresholdMode: ThresholdMode = .relative, cooldown: Int = 0, minLearningRate: Double = 0,
                epsilon: Double = 1e-8) {
        precondition(factor > 0 && factor < 1, "plateau factor must be in (0, 1)")
        precondition(patience >= 0 && cooldown >= 0 && threshold >= 0 && minLearningRate >= 0)
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLearningRate = minLearningRate
        self.epsilon = epsilon
    }

    /// Starts over at `learningRate` with no history.
    public mutating func reset(learningRate: Double) {
        self.learningRate = learningRate
        best = nil
        badObservations = 0
        cooldownCounter = 0
    }

    /// True before the first observation: no best metric, no counters, no rate set.
    var isFresh: Bool { best == nil && badObservations == 0 && cooldownCounter == 0 && learningRate == 0 }

    /// Whether `metric` improves on `best` by more than the threshold.
    public func isImprovement(_ metric: Double) -> Bool {
        guard metric.isFinite else { return false }
        guard let best else { return true }
        switch (mode, thresholdMode) {
        case (.min, .relative): return metric < best * (1 - threshold)
        case (.min, .absolute): return metric < best - threshold
        case (.max, .relative): return metric > best * (threshold + 1)
        case (.max, .absolute): return metric > best + threshold
        }
    }

    /// One observation (torch's `scheduler.step(metric)`); returns true when the rate was lowered.
    @discardableResult
    public mutating func observe(_ metric: Double) -> Bool {
        if isImprovement(metric) {
            best = metric
            badObservations = 0
        } else {
            badObservations += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badObservations = 0
        }
        guard badObservations > patience else { return false }
        cooldownCounter = cooldown
        badObservations = 0
        let lowered = max(learningRate * factor, minLearningRate)
        guard learningRate - lowered > epsilon else { return false }
        learningRate = lowered
        return true
    }
}
