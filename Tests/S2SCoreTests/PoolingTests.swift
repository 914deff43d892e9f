// Masked pooling (max, mean, attention): values against plain Double loops, finite-difference gradient
// checks, and the padding contract (padded steps are never read, empty sequences pool to zero).
import Testing
import S2STestSupport
@testable import S2SCore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct PoolingTests {
    let T = 5, B = 4, D = 3
    let lengths = [5, 2, 0, 3]

    /// x [T, B, D] with distinct values at least 0.05 apart, so ±ε (1e-2) never changes an arg max.
    func makeX(seed: UInt64) -> Variable {
        var rng = Generator(seed: seed)
        var values = (0..<(T * B * D)).map { Float($0) * 0.05 - 1.5 }
        rng.shuffle(&values)
        return Variable(Tensor(shape: [T, B, D], scalars: values), requiresGrad: true)
    }

    /// The same x with every padded step replaced by a huge value: pooling must not see them.
    func poisoned(_ x: Variable) -> Variable {
        var value = x.value
        for t in 0..<T { for b in 0..<B where t >= lengths[b] { for d in 0..<D { value[t, b, d] = 1e6 } } }
        return Variable(value, requiresGrad: true)
    }

    @Test func maxAndMeanMatchPlainLoops() {
        let x = makeX(seed: 1)
        let tape = Tape(recording: false)
        let maxPooled = tape.maxPool(poisoned(x), lengths: lengths).value
        let meanPooled = tape.meanPool(poisoned(x), lengths: lengths).value
        for b in 0..<B {
            for d in 0..<D {
                let steps = (0..<lengths[b]).map { Double(x.value[$0, b, d]) }
                #expect(maxPooled[b, d] == Float(steps.max() ?? 0))
                #expect(abs(Double(meanPooled[b, d]) - (steps.isEmpty ? 0 : steps.reduce(0, +) / Double(steps.count))) < 1e-6)
            }
        }
    }

    @Test func attentionMatchesPlainLoops() {
        let x = makeX(seed: 2)
        var rng = Generator(seed: 3)
        let scores = Variable(.normal([T, B], using: &rng), requiresGrad: true)
        let (pooled, weights) = Tape(recording: false).attentionPool(poisoned(x), scores: scores, lengths: lengths)
        for b in 0..<B {
            let n = lengths[b]
            let e = (0..<n).map { Glibc.exp(Double(scores.value[$0, b])) }
            let total = e.reduce(0, +)
            for t in 0..<T { #expect(abs(Double(weights.value[t, b]) - (t < n ? e[t] / total : 0)) < 1e-6) }
            for d in 0..<D {
                let expected = (0..<n).reduce(0.0) { $0 + e[$1] / total * Double(x.value[$1, b, d]) }
                #expect(abs(Double(pooled.value[b, d]) - expected) < 1e-5)
            }
        }
    }

    @Test(arguments: ["max", "mean", "attention"])
    func gradientsMatchFiniteDifferences(kind: String) {
        let x = makeX(seed: 4)
        var rng = Generator(seed: 5)
        let scores = Variable(.normal([T, B], using: &rng), requiresGrad: true)
        let inputs = kind == "attention" ? [x, scores] : [x]
        let result = GradientCheck.run(inputs: inputs, maxElementsPerInput: 60) { tape in
            switch kind {
            case "max": tape.maxPool(x, lengths: lengths)
            case "mean": tape.meanPool(x, lengths: lengths)
            default: tape.attentionPool(x, scores: scores, lengths: lengths).pooled
            }
        }
        print("gradient check \(kind) pooling:", result)
        #expect(result.maxError < 1e-2, "\(kind): \(result)")
    }

    @Test(arguments: ["max", "mean", "attention"])
    func paddingAndEmptySequencesGetNoGradient(kind: String) {
        let x = makeX(seed: 6)
        let scores = Variable(Tensor(zeros: [T, B]), requiresGrad: true)
        let tape = Tape()
        let y = switch kind {
        case "max": tape.maxPool(x, lengths: lengths)
        case "mean": tape.meanPool(x, lengths: lengths)
        default: tape.attentionPool(x, scores: scores, lengths: lengths).pooled
        }
        for d in 0..<D { #expect(y.value[2, d] == 0) }   // length 0
        tape.backward(from: y, seed: Tensor(repeating: 1, shape: y.shape))
        for t in 0..<T { for b in 0..<B where t >= lengths[b] { for d in 0..<D { #expect(x.grad![t, b, d] == 0) } } }
        if kind == "attention" { for t in 0..<T { #expect(scores.grad![t, 2] == 0) } }
    }
}
