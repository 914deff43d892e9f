import Testing
import S2STestSupport
import Foundation
import S2SCore
import S2SDecoding
import S2SText
@testable import S2SModels

/// Sampling from a language model through S2SDecoding's `Sampler`: reproducible, and top-k / top-p
/// draws always inside their sets, checked step by step on a model's real distributions.
@Suite struct LanguageModelSamplingTests {
    // Large weights make the distributions peaked enough for top-p to cut something.
    let model = LMTestSupport.model(vocabulary: 30, hidden: 16, embedding: 8, seed: 21)

    @Test func sameSeedSameTextOtherSeedOtherText() {
        let generator = LanguageModelGenerator(model: model)
        func text(seed: UInt64, _ sampler: Sampler) -> [Int] {
            var rng = Generator(seed: seed)
            return generator.generate(prompt: [SpecialTokens.eos, 7, 9], maxTokens: 150, sampler: sampler, rng: &rng)
        }
        for sampler in [Sampler(temperature: 1), Sampler(temperature: 0.7, topK: 5), Sampler(temperature: 1.2, topP: 0.8)] {
            #expect(text(seed: 4, sampler) == text(seed: 4, sampler))
            #expect(text(seed: 4, sampler) != text(seed: 5, sampler))
        }
        let greedy = text(seed: 1, Sampler(temperature: 0))
        #expect(greedy == text(seed: 2, Sampler(temperature: 0)), "greedy ignores the seed")
        #expect(!greedy.contains { [SpecialTokens.pad, SpecialTokens.bos].contains($0) })
    }

    /// The k most probable ids of a row (ties: smaller id first).
    func topK(_ logits: UnsafeBufferPointer<Float>, _ k: Int) -> Set<Int> {
        let allowed = logits.indices.filter { $0 != SpecialTokens.pad && $0 != SpecialTokens.bos }
        return Set(allowed.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }.prefix(k))
    }

    /// The smallest most-probable-first set whose probability reaches p.
    func nucleus(_ logits: UnsafeBufferPointer<Float>, _ p: Double) -> Set<Int> {
        let allowed = logits.indices.filter { $0 != SpecialTokens.pad && $0 != SpecialTokens.bos }
        let maximum = allowed.map { Double(logits[$0]) }.max()!
        let weights = Dictionary(uniqueKeysWithValues: allowed.map { ($0, exp(Double(logits[$0]) - maximum)) })
        let total = weights.values.reduce(0, +)
        var kept = Set<Int>(), mass = 0.0
        for id in allowed.sorted(by: { weights[$0]! != weights[$1]! ? weights[$0]! > weights[$1]! : $0 < $1 }) {
            kept.insert(id)
            mass += weights[id]!
            if mass >= p * total { break }
        }
        return kept
    }

    @Test(arguments: [(2, Float(1)), (5, Float(0.5)), (0, Float(0.6)), (0, Float(0.9)), (4, Float(0.7))])
    func drawsStayInsideTheTopKAndTopPSets(k: Int, p: Float) {
        let generator = LanguageModelGenerator(model: model)
        let sampler = Sampler(temperature: 1, topK: k, topP: p)
        var rng = Generator(seed: 8)
        var token = [SpecialTokens.eos], cut = 0
        for _ in 0..<300 {
            let logits = generator.step(token)
            var allowed = Set(logits.indices).subtracting([SpecialTokens.pad, SpecialTokens.bos])
            if k > 0 { allowed = topK(logits, k) }
            if p < 1 { allowed = allowed.intersection(nucleus(logits, Double(p))) }
            if allowed.count < 28 { cut += 1 }
            let next = sampler.sample(logits, using: &rng)
            #expect(allowed.contains(next), "drew \(next) outside \(allowed.sorted())")
            token[0] = next
        }
        #expect(cut > 100, "the sets should actually cut the vocabulary")
    }
}

/// The `StepModel` adapter: decoders from S2SDecoding see the same model the fast generator runs.
@Suite struct LanguageModelStepModelTests {
    let model = LMTestSupport.model(vocabulary: 25, hidden: 10, embedding: 6, seed: 5)

    @Test func samplerGenerateMatchesTheFastGenerator() {
        let lm = LanguageModelStepModel(model: model)
        var rng = Generator(seed: 3)
        let viaDecoding = Sampler(temperature: 0.9).generate(model: lm, state: lm.initialState(rows: 1), prompt: [7, 9],
                                                              maxTokens: 40, using: &rng)
        rng = Generator(seed: 3)
        let fast = LanguageModelGenerator(model: model)
            .generate(prompt: [SpecialTokens.bos, 7, 9], maxTokens: 40, sampler: Sampler(temperature: 0.9), rng: &rng)
        // Sampler.generate stops at </s>; the language model writes it as a line break and goes on.
        #expect(viaDecoding == Array(fast.prefix { $0 != SpecialTokens.eos }))
        #expect(!viaDecoding.isEmpty)
    }

    @Test func selectKeepsAndReordersRows() {
        let lm = LanguageModelStepModel(model: model)
        let first = lm.step(tokens: [5, 6], state: lm.initialState(rows: 2))
        let swapped = lm.step(tokens: [8, 8], state: lm.select(first.state, rows: [1, 0]))
        let direct = lm.step(tokens: [8], state: lm.select(first.state, rows: [1]))
        #expect(swapped.logProbs.shape == [2, 25])
        for v in 0..<25 { #expect(abs(swapped.logProbs[0, v] - direct.logProbs[0, v]) < 1e-6) }
        let total = (0..<25).reduce(0.0) { $0 + exp(Double(direct.logProbs[0, $1])) }
        #expect(abs(total - 1) < 1e-4, "log-probabilities")
    }
}
