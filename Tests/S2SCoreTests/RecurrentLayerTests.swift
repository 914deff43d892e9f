import Testing
import S2STestSupport
@testable import S2SCore

/// The GRU and RNN layer op: fused pointwise kernels against their scalar oracles, gradients against
/// finite differences, padding kept out of the state, and row stability on a search tape.
@Suite struct RecurrentLayerTests {
    static func weights(_ cell: RecurrentCell, input: Int, hidden: Int, rng: inout Generator) -> RecurrentWeights {
        func param(_ shape: [Int]) -> Variable { Variable(.uniform(shape, low: -0.5, high: 0.5, using: &rng), requiresGrad: true) }
        let G = cell.gates * hidden
        return RecurrentWeights(cell: cell, weightIH: param([G, input]), weightHH: param([G, hidden]), biasIH: param([G]), biasHH: param([G]))
    }

    @Test func pointwiseMatchesScalarReference() {
        var rng = Generator(seed: 5)
        for hidden in [16, 21] {  // a multiple of 16 and a ragged tail
            var gatesFast = Tensor.normal([3 * hidden], std: 3, using: &rng).scalars, gatesSlow = gatesFast
            let recurrent = Tensor.normal([3 * hidden], using: &rng).scalars
            let biasIH = Tensor.normal([3 * hidden], using: &rng).scalars, biasHH = Tensor.normal([3 * hidden], using: &rng).scalars
            let hPrev = Tensor.normal([hidden], using: &rng).scalars
            var nFast = [Float](repeating: 0, count: hidden), nSlow = nFast, hFast = nFast, hSlow = nFast
            GRUPointwise.forward(hidden: hidden, gates: &gatesFast, recurrent: recurrent, hiddenN: &nFast, biasIH: biasIH, biasHH: biasHH,
                                 hPrev: hPrev, h: &hFast)
            RecurrentPointwiseReference.gru(hidden: hidden, gates: &gatesSlow, recurrent: recurrent, hiddenN: &nSlow, biasIH: biasIH,
                                            biasHH: biasHH, hPrev: hPrev, h: &hSlow)
            for (a, b) in zip(gatesFast + nFast + hFast, gatesSlow + nSlow + hSlow) { #expect(abs(a - b) <= 2e-6 * max(1, abs(b)), "\(a) vs \(b)") }
            for relu in [false, true] {
                let pre = Tensor.normal([hidden], std: 3, using: &rng).scalars
                var fast = [Float](repeating: 0, count: hidden), slow = fast
                RNNPointwise.forward(hidden: hidden, relu: relu, pre: pre, biasIH: biasIH, biasHH: biasHH, h: &fast)
                RecurrentPointwiseReference.rnn(hidden: hidden, relu: relu, pre: pre, biasIH: biasIH, biasHH: biasHH, h: &slow)
                for (a, b) in zip(fast, slow) { #expect(abs(a - b) <= 2e-6 * max(1, abs(b)), "\(a) vs \(b)") }
            }
        }
    }

    @Test(arguments: [(RecurrentCell.gru, 1), (.gru, 2), (.rnnTanh, 1), (.rnnTanh, 2)])
    func gradientsMatchFiniteDifferences(cell: RecurrentCell, directions: Int) {
        var rng = Generator(seed: UInt64(20 + directions))
        let (T, B, I, H) = (4, 3, 3, 5)
        let x = Variable(.normal([T, B, I], using: &rng), requiresGrad: true)
        let h0 = Variable(.normal([directions, B, H], std: 0.5, using: &rng), requiresGrad: true)
        let w = (0..<directions).map { _ in Self.weights(cell, input: I, hidden: H, rng: &rng) }
        let lengths = [4, 2, 3]
        let inputs = [x, h0] + w.flatMap { [$0.weightIH, $0.weightHH, $0.biasIH!, $0.biasHH!] }
        let result = GradientCheck.run(inputs: inputs, epsilon: 1e-2, maxElementsPerInput: 40) { tape in
            let (y, h, _) = tape.recurrentLayer(x, lengths: lengths, directions: w, h0: h0)
            return tape.flatConcatForTest([y, h])
        }
        #expect(result.maxError < 1e-2, "\(cell) \(directions): \(result)")
    }

    @Test(arguments: RecurrentCell.allCases)
    func paddingNeverReachesTheState(cell: RecurrentCell) {
        var rng = Generator(seed: 3)
        let w = [Self.weights(cell, input: 2, hidden: 4, rng: &rng), Self.weights(cell, input: 2, hidden: 4, rng: &rng)]
        var x = Tensor.normal([3, 2, 2], using: &rng)
        let tape = Tape(recording: false)
        let before = tape.recurrentLayer(Variable(x), lengths: [3, 1], directions: w)
        for t in 1..<3 { for i in 0..<2 { x[t, 1, i] = 1000 } }  // garbage in row 1's padding
        let after = tape.recurrentLayer(Variable(x), lengths: [3, 1], directions: w)
        #expect(before.output.value == after.output.value && before.h.value == after.h.value)
        for t in 1..<3 { for k in 0..<8 { #expect(after.output.value[t, 1, k] == 0) } }
    }

    /// On a row-stable tape each sequence gets the same bits alone as inside a batch.
    @Test(arguments: RecurrentCell.allCases)
    func rowStableGivesBatchIndependentBits(cell: RecurrentCell) {
        var rng = Generator(seed: 8)
        let w = [Self.weights(cell, input: 5, hidden: 19, rng: &rng)]
        let x = Tensor.normal([4, 6, 5], using: &rng)
        let tape = Tape(recording: false)
        tape.isRowStable = true
        let batch = tape.recurrentLayer(Variable(x), lengths: [4, 3, 4, 1, 2, 4], directions: w).output.value
        var alone = Tensor(zeros: [4, 1, 5])
        for t in 0..<4 { for i in 0..<5 { alone[t, 0, i] = x[t, 2, i] } }
        let single = tape.recurrentLayer(Variable(alone), lengths: [4], directions: w).output.value
        for t in 0..<4 { for k in 0..<19 { #expect(single[t, 0, k] == batch[t, 2, k]) } }
    }
}
