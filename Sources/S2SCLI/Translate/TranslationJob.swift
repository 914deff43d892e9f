// Translating many lines with a trained translator: sentences are sorted by length and cut into
// batches (less padding; results do not depend on the batching), batches run on all cores, and the
// outputs come back in input order — one per input line, empty and very long lines included.
import S2SCore
import S2SModels

/// One translated sentence: its hypotheses, best first.
struct Translation {
    struct Candidate {
        var tokens: [Int]
        var score: Double
        /// [tokens.count, source length]: the attention that produced each token, when available.
        var attention: Tensor?
    }
    var candidates: [Candidate]
}

/// How each batch of sentences is searched.
protocol TranslationSearch {
    /// Decodes the sentences of `model` (all rows of its initial state) with per-sentence output limits.
    func translate(_ model: TranslatorSearchModel, maxLengths: [Int]) -> [Translation]
}

struct TranslationJob {
    let model: Translator
    let search: any TranslationSearch
    var batchSize = 32
    var threads = 1
    var maxLengthRatio = 2.0

    /// Translations of `sources` (ids), in order.
    func run(_ sources: [[Int]]) -> [Translation] {
        // Longest first: the slowest batches start early, the last ones are short.
        let order = sources.indices.sorted { (sources[$0].count, $0) > (sources[$1].count, $1) }
        let batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min(order.count, $0 + batchSize)]) }
        let results = ParallelMap.map(count: batches.count, threads: threads) { i -> [Translation] in
            let batch = batches[i].map { sources[$0] }
            let limits = batch.map { TranslationValidator.maxLength(sourceLength: $0.count, ratio: maxLengthRatio) }
            return search.translate(model.searchModel(sources: batch), maxLengths: limits)
        }
        var out = [Translation?](repeating: nil, count: sources.count)
        for (batch, translations) in zip(batches, results) {
            for (index, translation) in zip(batch, translations) { out[index] = translation }
        }
        return out.map { $0! }
    }
}

/// Greedy search (beam size 1) over the translator's own batched argmax.
struct GreedyTranslationSearch: TranslationSearch {
    func translate(_ model: TranslatorSearchModel, maxLengths: [Int]) -> [Translation] {
        model.greedy(maxLengths: maxLengths).map { Translation(candidates: [.init(tokens: $0, score: 0, attention: nil)]) }
    }
}
