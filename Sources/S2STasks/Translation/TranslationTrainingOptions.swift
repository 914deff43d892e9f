// The settings of one translator training run, as a typed value with a comment on every default. Two
// presets: `corpus` (a user's parallel corpus: OpenNMT-like LSTM settings sized for a CPU, the
// benchmark model of s2s) and `dates` (the built-in job on spelled-out dates). `s2s train-translate`
// starts from one of them and applies the user's flags.
import S2SModels
import S2SNN
import S2STraining

/// How a translator is trained: text pipeline, model shape, optimiser and trainer settings.
///
///     var options = TranslationTrainingOptions.corpus
///     options.bpeMerges = 10_000
///     options.lowercase = true
///     options.trainer.timeBudget = 30 * 60
public struct TranslationTrainingOptions: TrainingJobOptions, Sendable {
    /// Words (optionally BPE pieces) or characters, per side.
    public var sourceUnit = TextUnit.words, targetUnit = TextUnit.words
    /// Lowercase both sides (Unicode lowercase mapping, as sacrebleu's -lc).
    public var lowercase = false
    /// Joint BPE merges learned over both word sides (0 = whole words).
    public var bpeMerges = 0
    /// Tokens seen fewer times become <unk>.
    public var minCount = 2
    /// Vocabulary size limits, specials included (0 = no limit).
    public var sourceVocabularySize = 0, targetVocabularySize = 0
    /// Training pairs with a side longer than this many tokens are skipped (and counted).
    public var maxLength = 100
    /// Training pairs whose longer side has more than this many times the shorter side's tokens are
    /// skipped (and counted); nil: no limit.
    public var maxLengthRatio: Double? = nil
    /// Exact duplicate training pairs (after encoding) are skipped (and counted).
    public var dedup = false
    /// Model shape (the vocabulary sizes are filled in from the data).
    public var model = TranslationConfig(sourceVocabularySize: 0, targetVocabularySize: 0)
    /// Sentences per batch (or, with `batchTokens`, a padded-token budget per batch instead).
    public var batchSize = 64
    public var batchTokens: Int? = nil
    /// Adam's initial learning rate.
    public var learningRate = 2e-3
    /// Learning-rate factor when validation BLEU stops improving (1 = constant rate).
    public var learningRateDecay = 0.5
    /// Validations without a better BLEU before the rate is lowered.
    public var learningRatePatience = 1
    public var learningRateSchedule = LearningRateScheduleKind.plateau
    /// Budget, validation, early stopping, smoothing, seed and shards (one per core).
    public var trainer = TrainerOptions()

    /// The plain defaults (each property says its own); `corpus` and `dates` are the presets to start from.
    public init() {}

    /// A user's corpus: word vocabularies (min count 2), the benchmark model, Adam 2e-3, batch 64,
    /// validation every epoch, BLEU picks the best model, rate halved after two validations without gain,
    /// the validated and saved weights smoothed over about the last 1,000 steps.
    public static var corpus: TranslationTrainingOptions {
        var options = TranslationTrainingOptions()
        options.trainer.exponentialSmoothing = 1e-3
        options.trainer.metric = "bleu"
        options.trainer.higherIsBetter = true
        options.trainer.patience = 6
        return options
    }

    /// The built-in job: spelled-out dates → ISO dates (`DateCorpus`). Word source, character target, a
    /// small model; it stops three validations after reaching BLEU 100 (about 1½ minutes on two cores),
    /// or at 2½ minutes.
    public static var dates: TranslationTrainingOptions {
        var options = corpus
        options.targetUnit = .characters
        options.lowercase = true
        options.minCount = 1
        options.model.sourceEmbeddingSize = 64
        options.model.targetEmbeddingSize = 32
        options.model.encoderHiddenSize = 64
        options.model.dropout = 0.1
        options.learningRate = 3e-3
        options.trainer.epochs = nil
        options.trainer.timeBudget = 150
        options.trainer.exponentialSmoothing = nil
        options.trainer.validateEvery = 200
        options.trainer.patience = 3   // BLEU cannot beat 100: stop three validations after reaching it
        return options
    }

    /// What leaves a training pair out when the corpus is prepared.
    public var filters: PairFilters { PairFilters(maxLength: maxLength, maxLengthRatio: maxLengthRatio, dedup: dedup) }

    /// How the text pipelines are built, as a prepared corpus records it (to reuse them in another run).
    var textSettings: [String: String] {
        ["sourceUnit": sourceUnit.rawValue, "targetUnit": targetUnit.rawValue, "bpeMerges": "\(bpeMerges)", "minCount": "\(minCount)",
         "sourceVocabularySize": "\(sourceVocabularySize)", "targetVocabularySize": "\(targetVocabularySize)"]
    }

    /// Plateau: halved (by default) when validation BLEU stalls.
    var schedule: LearningRateSchedule { schedule(plateau: .max) }
}
