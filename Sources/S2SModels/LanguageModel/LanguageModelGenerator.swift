// Fast inference for a language model, one token per row per step, with no tape and no allocation
// after construction. What makes it fast at batch 1:
//   - layer 0's input projection of every vocabulary entry is precomputed (a [V, G·H] table with the
//     biases folded in), so a step reads one row instead of multiplying the embedding by W_ih;
//   - layers ≥ 1 keep [W_ih | W_hh] side by side and their input and previous h side by side, so each
//     is one GEMV over [G·H, 2H] instead of two (the GRU needs its recurrent part apart — r scales it —
//     so it runs the two halves of the same block as two GEMVs);
//   - the pointwise math is the fused SIMD kernel the training op uses (`LSTMPointwise`, `GRUPointwise`,
//     `RNNPointwise`).
// An LSTM step costs 2·4H·H + (L−1)·2·4H·2H + 2·V·H FLOPs, all of it reading weights (memory-bound).
//
// The weights are copied at construction: later changes to the model do not reach a generator.
import S2SCore
import S2SNN

/// Runs a `LanguageModel` token by token for `rows` independent sequences.
///
///     let generator = LanguageModelGenerator(model: model)          // 1 row
///     generator.prime([SpecialTokens.eos] + promptIds)                  // state after the prompt
///     let logits = generator.step([nextId])                          // [V] scores of the token after nextId
///
/// Not thread-safe; the buffers `step` returns are overwritten by the next step.
public final class LanguageModelGenerator: NextTokenModel {
    public let config: LanguageModelConfig
    public let rows: Int
    private let V: Int, H: Int, L: Int, G: Int
    private let cell: RecurrentCell
    /// Layer 0: Emb·W_ih0ᵀ plus the folded biases [V, G·H], and W_hh0 [G·H, H].
    private let inputTable: UnsafeMutablePointer<Float>
    private let hidden0: UnsafeMutablePointer<Float>
    /// Layers 1..<L: [W_ih | W_hh] [G·H, 2H] each.
    private let stacked: [UnsafeMutablePointer<Float>]
    /// Per layer, the biases the pointwise kernel adds: b_ih + b_hh (none for layer 0: in the table) and
    /// zeros — except the GRU, whose b_hh belongs inside the reset product and stays apart (b_ih and b_hh).
    private let biasIH: [UnsafeMutablePointer<Float>]
    private let biasHH: [UnsafeMutablePointer<Float>]
    /// projection.weight [V, H] and projection.bias [V].
    private let projection: UnsafeMutablePointer<Float>
    private let projectionBias: UnsafeMutablePointer<Float>
    // State and scratch. `inputAndHidden[l]` is [rows, 2H]: the layer's input (layers ≥ 1) then its h.
    private let inputAndHidden: [UnsafeMutablePointer<Float>]
    private let cells: [UnsafeMutablePointer<Float>]        // [rows, H] per layer (the LSTM's c)
    private let gates: UnsafeMutablePointer<Float>          // [rows, G·H]
    private let recurrent: UnsafeMutablePointer<Float>      // [rows, G·H]: the GRU's h·W_hhᵀ
    private let scratch: UnsafeMutablePointer<Float>        // [rows, H]: LSTM tanh(c), GRU u_n
    private let logits: UnsafeMutablePointer<Float>         // [rows, V]
    private var allocations: [UnsafeMutablePointer<Float>] = []

    public init(model: LanguageModel, rows: Int = 1) {
        precondition(rows >= 1)
        let config = model.config, cell = config.cell
        let V = config.vocabularySize, H = config.hiddenSize, L = config.layers
        let G = cell.gates * H, E = config.embeddingSize
        var all: [UnsafeMutablePointer<Float>] = []
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
            p.initialize(repeating: 0, count: max(1, count))
            all.append(p)
            return p
        }
        func copy(_ tensor: Tensor, into p: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
            tensor.withUnsafeBufferPointer { t in
                for r in 0..<rows { (p + r * stride).update(from: t.baseAddress! + r * columns, count: columns) }
            }
        }
        func add(_ biases: [Variable?], into p: UnsafeMutablePointer<Float>) {
            for bias in biases { if let bias { for k in 0..<G { p[k] += bias.value.scalars[k] } } }
        }
        let weights = model.encoder.rnn.weights.map { $0[0] }
        // Which biases fold into the input side; the GRU keeps b_hh for the kernel.
        func inputSide(_ w: RecurrentWeights) -> [Variable?] { cell == .gru ? [w.biasIH] : [w.biasIH, w.biasHH] }
        func hiddenSide(_ w: RecurrentWeights) -> [Variable?] { cell == .gru ? [w.biasHH] : [] }

        let inputTable = buffer(V * G)
        let first = weights[0]
        add(inputSide(first), into: inputTable)
        for r in 1..<V { (inputTable + r * G).update(from: inputTable, count: G) }
        model.encoder.embedding.weight.value.withUnsafeBufferPointer { emb in
            first.weightIH.value.withUnsafeBufferPointer { w in
                BLAS.gemm(transposeB: true, m: V, n: G, k: E, emb.baseAddress!, lda: E, w.baseAddress!, ldb: E,
                          beta: 1, inputTable, ldc: G)
            }
        }
        let hidden0 = buffer(G * H)
        copy(first.weightHH.value, into: hidden0, rows: G, columns: H, stride: H)
        var biasIH = [buffer(G)], biasHH = [buffer(G)]
        add(hiddenSide(first), into: biasHH[0])

