import Testing
import S2STestSupport
@testable import S2SCore

@Suite struct LSTMLayerTests {
    /// Small random LSTM weights for one direction.
    static func weights(input: Int, hidden: Int, rng: inout Generator) -> LSTMWeights {
        func param(_ shape: [Int]) -> Variable { Variable(.uniform(shape, low: -0.5, high: 0.5, using: &rng), requiresGrad: true) }
        return LSTMWeights(weightIH: param([4 * hidden, input]), weightHH: param([4 * hidden, hidden]),
                           biasIH: param([4 * hidden]), biasHH: param([4 * hidden]))
    }

    @Test func pointwiseMatchesScalarReference() {
        var rng = Generator(seed: 5)
        for hidden in [16, 21] {  // a multiple of 16 and a ragged tail
            var gatesFast = Tensor.normal([4 * hidden], std: 3, using: &rng).scalars
            var gatesSlow = gatesFast
            let cPrev = Tensor.normal([hidden], using: &rng).scalars
            let bias = Tensor.normal([4 * hidden], using: &rng).scalars
            var c1 = [Float](repeating: 0, count: hidden), t1 = c1, h1 = c1, c2 = c1, t2 = c1, h2 = c1
            LSTMPointwise.forward(hidden: hidden, gates: &gatesFast, bias: bias, cPrev: cPrev, c: &c1, tanhC: &t1, h: &h1)
            LSTMPointwiseReference.forward(hidden: hidden, gates: &gatesSlow, bias: bias, cPrev: cPrev, c: &c2, tanhC: &t2, h: &h2)
            for (a, b) in zip(gatesFast + c1 + t1 + h1, gatesSlow + c2 + t2 + h2) {
                #expect(abs(a - b) <= 2e-6 * max(1, abs(b)), "\(a) vs \(b)")
            }
        }
    }

    @Test(arguments: [1, 2])
    func gradientsMatchFiniteDifferences(directions: Int) {
        var rng = Generator(seed: UInt64(10 + directions))
        let (T, B, I, H) = (4, 3, 3, 5)
        let x = Variable(.normal([T, B, I], using: &rng), requiresGrad: true)
        let h0 = Variable(.normal([directions, B, H], std: 0.5, using: &rng), requiresGrad: true)
        let c0 = Variable(.normal([directions, B, H], std: 0.5, using: &rng), requiresGrad: true)
        let w = (0..<directions).map { _ in Self.weights(input: I, hidden: H, rng: &rng) }
        let lengths = [4, 2, 3]
        let inputs = [x, h0, c0] + w.flatMap { [$0.weightIH, $0.weightHH, $0.biasIH!, $0.biasHH!] }
        // Check all three outputs through one scalar: concat them flat.
        let result = GradientCheck.run(inputs: inputs, epsilon: 1e-2, maxElementsPerInput: 40) { tape in
            let (y, h, c) = tape.lstmLayer(x, lengths: lengths, directions: w, h0: h0, c0: c0)
            return tape.flatConcatForTest([y, h, c])
        }
        #expect(result.maxError < 1e-2, "\(result)")
    }

