// One language-model training run: build (or reuse) the text pipeline, read the training and
// validation texts as token sequences, and train with truncated backpropagation through time through
// the shared trainer — the text cut into `batchSize` streams, the recurrent state carried from batch to
// batch — keeping the weights with the lowest validation loss.
import Foundation
import S2SCore
import S2SModels
import S2SNN
import S2SText
import S2STraining

/// How a language model is trained; the defaults are the documented tiny-Shakespeare recipe.
///
///     var options = LanguageModelTrainingOptions()
///     options.trainer.timeBudget = 30 * 60
public struct LanguageModelTrainingOptions: TrainingJobOptions, Sendable {
    /// Characters (grapheme clusters) or words (optionally BPE pieces).
    public var unit = TokenizerSettings.Unit.characters
    /// Case-fold the text (NFKC + full case folding).
    public var lowercase = false
    /// Words: BPE merges learned from the training text (0 = whole words).
    public var bpeMerges = 0
    /// Keep tokens seen at least this often; largest vocabulary, specials included (0 = no limit).
    public var minCount = 1, maxVocabulary = 0
    /// A text pipeline directory (from `s2s build-vocab`) to use instead of building one.
    public var pipelineDirectory: String? = nil
    /// Tokens per batch row and per backpropagation window.
    public var bptt = 128
    /// Model shape; `vocabularySize` (0 here) is filled in from the pipeline.
    public var model = LanguageModelConfig(vocabularySize: 0)
    /// Parallel streams per batch (`batchTokens` does not apply). Small batches learn more per token here,
    /// and 30 minutes on 2 cores hold ~9 M tokens: on tiny Shakespeare 32 streams came within 0.001 nats of
    /// 64's final validation loss in 58% of its tokens, and 16 ended a 30-minute run at 1.4278 against 32's
    /// 1.4406 (at ~10% fewer tokens per second).
    public var batchSize = 16
    public var batchTokens: Int? = nil
    public var learningRate = 4e-3
    /// With `.plateau`: halve (by default) the rate at every validation without a lower loss.
    public var learningRateDecay = 0.5
    public var learningRatePatience = 0
    /// Linear to zero over the run (its time budget, steps or epochs): 30-minute runs on tiny Shakespeare
    /// reached 1.4196 and 1.4216 (seeds 1, 2) with it, against the plateau rule's 1.4214 and 1.4222.
    public var learningRateSchedule = LearningRateScheduleKind.linear
    /// 20 epochs at most; validation every 400 steps (about 820k tokens at the default batch) and at every
    /// epoch end (the plateau schedule needs to see progress). Validation and the saved model use an
    /// exponential moving average of the weights (0.001: a step's weight in it falls by 1/e in ~1,000 steps,
    /// about a fifth of a 30-minute run): small batches leave the weights noisy, and without it a noisy
    /// validation halved the rate early (16 streams, plateau rule, 30 minutes on tiny Shakespeare: 1.4214
    /// with it, 1.4278 without). AdamW's weight decay 0.1 (at the initial rate it alone would shrink a weight
    /// e-fold in 1/(lr·0.1) = 2,500 steps, half a 30-minute run): the linear runs overfit in their last
    /// minutes, and a 30-minute run with it reached 1.4038 against plain Adam's 1.4196 (seed 1).
    public var trainer: TrainerOptions = {
        var options = TrainerOptions()
        options.epochs = 20
        options.validateEvery = 400
        options.exponentialSmoothing = 1e-3
        options.weightDecay = 0.1
        return options
    }()

    /// The documented recipe (each property says its default).
    public init() {}

    /// How the pipeline is built from the training text, as a prepared text records it (to reuse it).
    var textSettings: [String: String] {
        ["unit": unit.rawValue, "lowercase": "\(lowercase)", "bpeMerges": "\(bpeMerges)", "minCount": "\(minCount)",
         "maxVocabulary": "\(maxVocabulary)"]
    }

    /// Plateau: lowered by `learningRateDecay` when the validation loss stalls (by less than 0.1%).
    var schedule: LearningRateSchedule { schedule(plateau: .min, threshold: 1e-3) }
}

