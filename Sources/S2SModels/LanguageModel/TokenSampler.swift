// Choosing the next token from a model's logits: greedy (temperature 0), or sampling from the
// softmax at a temperature, optionally cut to the k most probable tokens (top-k) and/or to the
// smallest set whose probability reaches p (top-p, nucleus). Draws come from our seeded `Generator`,
// so a seed gives the same text on every run.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import S2SCore

/// The knobs of sampling.
public struct SamplingSettings: Sendable, Equatable {
    /// Divides the logits; below 1 sharpens, above 1 flattens; 0 = greedy (argmax).
    public var temperature: Float
    /// Keep only the k most probable tokens (ties: the smaller id); 0 = no cut.
    public var topK: Int
    /// Keep the most probable tokens until their probability reaches p (at least one); 1 = no cut.
    public var topP: Float

    public init(temperature: Float = 1, topK: Int = 0, topP: Float = 1) {
        self.temperature = temperature; self.topK = topK; self.topP = topP
    }

    /// Why these settings are unusable, or nil.
    public var problem: String? {
        if !(temperature >= 0) || !temperature.isFinite { return "the temperature must be 0 (greedy) or positive" }
        if topK < 0 { return "top-k must be 0 (off) or positive" }
        if !(topP > 0 && topP <= 1) { return "top-p must be in (0, 1]" }
        return nil
    }
}

/// Picks tokens from logits. Reuses its scratch buffers: no allocation per token once warmed up.
///
///     var sampler = TokenSampler(settings: SamplingSettings(temperature: 0.8, topK: 40), banned: [0, 1, 2])
///     var rng = Generator(seed: 7)
///     let next = sampler.sample(generator.logits(row: 0), rng: &rng)
///
/// Complexity per token: O(V) without top-p; O(V log V) with top-p or top-k (a sort of the candidates).
public struct TokenSampler {
    public var settings: SamplingSettings
    /// Ids never chosen (for a language model: `<pad>`, `<unk>`, `<s>`).
    public var banned: Set<Int>
    private var ids: [Int] = []
    private var weights: [Double] = []

    public init(settings: SamplingSettings, banned: Set<Int> = []) {
        self.settings = settings
        self.banned = banned
    }

    /// The next token. Returns nil only when every token is banned or scores −∞/NaN.
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>, rng: inout Generator) -> Int? {
        if settings.temperature == 0 { return argmax(logits) }
        guard let count = prepareCandidates(logits) else { return nil }
        var total = 0.0
        for i in 0..<count { total += weights[i] }
        // A uniform Double in [0, total) from 53 random bits; walk the cumulative weights.
        let u = Double(rng.next() >> 11) * (1.0 / 9_007_199_254_740_992.0) * total
        var cumulative = 0.0
        for i in 0..<count {
            cumulative += weights[i]
            if u < cumulative { return ids[i] }
        }
        return ids[count - 1]
    }

    /// The tokens sampling may choose from, with their renormalised probabilities (most probable
    /// first when top-k or top-p cut). For tests and for showing a distribution.
    public mutating func candidates(_ logits: UnsafeBufferPointer<Float>) -> [(id: Int, probability: Double)] {
        if settings.temperature == 0 { return argmax(logits).map { [($0, 1)] } ?? [] }
        guard let count = prepareCandidates(logits) else { return [] }
        let total = weights[0..<count].reduce(0, +)
        return (0..<count).map { (ids[$0], weights[$0] / total) }
    }

    /// The most probable allowed token (ties: the smaller id).
    private func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int? {
        var best: Int? = nil, bestScore = -Float.infinity
        for (id, score) in logits.enumerated() where score > bestScore && !banned.contains(id) {
            best = id; bestScore = score
        }
        return best
    }

    /// Fills ids[0..<n] and their unnormalised weights e^{(x − max)/T}; returns n.
    private mutating func prepareCandidates(_ logits: UnsafeBufferPointer<Float>) -> Int? {
        let v = logits.count
        if ids.count < v { ids = [Int](repeating: 0, count: v); weights = [Double](repeating: 0, count: v) }
        var maximum = -Float.infinity
        for (id, score) in logits.enumerated() where score > maximum && !banned.contains(id) { maximum = score }
        guard maximum > -.infinity else { return nil }
        let inverseT = 1 / Double(settings.temperature)
        var n = 0
        for (id, score) in logits.enumerated() where score > -.infinity && !banned.contains(id) {
            ids[n] = id
            weights[n] = exp(Double(score - maximum) * inverseT)
            n += 1
        }
        let cutK = settings.topK > 0 && settings.topK < n
        guard cutK || settings.topP < 1 else { return n }
        // Most probable first, ties by id: the order both cuts are defined in.
        var order = Array(0..<n)
        order.sort { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : ids[$0] < ids[$1] }
        if cutK { order.removeLast(n - settings.topK) }
        if settings.topP < 1 {
            let total = order.reduce(0.0) { $0 + weights[$1] }
            var cumulative = 0.0, keep = 0
            for index in order {
                cumulative += weights[index]
                keep += 1
                if cumulative >= Double(settings.topP) * total { break }
            }
            order.removeLast(order.count - keep)
        }
        let keptIds = order.map { ids[$0] }, keptWeights = order.map { weights[$0] }
        for (i, (id, weight)) in zip(keptIds, keptWeights).enumerated() { ids[i] = id; weights[i] = weight }
        return keptIds.count
    }
}
