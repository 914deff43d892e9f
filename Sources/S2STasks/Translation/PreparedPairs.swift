// A translator's training pairs as a prepared corpus (S2STraining/Prepared): the text files encoded once
// with the model's two pipelines into token-id files that training maps instead of holding every line
// as Strings and again as arrays of ids. A job prepares into a cache (its model directory's data/, or a
// --data-cache directory) and reuses it while the files, the pipelines and the settings are those it was
// made with, so a resume does not read or encode the text again.
import Foundation
import S2SModels
import S2SText
import S2STraining

/// Training pairs, memory-mapped: ids (no bos/eos), the lengths the batcher sorts by, and batches.
///
///     let pairs = try PreparedPairs.prepare(source: "train.en", target: "train.de", text: text,
///                                           filters: PairFilters(maxLength: 100), into: "Models/en-de/data")
///     let batch = pairs.batch([0, 1, 2])   // a TranslationBatch of three pairs
public final class PreparedPairs: @unchecked Sendable {
    public let corpus: PreparedCorpus
    /// The length the batcher sorts and counts by: the longer side (target + eos), 2 bytes a pair (a
    /// length past 65,535, which `--max-length` would have to allow, counts as 65,535).
    public let lengths: [UInt16]

    public var count: Int { corpus.count }
    /// Pairs left out because a side had more tokens than the length limit.
    public var tooLong: Int { corpus.manifest.statistics["tooLong"] ?? 0 }
    /// Pairs left out by `--max-length-ratio` and `--dedup`.
    public var lengthRatio: Int { corpus.manifest.statistics["lengthRatio"] ?? 0 }
    public var duplicates: Int { corpus.manifest.statistics["duplicates"] ?? 0 }
    /// What the reader counted (lines, used, skipped by reason).
    public var statistics: [String: Int] { corpus.manifest.statistics }

    init(corpus: PreparedCorpus) {
        self.corpus = corpus
        lengths = corpus.lengths { max(corpus.length(side: 0, $0), corpus.length(side: 1, $0) + 1) }
    }

    /// The pairs at `indices` as one training batch. The corpus's mapped pages are given back after each
    /// one: a batch reads pairs from all over the files, and the pages it faulted in stayed resident (35 MB
    /// a batch on 20 million pairs, measured), so a long run would otherwise hold the whole corpus. They
    /// stay in the page cache: reading them again costs no disk.
    public func batch(_ indices: [Int]) -> TranslationBatch {
        let batch = TranslationBatch(source: indices.map { corpus.ids(side: 0, $0) }, target: indices.map { corpus.ids(side: 1, $0) })
        corpus.release()
        return batch
    }

    /// The reader's counts as the text path printed them ("train.en + train.de: 29000 lines, 29000 used").
    public func readStatistics(source: String, target: String) -> ReadStatistics {
        var statistics = ReadStatistics(source: source + " + " + target)
        statistics.lines = self.statistics["lines"] ?? 0
        statistics.used = (self.statistics["used"] ?? 0) + tooLong + lengthRatio + duplicates
        statistics.empty = self.statistics["empty"] ?? 0
        statistics.overlong = self.statistics["overlong"] ?? 0
        statistics.invalidSkipped = self.statistics["invalidSkipped"] ?? 0
        statistics.invalidReplaced = self.statistics["invalidReplaced"] ?? 0
        return statistics
    }

    /// One log line per filter that left pairs out ("skipped 12 training pairs longer than 100 tokens").
    public func skipped(by filters: PairFilters) -> [String] {
        [(tooLong, "longer than \(filters.maxLength) tokens"),
         (lengthRatio, "with a length ratio above \(filters.maxLengthRatio.map { "\($0)" } ?? "-")"),
         (duplicates, "that repeat an earlier pair")].filter { $0.0 > 0 }.map { "skipped \($0.0) training pairs \($0.1)" }
    }

    /// What identifies the pairs (for the ranks of a distributed run to compare): counts and checksums.
    public var fingerprint: String {
        corpus.manifest.sides.map { "\($0.name) \($0.tokens) tokens crc \($0.idsCRC32C)/\($0.offsetsCRC32C)" }
            .joined(separator: "; ") + "; \(count) pairs"
    }

