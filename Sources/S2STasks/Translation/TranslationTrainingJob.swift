// One translator training run: read the parallel corpus, build (or on resume, reload) the two text
// pipelines and the model, write the bundle's settings, train with the shared trainer — greedy BLEU
// on the validation set picks the best weights — and score an optional test set with them.
import Foundation
import S2SCore
import S2SModels
import S2SNN
import S2SText
import S2STraining

/// Trains a translator into a model directory.
///
///     var job = TranslationTrainingJob(files: try .dates(), modelDirectory: "Models/dates", options: .dates)
///     job.options.trainer.shards = 2                       // one data-parallel shard per core
///     let result = try job.run { event in if case .message(let line) = event { print(line) } }
///     print(result.bestValidationBLEU ?? 0)
public struct TranslationTrainingJob: Sendable {
    /// The corpus: training and validation pairs, and an optional test set scored after training.
    public struct Files: Sendable, Equatable {
        public var trainSource, trainTarget, validSource, validTarget: String
        public var testSource: String?, testTarget: String?

        /// A corpus of line-aligned files; the test pair is optional.
        public init(trainSource: String, trainTarget: String, validSource: String, validTarget: String,
                    testSource: String? = nil, testTarget: String? = nil) {
            self.trainSource = trainSource; self.trainTarget = trainTarget
            self.validSource = validSource; self.validTarget = validTarget
            self.testSource = testSource; self.testTarget = testTarget
        }

        /// The built-in dates corpus in `directory`, generated there (from a fixed seed) on first use.
        public static func dates(directory: String = DateCorpus.defaultDirectory) throws -> Files {
            let names = ["train.src", "train.tgt", "valid.src", "valid.tgt", "test.src", "test.tgt"]
            if !names.allSatisfy({ FileManager.default.fileExists(atPath: directory + "/" + $0) }) {
                try DateCorpus.write(directory: directory, seed: DateCorpus.defaultSeed)
            }
            let path = { (name: String) in directory + "/" + name }
            return Files(trainSource: path("train.src"), trainTarget: path("train.tgt"), validSource: path("valid.src"),
                         validTarget: path("valid.tgt"), testSource: path("test.src"), testTarget: path("test.tgt"))
        }
    }

    /// How a finished run went.
    public struct Result: Sendable {
        public var stopReason: StopReason
        public var steps: Int
        public var bestStep: Int?
        /// Greedy BLEU of the kept weights on the validation set, when BLEU picks them (`options.trainer.metric`
        /// is "bleu", as in `.corpus` and `.dates`); nil when another metric does.
        public var bestValidationBLEU: Double?
        /// Greedy scores of the kept weights on the test files, when given: "exact", "bleu", "ppl", …
        public var test: [String: Double]?
    }

    public var files: Files
    public var modelDirectory: String
    public var options: TranslationTrainingOptions
    /// A new run (refusing a directory with a trained model), `.resume` or `.overwrite`.
    public var mode = TrainingDirectory.Mode.new
    /// Also write TensorBoard event files here.
    public var tensorBoardDirectory: String? = nil
    /// Where the prepared training data is kept (nil: the model directory's data/); see `prepareData`.
    public var dataCache: String? = nil
    /// The ranks of `mpirun … --distributed` (nil: this process alone); see `DistributedRun`.
    public var collective: (any Collective)? = nil

    /// A new run (see `mode`) on `files` into `modelDirectory`.
    public init(files: Files, modelDirectory: String, options: TranslationTrainingOptions = .corpus) {
        self.files = files; self.modelDirectory = modelDirectory; self.options = options
    }

    /// Trains; `progress` receives the log lines, every step’s progress and, last, `.finished`.
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
        let threads = max(1, options.trainer.shards)

        let (validLines, validStatistics) = try ParallelLines.read(source: files.validSource, target: files.validTarget)

