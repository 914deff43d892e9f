// The saved activations and the forward/backward passes of one `attentionDecoder` call (see
// AttentionDecoder.swift for the math and shapes). Forward: T calls of DecoderStepKernel. Backward:
// the steps in reverse for dh (dc for the LSTM) and the input feed; weight gradients as one GEMM each
// at the end. The GRU's gradients differ on the input side and the recurrent side (its reset gate
// scales u_n only); the LSTM's and the RNN's are one buffer for both.

import S2SCore
import S2SKernels

final class AttentionDecoderRun {
    let T: Int, B: Int, S: Int, E: Int, H: Int, L: Int, G: Int
    let cell: RecurrentCell
    let parameters: AttentionDecoderParameters
    let lengths: [Int]
    // Saved for backward. States are [(T+1), B, H] with slot 0 the initial state; the feed is the same
    // with slot 0 zero and slot t+1 the output of step t.
    let hStates: [FloatBuffer], cStates: [FloatBuffer]   // cStates: the LSTM's only (else empty)
    let gates: [FloatBuffer]            // per layer [T, B, G·H]: LSTM i, f, g, o; GRU r, z, n; RNN pre-activations
    let tanhC: [FloatBuffer]            // per layer [T, B, H]: LSTM tanh(c), GRU u_n + b_hn (RNN: empty)
    let recurrent: FloatBuffer?         // the GRU's h·W_hhᵀ of one step [B, G·H] (scratch)
    let layerInputs: [FloatBuffer?]     // per layer ≥ 1 [T, B, H]
    var layerMasks: [FloatBuffer?]      // per layer ≥ 1 [T, B, H], with dropout
    var outputMask: FloatBuffer?        // [T, B, H], with dropout
    var y: FloatBuffer?                 // [T, B, H] pre-dropout outputs, with dropout
    let feed: FloatBuffer
    let attention: FloatBuffer          // [T, B, S]
    let contextQuery: FloatBuffer       // [T, B, 2H]
    let projectedQuery: FloatBuffer?    // mlp [T, B, H]
    let activations: FloatBuffer?       // mlp [T, B, S, H]
    var keys: Tensor?                   // general / mlp [S, B, H]

    init(T: Int, B: Int, S: Int, parameters: AttentionDecoderParameters, sourceLengths: [Int]) {
        let H = parameters.hidden, L = parameters.layers.count, cell = parameters.cell, G = cell.gates * H
        self.T = T; self.B = B; self.S = S; self.H = H; self.L = L; self.G = G; self.E = parameters.embeddingSize
        self.cell = cell; self.parameters = parameters; self.lengths = sourceLengths
        let BH = B * H, states = (T + 1) * BH
        hStates = (0..<L).map { _ in FloatBuffer(count: states) }
        cStates = cell.hasCellState ? (0..<L).map { _ in FloatBuffer(count: states) } : []
        gates = (0..<L).map { _ in FloatBuffer(count: T * B * G) }
        tanhC = cell.gates == 1 ? [] : (0..<L).map { _ in FloatBuffer(count: T * BH) }   // the RNN saves none
        recurrent = cell == .gru ? FloatBuffer(count: B * G) : nil
        layerInputs = (0..<L).map { $0 == 0 ? nil : FloatBuffer(count: T * BH) }
        layerMasks = Array(repeating: nil, count: L)
        feed = FloatBuffer(count: states)
        attention = FloatBuffer(count: T * B * S)
        contextQuery = FloatBuffer(count: T * B * 2 * H)
        let isMLP: Bool = if case .mlp = parameters.score { true } else { false }
        projectedQuery = isMLP ? FloatBuffer(count: T * BH) : nil
        activations = isMLP ? FloatBuffer(count: T * B * S * H) : nil
    }

    /// Draws the dropout masks of every step: per layer ≥ 1 its input, then the outputs.
    func drawMasks(probability p: Float, rng: inout Generator) {
        let count = T * B * H
        for layer in 1..<max(L, 1) {
            let mask = FloatBuffer(count: count)
            DropoutKernel.drawMask(count: count, probability: p, rng: &rng, mask: mask.pointer)
            layerMasks[layer] = mask
        }
        let mask = FloatBuffer(count: count)
        DropoutKernel.drawMask(count: count, probability: p, rng: &rng, mask: mask.pointer)
        outputMask = mask
        y = FloatBuffer(count: count)
    }

