// The LSTM's run of the recurrent layer op (`Tape.recurrentLayer`, RecurrentLayer.swift: the one op every
// model calls, for every cell), over a padded, masked, time-major batch in one or two directions: what the
// encoder, the language model and the classifier spend their time in. Internal: reached through that op.
//
// Shapes: x [T, B, I], lengths [B] (each ≤ T), per direction weight_ih [4H, I], weight_hh [4H, H],
// bias_ih [4H], bias_hh [4H]; h0, c0 [D, B, H]; output [T, B, D·H]; h_n, c_n [D, B, H]. D = 1 or 2.
//
// Semantics are PyTorch's packed sequences: at t ≥ lengths[b] the state of row b passes through
// unchanged and its output is zero, so h_n is the state at the row's last real step, and the reverse
// direction of row b starts at t = lengths[b] − 1 from h0. Padded inputs are never read into the state.
//
// Speed: the input projection of all T steps is one GEMM; the recurrence is one [B,H]·[H,4H] GEMM per
// step (W_hh packed once per call: PackedMatrix) followed by the fused SIMD gate math; backward runs the gate math in reverse and computes the
// weight gradients as one GEMM over all steps at the end.

/// The four parameters of one LSTM direction, as the LSTM run reads them (`RecurrentWeights.lstm`).
struct LSTMWeights {
    let weightIH: Variable   // [4H, I]
    let weightHH: Variable   // [4H, H]
    let biasIH: Variable?    // [4H]
    let biasHH: Variable?    // [4H]

    init(weightIH: Variable, weightHH: Variable, biasIH: Variable?, biasHH: Variable?) {
        precondition(weightHH.shape.count == 2 && weightHH.shape[0] == 4 * weightHH.shape[1],
                     "weight_hh must be [4H, H], got \(weightHH.shape)")
        precondition(weightIH.shape.count == 2 && weightIH.shape[0] == weightHH.shape[0],
                     "weight_ih must be [4H, I], got \(weightIH.shape)")
        self.weightIH = weightIH; self.weightHH = weightHH; self.biasIH = biasIH; self.biasHH = biasHH
    }

    var hidden: Int { weightHH.shape[1] }
    var inputSize: Int { weightIH.shape[1] }
    var variables: [Variable?] { [weightIH, weightHH, biasIH, biasHH] }
}

extension Tape {
    /// Runs an LSTM layer in `directions.count` directions (1: forward; 2: forward then reverse).
    ///
    ///     let (y, h, c) = tape.lstmLayer(x, lengths: [5, 3], directions: [forward, backward])
    ///     // y [T, B, 2H]; h, c [2, B, H]
    ///
    /// Cost: 2·T·B·4H·(I + H) FLOPs per direction forward, twice that backward.
    func lstmLayer(_ x: Variable, lengths: [Int], directions: [LSTMWeights],
                          h0: Variable? = nil, c0: Variable? = nil) -> (output: Variable, h: Variable, c: Variable) {
        precondition(x.shape.count == 3, "lstmLayer: x must be [T, B, I], got \(x.shape)")
        return lstmLayer(inputs: Array(repeating: x, count: directions.count), projected: false,
                         lengths: lengths, directions: directions, h0: h0, c0: c0)
    }

    /// The same layer with each direction's input projection x·W_ihᵀ [T, B, 4H] (no bias) computed by the
    /// caller, one per direction: the layer skips that GEMM, passes d(gates) back into `projections`, and
    /// leaves W_ih's gradient to whatever computed them. Its input projection depends only on the token,
    /// so a language model gathers it from a [V, 4H] table (embedding·W_ihᵀ, one GEMM per batch) instead
    /// of multiplying every embedded token by W_ih, and a classifier does the same at inference.
    func lstmLayer(projections: [Variable], lengths: [Int], directions: [LSTMWeights],
                          h0: Variable? = nil, c0: Variable? = nil) -> (output: Variable, h: Variable, c: Variable) {
        let G = 4 * (directions.first?.hidden ?? 0)
        precondition(projections.count == directions.count && projections.allSatisfy { $0.shape.count == 3 && $0.shape[2] == G
                        && $0.shape == projections[0].shape },
                     "lstmLayer: projections must be \(directions.count) tensors of shape [T, B, \(G)]")
        return lstmLayer(inputs: projections, projected: true, lengths: lengths, directions: directions, h0: h0, c0: c0)
    }

