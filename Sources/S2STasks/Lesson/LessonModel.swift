// The lesson's network: one recurrent layer (plain RNN, GRU or LSTM) and a linear read-out — small, so
// that what differs between runs is the cell alone. It runs a whole sequence at once (training) or step
// by step, keeping every h_t as a variable of its own (to read ∂L/∂h_t, the gradient flow).
import S2SCore
import S2SNN

/// The cells the lesson compares, in the order the lecture introduces them.
public enum LessonCell: String, CaseIterable, Codable, Sendable {
    case rnn, gru, lstm

    var recurrentCell: RecurrentCell {
        switch self {
        case .rnn: .rnnTanh
        case .gru: .gru
        case .lstm: .lstm
        }
    }
}

final class LessonModel {
    let cell: LessonCell
    let hidden: Int
    private let network: RecurrentNetwork
    let readOut: Linear

    init(cell: LessonCell, inputs: Int, hidden: Int, outputs: Int, rng: inout Generator) {
        self.cell = cell
        self.hidden = hidden
        network = RecurrentNetwork(cell: cell.recurrentCell, inputSize: inputs, hiddenSize: hidden, rng: &rng)
        if cell == .lstm {
            // The forget gate starts open (bias 1, Gers et al. 2000; Jozefowicz et al. 2015): the usual LSTM
            // practice, without which it needs far more steps to start remembering.
            for weights in network.weights[0] {
                for k in hidden..<(2 * hidden) {
                    weights.biasIH!.value.scalars[k] = 1
                    weights.biasHH!.value.scalars[k] = 0
                }
            }
        }
        readOut = Linear(inputs: hidden, outputs: outputs, rng: &rng)
    }

    var parameters: [(name: String, variable: Variable)] {
        network.namedParameters(prefix: "rnn") + readOut.namedParameters(prefix: "out")
    }

    /// The states h_1 … h_T of the whole sequence x [T, B, I], as [T, B, H].
    func states(_ x: Variable, tape: Tape) -> Variable {
        network(x, lengths: [Int](repeating: x.shape[0], count: x.shape[1]), tape: tape).output
    }

    /// The same states one step at a time: h_t [1, B, H] for t = 1 … T, each a variable whose gradient
    /// after `backward` is ∂L/∂h_t (through the recurrence; for the LSTM, not through its cell state).
    func unrolledStates(_ x: Variable, tape: Tape) -> [Variable] {
        let T = x.shape[0], B = x.shape[1]
        var state: (h: Variable, c: Variable?) = (Variable(Tensor(zeros: [1, B, hidden])),
                                                  cell == .lstm ? Variable(Tensor(zeros: [1, B, hidden])) : nil)
        let ones = [Int](repeating: 1, count: B)
        var states: [Variable] = []
        for t in 0..<T {
            let step = tape.slice(x, range: t..<(t + 1), axis: 0)
            let (_, h, c) = network.layer(0, input: step, lengths: ones, initialState: state, tape: tape)
            state = (h, c)
            states.append(h)
        }
        return states
    }
}
