// One classifier training run: read the labelled files, build (or on resume, reload) the text pipeline
// and labels, write the bundle's files, and hand the model to the shared trainer with macro-F1 on the
// validation set as the metric that keeps the best weights and stops early.
import Foundation
import S2SCore
import S2SModels
import S2SNN
import S2SText
import S2STraining

/// How the loss weighs the classes.
public enum ClassWeighting: String, Codable, CaseIterable, Sendable {
    /// Every sentence counts the same.
    case none
    /// w[c] = N / (C · n_c): each class weighs as much in total; the mean weight over the training set is 1.
    case balanced
}

/// How a classifier is trained; the defaults are the documented airline-tweets recipe.
///
///     var options = ClassificationTrainingOptions()
///     options.labelFilter = ["positive", "negative"]   // the tutorial's binary task
public struct ClassificationTrainingOptions: TrainingJobOptions, Sendable {
    /// Keep only these labels (in this class order); nil = every label of the training file, sorted.
    public var labelFilter: [String]? = nil
    public var format: LabelledFormat = .auto
    /// Model shape; `vocabularySize` and `classes` (0 here) are filled in from the data.
    public var model = ClassificationConfig(vocabularySize: 0, classes: 0)
    /// Tweet normalization, case folding, elongation squeezing and whitespace collapsing are on by default.
    public var tokenizer = TokenizerSettings(lowercase: true, tweet: true, squeezeElongations: true, collapseWhitespace: true)
    public var minCount = 2
    public var maxVocabulary = 0
    public var bpeMerges = 0
    public var batchSize = 64
    public var batchTokens: Int? = nil
    public var learningRate = 3e-3
    /// Multiply the learning rate by this when validation macro-F1 stops improving (1 = constant rate).
    public var learningRateDecay = 0.5
    /// Validations without improvement before the rate is lowered.
    public var learningRatePatience = 0
    public var learningRateSchedule = LearningRateScheduleKind.plateau
    public var classWeighting = ClassWeighting.none
    public var labelSmoothing: Float = 0
    /// A language-model bundle (`s2s train-lm`) to start from, ULMFiT-style: the classifier takes its
    /// text pipeline, its encoder's shape (cell, embedding, hidden size, layers) and its encoder weights;
    /// the tokenizer, vocabulary and shape settings above are then unused. nil: a fresh encoder.
    public var initFrom: String? = nil
    /// ULMFiT-style pretraining inside the run (`ClassificationPretraining`, in <model dir>/pretrain): a word
    /// language model of the classifier's shape and pipeline trains on the training file's text, and the
    /// classifier starts from it (`Self.pretrainingRecipe`: 3 minutes). nil, the default, starts from a fresh
    /// encoder: on held-out tweets pretraining gained less than the seed spread, for six times the
    /// training time. Unused with `initFrom`; a bidirectional classifier of two or more layers cannot take
    /// it (the run is refused).
    public var pretraining: LanguageModelTrainingOptions? = nil
    /// The pretraining recipe `train-classify --pretrain` runs: a word language model for 3 minutes.
    public static var pretrainingRecipe: LanguageModelTrainingOptions { ClassificationPretraining.recipe }
    /// Why `pretraining` cannot start this `model` (a bidirectional encoder of two or more layers), or nil.
    public var pretrainingProblem: String? { ClassificationPretraining.problem(with: model) }
    /// A 2-minute budget, validation at every epoch end, best model and early stopping on validation
    /// macro-F1.
    public var trainer: TrainerOptions = {
        var options = TrainerOptions()
        options.epochs = 12             // the budget usually ends training first
        options.timeBudget = 120
        options.metric = "macro_f1"
        options.higherIsBetter = true
        options.patience = 4
        options.maxGradientNorm = 5
        options.reportEvery = 100
        return options
    }()

    /// The documented recipe (each property says its default).
    public init() {}
}

