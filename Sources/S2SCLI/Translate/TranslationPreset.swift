// The settings a train-translate job starts from before the user's flags apply: the built-in dates
// job (no data flags) and the defaults for a user's corpus (OpenNMT-like LSTM settings sized for a
// CPU: the benchmark model of s2s, see TranslatorConfig).
import S2SModels
import S2STraining

struct TranslationPreset {
    var sourceUnit = TextUnit.words, targetUnit = TextUnit.words
    var lowercase = false
    var bpeMerges = 0
    var minCount = 2
    var maxLength = 100
    /// Model shape (vocabulary sizes are filled in from the data).
    var model = TranslatorConfig(sourceVocabularySize: 0, targetVocabularySize: 0)
    var batchSize = 64
    var learningRate = 2e-3
    /// Learning-rate factor when validation BLEU stops improving (1 = constant rate).
    var lrDecay = 0.5
    var trainer = TrainerOptions()

    /// A user's corpus: word vocabularies (min count 2), the benchmark model, Adam 2e-3, batch 64,
    /// validation every epoch, BLEU picks the best model, rate halved after two validations without gain,
    /// the validated and saved weights smoothed over about the last 1,000 steps.
    static var corpus: TranslationPreset {
        var preset = TranslationPreset()
        preset.trainer.exponentialSmoothing = 1e-3
        preset.trainer.metric = "bleu"
        preset.trainer.higherIsBetter = true
        preset.trainer.patience = 6
        return preset
    }

    /// The built-in job: spelled-out dates → ISO dates (Corpora/dates, generated on first use). Word
    /// source, character target, a small model; it stops three validations after reaching BLEU 100 (about
    /// 1½ minutes on two cores), or at 2½ minutes.
    static var dates: TranslationPreset {
        var preset = corpus
        preset.targetUnit = .characters
        preset.lowercase = true
        preset.minCount = 1
        preset.model.sourceEmbeddingSize = 64
        preset.model.targetEmbeddingSize = 32
        preset.model.encoderHiddenSize = 64
        preset.model.dropout = 0.1
        preset.learningRate = 3e-3
        preset.trainer.epochs = nil
        preset.trainer.timeBudget = 150
        preset.trainer.exponentialSmoothing = nil
        preset.trainer.validateEvery = 200
        preset.trainer.patience = 3   // BLEU cannot beat 100: stop three validations after reaching it
        return preset
    }

    /// Where the dates corpus lives and the seed it is generated from.
    static let datesDirectory = "Corpora/dates"
    static let datesSeed: UInt64 = 20_240_101
}
