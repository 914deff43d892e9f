// The option groups of `s2s train-translate` (the text and filter groups are `s2s prepare`'s too): data files, text pipeline, the translator's own model
// settings (the recurrent shape and the vocabulary are RecurrentShapeOptions and VocabularyOptions). Every option is
// optional: unset ones take the job's preset (`TranslationTrainingOptions.corpus` or `.dates`), so the
// same flags serve the built-in dates job and a user's corpus.
import ArgumentParser
import S2SCore
import S2SModels
import S2SNN
import S2STasks

struct TranslationDataOptions: ParsableArguments {
    @Option(help: "Training source file (one sentence per line). Without any data flags the built-in dates corpus is used.")
    var trainSrc: String?
    @Option(help: "Training target file, line-aligned with --train-src.")
    var trainTgt: String?
    @Option(help: "Validation source file.")
    var validSrc: String?
    @Option(help: "Validation target file.")
    var validTgt: String?
    @Option(help: "Optional test source file, scored with the best model after training.")
    var testSrc: String?
    @Option(help: "Optional test target file.")
    var testTgt: String?

    var givesCorpus: Bool { [trainSrc, trainTgt, validSrc, validTgt].contains { $0 != nil } }

    /// The user's corpus, or nil for the built-in dates job (whose test files a --test-* flag replaces).
    var files: TranslationTrainingJob.Files? {
        guard let trainSrc, let trainTgt, let validSrc, let validTgt else { return nil }
        return .init(trainSource: trainSrc, trainTarget: trainTgt, validSource: validSrc, validTarget: validTgt,
                     testSource: testSrc, testTarget: testTgt)
    }

    func validate() throws {
        let required = [("--train-src", trainSrc), ("--train-tgt", trainTgt), ("--valid-src", validSrc), ("--valid-tgt", validTgt)]
        if givesCorpus, let missing = required.first(where: { $0.1 == nil }) {
            throw ValidationError("\(missing.0) is missing: give all of --train-src, --train-tgt, --valid-src, --valid-tgt (or none, for the built-in dates job)")
        }
        if (testSrc == nil) != (testTgt == nil) { throw ValidationError("give both --test-src and --test-tgt, or neither") }
    }
}

struct TranslationTextOptions: ParsableArguments {
    @Flag(help: "Lowercase source and target (Unicode lowercase mapping, as sacrebleu -lc).")
    var lowercase = false
    @Flag(help: "Character tokens for the source side.")
    var sourceChars = false
    @Flag(help: "Character tokens for the target side.")
    var targetChars = false
    @Option(help: "Source vocabulary size limit, specials included (0 = no limit; overrides --max-vocab).")
    var srcVocabSize: Int?
    @Option(help: "Target vocabulary size limit, specials included (0 = no limit; overrides --max-vocab).")
    var tgtVocabSize: Int?

    func validate() throws {
        for (name, value) in [("src-vocab-size", srcVocabSize), ("tgt-vocab-size", tgtVocabSize)] {
            if let value, value < 0 { throw ValidationError("--\(name) cannot be negative") }
        }
    }

    /// `options` with every option given applied.
    func apply(to options: inout TranslationTrainingOptions) {
        if lowercase { options.lowercase = true }
        if sourceChars { options.sourceUnit = .characters }
        if targetChars { options.targetUnit = .characters }
        if let srcVocabSize { options.sourceVocabularySize = srcVocabSize }
        if let tgtVocabSize { options.targetVocabularySize = tgtVocabSize }
    }
}

/// Which training pairs are left out when the corpus is prepared (each counted in the printed statistics).
struct TranslationPreparationOptions: ParsableArguments {
    @Option(help: "Training pairs with a side longer than this many tokens are skipped.")
    var maxLength: Int?
    @Option(help: "Training pairs whose longer side has more than this many times the shorter side's tokens are skipped (default: no limit).")
    var maxLengthRatio: Double?
    @Flag(help: "Skip exact duplicate training pairs (same tokens on both sides; 11–21 bytes a pair of memory while preparing).")
    var dedup = false

    func validate() throws {
        if let maxLength, maxLength < 1 { throw ValidationError("--max-length must be at least 1") }
        if let maxLengthRatio, !(maxLengthRatio >= 1) { throw ValidationError("--max-length-ratio must be at least 1") }
    }

    /// `options` with every option given applied.
    func apply(to options: inout TranslationTrainingOptions) {
        if let maxLength { options.maxLength = maxLength }
        if let maxLengthRatio { options.maxLengthRatio = maxLengthRatio }
        if dedup { options.dedup = true }
    }
}

struct TranslationModelOptions: ParsableArguments {
    @Option(help: "Attention: general (Luong), dot, or mlp (Bahdanau).")
    var attention: AttentionType?
    @Option(help: "Label smoothing of the training loss.")
    var labelSmoothing: Float?
    @Flag(help: "Share the target embedding with the generator (needs --embedding-size = 2 × --hidden-size).")
    var tieTargetEmbedding = false
    @Option(help: "Initialise parameters uniformly in ±this (0 = PyTorch's per-layer defaults).")
    var paramInit: Float?

    /// `config` with every option given applied.
    func apply(to config: inout TranslationConfig) {
        if let attention { config.attention = attention }
        if let labelSmoothing { config.labelSmoothing = labelSmoothing }
        if tieTargetEmbedding { config.tieTargetEmbedding = true }
        if let paramInit { config.paramInit = paramInit }
    }
}

extension AttentionType: ExpressibleByArgument {}
