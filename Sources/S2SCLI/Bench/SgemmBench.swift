import S2SCore

/// The machine's sgemm ceiling, measured in the same run as the benchmark it is compared with.
enum SgemmBench {
    static func gflops(size n: Int, repeats: Int) -> Double {
        var rng = Generator(seed: 0)
        let a = Tensor.uniform([n, n], low: -1, high: 1, using: &rng)
        let b = Tensor.uniform([n, n], low: -1, high: 1, using: &rng)
        var c = Tensor(zeros: [n, n])
        let seconds = Stopwatch.median(repeats: repeats) {
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                BLAS.gemm(m: n, n: n, k: n, pa.baseAddress!, lda: n, pb.baseAddress!, ldb: n, pc.baseAddress!, ldc: n)
            } } }
        }
        return 2 * Double(n * n * n) / seconds / 1e9
    }
}
