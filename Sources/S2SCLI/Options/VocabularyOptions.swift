// How the vocabulary is built from the training text, spelled the same in every train command. Every
// option is optional: unset ones keep the task's default.
import ArgumentParser
import S2STasks

struct VocabularyOptions: ParsableArguments {
    @Option(help: "BPE merges to learn from the training text (0 = whole words; train-translate: joint over both sides; train-lm: with --level word).")
    var bpeMerges: Int?
    @Option(help: "Tokens seen fewer times than this in the training text become <unk> (default: 2; train-lm and the built-in dates job: 1).")
    var minCount: Int?
    @Option(help: "Largest vocabulary, specials included (0 = no limit; train-translate: each side).")
    var maxVocab: Int?

    func validate() throws {
        if let bpeMerges, bpeMerges < 0 { throw ValidationError("--bpe-merges cannot be negative") }
        if let minCount, minCount < 1 { throw ValidationError("--min-count must be at least 1") }
        if let maxVocab, maxVocab < 0 { throw ValidationError("--max-vocab cannot be negative") }
    }

    func apply(to options: inout TranslationTrainingOptions) {
        if let bpeMerges { options.bpeMerges = bpeMerges }
        if let minCount { options.minCount = minCount }
        if let maxVocab { options.sourceVocabularySize = maxVocab; options.targetVocabularySize = maxVocab }
    }

    func apply(to options: inout LanguageModelTrainingOptions) {
        if let bpeMerges { options.bpeMerges = bpeMerges }
        if let minCount { options.minCount = minCount }
        if let maxVocab { options.maxVocabulary = maxVocab }
    }

    func apply(to options: inout ClassificationTrainingOptions) {
        if let bpeMerges { options.bpeMerges = bpeMerges }
        if let minCount { options.minCount = minCount }
        if let maxVocab { options.maxVocabulary = maxVocab }
    }
}