    /// The prepared pairs of two line-aligned files in `directory`: reused when they were prepared from
    /// these files, unchanged, with these pipelines and filters; prepared again (replacing them) otherwise.
    /// Pairs are read as training reads text (empty and over-long lines skipped and counted), encoded by
    /// `threads` workers (each with its own copy of the pipelines; the result does not depend on how
    /// many), filtered, and written with the pipelines beside them (`PreparedCorpus.pipelineDirectory`).
    /// `textSettings` records how the pipelines were built, for `cached(…)` to reuse them.
    public static func prepare(source: String, target: String, text: TranslationText, filters: PairFilters, threads: Int = 1,
                               into directory: String, textSettings: [String: String] = [:],
                               log: (String) -> Void = { _ in },
                               progress: @escaping (PreparationProgress) -> Void = { _ in }) throws -> PreparedPairs {
        let pipelines = ["source": text.source.pipeline.fingerprint, "target": text.target.pipeline.fingerprint]
        if let reused = try PreparedData.reuse(directory, inputs: [source, target], settings: filters.settings(lowercase: text.lowercase),
                                               what: "the training pairs", log: log, { corpus in
            try corpus.requirePipelines(pipelines)
            return PreparedPairs(corpus: corpus)
        }) {
            log("training pairs: the prepared corpus in \(directory) (\(reused.count) pairs)")
            return reused
        }
        let inputs = [try InputFile.of(source), try InputFile.of(target)]
        let writer = try PreparedCorpusWriter(directory: directory, sides: [("source", text.source.vocabulary.count),
                                                                            ("target", text.target.vocabulary.count)])
        let reader = try ParallelReader(source: source, target: target, options: .trainingData)
        let encoders = try (0..<max(1, threads)).map { $0 == 0 ? text : try text.copy() }
        var counts = FilterCounts()
        var seen = filters.dedup ? DuplicateFilter(expected: reader.totalLines ?? 1 << 20) : nil
        let phase = PreparationPhase("encoding", totalLines: reader.totalLines, report: progress)
        try ParallelBlocks.run(threads: encoders.count, next: { try reader.next() }, work: { worker, pairs in
            try pairs.map { s, t in
                let sourceIds: [Int], targetIds: [Int]
                do throws(TextError) { sourceIds = try encoders[worker].source.encode(encoders[worker].prepare(s.text)) } catch { throw error.at(source, line: s.number) }
                do throws(TextError) { targetIds = try encoders[worker].target.encode(encoders[worker].prepare(t.text)) } catch { throw error.at(target, line: t.number) }
                return [sourceIds, targetIds]
            }
        }, consume: { pair in
            if let reason = filters.rejection(source: pair[0], target: pair[1]) { counts.add(reason); return }
            if seen != nil, !seen!.insert(pair) { counts.duplicates += 1; return }
            try writer.append(pair)
        }, progress: { _ in phase.update(lines: reader.statistics.lines) })
        let read = reader.statistics
        try writer.finish(pipelines: [pipelines["source"]!, pipelines["target"]!], inputs: inputs,
                          settings: filters.settings(lowercase: text.lowercase).merging(textSettings) { a, _ in a },
                          statistics: ["lines": read.lines, "used": writer.written, "empty": read.empty, "overlong": read.overlong,
                                       "invalidSkipped": read.invalidSkipped, "invalidReplaced": read.invalidReplaced,
                                       "tooLong": counts.tooLong, "lengthRatio": counts.lengthRatio, "duplicates": counts.duplicates]) {
            try PreparedData.save([("source", text.source), ("target", text.target)], into: $0)
        }
        log("training pairs: prepared \(writer.written) into \(directory) from \(phase.summary(read.lines, "lines")) with \(encoders.count) thread(s)")
        // Just written and checksummed as it went: the sizes are checked, the bytes are not read again.
        return PreparedPairs(corpus: try PreparedCorpus.open(directory, verify: .sizes))
    }

    /// The pipelines and pairs prepared in `directory` when they were made from these files, unchanged,
    /// with these filters and pipelines built with `textSettings` (a new run then learns nothing again);
    /// nil, with the reason logged, otherwise.
    public static func cached(source: String, target: String, filters: PairFilters, lowercase: Bool, textSettings: [String: String],
                              in directory: String, log: (String) -> Void = { _ in }) throws -> (text: TranslationText, pairs: PreparedPairs)? {
        let settings = filters.settings(lowercase: lowercase).merging(textSettings) { a, _ in a }
        let reused = try PreparedData.reuse(directory, inputs: [source, target], settings: settings, what: "the training data", log: log) { corpus in
            (text: TranslationText(source: try PreparedData.pipeline(in: corpus, side: "source"),
                             target: try PreparedData.pipeline(in: corpus, side: "target"), lowercase: lowercase), pairs: PreparedPairs(corpus: corpus))
        }
        if let reused { log("text pipelines and training pairs: the prepared corpus in \(directory) (\(reused.pairs.count) pairs)") }
        return reused
    }
}

/// What leaves a training pair out after encoding (OpenNMT-py's filters, Moses' clean-corpus): a side
/// longer than `maxLength` tokens, a length ratio above `maxLengthRatio`, an exact duplicate of an
/// earlier pair (`dedup`). Lengths are in the model's tokens (after BPE).
public struct PairFilters: Sendable, Equatable {
    public var maxLength: Int
    /// The longer side's tokens over the shorter's; nil: no limit.
    public var maxLengthRatio: Double?
    public var dedup: Bool

    public init(maxLength: Int, maxLengthRatio: Double? = nil, dedup: Bool = false) {
        self.maxLength = maxLength; self.maxLengthRatio = maxLengthRatio; self.dedup = dedup
    }

    enum Rejection { case tooLong, lengthRatio }

    func rejection(source: [Int], target: [Int]) -> Rejection? {
        if source.count > maxLength || target.count > maxLength { return .tooLong }
        if let ratio = maxLengthRatio,
           Double(max(source.count, target.count)) > ratio * Double(max(1, min(source.count, target.count))) { return .lengthRatio }
        return nil
    }

    /// As the manifest records them (with the lowercasing, which also decides the ids).
    func settings(lowercase: Bool) -> [String: String] {
        ["lowercase": "\(lowercase)", "maxLength": "\(maxLength)", "maxLengthRatio": maxLengthRatio.map { "\($0)" } ?? "none",
         "dedup": "\(dedup)"]
    }
}

/// Pairs left out, by reason.
private struct FilterCounts {
    var tooLong = 0, lengthRatio = 0, duplicates = 0
    mutating func add(_ reason: PairFilters.Rejection) {
        switch reason {
        case .tooLong: tooLong += 1
        case .lengthRatio: lengthRatio += 1
        }
    }
}
