import Testing
import S2SCore
@testable import S2SDecoding

// Tokens of the hand-made tables (0–3 are pad, unk, bos, eos).
private let a = 4, b = 5, c = 6, d = 7, eos = SpecialTokens.eos

/// Greedy is myopic here: a (0.6) leads to a flat 0.34/0.33/0.33 next step (best path 0.204), while
/// b (0.4) is followed by eos with 0.9 (path 0.36).
private let myopic = ToyModel.table(vocabularySize: 8) { prefix in
    switch prefix {
    case []: return [a: 0.6, b: 0.4]
    case [a]: return [c: 0.34, d: 0.33, eos: 0.33]
    case [b]: return [eos: 0.9, c: 0.1]
    default: return [eos: 1]
    }
}

@Test func beamFindsTheBetterSequenceGreedyMisses() {
    let greedy = GreedySearch().decode(myopic, initialState: myopic.initialState([0]), maxLengths: [10])[0]
    let beam = BeamSearch(beamSize: 2).decode(myopic, initialState: myopic.initialState([0]), maxLengths: [10])[0][0]
    #expect(greedy.tokens == [a, c])
    #expect(beam.tokens == [b])
    #expect(beam.score > greedy.score)
    #expect(abs(beam.score - myopic.logProb(of: [b], eos: true)) < 1e-6)
    #expect(beam.finished)
}

@Test func beamOfOneIsGreedy() {
    let settings: [(LengthPenalty, Int, Int, Bool)] = [
        (.none, 0, 0, false), (.average, 2, 0, true), (.wu(alpha: 0.6), 0, 2, false), (.none, 3, 1, true),
    ]
    for (penalty, minLength, block, banUnk) in settings {
        let model = ToyModel.random(vocabularySize: 40, seed: 7)
        let sentences = Array(0..<12), maxLengths = sentences.map { 1 + $0 % 9 }
        let beam = BeamSearch(beamSize: 1, lengthPenalty: penalty, minLength: minLength,
                              blockNgramRepeat: block, banUnk: banUnk)
        let beamOut = beam.decode(model, initialState: model.initialState(sentences), maxLengths: maxLengths)
        let greedyOut = beam.greedy(model, initialState: model.initialState(sentences), maxLengths: maxLengths)
        for s in sentences {
            #expect(beamOut[s].count == 1)
            #expect(beamOut[s][0] == greedyOut[s], "sentence \(s), \(penalty) min \(minLength) block \(block)")
        }
    }
}

@Test func nBestIsSortedDistinctAndScoredAsDefined() {
    let model = ToyModel.random(vocabularySize: 30, seed: 3)
    for penalty in [LengthPenalty.none, .average, .wu(alpha: 1)] {
        let results = BeamSearch(beamSize: 6, nBest: 6, lengthPenalty: penalty)
            .decode(model, initialState: model.initialState(Array(0..<8)), maxLengths: Array(repeating: 12, count: 8))
        for (s, list) in results.enumerated() {
            #expect(list.count == 6)
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.score >= $1.score }, "\(penalty) sentence \(s)")
            #expect(Set(list.map(\.tokens)).count == list.count)
            for h in list {
                let logProb = model.logProb(of: h.tokens, eos: h.finished, sentence: s)
                #expect(abs(h.logProb - logProb) < 1e-4)
                let length = h.tokens.count + (h.finished ? 1 : 0)
                #expect(h.score == penalty.score(logProb: h.logProb, length: length))
                #expect(!h.tokens.contains(eos) && !h.tokens.contains(SpecialTokens.bos) && !h.tokens.contains(0))
            }
        }
    }
}

/// An empty output (eos at once, p 0.5) against a → b → c → eos (0.45 · 0.95³): the sum prefers the
/// empty one, the average and GNMT (α = 1) the long one. Lengths count the decoder's start token, as
/// OpenNMT-py's do: a → b → c → eos is 5 long, the empty output 2.
@Test func lengthPenaltiesChangeTheRanking() {
    let model = ToyModel.table(vocabularySize: 8) { prefix in
        switch prefix {
        case []: return [eos: 0.5, a: 0.45, d: 0.05]
        case [a]: return [b: 0.95, d: 0.05]
        case [a, b]: return [c: 0.95, d: 0.05]
        case [a, b, c]: return [eos: 0.95, d: 0.05]
        default: return [eos: 0.5, d: 0.5]
        }
    }
    let short = model.logProb(of: [], eos: true), long = model.logProb(of: [a, b, c], eos: true)
    func ranking(_ penalty: LengthPenalty) -> [Hypothesis] {
        BeamSearch(beamSize: 2, nBest: 2, lengthPenalty: penalty)
            .decode(model, initialState: model.initialState([0]), maxLengths: [8])[0]
    }
    let none = ranking(.none), average = ranking(.average), wu = ranking(.wu(alpha: 1))
    #expect(none.map(\.tokens) == [[], [a, b, c]])
    #expect(average.map(\.tokens) == [[a, b, c], []])
    #expect(wu.map(\.tokens) == [[a, b, c], []])
    #expect(abs(average[0].score - long / 5) < 1e-6)
    #expect(abs(average[1].score - short / 2) < 1e-6)
    #expect(abs(wu[0].score - long / (10.0 / 6)) < 1e-6)
    #expect(abs(none[0].score - short) < 1e-6)
}

