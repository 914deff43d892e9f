// Sampler: draws the next token from a row of log-probabilities — temperature, top-k and top-p
// (nucleus) filtering, in that order (as in Hugging Face transformers), with our seeded `Generator`,
// so the same seed gives the same tokens on every machine. Temperature 0 is greedy argmax. Pad and
// bos are never drawn, unk not with `banUnk`. Weights are exp((logp − max) / temperature) — SIMD
// Float over the whole row, Double for the k of top-k — summed in Double in a fixed order; exactly
// one uniform draw per sampled token (none for argmax, i.e. temperature 0 or top-k 1).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import S2SCore

/// Sampling settings and the draw itself.
///
///     var rng = Generator(seed: 1)
///     let sampler = Sampler(temperature: 0.8, topK: 40, topP: 0.95)
///     let next = sampler.sample(logProbs, using: &rng)     // logProbs: [Float] of V
///
/// With weights w_v = exp((logp_v − max) / temperature) over the allowed tokens:
/// - `topK` k > 0 keeps the k largest (ties: smaller id first);
/// - `topP` p < 1 then keeps the smallest set of the largest weights whose share of the kept mass
///   is ≥ p (always at least one token);
/// - a token is drawn with probability w_v / Σ kept w.
///
/// Complexity: O(V) for every setting — top-k adds O(k) per entry that enters the running top k
/// (few), top-p sorts only the tokens of one binade of weights (the one where the nucleus ends).
public struct Sampler: Sendable, Equatable {
    /// Divides the log-probabilities before the draw: < 1 sharpens, > 1 flattens, 0 = argmax.
    public var temperature: Float
    /// Keep only the k most probable tokens; 0 = all.
    public var topK: Int
    /// Keep only the nucleus of this probability mass; 1 = all.
    public var topP: Float
    /// Never draw the unknown token (id 1).
    public var banUnk: Bool

    public init(temperature: Float = 1, topK: Int = 0, topP: Float = 1, banUnk: Bool = false) {
        precondition(temperature >= 0, "temperature must be ≥ 0")
        precondition(topK >= 0, "top-k must be ≥ 0")
        precondition(topP > 0 && topP <= 1, "top-p must lie in (0, 1]")
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.banUnk = banUnk
    }

    /// One token from a row of V log-probabilities. eos when every allowed token is −∞.
    public func sample(_ logProbs: UnsafeBufferPointer<Float>, using rng: inout Generator) -> Int {
        let banned = banUnk ? [SpecialTokens.pad, SpecialTokens.bos, SpecialTokens.unk]
                            : [SpecialTokens.pad, SpecialTokens.bos]
        let v = logProbs.count
        if temperature == 0 || topK == 1 {
            var top = TopK()
            top.select(from: logProbs, k: 1, excluding: banned)
            return top.count == 1 ? top.indices[0] : SpecialTokens.eos
        }
        if topK > 0 && topK < v { return sampleTopK(logProbs, banned: banned, using: &rng) }
        if topP < 1 { return sampleNucleus(logProbs, banned: banned, using: &rng) }
        return sampleAll(logProbs, banned: banned, using: &rng)
    }

    /// One token per row of `logProbs` [N, V].
    public func sample(rows logProbs: Tensor, using rng: inout Generator) -> [Int] {
        precondition(logProbs.rank == 2, "sample(rows:) takes [N, V], got \(logProbs.shape)")
        let (n, v) = (logProbs.shape[0], logProbs.shape[1])
        return logProbs.withUnsafeBufferPointer { all in
            (0..<n).map { sample(UnsafeBufferPointer(rebasing: all[($0 * v)..<($0 * v + v)]), using: &rng) }
        }
    }

    /// One token from a [V] array of log-probabilities.
    public func sample(_ logProbs: [Float], using rng: inout Generator) -> Int {
        logProbs.withUnsafeBufferPointer { sample($0, using: &rng) }
    }

    // MARK: - Draws

    /// Top-k (then top-p over the k, renormalised): the k best sorted, weights in Double.
    private func sampleTopK(_ logProbs: UnsafeBufferPointer<Float>, banned: [Int], using rng: inout Generator) -> Int {
        var top = TopK()
        top.select(from: logProbs, k: topK, excluding: banned)
        guard top.count > 0 else { return SpecialTokens.eos }
        let maximum = Double(top.values[0]), scale = 1 / Double(temperature)
        var ids = top.indices
        var weights = top.values.map { exp((Double($0) - maximum) * scale) }
        if topP < 1 {   // the smallest best-first prefix holding ≥ p of the mass
            var total = 0.0
            for w in weights { total += w }
            let target = Double(topP) * total
            var cumulative = 0.0, kept = weights.count
            for (i, w) in weights.enumerated() {
                cumulative += w
                if cumulative >= target { kept = i + 1; break }
            }
            ids.removeSubrange(kept...)
            weights.removeSubrange(kept...)
        }
        return draw(ids: ids, weights: weights, using: &rng)
    }