/// Trains a sentence classifier into a model directory.
///
///     let job = ClassificationTrainingJob(train: "train.tsv", valid: "dev.tsv", modelDirectory: "Models/airline")
///     let result = try job.run()
///     print(result.validation.accuracy, result.validation.macroF1)
public struct ClassificationTrainingJob: Sendable {
    /// How a finished run went.
    public struct Result: Sendable {
        public var stopReason: StopReason
        /// The validation scores of the best (saved) weights.
        public var validation: ClassificationReport
        public var labels: [String]
        public var bestStep: Int?
    }

    public var train: String
    public var valid: String
    public var modelDirectory: String
    public var options: ClassificationTrainingOptions
    public var mode = TrainingDirectory.Mode.new
    public var tensorBoardDirectory: String? = nil
    /// Where the prepared training examples are kept (nil: the model directory's data/); see `PreparedExamples`.
    public var dataCache: String? = nil
    /// The ranks of `mpirun … --distributed` (nil: this process alone); see `DistributedRun`.
    public var collective: (any Collective)? = nil

    /// A new run (see `mode`) on the labelled file `train`, validated on `valid`, into `modelDirectory`.
    public init(train: String, valid: String, modelDirectory: String, options: ClassificationTrainingOptions = .init()) {
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
        let existing: ClassificationBundle? = mode == .resume ? try ClassificationBundle.load(directory: bundle.directory, weights: false) : nil

        // Training examples (prepared: mapped token ids and labels), labels and text pipeline.
        let filter = existing.map { Set($0.labels) } ?? options.labelFilter.map(Set.init)
        let pretrained = try existing == nil ? options.initFrom.map { try LanguageModelBundle.load(directory: $0) } : nil
        let cannotStart = { (error: PretrainedEncoderError) in TrainingError("--init-from \(options.initFrom ?? ""): \(error)") }
        let (text, labels, trainExamples) = try trainingData(bundle: bundle, existing: existing, pretrained: pretrained?.text,
                                                             distributed: distributed, log: log) { progress(.preparing($0)) }
        log("train: " + trainExamples.summary(path: train))
        let validData = try ClassificationData.read(path: valid, format: options.format, keep: filter)
        log("valid: " + validData.summary)
        let labelIDs = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        if let unknown = validData.examples.first(where: { labelIDs[$0.label] == nil }) {
            throw TextError(.malformed, file: valid, line: unknown.line,
                            "label \"\(unknown.label)\" is not one of the model's labels (\(labels.joined(separator: ", ")))")
        }
        for (name, count) in [(train, trainExamples.count), (valid, validData.examples.count)] where count == 0 {
            throw TextError(.invalidArgument, file: name, "no examples to use")
        }
        let labelCounts = trainExamples.labelCounts(labels)
        let missing = zip(labels, labelCounts).filter { $0.1 == 0 }.map(\.0)
        guard labels.count >= 2, missing.isEmpty else {
            throw TrainingError("\(train): a classifier needs examples of at least 2 labels; "
                                + (missing.isEmpty ? "found only \(labels.joined())" : "none of \(missing.joined(separator: ", "))"))
        }

        // Model settings and bundle files.
        var config: ClassificationBundleConfig
        if let existing {
            config = existing.config
            log("resuming \(modelDirectory): \(labels.count) labels, vocabulary \(text.vocabulary.count)")
        } else {
            var model: ClassificationConfig
            if let pretrained {
                do { model = try ClassificationModel.config(options.model, startingFrom: pretrained.config.model) } catch { throw cannotStart(error) }
            } else {
                model = options.model
                model.vocabularySize = text.vocabulary.count
            }
            model.classes = labels.count
            if let problem = model.problem { throw TrainingError(problem) }
            if pretrained == nil, options.pretraining != nil, let problem = ClassificationPretraining.problem(with: model) {
                throw TrainingError(problem)
            }
            config = ClassificationBundleConfig(model: model, text: text.pipeline, training: settings(labels: labels, counts: labelCounts))
            try ClassificationBundle.save(directory: bundle.directory, config: config, text: text, labels: labels)
            log((pretrained == nil ? "vocabulary: \(text.vocabulary.count) tokens (min count \(options.minCount))"
                    : "starting from the language model in \(options.initFrom!): its vocabulary (\(text.vocabulary.count) tokens) and "
                        + "encoder (\(model.layers)×\(model.hiddenSize) \(model.cell), embedding \(model.embeddingSize))")
                + ", labels: \(labels.joined(separator: ", "))")
        }
        let validator = ClassificationValidator(sequences: try ClassificationText.encode(validData, with: text),
                                                gold: validData.examples.map { labelIDs[$0.label]! }, classes: labels.count,
                                                text: text, threads: max(1, options.trainer.shards) * distributed.ranks)

        var compared = config.training
        (compared.train, compared.valid, compared.initFrom) = ("", "", nil)   // the files may sit at other paths on other hosts
        // The language model's file, not its path: ranks on other hosts read their own copy.
        let startingWeights = try options.initFrom.flatMap { directory in
            distributed.ranks > 1 ? Fingerprint.of(bytes: try Data(contentsOf: URL(fileURLWithPath: ModelBundle(directory: directory).weightsPath))) : nil
        }
        try distributed.requireSame([("model settings", Fingerprint.of(bytes: try JSON.encode(config.model))),
                                     ("starting language model", startingWeights ?? "none"),
                                     ("training settings", Fingerprint.of(bytes: try JSON.encode(compared))),
                                     ("vocabulary", text.pipeline.fingerprint), ("labels", labels.joined(separator: ",")),
                                     ("training data", trainExamples.fingerprint),
                                     ("validation data", Fingerprint.of(ids: validator.sequences.flatMap { $0 + [-1] } + validator.gold))])

        // Pretraining: a new run's, or a resumed one's that died before the classifier's first checkpoint.
        let classifierStarted = try mode == .resume ? CheckpointStore(modelDirectory: bundle.directory).latest() != nil : false
        var startingModel = pretrained?.model
        if config.training.pretrain != nil, !classifierStarted {
            startingModel = try ClassificationPretraining.run(options.pretraining ?? ClassificationPretraining.recipe, classifier: config.model,
                                                          seed: options.trainer.seed, shards: options.trainer.shards, train: train,
                                                          valid: valid, format: options.format, directory: bundle.directory,
                                                          mode: mode, distributed: distributed, progress: progress).model
        }

        var rng = Generator(seed: options.trainer.seed)
        let model = ClassificationModel(config: config.model, rng: &rng)
        model.classWeights = config.training.classWeights
        model.labelSmoothing = config.training.labelSmoothing
        if let startingModel {
            do { try model.startEncoder(from: startingModel) } catch { throw cannotStart(error) }
        }

        let trainer = try scope.trainer(model, learningRate: config.training.learningRate, schedule: config.training.schedule,
                                        options: options.trainer) { try validator.metrics($0) }
        let batcher = Batcher(batchSize: config.training.batchSize, maxTokens: config.training.batchTokens)
        let lengths = trainExamples.lengths, seed = options.trainer.seed
        let stopReason = try trainer.run(resume: mode == .resume && (classifierStarted || config.training.pretrain == nil)) { epoch in
            batcher.compactPlan(lengths: lengths, seed: seed, epoch: epoch).lazy.map(trainExamples.batch)   // each made at its step
        }

        // The saved (best) weights, scored once more for the summary (rank 0 saved them; other ranks
        // report their last weights).
        if distributed.rank == 0 { try bundle.readWeights(into: model.parameters) }
        return Result(stopReason: stopReason, validation: try validator.report(model), labels: labels, bestStep: trainer.state.bestStep)
    }

