// Opt-in timing of the search machinery alone (not a test of correctness): S2S_BENCH_DECODING=1
// swift test -c release --filter decodingBenchmark. The model hands back prebuilt random
// log-probabilities, so the time is beam search's own (top-k scans, ranking, trellis, selects).

import Foundation
import Testing
import S2SCore
@testable import S2SDecoding

/// Every row gets the same prebuilt [N, V] log-probabilities (built once per N); eos is never likely.
private final class CannedModel: StepModel, @unchecked Sendable {
    let vocabularySize: Int
    private var cache: [Int: Tensor] = [:]
    private let pool: [Float]

    init(vocabularySize: Int, rows: Int) {
        self.vocabularySize = vocabularySize
        var rng = Generator(seed: 1)
        var logits = (0..<(rows * vocabularySize)).map { _ in 3 * rng.normal() }
        for r in 0..<rows { logits[r * vocabularySize + SpecialTokens.eos] = -50 }
        pool = LogSoftmaxKernel.apply(Tensor(shape: [rows, vocabularySize], scalars: logits)).scalars
    }

    func step(tokens: [Int], state: Int) -> (logProbs: Tensor, attention: Tensor?, state: Int) {
        let n = tokens.count
        if cache[n] == nil {
            cache[n] = Tensor(shape: [n, vocabularySize], scalars: Array(pool.prefix(n * vocabularySize)))
        }
        return (cache[n]!, nil, n)
    }

    func select(_ state: Int, rows: [Int]) -> Int { rows.count }
}

@Test(.enabled(if: ProcessInfo.processInfo.environment["S2S_BENCH_DECODING"] != nil))
func decodingBenchmark() {
    let v = 32_000, b = 32, k = 5, steps = 50
    let model = CannedModel(vocabularySize: v, rows: b * k)
    _ = BeamSearch(beamSize: k).decode(model, initialState: b, maxLengths: Array(repeating: steps, count: b))  // warm-up
    let clock = ContinuousClock()
    var elapsed = clock.measure {
        _ = BeamSearch(beamSize: k).decode(model, initialState: b, maxLengths: Array(repeating: steps, count: b))
    }
    print("beam search B \(b) K \(k) V \(v): \(elapsed / steps) per step (\(b * k) rows: \(elapsed / (steps * b * k)) per row)")
    elapsed = clock.measure {
        _ = GreedySearch().decode(model, initialState: b, maxLengths: Array(repeating: steps, count: b))
    }
    print("greedy B \(b) V \(v): \(elapsed / steps) per step")
    var rng = Generator(seed: 3)
    let row = Array(model.step(tokens: [0], state: 1).logProbs.scalars)
    for sampler in [Sampler(), Sampler(topK: 40), Sampler(topP: 0.9), Sampler(temperature: 0.7, topK: 50, topP: 0.95)] {
        elapsed = clock.measure { for _ in 0..<200 { _ = sampler.sample(row, using: &rng) } }
        print("sample V \(v) T \(sampler.temperature) k \(sampler.topK) p \(sampler.topP): \(elapsed / 200) per token")
    }
}
