// Validation of a translator during training: perplexity and accuracy under teacher forcing, and
// BLEU (sacrebleu's, 13a) and exact-match rate of greedy translations against the references — on all
// cores.
import S2SCore
import S2SDecoding
import S2SModels
import S2SText

/// Scores a translator on held-out pairs: "loss", "ppl", "accuracy", "bleu" and "exact".
///
///     let validator = try TranslationValidator(lines: validLines, text: bundle.text, threads: 2)
///     let scores = validator(bundle.model)   // scores["bleu"]
public struct TranslationValidator: @unchecked Sendable {   // the text pipeline is used by one call at a time
    public let pairs: EncodedPairs
    /// References as the model writes them (lowercased when the model is).
    public let references: [String]
    public let text: TranslationText
    public let threads: Int
    public var batchSize = 64
    public var lengthLimit = OutputLengthLimit()

    /// Encodes the held-out `lines` once; scoring runs on `threads` cores.
    public init(lines: ParallelLines, text: TranslationText, threads: Int) throws {
        pairs = try EncodedPairs.encode(lines, text: text)
        references = lines.target.map(text.prepare)
        self.text = text
        self.threads = threads
    }

    /// The scores of `model`'s current weights (the trainer's validation metrics).
    public func callAsFunction(_ model: TranslationModel) -> [String: Double] {
        let batches = stride(from: 0, to: pairs.count, by: batchSize).map { Array($0..<min(pairs.count, $0 + batchSize)) }
        let results = ParallelMap.map(count: batches.count, threads: threads) { i -> (CrossEntropyStats, [[Int]]) in
            let batch = pairs.batch(batches[i])
            let (_, stats) = model.lossWithStats(batch, tape: Tape(recording: false, training: false), labelSmoothing: 0)
            let limits = batch.source.map { lengthLimit.tokens(sourceLength: $0.count) }
            return (stats, model.searchModel(sources: batch.source).greedy(maxLengths: limits))
        }
        var stats = CrossEntropyStats()
        for (s, _) in results { stats += s }
        let hypotheses = results.flatMap(\.1).map(text.targetText)
        let exact = zip(hypotheses, references).filter { $0 == $1 }.count
        return ["loss": stats.tokens == 0 ? 0 : stats.nllSum / Double(stats.tokens), "ppl": stats.perplexity,
                "accuracy": stats.accuracy, "bleu": (try? BLEU().corpusScore(hypotheses: hypotheses, references: [references]).score) ?? 0,
                "exact": pairs.count == 0 ? 0 : Double(exact) / Double(pairs.count)]
    }
}