    @Test func paddingNeverReachesTheState() {
        var rng = Generator(seed: 3)
        let w = [Self.weights(input: 2, hidden: 4, rng: &rng), Self.weights(input: 2, hidden: 4, rng: &rng)]
        var x = Tensor.normal([3, 2, 2], using: &rng)
        let tape = Tape(recording: false)
        let before = tape.lstmLayer(Variable(x), lengths: [3, 1], directions: w)
        for t in 1..<3 { for i in 0..<2 { x[t, 1, i] = 1000 } }  // garbage in row 1's padding
        let after = tape.lstmLayer(Variable(x), lengths: [3, 1], directions: w)
        #expect(before.output.value == after.output.value)
        #expect(before.h.value == after.h.value && before.c.value == after.c.value)
        for t in 1..<3 { for k in 0..<8 { #expect(after.output.value[t, 1, k] == 0) } }
    }

    /// A row-stable tape (search) gives each sequence the same bits alone as in any batch, and the
    /// BLAS path's numbers up to summation order.
    @Test func rowStableTapeDoesNotMixRows() {
        var rng = Generator(seed: 8)
        let (T, B, I, H) = (5, 6, 160, 64)   // BLAS: the batch's input product is blocked, a row's is not
        let w = [Self.weights(input: I, hidden: H, rng: &rng), Self.weights(input: I, hidden: H, rng: &rng)]
        let x = Tensor.normal([T, B, I], using: &rng)
        let lengths = [5, 2, 5, 1, 4, 3]
        func run(_ input: Tensor, _ lengths: [Int], stable: Bool) -> (output: Tensor, h: Tensor) {
            let tape = Tape(recording: false)
            tape.isRowStable = stable
            let (y, h, _) = tape.lstmLayer(Variable(input), lengths: lengths, directions: w)
            return (y.value, h.value)
        }
        let batch = run(x, lengths, stable: true)
        let blas = run(x, lengths, stable: false)
        #expect(zip(batch.output.scalars, blas.output.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        for b in 0..<B {
            var alone = Tensor(zeros: [T, 1, I])
            for t in 0..<T { for i in 0..<I { alone[t, 0, i] = x[t, b, i] } }
            let single = run(alone, [lengths[b]], stable: true)
            for t in 0..<T { for k in 0..<(2 * H) { #expect(single.output[t, 0, k] == batch.output[t, b, k]) } }
            for d in 0..<2 { for k in 0..<H { #expect(single.h[d, 0, k] == batch.h[d, b, k]) } }
        }
    }
}

extension Tape {
    /// Flattens and concatenates outputs so a gradient check covers all of them (test-only helper).
    func flatConcatForTest(_ parts: [Variable]) -> Variable {
        let out = Variable(Tensor(shape: [parts.reduce(0) { $0 + $1.value.count }], scalars: parts.flatMap(\.value.scalars)),
                           requiresGrad: true)
        if isRecording {
            record("flatConcatForTest") {
                guard let g = out.grad else { return }
                var offset = 0
                for p in parts {
                    let n = p.value.count
                    p.accumulateGrad(Tensor(shape: p.shape, scalars: Array(g.scalars[offset..<offset + n])))
                    offset += n
                }
            }
        }
        return out
    }
}

@Suite struct DataParallelTests {
    @Test func shardedGradientsEqualTheWholeBatch() {
        var rng = Generator(seed: 21)
        let (T, B, I, H) = (3, 4, 3, 4)
        let w = [LSTMLayerTests.weights(input: I, hidden: H, rng: &rng)]
        let params = [w[0].weightIH, w[0].weightHH, w[0].biasIH!, w[0].biasHH!]
        let x = Tensor.normal([T, B, I], using: &rng)
        let lengths = [3, 1, 2, 3]
        func shard(_ rows: Range<Int>) -> Tensor {
            var out: [Float] = []
            for t in 0..<T { for b in rows { out += x.scalars[(t * B + b) * I..<(t * B + b + 1) * I] } }
            return Tensor(shape: [T, rows.count, I], scalars: out)
        }
        func loss(_ input: Tensor, _ lens: [Int]) {
            let tape = Tape()
            let (y, _, _) = tape.lstmLayer(Variable(input), lengths: lens, directions: w)
            tape.backward(from: y)
        }
        loss(x, lengths)
        let whole = params.map { $0.grad! }
        params.forEach { $0.zeroGrad() }
        DataParallel.run(shards: 2, parameters: params) { s in
            let rows = s == 0 ? 0..<2 : 2..<4
            loss(shard(rows), Array(lengths[rows]))
        }
        for (p, expected) in zip(params, whole) {
            #expect(p.grad!.maxAbsDifference(expected) < 1e-5)
        }
    }
}
