import Foundation
import Testing
import S2SCore
@testable import S2SNN

@Suite struct AdamTests {
    @Test func constantGradientMovesByTheLearningRate() {
        // With bias correction, m̂ = g and v̂ = g² for a constant g: each step moves p by lr·sign(g).
        let p = namedParameter("w", [1, -1])
        let adam = Adam(learningRate: 0.1)
        for expected: [Float] in [[0.9, -0.9], [0.8, -0.8], [0.7, -0.7]] {
            p.variable.grad = Tensor(shape: [2], scalars: [2, -0.5])
            adam.step([p])
            #expect(abs(p.variable.value[0] - expected[0]) < 1e-6 && abs(p.variable.value[1] - expected[1]) < 1e-6)
            #expect(p.variable.grad == nil)
        }
    }

    @Test func l2WeightDecayAddsToTheGradientButAdamWShrinks() {
        // g = 0: with L2 the gradient becomes 0.1·p, a full lr step; AdamW only shrinks p by 1 − lr·wd.
        let l2 = namedParameter("w", [1], grad: [0])
        Adam(learningRate: 0.1, weightDecay: 0.1).step([l2])
        #expect(abs(l2.variable.value[0] - 0.9) < 1e-6)
        let decoupled = namedParameter("w", [1], grad: [0])
        Adam(learningRate: 0.1, weightDecay: 0.1, decoupledWeightDecay: true).step([decoupled])
        #expect(decoupled.variable.value[0] == Float(0.99))
    }

    @Test func skipsParametersWithoutGradientAndKeepsPerParameterSteps() throws {
        let a = namedParameter("a", [1], grad: [1]), b = namedParameter("b", [1])
        let adam = Adam()
        adam.step([a, b])
        #expect(b.variable.value[0] == 1)
        b.variable.grad = Tensor(shape: [1], scalars: [1])
        a.variable.grad = Tensor(shape: [1], scalars: [1])
        adam.step([a, b])
        let state = Dictionary(uniqueKeysWithValues: adam.stateTensors().map { ($0.name, $0.tensor) })
        #expect(Set(state.keys) == ["steps", "a.exp_avg", "a.exp_avg_sq", "a.step", "b.exp_avg", "b.exp_avg_sq", "b.step"])
        #expect(try StepCounter.count(from: state["a.step"]!, name: "a.step") == 2)
        #expect(try StepCounter.count(from: state["b.step"]!, name: "b.step") == 1)
        #expect(try StepCounter.count(from: state["steps"]!, name: "steps") == 2)
    }

    @Test(arguments: [false, true])
    func vectorKernelEqualsReferenceBitForBit(decoupled: Bool) {
        for count in [1, 15, 16, 17, 33, 50] {
            var rng = Generator(seed: UInt64(count))
            let g = Tensor.normal([count], using: &rng).scalars
            var p1 = Tensor.normal([count], using: &rng).scalars
            var m1 = Tensor.normal([count], using: &rng).scalars
            var v1 = Tensor.normal([count], using: &rng).scalars.map { $0 * $0 }
            var (p2, m2, v2) = (p1, m1, v1)
            for beta1 in [0.9, 0.3] {  // both branches of torch's lerp
                let c = Adam(learningRate: 0.01, beta1: beta1, weightDecay: 0.05, decoupledWeightDecay: decoupled).constants(step: 3)
                Adam.kernel(count: count, &p1, g, &m1, &v1, c)
                Adam.referenceKernel(count: count, &p2, g, &m2, &v2, c)
            }
            #expect(p1 == p2 && m1 == m2 && v1 == v2, "count \(count)")
        }
    }

    @Test(arguments: [false, true])
    func matchesADoubleReference(decoupled: Bool) {
        let parameters = makeParameters(seed: 4)
        var p = parameters.map { $0.variable.value.scalars.map(Double.init) }
        var m = p.map { [Double](repeating: 0, count: $0.count) }, v = m
        let (lr, b1, b2, eps, wd) = (0.01, 0.9, 0.999, 1e-8, 0.1)
        let adam = Adam(learningRate: lr, weightDecay: wd, decoupledWeightDecay: decoupled)
        for step in 1...5 {
            setGradients(parameters, step: step)
            for (k, (_, variable)) in parameters.enumerated() {
                for i in p[k].indices {
                    var g = Double(variable.grad!.scalars[i])
                    if decoupled { p[k][i] *= 1 - lr * wd } else { g += wd * p[k][i] }
                    m[k][i] = b1 * m[k][i] + (1 - b1) * g
                    v[k][i] = b2 * v[k][i] + (1 - b2) * g * g
                    let mHat = m[k][i] / (1 - pow(b1, Double(step))), vHat = v[k][i] / (1 - pow(b2, Double(step)))
                    p[k][i] -= lr * mHat / (vHat.squareRoot() + eps)
                }
            }
            adam.step(parameters)
        }
        expectClose(parameters, p)
    }

    @Test func resumesBitForBit() throws {
        let uninterrupted = makeParameters(seed: 8)
        train(Adam(learningRate: 0.01, weightDecay: 0.01), uninterrupted, steps: 1...6)

        let resumed = makeParameters(seed: 8)
        let first = Adam(learningRate: 0.01, weightDecay: 0.01)
        train(first, resumed, steps: 1...3)
        let second = Adam(learningRate: 0.01, weightDecay: 0.01)
        try second.loadState(try roundTrip(first), parameters: resumed)
        train(second, resumed, steps: 4...6)
        for (a, b) in zip(uninterrupted, resumed) { #expect(a.variable.value == b.variable.value) }
        #expect(first.stateTensors().count == 7)
    }
}
