// C = X·Wᵀ (+ C) for the products of search (decoder steps; the encoder on a row-stable tape), with W
// stored [out, in] as PyTorch stores it.
//
// Why not BLAS: a beam of 5 hypotheses is a [5, 512]·[512, V] product, and OpenBLAS packs all of W
// into its blocked layout on every call — 70% of decoding time at batch 1 went to `sgemm_incopy`.
// This kernel reads W in place, once per call for up to 5 rows, as a matrix-vector product would.
// Every element is the same dot product whatever the number of rows and whichever tile computed it
// (8 lanes of FMAs over k in order, one fixed reduction, the k tail last), so a row's result never
// depends on the other rows: beam search gives a sentence the same translation in any batch.
// `reference` is the plain loop the tests compare against (same arithmetic, one element at a time).

public enum DotGEMM {
    typealias V8 = SIMD8<Float>

    /// c[i, j] = beta·c[i, j] + Σ_k x[i, k]·w[j, k] for i < m, j < n (beta 0 or 1).
    ///
    ///     DotGEMM.gemm(m: 5, n: 8000, k: 512, x, lda: 512, w, ldb: 512, beta: 1, logits, ldc: 8000)
    ///
    /// Complexity: 2·m·n·k FLOPs; W is read ⌈m/5⌉ times for m ≤ 5 rows per group, X from cache.
    public static func gemm(m: Int, n: Int, k: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: UnsafePointer<Float>,
                            ldb: Int, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(beta == 0 || beta == 1, "DotGEMM: beta must be 0 or 1")
        guard m > 0, n > 0 else { return }
        let block = 128   // W rows per block: 128 × k floats stay in L2 while every row group passes over them
        var j0 = 0
        while j0 < n {
            let j1 = min(n, j0 + block)
            var i = 0
            if m <= 5 {
                tiles5x2(rows: m, i: 0, j0: j0, j1: j1, k: k, x, lda, w, ldb, beta, c, ldc)
                i = m
            }
            while i + 3 <= m {
                tiles3x4(i: i, j0: j0, j1: j1, k: k, x, lda, w, ldb, beta, c, ldc)
                i += 3
            }
            if i < m { tiles5x2(rows: m - i, i: i, j0: j0, j1: j1, k: k, x, lda, w, ldb, beta, c, ldc) }
            j0 = j1
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> V8 { UnsafeRawPointer(p + i).loadUnaligned(as: V8.self) }

    /// The 8 lanes summed pairwise: the one reduction every kernel ends with.
    @inline(__always)
    static func laneSum(_ lanes: V8) -> Float {
        let half = lanes.lowHalf + lanes.highHalf
        let quarter = half.lowHalf + half.highHalf
        return quarter[0] + quarter[1]
    }

    /// The one way every element is finished: the lanes summed, then the k tail in order.
    @inline(__always)
    static func finish(_ lanes: V8, k: Int, _ xi: UnsafePointer<Float>, _ wj: UnsafePointer<Float>) -> Float {
        var sum = laneSum(lanes)
        var kk = k & ~7
        while kk < k { sum = sum.addingProduct(xi[kk], wj[kk]); kk += 1 }
        return sum
    }

    @inline(__always)
    static func store(_ value: Float, _ p: UnsafeMutablePointer<Float>, beta: Float) {
        p.pointee = beta == 0 ? value : p.pointee + value
    }

    /// Rows i..<i+3 against W rows j0..<j1, four W rows at a time (12 accumulators).
    static func tiles3x4(i: Int, j0: Int, j1: Int, k: Int, _ x: UnsafePointer<Float>, _ lda: Int,
                         _ w: UnsafePointer<Float>, _ ldb: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        let kv = k & ~7
        let x0 = x + i * lda, x1 = x0 + lda, x2 = x1 + lda
        var j = j0
        while j + 4 <= j1 {
            let w0 = w + j * ldb, w1 = w0 + ldb, w2 = w1 + ldb, w3 = w2 + ldb
            var a00 = V8(), a01 = V8(), a02 = V8(), a03 = V8()
            var a10 = V8(), a11 = V8(), a12 = V8(), a13 = V8()
            var a20 = V8(), a21 = V8(), a22 = V8(), a23 = V8()
            var kk = 0
            while kk < kv {
                let v0 = load(x0, kk), v1 = load(x1, kk), v2 = load(x2, kk)
                var b = load(w0, kk)
                a00 = a00.addingProduct(v0, b); a10 = a10.addingProduct(v1, b); a20 = a20.addingProduct(v2, b)
                b = load(w1, kk)
                a01 = a01.addingProduct(v0, b); a11 = a11.addingProduct(v1, b); a21 = a21.addingProduct(v2, b)
                b = load(w2, kk)
                a02 = a02.addingProduct(v0, b); a12 = a12.addingProduct(v1, b); a22 = a22.addingProduct(v2, b)
                b = load(w3, kk)
                a03 = a03.addingProduct(v0, b); a13 = a13.addingProduct(v1, b); a23 = a23.addingProduct(v2, b)
                kk += 8
            }
            let c0 = c + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc
            store(finish(a00, k: k, x0, w0), c0, beta: beta); store(finish(a01, k: k, x0, w1), c0 + 1, beta: beta)
            store(finish(a02, k: k, x0, w2), c0 + 2, beta: beta); store(finish(a03, k: k, x0, w3), c0 + 3, beta: beta)
            store(finish(a10, k: k, x1, w0), c1, beta: beta); store(finish(a11, k: k, x1, w1), c1 + 1, beta: beta)
            store(finish(a12, k: k, x1, w2), c1 + 2, beta: beta); store(finish(a13, k: k, x1, w3), c1 + 3, beta: beta)
            store(finish(a20, k: k, x2, w0), c2, beta: beta); store(finish(a21, k: k, x2, w1), c2 + 1, beta: beta)
            store(finish(a22, k: k, x2, w2), c2 + 2, beta: beta); store(finish(a23, k: k, x2, w3), c2 + 3, beta: beta)
            j += 4
        }
        if j < j1 { tiles5x2(rows: 3, i: i, j0: j, j1: j1, k: k, x, lda, w, ldb, beta, c, ldc) }
    }

    /// `rows` (1...5) rows from i against W rows j0..<j1, two W rows at a time (up to 10 accumulators):
    /// for a beam of 5, W is read once.
    static func tiles5x2(rows: Int, i: Int, j0: Int, j1: Int, k: Int, _ x: UnsafePointer<Float>, _ lda: Int,
                         _ w: UnsafePointer<Float>, _ ldb: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        let kv = k & ~7
        // Unused row slots read row i again (never stored), so the loop has no branches.
        func row(_ slot: Int) -> UnsafePointer<Float> { x + (i + min(slot, rows - 1)) * lda }
        let x0 = row(0), x1 = row(1), x2 = row(2), x3 = row(3), x4 = row(4)
        var j = j0
        while j < j1 {
            let pair = j + 1 < j1
            let w0 = w + j * ldb, w1 = pair ? w0 + ldb : w0
            var a00 = V8(), a10 = V8(), a20 = V8(), a30 = V8(), a40 = V8()
            var a01 = V8(), a11 = V8(), a21 = V8(), a31 = V8(), a41 = V8()
            var kk = 0
            while kk < kv {
                let b0 = load(w0, kk), b1 = load(w1, kk)
                var v = load(x0, kk); a00 = a00.addingProduct(v, b0); a01 = a01.addingProduct(v, b1)
                v = load(x1, kk); a10 = a10.addingProduct(v, b0); a11 = a11.addingProduct(v, b1)
                v = load(x2, kk); a20 = a20.addingProduct(v, b0); a21 = a21.addingProduct(v, b1)
                v = load(x3, kk); a30 = a30.addingProduct(v, b0); a31 = a31.addingProduct(v, b1)
                v = load(x4, kk); a40 = a40.addingProduct(v, b0); a41 = a41.addingProduct(v, b1)
                kk += 8
            }
            @inline(__always) func put(_ row: Int, _ a: V8, _ b: V8, _ xr: UnsafePointer<Float>) {
                let out = c + (i + row) * ldc + j
                store(finish(a, k: k, xr, w0), out, beta: beta)
                if pair { store(finish(b, k: k, xr, w1), out + 1, beta: beta) }
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
    public static func reference(m: Int, n: Int, k: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: UnsafePointer<Float>,
                                 ldb: Int, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var lanes = V8()
                var kk = 0
                while kk + 8 <= k {
                    for lane in 0..<8 { lanes[lane] = lanes[lane].addingProduct(x[i * lda + kk + lane], w[j * ldb + kk + lane]) }
                    kk += 8
                }
                store(finish(lanes, k: k, x + i * lda, w + j * ldb), c + i * ldc + j, beta: beta)
            }
        }
    }
}
