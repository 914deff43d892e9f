// GreedySearch: batched argmax decoding — at each step every unfinished sentence takes its most
// probable next token (ties: the smaller id) under the same bans as beam search (pad, bos, unk with
// banUnk, n-gram repeats, eos before minLength). It gives the same hypotheses as BeamSearch with
// beamSize 1 (the tests check this), without beam bookkeeping. Finished sentences leave the batch.

import S2SCore

/// Greedy (argmax) decoding.
///
///     let outputs = GreedySearch().decode(model, initialState: state, maxLengths: [50, 50])
///     outputs[1].tokens   // the argmax output of sentence 1
///
/// A sentence ends at eos (score = logProb / penalty(tokens + 1)), at maxLength generated tokens (cut,
/// score = logProb / penalty(tokens)), or when every token is banned or −∞. maxLength ≤ 0 gives an
/// empty hypothesis with score 0.
/// Complexity per step: O(N·V) for N unfinished sentences, plus O(N·t·n) for n-gram blocking.
public struct GreedySearch: Sendable {
    public var lengthPenalty: LengthPenalty
    /// Eos is banned until this many tokens have been generated.
    public var minLength: Int
    /// N > 0: a token that would repeat an N-gram of the output is banned; 0 = off.
    public var blockNgramRepeat: Int
    /// Ban the unknown token (id 1).
    public var banUnk: Bool

    public init(lengthPenalty: LengthPenalty = .none, minLength: Int = 0, blockNgramRepeat: Int = 0, banUnk: Bool = false) {
        self.lengthPenalty = lengthPenalty
        self.minLength = minLength
        self.blockNgramRepeat = blockNgramRepeat
        self.banUnk = banUnk
    }

    /// Decodes B sentences from `initialState` (B rows); one hypothesis per sentence. `sourceLengths`
    /// trims attention rows as in `BeamSearch.decode`.
    public func decode<Model: StepModel>(_ model: Model, initialState: Model.State, maxLengths: [Int],
                                         sourceLengths: [Int]? = nil) -> [Hypothesis] {
        precondition(sourceLengths == nil || sourceLengths!.count == maxLengths.count,
                     "greedy search: \(sourceLengths!.count) source lengths for \(maxLengths.count) sentences")
        let b = maxLengths.count
        var tokens = [[Int]](repeating: [], count: b)
        var logProbs = [Double](repeating: 0, count: b)
        var attention = [[Float]?](repeating: nil, count: b)
        var attentionWidth = [Int](repeating: 0, count: b)
        var endedWithEos = [Bool](repeating: false, count: b)
        var active = (0..<b).filter { maxLengths[$0] > 0 }
        if active.isEmpty { return (0..<b).map { _ in Hypothesis(tokens: [], score: 0, logProb: 0, finished: false) } }
        var state = active.count == b ? initialState : model.select(initialState, rows: active)
        var previous = [Int](repeating: SpecialTokens.bos, count: active.count)
        let bans = TokenBans(banUnk: banUnk, blockNgramRepeat: blockNgramRepeat)
        var top = TopK(), banned: [Int] = []
        var step = 0
        while !active.isEmpty {
            let output = model.step(tokens: previous, state: state)
            let n = active.count, v = model.vocabularySize
            precondition(output.logProbs.shape == [n, v],
                         "greedy search: step gave log-probabilities \(output.logProbs.shape) for [\(n), \(v)]")
            let columns = output.attention?.shape.last ?? 0
            var keptRows: [Int] = [], nextActive: [Int] = [], nextPrevious: [Int] = []
            output.logProbs.withUnsafeBufferPointer { rowsPointer in
                withOptionalPointer(output.attention) { attentionPointer in
                    if attentionPointer != nil && step == 0 {   // kept only if given from the start
                        for s in active {
                            attentionWidth[s] = min(columns, sourceLengths?[s] ?? columns)
                            attention[s] = []
                        }
                    }
                    for (row, s) in active.enumerated() {
                        bans.fill(history: tokens[s], into: &banned)
                        if step < minLength { banned.append(SpecialTokens.eos) }
                        top.select(from: UnsafeBufferPointer(start: rowsPointer.baseAddress! + row * v, count: v),
                                   k: 1, excluding: banned)
                        guard top.count == 1 else { continue }   // nothing possible: ends as it is
                        logProbs[s] += Double(top.values[0])
                        let token = top.indices[0]
                        if token == SpecialTokens.eos { endedWithEos[s] = true; continue }
                        tokens[s].append(token)
                        if attention[s] != nil {
                            if let attentionPointer, columns >= attentionWidth[s] {
                                attention[s]!.append(contentsOf: UnsafeBufferPointer(start: attentionPointer + row * columns,
                                                                                     count: attentionWidth[s]))
                            } else {   // a step without attention: zeros keep the rows aligned
                                attention[s]!.append(contentsOf: repeatElement(0, count: attentionWidth[s]))
                            }
                        }
                        if tokens[s].count < maxLengths[s] {
                            keptRows.append(row); nextActive.append(s); nextPrevious.append(token)
                        }
                    }
                }
            }
            if !nextActive.isEmpty && keptRows.count != n { state = model.select(output.state, rows: keptRows) }
            else { state = output.state }
            active = nextActive
            previous = nextPrevious
            step += 1
        }
        return (0..<b).map { s in
            let length = tokens[s].count + (endedWithEos[s] ? 1 : 0)
            return Hypothesis(tokens: tokens[s], score: lengthPenalty.score(logProb: logProbs[s], length: length),
                              logProb: logProbs[s], finished: endedWithEos[s],
                              attention: attention[s].map { Tensor(shape: [tokens[s].count, attentionWidth[s]], scalars: $0) })
        }
    }
}

extension BeamSearch {
    /// Greedy decoding with this search's length penalty, min length, repeat blocking and unk ban
    /// (its beam size and n-best are ignored): `GreedySearch` under the same settings.
    ///
    ///     let best = BeamSearch(minLength: 2).greedy(model, initialState: state, maxLengths: [40])
    public func greedy<Model: StepModel>(_ model: Model, initialState: Model.State, maxLengths: [Int],
                                         sourceLengths: [Int]? = nil) -> [Hypothesis] {
        GreedySearch(lengthPenalty: lengthPenalty, minLength: minLength, blockNgramRepeat: blockNgramRepeat, banUnk: banUnk)
            .decode(model, initialState: initialState, maxLengths: maxLengths, sourceLengths: sourceLengths)
    }
}
