// DotGEMM against bfloat16 weights: C = X·Wᵀ (+ C) with W a BFloat16Matrix, sums in float32.
//
// Same contract and the same arithmetic as the float32 kernel: lane j sums columns j, j + 8, j + 16, …
// in order (a block's low 8 columns, then its high 8), the lanes are summed pairwise and the last
// k mod 8 columns come last. So a row's result does not depend on the other rows (beam search stays
// batch-independent), and on weights that are already bfloat16 values it is bitwise the float32
// kernel's: bfloat16 inference is float32 inference of the rounded model.

extension DotGEMM {
    /// c[i, j] = beta·c[i, j] + Σ_k x[i, k]·w[j, k] for i < m, j < w.rows, k < w.columns (beta 0 or 1).
    ///
    ///     DotGEMM.gemm(m: 5, x, lda: 512, packedGenerator, beta: 1, logits, ldc: V)
    ///
    /// Complexity: 2·m·n·k FLOPs; W (2 bytes per weight) read once per 5 rows of X.
    public static func gemm(m: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: BFloat16Matrix,
                            beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(beta == 0 || beta == 1, "DotGEMM: beta must be 0 or 1")
        guard m > 0, w.rows > 0 else { return }
        w.words.withUnsafeBufferPointer { words in
            Kernels.current.dotGEMMBFloat16(m: m, n: w.rows, k: w.columns, x, lda: lda, words.baseAddress!,
                                            rowStride: w.rowStride, beta: beta, c, ldc: ldc)
        }
    }

    /// The oracle: each element on its own, with the same arithmetic.
    public static func reference(m: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: BFloat16Matrix,
                                 beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        let k = w.columns, kernels = Kernels.current
        for i in 0..<m {
            for j in 0..<w.rows {
                var lanes = V8()
                var kk = 0
                while kk + 8 <= k {
                    for lane in 0..<8 { lanes[lane] = kernels.multiplyAdd(x[i * lda + kk + lane], w.value(row: j, column: kk + lane), lanes[lane]) }
                    kk += 8
                }
                var sum = laneSum(lanes)
                while kk < k { sum = kernels.multiplyAdd(x[i * lda + kk], w.value(row: j, column: kk), sum); kk += 1 }
                store(sum, c + i * ldc + j, beta: beta)
            }
        }
    }
}
