// TextProcessor: the whole text pipeline as one object — normalize, tokenize, BPE, vocabulary ids —
// and its on-disk form, a directory holding pipeline.json, bpe.codes (when BPE is used) and
// vocab.txt, as written by `s2s build-vocab`.
import FoundationEssentials
import S2SCore

/// Text in, ids out (and back).
///
///     let text = try TextProcessor(directory: "data/vocab-en")
///     let ids = try text.encode("A dog runs.", addEOS: true)   // [14, 30, 512, 5, 3]
///     text.decode(ids)                                           // "a dog runs."
///     try modelPipeline.check(text.pipeline)                     // refuse a mismatched pipeline
///
/// Not thread-safe (ICU iterator, BPE cache); create one per thread.
public final class TextProcessor {
    public static let pipelineFile = "pipeline.json"
    public static let codesFile = "bpe.codes"
    public static let vocabularyFile = "vocab.txt"

    public let settings: TokenizerSettings
    public let codes: BPECodes?
    public let vocabulary: Vocabulary
    /// The description a model stores and checks.
    public let pipeline: TextPipeline
    private let tokenizer: PipelineTokenizer

    public init(settings: TokenizerSettings, codes: BPECodes?, vocabulary: Vocabulary) throws(TextError) {
        self.settings = settings
        self.codes = codes
        self.vocabulary = vocabulary
        self.pipeline = TextPipeline(settings: settings, codes: codes, vocabulary: vocabulary)
        self.tokenizer = try PipelineTokenizer(settings: settings, codes: codes)
    }

    /// Another instance of the same pipeline, for another thread (each keeps its own tokenizer state).
    public func copy() throws(TextError) -> TextProcessor { try TextProcessor(settings: settings, codes: codes, vocabulary: vocabulary) }

    /// Loads a directory written by `save(directory:)` / `s2s build-vocab`, and checks that
    /// bpe.codes and vocab.txt are the files pipeline.json describes.
    public convenience init(directory: String) throws(TextError) {
        let jsonPath = directory + "/" + Self.pipelineFile
        let stored: TextPipeline
        do {
            stored = try JSONDecoder().decode(TextPipeline.self, from: Data(TextFile.readBytes(jsonPath)))
        } catch let error as TextError {
            throw error
        } catch {
            throw TextError(.malformed, file: jsonPath, "not a text pipeline description: \(error)")
        }
        let codes = stored.bpeMerges > 0 || stored.bpeFingerprint != nil
            ? try BPECodes.load(path: directory + "/" + Self.codesFile) : nil
        let vocabulary = try Vocabulary.load(path: directory + "/" + Self.vocabularyFile)
        try self.init(settings: stored.settings, codes: codes, vocabulary: vocabulary)
        let differences = stored.differences(from: pipeline)
        guard differences.isEmpty else {
            throw TextError(.pipelineMismatch, file: jsonPath,
                            "the files beside it do not match it (\(differences.joined(separator: "; "))); rebuild with s2s build-vocab")
        }
    }

    /// Writes pipeline.json, bpe.codes (if any) and vocab.txt into `directory` (created if needed),
    /// each atomically.
    public func save(directory: String) throws(TextError) {
        try TextFile.makeDirectory(directory)
        if let codes { try codes.save(path: directory + "/" + Self.codesFile) }
        try vocabulary.save(path: directory + "/" + Self.vocabularyFile)
        try TextFile.writeAtomically(pipelineJSON() + "\n", to: directory + "/" + Self.pipelineFile)
    }

    /// pipeline.json's text (pretty-printed, sorted keys).
    public func pipelineJSON() throws(TextError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(pipeline), as: UTF8.self)
        } catch {
            throw TextError(.invalidArgument, "cannot encode the pipeline description: \(error)")
        }
    }

    /// The written tokens of a line: words (with BPE pieces) or grapheme clusters.
    public func tokenize(_ line: String) throws(TextError) -> [String] { try tokenizer.tokenize(line) }

    /// The ids of a line, optionally framed by `<s>` and `</s>`.
    public func encode(_ line: String, addBOS: Bool = false, addEOS: Bool = false) throws(TextError) -> [Int] {
        var ids = vocabulary.encode(try tokenize(line))
        if addBOS { ids.insert(SpecialTokens.bos, at: 0) }
        if addEOS { ids.append(SpecialTokens.eos) }
        return ids
    }

    /// Text for ids: `<pad>`, `<s>` and `</s>` are dropped, unknown ids become `<unk>`, and the tokens
    /// are detokenized.
    /// Written tokens as text (the pipeline's detokenizer).
    public func detokenize<S: Sequence>(_ tokens: S) -> String where S.Element: StringProtocol { tokenizer.detokenize(tokens) }

    public func decode<S: Sequence<Int>>(_ ids: S) -> String {
        tokenizer.detokenize(vocabulary.decode(ids.filter { $0 != SpecialTokens.pad && $0 != SpecialTokens.bos && $0 != SpecialTokens.eos }))
    }
}