    /// The slots step t reads and writes.
    private func slots(step t: Int) -> DecoderStepSlots {
        let BH = B * H
        return DecoderStepSlots(
            gates: gates.map { $0[t * B * G] },
            hPrev: hStates.map { UnsafePointer($0[t * BH]) }, cPrev: cStates.map { UnsafePointer($0[t * BH]) },
            h: hStates.map { $0[(t + 1) * BH] }, c: cStates.map { $0[(t + 1) * BH] }, tanhC: tanhC.map { $0[t * BH] },
            recurrent: recurrent?.pointer, layerInput: layerInputs.map { $0?[t * BH] }, layerMask: layerMasks.map { $0.map { UnsafePointer($0[t * BH]) } },
            feed: feed[t * BH], attention: attention[t * B * S], contextQuery: contextQuery[t * B * 2 * H],
            projectedQuery: projectedQuery?[t * BH], activations: activations?[t * B * S * H], activationStride: S * H,
            y: y?[t * BH] ?? feed[(t + 1) * BH], output: feed[(t + 1) * BH],
            outputMask: outputMask.map { UnsafePointer($0[t * BH]) })
    }

    /// Runs the T steps; returns the outputs [T, B, H].
    /// `c0`: the LSTM's initial cell states (nil for the other cells).
    func forward(embedded: Tensor, memory: Tensor, h0: Tensor, c0: Tensor?) -> Tensor {
        let BH = B * H
        var output = Tensor(zeros: [T, B, H])
        guard T > 0, B > 0 else { return output }
        keys = parameters.keys(memory: memory, stable: false)
        h0.withPointer { p in for l in 0..<L { hStates[l].pointer.update(from: p + l * BH, count: BH) } }
        c0?.withPointer { p in for l in 0..<L { cStates[l].pointer.update(from: p + l * BH, count: BH) } }
        feed.pointer.update(repeating: 0, count: BH)
        parameters.withWeightPointers { weights in
            var w = weights
            w.trainingPacks = DecoderTrainingPacks(weights, forward: true)
            withPointers([embedded, memory, keys ?? memory]) { p in
                // Every step's embedding part of the layer-0 gates in one product.
                BLAS.gemm(transposeB: true, m: T * B, n: G, k: E, p[0], lda: E, w.inputWeights[0], ldb: E + H,
                          beta: 0, gates[0].pointer, ldc: G)
                lengths.withUnsafeBufferPointer { lengthPointer in
                    let memoryPointers = DecoderMemoryPointers(memory: p[1], keys: p[2], lengths: lengthPointer.baseAddress!,
                                                               steps: S, rows: B)
                    for t in 0..<T {
                        DecoderStepKernel.forward(weights: w, memory: memoryPointers, rows: B, source: nil, stable: false,
                                                  slots: slots(step: t))
                    }
                }
            }
        }
        output.withMutablePointer { $0.update(from: feed[BH], count: T * BH) }
        return output
    }

    // MARK: backward

