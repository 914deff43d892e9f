import S2SCore

/// A stacked, optionally bidirectional GRU or plain RNN over padded, time-major batches — `torch.nn.GRU`
/// and `torch.nn.RNN` (nonlinearity tanh or relu) with the same parameter names (`weight_ih_l0`,
/// `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `_reverse` for the backward direction), gate order (GRU:
/// r, z, n), initialisation (U(−1/√H, 1/√H)) and packed-sequence semantics. The LSTM is `LSTM`: it also
/// carries a cell state.
///
///     let gru = RecurrentNetwork(cell: .gru, inputSize: 64, hiddenSize: 128, layers: 2, rng: &rng)
///     let (y, h) = gru(x, lengths: lengths, tape: tape)   // y [T, B, 128]; h [2, B, 128]
public final class RecurrentNetwork: Layer {
    public let cell: RecurrentCell
    public let inputSize: Int
    public let hiddenSize: Int
    public let layers: Int
    public let bidirectional: Bool
    /// Dropout on the outputs of every layer but the last (as PyTorch's `dropout` argument).
    public var dropout: Float
    /// weights[layer][direction]
    public let weights: [[RecurrentWeights]]

    public init(cell: RecurrentCell, inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false,
                dropout: Float = 0, rng: inout Generator) {
        self.cell = cell; self.inputSize = inputSize; self.hiddenSize = hiddenSize; self.layers = layers
        self.bidirectional = bidirectional; self.dropout = dropout
        let directions = bidirectional ? 2 : 1, G = cell.gates * hiddenSize
        let bound = 1 / Float(hiddenSize).squareRoot()
        func make(_ shape: [Int]) -> Variable { parameter(.uniform(shape, low: -bound, high: bound, using: &rng)) }
        weights = (0..<layers).map { layer in
            let layerInput = layer == 0 ? inputSize : directions * hiddenSize
            return (0..<directions).map { _ in
                RecurrentWeights(cell: cell, weightIH: make([G, layerInput]), weightHH: make([G, hiddenSize]),
                                 biasIH: make([G]), biasHH: make([G]))
            }
        }
    }

    public var directions: Int { bidirectional ? 2 : 1 }
    /// Size of the last axis of the output: directions × hidden.
    public var outputSize: Int { directions * hiddenSize }

    /// Runs every layer. `initialState` is [L·D, B, H] (zeros when nil); returns the last layer's output
    /// [T, B, D·H] (zero at padded steps) and the final states [L·D, B, H].
    public func callAsFunction(_ x: Variable, lengths: [Int], initialState: Variable? = nil,
                               tape: Tape) -> (output: Variable, h: Variable) {
        let D = directions
        var input = x
        var final: [Variable] = []
        for layer in 0..<layers {
            let state = initialState.map { tape.slice($0, range: layer * D..<(layer + 1) * D, axis: 0) }
            let (y, h) = tape.recurrentLayer(input, lengths: lengths, directions: weights[layer], h0: state)
            final.append(h)
            input = layer < layers - 1 ? tape.dropout(y, probability: dropout) : y
        }
        return (input, layers == 1 ? final[0] : tape.concat(final, axis: 0))
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        weights.enumerated().flatMap { layer, directionWeights in
            directionWeights.enumerated().flatMap { direction, w -> [(name: String, variable: Variable)] in
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                return [("weight_ih" + suffix, w.weightIH), ("weight_hh" + suffix, w.weightHH)]
                    + [w.biasIH.map { ("bias_ih" + suffix, $0) }, w.biasHH.map { ("bias_hh" + suffix, $0) }].compactMap { $0 }
            }
        }
    }
}
