// Sampler: draws the next token from a row of log-probabilities — temperature, top-k and top-p
// (nucleus) filtering, in that order (as in Hugging Face transformers), with our seeded `Generator`,
// so the same seed gives the same tokens on every machine. Temperature 0 is greedy argmax. Pad and
// bos are never drawn, unk not with `banUnk`. Weights are computed in Double and summed in a fixed
// order; exactly one uniform draw per sampled token (none for argmax, i.e. temperature 0 or top-k 1).

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
/// Complexity: O(V) without top-p; top-k adds O(k) per entry that enters the running top k (few);
/// top-p sorts only the tokens with share > (1 − p)/V (a superset of the nucleus: every nucleus
/// token has at least that share), O(V + m log m) for m of them.
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
        let useTopK = topK > 0 && topK < v
        if !useTopK && topP >= 1 { return sampleAll(logProbs, banned: banned, using: &rng) }

        // The candidates, best first when top-k sorted them, in id order otherwise.
        var ids: [Int] = [], values: [Float] = []
        if useTopK {
            var top = TopK()
            top.select(from: logProbs, k: topK, excluding: banned)
            ids = top.indices; values = top.values
        } else {
            for (id, value) in logProbs.enumerated() where value > -.infinity && !banned.contains(id) {
                ids.append(id); values.append(value)
            }
        }
        guard let maximum = values.max() else { return SpecialTokens.eos }
        let scale = 1 / Double(temperature)
        var weights = values.map { exp((Double($0) - Double(maximum)) * scale) }

        if topP < 1 {
            var total = 0.0
            for w in weights { total += w }
            if !useTopK {   // keep a superset of the nucleus, then sort it best first
                let floor = 0.5 * (1 - Double(topP)) / Double(weights.count) * total
                var order = weights.indices.filter { weights[$0] > floor }
                order.sort { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : ids[$0] < ids[$1] }
                ids = order.map { ids[$0] }
                weights = order.map { weights[$0] }
            }
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

    /// Draws from every allowed token without storing weights: one pass for the maximum, one for
    /// the total (SIMD exp, summed per 16 in Double), one that walks the same sums to the drawn point.
    private func sampleAll(_ logProbs: UnsafeBufferPointer<Float>, banned: [Int], using rng: inout Generator) -> Int {
        guard let x = logProbs.baseAddress else { return SpecialTokens.eos }
        let v = logProbs.count
        var maximum = -Float.infinity, argmax = SpecialTokens.eos
        for id in 0..<v where x[id] > maximum && !banned.contains(id) { maximum = x[id]; argmax = id }
        guard maximum > -.infinity else { return SpecialTokens.eos }
        let shift = Float16x(repeating: maximum), scale = Float16x(repeating: Float(1 / Double(temperature)))
        @inline(__always) func weights(at start: Int) -> Float16x {
            var lanes = Float16x(repeating: -.infinity)
            if start + 16 <= v { lanes = x.loadVector(at: start) } else { for i in start..<v { lanes[i - start] = x[i] } }
            var w = VectorMath.exp((lanes - shift) * scale)
            for id in banned where id >= start && id < start + 16 { w[id - start] = 0 }
            return w
        }
        var total = 0.0, start = 0
        while start < v { total += Double(weights(at: start).sum()); start += 16 }
        let target = Double(rng.uniform()) * total
        var cumulative = 0.0
        start = 0
        while start < v {
            let w = weights(at: start)
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
