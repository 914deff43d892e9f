import Testing
import S2STestSupport
@testable import S2SCore

@Suite struct LinearTests {
    @Test func forwardMatchesPlainLoops() {
        var rng = Generator(seed: 1)
        let x = Tensor.normal([3, 4], using: &rng), w = Tensor.normal([5, 4], using: &rng)
        let b = Tensor.normal([5], using: &rng)
        let y = Tape(recording: false).linear(Variable(x), weight: Variable(w), bias: Variable(b)).value
        for r in 0..<3 {
            for o in 0..<5 {
                var expected = b[o]
                for i in 0..<4 { expected += x[r, i] * w[o, i] }
                #expect(abs(y[r, o] - expected) < 1e-5)
            }
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        var rng = Generator(seed: 2)
        let x = Variable(.normal([2, 3, 4], using: &rng), requiresGrad: true)
        let w = Variable(.normal([5, 4], using: &rng), requiresGrad: true)
        let b = Variable(.normal([5], using: &rng), requiresGrad: true)
        let result = GradientCheck.run(inputs: [x, w, b]) { tape in tape.linear(x, weight: w, bias: b) }
        #expect(result.maxError < 1e-2, "\(result)")
    }
}
