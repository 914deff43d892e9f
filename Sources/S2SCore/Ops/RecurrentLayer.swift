// One recurrent layer of any cell over a padded, masked, time-major batch, in one or two directions: the
// one layer op every model calls. The LSTM runs in LSTMLayer.swift; this file holds the cell choice, the op,
// and the GRU and plain-RNN layers: the LSTM layer's machinery for the cells the lecture compares it
// with. The same packed-sequence semantics (at t ≥ lengths[b] the state passes through and the output
// is zero) and the same speed plan: the input projection of all steps in one GEMM, one recurrent GEMM
// per step, fused pointwise math (RecurrentPointwise.swift), weight gradients as one GEMM over all
// steps at the end.
//
// Shapes: x [T, B, I], lengths [B]; per direction weight_ih [G·H, I], weight_hh [G·H, H], bias_ih and
// bias_hh [G·H] with G = 3 (GRU: r, z, n) or 1 (RNN); h0 [D, B, H]; output [T, B, D·H]; h_n [D, B, H].

/// A recurrent cell, as PyTorch's nn.LSTM, nn.GRU and nn.RNN (nonlinearity tanh or relu): what a
/// model's `--cell` chooses. The raw values are the names config.json and the command line use.
public enum RecurrentCell: String, Codable, Sendable, CaseIterable {
    case lstm
    case gru
    case rnnTanh = "rnn"
    case rnnReLU = "rnn-relu"

    /// Gate blocks in weight_ih / weight_hh: 4 for the LSTM, 3 for the GRU, 1 for the RNN.
    public var gates: Int {
        switch self {
        case .lstm: 4
        case .gru: 3
        case .rnnTanh, .rnnReLU: 1
        }
    }

    /// True when the cell carries a cell state c beside h (the LSTM).
    public var hasCellState: Bool { self == .lstm }
}

/// The four parameters of one direction of a recurrent layer, named as PyTorch names them.
public struct RecurrentWeights {
    public let cell: RecurrentCell
    public let weightIH: Variable   // [G·H, I]
    public let weightHH: Variable   // [G·H, H]
    public let biasIH: Variable?    // [G·H]
    public let biasHH: Variable?    // [G·H]

    public init(cell: RecurrentCell, weightIH: Variable, weightHH: Variable, biasIH: Variable?, biasHH: Variable?) {
        precondition(weightHH.shape.count == 2 && weightHH.shape[0] == cell.gates * weightHH.shape[1],
                     "weight_hh must be [\(cell.gates)H, H], got \(weightHH.shape)")
        precondition(weightIH.shape.count == 2 && weightIH.shape[0] == weightHH.shape[0],
                     "weight_ih must be [\(cell.gates)H, I], got \(weightIH.shape)")
        self.cell = cell; self.weightIH = weightIH; self.weightHH = weightHH; self.biasIH = biasIH; self.biasHH = biasHH
    }

    public var hidden: Int { weightHH.shape[1] }
    public var inputSize: Int { weightIH.shape[1] }