        let bundle = directory.bundle
        let cache = PreparedData.directory(dataCache, bundle: bundle)
        let preparing: (PreparationProgress) -> Void = { progress(.preparing($0)) }
        let text: TranslationText, model: TranslationModel, train: PreparedPairs
        var filters = options.filters
        if mode == .resume {
            let loaded = try TranslationBundle.load(bundle.directory, weights: false, seed: options.trainer.seed)
            (text, model) = (loaded.text, loaded.model)
            filters = Self.filters(recorded: loaded.config.training) ?? filters   // the data the run started on
            log("resuming with the model, text and filter settings in \(bundle.configPath) (those flags are ignored)")
            train = try PreparedData.preparing(cache, shared: dataCache != nil, distributed: distributed) {
                try PreparedPairs.prepare(source: files.trainSource, target: files.trainTarget, text: text, filters: filters,
                                          threads: threads, into: cache, log: log, progress: preparing)
            }
        } else {
            (text, train) = try PreparedData.preparing(cache, shared: dataCache != nil, distributed: distributed) {
                try Self.prepareData(source: files.trainSource, target: files.trainTarget, options: options, into: cache,
                                     threads: threads, log: log, progress: preparing)
            }
            var config = options.model
            config.sourceVocabularySize = text.source.vocabulary.count
            config.targetVocabularySize = text.target.vocabulary.count
            var rng = Generator(seed: options.trainer.seed)
            model = try TranslationModel(config: config, rng: &rng)
            try TranslationBundle.writeSettings(
                TranslationBundleConfig(model: config, lowercase: options.lowercase, sourcePipeline: text.source.pipeline,
                                        targetPipeline: text.target.pipeline, training: record, trainer: options.trainer),
                text: text, to: bundle)
        }
        let config = model.config
        log("vocabularies: source \(config.sourceVocabularySize), target \(config.targetVocabularySize) tokens; "
            + "model: \(model.parameterCount) parameters (\(config.cell.rawValue.uppercased()), \(config.layers) layer(s), encoder \(config.encoderHiddenSize)×\(config.bidirectional ? 2 : 1), "
            + "decoder \(config.decoderHiddenSize), \(config.attention.rawValue) attention)")

        log("training data: \(train.readStatistics(source: files.trainSource, target: files.trainTarget))")
        log("validation data: \(validStatistics)")
        train.skipped(by: filters).forEach(log)
        guard train.count > 0 else { throw TrainingError("\(files.trainSource): no usable training pairs") }
        // Every rank validates as one process with all ranks' threads would: the same numbers, bit for bit.
        let validator = try TranslationValidator(lines: validLines, text: text, threads: threads * distributed.ranks)

        var compared = record
        (compared["train"], compared["valid"]) = (nil, nil)   // the files may sit at other paths on other hosts
        try distributed.requireSame([("model settings", Fingerprint.of(bytes: try JSON.encode(config))),
                                     ("training settings", Fingerprint.of(bytes: try JSON.encode(compared))),
                                     ("trainer settings", Fingerprint.of(bytes: try JSON.encode(options.trainer))),
                                     ("source vocabulary", text.source.pipeline.fingerprint),
                                     ("target vocabulary", text.target.pipeline.fingerprint),
                                     ("training data", train.fingerprint),
                                     ("validation data", Fingerprint.of(bytes: validLines.pairs.flatMap { Array(($0.source + "\t" + $0.target + "\n").utf8) }))])
        let trainer = try scope.trainer(model, learningRate: options.learningRate, schedule: options.schedule, options: options.trainer) {
            validator($0)
        }
        let batcher = Batcher(batchSize: options.batchSize, maxTokens: options.batchTokens)
        let lengths = train.lengths, seed = options.trainer.seed
        let stop = try trainer.run(resume: mode == .resume) { epoch in
            batcher.compactPlan(lengths: lengths, seed: seed, epoch: epoch).lazy.map(train.batch)   // each made at its step
        }
        let metric = options.trainer.metric, isBLEU = metric == "bleu"
        let best = trainer.state.bestMetric.map { isBLEU ? String(format: "%.2f", $0) : ProgressFormat.number($0) } ?? "-"
        log("stopped (\(stop.rawValue)) at step \(trainer.state.step): best validation \(isBLEU ? "BLEU" : metric) \(best) at step \(trainer.state.bestStep ?? 0); model in \(bundle.directory)")
        var result = Result(stopReason: stop, steps: trainer.state.step, bestStep: trainer.state.bestStep,
                            bestValidationBLEU: isBLEU ? trainer.state.bestMetric : nil)

