import ArgumentParser
import Foundation
import S2SCore
import S2SModels
import S2STasks
import S2STraining

extension Pooling: ExpressibleByArgument {}
extension ClassWeighting: ExpressibleByArgument {}

/// `s2s train-classify`: trains a sentence classifier (embedding → (bi)LSTM → pooling → dropout →
/// linear → softmax) on labelled lines, keeping the weights with the best validation macro-F1.
///
/// The airline figures (dev = the validation set, so the reported dev score is also the one that picked
/// the weights) come from the defaults:
///
///     A=../shared/corpora/sentiment/airline
///     s2s train-classify --train $A/train.tsv --valid $A/dev.tsv --model-dir Models/airline
///     s2s test-classify -m Models/airline $A/dev.tsv
///     s2s train-classify --train $A/train.tsv --valid $A/dev.tsv --model-dir Models/airline-binary --labels positive,negative
///     s2s test-classify -m Models/airline-binary $A/dev.tsv
///     s2s test-classify -m Models/airline-binary --tutorial ../shared/corpora/sentiment/bcs-lstm-tutorial
struct TrainClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-classify",
        abstract: "Train a recurrent (LSTM, or GRU/RNN with --cell) sentence classifier on label<TAB>text (or fastText __label__) lines.",
        discussion: """
            Defaults (chosen on the airline tweets to train within 5 minutes on 2 cores): tweet normalization, \
            case folding and elongation squeezing on; tokens seen at least twice; embedding 128, one \
            bidirectional LSTM layer of 128, attention pooling (scorer size 64), dropout 0.5; Adam at 0.003, \
            halved whenever validation macro-F1 does not improve; batches of 64 sentences; gradient norm \
            clipped at 5; validation at every epoch end; the weights with the best validation macro-F1 are \
            kept; stop after 12 epochs, 4 validations without improvement, or the 2-minute time budget.

            The model directory gets config.json, model.safetensors, pipeline.json + vocab.txt, labels.txt, \
            metrics.jsonl and checkpoints/ (and pretrain/, the language model, with --pretrain).

            The 2017 tutorial's binary task on the airline tweets:
              s2s train-classify --train train.tsv --valid dev.tsv \\
                  --labels positive,negative --model-dir Models/binary
              s2s test-classify -m Models/binary dev.tsv
            """)

    @Option(help: "Training data: label<TAB>text lines, or fastText __label__ lines.")
    var train: String

    @Option(help: "Validation data in the same form (picks the best model and stops early).")
    var valid: String

    @Option(help: "Keep only these labels, comma-separated, e.g. positive,negative (class order as given); lines with other labels are dropped and counted.")
    var labels: String?

    @Option(help: "Input format: auto (fastText if the first line starts with __label__), tsv or fasttext.")
    var format: LabelledFormat = .auto

    @Flag(inversion: .prefixedNo, help: "Bidirectional encoder.")
    var bidirectional = true

    @Option(help: "Pooling over time: last (the tutorial's final state), max, mean or attention.")
    var pooling: Pooling = .attention

    @Option(help: "Hidden size of attention pooling's scorer.")
    var attentionSize = 64

    @Flag(inversion: .prefixedNo, help: "Tweet normalization: URLs → <url>, @mentions → <user>, HTML entities unescaped.")
    var tweet = true

    @Flag(inversion: .prefixedNo, help: "Case folding.")
    var lowercase = true

    @Option(help: "Class weights in the loss: none or balanced (N / (C·n_class)).")
    var classWeights: ClassWeighting = .none

    @Option(help: "Label smoothing of the loss.")
    var labelSmoothing: Float = 0

    @Option(help: ArgumentHelp("Start from a language model (a `s2s train-lm` directory): its text pipeline, its encoder's shape and weights.",
                               discussion: "Its cell, embedding size, hidden size, layers and vocabulary replace this command's; a bidirectional classifier takes its weights in the forward direction (one layer, or --no-bidirectional).",
                               valueName: "lm-dir"))
    var initFrom: String?

    @Option(help: ArgumentHelp("Pretrain the encoder as a word language model on the training file's text for this long (e.g. 3m), then start from it. (default: 0, a fresh encoder)",
                               discussion: "ULMFiT-style, into --model-dir/pretrain; every line's text is used, whatever its label. Off by default: on held-out airline tweets 3 minutes of it gained less than the spread between seeds. Not with --init-from, nor for a bidirectional encoder of two or more layers, which cannot start from a language model.",
                               valueName: "duration"))
    var pretrain: PretrainBudget?

    @OptionGroup var vocabulary: VocabularyOptions
    @OptionGroup var shape: RecurrentShapeOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var cache: DataCacheOptions
    @OptionGroup var options: RunOptions

    func validate() throws {
        guard attentionSize >= 1 else { throw ValidationError("--attention-size must be at least 1") }
        guard (0...1).contains(labelSmoothing) else { throw ValidationError("--label-smoothing must be in [0, 1]") }
        if initFrom != nil, pretrain?.seconds != nil {
            throw ValidationError("--init-from starts from a language model already: leave out --pretrain")
        }
        if let labels {
            let list = Self.parseLabels(labels)
            guard list.count >= 2, Set(list).count == list.count else {
                throw ValidationError("--labels needs at least two different labels, e.g. positive,negative")
            }
        }
    }

    static func parseLabels(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }
    }

    /// The job's options: the task's defaults with every option given applied.
    var jobOptions: ClassificationTrainingOptions {
        var options = ClassificationTrainingOptions()
        options.labelFilter = labels.map(Self.parseLabels)
        options.format = format
        shape.apply(to: &options.model)
        options.model.bidirectional = bidirectional
        options.model.pooling = pooling
        options.model.attentionSize = attentionSize
        options.tokenizer.tweet = tweet
        options.tokenizer.lowercase = lowercase
        vocabulary.apply(to: &options)
        options.classWeighting = classWeights
        options.labelSmoothing = labelSmoothing
        options.initFrom = initFrom
        if let seconds = pretrain?.seconds {
            options.pretraining = ClassificationTrainingOptions.pretrainingRecipe
            options.pretraining?.trainer.timeBudget = seconds
        }
        training.apply(to: &options, run: self.options)
        return options
    }

    func run() throws {
        let options = jobOptions
        var job = ClassificationTrainingJob(train: train, valid: valid, modelDirectory: training.modelDir, options: options)
        job.mode = training.mode
        job.tensorBoardDirectory = training.tensorboardDir
        job.dataCache = cache.dataCache
        try training.run(options.trainer) { ranks, progress in
            job.collective = ranks
            let result = try job.run(progress: progress)
            let report = result.validation
            progress(.message("stopped: \(result.stopReason.rawValue); best weights from step \(result.bestStep ?? 0) saved in \(training.modelDir)/model.safetensors"))
            progress(.message(String(format: "validation (%@): N %d, accuracy %.4f, macro-F1 %.4f", valid, report.count, report.accuracy, report.macroF1)))
        }
    }
}

extension LabelledFormat: ExpressibleByArgument {}

/// `--pretrain`: a duration like --time-budget's, or 0 for no pretraining.
struct PretrainBudget: ExpressibleByArgument {
    /// nil: no pretraining.
    let seconds: Double?

    init?(argument: String) {
        if Double(argument) == 0 { seconds = nil; return }
        guard let budget = TimeBudget(argument: argument) else { return nil }
        seconds = budget.seconds
    }
}
