// Inverted dropout: in training, each element is zeroed with probability p and the survivors are
// scaled by 1/(1−p), so the expected value is unchanged and inference needs no rescaling. The mask is
// drawn from the tape's generator (seeded runs are reproducible) and reused by backward.

public enum DropoutKernel {
    /// mask[i] = 0 with probability p, else 1/(1−p); draws one uniform per element from `rng`.
    public static func drawMask(count: Int, probability p: Float, rng: inout Generator,
                                mask: UnsafeMutablePointer<Float>) {
        let keptScale: Float = p < 1 ? 1 / (1 - p) : 0
        for i in 0..<count { mask[i] = rng.uniform() < p ? 0 : keptScale }
    }

    /// y = x · mask.
    public static func forward(count: Int, x: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                               y: UnsafeMutablePointer<Float>) {
        ElementwiseKernel.multiply(count: count, x, mask, y)
    }

    /// dx += dy · mask.
    public static func backward(count: Int, dy: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>) {
        ElementwiseKernel.accumulateProduct(count: count, dy: dy, mask, into: dx)
    }
}

extension Tape {
    /// Zeroes each element with probability `probability` (0 ≤ p ≤ 1) and scales the rest by 1/(1−p)
    /// when the tape is training; otherwise (or when p = 0) returns `x` itself.
    ///
    ///     let tape = Tape(training: true, rng: Generator(seed: 1))
    ///     let h = tape.dropout(embedded, probability: 0.3)   // same shape as `embedded`
    public func dropout(_ x: Variable, probability: Float) -> Variable {
        precondition(probability >= 0 && probability <= 1, "dropout: probability \(probability) outside [0, 1]")
        guard isTraining && probability > 0 else { return x }
        let count = x.value.count
        var mask = Tensor(zeros: x.shape), y = Tensor(zeros: x.shape)
        var generator = rng   // a local copy: one exclusive access instead of one per element
        mask.withMutablePointer { DropoutKernel.drawMask(count: count, probability: probability, rng: &generator, mask: $0) }
        rng = generator
        x.value.withPointer { px in
            mask.withPointer { pm in y.withMutablePointer { DropoutKernel.forward(count: count, x: px, mask: pm, y: $0) } }
        }
        let output = Variable(y, requiresGrad: needsGrad(x))
        guard output.requiresGrad else { return output }
        record("dropout") {
            guard let dy = output.grad else { return }
            dy.withPointer { pdy in
                mask.withPointer { pm in x.withGradPointer { DropoutKernel.backward(count: count, dy: pdy, mask: pm, dx: $0) } }
            }
        }
        return output
    }
}
