// One `train-classify` run, with every setting already decided: read the labelled files, build (or on
// --resume, reload) the text pipeline and labels, write the bundle's files, and hand the model to the
// shared trainer with macro-F1 on the validation set as the metric that keeps the best weights and stops
// early. The command parses options into this; tests build it directly.
import Foundation
import S2SCore
import S2SModels
import S2SNN
import S2SText
import S2STraining

/// How the loss weighs the classes.
enum ClassWeighting: String, Codable, CaseIterable {
    /// Every sentence counts the same.
    case none
    /// w[c] = N / (C · n_c): each class weighs as much in total; the mean weight over the training set is 1.
    case balanced
}

struct ClassifierTrainingJob {
    var train: String
    var valid: String
    var modelDirectory: String
    /// Keep only these labels (in this class order); nil = every label of the training file, sorted.
    var labelFilter: [String]? = nil
    var format: LabelledFormat = .auto
    /// Model shape; `vocabularySize` and `classes` are filled in from the data.
    var model = ClassifierConfig(vocabularySize: 5, classes: 2)
    /// Tweet normalization, case folding, elongation squeezing and whitespace collapsing are on by default.
    var tokenizer = TokenizerSettings(lowercase: true, tweet: true, squeezeElongations: true, collapseWhitespace: true)
    var minCount = 2
    var maxVocabulary = 0
    var bpeMerges = 0
    var batchSize = 64
    var batchTokens: Int? = nil
    var learningRate = 3e-3
    /// Multiply the learning rate by this when validation macro-F1 stops improving (0 = constant rate).
    var learningRateDecay = 0.5
    /// Validations without improvement before the rate is lowered.
    var decayPatience = 0
    var classWeighting = ClassWeighting.none
    var labelSmoothing: Float = 0
    var trainer = ClassifierTrainingJob.defaultTrainerOptions
    var resume = false
    var tensorBoardDirectory: String? = nil
    /// Where progress and summaries go (stderr in the command).
    var log: (String) -> Void = { ProgressReporter.writeToStandardError($0 + "\n") }
    /// Replaces the trainer's reporter (tests silence it).
    var reporter: ProgressReporter? = nil

    /// The trainer settings `train-classify` starts from: a 2-minute budget, validation at every epoch
    /// end, best model and early stopping on validation macro-F1.
    static var defaultTrainerOptions: TrainerOptions {
        var options = TrainerOptions()
        options.epochs = 12             // the budget usually ends training first
        options.timeBudget = 120
        options.metric = "macro_f1"
        options.higherIsBetter = true
        options.patience = 4
        options.maxGradientNorm = 5
        options.reportEvery = 100
        return options
    }

    /// What a finished run reports.
    struct Result {
        var stopReason: StopReason
        /// The validation scores of the best (saved) weights.
        var validation: ClassificationReport
        var labels: [String]
        var bestStep: Int?
    }