    /// Top-p without top-k, without sorting V: the weights' mass is binned by binade (w in
    /// [2^−b−1, 2^−b) → bin b, the best token has w = 1); bins are taken best first while they stay
    /// under p of the mass, and only the bin that crosses p is sorted (weight descending, then id)
    /// and cut where the mass reaches p. Tokens of the bins above it are all in the nucleus.
    private func sampleNucleus(_ logProbs: UnsafeBufferPointer<Float>, banned: [Int], using rng: inout Generator) -> Int {
        guard let (maximum, _) = Self.maximum(logProbs, banned: banned) else { return SpecialTokens.eos }
        let v = logProbs.count
        var weights = [Float].uninitialized(v)
        weights.withUnsafeMutableBufferPointer { w in
            var start = 0
            while start < v {
                let chunk = Self.weights(logProbs, at: start, maximum: maximum, temperature: temperature, banned: banned)
                for lane in 0..<min(16, v - start) { w[start + lane] = chunk[lane] }
                start += 16
            }
        }
        @inline(__always) func bin(_ w: Float) -> Int { min(63, -Int(w.exponent)) }
        var mass = [Double](repeating: 0, count: 64)
        for w in weights where w > 0 { mass[bin(w)] += Double(w) }
        var total = 0.0
        for m in mass { total += m }
        let target = Double(topP) * total
        var above = 0.0, boundary = 63
        for b in 0..<64 {
            if above + mass[b] >= target { boundary = b; break }
            above += mass[b]
        }
        var ids: [Int] = [], edge: [Int] = []
        for (id, w) in weights.enumerated() where w > 0 {
            let b = bin(w)
            if b < boundary { ids.append(id) } else if b == boundary { edge.append(id) }
        }
        edge.sort { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
        var cumulative = above
        for id in edge {
            ids.append(id)
            cumulative += Double(weights[id])
            if cumulative >= target { break }
        }
        return draw(ids: ids, weights: ids.map { Double(weights[$0]) }, using: &rng)
    }

    /// Draws from every allowed token without storing weights: one pass for the maximum, one for
    /// the total (SIMD exp, summed per 16 in Double), one that walks the same sums to the drawn point.
    private func sampleAll(_ logProbs: UnsafeBufferPointer<Float>, banned: [Int], using rng: inout Generator) -> Int {
        guard let (maximum, argmax) = Self.maximum(logProbs, banned: banned) else { return SpecialTokens.eos }
        let v = logProbs.count
        var total = 0.0, start = 0
        while start < v {
            total += Double(Self.weights(logProbs, at: start, maximum: maximum, temperature: temperature, banned: banned).sum())
            start += 16
        }
        let target = Double(rng.uniform()) * total
        var cumulative = 0.0
        start = 0
        while start < v {
            let w = Self.weights(logProbs, at: start, maximum: maximum, temperature: temperature, banned: banned)
            let chunk = Double(w.sum())
            if cumulative + chunk > target {   // the drawn point lies in this chunk
                var last = argmax
                for lane in 0..<16 where w[lane] > 0 {
                    cumulative += Double(w[lane]); last = start + lane
                    if cumulative > target { return last }
                }
                return last   // lane sums fell a rounding short of the chunk sum
            }
            cumulative += chunk
            start += 16
        }
        return argmax   // only with NaN inputs
    }

    /// The largest allowed log-probability and its id; nil when all are −∞ (or banned).
    private static func maximum(_ x: UnsafeBufferPointer<Float>, banned: [Int]) -> (Float, Int)? {
        var maximum = -Float.infinity, argmax = -1
        for id in x.indices where x[id] > maximum && !banned.contains(id) { maximum = x[id]; argmax = id }
        return argmax >= 0 ? (maximum, argmax) : nil
    }

    /// exp((x − maximum) / temperature) for the 16 ids from `start` (0 past the end and for banned ids).
    @inline(__always)
    private static func weights(_ x: UnsafeBufferPointer<Float>, at start: Int, maximum: Float, temperature: Float,
                                banned: [Int]) -> Float16x {
        var lanes = Float16x(repeating: -.infinity)
        if start + 16 <= x.count {
            lanes = x.baseAddress!.loadVector(at: start)
        } else {
            for i in start..<x.count { lanes[i - start] = x[i] }
        }
        var w = VectorMath.exp((lanes - Float16x(repeating: maximum)) * Float16x(repeating: 1 / temperature))
        for id in banned where id >= start && id < start + 16 { w[id - start] = 0 }
        return w
    }

    private func draw(ids: [Int], weights: [Double], using rng: inout Generator) -> Int {
        var total = 0.0
        for w in weights { total += w }
        let target = Double(rng.uniform()) * total
        var cumulative = 0.0
        for (id, w) in zip(ids, weights) {
            cumulative += w
            if cumulative > target { return id }
        }
        return ids.last ?? SpecialTokens.eos
    }
}
