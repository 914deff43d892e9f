import Testing
@testable import S2SCore

/// Every kernel level this CPU can run (generic, AVX2, AVX-512) that fuses multiply-adds gives the same
/// bits, on inputs with partial vectors at the end; so does the level the process chose. The generic level
/// of x86-64 does not fuse (see S2SKernels.h): it is held to a few ulp of the others instead. The levels
/// are themselves checked against the Swift oracles in the kernels' own tests (DotGEMMTests, AdamTests,
/// LSTMLayerTests, VectorMathTests…), and those run with `S2S_CPU=generic` and `S2S_CPU=avx2` too.
@Suite struct KernelLevelTests {
    static func random(_ count: Int, _ low: Float = -1, _ high: Float = 1, seed: UInt64) -> [Float] {
        var rng = Generator(seed: seed)
        return (0..<count).map { _ in rng.uniform(low, high) }
    }

    /// Whether `a` is within `relative` of `b` (of the larger magnitude) plus `absolute`, or the same
    /// non-finite value: how an unfused level's result is held to a fused one's. The absolute part covers
    /// results that cancel: one rounding of a term the size of the inputs, on a result near zero.
    static func close(_ a: Float, _ b: Float, relative: Float = 1e-5, absolute: Float = 1e-6) -> Bool {
        guard a.isFinite, b.isFinite else { return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }
        return abs(a - b) <= relative * max(abs(a), abs(b)) + absolute
    }

