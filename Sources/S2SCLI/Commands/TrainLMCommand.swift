// `s2s train-lm`: builds (or reuses) a text pipeline, trains an LSTM language model on a text file
// with truncated backpropagation through time through the shared trainer, and leaves a model bundle
// that `generate` and `evaluate-lm` read.
import ArgumentParser
import Foundation
import S2SCore
import S2SModels
import S2SNN
import S2SText
import S2STraining

/// `s2s train-lm`: trains an LSTM language model on a text file with truncated backpropagation
/// through time (the LSTM state carried from batch to batch), using the shared trainer.
///
/// Documented settings for tinyshakespeare (character level, 2×512 LSTM, 30 minutes on 2 cores):
///
///     s2s train-lm --train ../shared/corpora/lm/tinyshakespeare/train.txt \
///         --valid ../shared/corpora/lm/tinyshakespeare/val.txt --model-dir shakespeare --time-budget 30m
struct TrainLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-lm",
        abstract: "Train an LSTM language model (characters, words or BPE) on a text file.",
        discussion: """
            Each line of the text is followed by an end-of-line token, so the model learns line and \
            paragraph breaks. The training text is cut into --batch-size parallel streams (default 64); \
            each batch is the next --bptt tokens of every stream, and the LSTM state is carried from \
            one batch to the next (detached), reset at every epoch. Adam, learning rate 4e-3 by default, \
            halved whenever a validation (every 100 steps and at epoch ends by default) does not \
            improve. Validation reports loss in nats per token, perplexity and bits per character.
            """)

    enum Level: String, ExpressibleByArgument, CaseIterable {
        case char, word
    }

    @Option(help: "Training text, one line per line (UTF-8).")
    var train: String

    @Option(help: "Validation text.")
    var valid: String

    @Option(help: "Token unit: char (grapheme clusters) or word (ICU words, optionally BPE).")
    var level: Level = .char

    @Option(help: "Word level: BPE merges to learn from the training text (0 = whole words).")
    var bpeMerges = 0

    @Option(help: "Keep tokens seen at least this often in the training text.")
    var minCount = 1

    @Option(help: "Largest vocabulary, the 4 specials included (0 = no limit).")
    var maxVocab = 0

    @Flag(help: "Case-fold the text (NFKC + full case folding).")
    var lowercase = false

    @Option(help: "Use the text pipeline in this directory (from `s2s build-vocab`) instead of building one.")
    var text: String?

    @Option(help: "Tokens per batch row and per backpropagation window.")
    var bptt = 128

    @Option(help: "Embedding size (default: 128 for characters, 512 for words).")
    var embeddingSize: Int?

    @Option(help: "LSTM units per layer.")
    var hiddenSize = 512

    @Option(help: "Stacked LSTM layers.")
    var layers = 2

    @Option(help: "Dropout between LSTM layers and before the projection.")
    var dropout: Float = 0.2

    @Flag(help: "Share the embedding matrix with the output projection (needs embedding size = hidden size).")
    var tieEmbeddings = false

    @Option(help: "Learning-rate factor when validation loss does not improve.")
    var learningRateDecay = 0.5

    @OptionGroup var training: TrainingOptions
    @OptionGroup var runOptions: RunOptions

    /// The defaults of this command for the shared trainer options.
    static let defaultBatchSize = 64, defaultLearningRate = 4e-3

    func validate() throws {
        guard bptt >= 1 else { throw ValidationError("--bptt must be at least 1") }
        guard bpeMerges >= 0, minCount >= 1, maxVocab >= 0 else {
            throw ValidationError("--bpe-merges and --max-vocab must be 0 or more, --min-count at least 1")
        }
        if level == .char && bpeMerges > 0 { throw ValidationError("--bpe-merges applies to --level word") }
        if training.batchTokens != nil { throw ValidationError("--batch-tokens does not apply to train-lm; use --batch-size (streams) and --bptt") }
        guard learningRateDecay > 0 && learningRateDecay < 1 else { throw ValidationError("--learning-rate-decay must be in (0, 1)") }
    }

    func run() throws {
        BLAS.setThreads(1)  // one BLAS thread per data-parallel shard
        let directory = try training.openModelDirectory()
        defer { directory.close() }
        let bundle = directory.bundle
        let processor = try textProcessor(bundle: bundle)
        let reporter = ProgressReporter(reportEvery: 1)
        let trainText = try LanguageModelText(path: train, processor: processor)
        let validText = try LanguageModelText(path: valid, processor: processor)
        reporter.log("\(train): \(trainText.lines) lines, \(trainText.tokens.count) tokens; \(valid): \(validText.tokens.count) tokens; vocabulary \(processor.vocabulary.count)")

        let modelConfig = LanguageModelConfig(
            vocabularySize: processor.vocabulary.count, embeddingSize: embeddingSize ?? (level == .char ? 128 : 512),
            hiddenSize: hiddenSize, layers: layers, dropout: dropout, tieEmbeddings: tieEmbeddings)
        if let problem = modelConfig.problem { throw ValidationError(problem) }
        var defaults = TrainerOptions()
        defaults.epochs = 20
        defaults.validateEvery = 100   // and at every epoch end: the plateau schedule needs to see progress
        let options = training.apply(to: defaults, run: runOptions)
        let batchSize = training.batchSize ?? Self.defaultBatchSize
        let learningRate = training.learningRate ?? Self.defaultLearningRate
        let settings = LanguageModelTrainingSettings(train: train, valid: valid, bptt: bptt, batchSize: batchSize,
                                                     learningRate: learningRate, learningRateDecay: learningRateDecay,
                                                     trainer: options)
        let config = LanguageModelBundleConfig(model: modelConfig, text: processor.pipeline, training: settings)
        if training.resume {
            let stored = try bundle.readConfig(LanguageModelBundleConfig.self, kind: LanguageModelBundleConfig.kind)
            guard stored.model == modelConfig, stored.training.bptt == bptt, stored.training.batchSize == batchSize else {
                throw ValidationError("--resume: the model or batch settings differ from the run in \(bundle.directory) (see its config.json)")
            }
        }
        try bundle.writeConfig(config)

        var rng = runOptions.generator()
        let model = LanguageModel(config: modelConfig, rng: &rng)
        reporter.log("model: \(modelConfig.layers)×\(modelConfig.hiddenSize) LSTM, embedding \(modelConfig.embeddingSize), \(model.parameterCount) parameters; batch \(batchSize) streams × \(bptt) tokens; \(options.shards) shard(s)")
        let task = LanguageModelTraining(model: model, streams: batchSize)
        let data = try BPTTBatches(tokens: trainText.tokens, batchSize: batchSize, bptt: bptt, seed: runOptions.seed)
        let schedule = LearningRateSchedule.reduceOnPlateau(
            learningRate, ReduceOnPlateau(factor: learningRateDecay, patience: 0, threshold: 1e-3))
        let trainer = Trainer(model: task, optimizer: Adam(learningRate: learningRate), schedule: schedule,
                              options: options, bundle: bundle)
        try training.configure(trainer)
        let evaluation = LanguageModelEvaluation(streams: 16, bptt: bptt, shards: options.shards)
        let validTokens = validText.tokens, ratio = validText.tokensPerCharacter
        trainer.validate = { task in
            LanguageModelScore(stats: try evaluation.evaluate(task.model, tokens: validTokens), tokensPerCharacter: ratio).metrics
        }
        let reason = try trainer.run(resume: training.resume) { epoch in data.batches(epoch: epoch) }
        let best = trainer.state.bestMetric.map { String(format: "%.4f nats/token (%.4f bits/char)", $0, $0 * ratio / log(2)) } ?? "none"
        reporter.log("stopped (\(reason.rawValue)) at step \(trainer.state.step); best validation loss \(best) at step \(trainer.state.bestStep ?? 0); model in \(bundle.weightsPath)")
    }

    /// The model's text pipeline: the one already in the bundle (resume), the one in --text, or one
    /// built from the training text; saved into the bundle.
    private func textProcessor(bundle: ModelBundle) throws -> TextProcessor {
        if training.resume { return try TextProcessor(directory: bundle.directory) }
        let processor: TextProcessor
        if let text {
            processor = try TextProcessor(directory: text)
        } else {
            let settings = TokenizerSettings(unit: level == .char ? .characters : .words, lowercase: lowercase)
            processor = try LanguageModelText.buildProcessor(path: train, settings: settings, bpeMerges: bpeMerges,
                                                             minCount: minCount, maxSize: maxVocab)
        }
        try processor.save(directory: bundle.directory)
        return processor
    }
}