/// With a length penalty the average can rise as a hypothesis grows (near-certain tokens), so an early
/// finished hypothesis does not settle the search: as OpenNMT-py's beam, it goes on until a step's best
/// candidate is an eos. The empty output (eos at once, 0.45: −0.399 per token with the start token)
/// beats "a b" at step 2 (−0.505) but not "a b c" (0.55 · 0.4 · 0.99 · 0.99: −0.307).
@Test func aLengthPenaltySearchEndsWhenTheBestCandidateEnds() {
    let model = ToyModel.table(vocabularySize: 8) { prefix in
        switch prefix {
        case []: return [a: 0.55, eos: 0.45]
        case [a]: return [b: 0.4, c: 0.3, d: 0.2, eos: 0.1]
        case [a, b]: return [c: 0.99, eos: 0.01]
        case [a, b, c]: return [eos: 0.99, d: 0.01]
        default: return [eos: 0.5, d: 0.5]
        }
    }
    let best = BeamSearch(beamSize: 2, nBest: 1, lengthPenalty: .average)
        .decode(model, initialState: model.initialState([0]), maxLengths: [8])[0][0]
    #expect(best.tokens == [a, b, c])
    #expect(abs(best.score - model.logProb(of: [a, b, c], eos: true) / 5) < 1e-6)
}

@Test func aLengthPenaltySearchGoesOnWhileTheStepsBestCandidateContinues() {
    // Step 1: eos is the best candidate, but one hypothesis is not an n-best of two. Step 2: [a, eos]
    // makes two, while the step's best candidate, [a, b], goes on: OpenNMT-py 3.5 goes on too and
    // finds [a, b, eos] (2.x's sticky `top_beam_finished` would have stopped with [a]).
    let model = ToyModel.table(vocabularySize: 8) { prefix in
        switch prefix {
        case []: return [eos: 0.6, a: 0.4]
        case [a]: return [b: 0.5, eos: 0.3, c: 0.2]
        default: return [eos: 0.99, d: 0.01]
        }
    }
    let list = BeamSearch(beamSize: 2, nBest: 2, lengthPenalty: .average)
        .decode(model, initialState: model.initialState([0]), maxLengths: [8])[0]
    #expect(list.map(\.tokens) == [[], [a, b]])
    #expect(abs(list[1].score - model.logProb(of: [a, b], eos: true) / 4) < 1e-6)
}

@Test func minLengthBansEos() {
    let model = ToyModel.table(vocabularySize: 8) { _ in [eos: 0.9, a: 0.06, b: 0.04] }
    for minLength in [0, 1, 3] {
        let beam = BeamSearch(beamSize: 3, nBest: 3, minLength: minLength)
        for list in beam.decode(model, initialState: model.initialState([0]), maxLengths: [10]) {
            #expect(list.allSatisfy { $0.tokens.count >= minLength && $0.finished })
            #expect(list[0].tokens.count == minLength)
        }
        let greedy = beam.greedy(model, initialState: model.initialState([0]), maxLengths: [10])[0]
        #expect(greedy.tokens == Array(repeating: a, count: minLength))
    }
    // A min length beyond the max length: outputs are cut at the max length, without eos.
    let cut = BeamSearch(beamSize: 2, minLength: 5).decode(model, initialState: model.initialState([0]), maxLengths: [3])
    #expect(cut[0][0].tokens.count == 3 && !cut[0][0].finished)
}

