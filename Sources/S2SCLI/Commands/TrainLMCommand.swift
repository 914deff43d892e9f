// `s2s train-lm`: builds (or reuses) a text pipeline, trains an LSTM language model on a text file
// with truncated backpropagation through time through the shared trainer, and leaves a model bundle
// that `generate` and `evaluate-lm` read.
import ArgumentParser
import S2SCore
import S2SModels
import S2STasks
import S2STraining

/// `s2s train-lm`: trains an LSTM language model on a text file with truncated backpropagation
/// through time (the recurrent state carried from batch to batch), using the shared trainer.
///
/// Documented settings for tinyshakespeare (character level, 2×512 LSTM, 30 minutes on 2 cores):
///
///     s2s train-lm --train ../shared/corpora/lm/tinyshakespeare/train.txt \
///         --valid ../shared/corpora/lm/tinyshakespeare/val.txt --model-dir shakespeare --time-budget 30m
struct TrainLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-lm",
        abstract: "Train a recurrent language model (LSTM, or GRU/RNN with --cell; characters, words or BPE) on a text file.",
        discussion: """
            Each line of the text is followed by an end-of-line token, so the model learns line and \
            paragraph breaks. The training text is cut into --batch-size parallel streams (default 16); \
            each batch is the next --bptt tokens of every stream, and the recurrent state is carried from \
            one batch to the next (detached), reset at every epoch. AdamW (--weight-decay 0.1 by \
            default; 0 = plain Adam), learning rate 4e-3 by default, falling linearly to zero over the \
            run's --time-budget, --max-steps or --epochs (20 by default; --learning-rate-schedule \
            plateau halves it instead whenever a validation does not improve). Validation (every 400 \
            steps and at epoch ends by default) and the saved model use a moving average of the \
            weights (--exponential-smoothing 0.001 by default; 0 = the raw weights). The model: 2 LSTM layers \
            of 512 units, embeddings of 128 (characters) or 512 (words), dropout 0.2. Validation reports loss in nats per token, perplexity and bits per character.
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

    @Flag(help: "Case-fold the text (NFKC + full case folding).")
    var lowercase = false

    @Option(help: "Use the text pipeline in this directory (from `s2s build-vocab`) instead of building one.")
    var text: String?

    @Option(help: "Tokens per batch row and per backpropagation window.")
    var bptt = 128

    @Option(help: "DropConnect on the recurrent (hidden-to-hidden) weights: each step's forward pass zeroes this share of them (AWD-LSTM's weight drop).")
    var weightDropout: Float = 0

    @Flag(help: "Share the embedding matrix with the output projection (needs embedding size = hidden size).")
    var tieEmbeddings = false

    @OptionGroup var vocabulary: VocabularyOptions
    @OptionGroup var shape: RecurrentShapeOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var cache: DataCacheOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard bptt >= 1 else { throw ValidationError("--bptt must be at least 1") }
        if level == .char && (vocabulary.bpeMerges ?? 0) > 0 { throw ValidationError("--bpe-merges applies to --level word") }
        if training.batchTokens != nil { throw ValidationError("--batch-tokens does not apply to train-lm; use --batch-size (streams) and --bptt") }
    }

    /// The job's options: the task's defaults with every option given applied.
    var jobOptions: LanguageModelTrainingOptions {
        var options = LanguageModelTrainingOptions()
        options.unit = level == .char ? .characters : .words
        options.lowercase = lowercase
        vocabulary.apply(to: &options)
        options.pipelineDirectory = text
        options.bptt = bptt
        if level == .word { options.model.embeddingSize = 512 }   // characters keep the recipe's 128
        shape.apply(to: &options.model)
        options.model.weightDropout = weightDropout
        options.model.tieEmbeddings = tieEmbeddings
        training.apply(to: &options, run: runOptions)
        return options
    }

    func run() throws {
        let options = jobOptions
        var job = LanguageModelTrainingJob(train: train, valid: valid, modelDirectory: training.modelDir, options: options)
        job.mode = training.mode
        job.tensorBoardDirectory = training.tensorboardDir
        job.dataCache = cache.dataCache
        try training.run(options.trainer) { ranks, progress in
            job.collective = ranks
            try job.run(progress: progress)
        }
    }
}
