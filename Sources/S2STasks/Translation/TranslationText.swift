// The two text pipelines of a translation model (source and target), built from the training corpus
// and stored in the model bundle as source/ and target/ (pipeline.json, bpe.codes, vocab.txt).
//
// Lowercasing is done here, with Unicode lowercase mapping (Swift's `lowercased()`, as Python's
// `str.lower()` and so sacrebleu's `-lc`), not with the tokenizer's case folding, which turns "ß" into
// "ss": German output would then never match a lowercased reference's "straße".
// BPE is joint: one set of merges learned over both sides' words, separate vocabularies (a smaller
// target vocabulary is a cheaper generator).
import Foundation
import S2SText
import S2STraining

/// How one side's text becomes tokens.
public enum TextUnit: String, Codable, Sendable, CaseIterable {
    case words, characters
}

/// The source and target text pipelines of a translator.
///
///     let text = try TranslationText.load(bundle: "Models/en-de", lowercase: true)
///     let ids = try text.sourceIds("A dog runs.")      // source token ids, no eos
///     text.targetText([57, 12, 4])                     // detokenized target text
///
/// Not thread-safe (its tokenizers keep ICU state): `Translator` serialises its use.
public final class TranslationText {
    static let sourceDirectory = "source", targetDirectory = "target"

    public let source: TextProcessor
    public let target: TextProcessor
    public let lowercase: Bool

    /// Wraps the two sides' pipelines; `lowercase` lowercases every line before tokenization.
    public init(source: TextProcessor, target: TextProcessor, lowercase: Bool) {
        self.source = source; self.target = target; self.lowercase = lowercase
    }

    /// A line as the model sees it (lowercased when the model is).
    public func prepare(_ line: String) -> String { lowercase ? line.lowercased() : line }

    /// The source token ids of `line` (no bos/eos).
    public func sourceIds(_ line: String) throws -> [Int] { try source.encode(prepare(line)) }
    /// The target token ids of `line` (no bos/eos), for training pairs and references.
    public func targetIds(_ line: String) throws -> [Int] { try target.encode(prepare(line)) }
    /// Target ids as detokenized text (`<pad>`, `<s>`, `</s>` dropped).
    public func targetText(_ ids: [Int]) -> String { target.decode(ids) }
    /// The source tokens of a line (for --replace-unk and attention plots).
    public func sourceTokens(_ line: String) throws -> [String] { try source.tokenize(prepare(line)) }

    /// Another instance of the same pipelines, for another thread (each keeps its own tokenizer state).
    public func copy() throws -> TranslationText {
        TranslationText(source: try source.copy(), target: try target.copy(), lowercase: lowercase)
    }

    /// Writes both pipelines into `directory`/source and `directory`/target.
    public func save(bundle directory: String) throws {
        try source.save(directory: directory + "/" + Self.sourceDirectory)
        try target.save(directory: directory + "/" + Self.targetDirectory)
    }

    /// Reads both pipelines from a model directory (see `save(bundle:)`).
    public static func load(bundle directory: String, lowercase: Bool) throws -> TranslationText {
        TranslationText(source: try TextProcessor(directory: directory + "/" + sourceDirectory),
                        target: try TextProcessor(directory: directory + "/" + targetDirectory), lowercase: lowercase)
    }

    /// Settings for one side. Whitespace runs are plain token boundaries (a double space is noise in
    /// a translation corpus, not something to reproduce).
    static func settings(_ unit: TextUnit) -> TokenizerSettings {
        TokenizerSettings(unit: unit == .words ? .words : .characters, collapseWhitespace: true)
    }

    /// Builds both pipelines from training pairs (lines as read, before lowercasing).
    public static func build(pairs: [(source: String, target: String)], sourceUnit: TextUnit, targetUnit: TextUnit,
                      lowercase: Bool, bpeMerges: Int, minCount: Int, sourceVocabularySize: Int,
                      targetVocabularySize: Int) throws -> TranslationText {
        try build(sourceUnit: sourceUnit, targetUnit: targetUnit, lowercase: lowercase, bpeMerges: bpeMerges, minCount: minCount,
                  sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize) { add in
            for pair in pairs { try add(pair.source, pair.target) }
        }
    }

