import Testing
import S2STestSupport
import S2SCore
@testable import S2SDecoding

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A log-softmaxed random row of V; pad and bos at −∞ so "the distribution" is unambiguous.
private func randomRow(_ v: Int, seed: UInt64, spread: Float = 2) -> [Float] {
    var rng = Generator(seed: seed)
    var logits = (0..<v).map { _ in spread * rng.normal() }
    logits[SpecialTokens.pad] = -.infinity
    logits[SpecialTokens.bos] = -.infinity
    return LogSoftmaxKernel.apply(Tensor(shape: [v], scalars: logits)).scalars
}

/// Probabilities ∝ exp(logp / temperature), in Double.
private func probabilities(_ row: [Float], temperature: Double = 1) -> [Double] {
    let m = Double(row.max()!)
    let w = row.map { exp((Double($0) - m) / temperature) }
    let total = w.reduce(0, +)
    return w.map { $0 / total }
}

/// Ids by probability, best first (ties: smaller id).
private func ranked(_ p: [Double]) -> [Int] {
    p.indices.sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }
}

/// Pearson's χ² of observed counts against expected probabilities (cells with p > 0).
private func chiSquare(_ counts: [Int], _ p: [Double]) -> Double {
    let n = Double(counts.reduce(0, +))
    return zip(counts, p).reduce(0) { $0 + ($1.1 > 0 ? pow(Double($1.0) - n * $1.1, 2) / (n * $1.1) : 0) }
}

@Test func temperatureZeroIsArgmax() {
    var rng = Generator(seed: 1)
    for seed in 0..<50 as Range<UInt64> {
        let row = randomRow(37, seed: seed)
        let expected = ranked(probabilities(row))[0]
        #expect(Sampler(temperature: 0).sample(row, using: &rng) == expected)
        #expect(Sampler(topK: 1).sample(row, using: &rng) == expected)
    }
    // Ties go to the smaller id; pad and bos are never chosen even when they are the largest.
    let tied: [Float] = [0, -1, 0, -2, -1, -1, -3]
    #expect(Sampler(temperature: 0).sample(tied, using: &rng) == 1)
    #expect(Sampler(temperature: 0, banUnk: true).sample(tied, using: &rng) == 4)
    let before = rng
    _ = Sampler(temperature: 0).sample(tied, using: &rng)
    #expect(rng == before, "argmax draws no random number")
}

