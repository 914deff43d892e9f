import Testing
import S2SKernels
@testable import S2SCore

/// The int8 product: the oracle's bits on every kernel level and every int8 path (VNNI or not; 8-bit, or the AVX2
/// level's 7-bit one against a 7-bit matrix's oracle), a row's result whatever the other rows, and close to the
/// float32 product.
@Suite struct Int8MatrixTests {
    static func product(_ kernels: Kernels?, _ x: [Float], _ w: Int8Matrix, m: Int, beta: Float, start: [Float]) -> [Float] {
        var c = start
        x.withUnsafeBufferPointer { px in c.withUnsafeMutableBufferPointer { pc in
            guard let kernels else {
                DotGEMM.reference(m: m, px.baseAddress!, lda: w.columns, w, beta: beta, pc.baseAddress!, ldc: w.rows)
                return
            }
            w.bytes.withUnsafeBufferPointer { b in w.scales.withUnsafeBufferPointer { s in w.sums.withUnsafeBufferPointer { u in
                kernels.int8GEMM(m: m, n: w.rows, k: w.columns, px.baseAddress!, lda: w.columns, b.baseAddress!,
                                 scales: s.baseAddress!, sums: u.baseAddress!, beta: beta, pc.baseAddress!, ldc: w.rows)
            } } }
        } }
        return c
    }

    /// The same through one named int8 product (every one this CPU can run, whatever its level picks).
    static func product(_ named: s2s_int8_gemm_fn, _ x: [Float], _ w: Int8Matrix, m: Int, beta: Float, start: [Float]) -> [Float] {
        var c = start
        x.withUnsafeBufferPointer { px in c.withUnsafeMutableBufferPointer { pc in
            w.bytes.withUnsafeBufferPointer { b in w.scales.withUnsafeBufferPointer { s in w.sums.withUnsafeBufferPointer { u in
                named(m, w.rows, w.columns, px.baseAddress!, w.columns, b.baseAddress!, s.baseAddress!, u.baseAddress!,
                      beta, pc.baseAddress!, w.rows)
            } } }
        } }
        return c
    }

    static func matrix(_ wf: [Float], n: Int, k: Int, limit: Int) -> Int8Matrix {
        wf.withUnsafeBufferPointer { Int8Matrix(rows: n, columns: k, $0.baseAddress!, ldw: k, limit: limit) }
    }

    /// Every level's table and every int8 product by name, each against the oracle of `wf` [n, k] quantized
    /// for it (`check` also sees each oracle's result). Returns how many products were compared.
    @discardableResult
    static func expectEveryProduct(_ x: [Float], _ wf: [Float], n: Int, k: Int, m: Int, beta: Float, start: [Float],
                                   _ what: String, check: (Int8Matrix, [Float]) -> Void = { _, _ in }) -> Int {
        var compared = 0
        for limit in [127, 63] {
            let w = matrix(wf, n: n, k: k, limit: limit)
            let expected = product(nil, x, w, m: m, beta: beta, start: start)
            check(w, expected)
            let bits = expected.map(\.bitPattern)
            for kernels in KernelLevel.supported.compactMap(Kernels.init) where kernels.int8Limit == limit {
                #expect(product(kernels, x, w, m: m, beta: beta, start: start).map(\.bitPattern) == bits, "\(kernels.level) \(what)")
                compared += 1
            }
            for (name, named, productLimit) in Kernels.int8Products where productLimit == limit {
                #expect(product(named, x, w, m: m, beta: beta, start: start).map(\.bitPattern) == bits, "\(name) \(what)")
                compared += 1
            }
        }
        return compared
    }

    // m ≤ 5 is AVX2's beam path, larger m its widened one; n and k off the panel and quad sizes.
    // 256-bit VNNI tiles 6 rows: 6, 7, 12 and 13 rows.
    @Test(arguments: [(1, 37, 67), (3, 9, 1), (5, 16, 64), (6, 8, 3), (7, 33, 5), (9, 9, 4), (12, 70, 130), (13, 24, 33)])
    func everyLevelGivesTheOraclesBits(m: Int, n: Int, k: Int) {
        let x = KernelLevelTests.random(m * k, -3, 3, seed: 1) , wf = KernelLevelTests.random(n * k, seed: 2)
        var xs = x
        for p in 0..<k { xs[p] = 0 }   // an all-zero row quantizes to the zero row
        let start = KernelLevelTests.random(m * n, seed: 3)
        for beta: Float in [0, 1] {
            let compared = Self.expectEveryProduct(xs, wf, n: n, k: k, m: m, beta: beta, start: start, "beta \(beta)")
            #expect(compared >= KernelLevel.supported.count + Kernels.int8Products.count)
        }
    }