    /// Runs `body` on every supported level: each fused level bitwise equal to the first fused one (the
    /// generic level where it fuses), an unfused level within `relative` of it.
    static func expectSameOnEveryLevel(_ what: String, relative: Float = 1e-5, absolute: Float = 1e-6,
                                       _ body: (Kernels) -> [Float]) {
        let levels = KernelLevel.supported.compactMap(Kernels.init) + [Kernels.current]
        let reference = levels.first(where: \.fusesMultiplyAdd) ?? levels[0]
        let expected = body(reference)
        for kernels in levels {
            let result = body(kernels)
            if kernels.fusesMultiplyAdd || !reference.fusesMultiplyAdd {
                let differing = zip(expected, result).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(result.count == expected.count && differing == 0,
                        "\(what): level \(kernels.level) differs from \(reference.level) in \(differing) of \(expected.count) values")
            } else {
                let far = zip(expected, result).filter { !close($0, $1, relative: relative, absolute: absolute) }.count
                #expect(result.count == expected.count && far == 0,
                        "\(what): unfused level \(kernels.level) is off \(reference.level) in \(far) of \(expected.count) values")
            }
        }
    }

    @Test func theProcessRunsTheBestLevelUnlessS2SCPUSaysOtherwise() {
        #expect(KernelLevel.supported.contains(KernelLevel.current))
        #expect(Kernels(.generic) != nil)
        if KernelLevel.best != .avx512 { #expect(Kernels(.avx512) == nil) }
        #expect(KernelLevel.summary.hasPrefix("kernels \(KernelLevel.current)"))
    }

    @Test(arguments: [1, 15, 16, 17, 333])
    func vectorMath(n: Int) {
        let x = Self.random(n, -100, 100, seed: UInt64(n)) + [0, -0.0, 88.5, -90, .infinity, -.infinity, 1e-6]
        let shifted = x.map { $0 - 100 }
        for (name, function) in [("exp", Kernels.exp), ("sigmoid", Kernels.sigmoid), ("tanh", Kernels.tanh)] {
            Self.expectSameOnEveryLevel(name) { k in
                var y = [Float](repeating: 0, count: x.count)
                function(k)(x.count, x, &y)
                return y
            }
        }
        Self.expectSameOnEveryLevel("expSumLanes") { k in
            let lanes = k.expSumLanes(x.count - 2, shifted, shift: 3)
            return (0..<16).map { lanes[$0] }
        }
        Self.expectSameOnEveryLevel("softmaxGradientAdd") { k in
            var dx = Self.random(x.count, seed: 9)
            k.softmaxGradientAdd(x.count - 2, shifted, lse: 2.5, scale: 0.3, uniform: 0.01, &dx)
            return dx
        }
        Self.expectSameOnEveryLevel("softmaxGradientInPlace") { k in
            var y = shifted
            k.softmaxGradientInPlace(x.count - 2, &y, lse: 2.5, scale: 0.3, uniform: 0.01)
            return y
        }
    }

    @Test(arguments: [5, 16, 37])
    func recurrentCells(H: Int) {
        let rows = { (count: Int, seed: UInt64) in Self.random(count, -4, 4, seed: seed) }
        let (a, b, c, d) = (rows(4 * H, 1), rows(4 * H, 2), rows(4 * H, 3), rows(4 * H, 4))
        let (e, f) = (rows(4 * H, 5).map { 1 / (1 + abs($0)) }, rows(4 * H, 6))
        for withOutput in [false, true] {
            Self.expectSameOnEveryLevel("lstm") { k in
                var gates = a, cNew = [Float](repeating: 0, count: H), tanhC = cNew, h = cNew
                k.lstmForward(H, &gates, b, c, &cNew, &tanhC, &h)
                var dc = Array(d.prefix(H)), dGates = [Float](repeating: 0, count: 4 * H)
                k.lstmBackward(H, gates, c, tanhC, e, withOutput ? f : nil, &dc, &dGates)
                return gates + cNew + tanhC + h + dc + dGates
            }
            Self.expectSameOnEveryLevel("gru") { k in
                var gates = Array(a.prefix(3 * H)), hiddenN = [Float](repeating: 0, count: H), h = hiddenN
                k.gruForward(H, &gates, b, &hiddenN, c, d, e, &h)
                var dInput = [Float](repeating: 0, count: 3 * H), dHidden = dInput, dhDirect = hiddenN
                k.gruBackward(H, gates, hiddenN, e, f, withOutput ? c : nil, &dInput, &dHidden, &dhDirect)
                return gates + hiddenN + h + dInput + dHidden + dhDirect
            }
            for relu in [false, true] {
                Self.expectSameOnEveryLevel("rnn relu \(relu)") { k in
                    var h = [Float](repeating: 0, count: H), dPre = h
                    k.rnnForward(H, relu: relu, a, b, c, &h)
                    k.rnnBackward(H, relu: relu, h, d, withOutput ? e : nil, &dPre)
                    return h + dPre
                }
            }
        }
    }

    @Test(arguments: [7, 16, 1001])
    func optimizers(n: Int) {
        let (p, g, m, v) = (Self.random(n, seed: 1), Self.random(n, seed: 2), Self.random(n, seed: 3),
                            Self.random(n, 0, 1, seed: 4))
        for (l2, shrink, lerp): (Float, Float, Float) in [(0, 1, 0.1), (0.01, 1, 0.9), (0, 0.999, 0.1)] {
            Self.expectSameOnEveryLevel("adam") { k in
                var (p, m, v) = (p, m, v)
                k.adam(n, &p, g, &m, &v, l2: l2, shrink: shrink, lerpWeight: lerp, beta2: 0.999, oneMinusBeta2: 0.001,
                       biasCorrection2Sqrt: 0.3, epsilon: 1e-8, negativeStepSize: -0.01)
                return p + m + v
            }
        }
        for decay: Float in [0, 0.01] {
            Self.expectSameOnEveryLevel("sgd") { k in
                var p = p
                k.sgd(n, &p, g, lr: 0.1, decay: decay)
                return p
            }
            for (nesterov, first) in [(false, false), (true, false), (false, true)] {
                Self.expectSameOnEveryLevel("sgd momentum") { k in
                    var (p, b) = (p, m)
                    k.sgdMomentum(n, &p, g, &b, lr: 0.1, mu: 0.9, decay: decay, nesterov: nesterov, first: first)
                    return p + b
                }
            }
        }
        let levels = KernelLevel.supported.compactMap(Kernels.init) + [Kernels.current]
        let reference = levels.first(where: \.fusesMultiplyAdd) ?? levels[0]
        let expected = reference.sumOfSquares(n, g)
        for kernels in levels {
            let sum = kernels.sumOfSquares(n, g)
            if kernels.fusesMultiplyAdd || !reference.fusesMultiplyAdd {
                #expect(sum.bitPattern == expected.bitPattern, "sumOfSquares: level \(kernels.level)")
            } else {
                #expect(abs(sum - expected) <= 1e-12 * expected, "sumOfSquares: unfused level \(kernels.level)")
            }
        }
    }

    @Test(arguments: [1, 3, 5, 6, 9])
    func products(m: Int) {
        let (n, k) = (13, 67)
        let x = Self.random(m * k, seed: 1), w = Self.random(n * k, seed: 2), start = Self.random(m * n, seed: 3)
        let packed = BFloat16Matrix(rows: n, columns: k, w, ldw: k)
        for beta: Float in [0, 1] {
            // Sums of k = 67 products of magnitude ≤ 1: an unfused level is off by k roundings at most.
            Self.expectSameOnEveryLevel("dotGEMM", absolute: 1e-5) { kernels in
                var c = start
                kernels.dotGEMM(m: m, n: n, k: k, x, lda: k, w, ldb: k, beta: beta, &c, ldc: n)
                return c
            }
            Self.expectSameOnEveryLevel("dotGEMM bfloat16", absolute: 1e-5) { kernels in
                var c = start
                packed.words.withUnsafeBufferPointer {
                    kernels.dotGEMMBFloat16(m: m, n: n, k: k, x, lda: k, $0.baseAddress!, rowStride: packed.rowStride,
                                            beta: beta, &c, ldc: n)
                }
                return c
            }
        }
    }
}

