// The option groups the three train commands share (RecurrentShapeOptions, VocabularyOptions,
// TrainingOptions): one spelling lands in each task's options, and an option left out keeps the task's
// own default.
import Testing
@testable import S2SCLI
import S2SCore
import S2STasks

@Suite struct SharedTrainOptionsTests {
    static let shared = ["--model-dir", "m", "--cell", "gru", "--layers", "3", "--embedding-size", "24", "--hidden-size", "40",
                         "--dropout", "0.25", "--bpe-merges", "300", "--min-count", "4", "--max-vocab", "900", "--optimizer", "sgd"]

    @Test func eachTaskGetsTheSameFlags() throws {
        let lm = try TrainLMCommand.parse(["--train", "t", "--valid", "v", "--level", "word"] + Self.shared).jobOptions
        #expect(lm.model.cell == .gru && lm.model.layers == 3 && lm.model.embeddingSize == 24 && lm.model.hiddenSize == 40)
        #expect(lm.model.dropout == 0.25 && lm.bpeMerges == 300 && lm.minCount == 4 && lm.maxVocabulary == 900)
        #expect(lm.trainer.optimizer == .sgd)

        let classify = try TrainClassifyCommand.parse(["--train", "t", "--valid", "v"] + Self.shared).jobOptions
        #expect(classify.model.cell == .gru && classify.model.layers == 3 && classify.model.embeddingSize == 24)
        #expect(classify.model.hiddenSize == 40 && classify.model.dropout == 0.25)
        #expect(classify.bpeMerges == 300 && classify.minCount == 4 && classify.maxVocabulary == 900 && classify.trainer.optimizer == .sgd)

        let translate = try TrainTranslateCommand.parse(["--train-src", "a", "--train-tgt", "b", "--valid-src", "c", "--valid-tgt", "d",
                                                         "--tgt-vocab-size", "700"] + Self.shared).jobOptions
        #expect(translate.model.cell == .gru && translate.model.layers == 3 && translate.model.encoderHiddenSize == 40)
        #expect(translate.model.sourceEmbeddingSize == 24 && translate.model.targetEmbeddingSize == 24 && translate.model.dropout == 0.25)
        #expect(translate.bpeMerges == 300 && translate.minCount == 4 && translate.trainer.optimizer == .sgd)
        #expect(translate.sourceVocabularySize == 900 && translate.targetVocabularySize == 700, "--tgt-vocab-size overrides --max-vocab")
    }

    @Test func leftOutOptionsKeepEachTasksDefaults() throws {
        let lm = try TrainLMCommand.parse(["--train", "t", "--valid", "v", "--model-dir", "m"]).jobOptions
        let lmDefaults = LanguageModelTrainingOptions()
        #expect(lm.model == lmDefaults.model && lm.minCount == lmDefaults.minCount && lm.trainer.optimizer == nil)
        let words = try TrainLMCommand.parse(["--train", "t", "--valid", "v", "--model-dir", "m", "--level", "word"]).jobOptions
        #expect(words.model.embeddingSize == 512)
        let classify = try TrainClassifyCommand.parse(["--train", "t", "--valid", "v", "--model-dir", "m"]).jobOptions
        #expect(classify.model == ClassificationTrainingOptions().model && classify.minCount == 2)
        let dates = try TrainTranslateCommand.parse(["--model-dir", "m"]).jobOptions
        #expect(dates.model == TranslationTrainingOptions.dates.model && dates.minCount == TranslationTrainingOptions.dates.minCount)
        #expect(throws: (any Error).self) { try TrainClassifyCommand.parse(["--train", "t", "--valid", "v", "--model-dir", "m", "--dropout", "1"]) }
        #expect(throws: (any Error).self) { try TrainLMCommand.parse(["--train", "t", "--valid", "v", "--model-dir", "m", "--min-count", "0"]) }
    }
}
