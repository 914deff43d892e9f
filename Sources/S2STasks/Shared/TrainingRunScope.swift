// The frame every training job runs in (see TrainingRunScope): opened and closed the same way for the
// three tasks, with the trainer wired the same way inside it.
import S2SCore
import S2SNN
import S2STraining

/// What every training job opens the same way before its own work, and closes in reverse after it: one
/// BLAS thread per data-parallel shard (the shards are the parallelism), this process's place among the
/// ranks, its training directory (locked for the run), and on a resume rank 0's files shared with the
/// others. `progress` gets `.finished` last, after the run's closing log lines.
///
/// Inside, every job's `train(in:)` takes the same steps with its own parts: read the data; build (or on a
/// resume, reload) the text pipeline and the model and write the bundle's settings; encode the batches and
/// make the validator; `distributed.requireSame` its fingerprints; `trainer(…)`; run; its result.
struct TrainingRunScope {
    let distributed: DistributedRun
    let directory: TrainingDirectory
    /// A log line for the run's progress handler.
    let log: (String) -> Void
    private let collective: (any Collective)?
    private let progress: TrainingProgressHandler
    private let tensorBoardDirectory: String?

    static func run<Result>(modelDirectory: String, mode: TrainingDirectory.Mode, collective: (any Collective)?,
                            tensorBoardDirectory: String?, progress: @escaping TrainingProgressHandler,
                            _ body: (TrainingRunScope) throws -> Result) throws -> Result {
        defer { progress(.finished) }
        BLAS.setThreads(1)
        let distributed = DistributedRun(modelDirectory: modelDirectory, mode: mode, collective: collective)
        defer { distributed.cleanUp() }
        let directory = try TrainingDirectory.open(distributed.directory, mode: distributed.mode)
        defer { directory.close() }
        try distributed.shareResumeFiles(directory.bundle)
        return try body(TrainingRunScope(distributed: distributed, directory: directory, log: { progress(.message($0)) },
                                         collective: collective, progress: progress, tensorBoardDirectory: tensorBoardDirectory))
    }

    /// The job's trainer: the optimizer `options` name at `learningRate`, this run's ranks, its progress
    /// (without `.finished`, which the scope sends last) and, on rank 0, TensorBoard events.
    func trainer<Model: TrainableModel>(_ model: Model, learningRate: Double, schedule: LearningRateSchedule, options: TrainerOptions,
                                        validate: @escaping (Model) throws -> [String: Double]) throws -> Trainer<Model> {
        let trainer = Trainer(model: model, optimizer: options.makeOptimizer(learningRate: learningRate), schedule: schedule,
                              options: options, bundle: directory.bundle)
        trainer.collective = collective
        let progress = progress
        trainer.progress = { event in if event != .finished { progress(event) } }
        if let tensorBoardDirectory, distributed.rank == 0 { trainer.tensorBoard = try TensorBoardWriter(directory: tensorBoardDirectory) }
        trainer.validate = validate
        return trainer
    }
}
