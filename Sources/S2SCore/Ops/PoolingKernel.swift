// Masked pooling over time: one vector per sequence from the padded, time-major outputs of an encoder,
// the step a sentence classifier takes between its LSTM and its output layer. Three fused ops:
//   max        y[b, d] = max_{t < len_b} x[t, b, d]            (gradient to the arg max only)
//   mean       y[b, d] = Σ_{t < len_b} x[t, b, d] / len_b
//   attention  a[t, b] = softmax_{t < len_b}(s[t, b]);  y[b, d] = Σ_t a[t, b] · x[t, b, d]
// Padded steps (t ≥ len_b) are never read; a sequence of length 0 pools to zeros and gets no gradient.
// Composing these from slices and reductions would put T tape entries and T temporaries per batch; each
// op here is one pass over x forward and one backward.
//
// Shapes: x [T, B, D] (time-major, as `lstmLayer` returns it), scores [T, B], lengths [B] → y [B, D].

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Forward/backward kernels of the pooling ops (plain loops: pooling is a few per cent of an LSTM pass).
public enum PoolingKernel {
    /// y[b] = max over the first lengths[b] steps; `argmax[b·D + d]` gets the step of the first maximum
    /// (−1 for an empty sequence, whose y row is 0).
    public static func maxForward(x: UnsafePointer<Float>, steps T: Int, batch B: Int, dimension D: Int,
                                  lengths: [Int], y: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>) {
        for b in 0..<B {
            let yb = y + b * D, ab = argmax + b * D
            guard lengths[b] > 0 else {
                yb.update(repeating: 0, count: D)
                ab.update(repeating: -1, count: D)
                continue
            }
            yb.update(from: x + b * D, count: D)   // step 0
            ab.update(repeating: 0, count: D)
            for t in 1..<lengths[b] {
                let xt = x + (t * B + b) * D
                for d in 0..<D where xt[d] > yb[d] {   // strict: the first maximum wins ties
                    yb[d] = xt[d]
                    ab[d] = Int32(t)
                }
            }
        }
    }

    /// dx[argmax, b, d] += dy[b, d].
    public static func maxBackward(dy: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, batch B: Int, dimension D: Int,
                                   dx: UnsafeMutablePointer<Float>) {
        for b in 0..<B {
            for d in 0..<D {
                let t = Int(argmax[b * D + d])
                if t >= 0 { dx[(t * B + b) * D + d] += dy[b * D + d] }
            }
        }
    }

    /// y[b] = mean of the first lengths[b] steps (0 for an empty sequence).
    public static func meanForward(x: UnsafePointer<Float>, steps T: Int, batch B: Int, dimension D: Int,
                                   lengths: [Int], y: UnsafeMutablePointer<Float>) {
        for b in 0..<B {
            let yb = y + b * D
            yb.update(repeating: 0, count: D)
            guard lengths[b] > 0 else { continue }
            for t in 0..<lengths[b] {
                let xt = x + (t * B + b) * D
                for d in 0..<D { yb[d] += xt[d] }
            }
            let scale = 1 / Float(lengths[b])
            for d in 0..<D { yb[d] *= scale }
        }
    }

    /// dx[t, b] += dy[b] / lengths[b] for t < lengths[b].
    public static func meanBackward(dy: UnsafePointer<Float>, steps T: Int, batch B: Int, dimension D: Int,
                                    lengths: [Int], dx: UnsafeMutablePointer<Float>) {
        for b in 0..<B where lengths[b] > 0 {
            let scale = 1 / Float(lengths[b]), dyb = dy + b * D
            for t in 0..<lengths[b] {
                let dxt = dx + (t * B + b) * D
                for d in 0..<D { dxt[d] += scale * dyb[d] }
            }
        }
    }

    /// weights[t, b] = softmax of scores[·, b] over t < lengths[b] (0 elsewhere); y[b] = Σ_t weights·x.
    public static func attentionForward(x: UnsafePointer<Float>, scores: UnsafePointer<Float>, steps T: Int, batch B: Int,
                                        dimension D: Int, lengths: [Int],
                                        weights: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>) {
        weights.update(repeating: 0, count: T * B)
        for b in 0..<B {
            let yb = y + b * D, n = lengths[b]
            yb.update(repeating: 0, count: D)
            guard n > 0 else { continue }
            var top = -Float.infinity
            for t in 0..<n { top = max(top, scores[t * B + b]) }
            var total: Float = 0
            for t in 0..<n {
                let e = expf(scores[t * B + b] - top)
                weights[t * B + b] = e
                total += e
            }
            for t in 0..<n {
                let a = weights[t * B + b] / total
                weights[t * B + b] = a
                let xt = x + (t * B + b) * D
                for d in 0..<D { yb[d] += a * xt[d] }
            }
        }
    }

    /// With g[t, b] = dy[b] · x[t, b] (the gradient of weight a[t, b]):
    /// dx[t, b] += a[t, b] · dy[b];  dScores[t, b] += a[t, b] · (g[t, b] − Σ_t' a[t', b] · g[t', b]).
    /// Either output may be nil when not wanted.
    public static func attentionBackward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                         steps T: Int, batch B: Int, dimension D: Int, lengths: [Int],
                                         dx: UnsafeMutablePointer<Float>?, dScores: UnsafeMutablePointer<Float>?) {
        var g = [Float](repeating: 0, count: T)
        for b in 0..<B where lengths[b] > 0 {
            let dyb = dy + b * D, n = lengths[b]
            var weighted: Float = 0
            for t in 0..<n {
                let xt = x + (t * B + b) * D, a = weights[t * B + b]
                var dot: Float = 0
                for d in 0..<D { dot += dyb[d] * xt[d] }
                g[t] = dot
                weighted += a * dot
                if let dx {
                    let dxt = dx + (t * B + b) * D
                    for d in 0..<D { dxt[d] += a * dyb[d] }
                }
            }
            if let dScores {
                for t in 0..<n { dScores[t * B + b] += weights[t * B + b] * (g[t] - weighted) }
            }
        }
    }
}

