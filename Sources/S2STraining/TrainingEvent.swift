// What a training run tells whoever started it, as it runs: log lines (data read, validation scores,
// early stopping, where the model went) and the progress after every optimizer step. A command shows
// them on stderr through a `ProgressReporter`; a program can show them its own way, or ignore them.

/// One piece of news from a training run.
///
///     try job.run { event in
///         if case .step(let p) = event, p.step % 100 == 0 { print("step", p.step, "loss", p.loss) }
///     }
public enum TrainingEvent: Sendable, Equatable {
    /// A finished line of the run's log, without a line break.
    case message(String)
    /// After every optimizer step: loss, learning rate, speed and time so far.
    case step(TrainingProgress)
    /// While the training data is prepared (tokens counted, the corpus encoded): lines done, rate, ETA.
    /// Sent often; a terminal shows it as a redrawn line, a log ignores it.
    case preparing(PreparationProgress)
    /// The run ended (successfully or not): a task's training job sends it last, after its closing
    /// log lines; a `Trainer` on its own, when its loop ends.
    case finished
}

/// Where a training run sends its events.
public typealias TrainingProgressHandler = @Sendable (TrainingEvent) -> Void

extension ProgressReporter {
    /// Shows `event` on stderr: messages as log lines, steps as the progress line (and a log line
    /// every `reportEvery` steps), `finished` ends the progress line.
    public func show(_ event: TrainingEvent) {
        switch event {
        case .message(let text): log(text)
        case .step(let progress): update(progress)
        case .preparing(let progress): update(progress)
        case .finished: finish()
        }
    }

    /// A handler that shows every event on stderr (see `show(_:)`).
    ///
    ///     trainer.progress = ProgressReporter.standardError(reportEvery: 50)
    public static func standardError(reportEvery: Int) -> TrainingProgressHandler {
        let reporter = ProgressReporter(reportEvery: max(1, reportEvery))
        nonisolated(unsafe) let shown = reporter   // events of one run arrive from its one training thread
        return { shown.show($0) }
    }

    /// A handler that drops every event (quiet tests and benchmarks).
    public static let silent: TrainingProgressHandler = { _ in }
}
