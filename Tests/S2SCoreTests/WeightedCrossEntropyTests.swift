// Class-weighted cross-entropy: its value against a plain Double loop, agreement with the unweighted
// fused op when every weight is 1, and a finite-difference gradient check.
import Testing
import S2STestSupport
@testable import S2SCore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct WeightedCrossEntropyTests {
    let targets = [2, 0, 1, 2, 0]
    let weights: [Float] = [0.5, 1.5, 2.0]

    func makeLogits(seed: UInt64) -> Variable {
        var rng = Generator(seed: seed)
        return Variable(.normal([5, 3], std: 2, using: &rng), requiresGrad: true)
    }

    @Test func valueIsTheWeightedMeanOverRows() {
        let logits = makeLogits(seed: 1)
        for ε in [Float(0), 0.1] {
            let (loss, stats) = Tape(recording: false).weightedCrossEntropy(logits: logits, targets: targets,
                                                                            classWeights: weights, labelSmoothing: ε)
            var expected = 0.0, nll = 0.0
            for (r, t) in targets.enumerated() {
                let row = (0..<3).map { Double(logits.value[r, $0]) }
                let lse = Glibc.log(row.map { Glibc.exp($0) }.reduce(0, +))
                let rowNLL = lse - row[t]
                let smoothed = Double(1 - ε) * rowNLL + Double(ε) * (lse - row.reduce(0, +) / 3)
                expected += Double(weights[t]) * smoothed
                nll += rowNLL
            }
            #expect(abs(Double(loss.value.scalar) - expected / 5) < 1e-5)
            #expect(abs(stats.nllSum - nll) < 1e-5 && stats.tokens == 5)
        }
    }

    @Test func unitWeightsEqualTheUnweightedLoss() {
        let logits = makeLogits(seed: 2)
        let tape = Tape(recording: false)
        let weighted = tape.weightedCrossEntropy(logits: logits, targets: targets, classWeights: [1, 1, 1], labelSmoothing: 0.1)
        let plain = tape.crossEntropyWithStats(logits: logits, targets: targets, ignoreIndex: nil, labelSmoothing: 0.1)
        #expect(abs(weighted.loss.value.scalar - plain.loss.value.scalar) < 1e-6)
        #expect(weighted.stats.correct == plain.stats.correct)
    }

    @Test func gradientMatchesFiniteDifferences() {
        let logits = makeLogits(seed: 3)
        let result = GradientCheck.run(inputs: [logits]) { tape in
            tape.weightedCrossEntropy(logits: logits, targets: targets, classWeights: weights, labelSmoothing: 0.1).loss
        }
        print("gradient check weighted cross-entropy:", result)
        #expect(result.maxError < 1e-2, "\(result)")
    }
}
