// A classifier's training examples as a prepared corpus (S2STraining/Prepared): two sides, "text" (each
// example's token ids) and "label" (one id: the label's index in the model's labels), so a labelled file
// of millions of lines trains in memory bounded by its index (2 bytes an example of lengths) instead of
// holding every line as a String and again as ids. A job prepares into a cache (its model directory's
// data/, or a --data-cache directory) and reuses it while the file, the pipeline, the labels and the
// settings are those it was made with.
import Foundation
import S2SModels
import S2SText
import S2STraining

/// A labelled file's examples, memory-mapped.
///
///     let examples = try PreparedExamples.prepare(path: "train.tsv", format: .auto, labels: ["negative", "positive"],
///                                                 processor: text, into: "Models/airline/data")
///     let batch = examples.batch([0, 1, 2])   // a ClassificationBatch of three examples
public final class PreparedExamples: @unchecked Sendable {
    public let corpus: PreparedCorpus
    /// Each example's length as the batcher sorts by it (at least 1; past 65,535 counts as 65,535: lines
    /// are at most 64 KiB). 2 bytes an example.
    public let lengths: [UInt16]
    public var count: Int { corpus.count }

    init(corpus: PreparedCorpus) {
        self.corpus = corpus
        lengths = corpus.lengths { max(1, corpus.length(side: 0, $0)) }
    }

    /// The examples at `rows` as one training batch (the mapped pages read are given back after it).
    public func batch(_ rows: [Int]) -> ClassificationBatch {
        let batch = ClassificationBatch(sequences: rows.map { corpus.ids(side: 0, $0) }, labels: rows.map { corpus.ids(side: 1, $0)[0] })
        corpus.release()
        return batch
    }

    /// Examples per label, in the model's label order.
    public func labelCounts(_ labels: [String]) -> [Int] { labels.map { corpus.manifest.statistics[Self.labelKey($0)] ?? 0 } }

    /// What identifies the examples (for the ranks of a distributed run to compare): counts and checksums.
    public var fingerprint: String {
        corpus.manifest.sides.map { "\($0.name) \($0.tokens) tokens crc \($0.idsCRC32C)/\($0.offsetsCRC32C)" }.joined(separator: "; ")
    }

    /// The reader's line as the in-memory path printed it: "train.tsv: 11712 lines, 11712 used; 9178 examples"
    /// (with the lines of other labels dropped, by label).
    public func summary(path: String) -> String {
        let recorded = corpus.manifest.statistics
        var text = "\(ReadStatistics(source: path, recorded: recorded))"
        let dropped = recorded.filter { $0.key.hasPrefix(Self.droppedPrefix) }
            .map { (label: String($0.key.dropFirst(Self.droppedPrefix.count)), count: $0.value) }.sorted { $0.label < $1.label }
        if !dropped.isEmpty {
            text += "; dropped \(dropped.reduce(0) { $0 + $1.count }) lines with other labels (\(dropped.map { "\($0.count) \($0.label)" }.joined(separator: ", ")))"
        }
        return text + "; \(count) examples"
    }

    /// The prepared examples of `path` in `directory`: reused when they were prepared from this file,
    /// unchanged, with this pipeline and these labels; prepared again (replacing them) otherwise. Lines
    /// of labels not in `labels` are dropped and counted; lines are encoded by `threads` workers (each with
    /// its own copy of the pipeline; the result does not depend on how many); the pipeline is kept beside
    /// them. `textSettings` records how the pipeline was built, for `cached(…)`.
    public static func prepare(path: String, format: LabelledFormat, labels: [String], processor: TextProcessor, threads: Int = 1,
                               into directory: String, textSettings: [String: String] = [:], log: (String) -> Void = { _ in },
                               progress: @escaping (PreparationProgress) -> Void = { _ in }) throws -> PreparedExamples {
        let fingerprint = processor.pipeline.fingerprint
        let settings = ["format": format.rawValue, "labels": labels.joined(separator: "\t")]
        if let reused = try PreparedData.reuse(directory, inputs: [path], settings: settings, what: "the training examples", log: log, { corpus in
            try corpus.requirePipelines(["text": fingerprint])
            return PreparedExamples(corpus: corpus)
        }) {
            log("training examples: the prepared corpus in \(directory) (\(reused.count) examples)")
            return reused
        }
        let input = try InputFile.of(path)
        let writer = try PreparedCorpusWriter(directory: directory, sides: [("text", processor.vocabulary.count), ("label", labels.count)])
        let reader = try LabelledReader(path: path, format: try ClassificationData.resolve(format, path: path), options: .trainingData)
        let labelIDs = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let encoders = try (0..<max(1, threads)).map { $0 == 0 ? processor : try processor.copy() }
        var counts: [String: Int] = [:]
        let phase = PreparationPhase("encoding", totalLines: try LineReader.total(path), report: progress)
        try ParallelBlocks.run(threads: encoders.count, next: { try reader.next() }, work: { (worker, lines: ArraySlice<LabelledLine>) in
            try lines.map { line -> (label: String, ids: [Int]?) in
                guard labelIDs[line.label] != nil else { return (line.label, nil) }
                do throws(TextError) { return (line.label, try encoders[worker].encode(line.text)) } catch {
                    throw error.at(path, line: line.number)
                }
            }
        }, consume: { example in
            guard let ids = example.ids else { counts[droppedPrefix + example.label, default: 0] += 1; return }
            counts[labelKey(example.label), default: 0] += 1
            try writer.append([ids, [labelIDs[example.label]!]])
        }, progress: { phase.update(lines: $0) })
        try writer.finish(pipelines: [fingerprint, "labels"], inputs: [input], settings: settings.merging(textSettings) { a, _ in a },
                          statistics: reader.statistics.recorded.merging(counts) { a, _ in a }) {
            try PreparedData.save([("text", processor)], into: $0)
        }
        log("training examples: prepared \(writer.written) into \(directory) from \(phase.summary(reader.statistics.lines, "lines")) with \(encoders.count) thread(s)")
        return PreparedExamples(corpus: try PreparedCorpus.open(directory, verify: .sizes))
    }

    /// The pipeline and examples prepared in `directory` when they were made from this file, unchanged,
    /// with these labels and a pipeline built with `textSettings`; nil, with the reason logged, otherwise.
    public static func cached(path: String, format: LabelledFormat, labels: [String]?, textSettings: [String: String], in directory: String,
                              log: (String) -> Void = { _ in }) throws -> (processor: TextProcessor, labels: [String], examples: PreparedExamples)? {
        var settings = textSettings.merging(["format": format.rawValue]) { a, _ in a }
        if let labels { settings["labels"] = labels.joined(separator: "\t") }
        let reused = try PreparedData.reuse(directory, inputs: [path], settings: settings, what: "the training examples", log: log) { corpus in
            let recorded = corpus.manifest.settings["labels"] ?? ""
            return (processor: try PreparedData.pipeline(in: corpus, side: "text"),
                    labels: recorded.split(separator: "\t", omittingEmptySubsequences: false).map(String.init),
                    examples: PreparedExamples(corpus: corpus))
        }
        if let reused { log("text pipeline and training examples: the prepared corpus in \(directory) (\(reused.examples.count) examples)") }
        return reused
    }

    static let droppedPrefix = "dropped:"
    static func labelKey(_ label: String) -> String { "label:" + label }
}
