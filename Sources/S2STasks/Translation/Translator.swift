// The translator as a library user meets it: load a model directory, translate lines. Everything
// `s2s translate` does — beam or greedy search, n-best lists, length penalties, <unk> replacement,
// attention matrices, bfloat16 step weights, cropping over-long lines — is an option here; the command
// only reads lines and prints what this returns.
import Foundation
import S2SCore
import S2SDecoding
import S2SModels
import S2SText
import S2STraining

/// How `Translator.translate` searches and what it returns.
///
///     var options = TranslationOptions()
///     options.beamSize = 5
///     options.lengthPenalty = .wu(alpha: 0.6)
///     options.threads = 2
public struct TranslationOptions: Sendable, Equatable {
    /// Beam size (1 = greedy search).
    public var beamSize = 5
    /// Hypotheses returned per sentence (at most `beamSize`).
    public var nBest = 1
    /// Normalisation of finished hypotheses' scores by length.
    public var lengthPenalty = LengthPenalty.none
    /// Output limit: ⌊this × the source length⌋ + 5 tokens (see `OutputLengthLimit`)…
    public var maxLengthRatio = 2.0
    /// …and never more than this many (nil: no cap; OpenNMT-py's `max_length`, 250 by default there).
    public var maxLength: Int? = nil
    /// No end of sentence before this many tokens.
    public var minLength = 0
    /// Ban any token that would repeat an n-gram of this size (0 = off).
    public var blockNgramRepeat = 0
    /// Replace each <unk> in the output by the source token it attended to most.
    public var replaceUnknown = false
    /// Return each best hypothesis's attention matrix (and the source tokens it refers to).
    public var attention = false
    /// Longer sources are cropped to their first `maxSourceTokens` tokens (`TranslationResult.cropped`).
    public var maxSourceTokens = 1000
    /// Sentences decoded together; results do not depend on it.
    public var batchSize = 32
    /// Cores used (batches run in parallel); results do not depend on it.
    public var threads = 1
    /// Decoder and generator weights: float32 (exact), bfloat16 (faster at small batches), bfloat16-dot,
    /// int8 (fastest at every batch size) or auto (the fastest measured within 0.3 BLEU of float32 on this
    /// CPU's level; see WeightPrecision).
    public var weightPrecision = WeightPrecision.float32

    /// The defaults: beam 5, one hypothesis, no length penalty, float32, one core.
    public init() {}
}

/// One line's translation.
public struct TranslationResult: Sendable, Equatable {
    /// One hypothesis: its detokenized text, target tokens, score and (if asked) attention.
    public struct Hypothesis: Sendable, Equatable {
        public var text: String
        /// The target tokens as written (after <unk> replacement).
        public var tokens: [String]
        /// Log-probability, length-normalised by the options' penalty.
        public var score: Double
        /// One row per target token: its attention over `TranslationResult.sourceTokens`.
        public var attention: [[Float]]?
    }

    /// Best first; an empty line (no tokens) gets one empty hypothesis with score 0.
    public var hypotheses: [Hypothesis]
    /// The source tokens (filled when `replaceUnknown` or `attention` is on).
    public var sourceTokens: [String]
    /// The source had more than `maxSourceTokens` tokens and only its first ones were translated.
    public var cropped: Bool

    /// The best hypothesis's text.
    public var text: String { hypotheses[0].text }
}

/// A trained translator, loaded from its model directory.
///
///     let translator = try Translator(contentsOf: "Models/dates")
///     try translator.translate("the third of march 1999")            // "1999-03-03"
///     let results = try translator.translate(["a dog runs", ""], options: TranslationOptions())
///     results[1].text                                                  // "" (an empty line stays empty)
///
/// Safe to share between threads: the text pipelines are used under a lock, the model only read.
public final class Translator: @unchecked Sendable {
    /// The model (the first member of an ensemble): its text pipelines tokenize and detokenize.
    public let bundle: TranslationBundle
    /// Every model decoded together, `bundle` first; one model unless loaded as an ensemble.
    public let members: [TranslationBundle]
    private let lock = NSLock()
    private var packed: [WeightPrecision: PackedStepWeights] = [:]

    /// Loads the model directory `train-translate` wrote; throws `BundleError` naming what is wrong.
    public convenience init(contentsOf directory: String) throws { try self.init(contentsOf: [directory]) }

    /// Loads an ensemble: the models of `directories` decoded together, ranking hypotheses by the mean of
    /// their log-probabilities at every step (OpenNMT-py's `-model a b`, Marian's `--models`). They must
    /// read and write the same text: the same source and target pipelines (fingerprints) and lowercasing.
    ///
    ///     let ensemble = try Translator(contentsOf: ["Models/en-de-1", "Models/en-de-2"])
    public init(contentsOf directories: [String]) throws {
        try OptionsError.require(!directories.isEmpty, "Translator: give at least one model directory")
        let bundles = try directories.map { try TranslationBundle.load($0) }
        let first = bundles[0].config
        try EnsembleMembers.requireSameText(directories, side: "source", fingerprints: bundles.map(\.config.sourcePipeline.fingerprint))
        try EnsembleMembers.requireSameText(directories, side: "target", fingerprints: bundles.map(\.config.targetPipeline.fingerprint))
        for (directory, member) in zip(directories, bundles).dropFirst() {
            if member.config.lowercase != first.lowercase {
                throw BundleError(path: directory, problem: "lowercases its text and \(directories[0]) does not, or the other way round")
            }
        }
        bundle = bundles[0]
        members = bundles
        BLAS.setThreads(1)   // cores go to whole batches (or streams), one BLAS thread each
    }

