// Translating many lines with a trained translator: sentences are sorted by length and cut into
// batches (less padding; results do not depend on the batching), batches run on all cores, and the
// outputs come back in input order — one per input line, empty and very long lines included. An empty
// source (no tokens) is not decoded: its translation is the empty sentence with score 0, as in Marian
// and OpenNMT-py, rather than whatever the decoder makes up from nothing.
import S2SCore
import S2SDecoding
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

    /// The translation of an empty source: one empty hypothesis with score 0.
    static var empty: Translation { Translation(candidates: [Candidate(tokens: [], score: 0, attention: nil)]) }
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
    var weightPrecision = WeightPrecision.float32

    /// Translations of `sources` (ids), in order; an empty source gets `Translation.empty`.
    func run(_ sources: [[Int]]) -> [Translation] {
        let packed = weightPrecision == .bfloat16 ? PackedStepWeights(model) : nil
        // Longest first: the slowest batches start early, the last ones are short.
        let order = sources.indices.filter { !sources[$0].isEmpty }.sorted { (sources[$0].count, $0) > (sources[$1].count, $1) }
        let batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min(order.count, $0 + batchSize)]) }
        let results = ParallelMap.map(count: batches.count, threads: threads) { i -> [Translation] in
            let batch = batches[i].map { sources[$0] }
            let limits = batch.map { TranslationValidator.maxLength(sourceLength: $0.count, ratio: maxLengthRatio) }
            return search.translate(model.searchModel(sources: batch, packed: packed), maxLengths: limits)
        }
        var out = [Translation](repeating: .empty, count: sources.count)
        for (batch, translations) in zip(batches, results) {
            for (index, translation) in zip(batch, translations) { out[index] = translation }
        }
        return out
    }
}

/// Beam search (S2SDecoding), or greedy search when the beam size is 1: the same hypotheses as a
/// beam of one, without the beam bookkeeping.
struct DecodingSearch: TranslationSearch {
    var beamSize = 5
    var nBest = 1
    var lengthPenalty = LengthPenalty.none
    var minLength = 0
    var blockNgramRepeat = 0
    var banUnk = false

    func translate(_ model: TranslatorSearchModel, maxLengths: [Int]) -> [Translation] {
        if beamSize == 1 {
            let search = GreedySearch(lengthPenalty: lengthPenalty, minLength: minLength, blockNgramRepeat: blockNgramRepeat,
                                      banUnk: banUnk)
            return search.decode(model, initialState: model.initialState, maxLengths: maxLengths,
                                 sourceLengths: model.sourceLengths).map { Translation(candidates: [Self.candidate($0)]) }
        }
        let search = BeamSearch(beamSize: beamSize, nBest: nBest, lengthPenalty: lengthPenalty, minLength: minLength,
                                blockNgramRepeat: blockNgramRepeat, banUnk: banUnk)
        return search.decode(model, initialState: model.initialState, maxLengths: maxLengths, sourceLengths: model.sourceLengths)
            .map { Translation(candidates: $0.map(Self.candidate)) }
    }

    static func candidate(_ hypothesis: Hypothesis) -> Translation.Candidate {
        .init(tokens: hypothesis.tokens, score: hypothesis.score, attention: hypothesis.attention)
    }
}