        if let testSource = files.testSource, let testTarget = files.testTarget, distributed.rank == 0 {
            try bundle.readWeights(into: model.namedParameters)
            let (testLines, _) = try ParallelLines.read(source: testSource, target: testTarget)
            let scores = try TranslationValidator(lines: testLines, text: text, threads: threads)(model)
            log(String(format: "held-out test (%@, greedy): exact match %.2f%% of %d, BLEU %.2f, perplexity %.3f",
                       testSource, 100 * scores["exact"]!, testLines.count, scores["bleu"]!, scores["ppl"]!))
            result.test = scores
        }
        return result
    }

    /// A new run's text pipelines and training pairs, prepared into `directory` — or taken from it when
    /// they were prepared there from these files, unchanged, with these text settings and filters (a
    /// run on the same data then starts at its first step). `s2s prepare` is this, as a step of its own.
    ///
    ///     let (text, pairs) = try TranslationTrainingJob.prepareData(source: "big.en", target: "big.de",
    ///                                                                options: options, into: "big.prepared")
    public static func prepareData(source: String, target: String, options: TranslationTrainingOptions, into directory: String,
                                   threads: Int = 1, log: (String) -> Void = { _ in },
                                   progress: @escaping (PreparationProgress) -> Void = { _ in }) throws -> (text: TranslationText, pairs: PreparedPairs) {
        if let cached = try PreparedPairs.cached(source: source, target: target, filters: options.filters, lowercase: options.lowercase,
                                                 textSettings: options.textSettings, in: directory, log: log) {
            return cached
        }
        let clock = PreparationPhase("learning the text pipelines", totalLines: nil) { _ in }   // for its summary line
        let text = try TranslationText.build(   // streamed: token counts are all it keeps of the text
            source: source, target: target, sourceUnit: options.sourceUnit, targetUnit: options.targetUnit, lowercase: options.lowercase,
            bpeMerges: options.bpeMerges, minCount: options.minCount, sourceVocabularySize: options.sourceVocabularySize,
            targetVocabularySize: options.targetVocabularySize, threads: threads, progress: progress)
        log("text pipelines: learned in \(ProgressFormat.duration(clock.elapsed)) with \(max(1, threads)) thread(s)")
        let pairs = try PreparedPairs.prepare(source: source, target: target, text: text, filters: options.filters, threads: threads,
                                              into: directory, textSettings: options.textSettings, log: log, progress: progress)
        return (text, pairs)
    }

    /// How the model was trained, as config.json records it.
    private var record: [String: String] {
        ["train": files.trainSource + " " + files.trainTarget, "valid": files.validSource + " " + files.validTarget,
         "bpeMerges": "\(options.bpeMerges)", "minCount": "\(options.minCount)", "seed": "\(options.trainer.seed)",
         "threads": "\(options.trainer.shards)", "batchSize": "\(options.batchSize)",
         "batchTokens": options.batchTokens.map { "\($0)" } ?? "none",
         "learningRate": "\(options.learningRate)", "learningRateDecay": "\(options.learningRateDecay)",
         "learningRateSchedule": options.learningRateSchedule.rawValue,
         "maxLength": "\(options.maxLength)", "maxLengthRatio": options.maxLengthRatio.map { "\($0)" } ?? "none", "dedup": "\(options.dedup)"]
    }

    /// The filters config.json recorded (nil for a bundle written before they were).
    static func filters(recorded training: [String: String]) -> PairFilters? {
        guard let maxLength = training["maxLength"].flatMap(Int.init) else { return nil }
        return PairFilters(maxLength: maxLength, maxLengthRatio: training["maxLengthRatio"].flatMap(Double.init), dedup: training["dedup"] == "true")
    }
}