    /// The same weights with another hidden-to-hidden matrix (of the same shape): a dropped-out view of
    /// `weightHH` made on a tape, whose gradient then flows back to the parameter through that op.
    public func replacingWeightHH(_ weightHH: Variable) -> RecurrentWeights {
        precondition(weightHH.shape == self.weightHH.shape, "replacingWeightHH: \(weightHH.shape) for \(self.weightHH.shape)")
        return RecurrentWeights(cell: cell, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
    }

    var variables: [Variable?] { [weightIH, weightHH, biasIH, biasHH] }

    /// The same variables as the LSTM run reads them (cell `.lstm` only).
    var lstm: LSTMWeights {
        precondition(cell == .lstm, "RecurrentWeights: a \(cell.rawValue) layer is not an LSTM")
        return LSTMWeights(weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
    }
}

extension Tape {
    /// Runs a recurrent layer of any cell in `directions.count` directions (1: forward; 2: forward then
    /// reverse). `c0` and the returned `c` are the LSTM's cell state (nil for the other cells).
    ///
    ///     let (y, h, _) = tape.recurrentLayer(x, lengths: [5, 3], directions: [forward, backward])
    ///     // y [T, B, 2H]; h [2, B, H]
    ///
    /// Cost: 2·T·B·G·H·(I + H) FLOPs per direction forward, twice that backward.
    public func recurrentLayer(_ x: Variable, lengths: [Int], directions: [RecurrentWeights],
                               h0: Variable? = nil, c0: Variable? = nil) -> (output: Variable, h: Variable, c: Variable?) {
        precondition(x.shape.count == 3, "recurrentLayer: x must be [T, B, I], got \(x.shape)")
        return recurrentLayer(inputs: Array(repeating: x, count: directions.count), projected: false, lengths: lengths,
                              directions: directions, h0: h0, c0: c0)
    }

    /// The same layer with each direction's input projection x·W_ihᵀ [T, B, G·H] (no bias) computed by the
    /// caller, one per direction: the layer skips that GEMM, passes d(gates) back into `projections`, and
    /// leaves W_ih's gradient to whatever computed them. Its input projection depends only on the token,
    /// so a language model gathers it from a [V, G·H] table (embedding·W_ihᵀ, one GEMM per batch) instead
    /// of multiplying every embedded token by W_ih, and a classifier does the same at inference.
    public func recurrentLayer(projections: [Variable], lengths: [Int], directions: [RecurrentWeights],
                               h0: Variable? = nil, c0: Variable? = nil) -> (output: Variable, h: Variable, c: Variable?) {
        let G = (directions.first?.cell.gates ?? 0) * (directions.first?.hidden ?? 0)
        precondition(projections.count == directions.count && projections.allSatisfy { $0.shape.count == 3 && $0.shape[2] == G
                        && $0.shape == projections[0].shape },
                     "recurrentLayer: projections must be \(directions.count) tensors of shape [T, B, \(G)]")
        return recurrentLayer(inputs: projections, projected: true, lengths: lengths, directions: directions, h0: h0, c0: c0)
    }

    /// `inputs[d]` is direction d's input (x, or its projection when `projected`).
    private func recurrentLayer(inputs: [Variable], projected: Bool, lengths: [Int], directions: [RecurrentWeights],
                                h0: Variable?, c0: Variable?) -> (output: Variable, h: Variable, c: Variable?) {
        precondition(directions.count == 1 || directions.count == 2, "recurrentLayer: 1 or 2 directions")
        let cell = directions[0].cell
        precondition(directions.allSatisfy { $0.cell == cell }, "recurrentLayer: both directions must have the same cell")
        if cell == .lstm {
            let lstm = directions.map(\.lstm)
            let (y, h, c) = projected
                ? lstmLayer(projections: inputs, lengths: lengths, directions: lstm, h0: h0, c0: c0)
                : lstmLayer(inputs[0], lengths: lengths, directions: lstm, h0: h0, c0: c0)
            return (y, h, c)
        }
        precondition(c0 == nil, "recurrentLayer: a \(cell.rawValue) layer has no cell state")
        let T = inputs[0].shape[0], B = inputs[0].shape[1], D = directions.count, H = directions[0].hidden
        let I = projected ? directions[0].inputSize : inputs[0].shape[2]
        precondition(lengths.count == B && lengths.allSatisfy { $0 >= 0 && $0 <= T }, "recurrentLayer: lengths \(lengths) for [T=\(T), B=\(B)]")
        for w in directions {
            precondition(w.inputSize == I && w.hidden == H, "recurrentLayer: weights do not fit input \(I), hidden \(H)")
        }
        precondition(h0 == nil || h0!.shape == [D, B, H], "recurrentLayer: h0 must be [\(D), \(B), \(H)]")

        var output = Tensor(zeros: [T, B, D * H])
        var hN = Tensor(zeros: [D, B, H])
        let runs = (0..<D).map { d in
            RecurrentDirectionRun(cell: cell, T: T, B: B, I: I, H: H, D: D, direction: d, lengths: lengths,
                                  projectedInput: projected, rowStable: isRowStable)
        }
        for (d, run) in runs.enumerated() {
            run.forward(x: inputs[d].value, weights: directions[d], h0: h0?.value, output: &output, hN: &hN)
        }
        let needs = needsGrad(inputs.map { Optional($0) } + [h0]) || needsGrad(directions.flatMap(\.variables))
        let outputVar = Variable(output, requiresGrad: needs), hVar = Variable(hN, requiresGrad: needs)
        guard needs else { return (outputVar, hVar, nil) }
        record("recurrentLayer") {
            guard outputVar.grad != nil || hVar.grad != nil else { return }
            for (d, run) in runs.enumerated() {
                run.backward(x: inputs[d], weights: directions[d], h0: h0, dOutput: outputVar.grad, dhN: hVar.grad)
            }
        }
        return (outputVar, hVar, nil)
    }
}

/// The saved activations and the kernels of one direction of one GRU or RNN layer call.
final class RecurrentDirectionRun {
    let cell: RecurrentCell
    let T: Int, B: Int, I: Int, H: Int, D: Int, direction: Int
    let lengths: [Int]
    /// x is x·W_ihᵀ already (see `Tape.recurrentLayer(projections:)`).
    let projectedInput: Bool
    let rowStable: Bool
    // Saved for backward, indexed by time t (not by processing order):
    var gates: [Float]     // [T, B, G·H]: GRU r, z, n; RNN the new state h'
    var hiddenN: [Float]   // [T, B, H]: GRU u_n + b_hn (empty for the RNN)
    var hPrev: [Float]     // [T, B, H]: the state before step t

    init(cell: RecurrentCell, T: Int, B: Int, I: Int, H: Int, D: Int, direction: Int, lengths: [Int], projectedInput: Bool,
         rowStable: Bool) {
        precondition(cell != .lstm, "RecurrentDirectionRun: the LSTM runs in LSTMDirectionRun")
        self.cell = cell; self.projectedInput = projectedInput
        self.T = T; self.B = B; self.I = I; self.H = H; self.D = D; self.direction = direction; self.lengths = lengths
        self.rowStable = rowStable
        gates = .uninitialized(T * B * cell.gates * H)
        hiddenN = cell == .gru ? .uninitialized(T * B * H) : []
        hPrev = .uninitialized(T * B * H)
    }

    var order: [Int] { direction == 1 ? Array((0..<T).reversed()) : Array(0..<T) }
    var G: Int { cell.gates * H }

    /// C = A·Wᵀ (+ C): BLAS, or the row-stable DotGEMM.
    @inline(__always)
    private func product(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ w: UnsafePointer<Float>, ldb: Int,
                         beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        if rowStable { DotGEMM.gemm(m: m, n: n, k: k, a, lda: lda, w, ldb: ldb, beta: beta, c, ldc: ldc) }
        else { BLAS.gemm(transposeB: true, m: m, n: n, k: k, a, lda: lda, w, ldb: ldb, beta: beta, c, ldc: ldc) }
    }

    func forward(x: Tensor, weights: RecurrentWeights, h0: Tensor?, output: inout Tensor, hN: inout Tensor) {
        let G = self.G, BH = B * H, stateOffset = direction * BH
        let zeros = [Float](repeating: 0, count: G)
        let biasIH = weights.biasIH?.value.scalars ?? zeros, biasHH = weights.biasHH?.value.scalars ?? zeros
        var recurrent = [Float].uninitialized(B * G)
        gates.withUnsafeMutableBufferPointer { gatesBuf in
        hiddenN.withUnsafeMutableBufferPointer { hiddenNBuf in
        hPrev.withUnsafeMutableBufferPointer { hPrevBuf in
        recurrent.withUnsafeMutableBufferPointer { recurrentBuf in
        output.withUnsafeMutableBufferPointer { outBuf in
        hN.withUnsafeMutableBufferPointer { hNBuf in
        weights.weightHH.value.withUnsafeBufferPointer { whhBuf in
            let gates = gatesBuf.baseAddress!, hPrev = hPrevBuf.baseAddress!, recurrent = recurrentBuf.baseAddress!
            let out = outBuf.baseAddress!, whh = whhBuf.baseAddress!, hFinal = hNBuf.baseAddress! + stateOffset
            // All steps' input projections in one GEMM (the biases are added by the pointwise kernels).
            x.withUnsafeBufferPointer { px in
                if projectedInput { gates.update(from: px.baseAddress!, count: T * B * G); return }
                weights.weightIH.value.withUnsafeBufferPointer { pw in
                    if T * B > 0 { product(m: T * B, n: G, k: I, px.baseAddress!, lda: I, pw.baseAddress!, ldb: I, beta: 0, gates, ldc: G) }
                }
            }
            let order = self.order
            guard let first = order.first else {
                if let h0 { h0.withUnsafeBufferPointer { hFinal.update(from: $0.baseAddress! + stateOffset, count: BH) } }
                return
            }
            // The initial state goes into the slot of the first processed step.
            if let h0 { h0.withUnsafeBufferPointer { (hPrev + first * BH).update(from: $0.baseAddress! + stateOffset, count: BH) } }
            else { (hPrev + first * BH).update(repeating: 0, count: BH) }
            let packed = rowStable ? nil : PackedMatrix(transposeB: true, k: H, n: G, whh, ldb: H)
            for (position, t) in order.enumerated() {
                let hp = hPrev + t * BH, g = gates + t * B * G
                let hNext = position == T - 1 ? hFinal : hPrev + order[position + 1] * BH
                let target = cell == .gru ? recurrent : g, beta: Float = cell == .gru ? 0 : 1
                if let packed { packed.product(m: B, hp, lda: H, beta: beta, target, ldc: G) }
                else { product(m: B, n: G, k: H, hp, lda: H, whh, ldb: H, beta: beta, target, ldc: G) }
                for b in 0..<B {
                    guard t < lengths[b] else {  // padding: the state passes through
                        (hNext + b * H).update(from: hp + b * H, count: H)
                        continue
                    }
                    let h = hNext + b * H
                    if cell == .gru {
                        GRUPointwise.forward(hidden: H, gates: g + b * G, recurrent: recurrent + b * G,
                                             hiddenN: hiddenNBuf.baseAddress! + t * BH + b * H, biasIH: biasIH, biasHH: biasHH,
                                             hPrev: hp + b * H, h: h)
                    } else {
                        RNNPointwise.forward(hidden: H, relu: cell == .rnnReLU, pre: g + b * G, biasIH: biasIH, biasHH: biasHH, h: h)
                        (g + b * G).update(from: h, count: H)   // backward differentiates through h'
                    }
                    (out + (t * B + b) * D * H + direction * H).update(from: h, count: H)
                }
            }
        }}}}}}}
    }

    func backward(x: Variable, weights: RecurrentWeights, h0: Variable?, dOutput: Tensor?, dhN: Tensor?) {
        let G = self.G, BH = B * H, stateOffset = direction * BH
        // The RNN's input- and recurrent-side gradients are the same dPre: one buffer serves both.
        var dInput = [Float].uninitialized(T * B * G)
        var dHidden = cell == .gru ? [Float].uninitialized(T * B * G) : []
        var dh = [Float](repeating: 0, count: BH), dhPrev = [Float].uninitialized(BH)
        if let dhN { for k in 0..<BH { dh[k] = dhN.scalars[stateOffset + k] } }
        let dOutputCopy = dOutput ?? Tensor(zeros: [0])

        dInput.withUnsafeMutableBufferPointer { dInputBuf in
        dHidden.withUnsafeMutableBufferPointer { dHiddenBuf in
        dh.withUnsafeMutableBufferPointer { dhBuf in
        dhPrev.withUnsafeMutableBufferPointer { dhPrevBuf in
        dOutputCopy.withUnsafeBufferPointer { dOutBuf in
        gates.withUnsafeBufferPointer { gatesBuf in
        hiddenN.withUnsafeBufferPointer { hiddenNBuf in
        hPrev.withUnsafeBufferPointer { hPrevBuf in
        weights.weightHH.value.withUnsafeBufferPointer { whhBuf in
            let dh = dhBuf.baseAddress!, dhPrev = dhPrevBuf.baseAddress!
            let packed = PackedMatrix(transposeB: false, k: G, n: H, whhBuf.baseAddress!, ldb: H)
            let dOut = dOutput == nil ? nil : dOutBuf.baseAddress!
            let gates = gatesBuf.baseAddress!, hPrev = hPrevBuf.baseAddress!
            let dRecurrentAll = cell == .gru ? dHiddenBuf.baseAddress! : dInputBuf.baseAddress!
            for t in order.reversed() {
                let di = dInputBuf.baseAddress! + t * B * G, dr = dRecurrentAll + t * B * G
                var anyActive = false
                dhPrev.update(repeating: 0, count: BH)
                for b in 0..<B {
                    guard t < lengths[b] else {  // padding: no gate gradient; dh passes through
                        (di + b * G).update(repeating: 0, count: G)
                        if cell == .gru { (dr + b * G).update(repeating: 0, count: G) }
                        continue
                    }
                    anyActive = true
                    let dOutRow = dOut.map { $0 + (t * B + b) * D * H + direction * H }
                    if cell == .gru {
                        GRUPointwise.backward(hidden: H, gates: gates + (t * B + b) * G, hiddenN: hiddenNBuf.baseAddress! + t * BH + b * H,
                                              hPrev: hPrev + t * BH + b * H, dh: dh + b * H, dOutput: dOutRow,
                                              dInput: di + b * G, dHidden: dr + b * G, dhDirect: dhPrev + b * H)
                    } else {
                        RNNPointwise.backward(hidden: H, relu: cell == .rnnReLU, h: gates + (t * B + b) * G, dh: dh + b * H,
                                              dOutput: dOutRow, dPre: di + b * G)
                    }
                }
                guard anyActive else { continue }
                // dh_{t-1} = (direct part) + dRecurrent_t · W_hh for active rows; padded rows pass dh through.
                packed.product(m: B, dr, lda: G, beta: 1, dhPrev, ldc: H)
                for b in 0..<B where t < lengths[b] { (dh + b * H).update(from: dhPrev + b * H, count: H) }
            }
        }}}}}}}}}

        accumulateWeightGradients(x: x, weights: weights, dInput: dInput, dRecurrent: cell == .gru ? dHidden : dInput)
        if let h0, h0.requiresGrad { h0.withGrad { g in for k in 0..<BH { g[stateOffset + k] += dh[k] } } }
    }

    /// dW_ih += dInputᵀ·x, dW_hh += dRecurrentᵀ·h_prev, db_ih += Σ dInput, db_hh += Σ dRecurrent,
    /// dx += dInput·W_ih — one GEMM each over all T·B rows. With a projected input: dx += dInput, and no dW_ih.
    private func accumulateWeightGradients(x: Variable, weights: RecurrentWeights, dInput: [Float], dRecurrent: [Float]) {
        let G = self.G, rows = T * B
        guard rows > 0 else { return }
        if weights.weightIH.requiresGrad && !projectedInput {
            x.value.withUnsafeBufferPointer { px in
                weights.weightIH.withGrad { g in
                    BLAS.gemm(transposeA: true, m: G, n: I, k: rows, dInput, lda: G, px.baseAddress!, ldb: I, beta: 1, g.baseAddress!, ldc: I)
                }
            }
        }
        if weights.weightHH.requiresGrad {
            weights.weightHH.withGrad { g in
                BLAS.gemm(transposeA: true, m: G, n: H, k: rows, dRecurrent, lda: G, hPrev, ldb: H, beta: 1, g.baseAddress!, ldc: H)
            }
        }
        for (bias, gradient) in [(weights.biasIH, dInput), (weights.biasHH, dRecurrent)] {
            guard let bias, bias.requiresGrad else { continue }
            let sum = BLAS.columnSums(rows: rows, columns: G, gradient)
            bias.withGrad { g in for k in 0..<G { g[k] += sum[k] } }
        }
        if x.requiresGrad && projectedInput {
            x.withGrad { g in dInput.withUnsafeBufferPointer { ElementwiseKernel.accumulate(count: rows * G, dy: $0.baseAddress!, into: g.baseAddress!) } }
        } else if x.requiresGrad {
            weights.weightIH.value.withUnsafeBufferPointer { pw in
                x.withGrad { g in
                    BLAS.gemm(m: rows, n: I, k: G, dInput, lda: G, pw.baseAddress!, ldb: I, beta: 1, g.baseAddress!, ldc: I)
                }
            }
        }
    }
}
