import Testing
import S2STestSupport
@testable import S2SCore

@Suite struct DropoutTests {
    @Test func dropsAboutPAndKeepsTheMean() {
        let x = Variable(Tensor(repeating: 2, shape: [100, 100]))
        let tape = Tape(training: true, rng: Generator(seed: 1))
        let y = tape.dropout(x, probability: 0.3).value
        let zeros = y.scalars.filter { $0 == 0 }.count
        #expect(abs(Float(zeros) / 10_000 - 0.3) < 0.02, "zero fraction \(Float(zeros) / 10_000)")
        #expect(y.scalars.allSatisfy { $0 == 0 || abs($0 - 2 / 0.7) < 1e-5 })
        let mean = y.scalars.reduce(0, +) / 10_000
        #expect(abs(mean - 2) < 0.06, "mean \(mean)")
    }

    @Test func identityWhenNotTrainingOrZero() {
        let x = Variable(Tensor(repeating: 1, shape: [4]), requiresGrad: true)
        #expect(Tape(training: false).dropout(x, probability: 0.5) === x)
        #expect(Tape(training: true).dropout(x, probability: 0) === x)
        #expect(Tape(recording: false).dropout(x, probability: 0.5) === x)   // inference tapes never drop
    }

    @Test func sameSeedSameMask() {
        let x = Variable(Tensor(repeating: 1, shape: [64]))
        let a = Tape(training: true, rng: Generator(seed: 5)).dropout(x, probability: 0.5).value
        let b = Tape(training: true, rng: Generator(seed: 5)).dropout(x, probability: 0.5).value
        #expect(a == b)
    }

    @Test func gradientUsesTheSameMask() {
        var rng = Generator(seed: 2)
        let x = Variable(.normal([6, 7], using: &rng), requiresGrad: true)
        let result = GradientCheck.run(inputs: [x]) { $0.tanh($0.dropout(x, probability: 0.4)) }
        print("gradient check dropout:", result)
        #expect(result.maxError < 1e-2, "\(result)")
    }
}
