// A translator's training pairs as a prepared corpus (S2STraining/Prepared): the text files encoded once
// with the model's two pipelines into token-id files that training maps instead of holding every line
// as Strings and again as arrays of ids. A job prepares into a cache (its model directory's data/) and
// reuses it while the files, the pipelines and the settings are those it was made with, so a resume
// does not read or encode the text again.
import Foundation
import S2SModels
import S2SText
import S2STraining

/// Training pairs, memory-mapped: ids (no bos/eos), the lengths the batcher sorts by, and batches.
///
///     let pairs = try PreparedPairs.prepare(source: "train.en", target: "train.de", text: text,
///                                           maxLength: 100, into: "Models/en-de/data")
///     let batch = pairs.batch([0, 1, 2])   // a TranslationBatch of three pairs
public final class PreparedPairs: @unchecked Sendable {
    public let corpus: PreparedCorpus
    /// The length the batcher sorts and counts by: the longer side (target + eos). 4 bytes a pair.
    public let lengths: [UInt32]

    public var count: Int { corpus.count }
    /// Pairs left out because a side had more tokens than the length limit.
    public var tooLong: Int { corpus.manifest.statistics["tooLong"] ?? 0 }
    /// What the reader counted (lines, used, skipped by reason).
    public var statistics: [String: Int] { corpus.manifest.statistics }

    init(corpus: PreparedCorpus) {
        self.corpus = corpus
        // Read a million pairs' offsets at a time and give their pages back: 16 bytes a pair of index would
        // otherwise stay resident (320 MB at 20 million pairs) for 4 bytes of lengths.
        var lengths: [UInt32] = []
        lengths.reserveCapacity(corpus.count)
        for start in stride(from: 0, to: corpus.count, by: 1 << 20) {
            for i in start..<min(corpus.count, start + 1 << 20) {
                lengths.append(UInt32(max(corpus.length(side: 0, i), corpus.length(side: 1, i) + 1)))
            }
            corpus.release()
        }
        self.lengths = lengths
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
    func readStatistics(_ files: TranslationTrainingJob.Files) -> ReadStatistics {
        var statistics = ReadStatistics(source: files.trainSource + " + " + files.trainTarget)
        statistics.lines = self.statistics["lines"] ?? 0
        statistics.used = (self.statistics["used"] ?? 0) + tooLong
        statistics.empty = self.statistics["empty"] ?? 0
        statistics.overlong = self.statistics["overlong"] ?? 0
        statistics.invalidSkipped = self.statistics["invalidSkipped"] ?? 0
        statistics.invalidReplaced = self.statistics["invalidReplaced"] ?? 0
        return statistics
    }

    /// What identifies the pairs (for the ranks of a distributed run to compare): counts and checksums.
    public var fingerprint: String {
        corpus.manifest.sides.map { "\($0.name) \($0.tokens) tokens crc \($0.idsCRC32C)/\($0.offsetsCRC32C)" }
            .joined(separator: "; ") + "; \(count) pairs"
    }

    /// The prepared pairs of two line-aligned files in `directory`: reused when they were prepared from
    /// these files, unchanged, with these pipelines and settings; prepared again (replacing them) otherwise.
    /// Pairs are read as training reads text (empty and over-long lines skipped and counted), encoded,
    /// and left out when a side has more than `maxLength` tokens.
    public static func prepare(source: String, target: String, text: TranslationText, maxLength: Int, into directory: String,
                               log: (String) -> Void = { _ in }) throws -> PreparedPairs {
        let settings = ["lowercase": "\(text.lowercase)", "maxLength": "\(maxLength)"]
        let pipelines = ["source": text.source.pipeline.fingerprint, "target": text.target.pipeline.fingerprint]
        if FileManager.default.fileExists(atPath: directory + "/" + PreparedCorpus.manifestName) {
            do {
                let corpus = try PreparedCorpus.open(directory)
                try corpus.requirePipelines(pipelines)
                try corpus.requireInputs([source, target])
                guard corpus.manifest.settings == settings else {
                    throw PreparedCorpusError(file: directory, "prepared with \(corpus.manifest.settings), not \(settings)")
                }
                log("training pairs: the prepared corpus in \(directory) (\(corpus.count) pairs)")
                return PreparedPairs(corpus: corpus)
            } catch let error as PreparedCorpusError {
                log("preparing the training pairs again: \(error)")
            }
        }
        let inputs = [try InputFile.of(source), try InputFile.of(target)]
        let writer = try PreparedCorpusWriter(directory: directory, sides: [("source", text.source.vocabulary.count),
                                                                            ("target", text.target.vocabulary.count)])
        let reader = try ParallelReader(source: source, target: target, options: .trainingData)
        var tooLong = 0
        while let (s, t) = try reader.next() {
            let sourceIds = try text.sourceIds(s.text), targetIds = try text.targetIds(t.text)
            if sourceIds.count > maxLength || targetIds.count > maxLength { tooLong += 1; continue }
            try writer.append([sourceIds, targetIds])
        }
        let read = reader.statistics
        try writer.finish(pipelines: [pipelines["source"]!, pipelines["target"]!], inputs: inputs, settings: settings,
                          statistics: ["lines": read.lines, "used": read.used - tooLong, "empty": read.empty, "overlong": read.overlong,
                                       "invalidSkipped": read.invalidSkipped, "invalidReplaced": read.invalidReplaced, "tooLong": tooLong])
        log("training pairs: prepared \(writer.written) pairs into \(directory)")
        // Just written and checksummed as it went: the sizes are checked, the bytes are not read again.
        return PreparedPairs(corpus: try PreparedCorpus.open(directory, verify: false))
    }
}
