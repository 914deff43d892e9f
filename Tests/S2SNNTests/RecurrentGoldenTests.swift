import Testing
import S2STestSupport
import S2SCore
@testable import S2SNN

/// s2s's GRU and RNN against torch.nn.GRU / nn.RNN (tanh and relu): outputs, final states and every
/// gradient, over packed batches (Tools/reference/make_fixtures.py).
@Suite struct RecurrentGoldenTests {
    static let names = ["gru", "rnn", "rnn-relu"].flatMap { cell in
        ["l1_uni", "l1_bi", "l2_uni", "l2_bi", "l1_bi_unsorted"].map { cell + "_" + $0 }
    }

    @Test(arguments: names)
    func matchesTorch(name: String) throws {
        let f = try GoldenFixture(name)
        var rng = Generator(seed: 0)
        let cell = try #require(RecurrentCell(rawValue: f.metadata["cell"]!))
        let network = RecurrentNetwork(cell: cell, inputSize: Int(f.metadata["input_size"]!)!, hiddenSize: Int(f.metadata["hidden_size"]!)!,
                                       layers: Int(f.metadata["layers"]!)!, bidirectional: f.metadata["bidirectional"] == "true", rng: &rng)
        #expect(Set(network.namedParameters.map(\.name)) == Set(f.tensors.keys.filter { $0.hasPrefix("weight_") || $0.hasPrefix("bias_") }))
        for (name, variable) in network.namedParameters { variable.value = f[name] }
        let x = f.variable("input"), h0 = f.variable("h0")

        let tape = Tape()
        let (y, h, _) = network(x, lengths: f.ints("lengths"), initialState: (h0, nil), tape: tape)
        var maxDiff = [f.expectClose(y.value, "output"), f.expectClose(h.value, "h_n")]
        y.accumulateGrad(f["grad_output"])
        tape.backward(from: h, seed: f["grad_h_n"])
        maxDiff += [f.expectClose(x.grad, "grad.input"), f.expectClose(h0.grad, "grad.h0")]
        for (name, variable) in network.namedParameters { maxDiff.append(f.expectClose(variable.grad, "grad." + name)) }
        print("\(name): max |s2s − torch| = \(maxDiff.max()!)")
    }
}
