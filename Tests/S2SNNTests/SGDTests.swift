import Testing
import S2SCore
@testable import S2SNN

@Suite struct SGDTests {
    @Test func plainStepWithWeightDecay() {
        let p = namedParameter("w", [1, 2], grad: [0.5, -1])
        SGD(learningRate: 0.1).step([p])
        #expect(p.variable.value.scalars == [0.95, 2.1])
        #expect(p.variable.grad == nil)

        let q = namedParameter("w", [1, 2], grad: [0.5, -1])
        SGD(learningRate: 0.1, weightDecay: 0.1).step([q])   // g' = g + 0.1·p = [0.6, −0.8]
        #expect(abs(q.variable.value[0] - 0.94) < 1e-7 && abs(q.variable.value[1] - 2.08) < 1e-7)
    }

    @Test func momentumBufferStartsAtTheGradient() {
        let p = namedParameter("w", [1])
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        p.variable.grad = Tensor(shape: [1], scalars: [1]); sgd.step([p])   // b = 1, p = 0.9
        #expect(abs(p.variable.value[0] - 0.9) < 1e-7)
        p.variable.grad = Tensor(shape: [1], scalars: [1]); sgd.step([p])   // b = 1.9, p = 0.71
        #expect(abs(p.variable.value[0] - 0.71) < 1e-6)
    }

    @Test func nesterovLooksAhead() {
        let p = namedParameter("w", [1])
        let sgd = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        p.variable.grad = Tensor(shape: [1], scalars: [1]); sgd.step([p])   // d = 1 + 0.9·1 = 1.9
        #expect(abs(p.variable.value[0] - 0.81) < 1e-6)
        p.variable.grad = Tensor(shape: [1], scalars: [1]); sgd.step([p])   // b = 1.9, d = 2.71
        #expect(abs(p.variable.value[0] - 0.539) < 1e-6)
    }

    @Test func skipsParametersWithoutGradient() {
        let a = namedParameter("a", [1, 2], grad: [1, 1]), b = namedParameter("b", [3])
        let sgd = SGD(learningRate: 0.5, momentum: 0.9)
        sgd.step([a, b])
        #expect(b.variable.value.scalars == [3])
        #expect(sgd.stateTensors().map(\.name) == ["a.momentum_buffer", "optimizer.sgd", "steps"])
    }

    @Test func matchesADoubleReferenceOnLongTensors() {
        let parameters = makeParameters(seed: 5)
        var reference = parameters.map { $0.variable.value.scalars.map(Double.init) }
        var buffers = reference.map { [Double](repeating: 0, count: $0.count) }
        let sgd = SGD(learningRate: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01)
        for step in 1...4 {
            setGradients(parameters, step: step)
            for (k, (_, variable)) in parameters.enumerated() {
                for i in reference[k].indices {
                    let g = Double(variable.grad!.scalars[i]) + 0.01 * reference[k][i]
                    buffers[k][i] = step == 1 ? g : 0.8 * buffers[k][i] + g
                    reference[k][i] -= 0.05 * (g + 0.8 * buffers[k][i])
                }
            }
            sgd.step(parameters)
        }
        expectClose(parameters, reference)
    }

    @Test func resumesBitForBit() throws {
        let uninterrupted = makeParameters(seed: 9)
        train(SGD(learningRate: 0.1, momentum: 0.9), uninterrupted, steps: 1...5)

        let resumed = makeParameters(seed: 9)
        let first = SGD(learningRate: 0.1, momentum: 0.9)
        train(first, resumed, steps: 1...2)
        let second = SGD(learningRate: 0.1, momentum: 0.9)
        try second.loadState(try roundTrip(first), parameters: resumed)
        #expect(second.steps == 2)
        train(second, resumed, steps: 3...5)
        for (a, b) in zip(uninterrupted, resumed) { #expect(a.variable.value == b.variable.value) }
    }
}
