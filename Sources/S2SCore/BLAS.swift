// The one door to matrix products. Weights are stored as PyTorch stores them, [out, in], and multiplied
// with `transposeB`: at batch 1 that is twice as fast as the other layout (see ../shared/DESIGN.md).
// `gemm` runs the kernels' own product on AVX2 and AVX-512 (1.6× OpenBLAS 0.3.21 on Zen 4, and the
// same bits on both levels: see S2SKernels' gemm.h) and OpenBLAS otherwise; gemv and ger are OpenBLAS.
import CBLAS

public enum BLAS {
    /// Sets OpenBLAS's thread count. One thread is the default: on a shared 2-core machine a second
    /// BLAS thread gained nothing while the other core was busy.
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, all row-major.
    /// `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored (before any transposition).
    @inline(__always)
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        _ a: UnsafePointer<Float>, lda: Int,
        _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {  // BLAS leaves C untouched when k = 0; honour beta ourselves.
            for row in 0..<m { for col in 0..<n { c[row * ldc + col] *= beta } }
            return
        }
        // A few rows (a batch-1 step) go to OpenBLAS: its matrix-vector path reads B in place, where ours
        // would pack all of B for a product that uses each packed value a few times.
        let kernels = Kernels.current
        if kernels.hasGEMM, m >= 16, alpha == 1, beta == 0 || beta == 1 {
            kernels.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb,
                         beta: beta, c, ldc: ldc)
            return
        }
        openBLAS(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a, lda: lda, b, ldb: ldb,
                 beta: beta, c, ldc: ldc)
    }

    /// The same product through OpenBLAS's sgemm, whatever the kernel level (benchmarks compare the two).
    public static func openBLAS(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The sums of the columns of a row-major [rows, columns] matrix — a bias's gradient over all its
    /// rows — as one [1, rows]·[rows, columns] product.
    public static func columnSums(rows: Int, columns: Int, _ matrix: UnsafePointer<Float>) -> [Float] {
        let ones = [Float](repeating: 1, count: rows)
        var sum = [Float](repeating: 0, count: columns)
        gemm(m: 1, n: columns, k: rows, ones, lda: rows, matrix, ldb: columns, &sum, ldc: columns)
        return sum
    }

    /// y = alpha · op(A) · x + beta · y, with A row-major [rows × columns] as stored (row stride `lda`);
    /// op(A) = Aᵀ when `transpose`, so y has `columns` entries then, else `rows`.
    @inline(__always)
    public static func gemv(
        transpose: Bool = false, rows: Int, columns: Int, alpha: Float = 1,
        _ a: UnsafePointer<Float>, lda: Int, _ x: UnsafePointer<Float>,
        beta: Float = 0, _ y: UnsafeMutablePointer<Float>
    ) {
        guard rows > 0, columns > 0 else {  // BLAS returns early without scaling y; honour beta.
            for i in 0..<(transpose ? columns : rows) { y[i] = beta == 0 ? 0 : beta * y[i] }
            return
        }
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(rows), Int32(columns),
                    alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// A += alpha · x·yᵀ (rank-1 update), A row-major [rows × columns] with row stride `lda`.
    @inline(__always)
    public static func ger(rows: Int, columns: Int, alpha: Float = 1, _ x: UnsafePointer<Float>,
                           _ y: UnsafePointer<Float>, _ a: UnsafeMutablePointer<Float>, lda: Int) {
        guard rows > 0, columns > 0 else { return }
        cblas_sger(CblasRowMajor, Int32(rows), Int32(columns), alpha, x, 1, y, 1, a, Int32(lda))
    }
}

extension Tensor {
    /// Matrix product of two rank-2 tensors, optionally transposing either: op(a) · op(b).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs rank-2 tensors, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == kb, "matmul inner dimensions differ: \(a.shape) and \(b.shape)")
        var c = Tensor(zeros: [m, n])
        guard m > 0, n > 0, k > 0 else { return c }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                              pa.baseAddress!, lda: a.shape[1], pb.baseAddress!, ldb: b.shape[1],
                              pc.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }
}
