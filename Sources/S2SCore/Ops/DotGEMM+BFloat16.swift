// DotGEMM against bfloat16 weights: C = X·Wᵀ (+ C) with W a BFloat16Matrix, sums in float32.
//
// Same contract and the same arithmetic as the float32 kernel: lane j sums columns j, j + 8, j + 16, …
// in order (a block's low 8 columns, then its high 8), the lanes are summed pairwise and the last
// k mod 8 columns come last. So a row's result does not depend on the other rows (beam search stays
// batch-independent), and on weights that are already bfloat16 values it is bitwise the float32
// kernel's: bfloat16 inference is float32 inference of the rounded model.

extension DotGEMM {
    typealias U8 = SIMD8<UInt32>

    /// c[i, j] = beta·c[i, j] + Σ_k x[i, k]·w[j, k] for i < m, j < w.rows, k < w.columns (beta 0 or 1).
    ///
    ///     DotGEMM.gemm(m: 5, x, lda: 512, packedGenerator, beta: 1, logits, ldc: V)
    ///
    /// Complexity: 2·m·n·k FLOPs; W (2 bytes per weight) read once per 5 rows of X.
    public static func gemm(m: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: BFloat16Matrix,
                            beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(beta == 0 || beta == 1, "DotGEMM: beta must be 0 or 1")
        guard m > 0, w.rows > 0 else { return }
        let block = 128   // W rows per block: they stay in L2 while every group of rows passes over them
        w.words.withUnsafeBufferPointer { words in
            if m <= 5 {   // a beam: W read once, widened in registers
                var j0 = 0
                while j0 < w.rows {
                    let j1 = min(w.rows, j0 + block)
                    packedTiles5x2(rows: m, i: 0, j0: j0, j1: j1, k: w.columns, x, lda, words.baseAddress!, w.rowStride, beta, c, ldc)
                    j0 = j1
                }
                return
            }
            // Many rows: widen each block of W once into float32 and run the float32 kernel on it. Same
            // arithmetic, so the same bits as the path above; 16 vector registers cannot hold the
            // float32 kernel's 3×4 tile and the widening too.
            let ld = 2 * w.rowStride
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: block * ld)
            defer { scratch.deallocate() }
            var j0 = 0
            while j0 < w.rows {
                let j1 = min(w.rows, j0 + block)
                for j in j0..<j1 { widenRow(words.baseAddress! + j * w.rowStride, count: w.rowStride, into: scratch + (j - j0) * ld) }
                gemm(m: m, n: j1 - j0, k: w.columns, x, lda: lda, scratch, ldb: ld, beta: beta, c + j0, ldc: ldc)
                j0 = j1
            }
        }
    }

    /// One packed row (`count` words) as floats, 16 per 8 words, in column order.
    @inline(__always)
    static func widenRow(_ words: UnsafePointer<UInt32>, count: Int, into out: UnsafeMutablePointer<Float>) {
        var word = 0
        while word < count {
            let u = loadWords(words, word)
            UnsafeMutableRawPointer(out + 2 * word).storeBytes(of: low(u), as: V8.self)
            UnsafeMutableRawPointer(out + 2 * word + 8).storeBytes(of: high(u), as: V8.self)
            word += 8
        }
    }

    @inline(__always)
    static func loadWords(_ p: UnsafePointer<UInt32>, _ i: Int) -> U8 { UnsafeRawPointer(p + i).loadUnaligned(as: U8.self) }
    @inline(__always)
    static func low(_ u: U8) -> V8 { unsafeBitCast(u &<< 16, to: V8.self) }
    @inline(__always)
    static func high(_ u: U8) -> V8 { unsafeBitCast(u & 0xFFFF_0000, to: V8.self) }

    /// The lanes summed pairwise, then the last k mod 8 columns in order.
    @inline(__always)
    static func finishPacked(_ lanes: V8, k: Int, _ xi: UnsafePointer<Float>, _ wj: UnsafePointer<UInt32>) -> Float {
        var sum = laneSum(lanes)
        var kk = k & ~7
        while kk < k { sum = sum.addingProduct(xi[kk], BFloat16Matrix.element(wj, column: kk)); kk += 1 }
        return sum
    }

    /// `rows` (1...5) rows from i against W rows j0..<j1, two W rows at a time (10 accumulators).
    static func packedTiles5x2(rows: Int, i: Int, j0: Int, j1: Int, k: Int, _ x: UnsafePointer<Float>, _ lda: Int,
                               _ w: UnsafePointer<UInt32>, _ ldw: Int, _ beta: Float,
                               _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        let kv = k & ~15
        // Unused row slots read row i again (never stored), so the loop has no branches.
        func row(_ slot: Int) -> UnsafePointer<Float> { x + (i + min(slot, rows - 1)) * lda }
        let x0 = row(0), x1 = row(1), x2 = row(2), x3 = row(3), x4 = row(4)
        var j = j0
        while j < j1 {
            let pair = j + 1 < j1
            let w0 = w + j * ldw, w1 = pair ? w0 + ldw : w0
            var a00 = V8(), a10 = V8(), a20 = V8(), a30 = V8(), a40 = V8()
            var a01 = V8(), a11 = V8(), a21 = V8(), a31 = V8(), a41 = V8()
            var kk = 0
            while kk < kv {
                let u0 = loadWords(w0, kk >> 1), u1 = loadWords(w1, kk >> 1)
                var b0 = low(u0), b1 = low(u1)
                var v = load(x0, kk); a00 = a00.addingProduct(v, b0); a01 = a01.addingProduct(v, b1)
                v = load(x1, kk); a10 = a10.addingProduct(v, b0); a11 = a11.addingProduct(v, b1)
                v = load(x2, kk); a20 = a20.addingProduct(v, b0); a21 = a21.addingProduct(v, b1)
                v = load(x3, kk); a30 = a30.addingProduct(v, b0); a31 = a31.addingProduct(v, b1)
                v = load(x4, kk); a40 = a40.addingProduct(v, b0); a41 = a41.addingProduct(v, b1)
                b0 = high(u0); b1 = high(u1)
                v = load(x0, kk + 8); a00 = a00.addingProduct(v, b0); a01 = a01.addingProduct(v, b1)
                v = load(x1, kk + 8); a10 = a10.addingProduct(v, b0); a11 = a11.addingProduct(v, b1)
                v = load(x2, kk + 8); a20 = a20.addingProduct(v, b0); a21 = a21.addingProduct(v, b1)
                v = load(x3, kk + 8); a30 = a30.addingProduct(v, b0); a31 = a31.addingProduct(v, b1)
                v = load(x4, kk + 8); a40 = a40.addingProduct(v, b0); a41 = a41.addingProduct(v, b1)
                kk += 16
            }
            if k - kv >= 8 {   // a last half block: its low 8 columns, as the float32 kernel's last 8-step
                let b0 = low(loadWords(w0, kk >> 1)), b1 = low(loadWords(w1, kk >> 1))
                var v = load(x0, kk); a00 = a00.addingProduct(v, b0); a01 = a01.addingProduct(v, b1)
                v = load(x1, kk); a10 = a10.addingProduct(v, b0); a11 = a11.addingProduct(v, b1)
                v = load(x2, kk); a20 = a20.addingProduct(v, b0); a21 = a21.addingProduct(v, b1)
                v = load(x3, kk); a30 = a30.addingProduct(v, b0); a31 = a31.addingProduct(v, b1)
                v = load(x4, kk); a40 = a40.addingProduct(v, b0); a41 = a41.addingProduct(v, b1)
            }
            @inline(__always) func put(_ row: Int, _ a: V8, _ b: V8, _ xr: UnsafePointer<Float>) {
                let out = c + (i + row) * ldc + j
                store(finishPacked(a, k: k, xr, w0), out, beta: beta)
                if pair { store(finishPacked(b, k: k, xr, w1), out + 1, beta: beta) }
            }
            put(0, a00, a01, x0)
            if rows > 1 { put(1, a10, a11, x1) }
            if rows > 2 { put(2, a20, a21, x2) }
            if rows > 3 { put(3, a30, a31, x3) }
            if rows > 4 { put(4, a40, a41, x4) }
            j += pair ? 2 : 1
        }
    }

    /// The oracle: each element on its own, with the same arithmetic.
    public static func reference(m: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: BFloat16Matrix,
                                 beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        let k = w.columns
        for i in 0..<m {
            for j in 0..<w.rows {
                var lanes = V8()
                var kk = 0
                while kk + 8 <= k {
                    for lane in 0..<8 { lanes[lane] = lanes[lane].addingProduct(x[i * lda + kk + lane], w.value(row: j, column: kk + lane)) }
                    kk += 8
                }
                var sum = laneSum(lanes)
                while kk < k { sum = sum.addingProduct(x[i * lda + kk], w.value(row: j, column: kk)); kk += 1 }
                store(sum, c + i * ldc + j, beta: beta)
            }
        }
    }
}
