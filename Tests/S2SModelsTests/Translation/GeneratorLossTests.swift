// The fused generator loss (S2SModels/Translation/Decoder/GeneratorLoss.swift) against linear + cross-entropy.
import Testing
import S2SCore

@Suite struct GeneratorLossTests {
    @Test(arguments: [Float(0), 0.1])
    func matchesLinearThenCrossEntropy(smoothing: Float) {
        var rng = Generator(seed: 9)
        let (N, H, V) = (7, 5, 21)   // V not a multiple of 16: the SIMD tail runs too
        func param(_ shape: [Int]) -> Variable { Variable(.uniform(shape, low: -1, high: 1, using: &rng), requiresGrad: true) }
        let x = param([N, H]), w = param([V, H]), b = param([V])
        let targets = [4, 0, 20, 3, 0, 17, 1]   // rows 1 and 4 are padding
        func run(_ fused: Bool) -> (Float, CrossEntropyStats, [Tensor]) {
            for v in [x, w, b] { v.zeroGrad() }
            let tape = Tape()
            let (loss, stats) = fused
                ? tape.generatorLoss(x, weight: w, bias: b, targets: targets, labelSmoothing: smoothing)
                : tape.crossEntropyWithStats(logits: tape.linear(x, weight: w, bias: b), targets: targets, labelSmoothing: smoothing)
            tape.backward(from: loss, seed: Tensor(scalar: 0.7))
            return (loss.value.scalar, stats, [x, w, b].map { $0.grad! })
        }
        let (fusedLoss, fusedStats, fusedGrads) = run(true)
        let (loss, stats, grads) = run(false)
        #expect(abs(fusedLoss - loss) < 1e-5)
        #expect(fusedStats.tokens == 5 && fusedStats.tokens == stats.tokens && fusedStats.correct == stats.correct)
        #expect(abs(fusedStats.nllSum - stats.nllSum) < 1e-4)
        for (a, b) in zip(fusedGrads, grads) { #expect(a.maxAbsDifference(b) < 1e-5) }
        #expect(fusedGrads[0][1, 2] == 0 && fusedGrads[0][4, 0] == 0)   // padding rows get nothing
    }

    @Test func allPaddingGivesZero() {
        var rng = Generator(seed: 1)
        let x = Variable(.uniform([3, 4], low: -1, high: 1, using: &rng), requiresGrad: true)
        let w = Variable(.uniform([6, 4], low: -1, high: 1, using: &rng), requiresGrad: true)
        let b = Variable(Tensor(zeros: [6]), requiresGrad: true)
        let tape = Tape()
        let (loss, stats) = tape.generatorLoss(x, weight: w, bias: b, targets: [0, 0, 0], labelSmoothing: 0.1)
        tape.backward(from: loss)
        #expect(loss.value.scalar == 0 && stats.tokens == 0)
    }
}
