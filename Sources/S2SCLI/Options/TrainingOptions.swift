import ArgumentParser
import S2SCore
import S2STasks
import S2STraining

/// Options every train-* command shares, one spelling each. Unset options keep the task's own
/// defaults (`TranslationTrainingOptions`, `LanguageModelTrainingOptions`, `ClassificationTrainingOptions`).
struct TrainingOptions: ParsableArguments {
    @Option(help: "Directory of the model bundle (config.json, model.safetensors, vocabulary, checkpoints/).")
    var modelDir: String

    @Flag(help: "Continue the run in --model-dir from its latest checkpoint.")
    var resume = false

    @Flag(help: "Replace the trained model, checkpoints and metrics already in --model-dir (without it, a new run refuses a directory that holds them).")
    var overwrite = false

    @Option(help: "Passes over the training data.")
    var epochs: Int?

    @Option(help: "Stop after this many optimizer steps.")
    var maxSteps: Int?

    @Option(help: "Stop cleanly (validated and saved) within this wall-clock time, e.g. 90s, 20m, 1h30m.")
    var timeBudget: TimeBudget?

    @Option(help: "Validate every N steps (and at every epoch end).")
    var validateEvery: Int?

    @Option(help: "Log a line every N steps.")
    var reportEvery: Int?

    @Option(help: "Examples per batch.")
    var batchSize: Int?

    @Option(help: "Padded tokens per batch instead of a fixed example count.")
    var batchTokens: Int?

    @Option(help: "Initial learning rate.")
    var learningRate: Double?

    @Option(help: "Multiply the learning rate by this when the validation metric stops improving (1 = never).")
    var learningRateDecay: Double?

    @Option(help: "Validations without improvement before --learning-rate-decay lowers the rate.")
    var learningRatePatience: Int?

    @Option(help: ArgumentHelp("How the learning rate falls: plateau (by --learning-rate-decay when validation stalls), or linear or cosine to zero over the run's epochs, steps or time budget.",
                               discussion: "An annealed rate is set by how much of the run is done, so a 30-minute run decays over its 30 minutes whatever the machine's speed; a resumed run with a time budget starts a new decay over its own budget."))
    var learningRateSchedule: LearningRateScheduleKind?

    @Option(help: "Clip the global gradient norm to this value (0 = no clipping).")
    var maxGradNorm: Double?

    @Option(help: "Stop after N validations without improvement.")
    var patience: Int?

    @Option(help: "Step checkpoints to keep besides the best.")
    var keepCheckpoints: Int?

    @Option(help: ArgumentHelp("Validate and save an exponential moving average of the weights that moves this fraction towards them after every step, e.g. 0.001 (0 = off).",
                               discussion: "Marian's --exponential-smoothing. The rate warms up: early steps move the average further, so a short run averages about its last tenth."))
    var exponentialSmoothing: Double?

    @Option(help: ArgumentHelp("The optimizer: adam, or sgd (plain SGD, OpenNMT-py's -optim sgd; give it a --learning-rate such as 1).",
                               discussion: "Resume a run with the optimizer it was started with: its checkpoint holds that optimizer's state."))
    var optimizer: OptimizerKind?

    @Option(help: ArgumentHelp("AdamW's decoupled weight decay: every step shrinks each weight by the learning rate times this, e.g. 0.1 (0 = plain Adam; train-lm: 0.1 by default, the others 0).",
                               discussion: "PyTorch's AdamW weight_decay; it applies to every parameter, biases and embeddings included. With --optimizer sgd it is an L2 term in the gradient, as torch.optim.SGD's weight_decay."))
    var weightDecay: Double?

    @Option(help: "Also write TensorBoard event files to this directory.")
    var tensorboardDir: String?

    @Flag(help: ArgumentHelp("Train as one rank of `mpirun -np N s2s train-… --distributed` (Open MPI, loaded at run time).",
                             discussion: "Every rank takes its part of every batch and the gradients are summed across ranks; rank 0 writes the model, checkpoints and metrics. --threads is per rank."))
    var distributed = false