    /// `inputs[d]` is direction d's input (x, or its projection when `projected`).
    private func lstmLayer(inputs: [Variable], projected: Bool, lengths: [Int], directions: [LSTMWeights],
                           h0: Variable?, c0: Variable?) -> (output: Variable, h: Variable, c: Variable) {
        precondition(directions.count == 1 || directions.count == 2, "lstmLayer: 1 or 2 directions")
        let T = inputs[0].shape[0], B = inputs[0].shape[1], D = directions.count, H = directions[0].hidden
        let I = projected ? directions[0].inputSize : inputs[0].shape[2]
        precondition(lengths.count == B && lengths.allSatisfy { $0 >= 0 && $0 <= T }, "lstmLayer: lengths \(lengths) for [T=\(T), B=\(B)]")
        for w in directions { precondition(w.inputSize == I && w.hidden == H, "lstmLayer: weights do not fit input \(I), hidden \(H)") }
        precondition(h0 == nil || h0!.shape == [D, B, H], "lstmLayer: h0 must be [\(D), \(B), \(H)]")
        precondition(c0 == nil || c0!.shape == [D, B, H], "lstmLayer: c0 must be [\(D), \(B), \(H)]")

        var output = Tensor(zeros: [T, B, D * H])
        var hN = Tensor(zeros: [D, B, H]), cN = Tensor(zeros: [D, B, H])
        let runs = (0..<D).map { d in
            LSTMDirectionRun(T: T, B: B, I: I, H: H, D: D, direction: d, lengths: lengths, projectedInput: projected,
                             rowStable: isRowStable)
        }
        for (d, run) in runs.enumerated() {
            run.forward(x: inputs[d].value, weights: directions[d], h0: h0?.value, c0: c0?.value,
                        output: &output, hN: &hN, cN: &cN)
        }

        let needs = needsGrad(inputs.map { Optional($0) } + [h0, c0]) || needsGrad(directions.flatMap(\.variables))
        let outputVar = Variable(output, requiresGrad: needs)
        let hVar = Variable(hN, requiresGrad: needs), cVar = Variable(cN, requiresGrad: needs)
        guard needs else { return (outputVar, hVar, cVar) }
        record("lstmLayer") {
            guard outputVar.grad != nil || hVar.grad != nil || cVar.grad != nil else { return }
            for (d, run) in runs.enumerated() {
                run.backward(x: inputs[d], weights: directions[d], h0: h0, c0: c0,
                             dOutput: outputVar.grad, dhN: hVar.grad, dcN: cVar.grad)
            }
        }
        return (outputVar, hVar, cVar)
    }
}

/// The saved activations and the kernels of one direction of one layer call.
final class LSTMDirectionRun {
    let T: Int, B: Int, I: Int, H: Int, D: Int, direction: Int
    let lengths: [Int]
    /// x is x·W_ihᵀ already (see `Tape.lstmLayer(projections:)`).
    let projectedInput: Bool
    /// Forward products through DotGEMM (see `Tape.isRowStable`).
    let rowStable: Bool
    // Saved for backward, indexed by time t (not by processing order):
    var gates: [Float]   // [T, B, 4H]: pre-activations, then activations i, f, g, o
    var hPrev: [Float]   // [T, B, H]: the state before step t
    var cPrev: [Float]   // [T, B, H]
    var tanhC: [Float]   // [T, B, H]: tanh of the cell after step t

    init(T: Int, B: Int, I: Int, H: Int, D: Int, direction: Int, lengths: [Int], projectedInput: Bool = false,
         rowStable: Bool = false) {
        self.T = T; self.B = B; self.I = I; self.H = H; self.D = D; self.direction = direction; self.lengths = lengths
        self.projectedInput = projectedInput
        self.rowStable = rowStable
        // Every element the kernels read is written first, so no zero fill (and no page touching) here.
        gates = .uninitialized(T * B * 4 * H)
        hPrev = .uninitialized(T * B * H)
        cPrev = .uninitialized(T * B * H)
        tanhC = .uninitialized(T * B * H)
    }

    var isReverse: Bool { direction == 1 }
    /// Time indices in processing order.
    var order: [Int] { isReverse ? Array((0..<T).reversed()) : Array(0..<T) }

    /// C = A·Wᵀ (+ C): BLAS, or the row-stable DotGEMM.
    @inline(__always)
    private func product(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ w: UnsafePointer<Float>, ldb: Int,
                         beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        if rowStable { DotGEMM.gemm(m: m, n: n, k: k, a, lda: lda, w, ldb: ldb, beta: beta, c, ldc: ldc) }
        else { BLAS.gemm(transposeB: true, m: m, n: n, k: k, a, lda: lda, w, ldb: ldb, beta: beta, c, ldc: ldc) }
    }

