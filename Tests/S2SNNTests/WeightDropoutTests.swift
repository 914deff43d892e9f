import Testing
import S2STestSupport
import S2SCore
@testable import S2SNN

/// `RecurrentNetwork.weightDropout` (DropConnect on weight_hh): gradients through the mask against finite
/// differences, the share of weights a call drops, a new mask per call, and inference left untouched.
@Suite struct WeightDropoutTests {
    static func network(_ cell: RecurrentCell, hidden: Int = 5, weightDropout: Float) -> RecurrentNetwork {
        var rng = Generator(seed: 4)
        let network = RecurrentNetwork(cell: cell, inputSize: 3, hiddenSize: hidden, layers: 2, rng: &rng)
        network.weightDropout = weightDropout
        return network
    }

    static func input(_ shape: [Int]) -> Variable {
        var rng = Generator(seed: 11)
        return Variable(.normal(shape, using: &rng), requiresGrad: true)
    }

    /// Every output of the call flattened into one vector, so one check covers them all.
    static func outputs(_ network: RecurrentNetwork, _ x: Variable, lengths: [Int], tape: Tape) -> Variable {
        let (y, h, c) = network(x, lengths: lengths, tape: tape)
        let parts = [y, h] + (c.map { [$0] } ?? [])
        return tape.concat(parts.map { tape.reshape($0, to: [$0.value.count]) }, axis: 0)
    }

    /// (Not the ReLU RNN: a central difference across its kink is no oracle.)
    @Test(arguments: [RecurrentCell.lstm, .gru, .rnnTanh])
    func gradientsMatchFiniteDifferences(cell: RecurrentCell) {
        let network = Self.network(cell, weightDropout: 0.4)
        let x = Self.input([4, 3, 3])
        let result = GradientCheck.run(inputs: [x] + network.namedParameters.map(\.variable), maxElementsPerInput: 40) { tape in
            Self.outputs(network, x, lengths: [4, 2, 3], tape: tape)
        }
        #expect(result.maxError < 1e-2, "\(cell): \(result)")
    }

    /// A dropped weight gets no gradient: the zeros of dW_hh are the mask's, about p of them.
    @Test(arguments: [Float(0), 0.5])
    func dropsAboutTheGivenShareOfRecurrentWeights(probability: Float) throws {
        let network = Self.network(.lstm, hidden: 16, weightDropout: probability)
        let x = Self.input([6, 4, 3])
        let tape = Tape(training: true, rng: Generator(seed: 2))
        let out = Self.outputs(network, x, lengths: [6, 6, 5, 6], tape: tape)
        tape.backward(from: out)
        for layer in 0..<2 {
            let grad = try #require(network.weights[layer][0].weightHH.grad).scalars
            let dropped = Double(grad.filter { $0 == 0 }.count) / Double(grad.count)   // 1,024 weights a layer
            #expect(abs(dropped - Double(probability)) < 0.06, "layer \(layer): \(dropped) of dW_hh is zero at p = \(probability)")
            #expect(try #require(network.weights[layer][0].weightIH.grad).scalars.allSatisfy { $0 != 0 }, "weight_ih is never dropped")
        }
    }

    /// Two calls on one training tape draw two masks; outside training the parameters are used as they are.
    @Test func aNewMaskEveryCallAndNoneAtInference() {
        let dropping = Self.network(.lstm, weightDropout: 0.5), plain = Self.network(.lstm, weightDropout: 0)
        let x = Self.input([4, 3, 3])
        let training = Tape(training: true, rng: Generator(seed: 5))
        let first = Self.outputs(dropping, x, lengths: [4, 4, 4], tape: training).value
        let second = Self.outputs(dropping, x, lengths: [4, 4, 4], tape: training).value
        #expect(first != second)
        let inference = Tape(recording: false)
        #expect(Self.outputs(dropping, x, lengths: [4, 4, 4], tape: inference).value
                == Self.outputs(plain, x, lengths: [4, 4, 4], tape: inference).value)
        #expect(first != Self.outputs(plain, x, lengths: [4, 4, 4], tape: Tape(training: true, rng: Generator(seed: 5))).value)
    }
}
