// BeamSearch: batched beam search over B sentences × up to K beams, with OpenNMT-py's scoring (summed
// log-probabilities, length penalty none/avg/wu), n-best lists, min/max length, n-gram repeat
// blocking and an unk ban. One `step` call per time step serves every alive hypothesis of every
// sentence; a sentence that is done leaves the batch (its rows are not selected again). Each
// sentence's result depends only on its own rows: decoded alone or among others, it comes out the
// same (given a StepModel whose rows are independent). The per-sentence work is in BeamSentence.

import S2SCore

/// Beam search settings and the search itself.
///
///     let search = BeamSearch(beamSize: 5, nBest: 3, lengthPenalty: .wu(alpha: 0.6))
///     let results = search.decode(model, initialState: encoderState,        // state of B rows
///                                 maxLengths: sources.map { 2 * $0.count + 10 })
///     results[b][0].tokens   // the best output of sentence b
///
/// **One step** (t tokens generated so far; at t = 0 a sentence has one alive hypothesis, the empty
/// one, so the K beams never start as K copies):
/// 1. Every alive hypothesis offers its K best next tokens other than eos, pad, bos, unk (with
///    `banUnk`) and tokens that would repeat an n-gram (`blockNgramRepeat`), plus eos unless
///    t < `minLength`. Selection is partial, O(V) per row. A candidate scores the hypothesis's
///    log-probability plus the token's.
/// 2. The candidates are ranked by that sum (all have length t + 1, so the length penalty does not
///    change their order); ties go to the smaller token id, then to the earlier beam.
/// 3. Eos candidates ranked among the first K finish (score = logProb / penalty(t + 1), the eos
///    counted in the length). Without a length penalty the first K non-eos candidates are the new alive
///    hypotheses; with one (`avg`, `wu`), as in OpenNMT-py, only the non-eos among the first K.
///    At t + 1 = maxLength the first K candidates all finish, the non-eos ones cut without eos
///    (score = logProb / penalty(t + 1)).
///
/// **Stopping rule**, checked per sentence after each step; the sentence is done when
/// - t + 1 reached its maxLength (see 3.), or
/// - no candidate had a finite log-probability (then the alive hypotheses finish as they are), or
/// - without a length penalty: at least `nBest` hypotheses have finished and the best alive one, scored
///   as if it ended now, does not beat the `nBest`-th best finished score — exact, since log-probabilities
///   only fall, so no alive hypothesis could still enter the n-best;
/// - with `avg` or `wu`, where a longer hypothesis can still gain (near-certain tokens raise its average):
///   this step's best candidate is an eos and at least `nBest` hypotheses have finished — OpenNMT-py
///   3.5's rule, so an imported OpenNMT-py model gives `onmt_translate`'s n-best lists.
/// Alive hypotheses of a done sentence are dropped. Each sentence returns its `nBest` best finished
/// hypotheses (fewer if fewer finished, never none), best score first; ties keep finishing order.
/// maxLength counts generated tokens including eos: output has at most maxLength tokens, and a
/// maxLength ≤ 0 yields one empty hypothesis with score 0.
///
/// Complexity per step: O(N·V) for N alive rows (partial top-K selection) plus O(N·K·log(N·K)) for
/// ranking, plus O(N·t·n) for n-gram blocking; memory O(T·K·(1 + S)) per sentence for the trellis.
public struct BeamSearch: Sendable {
    /// K, the number of alive hypotheses kept per sentence (1 = greedy).
    public var beamSize: Int
    /// How many finished hypotheses to return per sentence, 1 ≤ nBest ≤ beamSize.
    public var nBest: Int
    /// How finished hypotheses are scored against each other.
    public var lengthPenalty: LengthPenalty
    /// Eos is banned until this many tokens have been generated.
    public var minLength: Int
    /// N > 0: a token that would repeat an N-gram of the hypothesis is banned; 0 = off.
    public var blockNgramRepeat: Int
    /// Ban the unknown token (id 1).
    public var banUnk: Bool

