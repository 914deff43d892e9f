// The oracle for the fused attention decoder: the same decoder written step by step with ordinary
// tape ops (lstmCell, the recurrent layer op with T = 1, GlobalAttention, concat, stack) — slow,
// obvious, and independently tested (against PyTorch's nn.LSTMCell, nn.GRU and nn.RNN).
@testable import S2SCore
import S2SNN
@testable import S2SModels

enum ReferenceDecoder {
    /// embedded [T, B, E], memory [S, B, H] (time-major), h0 (and the LSTM's c0) [L, B, H] → attentional
    /// vectors [T, B, H].
    static func decode(embedded: Variable, memory: Variable, lengths: [Int], h0: Variable, c0: Variable?,
                       layers: [RecurrentWeights], attention: GlobalAttention, tape: Tape) -> Variable {
        let B = embedded.shape[1], H = memory.shape[2]
        let batchMajor = tape.transposeLeadingAxes(memory)
        let projected = attention.projectMemory(batchMajor, tape: tape)
        var h = tape.unstack(h0)
        var c: [Variable?] = c0.map { tape.unstack($0).map { Optional($0) } } ?? Array(repeating: nil, count: layers.count)
        var feed = Variable(Tensor(zeros: [B, H]))
        var outputs: [Variable] = []
        for step in tape.unstack(embedded) {
            var x = tape.concat([step, feed], axis: 1)
            for l in layers.indices {
                (h[l], c[l]) = cellStep(x, h: h[l], c: c[l], weights: layers[l], tape: tape)
                x = h[l]
            }
            feed = attention(query: x, memory: batchMajor, lengths: lengths, projectedMemory: projected, tape: tape).output
            outputs.append(feed)
        }
        return tape.stack(outputs)
    }

    /// One step of one layer: x [B, I], h (and c) [B, H] → h', c'.
    static func cellStep(_ x: Variable, h: Variable, c: Variable?, weights: RecurrentWeights, tape: Tape) -> (Variable, Variable?) {
        if weights.cell == .lstm {
            let (hNext, cNext) = tape.lstmCell(x, h: h, c: c!, weights: weights)
            return (hNext, cNext)
        }
        let B = x.shape[0], H = weights.hidden
        let (_, hNext, _) = tape.recurrentLayer(tape.reshape(x, to: [1, B, x.shape[1]]), lengths: [Int](repeating: 1, count: B),
                                                directions: [weights], h0: tape.reshape(h, to: [1, B, H]))
        return (tape.reshape(hNext, to: [B, H]), nil)
    }
}

/// A small random decoder problem.
struct DecoderProblem {
    let T: Int, B: Int, S: Int, E: Int, H: Int, L: Int
    let lengths: [Int]
    let layers: [RecurrentWeights]
    let attention: GlobalAttention
    let embedded: Variable, memory: Variable, h0: Variable, c0: Variable?

    init(type: AttentionType, layers L: Int, cell: RecurrentCell = .lstm, T: Int = 4, B: Int = 3, S: Int = 5, E: Int = 6,
         H: Int = 8, lengths: [Int] = [5, 2, 4], seed: UInt64 = 3) {
        var rng = Generator(seed: seed)
        self.T = T; self.B = B; self.S = S; self.E = E; self.H = H; self.L = L; self.lengths = lengths
        func param(_ shape: [Int]) -> Variable { Variable(.uniform(shape, low: -0.5, high: 0.5, using: &rng), requiresGrad: true) }
        let G = cell.gates * H
        layers = (0..<L).map { l in
            RecurrentWeights(cell: cell, weightIH: param([G, l == 0 ? E + H : H]), weightHH: param([G, H]),
                             biasIH: param([G]), biasHH: param([G]))
        }
        attention = GlobalAttention(dimension: H, type: type, rng: &rng)
        embedded = param([T, B, E])
        var m = Tensor.uniform([S, B, H], low: -1, high: 1, using: &rng)
        for b in 0..<B { for s in lengths[b]..<S { for j in 0..<H { m[s, b, j] = 0 } } }   // as an encoder leaves padding
        memory = Variable(m, requiresGrad: true)
        h0 = param([L, B, H])
        c0 = cell.hasCellState ? param([L, B, H]) : nil
    }

    var parameters: AttentionDecoderParameters { AttentionDecoderParameters(layers: layers, attention: attention) }

    var allVariables: [Variable] { [embedded, memory, h0] + (c0.map { [$0] } ?? []) + parameters.variables }

    func fused(_ tape: Tape, dropout: Float = 0) -> Variable {
        tape.attentionDecoder(embedded: embedded, memory: memory, sourceLengths: lengths, h0: h0, c0: c0,
                              parameters: parameters, dropout: dropout)
    }

    func reference(_ tape: Tape) -> Variable {
        ReferenceDecoder.decode(embedded: embedded, memory: memory, lengths: lengths, h0: h0, c0: c0,
                                layers: layers, attention: attention, tape: tape)
    }
}
