import Testing
import S2SKernels
@testable import S2SCore

/// The bfloat16-activation product: the portable chain is the oracle's bits; AVX-512 BF16 hardware
/// (vdpbf16ps rounds inside a pair its own way) stays within a bound of it; a row's result depends on
/// that row alone; and it stays close to the float32 product.
@Suite struct BFloat16PairMatrixTests {
    static func product(_ kernels: Kernels?, _ x: [Float], _ w: BFloat16PairMatrix, m: Int, beta: Float, start: [Float]) -> [Float] {
        var c = start
        x.withUnsafeBufferPointer { px in c.withUnsafeMutableBufferPointer { pc in
            guard let kernels else {
                DotGEMM.reference(m: m, px.baseAddress!, lda: w.columns, w, beta: beta, pc.baseAddress!, ldc: w.rows)
                return
            }
            w.words.withUnsafeBufferPointer {
                kernels.bfloat16DotGEMM(m: m, n: w.rows, k: w.columns, px.baseAddress!, lda: w.columns, $0.baseAddress!,
                                        beta: beta, pc.baseAddress!, ldc: w.rows)
            }
        } }
        return c
    }

    @Test(arguments: [(1, 37, 67), (5, 16, 64), (7, 33, 5), (12, 70, 130)])
    func everyLevelMatchesTheChain(m: Int, n: Int, k: Int) {
        let x = KernelLevelTests.random(m * k, -3, 3, seed: 1), wf = KernelLevelTests.random(n * k, seed: 2)
        let w = wf.withUnsafeBufferPointer { BFloat16PairMatrix(rows: n, columns: k, $0.baseAddress!, ldw: k) }
        let start = KernelLevelTests.random(m * n, seed: 3)
        let hardware = s2s_cpu_has_avx512_bf16() != 0
        for beta: Float in [0, 1] {
            let expected = Self.product(nil, x, w, m: m, beta: beta, start: start)
            for kernels in KernelLevel.supported.compactMap(Kernels.init) {
                let result = Self.product(kernels, x, w, m: m, beta: beta, start: start)
                if kernels.level == .avx512 && hardware {
                    for i in 0..<m {
                        for j in 0..<n {
                            let magnitude = (0..<k).reduce(Float(0)) { $0 + abs(x[i * k + $1] * wf[j * k + $1]) }
                            // Two chains of k roundings each: at most k ulps of the magnitude apart.
                            #expect(abs(result[i * n + j] - expected[i * n + j]) <= Float(k) * 1.2e-7 * magnitude + 1e-6)
                        }
                    }
                } else {
                    #expect(result.map(\.bitPattern) == expected.map(\.bitPattern), "\(kernels.level) beta \(beta)")
                }
            }
        }
    }

    @Test func aRowIsTheSameInAnyBatchAndCloseToFloat32() {
        let (n, k) = (50, 96)
        let x = KernelLevelTests.random(9 * k, -2, 2, seed: 4), wf = KernelLevelTests.random(n * k, seed: 5)
        let w = wf.withUnsafeBufferPointer { BFloat16PairMatrix(rows: n, columns: k, $0.baseAddress!, ldw: k) }
        let all = Self.product(Kernels.current, x, w, m: 9, beta: 0, start: .init(repeating: 0, count: 9 * n))
        for i in 0..<9 {
            let alone = Self.product(Kernels.current, Array(x[(i * k)..<((i + 1) * k)]), w, m: 1, beta: 0,
                                     start: .init(repeating: 0, count: n))
            #expect(alone == Array(all[(i * n)..<((i + 1) * n)]))
            for j in 0..<n {
                let exact = (0..<k).reduce(Float(0)) { $0 + x[i * k + $1] * wf[j * k + $1] }
                let magnitude = (0..<k).reduce(Float(0)) { $0 + abs(x[i * k + $1] * wf[j * k + $1]) }
                #expect(abs(all[i * n + j] - exact) <= magnitude / 128, "row \(i) column \(j)")   // 2⁻⁸ per factor
            }
        }
        #expect(w.value(row: 3, column: 5) == Float(bitPattern: UInt32(BFloat16Matrix.round(wf[3 * k + 5])) << 16))
    }
}