    public init(beamSize: Int = 5, nBest: Int = 1, lengthPenalty: LengthPenalty = .none, minLength: Int = 0,
                blockNgramRepeat: Int = 0, banUnk: Bool = false) {
        precondition(beamSize >= 1, "beam size must be at least 1")
        precondition(nBest >= 1 && nBest <= beamSize, "n-best must lie in 1...beamSize")
        self.beamSize = beamSize
        self.nBest = nBest
        self.lengthPenalty = lengthPenalty
        self.minLength = minLength
        self.blockNgramRepeat = blockNgramRepeat
        self.banUnk = banUnk
    }

    /// Decodes B sentences. `initialState` holds B rows (row b = sentence b, e.g. the encoder's final
    /// state and memory); `maxLengths[b]` caps sentence b; `sourceLengths[b]`, when given, trims its
    /// attention rows to the real source length (without it rows keep the batch's S columns, which
    /// then depend on the batch). Returns per sentence its n-best list, best first.
    public func decode<Model: StepModel>(_ model: Model, initialState: Model.State, maxLengths: [Int],
                                         sourceLengths: [Int]? = nil) -> [[Hypothesis]] {
        precondition(beamSize >= 1 && nBest >= 1 && nBest <= beamSize, "beam search: n-best \(nBest) with beam \(beamSize)")
        precondition(sourceLengths == nil || sourceLengths!.count == maxLengths.count,
                     "beam search: \(sourceLengths!.count) source lengths for \(maxLengths.count) sentences")
        var sentences = maxLengths.indices.map {
            BeamSentence(maxLength: maxLengths[$0], sourceLength: sourceLengths?[$0])
        }
        var active = sentences.indices.filter { !sentences[$0].done }
        guard !active.isEmpty else { return sentences.map { $0.results(nBest: nBest) } }
        var state = active.count == sentences.count ? initialState : model.select(initialState, rows: active)
        var tokens = [Int](repeating: SpecialTokens.bos, count: active.count)
        var scratch = BeamScratch()
        var step = 0
        while true {
            let output = model.step(tokens: tokens, state: state)
            let n = tokens.count, v = model.vocabularySize
            precondition(output.logProbs.shape == [n, v],
                         "beam search: step gave log-probabilities \(output.logProbs.shape) for [\(n), \(v)]")
            let attention = output.attention
            precondition(attention == nil || (attention!.rank == 2 && attention!.shape[0] == n),
                         "beam search: step gave attention \(attention!.shape) for \(n) rows")
            var nextRows: [Int] = [], nextTokens: [Int] = [], nextActive: [Int] = []
            nextRows.reserveCapacity(n); nextTokens.reserveCapacity(n)
            output.logProbs.withUnsafeBufferPointer { logProbs in
                withOptionalPointer(attention) { attentionPointer in
                    let rows = StepRows(logProbs: logProbs.baseAddress!, vocabularySize: v,
                                        attention: attentionPointer, attentionColumns: attention?.shape[1] ?? 0)
                    var rowStart = 0
                    for s in active {
                        let count = sentences[s].aliveCount
                        sentences[s].advance(step: step, rowStart: rowStart, rows: rows, search: self, scratch: &scratch)
                        rowStart += count
                        guard !sentences[s].done else { continue }
                        nextActive.append(s)
                        nextRows.append(contentsOf: sentences[s].aliveParentRow)
                        nextTokens.append(contentsOf: sentences[s].aliveToken)
                    }
                }
            }
            if nextActive.isEmpty { break }
            let keepsAll = nextRows.count == n && nextRows.enumerated().allSatisfy { $0.offset == $0.element }
            state = keepsAll ? output.state : model.select(output.state, rows: nextRows)
            tokens = nextTokens
            active = nextActive
            step += 1
        }
        return sentences.map { $0.results(nBest: nBest) }
    }
}
