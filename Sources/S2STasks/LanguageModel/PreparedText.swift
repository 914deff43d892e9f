// A language model's training text as a prepared corpus (S2STraining/Prepared): one side, "text", one
// sequence per line (its ids and `</s>`, empty lines too), so the ids file read end to end is exactly the
// token sequence `LanguageModelData` would hold — 2 bytes a token on disk, mapped, instead of 8 in memory.
// A job prepares into a cache (its model directory's data/, or a --data-cache directory) and reuses it
// while the file, the pipeline and its settings are those it was made with.
import Foundation
import S2SModels
import S2SText
import S2STraining

/// A language model's training text, memory-mapped.
///
///     let text = try PreparedText.prepare(path: "big.txt", processor: processor, into: "Models/lm/data")
///     let data = try BPTTBatches(sequence: text.tokens, batchSize: 16, bptt: 128, seed: 1)
public final class PreparedText: @unchecked Sendable {
    public let corpus: PreparedCorpus
    /// Every line's ids, each ended by `SpecialTokens.eos`, one after another.
    public let tokens: TokenSequence
    /// Lines read.
    public var lines: Int { corpus.manifest.statistics["lines"] ?? 0 }

    init(corpus: PreparedCorpus) {
        self.corpus = corpus
        let (bytes, tokenBytes) = corpus.allIds(side: 0)
        tokens = TokenSequence(littleEndian: bytes, tokenBytes: tokenBytes, owner: corpus)
    }

    /// What identifies the text (for the ranks of a distributed run to compare): counts and checksums.
    public var fingerprint: String {
        let side = corpus.manifest.sides[0]
        return "\(side.tokens) tokens crc \(side.idsCRC32C)/\(side.offsetsCRC32C); \(lines) lines"
    }

    /// The prepared text of `path` in `directory`: reused when it was prepared from this file, unchanged,
    /// with this pipeline; prepared again (replacing it) otherwise. Lines are encoded by `threads` workers
    /// (each with its own copy of the pipeline; the result does not depend on how many) and written with
    /// the pipeline beside them. `textSettings` records how the pipeline was built, for `cached(…)`.
    public static func prepare(path: String, processor: TextProcessor, threads: Int = 1, into directory: String,
                               textSettings: [String: String] = [:], log: (String) -> Void = { _ in },
                               progress: @escaping (PreparationProgress) -> Void = { _ in }) throws -> PreparedText {
        let fingerprint = processor.pipeline.fingerprint
        if let reused = try PreparedData.reuse(directory, inputs: [path], settings: [:], what: "the training text", log: log, { corpus in
            try corpus.requirePipelines([side: fingerprint])
            return PreparedText(corpus: corpus)
        }) {
            log("training text: the prepared corpus in \(directory) (\(reused.tokens.count) tokens)")
            return reused
        }
        let input = try InputFile.of(path)
        let writer = try PreparedCorpusWriter(directory: directory, sides: [(side, processor.vocabulary.count)])
        let reader = try LineReader(path: path, options: ReadOptions(skipEmpty: false))
        let encoders = try (0..<max(1, threads)).map { $0 == 0 ? processor : try processor.copy() }
        let phase = PreparationPhase("encoding", totalLines: try LineReader.total(path), report: progress)
        try ParallelBlocks.run(threads: encoders.count, next: { try reader.next() }, work: { (worker, lines: ArraySlice<Line>) in
            try lines.map { line in
                do throws(TextError) { return try encoders[worker].encode(line.text, addEOS: true) } catch {
                    throw error.at(path, line: line.number)
                }
            }
        }, consume: { try writer.append([$0]) }, progress: { phase.update(lines: $0) })
        try writer.finish(pipelines: [fingerprint], inputs: [input], settings: textSettings,
                          statistics: ["lines": writer.written, "invalidReplaced": reader.statistics.invalidReplaced]) {
            try PreparedData.save([(side, processor)], into: $0)
        }
        log("training text: prepared \(phase.summary(writer.written, "lines")) into \(directory) with \(encoders.count) thread(s)")
        return PreparedText(corpus: try PreparedCorpus.open(directory, verify: .sizes))
    }

    /// The pipeline and text prepared in `directory` when they were made from this file, unchanged, with a
    /// pipeline built with `textSettings` (a new run then learns nothing again); nil, with the reason
    /// logged, otherwise.
    public static func cached(path: String, textSettings: [String: String], in directory: String,
                              log: (String) -> Void = { _ in }) throws -> (processor: TextProcessor, prepared: PreparedText)? {
        let reused = try PreparedData.reuse(directory, inputs: [path], settings: textSettings, what: "the training text", log: log) { corpus in
            (processor: try PreparedData.pipeline(in: corpus, side: side), prepared: PreparedText(corpus: corpus))
        }
        if let reused { log("text pipeline and training text: the prepared corpus in \(directory) (\(reused.prepared.tokens.count) tokens)") }
        return reused
    }

    /// The one side's name.
    static let side = "text"

    /// Gives back the mapped pages read so far (they stay in the page cache).
    public func release() { corpus.release() }
}
