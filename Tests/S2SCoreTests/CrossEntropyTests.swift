import Testing
import S2STestSupport
@testable import S2SCore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct CrossEntropyTests {
    /// Plain-loop reference in Double: (mean loss, Σ nll, tokens, correct).
    func reference(_ logits: Tensor, _ targets: [Int], ignore: Int?, ε: Double) -> (Double, Double, Int, Int) {
        let v = logits.shape[1]
        var lossSum = 0.0, nllSum = 0.0, tokens = 0, correct = 0
        for (n, t) in targets.enumerated() where t != ignore {
            let row = (0..<v).map { Double(logits[n, $0]) }
            let lse = Glibc.log(row.map { Glibc.exp($0) }.reduce(0, +))
            let logp = row.map { $0 - lse }
            lossSum += (1 - ε) * -logp[t] + ε * logp.map { -$0 }.reduce(0, +) / Double(v)
            nllSum += -logp[t]
            tokens += 1
            if row.firstIndex(of: row.max()!) == t { correct += 1 }
        }
        return (tokens == 0 ? 0 : lossSum / Double(tokens), nllSum, tokens, correct)
    }

    @Test(arguments: [Float(0), 0.1]) func forwardAndStatsMatchPlainLoops(ε: Float) {
        var rng = Generator(seed: 1)
        var logits = Tensor.normal([6, 37], std: 3, using: &rng)   // 37: two SIMD blocks and a tail
        let targets = [3, 0, 36, 17, 0, 5]
        logits[2, 36] = 50   // a sure hit for the accuracy count
        let (loss, stats) = Tape(recording: false).crossEntropyWithStats(
            logits: Variable(logits), targets: targets, labelSmoothing: ε)
        let (expected, nll, tokens, correct) = reference(logits, targets, ignore: 0, ε: Double(ε))
        #expect(loss.shape == [])
        #expect(abs(Double(loss.value.scalar) - expected) < 1e-5 * max(1, expected), "\(loss.value.scalar) vs \(expected)")
        #expect(abs(stats.nllSum - nll) < 1e-4)
        #expect(stats.tokens == tokens && tokens == 4)
        #expect(stats.correct == correct && correct >= 1)
        #expect(abs(stats.meanLoss - expected) < 1e-5 * max(1, expected))
    }

    @Test func gradientsMatchFiniteDifferences() {
        var rng = Generator(seed: 2)
        let logits = Variable(.normal([5, 19], std: 2, using: &rng), requiresGrad: true)
        let targets = [2, 0, 18, 7, 0]
        for (ε, ignore) in [(Float(0), Optional(0)), (0.1, 0), (0.2, nil)] {
            let result = GradientCheck.run(inputs: [logits], maxElementsPerInput: 95) { tape in
                tape.crossEntropy(logits: logits, targets: targets, ignoreIndex: ignore, labelSmoothing: ε)
            }
            print("gradient check cross-entropy ε \(ε) ignore \(String(describing: ignore)):", result)
            #expect(result.maxError < 1e-2, "\(result)")
        }
        let tape = Tape()
        logits.zeroGrad()
        tape.backward(from: tape.crossEntropy(logits: logits, targets: targets))
        #expect((0..<19).allSatisfy { logits.grad![1, $0] == 0 && logits.grad![4, $0] == 0 })
    }

    @Test func allIgnoredGivesZeroLossAndGradient() {
        let logits = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), requiresGrad: true)
        let tape = Tape()
        let (loss, stats) = tape.crossEntropyWithStats(logits: logits, targets: [0, 0])
        #expect(loss.value.scalar == 0 && stats.tokens == 0 && stats.perplexity == 1)
        tape.backward(from: loss)
        #expect(logits.grad == Tensor(zeros: [2, 3]))
    }

    @Test func logSoftmaxWithMask() {
        var rng = Generator(seed: 3)
        let logits = Tensor.normal([3, 21], using: &rng)
        var mask = Tensor(zeros: [21])
        mask.scalars[1] = -.infinity
        mask.scalars[20] = -.infinity
        let y = LogSoftmaxKernel.apply(logits, mask: mask)
        for r in 0..<3 {
            let kept = (0..<21).filter { mask.scalars[$0] == 0 }
            let lse = Glibc.log(kept.map { Glibc.exp(Double(logits[r, $0])) }.reduce(0, +))
            for c in 0..<21 {
                if mask.scalars[c] == 0 {
                    #expect(abs(Double(y[r, c]) - (Double(logits[r, c]) - lse)) < 1e-5)
                } else {
                    #expect(y[r, c] == -.infinity)
                }
            }
        }
        let allMasked = LogSoftmaxKernel.apply(logits, mask: Tensor(repeating: -.infinity, shape: [3, 21]))
        #expect(allMasked.scalars.allSatisfy { $0 == -.infinity })
        #expect(abs(LogSoftmaxKernel.apply(logits).scalars[0] - y.scalars[0]) > 0)   // the mask renormalises
    }
}