    /// The same, streaming the training pairs from two line-aligned files (as training reads them): memory
    /// grows with the distinct tokens, not with the lines. `threads` workers count blocks of pairs, each
    /// with its own tokenizers, and their counts are summed: the pipelines do not depend on `threads`.
    public static func build(source: String, target: String, sourceUnit: TextUnit, targetUnit: TextUnit,
                             lowercase: Bool, bpeMerges: Int, minCount: Int, sourceVocabularySize: Int,
                             targetVocabularySize: Int, threads: Int = 1,
                             progress: @escaping (PreparationProgress) -> Void = { _ in }) throws -> TranslationText {
        let counts = try PipelineCounts(workers: threads, sides: [try PipelineBuilder(settings: settings(sourceUnit)),
                                                                  try PipelineBuilder(settings: settings(targetUnit))])
        let reader = try ParallelReader(source: source, target: target, options: .trainingData)
        let phase = PreparationPhase("counting tokens", totalLines: reader.totalLines, report: progress)
        try ParallelBlocks.run(threads: counts.count, next: { try reader.next() }, work: { worker, pairs -> [Void] in
            for (s, t) in pairs {
                do throws(TextError) { try counts.add(lowercase ? s.text.lowercased() : s.text, side: 0, worker: worker) } catch { throw error.at(source, line: s.number) }
                do throws(TextError) { try counts.add(lowercase ? t.text.lowercased() : t.text, side: 1, worker: worker) } catch { throw error.at(target, line: t.number) }
            }
            return []
        }, consume: { _ in }, progress: { _ in phase.update(lines: reader.statistics.lines) })
        let merged = counts.merged()
        return try build(sourceUnit: sourceUnit, targetUnit: targetUnit, lowercase: lowercase, bpeMerges: bpeMerges, minCount: minCount,
                         sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize,
                         counted: (merged[0], merged[1]))
    }

    /// `pairs` hands every training pair to `add`; token counts are all that is kept of them.
    private static func build(sourceUnit: TextUnit, targetUnit: TextUnit, lowercase: Bool, bpeMerges: Int, minCount: Int,
                              sourceVocabularySize: Int, targetVocabularySize: Int,
                              pairs: ((String, String) throws -> Void) throws -> Void) throws -> TranslationText {
        func prepare(_ line: String) -> String { lowercase ? line.lowercased() : line }
        var sourceBuilder = try PipelineBuilder(settings: settings(sourceUnit))
        var targetBuilder = try PipelineBuilder(settings: settings(targetUnit))
        try pairs { source, target in
            try sourceBuilder.add(prepare(source))
            try targetBuilder.add(prepare(target))
        }
        return try build(sourceUnit: sourceUnit, targetUnit: targetUnit, lowercase: lowercase, bpeMerges: bpeMerges, minCount: minCount,
                         sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize,
                         counted: (sourceBuilder, targetBuilder))
    }

    /// The pipelines from both sides' token counts: joint BPE merges over the word sides, then each side's
    /// vocabulary of the BPE pieces.
    private static func build(sourceUnit: TextUnit, targetUnit: TextUnit, lowercase: Bool, bpeMerges: Int, minCount: Int,
                              sourceVocabularySize: Int, targetVocabularySize: Int,
                              counted: (source: PipelineBuilder, target: PipelineBuilder)) throws -> TranslationText {
        let (sourceBuilder, targetBuilder) = counted
        let bpeSides = [(sourceUnit, sourceBuilder), (targetUnit, targetBuilder)].filter { $0.0 == .words }.map(\.1)
        guard bpeMerges > 0, !bpeSides.isEmpty else {
            return TranslationText(source: try sourceBuilder.build(minCount: minCount, maxSize: sourceVocabularySize),
                                   target: try targetBuilder.build(minCount: minCount, maxSize: targetVocabularySize),
                                   lowercase: lowercase)
        }
        // Joint merges over the word sides.
        var words: [String: Int] = [:]
        for builder in bpeSides {
            for (token, count) in builder.tokenCounts where isBPEEligible(token) {
                words[String(TokenMarkup.split(token).text), default: 0] += count
            }
        }
        let codes = BPECodes.learn(counts: words, merges: bpeMerges)
        func processor(_ builder: PipelineBuilder, unit: TextUnit, maxSize: Int) throws -> TextProcessor {
            guard unit == .words else { return try builder.build(minCount: minCount, maxSize: maxSize) }
            let encoder = BPEEncoder(codes: codes)
            var vocabulary = VocabularyBuilder()
            for (token, count) in builder.tokenCounts {
                for piece in encoder.apply([token]) { vocabulary.add(piece, count: count) }
            }
            return try TextProcessor(settings: builder.settings, codes: codes,
                                     vocabulary: try vocabulary.build(minCount: minCount, maxSize: maxSize))
        }
        return TranslationText(source: try processor(sourceBuilder, unit: sourceUnit, maxSize: sourceVocabularySize),
                               target: try processor(targetBuilder, unit: targetUnit, maxSize: targetVocabularySize),
                               lowercase: lowercase)
    }

    /// Tokens BPE applies to (as PipelineBuilder decides): not whitespace, not reserved, with text.
    private static func isBPEEligible(_ token: String) -> Bool {
        !TokenMarkup.isWhitespaceToken(token) && !TokenMarkup.reserved.contains(token) && !TokenMarkup.split(token).text.isEmpty
    }
}