    /// The training examples, their labels and the text pipeline: a resumed run's (the bundle's pipeline
    /// and labels), a language model's pipeline (`--init-from`), or a pipeline and labels found with the
    /// examples in the data cache, or learned from the training file (one streamed pass) and prepared.
    private func trainingData(bundle: ModelBundle, existing: ClassificationBundle?, pretrained: TextProcessor?, distributed: DistributedRun,
                              log: (String) -> Void, progress: @escaping (PreparationProgress) -> Void)
        throws -> (text: TextProcessor, labels: [String], examples: PreparedExamples) {
        let cache = PreparedData.directory(dataCache, bundle: bundle)
        let threads = max(1, options.trainer.shards)
        let keep = options.labelFilter.map(Set.init)
        func prepare(_ text: TextProcessor, _ labels: [String], textSettings: [String: String] = [:]) throws -> PreparedExamples {
            try PreparedExamples.prepare(path: train, format: options.format, labels: labels, processor: text, threads: threads,
                                         into: cache, textSettings: textSettings, log: log, progress: progress)
        }
        return try PreparedData.preparing(cache, shared: dataCache != nil, distributed: distributed) {
            if let existing { return (existing.text, existing.labels, try prepare(existing.text, existing.labels)) }
            if let pretrained {
                let labels = try options.labelFilter
                    ?? ClassificationText.scan(path: train, format: options.format, keep: nil, pipeline: nil, threads: threads, progress: progress).labels.keys.sorted()
                return (pretrained, labels, try prepare(pretrained, labels))
            }
            if let cached = try PreparedExamples.cached(path: train, format: options.format, labels: options.labelFilter,
                                                        textSettings: textSettings, in: cache, log: log) {
                return (cached.processor, cached.labels, cached.examples)
            }
            let scanned = try ClassificationText.scan(path: train, format: options.format, keep: keep,
                                                      pipeline: try PipelineBuilder(settings: options.tokenizer, bpeMerges: options.bpeMerges),
                                                      threads: threads, progress: progress)
            let text = try scanned.counted!.build(minCount: options.minCount, maxSize: options.maxVocabulary)
            let labels = options.labelFilter ?? scanned.labels.keys.sorted()
            return (text, labels, try prepare(text, labels, textSettings: textSettings))
        }
    }

