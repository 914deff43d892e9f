import ArgumentParser
import S2STraining

/// Options every train-* command shares. Unset options keep the command's own defaults.
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

    @Option(help: "Clip the global gradient norm to this value (0 = no clipping).")
    var maxGradNorm: Double?

    @Option(help: "Stop after N validations without improvement.")
    var patience: Int?

    @Option(help: "Step checkpoints to keep besides the best.")
    var keepCheckpoints: Int?

    @Option(help: ArgumentHelp("Validate and save an exponential moving average of the weights that moves this fraction towards them after every step, e.g. 0.001 (0 = off).",
                               discussion: "Marian's --exponential-smoothing. The rate warms up: early steps move the average further, so a short run averages about its last tenth."))
    var exponentialSmoothing: Double?

    @Option(help: "Also write TensorBoard event files to this directory.")
    var tensorboardDir: String?

    func validate() throws {
        if resume && overwrite { throw ValidationError("--resume continues the run in --model-dir, --overwrite replaces it: give one") }
        for (name, value) in [("epochs", epochs), ("max-steps", maxSteps), ("validate-every", validateEvery),
                              ("report-every", reportEvery), ("batch-size", batchSize), ("batch-tokens", batchTokens)] {
            if let value, value < (name == "validate-every" ? 0 : 1) { throw ValidationError("--\(name) must be positive") }
        }
        if let learningRate, !(learningRate > 0) { throw ValidationError("--learning-rate must be positive") }
        if let exponentialSmoothing, !(exponentialSmoothing >= 0 && exponentialSmoothing <= 1) {
            throw ValidationError("--exponential-smoothing must be between 0 (off) and 1")
        }
    }

    /// `defaults` with every option the user gave applied.
    func apply(to defaults: TrainerOptions, run: RunOptions) -> TrainerOptions {
        var options = defaults
        if let epochs { options.epochs = epochs }
        if let maxSteps { options.maxSteps = maxSteps; if epochs == nil { options.epochs = nil } }
        if let timeBudget { options.timeBudget = timeBudget.seconds; if epochs == nil { options.epochs = nil } }
        if let validateEvery { options.validateEvery = validateEvery }
        if let reportEvery { options.reportEvery = reportEvery }
        if let maxGradNorm { options.maxGradientNorm = maxGradNorm > 0 ? maxGradNorm : nil }
        if let patience { options.patience = patience }
        if let keepCheckpoints { options.keepCheckpoints = keepCheckpoints }
        if let exponentialSmoothing { options.exponentialSmoothing = exponentialSmoothing > 0 ? exponentialSmoothing : nil }
        options.seed = run.seed
        options.shards = run.threads
        return options
    }
}

extension TrainingOptions {
    /// Locks --model-dir for this run and checks what it holds (see `TrainingDirectory`); keep the
    /// result alive until training ends.
    func openModelDirectory() throws -> TrainingDirectory {
        try TrainingDirectory.open(modelDir, mode: resume ? .resume : overwrite ? .overwrite : .new)
    }

    /// Attaches what the trainer gets from these options besides `TrainerOptions` (TensorBoard).
    func configure<Model>(_ trainer: Trainer<Model>) throws {
        if let tensorboardDir { trainer.tensorBoard = try TensorBoardWriter(directory: tensorboardDir) }
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
