// Fast inference for a language model, one token per row per step, with no tape: the language model as
// S2SDecoding's `StepModel`, so sampling (`Sampler.generate`), ensembles (`EnsembleStepModel`) and the
// search decoders run it as they run the translator. What makes it fast at batch 1:
//   - layer 0's input projection of every vocabulary entry is precomputed (a [V, G·H] table with the
//     biases folded in), so a step reads one row instead of multiplying the embedding by W_ih;
//   - layers ≥ 1 keep [W_ih | W_hh] side by side and their input and previous h side by side, so each
//     is one GEMV over [G·H, 2H] instead of two (the GRU needs its recurrent part apart — r scales it —
//     so it runs the two halves of the same block as two GEMVs);
//   - the pointwise math is the fused SIMD kernel the training op uses (`LSTMPointwise`, `GRUPointwise`,
//     `RNNPointwise`).
// An LSTM step costs 2·4H·H + (L−1)·2·4H·2H + 2·V·H FLOPs, all of it reading weights (memory-bound);
// next to that, copying the state in and out (2·L·H floats a row) and the log-softmax over V are noise.
//
// The weights are copied at construction: later changes to the model do not reach a generator.
import S2SCore
import S2SDecoding
import S2SNN

/// The recurrent state of N rows: h and (for an LSTM) c, each [L, N, H] row-major; zeros start a row.
public struct LanguageModelState: Sendable, Equatable {
    public var h: [Float]
    public var c: [Float]
    public let rows: Int
}

/// Runs a `LanguageModel` token by token for any number of independent rows, as a `StepModel`.
///
///     let generator = LanguageModelGenerator(model: model)
///     var rng = Generator(seed: 1)
///     let ids = Sampler(temperature: 0.8, banUnk: true).generate(
///         model: generator, state: generator.initialState(), prompt: [SpecialTokens.eos] + promptIds, start: nil,
///         maxTokens: 300, stopAtEOS: false, using: &rng) { print(text.decode([$0]), terminator: ""); return true }
///
/// Not thread-safe (its scratch buffers are shared by every call): one generator per thread.
public final class LanguageModelGenerator: StepModel {
    public let config: LanguageModelConfig
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
    private let allocations: [UnsafeMutablePointer<Float>]
    /// The working state and scratch of up to `capacity` rows (grown when a step has more).
    private var work: Work

    /// `inputAndHidden[l]` is [rows, 2H]: the layer's input (layers ≥ 1) then its h.
    private final class Work {
        let capacity: Int
        let inputAndHidden: [UnsafeMutablePointer<Float>]
        let cells: [UnsafeMutablePointer<Float>]        // [rows, H] per layer (the LSTM's c)
        let gates: UnsafeMutablePointer<Float>          // [rows, G·H]
        let recurrent: UnsafeMutablePointer<Float>      // [rows, G·H]: the GRU's h·W_hhᵀ
        let scratch: UnsafeMutablePointer<Float>        // [rows, H]: LSTM tanh(c), GRU u_n
        let logits: UnsafeMutablePointer<Float>         // [rows, V]
        private var all: [UnsafeMutablePointer<Float>] = []

        init(capacity rows: Int, V: Int, H: Int, L: Int, G: Int, cell: RecurrentCell) {
            var all: [UnsafeMutablePointer<Float>] = []
            func buffer(_ count: Int) -> UnsafeMutablePointer<Float> { LanguageModelGenerator.zeros(count, keptIn: &all) }
            capacity = rows
            inputAndHidden = (0..<L).map { _ in buffer(rows * 2 * H) }
            cells = (0..<L).map { _ in buffer(cell.hasCellState ? rows * H : 0) }
            gates = buffer(rows * G)
            recurrent = buffer(cell == .gru ? rows * G : 0)
            scratch = buffer(rows * H)
            logits = buffer(rows * V)
            self.all = all
        }

        deinit { for p in all { p.deallocate() } }
    }

    public init(model: LanguageModel) {
        let config = model.config, cell = config.cell
        let V = config.vocabularySize, H = config.hiddenSize, L = config.layers
        let G = cell.gates * H, E = config.embeddingSize
        var all: [UnsafeMutablePointer<Float>] = []
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> { Self.zeros(count, keptIn: &all) }
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

        self.config = config
        (self.V, self.H, self.L, self.G, self.cell) = (V, H, L, G, cell)
        self.inputTable = inputTable
        self.hidden0 = hidden0
        self.stacked = stacked
        self.biasIH = biasIH
        self.biasHH = biasHH
        self.projection = projection
        self.projectionBias = projectionBias
        allocations = all
        work = Work(capacity: 1, V: V, H: H, L: L, G: G, cell: cell)
    }

    deinit { for p in allocations { p.deallocate() } }

