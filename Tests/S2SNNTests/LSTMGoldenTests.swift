import Testing
import S2STestSupport
import S2SCore
@testable import S2SNN

/// s2s's LSTM against torch.nn.LSTM / nn.LSTMCell: outputs, final states and every gradient.
@Suite struct LSTMGoldenTests {
    @Test(arguments: ["lstm_l1_uni", "lstm_l1_bi", "lstm_l2_uni", "lstm_l2_bi", "lstm_l1_bi_unsorted"])
    func matchesTorch(name: String) throws {
        let f = try GoldenFixture(name)
        var rng = Generator(seed: 0)
        let lstm = RecurrentNetwork(cell: .lstm, inputSize: Int(f.metadata["input_size"]!)!, hiddenSize: Int(f.metadata["hidden_size"]!)!,
                                    layers: Int(f.metadata["layers"]!)!, bidirectional: f.metadata["bidirectional"] == "true", rng: &rng)
        for (name, variable) in lstm.namedParameters { variable.value = f[name] }
        let x = f.variable("input"), h0 = f.variable("h0"), c0 = f.variable("c0")

        let tape = Tape()
        let (y, h, cOut) = lstm(x, lengths: f.ints("lengths"), initialState: (h0, c0), tape: tape)
        let c = try #require(cOut)
        var maxDiff = [f.expectClose(y.value, "output"), f.expectClose(h.value, "h_n"), f.expectClose(c.value, "c_n")]

        y.accumulateGrad(f["grad_output"]); h.accumulateGrad(f["grad_h_n"])
        tape.backward(from: c, seed: f["grad_c_n"])
        maxDiff += [f.expectClose(x.grad, "grad.input"), f.expectClose(h0.grad, "grad.h0"), f.expectClose(c0.grad, "grad.c0")]
        for (name, variable) in lstm.namedParameters { maxDiff.append(f.expectClose(variable.grad, "grad." + name)) }
        print("\(name): max |s2s − torch| = \(maxDiff.max()!)")
    }

    @Test func cellMatchesTorch() throws {
        let f = try GoldenFixture("lstm_cell")
        let x = f.variable("x"), h = f.variable("h"), c = f.variable("c")
        let weights = RecurrentWeights(cell: .lstm, weightIH: f.variable("weight_ih"), weightHH: f.variable("weight_hh"),
                                  biasIH: f.variable("bias_ih"), biasHH: f.variable("bias_hh"))
        let tape = Tape()
        let (hNext, cNext) = tape.lstmCell(x, h: h, c: c, weights: weights)
        f.expectClose(hNext.value, "h_next"); f.expectClose(cNext.value, "c_next")
        hNext.accumulateGrad(f["grad_h_next"])
        tape.backward(from: cNext, seed: f["grad_c_next"])
        for (key, v) in [("x", x), ("h", h), ("c", c), ("weight_ih", weights.weightIH), ("weight_hh", weights.weightHH),
                         ("bias_ih", weights.biasIH!), ("bias_hh", weights.biasHH!)] {
            f.expectClose(v.grad, "grad." + key)
        }
    }
}
