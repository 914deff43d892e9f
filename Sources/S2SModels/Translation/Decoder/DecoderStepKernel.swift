// One step of the input-feeding attention decoder for N rows, on raw pointers: the forward kernel that
// training (all T steps of a batch, then backward) and inference (one step per search iteration)
// share, so a trained model decodes exactly as it was trained.
//
//   layer 0:  gates = emb·W_ih[:, :E]ᵀ (given) + feed·W_ih[:, E:]ᵀ + h₀·W_hhᵀ + b     → LSTM/GRU/RNN cell
//   layer l:  gates = dropout(h_{l−1})·W_ihᵀ + h_l·W_hhᵀ + b                         → LSTM/GRU/RNN cell
//   (the GRU keeps h·W_hhᵀ apart: its reset gate scales the candidate's part of it)
//   q = h_{L−1};  a = masked softmax(score(q, keys));  context = Σ_s a_s·memory_s
//   y = tanh([context, q]·W_outᵀ) (mlp: + b_out, no tanh);  out = dropout(y)   (the next step's feed)
//
// Memory is time-major [S, Bm, H] (the encoder's layout; row r of step s at (s·Bm + r)·H), so no
// transpose is needed: the per-row products are BLAS gemv calls with stride Bm·H. `keys` is what the
// scores compare with: memory for dot, memory·W_in for general (computed once per batch), and
// memory·W_cᵀ for mlp. Row n of the step attends over source row `source[n]` (beam search keeps
// several hypotheses per source row). Package-wide: the translator's search (S2SModels) drives the
// same kernel one step at a time.

/// Pointers to the decoder's parameters, valid while the caller holds the tensors.
import S2SCore
import S2SKernels

package struct DecoderWeightPointers {
    package enum Score {
        case dot
        case general
        /// query weight [H, H], query bias [H], v [H].
        case mlp(queryWeight: UnsafePointer<Float>, queryBias: UnsafePointer<Float>, v: UnsafePointer<Float>)
    }
    package let cell: RecurrentCell
    package let embeddingSize: Int, hidden: Int, layers: Int
    /// Per layer: W_ih [G·H, E+H] (layer 0) or [G·H, H]; W_hh [G·H, H]; the biases the pointwise kernel
    /// adds on the input side (b_ih + b_hh; the GRU's b_ih) and on the recurrent side (zeros; the GRU's b_hh).
    package let inputWeights: [UnsafePointer<Float>]
    package let hiddenWeights: [UnsafePointer<Float>]
    package let biases: [UnsafePointer<Float>]
    package let hiddenBiases: [UnsafePointer<Float>]
    package let score: Score
    /// linear_out [H, 2H] and, for mlp, its bias [H].
    package let outWeight: UnsafePointer<Float>
    package let outBias: UnsafePointer<Float>?
    /// The same matrices as bfloat16, when inference runs with them (never in training).
    package var packed: PackedStepWeights? = nil
    /// The same matrices packed for the training product, once per batch (see DecoderTrainingPacks).
    package var trainingPacks: DecoderTrainingPacks? = nil
    package var tanhOutput: Bool { if case .mlp = score { false } else { true } }
    /// Width of layer l's input.
    package func inputSize(_ layer: Int) -> Int { layer == 0 ? embeddingSize + hidden : hidden }
}

/// The encoder side a step attends over.
package struct DecoderMemoryPointers {
    package let memory: UnsafePointer<Float>   // [S, Bm, H]
    package let keys: UnsafePointer<Float>     // [S, Bm, H]
    package let lengths: UnsafePointer<Int>    // [Bm]
    package let steps: Int                     // S
    package let rows: Int                      // Bm

    package init(memory: UnsafePointer<Float>, keys: UnsafePointer<Float>, lengths: UnsafePointer<Int>, steps: Int, rows: Int) {
        self.memory = memory; self.keys = keys; self.lengths = lengths; self.steps = steps; self.rows = rows
    }
}