@Test func topKNeverLeavesTheTopK() {
    var rng = Generator(seed: 2)
    for seed in 0..<10 as Range<UInt64> {
        let row = randomRow(50, seed: seed)
        for k in [2, 5, 17] {
            let allowed = Set(ranked(probabilities(row)).prefix(k))
            let sampler = Sampler(temperature: 1.3, topK: k)
            for _ in 0..<300 { #expect(allowed.contains(sampler.sample(row, using: &rng))) }
        }
    }
}

@Test func topPNeverLeavesTheNucleus() {
    var rng = Generator(seed: 3)
    for seed in 0..<10 as Range<UInt64> {
        let row = randomRow(60, seed: seed)
        for (p, temperature) in [(0.5, 1.0), (0.9, 1.0), (0.8, 0.7), (0.05, 1.0)] {
            let probs = probabilities(row, temperature: temperature)
            var nucleus = Set<Int>(), mass = 0.0
            // (a hair of slack: the sampler's Float weights may round a boundary token either way)
            for id in ranked(probs) where mass < p + 1e-5 { nucleus.insert(id); mass += probs[id] }
            let sampler = Sampler(temperature: Float(temperature), topP: Float(p))
            var seen = Set<Int>()
            for _ in 0..<400 {
                let token = sampler.sample(row, using: &rng)
                seen.insert(token)
                #expect(nucleus.contains(token), "p \(p): token \(token) outside the nucleus \(nucleus.sorted())")
            }
            #expect(!seen.isEmpty)
        }
    }
}

@Test func topPBreaksTiesBySmallerId() {
    // Ten equal tokens (3…12): p = 0.35 needs four of them, the four smallest ids.
    var row = [Float](repeating: -.infinity, count: 40)
    for id in 3...12 { row[id] = -2.302585 }
    var rng = Generator(seed: 5)
    var seen = Set<Int>()
    for _ in 0..<400 { seen.insert(Sampler(topP: 0.35).sample(row, using: &rng)) }
    #expect(seen == [3, 4, 5, 6])
}

@Test func sameSeedSameSequence() {
    let row = randomRow(40, seed: 9)
    for sampler in [Sampler(), Sampler(temperature: 0.7, topK: 10), Sampler(topP: 0.8), Sampler(topK: 20, topP: 0.9)] {
        var first = Generator(seed: 42), second = Generator(seed: 42), other = Generator(seed: 43)
        let a = (0..<300).map { _ in sampler.sample(row, using: &first) }
        let b = (0..<300).map { _ in sampler.sample(row, using: &second) }
        let c = (0..<300).map { _ in sampler.sample(row, using: &other) }
        #expect(a == b)
        #expect(a != c)
    }
}

@Test func drawsFollowTheDistribution() {
    var rng = Generator(seed: 4)
    let draws = 10_000
    let row = randomRow(37, seed: 5, spread: 1)
    // χ² with ~35 degrees of freedom: mean 35, the 99.99% point is about 75.
    func check(_ sampler: Sampler, _ expected: [Double], degreesOfFreedom: Int) {
        var counts = [Int](repeating: 0, count: row.count)
        for _ in 0..<draws { counts[sampler.sample(row, using: &rng)] += 1 }
        let statistic = chiSquare(counts, expected)
        #expect(statistic < Double(degreesOfFreedom) + 6 * Double(2 * degreesOfFreedom).squareRoot(),
                "χ² = \(statistic) with \(degreesOfFreedom) degrees of freedom")
    }
    check(Sampler(), probabilities(row), degreesOfFreedom: 34)
    check(Sampler(temperature: 0.6), probabilities(row, temperature: 0.6), degreesOfFreedom: 34)
    // Top-k: the k best renormalised.
    let probs = probabilities(row), top = Array(ranked(probs).prefix(6))
    var renormalised = [Double](repeating: 0, count: row.count)
    let mass = top.reduce(0) { $0 + probs[$1] }
    for id in top { renormalised[id] = probs[id] / mass }
    check(Sampler(topK: 6), renormalised, degreesOfFreedom: 5)
    // Bans: unk never drawn.
    var banned = probabilities(row)
    banned[SpecialTokens.unk] = 0
    let rest = banned.reduce(0, +)
    check(Sampler(banUnk: true), banned.map { $0 / rest }, degreesOfFreedom: 33)
}

@Test func generateStreamsUntilEos() {
    let a = 4, b = 5, c = 6
    let model = ToyModel.table(vocabularySize: 8) { prefix in
        switch prefix {
        case []: return [a: 1]
        case [a]: return [b: 1]
        case [a, b]: return [c: 1]
        default: return [SpecialTokens.eos: 1]
        }
    }
    var rng = Generator(seed: 1)
    var streamed: [Int] = []
    let all = Sampler().generate(model: model, state: model.initialState([0]), maxTokens: 10, using: &rng) {
        streamed.append($0); return true
    }
    #expect(all == [a, b, c] && streamed == all)
    #expect(model.calls.stepRows.count == 4)   // a, b, c, then eos

    let afterPrompt = Sampler(temperature: 0).generate(model: model, state: model.initialState([0]), prompt: [a],
                                                       maxTokens: 10, using: &rng)
    #expect(afterPrompt == [b, c])
    let capped = Sampler().generate(model: model, state: model.initialState([0]), maxTokens: 2, using: &rng)
    #expect(capped == [a, b])
    let stopped = Sampler().generate(model: model, state: model.initialState([0]), maxTokens: 10, using: &rng) { _ in false }
    #expect(stopped == [a])
    #expect(Sampler().generate(model: model, state: model.initialState([0]), maxTokens: 0, using: &rng).isEmpty)
}

@Test func generateIsReproducible() {
    let model = ToyModel.random(vocabularySize: 45, seed: 21)
    var first = Generator(seed: 8), second = Generator(seed: 8)
    let sampler = Sampler(temperature: 0.9, topP: 0.95)
    let x = sampler.generate(model: model, state: model.initialState([0]), prompt: [7, 9], maxTokens: 30, using: &first)
    let y = sampler.generate(model: model, state: model.initialState([0]), prompt: [7, 9], maxTokens: 30, using: &second)
    #expect(x == y && !x.isEmpty)
}