    func validate() throws {
        if resume && overwrite { throw ValidationError("--resume continues the run in --model-dir, --overwrite replaces it: give one") }
        for (name, value) in [("epochs", epochs), ("max-steps", maxSteps), ("validate-every", validateEvery),
                              ("report-every", reportEvery), ("batch-size", batchSize), ("batch-tokens", batchTokens)] {
            if let value, value < (name == "validate-every" ? 0 : 1) { throw ValidationError("--\(name) must be positive") }
        }
        if let learningRate, !(learningRate > 0) { throw ValidationError("--learning-rate must be positive") }
        if let learningRateDecay, !(learningRateDecay > 0 && learningRateDecay <= 1) {
            throw ValidationError("--learning-rate-decay must lie in (0, 1] (1 = a constant rate)")
        }
        if let learningRatePatience, learningRatePatience < 0 { throw ValidationError("--learning-rate-patience cannot be negative") }
        if let exponentialSmoothing, !(exponentialSmoothing >= 0 && exponentialSmoothing <= 1) {
            throw ValidationError("--exponential-smoothing must be between 0 (off) and 1")
        }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) { throw ValidationError("--weight-decay cannot be negative") }
    }

    /// The task's `options` with every option the user gave applied (and the run's seed and threads).
    func apply<Options: TrainingJobOptions>(to options: inout Options, run: RunOptions) {
        if let batchSize { options.batchSize = batchSize }
        if let batchTokens { options.batchTokens = batchTokens }
        if let learningRate { options.learningRate = learningRate }
        if let learningRateDecay { options.learningRateDecay = learningRateDecay }
        if let learningRatePatience { options.learningRatePatience = learningRatePatience }
        if let learningRateSchedule { options.learningRateSchedule = learningRateSchedule }
        if let epochs { options.trainer.epochs = epochs }
        if let maxSteps { options.trainer.maxSteps = maxSteps; if epochs == nil { options.trainer.epochs = nil } }
        if let timeBudget { options.trainer.timeBudget = timeBudget.seconds; if epochs == nil { options.trainer.epochs = nil } }
        if let validateEvery { options.trainer.validateEvery = validateEvery }
        if let reportEvery { options.trainer.reportEvery = reportEvery }
        if let maxGradNorm { options.trainer.maxGradientNorm = maxGradNorm > 0 ? maxGradNorm : nil }
        if let patience { options.trainer.patience = patience }
        if let keepCheckpoints { options.trainer.keepCheckpoints = keepCheckpoints }
        if let exponentialSmoothing { options.trainer.exponentialSmoothing = exponentialSmoothing > 0 ? exponentialSmoothing : nil }
        if let weightDecay { options.trainer.weightDecay = weightDecay > 0 ? weightDecay : nil }
        if let optimizer { options.trainer.optimizer = optimizer }
        options.trainer.seed = run.seed
        options.trainer.shards = run.threads
    }

    /// A new run, `--resume` or `--overwrite`.
    var mode: TrainingDirectory.Mode { resume ? .resume : overwrite ? .overwrite : .new }

    /// Shows the run's log and progress on stderr.
    func progress(_ options: TrainerOptions) -> TrainingProgressHandler {
        ProgressReporter.standardError(reportEvery: options.reportEvery)
    }

    /// Runs a training job alone, or with `--distributed` as one rank of the MPI job: `body` gets the
    /// ranks and the progress handler (silent on ranks other than 0). A rank that fails ends every rank
    /// (MPI_Abort, its message on stderr), so none is left waiting for it.
    func run(_ options: TrainerOptions, _ body: (_ ranks: (any Collective)?, _ progress: @escaping TrainingProgressHandler) throws -> Void) throws {
        guard distributed else { return try body(nil, progress(options)) }
        let world = try MPICollective.start()
        do {
            try body(world, world.rank == 0 ? progress(options) : ProgressReporter.silent)
        } catch {
            world.abort("\(error)")
        }
        world.finish()
    }
}

/// A duration such as `90s`, `20m`, `1h30m` or a bare number of seconds.
struct TimeBudget: ExpressibleByArgument, Codable {
    let seconds: Double

    init?(argument: String) {
        if let plain = Double(argument) { guard plain > 0 else { return nil }; seconds = plain; return }
        var total = 0.0, number = ""
        for character in argument {
            if character.isNumber || character == "." { number.append(character); continue }
            guard let value = Double(number) else { return nil }
            switch character {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = ""
        }
        guard number.isEmpty, total > 0 else { return nil }
        seconds = total
    }
}

extension LearningRateScheduleKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}

/// `--cell` of the train commands (config.json stores the same names).
