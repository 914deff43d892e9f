// Tests of the oracle itself: GradientCheck must fail on wrong gradients, including small ones. The
// wrong gradients come from test-only tape ops whose forward is right and whose backward is not.
import Testing
import S2STestSupport
@testable import S2SCore

extension Tape {
    /// `crossEntropy` whose backward subtracts `error` more than the label-smoothing term ε/V from
    /// every entry of each counted row: the forward (and so the numeric gradient) stays right.
    fileprivate func crossEntropy(logits: Variable, targets: [Int], labelSmoothing: Float,
                                  smoothingTermError error: Float) -> Variable {
        let loss = crossEntropy(logits: logits, targets: targets, labelSmoothing: labelSmoothing)
        guard loss.requiresGrad else { return loss }   // the check's numeric passes record nothing
        let counted = targets.map { $0 != 0 }   // ignoreIndex 0, as crossEntropy's default
        let tokens = Float(counted.filter { $0 }.count)
        // Recorded last, so it runs first in backward, while loss.grad already holds the seed.
        record("wrongSmoothing") {
            let scale = loss.grad!.scalar / tokens, classes = logits.shape[1]
            var delta = Tensor(zeros: logits.shape)
            for (row, isCounted) in counted.enumerated() where isCounted {
                for v in 0..<classes { delta[row, v] = -error * scale }
            }
            logits.accumulateGrad(delta)
        }
        return loss
    }

    /// The identity whose backward hands `corrupt(dy[element])` to `element` instead of dy[element].
    fileprivate func corrupted(_ x: Variable, element: Int, _ corrupt: @escaping (Float) -> Float) -> Variable {
        guard needsGrad(x) else { return x }
        let y = Variable(x.value, requiresGrad: true)
        record("corrupted") {
            guard var dx = y.grad else { return }
            dx.scalars[element] = corrupt(dx.scalars[element])
            x.accumulateGrad(dx)
        }
        return y
    }
}

@Suite struct GradientCheckTests {
    /// The logits and targets of CrossEntropyTests.gradientsMatchFiniteDifferences: 3 counted rows.
    static func crossEntropyCheck(smoothingTermError error: Float) -> GradientCheckResult {
        var rng = Generator(seed: 2)
        let logits = Variable(.normal([5, 19], std: 2, using: &rng), requiresGrad: true)
        return GradientCheck.run(inputs: [logits], maxElementsPerInput: 95) { tape in
            tape.crossEntropy(logits: logits, targets: [2, 0, 18, 7, 0], labelSmoothing: 0.1, smoothingTermError: error)
        }
    }

    /// Gradient entries are ~0.03 here, so 0.002 in the per-row term is ~4e-4 in the gradient: the old
    /// metric (|a − n| / max(1, |n|)) scored it 4e-4 and passed it at 1e-2; now it scores 0.05 (the
    /// right op 0.0015).
    @Test func failsOnALabelSmoothingTermOffBy0_002() {
        let right = Self.crossEntropyCheck(smoothingTermError: 0)
        #expect(right.maxError < 1e-2, "the test op without its error: \(right)")
        for error: Float in [0.002, -0.002] {
            let wrong = Self.crossEntropyCheck(smoothingTermError: error)
            #expect(wrong.maxError > 2e-2, "smoothing term off by \(error) passed: \(wrong)")
        }
    }

    /// Input 1 of tanh(x·Wᵀ + b) with one entry of dW corrupted; `gain` scales the loss.
    static func linearCheck(element: Int, gain: Float = 1, _ corrupt: @escaping (Float) -> Float) -> GradientCheckResult {
        var rng = Generator(seed: 5)
        let x = Variable(.normal([3, 4], using: &rng), requiresGrad: true)
        let w = Variable(.normal([5, 4], std: 0.5, using: &rng), requiresGrad: true)
        let b = Variable(.normal([5], using: &rng), requiresGrad: true)
        return GradientCheck.run(inputs: [x, w, b]) { tape in
            tape.scale(tape.tanh(tape.linear(x, weight: tape.corrupted(w, element: element, corrupt), bias: b)), by: gain)
        }
    }

    /// A flipped sign scores 2 and a missing entry 1 (a little less under the floor: entry 7 scores 1.98).
    @Test func failsOnAFlippedSignOrAMissingEntry() {
        #expect(Self.linearCheck(element: 7) { $0 }.maxError < 1e-2)
        let flipped = Self.linearCheck(element: 7) { -$0 }
        #expect(flipped.maxError > 1.9 && flipped.worstInput == 1 && flipped.worstElement == 7, "\(flipped)")
        let zeroed = Self.linearCheck(element: 13) { _ in 0 }
        #expect(zeroed.maxError > 0.99 && zeroed.worstInput == 1 && zeroed.worstElement == 13, "\(zeroed)")
        let notANumber = Self.linearCheck(element: 2) { _ in .nan }
        #expect(notANumber.maxError == .infinity && notANumber.worstElement == 2, "\(notANumber)")
    }

    /// The scale of the loss does not matter: an entry 10% off fails in a gradient of size 1e-3 too.
    @Test func failsOnASmallRelativeErrorInASmallGradient() {
        #expect(Self.linearCheck(element: 7, gain: 1e-3) { $0 }.maxError < 1e-2)
        let wrong = Self.linearCheck(element: 7, gain: 1e-3) { $0 * 1.1 }
        #expect(wrong.maxError > 5e-2 && wrong.worstElement == 7, "\(wrong)")
    }
}
