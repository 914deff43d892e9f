// The input-feeding attention decoder over all T target steps as ONE tape op: forward runs the steps
// (DecoderStepKernel) saving what backward needs; backward runs the steps in reverse for the data
// gradients only, and computes every weight gradient afterwards as one GEMM over all T·B rows. That
// is what keeps the time in BLAS: a step-by-step autograd decoder (the PyTorch reference) does about
// 15 small products per step in each direction, this one 4 per step forward and 4 + 2 per layer back.
//
// Shapes: embedded [T, B, E] (the target inputs, bos first), memory [S, B, H] (encoder outputs,
// time-major), h0 (and, for the LSTM, c0) [L, B, H] → attentional vectors [T, B, H] (after dropout), which the generator
// turns into logits in one [T·B, H]·[H, V] product. The first step's input feed is zero (OpenNMT).
// The tape-op oracle this is tested against is `ReferenceDecoder` in S2SNNTests (the same decoder
// step by step with S2SNN's GlobalAttention); `AttentionDecoderParameters(layers:attention:)` reads the
// parameters out of a GlobalAttention (GlobalAttention.swift, beside this file).

/// The decoder's parameters, as the fused op reads them.
import S2SCore
import S2SKernels

public struct AttentionDecoderParameters {
    /// Per layer, all of one cell; layer 0's W_ih is [G·H, E + H] (embedding, then input feed), the
    /// others' [G·H, H] (G gate blocks: 4 for the LSTM, 3 for the GRU, 1 for the RNN).
    public var layers: [RecurrentWeights]
    public var score: AttentionScore
    /// linear_out [H, 2H] over [context, q], and its bias (mlp only).
    public var outWeight: Variable
    public var outBias: Variable?

    public init(layers: [RecurrentWeights], score: AttentionScore, outWeight: Variable, outBias: Variable?) {
        precondition(!layers.isEmpty && layers.allSatisfy { $0.cell == layers[0].cell }, "AttentionDecoderParameters: layers of one cell")
        self.layers = layers; self.score = score; self.outWeight = outWeight; self.outBias = outBias
    }

    public var cell: RecurrentCell { layers[0].cell }

    var variables: [Variable] {
        var out: [Variable] = layers.flatMap { [$0.weightIH, $0.weightHH] + [$0.biasIH, $0.biasHH].compactMap { $0 } }
        switch score {
        case .dot: break
        case .general(let weight): out.append(weight)
        case .mlp(let qw, let qb, let cw, let v, _): out += [qw, qb, cw, v]
        }
        return out + [outWeight] + (outBias.map { [$0] } ?? [])
    }

    var hidden: Int { layers[0].hidden }
    var embeddingSize: Int { layers[0].inputSize - hidden }

    /// Per layer, the biases the pointwise kernels add on the input side and on the recurrent side:
    /// b_ih + b_hh and zeros — except the GRU's, whose b_hh belongs inside the reset product (b_ih, b_hh).
    func stepBiases() -> (input: [Tensor], hidden: [Tensor]) {
        func sum(_ biases: [Variable?], _ count: Int) -> Tensor {
            var out = Tensor(zeros: [count])
            for bias in biases {
                guard let bias else { continue }
                for k in 0..<count { out.scalars[k] += bias.value.scalars[k] }
            }
            return out
        }
        let G = cell.gates * hidden
        return (layers.map { sum(cell == .gru ? [$0.biasIH] : [$0.biasIH, $0.biasHH], G) },
                layers.map { sum(cell == .gru ? [$0.biasHH] : [], G) })
    }

    /// The parameter tensors a step reads, in the order `withWeightPointers` hands them out.
    private var stepTensors: [Tensor] {
        let biases = stepBiases()
        var out = layers.map(\.weightIH.value) + layers.map(\.weightHH.value) + biases.input + biases.hidden
        if case .mlp(let qw, let qb, _, let v, _) = score { out += [qw.value, qb.value, v.value] }
        return out + [outWeight.value] + (outBias.map { [$0.value] } ?? [])
    }

    /// Runs `body` with pointers to the weights one step reads.
    package func withWeightPointers<R>(_ body: (DecoderWeightPointers) throws -> R) rethrows -> R {
        let L = layers.count
        return try withPointers(stepTensors) { p in
            var next = 4 * L
            let score: DecoderWeightPointers.Score
            switch self.score {
            case .dot: score = .dot
            case .general: score = .general
            case .mlp:
                score = .mlp(queryWeight: p[next], queryBias: p[next + 1], v: p[next + 2])
                next += 3
            }
            return try body(DecoderWeightPointers(
                cell: cell, embeddingSize: embeddingSize, hidden: hidden, layers: L,
                inputWeights: Array(p[0..<L]), hiddenWeights: Array(p[L..<2 * L]), biases: Array(p[2 * L..<3 * L]),
                hiddenBiases: Array(p[3 * L..<4 * L]), score: score, outWeight: p[next], outBias: outBias == nil ? nil : p[next + 1]))
        }
    }

