import Testing
@testable import S2SCore

/// `lstmLayer(projectedInput: true)` — x·W_ihᵀ computed outside the layer — gives the same outputs
/// and the same gradients (for x, through the projection, and for every weight) as the plain layer.
@Suite struct LSTMProjectedInputTests {
    @Test func matchesThePlainLayerForwardAndBackward() {
        var rng = Generator(seed: 31)
        let (T, B, I, H) = (5, 3, 4, 6)
        let w = LSTMLayerTests.weights(input: I, hidden: H, rng: &rng)
        let x = Variable(.normal([T, B, I], using: &rng), requiresGrad: true)
        let h0 = Variable(.normal([1, B, H], std: 0.5, using: &rng), requiresGrad: true)
        let c0 = Variable(.normal([1, B, H], std: 0.5, using: &rng), requiresGrad: true)
        let lengths = [5, 2, 4]
        let g = Tensor.normal([T, B, H], using: &rng)
        let parameters = [x, h0, c0, w.weightIH, w.weightHH, w.biasIH!, w.biasHH!]

        func run(projected: Bool) -> (output: Tensor, h: Tensor, grads: [Tensor]) {
            for p in parameters { p.zeroGrad() }
            let tape = Tape()
            let input = projected ? tape.linear(x, weight: w.weightIH, bias: nil) : x
            let (y, h, _) = tape.lstmLayer(input, lengths: lengths, directions: [w], h0: h0, c0: c0, projectedInput: projected)
            tape.backward(from: y, seed: g)
            return (y.value, h.value, parameters.map { $0.grad ?? Tensor(zeros: $0.shape) })
        }
        let plain = run(projected: false), projected = run(projected: true)
        #expect(projected.output.maxAbsDifference(plain.output) < 1e-5)
        #expect(projected.h.maxAbsDifference(plain.h) < 1e-5)
        for (name, (a, b)) in zip(["x", "h0", "c0", "W_ih", "W_hh", "b_ih", "b_hh"], zip(projected.grads, plain.grads)) {
            #expect(a.maxAbsDifference(b) < 1e-4, "d\(name) differs by \(a.maxAbsDifference(b))")
            #expect(b.scalars.contains { $0 != 0 }, "d\(name) should not be zero")
        }
    }
}
