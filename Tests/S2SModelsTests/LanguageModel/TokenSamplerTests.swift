import Testing
import Foundation
import S2SCore
@testable import S2SModels

@Suite struct TokenSamplerTests {
    // Probabilities ∝ e^logit: token 5 most likely, then 2, 7, 4, …
    let logits: [Float] = [0.5, -1, 2.0, -0.5, 1.0, 3.0, 0.0, 1.5]

    func sample(_ settings: SamplingSettings, banned: Set<Int> = [], draws: Int, seed: UInt64 = 1) -> [Int] {
        var sampler = TokenSampler(settings: settings, banned: banned)
        var rng = Generator(seed: seed)
        return logits.withUnsafeBufferPointer { p in (0..<draws).map { _ in sampler.sample(p, rng: &rng)! } }
    }

    @Test func temperatureZeroIsArgmaxAndSkipsBannedTokens() {
        #expect(sample(SamplingSettings(temperature: 0), draws: 3) == [5, 5, 5])
        #expect(sample(SamplingSettings(temperature: 0), banned: [5], draws: 1) == [2])
        var sampler = TokenSampler(settings: SamplingSettings(temperature: 0), banned: Set(0..<8))
        var rng = Generator(seed: 1)
        #expect(logits.withUnsafeBufferPointer { sampler.sample($0, rng: &rng) } == nil)
    }

    @Test func sameSeedSameTokensOtherSeedOtherTokens() {
        let settings = SamplingSettings(temperature: 1)
        #expect(sample(settings, draws: 200, seed: 4) == sample(settings, draws: 200, seed: 4))
        #expect(sample(settings, draws: 200, seed: 4) != sample(settings, draws: 200, seed: 5))
    }

    @Test func topKNeverLeavesTheKMostProbable() {
        let drawn = Set(sample(SamplingSettings(temperature: 1.5, topK: 3), draws: 3000))
        #expect(drawn == [5, 2, 7])   // all three appear, nothing else ever does
    }

    @Test func topPKeepsTheSmallestSetReachingP() {
        // Softmax of the logits: p(5) ≈ 0.52, p(2) ≈ 0.19, p(7) ≈ 0.12, p(4) ≈ 0.07, …: 0.8 needs three.
        var sampler = TokenSampler(settings: SamplingSettings(temperature: 1, topP: 0.8))
        let candidates = logits.withUnsafeBufferPointer { sampler.candidates($0) }
        #expect(candidates.map(\.id) == [5, 2, 7])
        #expect(abs(candidates.map(\.probability).reduce(0, +) - 1) < 1e-9)
        #expect(Set(sample(SamplingSettings(temperature: 1, topP: 0.8), draws: 3000)) == [5, 2, 7])
        // A tiny p still keeps the single most probable token.
        #expect(Set(sample(SamplingSettings(temperature: 1, topP: 0.01), draws: 50)) == [5])
        // Both cuts: top-k first, then top-p within it.
        #expect(Set(sample(SamplingSettings(temperature: 1, topK: 2, topP: 0.99), draws: 2000)) == [5, 2])
    }

    @Test func frequenciesFollowTheSoftmax() {
        let draws = sample(SamplingSettings(temperature: 1), draws: 20000, seed: 11)
        let total = logits.map { exp(Double($0)) }.reduce(0, +)
        for id in [5, 2, 1] {
            let expected = exp(Double(logits[id])) / total
            let observed = Double(draws.filter { $0 == id }.count) / Double(draws.count)
            #expect(abs(observed - expected) < 0.015, "token \(id): \(observed) vs \(expected)")
        }
    }

    @Test func lowTemperatureSharpens() {
        let cold = sample(SamplingSettings(temperature: 0.2), draws: 2000).filter { $0 == 5 }.count
        let hot = sample(SamplingSettings(temperature: 2), draws: 2000).filter { $0 == 5 }.count
        #expect(cold > 1900 && hot < 1000)
    }

    @Test func settingsProblems() {
        #expect(SamplingSettings().problem == nil)
        #expect(SamplingSettings(temperature: -1).problem != nil)
        #expect(SamplingSettings(topK: -2).problem != nil)
        #expect(SamplingSettings(topP: 0).problem != nil)
        #expect(SamplingSettings(topP: 1.5).problem != nil)
    }
}
