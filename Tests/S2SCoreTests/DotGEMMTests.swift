import Testing
@testable import S2SCore

@Suite struct DotGEMMTests {
    /// [m, n] = x·wᵀ (+ c) through the kernel or the oracle.
    static func product(_ x: [Float], _ w: [Float], m: Int, n: Int, k: Int, beta: Float, start: [Float], reference: Bool) -> [Float] {
        var c = start
        x.withUnsafeBufferPointer { px in w.withUnsafeBufferPointer { pw in c.withUnsafeMutableBufferPointer { pc in
            if reference {
                DotGEMM.reference(m: m, n: n, k: k, px.baseAddress!, lda: k, pw.baseAddress!, ldb: k, beta: beta, pc.baseAddress!, ldc: n)
            } else {
                DotGEMM.gemm(m: m, n: n, k: k, px.baseAddress!, lda: k, pw.baseAddress!, ldb: k, beta: beta, pc.baseAddress!, ldc: n)
            }
        } } }
        return c
    }

    @Test(arguments: [(1, 7, 5), (5, 130, 19), (7, 9, 64), (13, 261, 40), (40, 5, 8), (3, 4, 3)])
    func everyTileMatchesTheOracleBitwise(m: Int, n: Int, k: Int) {
        var rng = Generator(seed: UInt64(m * 1000 + n))
        let x = (0..<(m * k)).map { _ in rng.uniform(-1, 1) }, w = (0..<(n * k)).map { _ in rng.uniform(-1, 1) }
        let start = (0..<(m * n)).map { _ in rng.uniform(-1, 1) }
        for beta: Float in [0, 1] {
            let fast = Self.product(x, w, m: m, n: n, k: k, beta: beta, start: start, reference: false)
            #expect(fast == Self.product(x, w, m: m, n: n, k: k, beta: beta, start: start, reference: true))
            let blas = Tensor.matmul(Tensor(shape: [m, k], scalars: x), Tensor(shape: [n, k], scalars: w), transposeB: true)
            for (a, b) in zip(fast, blas.scalars.enumerated().map { $0.element + beta * start[$0.offset] }) {
                #expect(abs(a - b) < 1e-4)
            }
        }
    }

    @Test func aRowIsTheSameInAnyBatch() {
        var rng = Generator(seed: 4)
        let (n, k) = (37, 24)
        let rows = (0..<33).map { _ in (0..<k).map { _ in rng.uniform(-1, 1) } }
        let w = (0..<(n * k)).map { _ in rng.uniform(-1, 1) }
        let all = Self.product(rows.flatMap { $0 }, w, m: 33, n: n, k: k, beta: 0, start: .init(repeating: 0, count: 33 * n), reference: false)
        for m in [1, 2, 4, 5, 6, 11] {
            let some = Self.product(rows.prefix(m).flatMap { $0 }, w, m: m, n: n, k: k, beta: 0,
                                    start: .init(repeating: 0, count: m * n), reference: false)
            #expect(some == Array(all.prefix(m * n)))
        }
    }
}