    /// A zeroed buffer of `count` floats (at least one), added to `all` for the owner's deinit to free.
    fileprivate static func zeros(_ count: Int, keptIn all: inout [UnsafeMutablePointer<Float>]) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
        p.initialize(repeating: 0, count: max(1, count))
        all.append(p)
        return p
    }

    public var vocabularySize: Int { V }

    /// Zero states for `rows` new sequences (feed each one's first token — a language model's line
    /// break, `SpecialTokens.eos` — before the text).
    public func initialState(rows: Int = 1) -> LanguageModelState {
        LanguageModelState(h: [Float](repeating: 0, count: L * rows * H),
                           c: [Float](repeating: 0, count: cell.hasCellState ? L * rows * H : 0), rows: rows)
    }

    /// Feeds one token per row (ids in 0..<V) and returns the next-token log-probabilities [rows, V] and
    /// the rows' new state.
    public func step(tokens: [Int], state: LanguageModelState) -> (logProbs: Tensor, attention: Tensor?, state: LanguageModelState) {
        let rows = tokens.count
        precondition(rows == state.rows, "LanguageModelGenerator: \(rows) tokens for a state of \(state.rows) rows")
        if rows > work.capacity { work = Work(capacity: rows, V: V, H: H, L: L, G: G, cell: cell) }
        let work = work, stride = 2 * H
        load(state, into: work)
        forward(tokens, work)
        var logProbs = Tensor(zeros: [rows, V])
        logProbs.withUnsafeMutableBufferPointer { y in
            LogSoftmaxKernel.forward(x: work.logits, y: y.baseAddress!, rows: rows, columns: V)
        }
        var next = state
        next.h.withUnsafeMutableBufferPointer { h in
            for l in 0..<L { for r in 0..<rows { (h.baseAddress! + (l * rows + r) * H).update(from: work.inputAndHidden[l] + r * stride + H, count: H) } }
        }
        if cell.hasCellState {
            next.c.withUnsafeMutableBufferPointer { c in
                (0..<L).forEach { l in (c.baseAddress! + l * rows * H).update(from: work.cells[l], count: rows * H) }
            }
        }
        return (logProbs, nil, next)
    }

    /// The state of the given rows, in that order (rows may repeat).
    public func select(_ state: LanguageModelState, rows: [Int]) -> LanguageModelState {
        func gather(_ values: [Float]) -> [Float] {
            guard !values.isEmpty else { return [] }
            var out = [Float](); out.reserveCapacity(L * rows.count * H)
            for l in 0..<L { for r in rows { out += values[((l * state.rows + r) * H)..<((l * state.rows + r + 1) * H)] } }
            return out
        }
        return LanguageModelState(h: gather(state.h), c: gather(state.c), rows: rows.count)
    }

    private func load(_ state: LanguageModelState, into work: Work) {
        let rows = state.rows
        state.h.withUnsafeBufferPointer { h in
            for l in 0..<L { for r in 0..<rows { (work.inputAndHidden[l] + r * 2 * H + H).update(from: h.baseAddress! + (l * rows + r) * H, count: H) } }
        }
        if cell.hasCellState {
            state.c.withUnsafeBufferPointer { c in
                for l in 0..<L { work.cells[l].update(from: c.baseAddress! + l * rows * H, count: rows * H) }
            }
        }
    }

    /// One step of every row: the logits [rows, V] land in `work.logits`, the new h and c in `work`.
    private func forward(_ tokens: [Int], _ work: Work) {
        let rows = tokens.count, stride = 2 * H
        let (inputAndHidden, cells, gates, recurrent, scratch, logits) =
            (work.inputAndHidden, work.cells, work.gates, work.recurrent, work.scratch, work.logits)
        for (r, token) in tokens.enumerated() {
            precondition(token >= 0 && token < V, "LanguageModelGenerator: token \(token) outside 0..<\(V)")
            (gates + r * G).update(from: inputTable + token * G, count: G)
        }
        for l in 0..<L {
            let state = inputAndHidden[l]
            let (whh, ldh) = l == 0 ? (UnsafePointer(hidden0), H) : (UnsafePointer(stacked[l - 1] + H), 2 * H)
            if cell == .gru {
                if l > 0 { product(rows, weights: stacked[l - 1], columns: H, lda: 2 * H, input: state, beta: 0, output: gates) }
                product(rows, weights: whh, columns: H, lda: ldh, input: state + H, beta: 0, output: recurrent)
            } else if l == 0 {
                product(rows, weights: whh, columns: H, lda: ldh, input: state + H, beta: 1, output: gates)
            } else {
                product(rows, weights: stacked[l - 1], columns: 2 * H, lda: 2 * H, input: state, beta: 0, output: gates)
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
        product(rows, weights: projection, columns: H, lda: H, input: inputAndHidden[L - 1] + H, beta: 1, output: logits, outputs: V)
    }

    /// output[r] = W·input[r] + beta·output[r] for every row, W [outputs, columns] row-major with leading
    /// dimension `lda`; inputs are rows 2H apart. One row is a GEMV: OpenBLAS's GEMM would pack (copy) all
    /// of W on every call, doubling the memory traffic of a step that is nothing but memory traffic.
    @inline(__always)
    private func product(_ rows: Int, weights: UnsafePointer<Float>, columns: Int, lda: Int, input: UnsafePointer<Float>,
                         beta: Float, output: UnsafeMutablePointer<Float>, outputs: Int? = nil) {
        let outputs = outputs ?? G
        if rows == 1 {
            BLAS.gemv(rows: outputs, columns: columns, weights, lda: lda, input, beta: beta, output)
        } else {
            BLAS.gemm(transposeB: true, m: rows, n: outputs, k: columns, input, lda: 2 * H, weights, ldb: lda,
                      beta: beta, output, ldc: outputs)
        }
    }
}
