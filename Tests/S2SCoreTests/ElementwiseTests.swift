import Testing
import S2STestSupport
@testable import S2SCore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ElementwiseTests {
    /// Checks a unary op's forward against `reference` elementwise, then its gradient.
    func checkUnary(_ name: String, _ op: @escaping (Tape, Variable) -> Variable, reference: (Float) -> Float,
                    tolerance: Float = 1e-5, seed: UInt64) {
        var rng = Generator(seed: seed)
        // Kept 0.1 away from zero, so the finite differences never straddle relu's kink.
        var value = Tensor.normal([3, 21], std: 2, using: &rng)
        for i in 0..<value.count { value.scalars[i] += value.scalars[i] < 0 ? -0.1 : 0.1 }
        let x = Variable(value, requiresGrad: true)
        let y = op(Tape(recording: false), x).value
        for i in 0..<x.value.count {
            #expect(abs(y.scalars[i] - reference(x.value.scalars[i])) <= tolerance)
        }
        let result = GradientCheck.run(inputs: [x]) { op($0, x) }
        print("gradient check \(name):", result)
        #expect(result.maxError < 1e-2, "\(result)")
    }

    @Test func tanhSigmoidReluScale() {
        checkUnary("tanh", { $0.tanh($1) }, reference: { Glibc.tanh($0) }, seed: 1)
        checkUnary("sigmoid", { $0.sigmoid($1) }, reference: { 1 / (1 + Glibc.exp(-$0)) }, seed: 2)
        checkUnary("relu", { $0.relu($1) }, reference: { max($0, 0) }, seed: 3)
        checkUnary("scale", { $0.scale($1, by: -1.5) }, reference: { -1.5 * $0 }, seed: 4)
    }

    @Test func addMultiplyAndBias() {
        var rng = Generator(seed: 5)
        let a = Variable(.normal([2, 3, 4], using: &rng), requiresGrad: true)
        let b = Variable(.normal([2, 3, 4], using: &rng), requiresGrad: true)
        let bias = Variable(.normal([4], using: &rng), requiresGrad: true)
        let tape = Tape(recording: false)
        let sum = tape.add(a, b).value, product = tape.multiply(a, b).value
        let biased = tape.add(a, bias: bias).value
        for i in 0..<24 {
            #expect(sum.scalars[i] == a.value.scalars[i] + b.value.scalars[i])
            #expect(product.scalars[i] == a.value.scalars[i] * b.value.scalars[i])
            #expect(biased.scalars[i] == a.value.scalars[i] + bias.value.scalars[i % 4])
        }
        for (name, op) in [("add", { (t: Tape) in t.add(a, b) }),
                           ("multiply", { (t: Tape) in t.multiply(a, b) }),
                           ("square", { (t: Tape) in t.multiply(a, a) }),
                           ("bias", { (t: Tape) in t.add(a, bias: bias) })] {
            let result = GradientCheck.run(inputs: [a, b, bias], op)
            print("gradient check \(name):", result)
            #expect(result.maxError < 1e-2, "\(name): \(result)")
        }
    }

    @Test func sumAndMean() {
        var rng = Generator(seed: 6)
        let x = Variable(.normal([5, 7], using: &rng), requiresGrad: true)
        let expected = x.value.scalars.reduce(0, +)
        let tape = Tape(recording: false)
        #expect(tape.sum(x).shape == [])
        #expect(abs(tape.sum(x).value.scalar - expected) < 1e-4)
        #expect(abs(tape.mean(x).value.scalar - expected / 35) < 1e-5)
        for op in [{ (t: Tape) in t.sum(x) }, { (t: Tape) in t.mean(t.tanh(x)) }] {
            let result = GradientCheck.run(inputs: [x], op)
            print("gradient check sum/mean:", result)
            #expect(result.maxError < 1e-2, "\(result)")
        }
    }

    @Test func inputsWithoutGradientRecordNothing() {
        let tape = Tape()
        let x = Variable(Tensor(shape: [2], scalars: [1, -1]))
        _ = tape.relu(tape.tanh(x))
        #expect(tape.count == 0)
    }
}