extension Tape {
    /// Element-wise maximum over each sequence's real steps: x [T, B, D] → [B, D].
    ///
    ///     let (outputs, _, _) = encoder(ids: ids, lengths: lengths, tape: tape)   // [T, B, 2H]
    ///     let sentence = tape.maxPool(outputs, lengths: lengths)                 // [B, 2H]
    ///
    /// Complexity: O(T·B·D) forward, O(B·D) backward.
    public func maxPool(_ x: Variable, lengths: [Int]) -> Variable {
        let (T, B, D) = Self.poolingShape(x, lengths: lengths, "maxPool")
        var y = Tensor(zeros: [B, D])
        var argmax = [Int32](repeating: -1, count: B * D)
        x.value.withPointer { px in
            y.withMutablePointer { py in
                argmax.withUnsafeMutableBufferPointer {
                    PoolingKernel.maxForward(x: px, steps: T, batch: B, dimension: D, lengths: lengths, y: py, argmax: $0.baseAddress!)
                }
            }
        }
        let output = Variable(y, requiresGrad: needsGrad(x))
        guard output.requiresGrad else { return output }
        record("maxPool") {
            guard let dy = output.grad else { return }
            dy.withPointer { pdy in
                argmax.withUnsafeBufferPointer { pa in
                    x.withGradPointer { PoolingKernel.maxBackward(dy: pdy, argmax: pa.baseAddress!, batch: B, dimension: D, dx: $0) }
                }
            }
        }
        return output
    }

    /// Mean over each sequence's real steps: x [T, B, D] → [B, D].
    ///
    ///     let sentence = tape.meanPool(outputs, lengths: lengths)   // [B, D]
    ///
    /// Complexity: O(T·B·D) forward and backward.
    public func meanPool(_ x: Variable, lengths: [Int]) -> Variable {
        let (T, B, D) = Self.poolingShape(x, lengths: lengths, "meanPool")
        var y = Tensor(zeros: [B, D])
        x.value.withPointer { px in
            y.withMutablePointer { PoolingKernel.meanForward(x: px, steps: T, batch: B, dimension: D, lengths: lengths, y: $0) }
        }
        let output = Variable(y, requiresGrad: needsGrad(x))
        guard output.requiresGrad else { return output }
        record("meanPool") {
            guard let dy = output.grad else { return }
            dy.withPointer { pdy in
                x.withGradPointer {
                    PoolingKernel.meanBackward(dy: pdy, steps: T, batch: B, dimension: D, lengths: lengths, dx: $0)
                }
            }
        }
        return output
    }

    /// Attention-weighted sum: softmax of `scores` [T, B] over each sequence's real steps, then the
    /// weighted sum of x [T, B, D]. Returns the pooled [B, D] and the weights [T, B] (0 at padding).
    ///
    ///     let scores = tape.reshape(tape.linear(tape.tanh(tape.linear(outputs, …)), weight: v, bias: nil), to: [T, B])
    ///     let (sentence, weights) = tape.attentionPool(outputs, scores: scores, lengths: lengths)
    ///
    /// Complexity: O(T·B·D) forward and backward.
    public func attentionPool(_ x: Variable, scores: Variable, lengths: [Int]) -> (pooled: Variable, weights: Variable) {
        let (T, B, D) = Self.poolingShape(x, lengths: lengths, "attentionPool")
        precondition(scores.shape == [T, B], "attentionPool: scores must be [\(T), \(B)], got \(scores.shape)")
        var y = Tensor(zeros: [B, D]), weights = Tensor(zeros: [T, B])
        x.value.withPointer { px in
            scores.value.withPointer { ps in
                weights.withMutablePointer { pw in
                    y.withMutablePointer {
                        PoolingKernel.attentionForward(x: px, scores: ps, steps: T, batch: B, dimension: D, lengths: lengths,
                                                       weights: pw, y: $0)
                    }
                }
            }
        }
        let needs = needsGrad(x, scores)
        let output = Variable(y, requiresGrad: needs)
        let weightsVar = Variable(weights, requiresGrad: false)   // reported, not differentiated through
        guard needs else { return (output, weightsVar) }
        record("attentionPool") {
            guard let dy = output.grad else { return }
            dy.withPointer { pdy in
                x.value.withPointer { px in
                    weights.withPointer { pw in
                        withGradIfNeeded(x) { dx in
                            withGradIfNeeded(scores) { ds in
                                PoolingKernel.attentionBackward(dy: pdy, x: px, weights: pw, steps: T, batch: B, dimension: D,
                                                                lengths: lengths, dx: dx, dScores: ds)
                            }
                        }
                    }
                }
            }
        }
        return (output, weightsVar)
    }

    private static func poolingShape(_ x: Variable, lengths: [Int], _ op: String) -> (Int, Int, Int) {
        precondition(x.shape.count == 3, "\(op): x must be [T, B, D], got \(x.shape)")
        let T = x.shape[0], B = x.shape[1], D = x.shape[2]
        precondition(lengths.count == B && lengths.allSatisfy { $0 >= 0 && $0 <= T },
                     "\(op): lengths \(lengths) for [T=\(T), B=\(B)]")
        return (T, B, D)
    }
}
