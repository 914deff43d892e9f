// The engine under `Translator`, for callers that hold token ids (the benchmarks): sentences are
// sorted by length and cut into
// batches (less padding; results do not depend on the batching), batches run on all cores, and the
// outputs come back in input order — one per input line, empty and very long lines included. An empty
// source (no tokens) is not decoded: its translation is the empty sentence with score 0, as in Marian
// and OpenNMT-py, rather than whatever the decoder makes up from nothing.
import S2SCore
import S2SDecoding
import S2SModels

/// One translated sentence as ids: its hypotheses (the search's own `Hypothesis`: tokens, score, log-probability,
/// attention), best first. `TranslationResult` is the same as text.
public struct Translation: @unchecked Sendable {   // attention tensors are values, never shared mutably
    public var hypotheses: [Hypothesis]

    public init(hypotheses: [Hypothesis]) { self.hypotheses = hypotheses }

    /// The translation of an empty source: one empty hypothesis with score 0.
    public static var empty: Translation { Translation(hypotheses: [Hypothesis(tokens: [], score: 0, logProb: 0, finished: true)]) }

    @available(*, deprecated, renamed: "hypotheses")
    public var candidates: [Hypothesis] { hypotheses }
    @available(*, deprecated, renamed: "Hypothesis")
    public typealias Candidate = Hypothesis
}

/// How each batch of sentences is searched.
public protocol TranslationSearch: Sendable {
    /// Decodes the sentences of `model` (all rows of its initial state) with per-sentence output limits.
    func translate(_ model: TranslationStepModel, maxLengths: [Int]) -> [Translation]
    /// The same for an ensemble of translators over the same sentences (`initialState`: one per member).
    func translate(_ ensemble: EnsembleStepModel<TranslationStepModel>, initialState: [TranslationDecoderState],
                   sourceLengths: [Int], maxLengths: [Int]) -> [Translation]
}

/// Translates token ids in batches on several cores.
///
///     let job = TranslationEngine(model: bundle.model, search: DecodingSearch(beamSize: 5), threads: 2)
///     let best = job.run([[45, 12, 9]])[0].hypotheses[0].tokens
public struct TranslationEngine {
    public let model: TranslationModel
    /// More models decoded with `model` as an ensemble (the mean of their log-probabilities at every
    /// step); they read the same source ids and share the target vocabulary.
    public var ensemble: [TranslationModel] = []
    public let search: any TranslationSearch
    public var batchSize = 32
    public var threads = 1
    public var lengthLimit = OutputLengthLimit()
    /// The model's step weights packed as bfloat16 (`PackedStepWeights(model)`), or nil for float32.
    public var packed: PackedStepWeights? = nil

    /// Decodes with `search`, `batchSize` sentences at a time on `threads` cores; outputs are limited
    /// by `lengthLimit` (2 × the source length + 5 tokens by default).
    public init(model: TranslationModel, search: any TranslationSearch, batchSize: Int = 32, threads: Int = 1,
                lengthLimit: OutputLengthLimit = OutputLengthLimit(), packed: PackedStepWeights? = nil) {
        self.model = model; self.search = search; self.batchSize = batchSize; self.threads = threads
        self.lengthLimit = lengthLimit; self.packed = packed
    }

    /// Translations of `sources` (ids), in order; an empty source gets `Translation.empty`.
    public func run(_ sources: [[Int]]) -> [Translation] {
        // Longest first: the slowest batches start early, the last ones are short.
        let order = sources.indices.filter { !sources[$0].isEmpty }.sorted { (sources[$0].count, $0) > (sources[$1].count, $1) }
        let batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min(order.count, $0 + batchSize)]) }
        let results = ParallelMap.map(count: batches.count, threads: threads) { i -> [Translation] in
            let batch = batches[i].map { sources[$0] }
            let limits = batch.map { lengthLimit.tokens(sourceLength: $0.count) }
            let first = model.searchModel(sources: batch, packed: packed)
            guard !ensemble.isEmpty else { return search.translate(first, maxLengths: limits) }
            let members = [first] + ensemble.map { $0.searchModel(sources: batch, packed: packed) }
            return search.translate(EnsembleStepModel(members: members), initialState: members.map(\.initialState),
                                    sourceLengths: first.sourceLengths, maxLengths: limits)
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
public struct DecodingSearch: TranslationSearch {
    public var beamSize = 5
    public var nBest = 1
    public var lengthPenalty = LengthPenalty.none
    public var minLength = 0
    public var blockNgramRepeat = 0
    public var banUnk = false

    /// Beam search with these settings (greedy when `beamSize` is 1).
    public init(beamSize: Int = 5, nBest: Int = 1, lengthPenalty: LengthPenalty = .none, minLength: Int = 0,
                blockNgramRepeat: Int = 0, banUnk: Bool = false) {
        self.beamSize = beamSize; self.nBest = nBest; self.lengthPenalty = lengthPenalty; self.minLength = minLength
        self.blockNgramRepeat = blockNgramRepeat; self.banUnk = banUnk
    }

    /// The hypotheses of every sentence of `model`, within its output limit.
    public func translate(_ model: TranslationStepModel, maxLengths: [Int]) -> [Translation] {
        decode(model, initialState: model.initialState, sourceLengths: model.sourceLengths, maxLengths: maxLengths)
    }

    /// The hypotheses of every sentence of an ensemble, within its output limit.
    public func translate(_ ensemble: EnsembleStepModel<TranslationStepModel>, initialState: [TranslationDecoderState],
                          sourceLengths: [Int], maxLengths: [Int]) -> [Translation] {
        decode(ensemble, initialState: initialState, sourceLengths: sourceLengths, maxLengths: maxLengths)
    }

    private func decode<Model: StepModel>(_ model: Model, initialState: Model.State, sourceLengths: [Int],
                                          maxLengths: [Int]) -> [Translation] {
        if beamSize == 1 {
            let search = GreedySearch(lengthPenalty: lengthPenalty, minLength: minLength, blockNgramRepeat: blockNgramRepeat,
                                      banUnk: banUnk)
            return search.decode(model, initialState: initialState, maxLengths: maxLengths,
                                 sourceLengths: sourceLengths).map { Translation(hypotheses: [$0]) }
        }
        let search = BeamSearch(beamSize: beamSize, nBest: nBest, lengthPenalty: lengthPenalty, minLength: minLength,
                                blockNgramRepeat: blockNgramRepeat, banUnk: banUnk)
        return search.decode(model, initialState: initialState, maxLengths: maxLengths, sourceLengths: sourceLengths)
            .map { Translation(hypotheses: $0) }
    }
}
