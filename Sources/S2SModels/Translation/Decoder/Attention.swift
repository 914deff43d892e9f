// Global attention (Luong; OpenNMT-py GlobalAttention semantics) for one decoder step, fused:
// scores → masked softmax → context, with one backward for all three.
//     dot:     score[b,s] = query[b] · memory[b,s]
//     general: score[b,s] = (W·query[b]) · memory[b,s]                 W = linear_in.weight [H, H]
//     mlp:     score[b,s] = v · tanh(Wq·query[b] + bq + Wc·memory[b,s])  (Bahdanau)
//     weights[b,:] = softmax over s < lengths[b] (exactly 0 beyond);  context[b] = Σ_s weights[b,s]·memory[b,s]
// The query/memory projections are ordinary `linear` ops on the tape; this file fuses the rest.
// Per batch element the products are BLAS gemv/ger calls. Shapes: query [B, H], memory [B, S, H],
// lengths B ints in 0...S → context [B, H], weights [B, S].

/// How attention scores are computed, with the parameters each kind needs (PyTorch layout [out, in]).
import S2SCore
import S2SKernels

public enum AttentionScore {
    /// score = query · memory[s].
    case dot
    /// score = (query·Wᵀ) · memory[s]; `weight` [H, H] (OpenNMT-py `linear_in.weight`, no bias).
    case general(weight: Variable)
    /// score = v · tanh(query·Wqᵀ + bq + memory[s]·Wcᵀ); Wq, Wc [H, H], bq [H], v [1, H].
    /// `projectedMemory` [B, S, H] is memory·Wcᵀ computed once per sentence by the caller
    /// (`tape.linear(memory, weight: contextWeight, bias: nil)`); when given, `contextWeight` is not used.
    case mlp(queryWeight: Variable, queryBias: Variable, contextWeight: Variable, v: Variable,
             projectedMemory: Variable? = nil)
}

public enum AttentionKernel {
    public typealias Input = UnsafePointer<Float>
    public typealias Output = UnsafeMutablePointer<Float>

    /// The score inputs as pointers. For mlp, `activations` holds tanh(Wq·q + bq + Wc·m) per [s, h],
    /// written by forward and read by backward; its batch stride may be 0 when there is no backward.
    public enum Scores {
        case dot(query: Input)
        case mlp(projectedQuery: Input, projectedMemory: Input, v: Input, activations: Output, activationStride: Int)
    }

    /// Gradient buffers, each nil when not wanted; all accumulate.
    public struct Gradients {
        public var query, memory, projectedQuery, projectedMemory, v: Output?
        public init(query: Output? = nil, memory: Output? = nil, projectedQuery: Output? = nil,
                    projectedMemory: Output? = nil, v: Output? = nil) {
            (self.query, self.memory, self.projectedQuery, self.projectedMemory, self.v)
                = (query, memory, projectedQuery, projectedMemory, v)
        }
    }

    /// w[0..<length] = softmax(w[0..<length]); w[length..<count] = 0.
    public static func maskedSoftmax(_ w: Output, length: Int, count: Int) {
        var maximum = -Float.infinity
        for s in 0..<length { maximum = max(maximum, w[s]) }
        for s in 0..<length { w[s] -= maximum }
        VectorMath.exp(count: length, w, w)
        var total: Float = 0
        for s in 0..<length { total += w[s] }
        for s in 0..<length { w[s] /= total }
        for s in length..<count { w[s] = 0 }
    }

    /// Fills weights [B, S] and context [B, H].
    public static func forward(scores: Scores, memory: Input, lengths: UnsafeBufferPointer<Int>,
                               sourceLength S: Int, hidden H: Int, weights: Output, context: Output) {
        for (b, n) in lengths.enumerated() {
            let m = memory + b * S * H, w = weights + b * S
            switch scores {
            case .dot(let query):
                BLAS.gemv(rows: n, columns: H, m, lda: H, query + b * H, w)
            case .mlp(let pq, let pm, let v, let activations, let stride):
                let t = activations + b * stride, q = pq + b * H, k = pm + b * S * H
                for s in 0..<n {
                    for h in 0..<H { t[s * H + h] = q[h] + k[s * H + h] }
                }
                VectorMath.tanh(count: n * H, t, t)
                BLAS.gemv(rows: n, columns: H, t, lda: H, v, w)
            }
            maskedSoftmax(w, length: n, count: S)
            BLAS.gemv(transpose: true, rows: n, columns: H, m, lda: H, w, context + b * H)
        }
    }