    /// Every product ±127·±127 with the same sign, so every pair of products is 2·127² = 32,258: the
    /// largest sum AVX2's 16-bit pairs hold (a kernel that multiplied q + 128 there would saturate); at the
    /// 7-bit limit, (63 + 64)·63 pairs added over two groups of columns, 32,004, the most its int16 sums hold.
    @Test(arguments: [2, 40])
    func extremeValuesStayExact(m: Int) {
        let (n, k) = (24, 64)
        let pattern = (0..<k).map { Float($0 % 3 == 0 ? -1 : 1) }
        let x = (0..<m).flatMap { _ in pattern }, wf = (0..<n).flatMap { j in pattern.map { $0 * (j % 2 == 0 ? 1 : -1) } }
        let zeros = [Float](repeating: 0, count: m * n)
        Self.expectEveryProduct(x, wf, n: n, k: k, m: m, beta: 0, start: zeros, "extremes") { w, expected in
            #expect(abs(expected[0] - Float(k)) < 1e-3 && abs(expected[1] + Float(k)) < 1e-3, "limit \(w.limit)")
        }
        // All positive: the largest unsigned activation (63 + 64) against +63 in every column.
        let ones = [Float](repeating: 1, count: m * k), onesW = [Float](repeating: 1, count: n * k)
        Self.expectEveryProduct(ones, onesW, n: n, k: k, m: m, beta: 0, start: zeros, "all ones") { _, expected in
            #expect(abs(expected[0] - Float(k)) < 1e-3)
        }
    }

    @Test func aRowIsTheSameInAnyBatchAndCloseToFloat32() {
        let (n, k) = (50, 96)
        let x = KernelLevelTests.random(9 * k, -2, 2, seed: 4), wf = KernelLevelTests.random(n * k, seed: 5)
        let w = wf.withUnsafeBufferPointer { Int8Matrix(rows: n, columns: k, $0.baseAddress!, ldw: k) }
        let limit = Float(w.limit)
        let all = Self.product(Kernels.current, x, w, m: 9, beta: 0, start: .init(repeating: 0, count: 9 * n))
        for i in 0..<9 {
            let alone = Self.product(Kernels.current, Array(x[(i * k)..<((i + 1) * k)]), w, m: 1, beta: 0,
                                     start: .init(repeating: 0, count: n))
            #expect(alone == Array(all[(i * n)..<((i + 1) * n)]))
            for j in 0..<n {
                let exact = (0..<k).reduce(Float(0)) { $0 + x[i * k + $1] * wf[j * k + $1] }
                let xNorm = (0..<k).reduce(Float(0)) { max($0, abs(x[i * k + $1])) }
                let wNorm = (0..<k).reduce(Float(0)) { max($0, abs(wf[j * k + $1])) }
                // Each factor is off by at most half a quantization step (max/(2·limit)): a bound over k terms.
                #expect(abs(all[i * n + j] - exact) <= Float(k) * xNorm * wNorm / limit, "row \(i) column \(j)")
            }
        }
        #expect(w.value(row: 3, column: 5) != 0)
    }

    @Test func aStepMatrixTakesAQuarterOfFloat32sBytes() {
        let (n, k) = (256, 512)
        let w = KernelLevelTests.random(n * k, seed: 6)
        let int8 = w.withUnsafeBufferPointer { StepMatrix(.int8, rows: n, columns: k, $0.baseAddress!, ldw: k) }
        let bfloat16 = w.withUnsafeBufferPointer { StepMatrix(.bfloat16, rows: n, columns: k, $0.baseAddress!, ldw: k) }
        #expect(int8.byteCount == n * k + 8 * n)   // 0.254 of float32's 4·n·k
        #expect(bfloat16.byteCount == 2 * n * k)
    }
}