    func forward(x: Tensor, weights: LSTMWeights, h0: Tensor?, c0: Tensor?,
                 output: inout Tensor, hN: inout Tensor, cN: inout Tensor) {
        let G = 4 * H, BH = B * H, stateOffset = direction * BH
        gates.withUnsafeMutableBufferPointer { gatesBuf in
            let gates = gatesBuf.baseAddress!
            // All steps' input projections in one GEMM: gates[t] = x[t]·W_ihᵀ (the bias is added by the
            // pointwise kernel).
            var bias = [Float](repeating: 0, count: G)
            for b in [weights.biasIH, weights.biasHH] { if let b { for k in 0..<G { bias[k] += b.value.scalars[k] } } }
            x.withUnsafeBufferPointer { px in
                if projectedInput { gates.update(from: px.baseAddress!, count: T * B * G); return }
                weights.weightIH.value.withUnsafeBufferPointer { pw in
                    product(m: T * B, n: G, k: I, px.baseAddress!, lda: I, pw.baseAddress!, ldb: I, beta: 0, gates, ldc: G)
                }
            }
            hPrev.withUnsafeMutableBufferPointer { hPrevBuf in
            cPrev.withUnsafeMutableBufferPointer { cPrevBuf in
            tanhC.withUnsafeMutableBufferPointer { tanhCBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
            hN.withUnsafeMutableBufferPointer { hNBuf in
            cN.withUnsafeMutableBufferPointer { cNBuf in
            weights.weightHH.value.withUnsafeBufferPointer { whhBuf in
                let hPrev = hPrevBuf.baseAddress!, cPrev = cPrevBuf.baseAddress!, tanhC = tanhCBuf.baseAddress!
                let out = outBuf.baseAddress!, whh = whhBuf.baseAddress!
                let hFinal = hNBuf.baseAddress! + stateOffset, cFinal = cNBuf.baseAddress! + stateOffset
                // The initial state goes into the slot of the first processed step.
                let order = self.order
                let first = order.first ?? 0
                if T > 0 {
                    for (state, initial) in [(hPrev, h0), (cPrev, c0)] {
                        let slot = state + first * BH
                        if let initial { initial.withUnsafeBufferPointer { slot.update(from: $0.baseAddress! + stateOffset, count: BH) } }
                        else { slot.update(repeating: 0, count: BH) }
                    }
                } else {
                    if let h0 { h0.withUnsafeBufferPointer { hFinal.update(from: $0.baseAddress! + stateOffset, count: BH) } }
                    if let c0 { c0.withUnsafeBufferPointer { cFinal.update(from: $0.baseAddress! + stateOffset, count: BH) } }
                    return
                }
                let recurrent = rowStable ? nil : PackedMatrix(transposeB: true, k: H, n: G, whh, ldb: H)
                for (position, t) in order.enumerated() {
                    let hp = hPrev + t * BH, cp = cPrev + t * BH, g = gates + t * B * G
                    let isLast = position == T - 1
                    let hNext = isLast ? hFinal : hPrev + order[position + 1] * BH
                    let cNext = isLast ? cFinal : cPrev + order[position + 1] * BH
                    if let recurrent { recurrent.product(m: B, hp, lda: H, beta: 1, g, ldc: G) }
                    else { product(m: B, n: G, k: H, hp, lda: H, whh, ldb: H, beta: 1, g, ldc: G) }
                    for b in 0..<B {
                        let o = out + (t * B + b) * D * H + direction * H
                        if t < lengths[b] {
                            LSTMPointwise.forward(hidden: H, gates: g + b * G, bias: bias, cPrev: cp + b * H,
                                                  c: cNext + b * H, tanhC: tanhC + t * BH + b * H, h: hNext + b * H)
                            o.update(from: hNext + b * H, count: H)
                        } else {  // padding: the state passes through
                            (hNext + b * H).update(from: hp + b * H, count: H)
                            (cNext + b * H).update(from: cp + b * H, count: H)
                        }
                    }
                }
            }}}}}}}
        }
    }

    func backward(x: Variable, weights: LSTMWeights, h0: Variable?, c0: Variable?,
                  dOutput: Tensor?, dhN: Tensor?, dcN: Tensor?) {
        let G = 4 * H, BH = B * H, stateOffset = direction * BH
        var dGates = [Float].uninitialized(T * B * G)
        var dh = [Float](repeating: 0, count: BH), dc = [Float](repeating: 0, count: BH)
        var dhPrev = [Float].uninitialized(BH)
        if let dhN { for k in 0..<BH { dh[k] = dhN.scalars[stateOffset + k] } }
        if let dcN { for k in 0..<BH { dc[k] = dcN.scalars[stateOffset + k] } }
        let dOutputCopy = dOutput ?? Tensor(zeros: [0])

        dGates.withUnsafeMutableBufferPointer { dGatesBuf in
        dh.withUnsafeMutableBufferPointer { dhBuf in
        dc.withUnsafeMutableBufferPointer { dcBuf in
        dhPrev.withUnsafeMutableBufferPointer { dhPrevBuf in
        dOutputCopy.withUnsafeBufferPointer { dOutBuf in
        gates.withUnsafeBufferPointer { gatesBuf in
        cPrev.withUnsafeBufferPointer { cPrevBuf in
        tanhC.withUnsafeBufferPointer { tanhCBuf in
        weights.weightHH.value.withUnsafeBufferPointer { whhBuf in
            let dGates = dGatesBuf.baseAddress!, dh = dhBuf.baseAddress!, dc = dcBuf.baseAddress!
            let dhPrev = dhPrevBuf.baseAddress!, dOut = dOutput == nil ? nil : dOutBuf.baseAddress!
            let gates = gatesBuf.baseAddress!, cPrev = cPrevBuf.baseAddress!, tanhC = tanhCBuf.baseAddress!
            let recurrent = PackedMatrix(transposeB: false, k: G, n: H, whhBuf.baseAddress!, ldb: H)
            for t in order.reversed() {
                let dg = dGates + t * B * G
                var anyActive = false
                for b in 0..<B {
                    guard t < lengths[b] else {  // padding: no gate gradient; dh, dc pass through
                        (dg + b * G).update(repeating: 0, count: G)
                        continue
                    }
                    anyActive = true
                    LSTMPointwise.backward(hidden: H, gates: gates + (t * B + b) * G, cPrev: cPrev + t * BH + b * H,
                                           tanhC: tanhC + t * BH + b * H, dh: dh + b * H,
                                           dOutput: dOut.map { $0 + (t * B + b) * D * H + direction * H },
                                           dc: dc + b * H, dGates: dg + b * G)
                }
                guard anyActive else { continue }
                // dh_{t-1} = dGates_t · W_hh for active rows; padded rows keep passing dh through.
                recurrent.product(m: B, dg, lda: G, beta: 0, dhPrev, ldc: H)
                for b in 0..<B where t < lengths[b] { (dh + b * H).update(from: dhPrev + b * H, count: H) }
            }
        }}}}}}}}}

        accumulateWeightGradients(x: x, weights: weights, dGates: dGates)
        if let h0, h0.requiresGrad { h0.withGrad { g in for k in 0..<BH { g[stateOffset + k] += dh[k] } } }
        if let c0, c0.requiresGrad { c0.withGrad { g in for k in 0..<BH { g[stateOffset + k] += dc[k] } } }
    }

    /// dW_ih += dGatesᵀ·x, dW_hh += dGatesᵀ·h_prev, db += Σ dGates, dx += dGates·W_ih — one GEMM each
    /// over all T·B rows. With a projected input: dx += dGates, and no dW_ih.
    private func accumulateWeightGradients(x: Variable, weights: LSTMWeights, dGates: [Float]) {
        let G = 4 * H, rows = T * B
        guard rows > 0 else { return }
        dGates.withUnsafeBufferPointer { dgBuf in
            let dg = dgBuf.baseAddress!
            if weights.weightIH.requiresGrad && !projectedInput {
                x.value.withUnsafeBufferPointer { px in
                    weights.weightIH.withGrad { g in
                        BLAS.gemm(transposeA: true, m: G, n: I, k: rows, dg, lda: G, px.baseAddress!, ldb: I,
                                  beta: 1, g.baseAddress!, ldc: I)
                    }
                }
            }
            if weights.weightHH.requiresGrad {
                hPrev.withUnsafeBufferPointer { ph in
                    weights.weightHH.withGrad { g in
                        BLAS.gemm(transposeA: true, m: G, n: H, k: rows, dg, lda: G, ph.baseAddress!, ldb: H,
                                  beta: 1, g.baseAddress!, ldc: H)
                    }
                }
            }
            let biases = [weights.biasIH, weights.biasHH].compactMap { $0 }.filter(\.requiresGrad)
            if !biases.isEmpty {
                let sum = BLAS.columnSums(rows: rows, columns: G, dg)
                for bias in biases { bias.withGrad { g in for k in 0..<G { g[k] += sum[k] } } }
            }
            if x.requiresGrad && projectedInput {
                x.withGrad { g in ElementwiseKernel.accumulate(count: rows * G, dy: dg, into: g.baseAddress!) }
            } else if x.requiresGrad {
                weights.weightIH.value.withUnsafeBufferPointer { pw in
                    x.withGrad { g in
                        BLAS.gemm(m: rows, n: I, k: G, dg, lda: G, pw.baseAddress!, ldb: I, beta: 1, g.baseAddress!, ldc: I)
                    }
                }
            }
        }
    }
}
