import Foundation
import S2SCore

/// The machine's sgemm ceiling, measured in the same run as the benchmark it is compared with.
enum SgemmBench {
    /// GFLOP/s of [size]³ products on `threads` cores: the better of OpenBLAS (one product, its own
    /// threads) and s2s's product (BLAS.gemm) with each core computing a product of its own, as
    /// training's shards do.
    static func gflops(size n: Int, repeats: Int, threads: Int = 1) -> Double {
        var rng = Generator(seed: 0)
        let a = Tensor.uniform([n, n], low: -1, high: 1, using: &rng)
        let b = Tensor.uniform([n, n], low: -1, high: 1, using: &rng)
        let outputs = (0..<threads).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: n * n) }
        defer { outputs.forEach { $0.deallocate() } }
        func rate(products: Int, _ product: @escaping @Sendable (UnsafePointer<Float>, UnsafePointer<Float>) -> Void) -> Double {
            let seconds = Stopwatch.median(repeats: repeats) {
                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in product(pa.baseAddress!, pb.baseAddress!) } }
            }
            return Double(products) * 2 * Double(n * n * n) / seconds / 1e9
        }
        nonisolated(unsafe) let outputs0 = outputs
        BLAS.setThreads(threads)
        let openBLAS = rate(products: 1) { pa, pb in BLAS.openBLAS(m: n, n: n, k: n, pa, lda: n, pb, ldb: n, outputs0[0], ldc: n) }
        BLAS.setThreads(1)
        let own = rate(products: threads) { pa, pb in
            nonisolated(unsafe) let (pa, pb) = (pa, pb)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                BLAS.gemm(m: n, n: n, k: n, pa, lda: n, pb, ldb: n, outputs0[t], ldc: n)
            }
        }
        return max(openBLAS, own)
    }
}
