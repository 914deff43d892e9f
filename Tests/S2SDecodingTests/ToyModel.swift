// A StepModel for tests: the next-token logits of a hypothesis are any function of (sentence id,
// tokens generated so far), log-softmaxed row by row. Optional attention with a per-sentence source
// length (rows padded with zeros to the longest source of the call, as a real batch would be), and a
// log of the row count of every step call.

import S2SCore
@testable import S2SDecoding

final class CallLog: @unchecked Sendable {
    var stepRows: [Int] = []
    var selects: [[Int]] = []
}

struct ToyModel: StepModel, Sendable {
    struct State {
        var sentence: [Int]
        var prefix: [[Int]]
    }

    let vocabularySize: Int
    /// Logits [V] of the next token of sentence `sentence` after `prefix` (bos not included).
    let logits: @Sendable (_ sentence: Int, _ prefix: [Int]) -> [Float]
    /// Source length per sentence id; nil: no attention.
    var sourceLengths: [Int]? = nil
    var calls = CallLog()

    /// The state of a batch holding these sentence ids, in order.
    func initialState(_ sentences: [Int]) -> State {
        State(sentence: sentences, prefix: sentences.map { _ in [] })
    }

    func step(tokens: [Int], state: State) -> (logProbs: Tensor, attention: Tensor?, state: State) {
        calls.stepRows.append(tokens.count)
        var next = state
        var scalars: [Float] = []
        for (r, token) in tokens.enumerated() {
            if token != SpecialTokens.bos { next.prefix[r].append(token) }
            let row = logits(next.sentence[r], next.prefix[r])
            precondition(row.count == vocabularySize)
            scalars += row
        }
        let logProbs = LogSoftmaxKernel.apply(Tensor(shape: [tokens.count, vocabularySize], scalars: scalars))
        var attention: Tensor?
        if let sourceLengths {
            let width = next.sentence.map { sourceLengths[$0] }.max() ?? 0
            var weights = [Float](repeating: 0, count: tokens.count * width)
            for r in 0..<tokens.count {
                let length = sourceLengths[next.sentence[r]]
                for j in 0..<length {   // any deterministic function of the row's own history
                    weights[r * width + j] = Float(1 + (next.prefix[r].reduce(j, { $0 &* 31 &+ $1 }) & 7)) / Float(8 * length)
                }
            }
            attention = Tensor(shape: [tokens.count, width], scalars: weights)
        }
        return (logProbs, attention, next)
    }

    func select(_ state: State, rows: [Int]) -> State {
        calls.selects.append(rows)
        precondition(!rows.isEmpty)
        return State(sentence: rows.map { state.sentence[$0] }, prefix: rows.map { state.prefix[$0] })
    }
}

extension ToyModel {
    /// Logits given as probabilities of a few tokens per prefix (log p; every other token gets −30).
    static func table(vocabularySize: Int, _ table: @escaping @Sendable ([Int]) -> [Int: Float]) -> ToyModel {
        ToyModel(vocabularySize: vocabularySize) { _, prefix in
            var row = [Float](repeating: -30, count: vocabularySize)
            for (token, p) in table(prefix) { row[token] = log(p) }
            return row
        }
    }

    /// Pseudo-random logits that depend on (sentence, last token, position), with eos growing more
    /// likely as the output gets longer; `seed` varies the whole family.
    static func random(vocabularySize: Int, seed: UInt64 = 0, sourceLengths: [Int]? = nil) -> ToyModel {
        ToyModel(vocabularySize: vocabularySize, logits: { sentence, prefix in
            var rng = Generator(seed: seed &* 0x9E37_79B9 &+ UInt64(sentence) &* 1_000_003
                                &+ UInt64(prefix.last ?? 2) &* 7919 &+ UInt64(prefix.count))
            var row = (0..<vocabularySize).map { _ in 2 * rng.normal() }
            row[SpecialTokens.eos] += Float(prefix.count) * 0.4 - 2
            return row
        }, sourceLengths: sourceLengths)
    }

    /// Σ log p of `tokens` (then eos if `eos`) under this model for sentence `sentence`.
    func logProb(of tokens: [Int], eos: Bool, sentence: Int = 0) -> Double {
        var total = 0.0, prefix: [Int] = []
        for token in tokens + (eos ? [SpecialTokens.eos] : []) {
            let row = LogSoftmaxKernel.apply(Tensor(shape: [1, vocabularySize], scalars: logits(sentence, prefix)))
            total += Double(row.scalars[token])
            prefix.append(token)
        }
        return total
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