    func backward(dOutput: Tensor, embedded: Variable, memory: Variable, h0: Variable, c0: Variable?) {
        guard T > 0, B > 0 else { return }
        let BH = B * H, G = self.G, TB = T * B
        // d(pre-activations) on the input side, and (the GRU's own) on the recurrent side.
        let dGates = (0..<L).map { _ in FloatBuffer(count: TB * G) }
        let dRecurrent = cell == .gru ? (0..<L).map { _ in FloatBuffer(count: TB * G) } : dGates
        let dPre = FloatBuffer(count: TB * H)
        let dhCarry = (0..<L).map { _ in FloatBuffer(count: BH, zeroed: true) }
        let dcCarry = (0..<(cell.hasCellState ? L : 0)).map { _ in FloatBuffer(count: BH, zeroed: true) }
        let dFeed = FloatBuffer(count: BH, zeroed: true)     // into this step's output, from the next step
        let dContextQuery = FloatBuffer(count: B * 2 * H)
        let dh = FloatBuffer(count: BH), dBelow = FloatBuffer(count: BH)
        let dMemory = FloatBuffer(count: S * BH, zeroed: true)
        let dKeys = keys == nil ? nil : FloatBuffer(count: S * BH, zeroed: true)
        let dProjectedQuery = projectedQuery == nil ? nil : FloatBuffer(count: TB * H, zeroed: true)
        var dv = [Float](repeating: 0, count: projectedQuery == nil ? 0 : H)
        let scratch = FloatBuffer(count: 2 * S)

        parameters.withWeightPointers { w in
        withPointers([dOutput, memory.value, keys ?? memory.value]) { p in
            let dOut = p[0], mem = p[1], keyPointer = p[2]
            let packs = DecoderTrainingPacks(w, forward: false)
            for t in (0..<T).reversed() {
                // Output dropout and tanh.
                let dp = dPre[t * BH], upstream = dOut + t * BH
                for i in 0..<BH { dp[i] = upstream[i] + dFeed.pointer[i] }
                if let mask = outputMask { for i in 0..<BH { dp[i] *= mask.pointer[t * BH + i] } }
                if w.tanhOutput {
                    let yt = y?[t * BH] ?? feed[(t + 1) * BH]
                    for i in 0..<BH { dp[i] *= 1 - yt[i] * yt[i] }
                }
                // [context, q] = dPre·W_out.
                packs.out.product(m: B, dp, lda: H, beta: 0, dContextQuery.pointer, ldc: 2 * H)
                let top = dhCarry[L - 1].pointer
                for b in 0..<B {
                    let dq = dContextQuery[b * 2 * H + H]
                    for j in 0..<H { dh.pointer[b * H + j] = top[b * H + j] + dq[j] }
                }
                attentionBackward(step: t, weights: w, memory: mem, keys: keyPointer, dMemory: dMemory.pointer,
                                  dKeys: dKeys?.pointer, dContextQuery: dContextQuery.pointer, dq: dh.pointer,
                                  dProjectedQuery: dProjectedQuery?[t * BH], dv: &dv, scratch: scratch.pointer)
                if let query = packs.query {
                    query.product(m: B, dProjectedQuery![t * BH], lda: H, beta: 1, dh.pointer, ldc: H)
                }
                // The recurrent stack, top down; dh holds d(h_l at step t).
                for l in (0..<L).reversed() {
                    let dg = dGates[l][t * B * G], dr = dRecurrent[l][t * B * G]
                    for b in 0..<B {
                        switch cell {
                        case .lstm:
                            LSTMPointwise.backward(hidden: H, gates: gates[l][(t * B + b) * G], cPrev: cStates[l][t * BH + b * H],
                                                   tanhC: tanhC[l][t * BH + b * H], dh: dh[b * H], dOutput: nil,
                                                   dc: dcCarry[l][b * H], dGates: dg + b * G)
                        case .gru:   // the direct part dh·z goes straight into the carry; W_hh's part is added below
                            GRUPointwise.backward(hidden: H, gates: gates[l][(t * B + b) * G], hiddenN: tanhC[l][t * BH + b * H],
                                                  hPrev: hStates[l][t * BH + b * H], dh: dh[b * H], dOutput: nil,
                                                  dInput: dg + b * G, dHidden: dr + b * G, dhDirect: dhCarry[l][b * H])
                        case .rnnTanh, .rnnReLU:
                            RNNPointwise.backward(hidden: H, relu: cell == .rnnReLU, h: hStates[l][(t + 1) * BH + b * H],
                                                  dh: dh[b * H], dOutput: nil, dPre: dg + b * G)
                        }
                    }
                    packs.hidden[l].product(m: B, dr, lda: G, beta: cell == .gru ? 1 : 0, dhCarry[l].pointer, ldc: H)
                    if l > 0 {
                        packs.input[l]!.product(m: B, dg, lda: G, beta: 0, dBelow.pointer, ldc: H)
                        if let mask = layerMasks[l] { for i in 0..<BH { dBelow.pointer[i] *= mask.pointer[t * BH + i] } }
                        let carry = dhCarry[l - 1].pointer
                        for i in 0..<BH { dh.pointer[i] = carry[i] + dBelow.pointer[i] }
                    } else {
                        packs.feedInput.product(m: B, dg, lda: G, beta: 0, dFeed.pointer, ldc: H)
                    }
                }
            }
            accumulateWeightGradients(embedded: embedded, memory: mem, dGates: dGates, dRecurrent: dRecurrent, dPre: dPre, dKeys: dKeys,
                                      dMemory: dMemory, dProjectedQuery: dProjectedQuery, dv: dv, weights: w)
        }
        }
        if embedded.requiresGrad {
            parameters.layers[0].weightIH.value.withPointer { wih in
                embedded.withGradPointer { g in
                    BLAS.gemm(m: TB, n: E, k: G, dGates[0].pointer, lda: G, wih, ldb: E + H, beta: 1,
                              g, ldc: E)
                }
            }
        }
        for (variable, carry) in [(h0, dhCarry), (c0, dcCarry)] {
            guard let variable, variable.requiresGrad else { continue }
            variable.withGradPointer { g in for l in 0..<L { for i in 0..<BH { g[l * BH + i] += carry[l].pointer[i] } } }
        }
        if memory.requiresGrad {
            memory.withGradPointer { g in for i in 0..<(S * BH) { g[i] += dMemory.pointer[i] } }
        }
    }