/// Where one step reads and writes; every buffer is [N, …] row-major.
package struct DecoderStepSlots {
    /// Per layer [N, G·H] pre-activations → activations. Layer 0 holds emb·W_ih[:, :E]ᵀ on entry.
    var gates: [UnsafeMutablePointer<Float>]
    /// cPrev and c: the LSTM's cell states (empty for the other cells). tanhC per layer [N, H]: the LSTM's
    /// tanh(c), the GRU's u_n + b_hn (both saved for backward; empty for the RNN).
    var hPrev: [UnsafePointer<Float>], cPrev: [UnsafePointer<Float>]
    var h: [UnsafeMutablePointer<Float>], c: [UnsafeMutablePointer<Float>], tanhC: [UnsafeMutablePointer<Float>]
    /// The GRU's h·W_hhᵀ [N, G·H], scratch (nil for the other cells).
    var recurrent: UnsafeMutablePointer<Float>?
    /// Per layer l ≥ 1 the layer's input [N, H] (written here); nil for layer 0.
    var layerInput: [UnsafeMutablePointer<Float>?]
    /// Per layer l ≥ 1 its input's dropout mask, or nil for none.
    var layerMask: [UnsafePointer<Float>?]
    /// The previous attentional vector [N, H].
    var feed: UnsafePointer<Float>
    /// Attention weights [N, S] (zero beyond each row's source length).
    var attention: UnsafeMutablePointer<Float>
    /// [N, 2H]: context, then q.
    var contextQuery: UnsafeMutablePointer<Float>
    /// mlp only: q·W_qᵀ + b_q [N, H], and tanh activations [N, S, H] (row stride `activationStride`,
    /// 0 to reuse one [S, H] buffer when there is no backward).
    var projectedQuery: UnsafeMutablePointer<Float>?
    var activations: UnsafeMutablePointer<Float>?
    var activationStride: Int
    /// y = the attention layer's output before dropout [N, H]; `output` = y·mask (may be `y` itself).
    var y: UnsafeMutablePointer<Float>
    var output: UnsafeMutablePointer<Float>
    var outputMask: UnsafePointer<Float>?

    package init(gates: [UnsafeMutablePointer<Float>], hPrev: [UnsafePointer<Float>], cPrev: [UnsafePointer<Float>],
                 h: [UnsafeMutablePointer<Float>], c: [UnsafeMutablePointer<Float>], tanhC: [UnsafeMutablePointer<Float>],
                 recurrent: UnsafeMutablePointer<Float>?, layerInput: [UnsafeMutablePointer<Float>?], layerMask: [UnsafePointer<Float>?], feed: UnsafePointer<Float>,
                 attention: UnsafeMutablePointer<Float>, contextQuery: UnsafeMutablePointer<Float>,
                 projectedQuery: UnsafeMutablePointer<Float>?, activations: UnsafeMutablePointer<Float>?, activationStride: Int,
                 y: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, outputMask: UnsafePointer<Float>?) {
        self.gates = gates; self.hPrev = hPrev; self.cPrev = cPrev; self.h = h; self.c = c; self.tanhC = tanhC
        self.recurrent = recurrent
        self.layerInput = layerInput; self.layerMask = layerMask; self.feed = feed; self.attention = attention
        self.contextQuery = contextQuery; self.projectedQuery = projectedQuery; self.activations = activations
        self.activationStride = activationStride; self.y = y; self.output = output; self.outputMask = outputMask
    }
}

