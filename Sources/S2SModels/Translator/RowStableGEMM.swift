// Matrix products whose rows do not depend on how many rows are computed together.
//
// OpenBLAS 0.3.21 (AVX-512) sends products with m·n·k ≤ 10⁶ to its "small matrix" kernel, which sums
// in another order than the blocked kernel: the same row then comes out a few ulps different at
// m = 1 than inside a batch of 32 (measured here for [1, 512]·[512, 1024]ᵀ and [2, 512]·[512, 512]ᵀ;
// above the limit every m gave bitwise the same rows). Inference must give a sentence the same
// translation alone or in any batch, so every product it runs goes through here: a product under
// the limit is computed with zero rows added until it is above it.
import S2SCore

public enum RowStableGEMM {
    /// Products with m·n·k at or below this use OpenBLAS's small-matrix kernel.
    public static let smallLimit = 1_000_000

    /// The fewest rows m for which an [m, k]·[k, n] product takes the blocked kernel.
    public static func minimumRows(n: Int, k: Int) -> Int {
        guard n > 0, k > 0 else { return 1 }
        return smallLimit / (n * k) + 1
    }

    /// C[m×n] = op(A)[m×k] · op(B)[k×n] + beta·C, row-major, A not transposed (rows of A are the
    /// independent items). Same contract as `BLAS.gemm`.
    ///
    ///     RowStableGEMM.gemm(transposeB: true, m: 1, n: 512, k: 1024, x, lda: 1024, w, ldb: 1024, y, ldc: 512)
    public static func gemm(transposeB: Bool = false, m: Int, n: Int, k: Int,
                            _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        let rows = minimumRows(n: n, k: k)
        if m >= rows || k == 0 {
            BLAS.gemm(transposeB: transposeB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
            return
        }
        // Padded copies: A's extra rows are zero, C's extra rows are discarded.
        var paddedA = [Float](repeating: 0, count: rows * k)
        var paddedC = [Float](repeating: 0, count: rows * n)
        paddedA.withUnsafeMutableBufferPointer { pa in
            paddedC.withUnsafeMutableBufferPointer { pc in
                for r in 0..<m {
                    (pa.baseAddress! + r * k).update(from: a + r * lda, count: k)
                    if beta != 0 { (pc.baseAddress! + r * n).update(from: c + r * ldc, count: n) }
                }
                BLAS.gemm(transposeB: transposeB, m: rows, n: n, k: k, pa.baseAddress!, lda: k, b, ldb: ldb,
                          beta: beta, pc.baseAddress!, ldc: n)
                for r in 0..<m { (c + r * ldc).update(from: pc.baseAddress! + r * n, count: n) }
            }
        }
    }
}