    /// Attention backward of step t for every row: from d context (in dContextQuery) into dMemory,
    /// dKeys (general, mlp) and dq (added into `dq`).
    private func attentionBackward(step t: Int, weights w: DecoderWeightPointers, memory: UnsafePointer<Float>,
                                   keys: UnsafePointer<Float>, dMemory: UnsafeMutablePointer<Float>,
                                   dKeys: UnsafeMutablePointer<Float>?, dContextQuery: UnsafeMutablePointer<Float>,
                                   dq: UnsafeMutablePointer<Float>, dProjectedQuery: UnsafeMutablePointer<Float>?,
                                   dv: inout [Float], scratch: UnsafeMutablePointer<Float>) {
        let rowStride = B * H
        let da = scratch, ds = scratch + S
        for b in 0..<B {
            let n = lengths[b]
            guard n > 0 else { continue }
            let a = attention[(t * B + b) * S], dc = UnsafePointer(dContextQuery + b * 2 * H)
            let q = UnsafePointer(hStates[L - 1][(t + 1) * B * H + b * H])
            BLAS.gemv(rows: n, columns: H, memory + b * H, lda: rowStride, dc, da)
            BLAS.ger(rows: n, columns: H, a, dc, dMemory + b * H, lda: rowStride)
            var inner: Float = 0
            for s in 0..<n { inner += a[s] * da[s] }
            for s in 0..<n { ds[s] = a[s] * (da[s] - inner) }
            switch w.score {
            case .dot:
                BLAS.gemv(transpose: true, rows: n, columns: H, memory + b * H, lda: rowStride, ds, beta: 1, dq + b * H)
                BLAS.ger(rows: n, columns: H, ds, q, dMemory + b * H, lda: rowStride)
            case .general:
                BLAS.gemv(transpose: true, rows: n, columns: H, keys + b * H, lda: rowStride, ds, beta: 1, dq + b * H)
                BLAS.ger(rows: n, columns: H, ds, q, dKeys! + b * H, lda: rowStride)
            case .mlp(_, _, let v):
                let act = activations![(t * B + b) * S * H], dpq = dProjectedQuery! + b * H
                dv.withUnsafeMutableBufferPointer { dvp in
                    BLAS.gemv(transpose: true, rows: n, columns: H, act, lda: H, ds, beta: 1, dvp.baseAddress!)
                }
                for s in 0..<n {
                    let row = act + s * H, scale = ds[s], dk = dKeys! + s * rowStride + b * H
                    for j in 0..<H {
                        let g = scale * v[j] * (1 - row[j] * row[j])
                        dpq[j] += g
                        dk[j] += g
                    }
                }
            }
        }
    }

