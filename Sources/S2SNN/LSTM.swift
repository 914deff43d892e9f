import S2SCore

/// A stacked, optionally bidirectional LSTM over padded, time-major batches — `torch.nn.LSTM` with
/// the same parameter names (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `_reverse`
/// for the backward direction), gate order (i, f, g, o), initialisation (U(−1/√H, 1/√H)) and
/// packed-sequence semantics, so a state dict moves between the two with no renaming.
///
///     let lstm = LSTM(inputSize: 256, hiddenSize: 512, layers: 2, bidirectional: true, rng: &rng)
///     let (y, h, c) = lstm(x, lengths: lengths, tape: tape)   // y [T, B, 1024]; h, c [4, B, 512]
public final class LSTM: Layer {
    public let inputSize: Int
    public let hiddenSize: Int
    public let layers: Int
    public let bidirectional: Bool
    /// Dropout on the outputs of every layer but the last (as PyTorch's `dropout` argument).
    public var dropout: Float
    /// weights[layer][direction]
    public let weights: [[LSTMWeights]]

    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false,
                dropout: Float = 0, rng: inout Generator) {
        self.inputSize = inputSize; self.hiddenSize = hiddenSize; self.layers = layers
        self.bidirectional = bidirectional; self.dropout = dropout
        let directions = bidirectional ? 2 : 1
        let bound = 1 / Float(hiddenSize).squareRoot()
        func make(_ shape: [Int]) -> Variable { parameter(.uniform(shape, low: -bound, high: bound, using: &rng)) }
        var all: [[LSTMWeights]] = []
        for layer in 0..<layers {
            let layerInput = layer == 0 ? inputSize : directions * hiddenSize
            all.append((0..<directions).map { _ in
                LSTMWeights(weightIH: make([4 * hiddenSize, layerInput]), weightHH: make([4 * hiddenSize, hiddenSize]),
                            biasIH: make([4 * hiddenSize]), biasHH: make([4 * hiddenSize]))
            })
        }
        weights = all
    }

    public var directions: Int { bidirectional ? 2 : 1 }
    /// Size of the last axis of the output: directions × hidden.
    public var outputSize: Int { directions * hiddenSize }

    /// Runs every layer. `initialState` h, c are [L·D, B, H] (zeros when nil); returns the last
    /// layer's output [T, B, D·H] (zero at padded steps) and the final states [L·D, B, H].
    public func callAsFunction(_ x: Variable, lengths: [Int], initialState: (h: Variable, c: Variable)? = nil,
                               tape: Tape) -> (output: Variable, h: Variable, c: Variable) {
        let D = directions
        var input = x
        var finalH: [Variable] = [], finalC: [Variable] = []
        for layer in 0..<layers {
            let states = initialState.map { state in
                (tape.slice(state.h, range: layer * D..<(layer + 1) * D, axis: 0),
                 tape.slice(state.c, range: layer * D..<(layer + 1) * D, axis: 0))
            }
            let (y, h, c) = tape.lstmLayer(input, lengths: lengths, directions: weights[layer], h0: states?.0, c0: states?.1)
            finalH.append(h); finalC.append(c)
            input = layer < layers - 1 ? tape.dropout(y, probability: dropout) : y
        }
        let h = layers == 1 ? finalH[0] : tape.concat(finalH, axis: 0)
        let c = layers == 1 ? finalC[0] : tape.concat(finalC, axis: 0)
        return (input, h, c)
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        var result: [(name: String, variable: Variable)] = []
        for (layer, directionWeights) in weights.enumerated() {
            for (direction, w) in directionWeights.enumerated() {
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                result += [("weight_ih" + suffix, w.weightIH), ("weight_hh" + suffix, w.weightHH)]
                if let b = w.biasIH { result.append(("bias_ih" + suffix, b)) }
                if let b = w.biasHH { result.append(("bias_hh" + suffix, b)) }
            }
        }
        return result
    }
}