    /// Accumulates the gradients from dContext [B, H] and/or dWeights [B, S]. `scratch` holds 2·S + H floats.
    public static func backward(scores: Scores, memory: Input, lengths: UnsafeBufferPointer<Int>,
                                sourceLength S: Int, hidden H: Int, weights: Input,
                                dContext: Input?, dWeights: Input?, gradients g: Gradients, scratch: Output) {
        let da = scratch, ds = scratch + S
        for (b, n) in lengths.enumerated() {
            let m = memory + b * S * H, a = weights + b * S, dm = g.memory.map { $0 + b * S * H }
            // d weights: the upstream dWeights plus memory·dContext; dMemory += weights ⊗ dContext.
            for s in 0..<n { da[s] = dWeights?[b * S + s] ?? 0 }
            if let dContext {
                let dc = dContext + b * H
                BLAS.gemv(rows: n, columns: H, m, lda: H, dc, beta: 1, da)
                if let dm { BLAS.ger(rows: n, columns: H, a, dc, dm, lda: H) }
            }
            // Softmax backward: ds = a ⊙ (da − a·da).
            var inner: Float = 0
            for s in 0..<n { inner += a[s] * da[s] }
            for s in 0..<n { ds[s] = a[s] * (da[s] - inner) }
            switch scores {
            case .dot(let query):
                if let dq = g.query { BLAS.gemv(transpose: true, rows: n, columns: H, m, lda: H, ds, beta: 1, dq + b * H) }
                if let dm { BLAS.ger(rows: n, columns: H, ds, query + b * H, dm, lda: H) }
            case .mlp(_, _, let v, let activations, let stride):
                let t = activations + b * stride
                if let dv = g.v { BLAS.gemv(transpose: true, rows: n, columns: H, t, lda: H, ds, beta: 1, dv) }
                guard g.projectedQuery != nil || g.projectedMemory != nil else { break }
                let pre = scratch + 2 * S   // d score / d (pre-tanh activation) of one position
                for s in 0..<n {
                    let row = t + s * H, scale = ds[s]
                    for h in 0..<H { pre[h] = scale * v[h] * (1 - row[h] * row[h]) }
                    if let dq = g.projectedQuery { for h in 0..<H { dq[b * H + h] += pre[h] } }
                    if let dk = g.projectedMemory { for h in 0..<H { dk[(b * S + s) * H + h] += pre[h] } }
                }
            }
        }
    }
}

extension Tape {
    /// One step of global attention over `memory`, masked beyond each sequence's length.
    ///
    ///     let (context, weights) = tape.globalAttention(query: h, memory: encoderOutputs,
    ///                                                   lengths: [5, 2, 4], score: .general(weight: w))
    ///     // h [B, H], encoderOutputs [B, S, H] → context [B, H], weights [B, S]
    public func globalAttention(query: Variable, memory: Variable, lengths: [Int],
                                score: AttentionScore) -> (context: Variable, weights: Variable) {
        precondition(memory.shape.count == 3, "globalAttention: memory must be [B, S, H], got \(memory.shape)")
        let (batch, sourceLength, hidden) = (memory.shape[0], memory.shape[1], memory.shape[2])
        precondition(query.shape == [batch, hidden], "globalAttention: query \(query.shape) for memory \(memory.shape)")
        precondition(lengths.count == batch && lengths.allSatisfy { $0 >= 0 && $0 <= sourceLength },
                     "globalAttention: lengths \(lengths) for memory \(memory.shape)")
        switch score {
        case .dot:
            return attentionCore(.dot(query), memory: memory, lengths: lengths)
        case .general(let weight):
            return attentionCore(.dot(linear(query, weight: weight, bias: nil)), memory: memory, lengths: lengths)
        case .mlp(let queryWeight, let queryBias, let contextWeight, let v, let projectedMemory):
            precondition(v.value.count == hidden, "globalAttention: v \(v.shape) for hidden size \(hidden)")
            precondition(projectedMemory == nil || (projectedMemory!.shape == memory.shape && projectedMemory! !== memory),
                         "globalAttention: projected memory must be a separate [B, S, H] variable")
            let projected = projectedMemory ?? linear(memory, weight: contextWeight, bias: nil)
            return attentionCore(.mlp(linear(query, weight: queryWeight, bias: queryBias), projected, v),
                                 memory: memory, lengths: lengths)
        }
    }

