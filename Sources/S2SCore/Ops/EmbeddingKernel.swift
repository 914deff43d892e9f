// Embedding lookup: out[i, :] = table[ids[i], :]. Backward scatters dy rows into the table gradient,
// skipping the padding row (it stays zero, as in torch.nn.Embedding(padding_idx:)).
// Shapes: ids [shape...] (e.g. [T, B]), table [V, E] → out [shape..., E].

public enum EmbeddingKernel {
    /// out[i] = table[ids[i]] for every id; `out` holds ids.count rows of `dimension`.
    public static func forward(ids: UnsafeBufferPointer<Int>, table: UnsafePointer<Float>, rows: Int,
                               dimension: Int, out: UnsafeMutablePointer<Float>) {
        for (i, id) in ids.enumerated() {
            precondition(id >= 0 && id < rows, "embedding: id \(id) outside 0..<\(rows)")
            (out + i * dimension).update(from: table + id * dimension, count: dimension)
        }
    }

    /// dTable[ids[i]] += dy[i] for every id except `paddingIndex`.
    public static func backward(ids: UnsafeBufferPointer<Int>, dy: UnsafePointer<Float>, dimension: Int,
                                paddingIndex: Int?, dTable: UnsafeMutablePointer<Float>) {
        for (i, id) in ids.enumerated() where id != paddingIndex {
            let source = dy + i * dimension, target = dTable + id * dimension
            for e in 0..<dimension { target[e] += source[e] }
        }
    }
}

extension Tape {
    /// Looks up one row of `table` [V, E] per id; the result has shape `shape + [E]`.
    /// The padding row receives no gradient. Ids must lie in 0..<V (checked by a precondition).
    ///
    ///     let x = tape.embedding(ids: [5, 0, 7, 2], shape: [2, 2], table: weight)   // [2, 2, E]
    public func embedding(ids: [Int], shape: [Int], table: Variable, paddingIndex: Int? = 0) -> Variable {
        precondition(table.shape.count == 2, "embedding: table must be [V, E], got \(table.shape)")
        precondition(shape.reduce(1, *) == ids.count, "embedding: \(ids.count) ids for shape \(shape)")
        let rows = table.shape[0], dimension = table.shape[1]
        var out = Tensor(zeros: shape + [dimension])
        ids.withUnsafeBufferPointer { pid in
            table.value.withPointer { pt in
                out.withMutablePointer {
                    EmbeddingKernel.forward(ids: pid, table: pt, rows: rows, dimension: dimension, out: $0)
                }
            }
        }
        let output = Variable(out, requiresGrad: needsGrad(table))
        guard output.requiresGrad else { return output }
        record("embedding") {
            guard let dy = output.grad else { return }
            ids.withUnsafeBufferPointer { pid in
                dy.withPointer { pdy in
                    table.withGradPointer {
                        EmbeddingKernel.backward(ids: pid, dy: pdy, dimension: dimension,
                                                 paddingIndex: paddingIndex, dTable: $0)
                    }
                }
            }
        }
        return output
    }
}
