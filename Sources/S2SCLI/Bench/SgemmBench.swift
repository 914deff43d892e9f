import Foundation
import S2SCore

/// The machine's sgemm ceiling, measured in the same run as the benchmark it is compared with.
enum SgemmBench {
    /// GFLOP/s of a [size]³ product on `threads` cores: the better of OpenBLAS (its own threads) and
    /// s2s's product (BLAS.gemm) with each core taking a block of rows, as training's shards do.
    static func gflops(size n: Int, repeats: Int, threads: Int = 1) -> Double {
        var rng = Generator(seed: 0)
        let a = Tensor.uniform([n, n], low: -1, high: 1, using: &rng)
        let b = Tensor.uniform([n, n], low: -1, high: 1, using: &rng)
        var c = Tensor(zeros: [n, n])
        func rate(_ product: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Double {
            let seconds = Stopwatch.median(repeats: repeats) {
                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                    product(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!)
                } } }
            }
            return 2 * Double(n * n * n) / seconds / 1e9
        }
        BLAS.setThreads(threads)
        let openBLAS = rate { BLAS.openBLAS(m: n, n: n, k: n, $0, lda: n, $1, ldb: n, $2, ldc: n) }
        BLAS.setThreads(1)
        let rows = (n + threads - 1) / threads
        let own = rate { pa, pb, pc in
            nonisolated(unsafe) let (pa, pb, pc) = (pa, pb, pc)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let first = t * rows, count = min(rows, n - first)
                BLAS.gemm(m: count, n: n, k: n, pa + first * n, lda: n, pb, ldb: n, pc + first * n, ldc: n)
            }
        }
        return max(openBLAS, own)
    }
}