    private enum CoreScores { case dot(Variable), mlp(Variable, Variable, Variable) }

    private func attentionCore(_ scores: CoreScores, memory: Variable, lengths: [Int]) -> (context: Variable, weights: Variable) {
        let (batch, S, H) = (memory.shape[0], memory.shape[1], memory.shape[2])
        let inputs: [Variable] = switch scores {
            case .dot(let query): [query, memory]
            case .mlp(let pq, let pm, let v): [pq, pm, v, memory]
        }
        let needs = needsGrad(inputs)
        var weights = Tensor(zeros: [batch, S]), context = Tensor(zeros: [batch, H])
        // mlp keeps its tanh activations for backward; without backward one [S, H] buffer is reused.
        var activations = Tensor(zeros: { if case .mlp = scores { needs ? [batch, S, H] : [S, H] } else { [0] } }())
        let stride = needs ? S * H : 0

        /// Runs `body` with the score pointers.
        func withScores<R>(_ body: (AttentionKernel.Scores) -> R) -> R {
            switch scores {
            case .dot(let query):
                return query.value.withPointer { body(.dot(query: $0)) }
            case .mlp(let pq, let pm, let v):
                return pq.value.withPointer { q in
                    pm.value.withPointer { k in
                        v.value.withPointer { pv in
                            activations.withMutablePointer {
                                body(.mlp(projectedQuery: q, projectedMemory: k, v: pv, activations: $0, activationStride: stride))
                            }
                        }
                    }
                }
            }
        }

        withScores { scorePointers in
            memory.value.withPointer { pm in
                lengths.withUnsafeBufferPointer { pl in
                    weights.withMutablePointer { pw in
                        context.withMutablePointer {
                            AttentionKernel.forward(scores: scorePointers, memory: pm, lengths: pl, sourceLength: S,
                                                    hidden: H, weights: pw, context: $0)
                        }
                    }
                }
            }
        }
        let contextOutput = Variable(context, requiresGrad: needs)
        let weightsOutput = Variable(weights, requiresGrad: needs)
        guard needs else { return (contextOutput, weightsOutput) }
        record("globalAttention") {
            let dContext = contextOutput.grad, dWeights = weightsOutput.grad
            guard dContext != nil || dWeights != nil else { return }
            var scratch = [Float](repeating: 0, count: 2 * S + H)
            func run(_ gradients: AttentionKernel.Gradients, _ dc: UnsafePointer<Float>?, _ dw: UnsafePointer<Float>?) {
                withScores { scorePointers in
                    memory.value.withPointer { pm in
                        lengths.withUnsafeBufferPointer { pl in
                            weightsOutput.value.withPointer { pw in
                                scratch.withUnsafeMutableBufferPointer {
                                    AttentionKernel.backward(scores: scorePointers, memory: pm, lengths: pl, sourceLength: S,
                                                             hidden: H, weights: pw, dContext: dc, dWeights: dw,
                                                             gradients: gradients, scratch: $0.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
            func withUpstream(_ body: (UnsafePointer<Float>?, UnsafePointer<Float>?) -> Void) {
                withOptionalPointer(dContext) { dc in withOptionalPointer(dWeights) { dw in body(dc, dw) } }
            }
            withUpstream { dc, dw in
                withGradIfNeeded(memory) { dm in
                    switch scores {
                    case .dot(let query):
                        withGradIfNeeded(query) { dq in run(.init(query: dq, memory: dm), dc, dw) }
                    case .mlp(let pq, let pk, let v):
                        withGradIfNeeded(pq) { dq in
                            withGradIfNeeded(pk) { dk in
                                withGradIfNeeded(v) { dv in
                                    run(.init(memory: dm, projectedQuery: dq, projectedMemory: dk, v: dv), dc, dw)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (contextOutput, weightsOutput)
    }
}