/// The product kernel: one fused multiply-add chain per element, k in order — the scalar oracle's bits,
/// on AVX2 and AVX-512 alike, packed B or not, whatever the tile edges.
@Suite struct GEMMKernelTests {
    static func oracle(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, _ a: [Float], _ b: [Float],
                       beta: Float, _ c: [Float]) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = beta == 0 ? 0 : c[i * n + j]
                for p in 0..<k {
                    let x = transposeA ? a[p * m + i] : a[i * k + p], y = transposeB ? b[j * k + p] : b[p * n + j]
                    sum = sum.addingProduct(x, y)
                }
                out[i * n + j] = sum
            }
        }
        return out
    }

    // Rows that AVX2 tiles as 6s and 4s (13, 16, 25, 32), and whole and partial blocks of 72.
    @Test(arguments: [(1, 1, 1), (13, 33, 7), (16, 24, 5), (30, 70, 300), (32, 40, 20), (150, 40, 520), (25, 2100, 9)])
    func productIsTheFusedChainOnEveryLevel(m: Int, n: Int, k: Int) {
        let a = KernelLevelTests.random(m * k, seed: 1), b = KernelLevelTests.random(k * n, seed: 2)
        let start = KernelLevelTests.random(m * n, seed: 3)
        let levels = KernelLevel.supported.compactMap(Kernels.init).filter(\.hasGEMM)
        for (transposeA, transposeB) in [(false, false), (false, true), (true, false), (true, true)] {
            for beta: Float in [0, 1] {
                let expected = Self.oracle(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a, b,
                                           beta: beta, start).map(\.bitPattern)
                for kernels in levels {
                    var c = start
                    kernels.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a,
                                 lda: transposeA ? m : k, b, ldb: transposeB ? k : n, beta: beta, &c, ldc: n)
                    #expect(c.map(\.bitPattern) == expected, "\(kernels.level) tA \(transposeA) tB \(transposeB) beta \(beta)")
                    var packed = [Float](repeating: .nan, count: kernels.packedSize(k: k, n: n))
                    kernels.pack(transposeB: transposeB, k: k, n: n, b, ldb: transposeB ? k : n, into: &packed)
                    var viaPacked = start
                    kernels.gemm(transposeA: transposeA, m: m, n: n, k: k, a, lda: transposeA ? m : k, packed: packed,
                                 beta: beta, &viaPacked, ldc: n)
                    #expect(viaPacked.map(\.bitPattern) == expected, "\(kernels.level) packed")
                }
            }
        }
    }

    @Test func packedMatrixEqualsBLAS() {
        let (m, n, k) = (40, 96, 64)
        let a = KernelLevelTests.random(m * k, seed: 4), w = KernelLevelTests.random(n * k, seed: 5)
        var viaBLAS = [Float](repeating: 0, count: m * n), viaPacked = viaBLAS
        BLAS.gemm(transposeB: true, m: m, n: n, k: k, a, lda: k, w, ldb: k, beta: 0, &viaBLAS, ldc: n)
        w.withUnsafeBufferPointer { pw in
            PackedMatrix(transposeB: true, k: k, n: n, pw.baseAddress!, ldb: k).product(m: m, a, lda: k, beta: 0, &viaPacked, ldc: n)
        }
        #expect(viaPacked == viaBLAS)
    }
}
