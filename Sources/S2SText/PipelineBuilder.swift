// PipelineBuilder: builds a whole text pipeline from a corpus, as `s2s build-vocab` does: counts the
// tokenizer's tokens line by line, learns BPE over the token types (joint over every line added),
// re-counts the BPE pieces, and builds the vocabulary. Memory grows with the number of distinct
// tokens, not with the corpus.

/// Builds a `TextProcessor` (settings + BPE codes + vocabulary) from lines.
///
///     var builder = try PipelineBuilder(settings: TokenizerSettings(lowercase: true), bpeMerges: 8000)
///     while let line = try reader.next() { try builder.add(line.text) }
///     let text = try builder.build(minCount: 2, maxSize: 10_000)
///     try text.save(directory: "data/vocab")
public struct PipelineBuilder {
    public let settings: TokenizerSettings
    /// 0 for no BPE.
    public let bpeMerges: Int
    /// Written token -> count, before BPE.
    public private(set) var tokenCounts: [String: Int] = [:]
    /// Lines added.
    public private(set) var lines = 0
    private let tokenizer: PipelineTokenizer

    public init(settings: TokenizerSettings, bpeMerges: Int = 0) throws(TextError) {
        guard bpeMerges >= 0 else { throw TextError(.invalidArgument, "the number of BPE merges cannot be negative") }
        if settings.unit == .characters && bpeMerges > 0 {
            throw TextError(.invalidArgument, "BPE applies to word tokens; it cannot be combined with character tokens")
        }
        self.settings = settings
        self.bpeMerges = bpeMerges
        self.tokenizer = try PipelineTokenizer(settings: settings)
    }

    /// Tokenizes and counts one line.
    public mutating func add(_ line: String) throws(TextError) {
        lines += 1
        for token in try tokenizer.tokenize(line) { tokenCounts[token, default: 0] += 1 }
    }

    /// Adds another builder's counts (of other lines, with the same settings): several builders can count
    /// parts of a corpus on several threads and give the counts one builder would have.
    public mutating func merge(_ other: PipelineBuilder) {
        precondition(other.settings == settings && other.bpeMerges == bpeMerges, "PipelineBuilder.merge: different settings")
        lines += other.lines
        tokenCounts.merge(other.tokenCounts, uniquingKeysWith: +)
    }

    /// Learns the BPE codes (if asked), counts the final tokens and builds the vocabulary.
    public func build(minCount: Int = 1, maxSize: Int = 0) throws(TextError) -> TextProcessor {
        var codes: BPECodes? = nil
        var final = VocabularyBuilder()
        if bpeMerges > 0 {
            var wordCounts: [String: Int] = [:]
            for (token, count) in tokenCounts where Self.isBPEEligible(token) {
                wordCounts[String(TokenMarkup.split(token).text), default: 0] += count
            }
            let learned = BPECodes.learn(counts: wordCounts, merges: bpeMerges)
            let encoder = BPEEncoder(codes: learned)
            for (token, count) in tokenCounts {
                for piece in encoder.apply([token]) { final.add(piece, count: count) }
            }
            codes = learned
        } else {
            for (token, count) in tokenCounts { final.add(token, count: count) }
        }
        let vocabulary = try final.build(minCount: minCount, maxSize: maxSize)
        return try TextProcessor(settings: settings, codes: codes, vocabulary: vocabulary)
    }

    private static func isBPEEligible(_ token: String) -> Bool {
        !TokenMarkup.isWhitespaceToken(token) && !TokenMarkup.reserved.contains(token) && !TokenMarkup.split(token).text.isEmpty
    }
}
