// One LSTM step for decoders that feed each step's output back in (input feeding): the layer op with
// T = 1, so the cell and the layer share one kernel and one set of tests.

extension Tape {
    /// One step of an LSTM cell, `torch.nn.LSTMCell` semantics: x [B, I], h and c [B, H] → h', c' [B, H].
    ///
    ///     let (h1, c1) = tape.lstmCell(x, h: h0, c: c0, weights: decoderWeights)
    public func lstmCell(_ x: Variable, h: Variable, c: Variable, weights: RecurrentWeights) -> (h: Variable, c: Variable) {
        let B = x.shape[0], H = weights.hidden
        let (_, hNext, cNext) = lstmLayer(reshape(x, to: [1, B, x.shape[1]]), lengths: [Int](repeating: 1, count: B),
                                          directions: [weights.lstm], h0: reshape(h, to: [1, B, H]), c0: reshape(c, to: [1, B, H]))
        return (reshape(hNext, to: [B, H]), reshape(cNext, to: [B, H]))
    }
}
