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
            return sampler.generate(model: generator, state: generator.initialState(), prompt: [SpecialTokens.eos, 7, 9],
                                    start: nil, maxTokens: 150, stopAtEOS: false, using: &rng)
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
        var token = [SpecialTokens.eos], cut = 0, state = generator.initialState()
        for _ in 0..<300 {
            let out = generator.step(tokens: token, state: state)
            state = out.state
            let next = out.logProbs.scalars.withUnsafeBufferPointer { logits -> Int in
                var allowed = Set(logits.indices).subtracting([SpecialTokens.pad, SpecialTokens.bos])
                if k > 0 { allowed = topK(logits, k) }
                if p < 1 { allowed = allowed.intersection(nucleus(logits, Double(p))) }
                if allowed.count < 28 { cut += 1 }
                let drawn = sampler.sample(logits, using: &rng)
                #expect(allowed.contains(drawn), "drew \(drawn) outside \(allowed.sorted())")
                return drawn
            }
            token[0] = next
        }
        #expect(cut > 100, "the sets should actually cut the vocabulary")
    }
}

/// The tape-run oracle (`LanguageModelStepModel`, a T = 1 forward pass per step) and the fast generator
/// are the same StepModel: the same tokens from the one sampling loop, and the same beam search.
@Suite struct LanguageModelStepModelTests {
    let model = LMTestSupport.model(vocabulary: 25, hidden: 10, embedding: 6, seed: 5)

    @Test func theOracleAndTheFastGeneratorSampleTheSameText() {
        let lm = LanguageModelStepModel(model: model), fast = LanguageModelGenerator(model: model)
        let sampler = Sampler(temperature: 0.9)
        var rng = Generator(seed: 3)
        let viaTape = sampler.generate(model: lm, state: lm.initialState(rows: 1), prompt: [7, 9], maxTokens: 40,
                                       stopAtEOS: false, using: &rng)
        rng = Generator(seed: 3)
        let viaGenerator = sampler.generate(model: fast, state: fast.initialState(), prompt: [7, 9], maxTokens: 40,
                                            stopAtEOS: false, using: &rng)
        #expect(viaTape == viaGenerator && viaTape.count == 40)
        rng = Generator(seed: 3)
        let stopped = sampler.generate(model: fast, state: fast.initialState(), prompt: [7, 9], maxTokens: 40, using: &rng)
        #expect(stopped == Array(viaGenerator.prefix { $0 != SpecialTokens.eos }), "stopAtEOS ends at the first </s>")
    }

    @Test func beamSearchRunsOverTheGeneratorAsOverTheOracle() {
        let lm = LanguageModelStepModel(model: model), fast = LanguageModelGenerator(model: model)
        let search = BeamSearch(beamSize: 4)
        let a = search.decode(lm, initialState: lm.initialState(rows: 2), maxLengths: [12, 12])
        let b = search.decode(fast, initialState: fast.initialState(rows: 2), maxLengths: [12, 12])
        #expect(a.map { $0.map(\.tokens) } == b.map { $0.map(\.tokens) })
    }
}