    /// Loads the model directory at `url`.
    public convenience init(contentsOf url: URL) throws { try self.init(contentsOf: url.path) }

    /// Translates one line with `options` (beam 5 by default) and returns the best text.
    public func translate(_ line: String, options: TranslationOptions = TranslationOptions()) throws -> String {
        try translate([line], options: options)[0].text
    }

    /// Translations of `lines`, in order, one result each. A tokenizer error is a `TextError` whose
    /// `line` is the 1-based index into `lines`; options out of range throw `OptionsError`.
    public func translate(_ lines: [String], options: TranslationOptions = TranslationOptions()) throws -> [TranslationResult] {
        try OptionsError.require(options.beamSize >= 1 && (1...options.beamSize).contains(options.nBest),
                                 "TranslationOptions: need 1 ≤ nBest ≤ beamSize (got nBest \(options.nBest), beamSize \(options.beamSize))")
        try OptionsError.require(options.batchSize >= 1 && options.threads >= 1 && options.maxSourceTokens >= 1,
                                 "TranslationOptions: batchSize, threads and maxSourceTokens must be at least 1")
        try OptionsError.require(options.maxLengthRatio > 0 && options.minLength >= 0 && options.blockNgramRepeat >= 0
                                    && (options.maxLength ?? 1) >= 1,
                                 "TranslationOptions: maxLengthRatio must be positive, maxLength at least 1, minLength and blockNgramRepeat not negative")
        let keepTokens = options.replaceUnknown || options.attention
        var sources: [[Int]] = [], sourceTokens: [[String]] = [], cropped: [Bool] = []
        try lock.withLock {
            for (index, line) in lines.enumerated() {
                do {
                    var ids = try bundle.text.sourceIds(line)
                    var tokens = keepTokens ? try bundle.text.sourceTokens(line) : []
                    cropped.append(ids.count > options.maxSourceTokens)
                    ids = Array(ids.prefix(options.maxSourceTokens))
                    tokens = Array(tokens.prefix(options.maxSourceTokens))
                    sources.append(ids)
                    sourceTokens.append(tokens)
                } catch var error as TextError {
                    error.line = index + 1
                    throw error
                }
            }
        }
        let search = DecodingSearch(beamSize: options.beamSize, nBest: options.nBest, lengthPenalty: options.lengthPenalty,
                                    minLength: options.minLength, blockNgramRepeat: options.blockNgramRepeat)
        try OptionsError.require(members.count == 1 || [.float32, .auto].contains(options.weightPrecision),
                                 "TranslationOptions: \(options.weightPrecision.rawValue) step weights are for a single model, not an ensemble")
        // An ensemble's members step with their float32 weights (`.auto` included).
        let precision = members.count == 1 ? options.weightPrecision.effective : .float32
        var job = TranslationEngine(model: bundle.model, search: search, batchSize: options.batchSize, threads: options.threads,
                                 lengthLimit: OutputLengthLimit(ratio: options.maxLengthRatio, cap: options.maxLength), packed: packedWeights(precision))
        job.ensemble = members.dropFirst().map(\.model)
        let translations = job.run(sources)
        return lock.withLock {
            translations.indices.map { index in
                let hypotheses = translations[index].hypotheses.prefix(options.nBest).map { found in
                    hypothesis(found, source: sourceTokens[index], options: options)
                }
                return TranslationResult(hypotheses: hypotheses, sourceTokens: sourceTokens[index], cropped: cropped[index])
            }
        }
    }

    /// The bfloat16, bfloat16-dot or int8 step weights, packed on first use and kept per precision (the model's
    /// weights never change).
    private func packedWeights(_ precision: WeightPrecision) -> PackedStepWeights? {
        guard precision != .float32 else { return nil }
        return lock.withLock {
            if let kept = packed[precision] { return kept }
            let made = PackedStepWeights(bundle.model, precision: precision)
            packed[precision] = made
            return made
        }
    }

    private func hypothesis(_ candidate: Hypothesis, source: [String], options: TranslationOptions) -> TranslationResult.Hypothesis {
        let text = bundle.text
        var tokens = text.target.vocabulary.decode(candidate.tokens)
        let attention = candidate.attention
        if options.replaceUnknown, !source.isEmpty, let attention {
            // Each <unk> becomes the source token with the largest attention weight at that step.
            let columns = attention.shape[1]
            for (i, id) in candidate.tokens.enumerated() where id == SpecialTokens.unk && i < attention.shape[0] {
                var best = 0
                for s in 0..<min(columns, source.count) where attention[i, s] > attention[i, best] { best = s }
                tokens[i] = source[best]
            }
        }
        let sentence = text.target.detokenize(tokens)
        var rows: [[Float]]? = nil
        if options.attention, let attention {
            let columns = attention.shape[1]
            rows = (0..<tokens.count).map { t in source.indices.map { s in s < columns && t < attention.shape[0] ? attention[t, s] : 0 } }
        }
        return .init(text: sentence, tokens: tokens, score: candidate.score, attention: rows)
    }
}