    /// How the pipeline is built from the training file, as prepared examples record it (to reuse it).
    private var textSettings: [String: String] {
        let tokenizer = (try? JSON.encode(options.tokenizer)).map { String(decoding: $0, as: UTF8.self) } ?? "\(options.tokenizer)"
        return ["tokenizer": tokenizer, "minCount": "\(options.minCount)", "maxVocabulary": "\(options.maxVocabulary)",
                "bpeMerges": "\(options.bpeMerges)", "labelFilter": options.labelFilter?.joined(separator: "\t") ?? "all"]
    }

    /// The settings recorded in config.json, class weights computed from the training labels' counts.
    private func settings(labels: [String], counts: [Int]) -> ClassificationTrainingSettings {
        var weights: [Float]? = nil
        if options.classWeighting == .balanced {
            let n = Float(counts.reduce(0, +)), C = Float(labels.count)
            weights = counts.map { n / (C * Float($0)) }
        }
        return ClassificationTrainingSettings(train: train, valid: valid, labelFilter: options.labelFilter, batchSize: options.batchSize,
                                          batchTokens: options.batchTokens, learningRate: options.learningRate,
                                          learningRateDecay: options.learningRateDecay, decayPatience: options.learningRatePatience,
                                          learningRateSchedule: options.learningRateSchedule,
                                          classWeighting: options.classWeighting.rawValue, classWeights: weights,
                                          labelSmoothing: options.labelSmoothing, minCount: options.minCount,
                                          maxVocabulary: options.maxVocabulary, bpeMerges: options.bpeMerges, initFrom: options.initFrom,
                                          pretrain: options.initFrom == nil && options.pretraining != nil ? ClassificationPretraining.directoryName : nil,
                                          trainer: options.trainer)
    }
}