    /// Every weight gradient as one product over all T·B rows (or S·B for the keys): W_ih and b_ih from
    /// the input-side gradients, W_hh and b_hh from the recurrent-side ones.
    private func accumulateWeightGradients(embedded: Variable, memory: UnsafePointer<Float>, dGates: [FloatBuffer],
                                           dRecurrent: [FloatBuffer], dPre: FloatBuffer, dKeys: FloatBuffer?, dMemory: FloatBuffer,
                                           dProjectedQuery: FloatBuffer?, dv: [Float], weights w: DecoderWeightPointers) {
        let G = self.G, TB = T * B, BH = B * H, SB = S * B
        let ones = [Float](repeating: 1, count: TB)
        func columnSums(_ x: UnsafePointer<Float>, columns: Int, into variable: Variable) {
            ones.withUnsafeBufferPointer { o in
                variable.withGradPointer { g in
                    BLAS.gemv(transpose: true, rows: TB, columns: columns, x, lda: columns, o.baseAddress!, beta: 1, g)
                }
            }
        }
        for l in 0..<L {
            let weights = parameters.layers[l], dg = UnsafePointer(dGates[l].pointer)
            weights.weightIH.withGradPointer { g in
                if l == 0 {
                    embedded.value.withPointer { emb in
                        BLAS.gemm(transposeA: true, m: G, n: E, k: TB, dg, lda: G, emb, ldb: E, beta: 1,
                                  g, ldc: E + H)
                    }
                    BLAS.gemm(transposeA: true, m: G, n: H, k: TB, dg, lda: G, feed.pointer, ldb: H, beta: 1,
                              g + E, ldc: E + H)
                } else {
                    BLAS.gemm(transposeA: true, m: G, n: H, k: TB, dg, lda: G, layerInputs[l]!.pointer, ldb: H, beta: 1,
                              g, ldc: H)
                }
            }
            let dr = UnsafePointer(dRecurrent[l].pointer)
            weights.weightHH.withGradPointer { g in
                BLAS.gemm(transposeA: true, m: G, n: H, k: TB, dr, lda: G, hStates[l].pointer, ldb: H, beta: 1,
                          g, ldc: H)
            }
            if let bias = weights.biasIH { columnSums(dg, columns: G, into: bias) }
            if let bias = weights.biasHH { columnSums(dr, columns: G, into: bias) }
        }
        parameters.outWeight.withGradPointer { g in
            BLAS.gemm(transposeA: true, m: H, n: 2 * H, k: TB, dPre.pointer, lda: H, contextQuery.pointer, ldb: 2 * H,
                      beta: 1, g, ldc: 2 * H)
        }
        if let bias = parameters.outBias { columnSums(dPre.pointer, columns: H, into: bias) }
        switch parameters.score {
        case .dot: break
        case .general(let weight):
            guard let dKeys, SB > 0 else { break }
            weight.withGradPointer { g in
                BLAS.gemm(transposeA: true, m: H, n: H, k: SB, memory, lda: H, dKeys.pointer, ldb: H, beta: 1,
                          g, ldc: H)
            }
            weight.value.withPointer { win in
                BLAS.gemm(transposeB: true, m: SB, n: H, k: H, dKeys.pointer, lda: H, win, ldb: H, beta: 1,
                          dMemory.pointer, ldc: H)
            }
        case .mlp(let queryWeight, let queryBias, let contextWeight, let v, _):
            let dpq = dProjectedQuery!
            queryWeight.withGradPointer { g in   // q rows are the top layer's states 1...T
                BLAS.gemm(transposeA: true, m: H, n: H, k: TB, dpq.pointer, lda: H, hStates[L - 1][BH], ldb: H, beta: 1,
                          g, ldc: H)
            }
            columnSums(dpq.pointer, columns: H, into: queryBias)
            v.withGradPointer { g in for j in 0..<H { g[j] += dv[j] } }
            guard let dKeys, SB > 0 else { break }
            contextWeight.withGradPointer { g in
                BLAS.gemm(transposeA: true, m: H, n: H, k: SB, dKeys.pointer, lda: H, memory, ldb: H, beta: 1,
                          g, ldc: H)
            }
            contextWeight.value.withPointer { wc in
                BLAS.gemm(m: SB, n: H, k: H, dKeys.pointer, lda: H, wc, ldb: H, beta: 1, dMemory.pointer, ldc: H)
            }
        }
    }
}