package enum DecoderStepKernel {
    /// C = A·Bᵀ (+ C when beta 1): at inference (`stable`) the row-stable DotGEMM, which also reads the
    /// weights once for a small beam instead of packing them — from `packed` (B as bfloat16 or int8)
    /// when given; in training the product with B packed once per batch (`trained`), else plain BLAS.
    @inline(__always)
    static func gemm(stable: Bool, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int,
                     _ b: UnsafePointer<Float>, ldb: Int, packed: StepMatrix? = nil, trained: PackedMatrix? = nil,
                     beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        if !stable, let trained {
            trained.product(m: m, a, lda: lda, beta: beta, c, ldc: ldc)
        } else if let packed {
            precondition(stable && packed.rows == n && packed.columns == k, "DecoderStepKernel: packed weight does not fit")
            DotGEMM.gemm(m: m, a, lda: lda, packed, beta: beta, c, ldc: ldc)
        } else if stable {
            DotGEMM.gemm(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
        } else {
            BLAS.gemm(transposeB: true, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
        }
    }

    /// Runs one step for `rows` rows. `source[n]` is row n's memory row (nil: row n itself).
    package static func forward(weights w: DecoderWeightPointers, memory m: DecoderMemoryPointers, rows N: Int,
                        source: UnsafePointer<Int>?, stable: Bool, slots s: DecoderStepSlots) {
        let H = w.hidden, E = w.embeddingSize, G = w.cell.gates * H, S = m.steps
        // The recurrent stack.
        for layer in 0..<w.layers {
            let g = s.gates[layer]
            if layer == 0 {
                gemm(stable: stable, m: N, n: G, k: H, s.feed, lda: H, w.inputWeights[0] + E, ldb: E + H,
                     packed: w.packed?.feedInput, trained: w.trainingPacks?.feedInput, beta: 1, g, ldc: G)
            } else {
                let x = s.layerInput[layer]!, below = UnsafePointer(s.h[layer - 1])
                if let mask = s.layerMask[layer] { ElementwiseKernel.multiply(count: N * H, below, mask, x) }
                else { x.update(from: below, count: N * H) }
                gemm(stable: stable, m: N, n: G, k: H, x, lda: H, w.inputWeights[layer], ldb: H,
                     packed: w.packed?.input[layer], trained: w.trainingPacks?.input[layer], beta: 0, g, ldc: G)
            }
            let recurrent = w.cell == .gru ? s.recurrent! : g   // the GRU's h·W_hhᵀ stays apart
            gemm(stable: stable, m: N, n: G, k: H, s.hPrev[layer], lda: H, w.hiddenWeights[layer], ldb: H,
                 packed: w.packed?.hidden[layer], trained: w.trainingPacks?.hidden[layer], beta: w.cell == .gru ? 0 : 1,
                 recurrent, ldc: G)
            for n in 0..<N {
                let h = s.h[layer] + n * H
                switch w.cell {
                case .lstm:
                    LSTMPointwise.forward(hidden: H, gates: g + n * G, bias: w.biases[layer], cPrev: s.cPrev[layer] + n * H,
                                          c: s.c[layer] + n * H, tanhC: s.tanhC[layer] + n * H, h: h)
                case .gru:
                    GRUPointwise.forward(hidden: H, gates: g + n * G, recurrent: recurrent + n * G, hiddenN: s.tanhC[layer] + n * H,
                                         biasIH: w.biases[layer], biasHH: w.hiddenBiases[layer], hPrev: s.hPrev[layer] + n * H, h: h)
                case .rnnTanh, .rnnReLU:
                    RNNPointwise.forward(hidden: H, relu: w.cell == .rnnReLU, pre: g + n * G, biasIH: w.biases[layer],
                                         biasHH: w.hiddenBiases[layer], h: h)
                }
            }
        }
        // Attention of q = the top layer's h.
        let q = UnsafePointer(s.h[w.layers - 1])
        if case .mlp(let queryWeight, let queryBias, _) = w.score {
            let pq = s.projectedQuery!
            for n in 0..<N { (pq + n * H).update(from: queryBias, count: H) }
            gemm(stable: stable, m: N, n: H, k: H, q, lda: H, queryWeight, ldb: H, packed: w.packed?.query,
                 trained: w.trainingPacks?.query, beta: 1, pq, ldc: H)
        }
        let rowStride = m.rows * H
        for n in 0..<N {
            let r = source?[n] ?? n, length = m.lengths[r]
            let a = s.attention + n * S, qn = q + n * H
            switch w.score {
            case .dot, .general:
                BLAS.gemv(rows: length, columns: H, m.keys + r * H, lda: rowStride, qn, a)
            case .mlp(_, _, let v):
                let act = s.activations! + n * s.activationStride, pq = s.projectedQuery! + n * H
                for step in 0..<length {
                    let key = m.keys + step * rowStride + r * H, row = act + step * H
                    for j in 0..<H { row[j] = key[j] + pq[j] }
                }
                VectorMath.tanh(count: length * H, act, act)
                BLAS.gemv(rows: length, columns: H, act, lda: H, v, a)
            }
            AttentionKernel.maskedSoftmax(a, length: length, count: S)
            let cq = s.contextQuery + n * 2 * H
            BLAS.gemv(transpose: true, rows: length, columns: H, m.memory + r * H, lda: rowStride, a, cq)
            (cq + H).update(from: qn, count: H)
        }
        // The attentional vector.
        if let bias = w.outBias { for n in 0..<N { (s.y + n * H).update(from: bias, count: H) } }
        gemm(stable: stable, m: N, n: H, k: 2 * H, s.contextQuery, lda: 2 * H, w.outWeight, ldb: 2 * H,
             packed: w.packed?.out, trained: w.trainingPacks?.out, beta: w.outBias == nil ? 0 : 1, s.y, ldc: H)
        if w.tanhOutput { VectorMath.tanh(count: N * H, s.y, s.y) }
        if let mask = s.outputMask { ElementwiseKernel.multiply(count: N * H, s.y, mask, s.output) }
        else if s.output != s.y { s.output.update(from: s.y, count: N * H) }
    }
}
