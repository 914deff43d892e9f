// An inference shortcut for the classifier's first recurrent layer. Its input projection x_t·W_ihᵀ
// depends only on the token at step t, so it can be computed once per vocabulary entry — a [V, G·H]
// table per direction (G = 4 for the LSTM, 3 for the GRU, 1 for the RNN), one GEMM at load time — and
// looked up instead of multiplied for every token. With E = H that is half the forward FLOPs of a
// one-layer network. The table is a snapshot of the weights:
// build a new one whenever they change (the trainer's validation builds one per validation).
//
// Shapes: embedding.weight [V, E], weight_ih_l0(_reverse) [G·H, E] → tables [V, G·H]; looked up for a
// time-major batch of ids [T·B] → [T, B, G·H] per direction.
import S2SCore
import S2SNN

/// The first recurrent layer's input projection of every vocabulary entry, per direction.
///
///     let projections = EmbeddingProjections(model)
///     let p = model.probabilities(sequences, projections: projections)   // same as model.probabilities(sequences)
///
/// Memory: V·G·H floats per direction (6,000 tokens, H 128, two directions: 25 MB).
public struct EmbeddingProjections {
    /// [V, G·H] per direction of layer 0.
    public let tables: [Tensor]

    public init(_ model: ClassificationModel) {
        let embedding = model.encoder.embedding.weight.value
        let V = embedding.shape[0], E = embedding.shape[1]
        tables = model.encoder.rnn.weights[0].map { direction in
            let G = direction.weightIH.shape[0]
            var table = Tensor(zeros: [V, G])
            embedding.withUnsafeBufferPointer { pe in
                direction.weightIH.value.withUnsafeBufferPointer { pw in
                    table.withUnsafeMutableBufferPointer { pt in
                        BLAS.gemm(transposeB: true, m: V, n: G, k: E, pe.baseAddress!, lda: E, pw.baseAddress!, ldb: E,
                                  beta: 0, pt.baseAddress!, ldc: G)
                    }
                }
            }
            return table
        }
    }

    /// The table rows of `ids` (time-major [T·B]) as [T, B, G·H] per direction.
    func lookUp(ids: [Int], steps T: Int, batch B: Int) -> [Tensor] {
        tables.map { table in
            let G = table.shape[1], V = table.shape[0]
            var out = [Float].uninitialized(ids.count * G)
            table.withUnsafeBufferPointer { pt in
                out.withUnsafeMutableBufferPointer { po in
                    for (i, id) in ids.enumerated() {
                        precondition(id >= 0 && id < V, "EmbeddingProjections: id \(id) outside 0..<\(V)")
                        (po.baseAddress! + i * G).update(from: pt.baseAddress! + id * G, count: G)
                    }
                }
            }
            return Tensor(shape: [T, B, G], scalars: out)
        }
    }
}

extension ClassificationModel {
    /// `logits(ids:lengths:tape:)` for inference (the tape must not be training), with the first
    /// recurrent layer's input projection looked up in `projections` instead of computed.
    public func logits(ids: [Int], lengths: [Int], projections: EmbeddingProjections, tape: Tape) -> Variable {
        precondition(!tape.isTraining, "ClassificationModel: embedding projections are for inference (no dropout) only")
        let B = lengths.count, T = B == 0 ? 0 : ids.count / B
        let rnn = encoder.rnn
        var input: Variable? = nil
        var finalH: [Variable] = []
        for layer in 0..<rnn.layers {
            let (y, h, _) = if let input {
                rnn.layer(layer, input: input, lengths: lengths, initialState: nil, tape: tape)
            } else {
                rnn.layer(layer, projections: projections.lookUp(ids: ids, steps: T, batch: B).map { Variable($0) },
                          lengths: lengths, initialState: nil, tape: tape)
            }
            finalH.append(h)
            input = y
        }
        let h = RecurrentNetwork.joined(finalH, tape: tape)
        return output(pool(input!, finalStates: h, lengths: lengths, tape: tape), tape: tape)
    }
}