/// Trains a language model into a model directory.
///
///     let job = LanguageModelTrainingJob(train: "train.txt", valid: "val.txt", modelDirectory: "Models/lm")
///     let result = try job.run(progress: ProgressReporter.standardError(reportEvery: 50))
///     print(result.bestValidationLoss ?? .nan)   // nats per token
public struct LanguageModelTrainingJob: Sendable {
    /// How a finished run went.
    public struct Result: Sendable {
        public var stopReason: StopReason
        public var steps: Int
        public var bestStep: Int?
        /// Nats per token of the kept weights on the validation text.
        public var bestValidationLoss: Double?
        /// Tokens per character of the validation text (loss · this / ln 2 = bits per character).
        public var tokensPerCharacter: Double
    }

    public var train: String
    public var valid: String
    public var modelDirectory: String
    public var options: LanguageModelTrainingOptions
    public var mode = TrainingDirectory.Mode.new
    public var tensorBoardDirectory: String? = nil
    /// Where the prepared training text is kept (nil: the model directory's data/); see `PreparedText`.
    public var dataCache: String? = nil
    /// The ranks of `mpirun … --distributed` (nil: this process alone); see `DistributedRun`.
    public var collective: (any Collective)? = nil

    /// A new run (see `mode`) on the text file `train`, validated on `valid`, into `modelDirectory`.
    public init(train: String, valid: String, modelDirectory: String, options: LanguageModelTrainingOptions = .init()) {
        self.train = train; self.valid = valid; self.modelDirectory = modelDirectory; self.options = options
    }

    /// Trains; `progress` receives the log lines and every step's progress. Throws `BundleError` when
    /// the directory is in use or holds a model a new run would replace, `TextError` naming file and
    /// line for bad data, `TrainingError` when training cannot go on.
    @discardableResult
    public func run(progress: @escaping TrainingProgressHandler = ProgressReporter.silent) throws -> Result {
        try TrainingRunScope.run(modelDirectory: modelDirectory, mode: mode, collective: collective,
                                tensorBoardDirectory: tensorBoardDirectory, progress: progress) {
            try train(in: $0, progress: progress)
        }
    }

