// Everything a run needs, besides weights and optimizer state, to continue exactly where it stopped.
import S2SNN

public struct TrainerState: Codable, Sendable, Equatable {
    /// Optimizer steps taken.
    public var step = 0
    /// The epoch in progress, and the index of its next batch.
    public var epoch = 0
    public var batchInEpoch = 0
    /// Best validation metric so far and the step it was reached at.
    public var bestMetric: Double? = nil
    public var bestStep: Int? = nil
    public var validationsWithoutImprovement = 0
    public var consecutiveBadSteps = 0
    public var skippedSteps = 0
    public var schedule: LearningRateSchedule
    /// Wall-clock seconds over all invocations of this run.
    public var elapsed: Double = 0
    public var tokensSeen = 0

    public init(schedule: LearningRateSchedule) { self.schedule = schedule }
}
