import Testing
@testable import S2SCore

@Suite struct BFloat16MatrixTests {
    @Test func roundsToNearestEven() {
        // 1 + 2⁻⁸ is halfway between two bfloat16 values (1 and 1 + 2⁻⁷): ties go to the even one, 1.
        #expect(BFloat16Matrix.round(1 + 0x1p-8) == 0x3F80)
        #expect(BFloat16Matrix.round(1 + 0x1p-8 + 0x1p-20) == 0x3F81)
        #expect(BFloat16Matrix.round(1 + 3 * 0x1p-8) == 0x3F82)   // halfway above an odd one: up to even
        #expect(BFloat16Matrix.round(-2.5) == 0xC020)
        #expect(BFloat16Matrix.round(0) == 0 && BFloat16Matrix.round(-0.0) == 0x8000)
        #expect(Float(bitPattern: UInt32(BFloat16Matrix.round(.nan)) << 16).isNaN)
        #expect(BFloat16Matrix.round(.greatestFiniteMagnitude) == 0x7F80)   // rounds past the largest: infinity
    }

    @Test(arguments: [(3, 37, 0), (2, 16, 5), (4, 40, 3)])
    func storesEveryElementWithinHalfAnUlp(rows: Int, columns: Int, offset: Int) {
        var rng = Generator(seed: UInt64(columns))
        let ld = columns + offset + 2
        let w = (0..<(rows * ld)).map { _ in rng.uniform(-3, 3) }
        let packed = w.withUnsafeBufferPointer { BFloat16Matrix(rows: rows, columns: columns, $0.baseAddress!, ldw: ld, columnOffset: offset) }
        for r in 0..<rows {
            for column in 0..<columns {
                let original = w[r * ld + offset + column], stored = packed.value(row: r, column: column)
                #expect(abs(stored - original) <= abs(original) * 0x1p-8)
                #expect(stored.bitPattern & 0xFFFF == 0)
            }
        }
    }

    /// [m, n] = x·wᵀ (+ c) through the packed kernel or its oracle.
    static func product(_ x: [Float], _ w: BFloat16Matrix, m: Int, beta: Float, start: [Float], reference: Bool) -> [Float] {
        var c = start
        x.withUnsafeBufferPointer { px in c.withUnsafeMutableBufferPointer { pc in
            if reference {
                DotGEMM.reference(m: m, px.baseAddress!, lda: w.columns, w, beta: beta, pc.baseAddress!, ldc: w.rows)
            } else {
                DotGEMM.gemm(m: m, px.baseAddress!, lda: w.columns, w, beta: beta, pc.baseAddress!, ldc: w.rows)
            }
        } }
        return c
    }

    static func random(_ count: Int, _ rng: inout Generator) -> [Float] { (0..<count).map { _ in rng.uniform(-1, 1) } }

    @Test(arguments: [(1, 7, 5), (5, 130, 19), (7, 9, 64), (13, 261, 40), (11, 5, 16), (3, 4, 3)])
    func everyTileMatchesTheOracleBitwise(m: Int, n: Int, k: Int) {
        var rng = Generator(seed: UInt64(m * 1000 + n))
        let x = Self.random(m * k, &rng), w = Self.random(n * k, &rng), start = Self.random(m * n, &rng)
        let packed = w.withUnsafeBufferPointer { BFloat16Matrix(rows: n, columns: k, $0.baseAddress!, ldw: k) }
        // Against float32 weights: the error of rounding each weight (≤ 2⁻⁸ relative) over k terms.
        let exact = Tensor.matmul(Tensor(shape: [m, k], scalars: x), Tensor(shape: [n, k], scalars: w), transposeB: true)
        for beta: Float in [0, 1] {
            let fast = Self.product(x, packed, m: m, beta: beta, start: start, reference: false)
            #expect(fast == Self.product(x, packed, m: m, beta: beta, start: start, reference: true))
            for (index, value) in fast.enumerated() {
                let bound = Float(k) * 0x1p-8 + 1e-5
                #expect(abs(value - (exact.scalars[index] + beta * start[index])) <= bound)
            }
        }
    }

    @Test(arguments: [(6, 9, 40), (5, 12, 29), (1, 3, 64)])
    func onBFloat16ValuesTheFloat32KernelGivesTheSameBits(m: Int, n: Int, k: Int) {
        var rng = Generator(seed: UInt64(k))
        let x = Self.random(m * k, &rng)
        let w = Self.random(n * k, &rng).map { Float(bitPattern: UInt32(BFloat16Matrix.round($0)) << 16) }
        let packed = w.withUnsafeBufferPointer { BFloat16Matrix(rows: n, columns: k, $0.baseAddress!, ldw: k) }
        let start = [Float](repeating: 0, count: m * n)
        #expect(Self.product(x, packed, m: m, beta: 0, start: start, reference: false)
                == DotGEMMTests.product(x, w, m: m, n: n, k: k, beta: 0, start: start, reference: false))
    }

    @Test func aRowIsTheSameInAnyBatch() {
        var rng = Generator(seed: 4)
        let (n, k) = (37, 40)
        let x = Self.random(33 * k, &rng), w = Self.random(n * k, &rng)
        let packed = w.withUnsafeBufferPointer { BFloat16Matrix(rows: n, columns: k, $0.baseAddress!, ldw: k) }
        let all = Self.product(x, packed, m: 33, beta: 0, start: .init(repeating: 0, count: 33 * n), reference: false)
        for m in [1, 2, 4, 5, 6, 11] {
            let some = Self.product(Array(x.prefix(m * k)), packed, m: m, beta: 0, start: .init(repeating: 0, count: m * n), reference: false)
            #expect(some == Array(all.prefix(m * n)))
        }
    }
}