    /// What the scores compare q with, [S, B, H] from memory [S, B, H]: memory itself (dot),
    /// memory·W_in (general: (W_in·q)·m = q·(m·W_in)), or memory·W_cᵀ (mlp). `stable`: each row's
    /// numbers independent of the other rows (DotGEMM), for search.
    package func keys(memory: Tensor, stable: Bool) -> Tensor? {
        let H = hidden, rows = memory.count / max(H, 1)
        var out = Tensor(zeros: memory.shape)
        func product(transposeB: Bool, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) {
            guard stable else {
                BLAS.gemm(transposeB: transposeB, m: rows, n: H, k: H, a, lda: H, b, ldb: H, beta: 0, c, ldc: H)
                return
            }
            // DotGEMM multiplies with Wᵀ ([out, in] storage): transpose a plain A·B's B first.
            if transposeB { DotGEMM.gemm(m: rows, n: H, k: H, a, lda: H, b, ldb: H, beta: 0, c, ldc: H); return }
            var bt = [Float](repeating: 0, count: H * H)
            for i0 in stride(from: 0, to: H, by: 16) {   // 16×16 tiles: both sides stay in cache
                for j0 in stride(from: 0, to: H, by: 16) {
                    for i in i0..<min(H, i0 + 16) { for j in j0..<min(H, j0 + 16) { bt[j * H + i] = b[i * H + j] } }
                }
            }
            DotGEMM.gemm(m: rows, n: H, k: H, a, lda: H, bt, ldb: H, beta: 0, c, ldc: H)
        }
        switch score {
        case .dot: return nil
        case .general(let weight):
            memory.withPointer { m in weight.value.withPointer { w in out.withMutablePointer { k in
                product(transposeB: false, m, w, k)
            } } }
        case .mlp(_, _, let contextWeight, _, _):
            memory.withPointer { m in contextWeight.value.withPointer { w in out.withMutablePointer { k in
                product(transposeB: true, m, w, k)
            } } }
        }
        return out
    }
}

extension Tape {
    /// Runs the input-feeding attention decoder over T steps (teacher forcing).
    ///
    ///     let out = tape.attentionDecoder(embedded: targetEmbeddings,      // [T, B, E]
    ///                                     memory: encoderOutputs,          // [S, B, H]
    ///                                     sourceLengths: lengths, h0: h, c0: c, parameters: decoder,
    ///                                     dropout: 0.3)                    // → [T, B, H]
    ///
    /// `c0` is the LSTM's initial cell state (nil for the GRU and the RNN). Dropout (training tapes
    /// only) applies between recurrent layers and to each attentional vector, which is both the step's
    /// output and the next step's input feed. Cost per target token forward, G gate blocks:
    /// 2·G·H·(E + 2H) per layer-0 step (+ 2·G·H·2H per further layer) + 2·2H·H (output) + 4·S·H
    /// (attention) + 2·H·H per source token (general keys); backward twice that.
    public func attentionDecoder(embedded: Variable, memory: Variable, sourceLengths: [Int],
                                 h0: Variable, c0: Variable?, parameters: AttentionDecoderParameters,
                                 dropout: Float) -> Variable {
        let T = embedded.shape[0], B = embedded.shape[1], H = parameters.hidden, L = parameters.layers.count
        precondition(embedded.shape.count == 3 && embedded.shape[2] == parameters.embeddingSize,
                     "attentionDecoder: embedded \(embedded.shape) for embedding size \(parameters.embeddingSize)")
        precondition(memory.shape.count == 3 && memory.shape[1] == B && memory.shape[2] == H,
                     "attentionDecoder: memory \(memory.shape) for batch \(B), hidden \(H)")
        precondition(sourceLengths.count == B && sourceLengths.allSatisfy { $0 >= 0 && $0 <= memory.shape[0] },
                     "attentionDecoder: source lengths \(sourceLengths) for memory \(memory.shape)")
        precondition(h0.shape == [L, B, H] && (c0 != nil) == parameters.cell.hasCellState && (c0?.shape ?? [L, B, H]) == [L, B, H],
                     "attentionDecoder: h0 (and, for an LSTM, c0) must be [\(L), \(B), \(H)]")
        precondition(dropout >= 0 && dropout < 1, "attentionDecoder: dropout \(dropout)")

        let run = AttentionDecoderRun(T: T, B: B, S: memory.shape[0], parameters: parameters, sourceLengths: sourceLengths)
        let p = isTraining ? dropout : 0
        if p > 0 { run.drawMasks(probability: p, rng: &rng) }
        let output = Variable(run.forward(embedded: embedded.value, memory: memory.value, h0: h0.value, c0: c0?.value),
                              requiresGrad: needsGrad(([embedded, memory, h0, c0] + parameters.variables) as [Variable?]))
        guard output.requiresGrad else { return output }
        record("attentionDecoder") {
            guard let dOutput = output.grad else { return }
            run.backward(dOutput: dOutput, embedded: embedded, memory: memory, h0: h0, c0: c0)
        }
        return output
    }
}