        var stacked: [UnsafeMutablePointer<Float>] = []
        for w in weights.dropFirst() {
            let s = buffer(G * 2 * H)
            copy(w.weightIH.value, into: s, rows: G, columns: H, stride: 2 * H)
            copy(w.weightHH.value, into: s + H, rows: G, columns: H, stride: 2 * H)
            stacked.append(s)
            biasIH.append(buffer(G)); add(inputSide(w), into: biasIH.last!)
            biasHH.append(buffer(G)); add(hiddenSide(w), into: biasHH.last!)
        }
        let projection = buffer(V * H)
        copy(model.projectionWeight.value, into: projection, rows: V, columns: H, stride: H)
        let projectionBias = buffer(V)
        copy(model.projectionBias.value, into: projectionBias, rows: 1, columns: V, stride: V)
        var inputAndHidden: [UnsafeMutablePointer<Float>] = [], cells: [UnsafeMutablePointer<Float>] = []
        for _ in 0..<L { inputAndHidden.append(buffer(rows * 2 * H)); cells.append(buffer(cell.hasCellState ? rows * H : 0)) }

        self.config = config
        self.rows = rows
        (self.V, self.H, self.L, self.G, self.cell) = (V, H, L, G, cell)
        self.inputTable = inputTable
        self.hidden0 = hidden0
        self.stacked = stacked
        self.biasIH = biasIH
        self.biasHH = biasHH
        self.projection = projection
        self.projectionBias = projectionBias
        self.inputAndHidden = inputAndHidden
        self.cells = cells
        gates = buffer(rows * G)
        recurrent = buffer(cell == .gru ? rows * G : 0)
        scratch = buffer(rows * H)
        logits = buffer(rows * V)
        allocations = all
    }

    deinit { for p in allocations { p.deallocate() } }

    public var vocabularySize: Int { V }

    /// Zeroes every row's state.
    public func reset() {
        for l in 0..<L {
            inputAndHidden[l].update(repeating: 0, count: rows * 2 * H)
            if cell.hasCellState { cells[l].update(repeating: 0, count: rows * H) }
        }
    }

    /// Feeds one token per row (ids in 0..<V) and returns the next-token logits [rows, V], valid until
    /// the next call.
    @discardableResult
    public func step(_ tokens: [Int]) -> UnsafeBufferPointer<Float> {
        precondition(tokens.count == rows, "LanguageModelGenerator: \(tokens.count) tokens for \(rows) rows")
        let stride = 2 * H
        for (r, token) in tokens.enumerated() {
            precondition(token >= 0 && token < V, "LanguageModelGenerator: token \(token) outside 0..<\(V)")
            (gates + r * G).update(from: inputTable + token * G, count: G)
        }
        for l in 0..<L {
            let state = inputAndHidden[l]
            let (whh, ldh) = l == 0 ? (UnsafePointer(hidden0), H) : (UnsafePointer(stacked[l - 1] + H), 2 * H)
            if cell == .gru {
                if l > 0 { product(weights: stacked[l - 1], columns: H, lda: 2 * H, input: state, beta: 0, output: gates) }
                product(weights: whh, columns: H, lda: ldh, input: state + H, beta: 0, output: recurrent)
            } else if l == 0 {
                product(weights: whh, columns: H, lda: ldh, input: state + H, beta: 1, output: gates)
            } else {
                product(weights: stacked[l - 1], columns: 2 * H, lda: 2 * H, input: state, beta: 0, output: gates)
            }
            for r in 0..<rows {
                let h = state + r * stride + H, g = gates + r * G
                switch cell {
                case .lstm:
                    let c = cells[l] + r * H
                    LSTMPointwise.forward(hidden: H, gates: g, bias: biasIH[l], cPrev: c, c: c, tanhC: scratch + r * H, h: h)
                case .gru:
                    GRUPointwise.forward(hidden: H, gates: g, recurrent: recurrent + r * G, hiddenN: scratch + r * H,
                                         biasIH: biasIH[l], biasHH: biasHH[l], hPrev: h, h: h)
                case .rnnTanh, .rnnReLU:
                    RNNPointwise.forward(hidden: H, relu: cell == .rnnReLU, pre: g, biasIH: biasIH[l], biasHH: biasHH[l], h: h)
                }
                if l + 1 < L { (inputAndHidden[l + 1] + r * stride).update(from: h, count: H) }
            }
        }
        for r in 0..<rows { (logits + r * V).update(from: projectionBias, count: V) }
        product(weights: projection, columns: H, lda: H, input: inputAndHidden[L - 1] + H, beta: 1, output: logits, outputs: V)
        return UnsafeBufferPointer(start: logits, count: rows * V)
    }

    /// output[r] = W·input[r] + beta·output[r] for every row, W [outputs, columns] row-major with leading
    /// dimension `lda`; inputs are rows 2H apart. One row is a GEMV: OpenBLAS's GEMM would pack (copy) all
    /// of W on every call, doubling the memory traffic of a step that is nothing but memory traffic.
    @inline(__always)
    private func product(weights: UnsafePointer<Float>, columns: Int, lda: Int, input: UnsafePointer<Float>,
                         beta: Float, output: UnsafeMutablePointer<Float>, outputs: Int? = nil) {
        let outputs = outputs ?? G
        if rows == 1 {
            BLAS.gemv(rows: outputs, columns: columns, weights, lda: lda, input, beta: beta, output)
        } else {
            BLAS.gemm(transposeB: true, m: rows, n: outputs, k: columns, input, lda: 2 * H, weights, ldb: lda,
                      beta: beta, output, ldc: outputs)
        }
    }

    /// The logits of one row from the last step.
    public func logits(row: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: logits + row * V, count: V)
    }
}
