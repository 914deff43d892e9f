// The right operand of many products, packed once: a recurrent layer multiplies its state by W_hh at
// every step, and a product that packs W_hh itself at every step (as OpenBLAS does) spends as long
// packing [4H, H] as multiplying [B, H] by it. On the generic level (no own product kernel) it keeps
// the pointer and calls BLAS.gemm.

/// op(B) [k, n] ready for C = A·op(B) + beta·C. Use it only while `b` is valid (the generic level reads it).
///
///     let recurrent = PackedMatrix(transposeB: true, k: H, n: 4 * H, whh, ldb: H)
///     for t in steps { recurrent.product(m: B, h[t], lda: H, beta: 1, gates[t], ldc: 4 * H) }
public final class PackedMatrix {
    let transposeB: Bool, k: Int, n: Int
    let b: UnsafePointer<Float>, ldb: Int
    let packed: UnsafeMutablePointer<Float>?

    public init(transposeB: Bool, k: Int, n: Int, _ b: UnsafePointer<Float>, ldb: Int) {
        self.transposeB = transposeB; self.k = k; self.n = n; self.b = b; self.ldb = ldb
        let kernels = Kernels.current
        guard kernels.hasGEMM, k > 0, n > 0 else { packed = nil; return }
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: kernels.packedSize(k: k, n: n))
        kernels.pack(transposeB: transposeB, k: k, n: n, b, ldb: ldb, into: packed)
        self.packed = packed
    }

    deinit { packed?.deallocate() }

    /// C [m, n] = A [m, k]·op(B) + beta·C, beta 0 or 1: the same bits as BLAS.gemm with B itself.
    public func product(m: Int, _ a: UnsafePointer<Float>, lda: Int, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard let packed, m > 0 else {
            BLAS.gemm(transposeB: transposeB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
            return
        }
        Kernels.current.gemm(transposeA: false, m: m, n: n, k: k, a, lda: lda, packed: packed, beta: beta, c, ldc: ldc)
    }
}
