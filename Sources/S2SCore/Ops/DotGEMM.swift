// C = X·Wᵀ (+ C) for the products of search (decoder steps; the encoder on a row-stable tape), with W
// stored [out, in] as PyTorch stores it.
//
// Why not BLAS: a beam of 5 hypotheses is a [5, 512]·[512, V] product, and OpenBLAS packs all of W
// into its blocked layout on every call — 70% of decoding time at batch 1 went to `sgemm_incopy`.
// This kernel reads W in place, once per call for up to 5 rows, as a matrix-vector product would.
// Every element is the same dot product whatever the number of rows and whichever tile computed it
// (8 lanes of FMAs over k in order, one fixed reduction, the k tail last), so a row's result never
// depends on the other rows: beam search gives a sentence the same translation in any batch.
// The tiles are C (S2SKernels' dot_gemm.h, one build per CPU level); `reference` is the plain Swift
// loop the tests compare them against (same arithmetic, one element at a time).

public enum DotGEMM {
    typealias V8 = SIMD8<Float>

    /// c[i, j] = beta·c[i, j] + Σ_k x[i, k]·w[j, k] for i < m, j < n (beta 0 or 1).
    ///
    ///     DotGEMM.gemm(m: 5, n: 8000, k: 512, x, lda: 512, w, ldb: 512, beta: 1, logits, ldc: 8000)
    ///
    /// Complexity: 2·m·n·k FLOPs; W is read ⌈m/5⌉ times for m ≤ 5 rows per group, X from cache.
    public static func gemm(m: Int, n: Int, k: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: UnsafePointer<Float>,
                            ldb: Int, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(beta == 0 || beta == 1, "DotGEMM: beta must be 0 or 1")
        Kernels.current.dotGEMM(m: m, n: n, k: k, x, lda: lda, w, ldb: ldb, beta: beta, c, ldc: ldc)
    }

    /// The 8 lanes summed pairwise: the one reduction every element ends with.
    static func laneSum(_ lanes: V8) -> Float {
        let half = lanes.lowHalf + lanes.highHalf
        let quarter = half.lowHalf + half.highHalf
        return quarter[0] + quarter[1]
    }

    static func store(_ value: Float, _ p: UnsafeMutablePointer<Float>, beta: Float) {
        p.pointee = beta == 0 ? value : p.pointee + value
    }

    /// The oracle: each element on its own, with the same arithmetic.
    public static func reference(m: Int, n: Int, k: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: UnsafePointer<Float>,
                                 ldb: Int, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        let kernels = Kernels.current
        for i in 0..<m {
            for j in 0..<n {
                var lanes = V8()
                var kk = 0
                while kk + 8 <= k {
                    for lane in 0..<8 { lanes[lane] = kernels.multiplyAdd(x[i * lda + kk + lane], w[j * ldb + kk + lane], lanes[lane]) }
                    kk += 8
                }
                var sum = laneSum(lanes)
                while kk < k { sum = kernels.multiplyAdd(x[i * lda + kk], w[j * ldb + kk], sum); kk += 1 }
                store(sum, c + i * ldc + j, beta: beta)
            }
        }
    }
}
