import S2SCore

/// A stacked, optionally bidirectional LSTM, GRU or plain RNN over padded, time-major batches —
/// `torch.nn.LSTM`, `torch.nn.GRU` and `torch.nn.RNN` (nonlinearity tanh or relu) with the same parameter
/// names (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `_reverse` for the backward
/// direction), gate order (LSTM: i, f, g, o; GRU: r, z, n), initialisation (U(−1/√H, 1/√H)) and
/// packed-sequence semantics, so a state dict moves between the two with no renaming.
///
///     let lstm = RecurrentNetwork(cell: .lstm, inputSize: 256, hiddenSize: 512, layers: 2, bidirectional: true, rng: &rng)
///     let (y, h, c) = lstm(x, lengths: lengths, tape: tape)   // y [T, B, 1024]; h, c [4, B, 512]
///     let gru = RecurrentNetwork(cell: .gru, inputSize: 64, hiddenSize: 128, layers: 2, rng: &rng)
///     let (z, hg, _) = gru(x, lengths: lengths, tape: tape)   // z [T, B, 128]; hg [2, B, 128]; no cell state
public final class RecurrentNetwork: Layer {
    public let cell: RecurrentCell
    public let inputSize: Int
    public let hiddenSize: Int
    public let layers: Int
    public let bidirectional: Bool
    /// Dropout on the outputs of every layer but the last (as PyTorch's `dropout` argument).
    public var dropout: Float
    /// DropConnect on the hidden-to-hidden weights (AWD-LSTM's weight drop, Merity et al. 2017): in
    /// training, each call of a layer zeroes elements of its `weight_hh` with this probability (one mask
    /// for every step and stream of the call, the survivors scaled by 1/(1−p)). It regularises the
    /// recurrent connections themselves, which dropout between layers never touches, and costs one mask
    /// of G·H·H per layer and call. 0 (the default) leaves the layer as it was.
    public var weightDropout: Float = 0
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

    /// Runs every layer. `initialState` h (and, for the LSTM, c) is [L·D, B, H] (zeros when nil); returns
    /// the last layer's output [T, B, D·H] (zero at padded steps) and the final states [L·D, B, H] (c nil
    /// unless the cell has one).
    public func callAsFunction(_ x: Variable, lengths: [Int], initialState: (h: Variable, c: Variable?)? = nil,
                               tape: Tape) -> (output: Variable, h: Variable, c: Variable?) {
        var input = x
        var finalH: [Variable] = [], finalC: [Variable] = []
        for layer in 0..<layers {
            let (y, h, c) = self.layer(layer, input: input, lengths: lengths, initialState: initialState, tape: tape)
            finalH.append(h)
            if let c { finalC.append(c) }
            input = layer < layers - 1 ? tape.dropout(y, probability: dropout) : y
        }
        return (input, Self.joined(finalH, tape: tape), finalC.isEmpty ? nil : Self.joined(finalC, tape: tape))
    }

    /// Runs layer `layer` alone on `input` [T, B, I], from that layer's slice of `initialState` (all
    /// layers' states, [L·D, B, H]). For models that treat one layer differently.
    public func layer(_ layer: Int, input: Variable, lengths: [Int], initialState: (h: Variable, c: Variable?)?,
                      tape: Tape) -> (output: Variable, h: Variable, c: Variable?) {
        let (h0, c0) = states(of: layer, initialState, tape: tape)
        return tape.recurrentLayer(input, lengths: lengths, directions: directions(of: layer, tape: tape), h0: h0, c0: c0)
    }

    /// The same with the layer's input projection per direction [T, B, G·H] computed by the caller (see
    /// `Tape.recurrentLayer(projections:)`).
    public func layer(_ layer: Int, projections: [Variable], lengths: [Int], initialState: (h: Variable, c: Variable?)?,
                      tape: Tape) -> (output: Variable, h: Variable, c: Variable?) {
        let (h0, c0) = states(of: layer, initialState, tape: tape)
        return tape.recurrentLayer(projections: projections, lengths: lengths, directions: directions(of: layer, tape: tape),
                                   h0: h0, c0: c0)
    }

    /// The layer's weights as this call uses them: `weight_hh` through `weightDropout` (a new mask per call;
    /// the tape's dropout is the identity outside training, so inference reads the parameters themselves).
    private func directions(of layer: Int, tape: Tape) -> [RecurrentWeights] {
        guard weightDropout > 0 else { return weights[layer] }
        return weights[layer].map { $0.replacingWeightHH(tape.dropout($0.weightHH, probability: weightDropout)) }
    }

    private func states(of layer: Int, _ state: (h: Variable, c: Variable?)?, tape: Tape) -> (h: Variable?, c: Variable?) {
        let range = layer * directions..<(layer + 1) * directions
        return (state.map { tape.slice($0.h, range: range, axis: 0) }, state?.c.map { tape.slice($0, range: range, axis: 0) })
    }

    /// Per-layer states [D, B, H] stacked into [L·D, B, H].
    public static func joined(_ states: [Variable], tape: Tape) -> Variable {
        states.count == 1 ? states[0] : tape.concat(states, axis: 0)
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