@Test func ngramBlockingPreventsRepeats() {
    // a b a b a b … is by far the likeliest output.
    let loop = ToyModel.table(vocabularySize: 8) { prefix in
        prefix.last == a ? [b: 0.7, c: 0.1, d: 0.1, eos: 0.1] : [a: 0.7, c: 0.1, d: 0.1, eos: 0.1]
    }
    let plain = BeamSearch(beamSize: 1).decode(loop, initialState: loop.initialState([0]), maxLengths: [6])[0][0]
    #expect(plain.tokens == [a, b, a, b, a, b])
    let bigram = BeamSearch(beamSize: 1, blockNgramRepeat: 2).decode(loop, initialState: loop.initialState([0]), maxLengths: [6])[0][0]
    // After a b a, b is blocked; c, d and eos tie at 0.1 and the smallest id, eos, wins.
    #expect(bigram.tokens == [a, b, a] && bigram.finished)
    let unigram = BeamSearch(beamSize: 1, blockNgramRepeat: 1).decode(loop, initialState: loop.initialState([0]), maxLengths: [6])[0][0]
    #expect(Set(unigram.tokens).count == unigram.tokens.count)

    let model = ToyModel.random(vocabularySize: 12, seed: 5)
    for n in 1...3 {
        let results = BeamSearch(beamSize: 4, nBest: 4, blockNgramRepeat: n)
            .decode(model, initialState: model.initialState(Array(0..<6)), maxLengths: Array(repeating: 15, count: 6))
        for h in results.joined() {
            let grams = (0..<max(0, h.tokens.count - n + 1)).map { Array(h.tokens[$0..<($0 + n)]) }
            #expect(Set(grams).count == grams.count, "repeated \(n)-gram in \(h.tokens)")
        }
    }
}

@Test func unkBan() {
    let model = ToyModel.table(vocabularySize: 8) { prefix in
        prefix.count < 3 ? [SpecialTokens.unk: 0.8, a: 0.2] : [eos: 1]
    }
    let free = BeamSearch(beamSize: 2).decode(model, initialState: model.initialState([0]), maxLengths: [10])[0][0]
    #expect(free.tokens == [1, 1, 1])
    let banned = BeamSearch(beamSize: 2, banUnk: true).decode(model, initialState: model.initialState([0]), maxLengths: [10])[0][0]
    #expect(banned.tokens == [a, a, a])
    let greedy = BeamSearch(banUnk: true).greedy(model, initialState: model.initialState([0]), maxLengths: [10])[0]
    #expect(greedy.tokens == [a, a, a])
}

@Test func everyInputGetsAnOutput() {
    let model = ToyModel.random(vocabularySize: 20, seed: 11, sourceLengths: [4, 7, 2, 5])
    let maxLengths = [0, 1, 0, 2]
    for beamSize in [1, 3] {
        let results = BeamSearch(beamSize: beamSize, nBest: beamSize)
            .decode(model, initialState: model.initialState([0, 1, 2, 3]), maxLengths: maxLengths, sourceLengths: [4, 7, 2, 5])
        #expect(results.count == 4)
        for (s, list) in results.enumerated() {
            #expect(!list.isEmpty)
            #expect(list.allSatisfy { $0.tokens.count <= maxLengths[s] })
        }
        #expect(results[0] == [Hypothesis(tokens: [], score: 0, logProb: 0, finished: false)])
        #expect(results[1][0].attention?.shape == [results[1][0].tokens.count, 7])
        let greedy = GreedySearch().decode(model, initialState: model.initialState([0, 1, 2, 3]), maxLengths: maxLengths)
        #expect(greedy.count == 4 && greedy[2].tokens.isEmpty && greedy[3].tokens.count <= 2)
    }
    // Every token −∞ but the banned ones: the empty hypothesis, not a crash.
    let dead = ToyModel(vocabularySize: 6) { _, _ in [0, 0, 0, -.infinity, -.infinity, -.infinity] }
    let out = BeamSearch(beamSize: 2, banUnk: true).decode(dead, initialState: dead.initialState([0]), maxLengths: [5])
    #expect(out[0].count == 1 && out[0][0].tokens.isEmpty)
}

@Test func finishedSentencesLeaveTheBatch() {
    let model = ToyModel.random(vocabularySize: 20, seed: 2)
    _ = BeamSearch(beamSize: 3).decode(model, initialState: model.initialState([0, 1, 2]), maxLengths: [1, 2, 6])
    let rows = model.calls.stepRows
    #expect(rows.count <= 6)
    #expect(rows.first == 3)                            // one empty hypothesis per sentence at first
    #expect(rows.dropFirst(1).allSatisfy { $0 <= 6 })   // sentence 0 is done after one step
    #expect(rows.dropFirst(2).allSatisfy { $0 <= 3 })   // only sentence 2 after two steps
}