    @discardableResult
    func run() throws -> Result {
        BLAS.setThreads(1)   // one BLAS thread per data-parallel shard
        let bundle = ModelBundle(directory: modelDirectory)
        let existing: ClassifierBundle? = resume ? try ClassifierBundle.load(directory: modelDirectory) : nil

        // Data and labels.
        let filter = existing.map { Set($0.labels) } ?? labelFilter.map(Set.init)
        let trainData = try LabelledData.read(path: train, format: format, keep: filter)
        log("train: " + trainData.summary)
        let labels = existing?.labels ?? labelFilter ?? trainData.labels
        let validData = try LabelledData.read(path: valid, format: format, keep: filter)
        log("valid: " + validData.summary)
        let labelIDs = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        for (name, data) in [(train, trainData), (valid, validData)] {
            if let unknown = data.examples.first(where: { labelIDs[$0.label] == nil }) {
                throw TextError(.malformed, file: name, line: unknown.line,
                                "label \"\(unknown.label)\" is not one of the model's labels (\(labels.joined(separator: ", ")))")
            }
            guard !data.examples.isEmpty else { throw TextError(.invalidArgument, file: name, "no examples to use") }
        }
        let missing = labels.filter { label in !trainData.examples.contains { $0.label == label } }
        guard labels.count >= 2, missing.isEmpty else {
            throw TrainingError("\(train): a classifier needs examples of at least 2 labels; "
                                + (missing.isEmpty ? "found only \(labels.joined())" : "none of \(missing.joined(separator: ", "))"))
        }

        // Text pipeline, model, bundle files.
        let text: TextProcessor
        var config: ClassifierBundleConfig
        if let existing {
            text = existing.text
            config = existing.config
            log("resuming \(modelDirectory): \(labels.count) labels, vocabulary \(text.vocabulary.count)")
        } else {
            var builder = try PipelineBuilder(settings: tokenizer, bpeMerges: bpeMerges)
            for example in trainData.examples { try builder.add(example.text) }
            text = try builder.build(minCount: minCount, maxSize: maxVocabulary)
            var model = self.model
            model.vocabularySize = text.vocabulary.count
            model.classes = labels.count
            if let problem = model.problem { throw TrainingError(problem) }
            config = ClassifierBundleConfig(model: model, text: text.pipeline, training: settings(labels: labels, trainData: trainData))
            try ClassifierBundle.save(directory: modelDirectory, config: config, text: text, labels: labels)
            log("vocabulary: \(text.vocabulary.count) tokens (min count \(minCount)), labels: \(labels.joined(separator: ", "))")
        }
        let trainSequences = try Self.encode(trainData, with: text)
        let trainLabels = trainData.examples.map { labelIDs[$0.label]! }
        let validSequences = try Self.encode(validData, with: text)
        let validLabels = validData.examples.map { labelIDs[$0.label]! }

        var rng = Generator(seed: trainer.seed)
        let model = Classifier(config: config.model, rng: &rng)
        model.classWeights = config.training.classWeights
        model.labelSmoothing = config.training.labelSmoothing

        let optimizer = Adam(learningRate: config.training.learningRate)
        let trainerRun = Trainer(model: model, optimizer: optimizer, schedule: config.training.schedule,
                                 options: trainer, bundle: bundle)
        if let reporter { trainerRun.reporter = reporter }
        if let tensorBoardDirectory { trainerRun.tensorBoard = try TensorBoardWriter(directory: tensorBoardDirectory) }
        let predictor = try ClassifierPredictor(model: model, text: text, threads: max(1, trainer.shards))
        trainerRun.validate = { _ in
            Self.scores(predictor.probabilities(sequences: validSequences), gold: validLabels, classes: labels.count)
        }
        let batcher = Batcher(batchSize: config.training.batchSize, maxTokens: config.training.batchTokens)
        let lengths = trainSequences.map { max(1, $0.count) }
        let seed = trainer.seed
        let stopReason = try trainerRun.run(resume: resume) { epoch in
            batcher.plan(lengths: lengths, seed: seed, epoch: epoch).map { rows in
                ClassifierBatch(sequences: rows.map { trainSequences[$0] }, labels: rows.map { trainLabels[$0] })
            }
        }

        // The saved (best) weights, scored once more for the summary.
        try bundle.readWeights(into: model.parameters)
        let predicted = predictor.probabilities(sequences: validSequences).map { $0.argmax! }
        let report = ClassificationReport(gold: validLabels, predicted: predicted, classes: labels.count)
        return Result(stopReason: stopReason, validation: report, labels: labels, bestStep: trainerRun.state.bestStep)
    }

    /// Token ids of every example; a tokenizer error names the file and line.
    static func encode(_ data: LabelledData, with text: TextProcessor) throws(TextError) -> [[Int]] {
        var sequences: [[Int]] = []
        sequences.reserveCapacity(data.examples.count)
        for example in data.examples {
            do throws(TextError) { sequences.append(try text.encode(example.text)) } catch {
                var located = error
                located.file = data.path
                located.line = example.line
                throw located
            }
        }
        return sequences
    }

    /// The settings recorded in config.json, class weights computed from the training labels.
    private func settings(labels: [String], trainData: LabelledData) -> ClassifierTrainingSettings {
        var weights: [Float]? = nil
        if classWeighting == .balanced {
            let n = Float(trainData.examples.count), C = Float(labels.count)
            weights = labels.map { label in n / (C * Float(trainData.examples.filter { $0.label == label }.count)) }
        }
        return ClassifierTrainingSettings(train: train, valid: valid, labelFilter: labelFilter, batchSize: batchSize,
                                          batchTokens: batchTokens, learningRate: learningRate,
                                          learningRateDecay: learningRateDecay, decayPatience: decayPatience,
                                          classWeighting: classWeighting.rawValue, classWeights: weights,
                                          labelSmoothing: labelSmoothing, minCount: minCount, maxVocabulary: maxVocabulary,
                                          bpeMerges: bpeMerges, trainer: trainer)
    }

    /// Validation metrics from probabilities: macro_f1, accuracy and the mean NLL as loss.
    static func scores(_ probabilities: [[Float]], gold: [Int], classes: Int) -> [String: Double] {
        let report = ClassificationReport(gold: gold, predicted: probabilities.map { $0.argmax! }, classes: classes)
        var nll = 0.0
        for (row, label) in zip(probabilities, gold) { nll -= Foundation.log(max(Double(row[label]), 1e-30)) }
        return ["macro_f1": report.macroF1, "accuracy": report.accuracy, "loss": nll / Double(max(1, gold.count))]
    }
}
