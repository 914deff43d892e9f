// The workload of `s2s bench translate`, prepared once and shared with the PyTorch reference through a
// safetensors file: training batches (a Multi30k prefix, cut by the trainer's batcher) and test
// sentences for the beam search, as ids encoded with the benchmarked model's own text pipelines.
import Foundation
import S2STasks
import S2SCore
import S2SModels
import S2SText
import S2STraining

struct TranslateBenchData {
    var batches: [TranslationBatch]
    var sentences: [[Int]]
    /// The test lines `sentences` encodes, as read.
    var lines: [String]

    /// `steps` batches of `batchSize` pairs from the training files, and the first `sentences` test lines.
    static func prepare(text: TranslationText, trainSource: String, trainTarget: String, testSource: String,
                        steps: Int, batchSize: Int, sentences: Int, seed: UInt64) throws -> TranslateBenchData {
        let (lines, _) = try ParallelLines.read(source: trainSource, target: trainTarget)
        let pairs = try EncodedPairs.encode(lines, text: text, maxLength: 100)
        let plan = Batcher(batchSize: batchSize).plan(lengths: pairs.lengths, seed: seed, epoch: 0)
            .filter { $0.count == batchSize }.prefix(steps)
        let reader = try LineReader(path: testSource)
        var testIds: [[Int]] = [], testLines: [String] = []
        while testIds.count < sentences, let line = try reader.next() {
            testIds.append(try text.sourceIds(line.text))
            testLines.append(line.text)
        }
        return TranslateBenchData(batches: plan.map(pairs.batch), sentences: testIds, lines: testLines)
    }

    /// Target tokens (eos included) of all batches.
    var targetTokens: Int { batches.reduce(0) { $0 + $1.tokenCount } }

    /// Writes the file translate_reference.py reads (ids as F32, batch-major, 0-padded).
    func write(to path: String) throws {
        func padded(_ rows: [[Int]]) -> Tensor {
            let width = max(1, rows.map(\.count).max() ?? 0)
            var t = Tensor(zeros: [rows.count, width])
            for (r, row) in rows.enumerated() { for (c, id) in row.enumerated() { t[r, c] = Float(id) } }
            return t
        }
        func lengths(_ rows: [[Int]]) -> Tensor { Tensor(shape: [rows.count], scalars: rows.map { Float($0.count) }) }
        var tensors: [(name: String, tensor: Tensor)] = []
        for (i, batch) in batches.enumerated() {
            tensors += [("train.\(i).source", padded(batch.source)), ("train.\(i).source_lengths", lengths(batch.source)),
                        ("train.\(i).target", padded(batch.target)), ("train.\(i).target_lengths", lengths(batch.target))]
        }
        tensors += [("test.source", padded(sentences)), ("test.source_lengths", lengths(sentences))]
        try SafeTensors.write(tensors, to: path)
    }
}

extension TranslateBenchData {
    /// Writes the training corpus as s2s tokenizes it (tokens joined by spaces) and the two vocabularies
    /// without s2s's specials ("token count" lines) into `directory`, for Tools/reference/opennmt_bench.py.
    static func exportOpenNMT(directory: String, text: TranslationText, trainSource: String, trainTarget: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (lines, _) = try ParallelLines.read(source: trainSource, target: trainTarget)
        var source = "", target = ""
        for (s, t) in zip(lines.source, lines.target) {
            source += try text.source.tokenize(text.prepare(s)).joined(separator: " ") + "\n"
            target += try text.target.tokenize(text.prepare(t)).joined(separator: " ") + "\n"
        }
        func vocabulary(_ processor: TextProcessor) -> String {
            zip(processor.vocabulary.tokens, processor.vocabulary.counts).dropFirst(4)
                .map { "\($0.0) \(max($0.1, 1))\n" }.joined()
        }
        for (name, contents) in [("train.src", source), ("train.tgt", target),
                                 ("vocab.src", vocabulary(text.source)), ("vocab.tgt", vocabulary(text.target))] {
            try AtomicFile.write(Array(contents.utf8), to: directory + "/" + name)
        }
    }
}
