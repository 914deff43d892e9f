// A weight matrix [n, k] quantized to int8 per row for inference (`WeightPrecision.int8`): a quarter of
// float32's bytes, and multiplied by the kernels' int8 product (VNNI on AVX-512), rows of X quantized
// on the fly. See S2SKernels' body/int8.h for the arithmetic; it is exact in integers, so every CPU
// level gives the same bits and a row's result depends on that row alone — except the AVX2 level without
// AVX-VNNI, whose faster product takes 7-bit values (limit 63, kernels_int8_avx2.c): a matrix is quantized
// for the product that will multiply it (`Kernels.current.int8Limit` unless told).
//
// Per row j: scale_j = max|w_j|/L, q = rint(w·L/max|w_j|) ∈ [−L, L] (L = `limit`, 127 or 63), sums_j = Σ q. Layout:
// panels of 16 rows; within panel P, for each group of 4 columns p, 16 × 4 bytes — row 16P + l's
// columns 4p..4p+3 at bytes 64p + 4l. Columns past k and rows past n are zero.
public struct Int8Matrix: Sendable {
    public let rows: Int
    public let columns: Int
    /// Groups of 4 columns per row (k rounded up to 4).
    let quads: Int
    let bytes: [Int8]
    let scales: [Float]   // per row, padded with zeros to whole panels
    let sums: [Int32]
    /// The largest |q|, of W and of the rows of X multiplied with it: 127, or 63 (the 7-bit product).
    public let limit: Int

    /// Quantizes columns `columnOffset ..< columnOffset + columns` of the row-major float matrix `w`
    /// (leading dimension `ldw`).
    public init(rows: Int, columns: Int, _ w: UnsafePointer<Float>, ldw: Int, columnOffset: Int = 0,
                limit: Int = Kernels.current.int8Limit) {
        precondition(rows >= 0 && columns >= 0 && columnOffset >= 0, "Int8Matrix: negative size")
        precondition(limit == 127 || limit == 63, "Int8Matrix: limit \(limit) (127 or 63)")
        self.limit = limit
        self.rows = rows
        self.columns = columns
        quads = (columns + 3) / 4
        let panels = (rows + 15) / 16
        var bytes = [Int8](repeating: 0, count: panels * quads * 64)
        var scales = [Float](repeating: 0, count: panels * 16), sums = [Int32](repeating: 0, count: panels * 16)
        for r in 0..<rows {
            let row = UnsafeBufferPointer(start: w + r * ldw + columnOffset, count: columns)
            let q = Self.quantize(row, limit: limit)
            scales[r] = q.scale
            sums[r] = q.values.reduce(0) { $0 + Int32($1) }
            let base = (r / 16) * quads * 64 + (r % 16) * 4
            for (column, value) in q.values.enumerated() { bytes[base + 64 * (column / 4) + column % 4] = value }
        }
        self.bytes = bytes; self.scales = scales; self.sums = sums
    }

    /// A row's int8 values in [−limit, limit] and scale (zeros and scale 0 for an all-zero row), as the
    /// kernel quantizes X.
    public static func quantize(_ row: UnsafeBufferPointer<Float>, limit: Int = 127) -> (values: [Int8], scale: Float) {
        let maximum = row.reduce(Float(0)) { max($0, abs($1)) }
        guard maximum > 0, maximum.isFinite else { return ([Int8](repeating: 0, count: row.count), 0) }
        let l = Float(limit)
        let inverse = l / maximum
        return (row.map { Int8(min(l, max(-l, ($0 * inverse).rounded(.toNearestOrEven)))) }, maximum / l)
    }

    /// The value the product uses for element [row, column]: q · scale.
    public func value(row: Int, column: Int) -> Float {
        Float(bytes[(row / 16) * quads * 64 + (row % 16) * 4 + 64 * (column / 4) + column % 4]) * scales[row]
    }
}

extension DotGEMM {
    /// c[i, j] = beta·c[i, j] + x_i·w_j for i < m, j < w.rows with X quantized per row (beta 0 or 1).
    ///
    ///     DotGEMM.gemm(m: 5, x, lda: 512, int8Generator, beta: 1, logits, ldc: V)
    ///
    /// Complexity: 2·m·n·k integer operations; W (1 byte per weight) read once per 5 rows of X.
    public static func gemm(m: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: Int8Matrix,
                            beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(beta == 0 || beta == 1, "DotGEMM: beta must be 0 or 1")
        // 8-bit weights in the 7-bit product would overflow its 16-bit sums.
        precondition(w.limit <= Kernels.current.int8Limit, "DotGEMM: an Int8Matrix of limit \(w.limit) for a product of limit \(Kernels.current.int8Limit)")
        guard m > 0, w.rows > 0 else { return }
        w.bytes.withUnsafeBufferPointer { bytes in w.scales.withUnsafeBufferPointer { scales in
            w.sums.withUnsafeBufferPointer { sums in
                Kernels.current.int8GEMM(m: m, n: w.rows, k: w.columns, x, lda: lda, bytes.baseAddress!,
                                         scales: scales.baseAddress!, sums: sums.baseAddress!, beta: beta, c, ldc: ldc)
            }
        } }
    }

    /// The oracle: each element as an integer dot product of the quantized rows, finished as the kernel does.
    public static func reference(m: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: Int8Matrix,
                                 beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            let q = Int8Matrix.quantize(UnsafeBufferPointer(start: x + i * lda, count: w.columns), limit: w.limit)
            for j in 0..<w.rows {
                var acc: Int32 = 0
                for column in 0..<w.columns {
                    let wq = w.bytes[(j / 16) * w.quads * 64 + (j % 16) * 4 + 64 * (column / 4) + column % 4]
                    acc += (Int32(q.values[column]) + 128) * Int32(wq)
                }
                let value = Float(acc - (w.sums[j] << 7)) * (q.scale * w.scales[j])
                c[i * ldc + j] = beta == 0 ? value : c[i * ldc + j] + value
            }
        }
    }
}
