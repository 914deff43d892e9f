import Testing
@testable import S2SCore

/// `recurrentLayer(projections:)` — x·W_ihᵀ computed outside the layer — gives the same outputs
/// and the same gradients (for x, through the projection, and for every weight) as the plain layer,
/// for every cell (the LSTM's through `lstmLayer(projections:)`).
@Suite struct ProjectedInputTests {
    @Test(arguments: RecurrentCell.allCases, [1, 2])
    func matchesThePlainLayerForwardAndBackward(cell: RecurrentCell, directions D: Int) {
        var rng = Generator(seed: 31)
        let (T, B, I, H) = (5, 3, 4, 6)
        let w = (0..<D).map { _ in RecurrentLayerTests.weights(cell, input: I, hidden: H, rng: &rng) }
        let x = Variable(.normal([T, B, I], using: &rng), requiresGrad: true)
        let h0 = Variable(.normal([D, B, H], std: 0.5, using: &rng), requiresGrad: true)
        let c0 = cell.hasCellState ? Variable(.normal([D, B, H], std: 0.5, using: &rng), requiresGrad: true) : nil
        let lengths = [5, 2, 4]
        let g = Tensor.normal([T, B, D * H], using: &rng)
        let parameters = [x, h0] + (c0.map { [$0] } ?? []) + w.flatMap { [$0.weightIH, $0.weightHH, $0.biasIH!, $0.biasHH!] }

        func run(projected: Bool) -> (output: Tensor, h: Tensor, grads: [Tensor]) {
            for p in parameters { p.zeroGrad() }
            let tape = Tape()
            let (y, h, _) = projected
                ? tape.recurrentLayer(projections: w.map { tape.linear(x, weight: $0.weightIH, bias: nil) }, lengths: lengths,
                                      directions: w, h0: h0, c0: c0)
                : tape.recurrentLayer(x, lengths: lengths, directions: w, h0: h0, c0: c0)
            tape.backward(from: y, seed: g)
            return (y.value, h.value, parameters.map { $0.grad ?? Tensor(zeros: $0.shape) })
        }
        let plain = run(projected: false), projected = run(projected: true)
        #expect(projected.output.maxAbsDifference(plain.output) < 1e-5)
        #expect(projected.h.maxAbsDifference(plain.h) < 1e-5)
        for (name, (a, b)) in zip(["x", "h0"] + (c0 == nil ? [] : ["c0"]) + (0..<D).flatMap { d in ["W_ih\(d)", "W_hh\(d)", "b_ih\(d)", "b_hh\(d)"] }, zip(projected.grads, plain.grads)) {
            #expect(a.maxAbsDifference(b) < 1e-4, "\(cell): d\(name) differs by \(a.maxAbsDifference(b))")
            #expect(b.scalars.contains { $0 != 0 }, "d\(name) should not be zero")
        }
    }
}