    /// The run inside its scope (directory locked, ranks placed), from reading the data to the result.
    private func train(in scope: TrainingRunScope, progress: @escaping TrainingProgressHandler) throws -> Result {
        let (distributed, directory, log) = (scope.distributed, scope.directory, scope.log)
        let bundle = directory.bundle
        let (processor, trainText) = try trainingData(bundle: bundle, distributed: distributed, log: log) { progress(.preparing($0)) }
        let validText = try LanguageModelData(path: valid, processor: processor)
        log("\(train): \(trainText.lines) lines, \(trainText.tokens.count) tokens; \(valid): \(validText.tokens.count) tokens; vocabulary \(processor.vocabulary.count)")

        var modelConfig = options.model
        modelConfig.vocabularySize = processor.vocabulary.count
        if let problem = modelConfig.problem { throw TrainingError(problem) }
        let settings = LanguageModelTrainingSettings(train: train, valid: valid, bptt: options.bptt, batchSize: options.batchSize,
                                                     learningRate: options.learningRate, learningRateDecay: options.learningRateDecay,
                                                     learningRateSchedule: options.learningRateSchedule, trainer: options.trainer)
        if mode == .resume {
            let stored = try bundle.readConfig(LanguageModelBundleConfig.self, kind: LanguageModelBundleConfig.kind)
            guard stored.model == modelConfig, stored.training.bptt == options.bptt, stored.training.batchSize == options.batchSize else {
                throw TrainingError("resume: the model or batch settings differ from the run in \(bundle.directory) (see its config.json)")
            }
        }
        try bundle.writeConfig(LanguageModelBundleConfig(model: modelConfig, text: processor.pipeline, training: settings))

        var rng = Generator(seed: options.trainer.seed)
        let model = LanguageModel(config: modelConfig, rng: &rng)
        log("model: \(modelConfig.layers)×\(modelConfig.hiddenSize) \(modelConfig.cell.rawValue.uppercased()), embedding \(modelConfig.embeddingSize), \(model.parameterCount) parameters; batch \(options.batchSize) streams × \(options.bptt) tokens; \(options.trainer.shards) shard(s)")
        let task = LanguageModelTraining(model: model, streams: options.batchSize)
        let data = try BPTTBatches(sequence: trainText.tokens, batchSize: options.batchSize, bptt: options.bptt, seed: options.trainer.seed)
        var compared = settings
        (compared.train, compared.valid) = ("", "")   // the files may sit at other paths on other hosts
        try distributed.requireSame([("model settings", Fingerprint.of(bytes: try JSON.encode(modelConfig))),
                                     ("training settings", Fingerprint.of(bytes: try JSON.encode(compared))),
                                     ("vocabulary", processor.pipeline.fingerprint),
                                     ("training text", trainText.fingerprint),
                                     ("validation text", Fingerprint.of(ids: validText.tokens))])
        // Every rank validates as one process with all ranks' threads would: the same numbers, bit for bit.
        let validator = LanguageModelValidator(streams: 16, bptt: options.bptt, shards: options.trainer.shards * distributed.ranks)
        let validTokens = validText.tokens, ratio = validText.tokensPerCharacter
        let trainer = try scope.trainer(task, learningRate: options.learningRate, schedule: options.schedule, options: options.trainer) { task in
            LanguageModelScore(stats: try validator.evaluate(task.model, tokens: validTokens), tokensPerCharacter: ratio).metrics
        }
        let releaseEvery = 64 * options.bptt   // columns: give the text's mapped pages back every 64 batches
        let reason = try trainer.run(resume: mode == .resume) { epoch in
            data.batches(epoch: epoch).lazy.map { batch in
                if batch.columns.lowerBound % releaseEvery == 0 { trainText.release() }
                return batch
            }
        }
        let best = trainer.state.bestMetric.map { String(format: "%.4f nats/token (%.4f bits/char)", $0, $0 * ratio / Foundation.log(2)) } ?? "none"
        log("stopped (\(reason.rawValue)) at step \(trainer.state.step); best validation loss \(best) at step \(trainer.state.bestStep ?? 0); model in \(bundle.weightsPath)")
        return Result(stopReason: reason, steps: trainer.state.step, bestStep: trainer.state.bestStep,
                      bestValidationLoss: trainer.state.bestMetric, tokensPerCharacter: ratio)
    }

    /// The model's text pipeline — the one already in the bundle (resume), the one in `pipelineDirectory`,
    /// or one built from the training text (or found with it in the data cache) — saved into the bundle,
    /// and the training text prepared with it.
    private func trainingData(bundle: ModelBundle, distributed: DistributedRun, log: (String) -> Void,
                              progress: @escaping (PreparationProgress) -> Void) throws -> (TextProcessor, PreparedText) {
        let cache = PreparedData.directory(dataCache, bundle: bundle)
        let threads = max(1, options.trainer.shards)
        return try PreparedData.preparing(cache, shared: dataCache != nil, distributed: distributed) {
            if mode == .resume {   // (a rank's copy of it)
                let processor = try TextProcessor(directory: bundle.directory)
                return (processor, try PreparedText.prepare(path: train, processor: processor, threads: threads, into: cache, log: log, progress: progress))
            }
            let processor: TextProcessor, text: PreparedText
            if let pipelineDirectory = options.pipelineDirectory {
                processor = try TextProcessor(directory: pipelineDirectory)
                text = try PreparedText.prepare(path: train, processor: processor, threads: threads, into: cache, log: log, progress: progress)
            } else if let cached = try PreparedText.cached(path: train, textSettings: options.textSettings, in: cache, log: log) {
                (processor, text) = cached
            } else {
                let settings = TokenizerSettings(unit: options.unit, lowercase: options.lowercase)
                processor = try LanguageModelText.buildPipeline(path: train, settings: settings, bpeMerges: options.bpeMerges,
                                                                minCount: options.minCount, maxSize: options.maxVocabulary,
                                                                threads: threads, progress: progress)
                text = try PreparedText.prepare(path: train, processor: processor, threads: threads, into: cache,
                                                textSettings: options.textSettings, log: log, progress: progress)
            }
            try processor.save(directory: bundle.directory)
            return (processor, text)
        }
    }
}
