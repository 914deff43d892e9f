// A weight matrix [n, k] as bfloat16 pairs for products whose activations are rounded to bfloat16 too
// (`WeightPrecision.bfloat16Dot`): AVX-512 BF16's vdpbf16ps multiplies 32 pairs per instruction. See
// S2SKernels' body/bf16_dot.h for the arithmetic and the layout: panels of 16 rows; in panel P, for each
// pair p (columns 2p low, 2p + 1 high), 16 words — row 16P + l's at word 16p + l. Padding is zero.
public struct BFloat16PairMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    /// Pairs of columns per row (k rounded up to 2).
    let pairs: Int
    let words: [UInt32]

    /// Packs columns `columnOffset ..< columnOffset + columns` of the row-major float matrix `w`
    /// (leading dimension `ldw`), rounding to nearest even.
    public init(rows: Int, columns: Int, _ w: UnsafePointer<Float>, ldw: Int, columnOffset: Int = 0) {
        precondition(rows >= 0 && columns >= 0 && columnOffset >= 0, "BFloat16PairMatrix: negative size")
        self.rows = rows
        self.columns = columns
        pairs = (columns + 1) / 2
        var words = [UInt32](repeating: 0, count: (rows + 15) / 16 * pairs * 16)
        for r in 0..<rows {
            let source = w + r * ldw + columnOffset
            for column in 0..<columns {
                let word = (r / 16) * pairs * 16 + 16 * (column / 2) + r % 16
                words[word] |= UInt32(BFloat16Matrix.round(source[column])) << (16 * UInt32(column % 2))
            }
        }
        self.words = words
    }

    /// The stored value of element [row, column], widened back to float32.
    public func value(row: Int, column: Int) -> Float {
        let word = words[(row / 16) * pairs * 16 + 16 * (column / 2) + row % 16]
        return Float(bitPattern: column % 2 == 0 ? word << 16 : word & 0xFFFF_0000)
    }
}

extension DotGEMM {
    /// c[i, j] = beta·c[i, j] + x_i·w_j for i < m, j < w.rows with X rounded to bfloat16 (beta 0 or 1).
    ///
    /// Complexity: 2·m·n·k FLOPs; W (2 bytes per weight) read once per 5 rows of X.
    public static func gemm(m: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: BFloat16PairMatrix,
                            beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(beta == 0 || beta == 1, "DotGEMM: beta must be 0 or 1")
        guard m > 0, w.rows > 0 else { return }
        w.words.withUnsafeBufferPointer { words in
            Kernels.current.bfloat16DotGEMM(m: m, n: w.rows, k: w.columns, x, lda: lda, words.baseAddress!, beta: beta, c, ldc: ldc)
        }
    }

    /// The oracle: per element, a float32 chain over the pairs — the high column, then the low one.
    public static func reference(m: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: BFloat16PairMatrix,
                                 beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        func rounded(_ value: Float) -> Float { Float(bitPattern: UInt32(BFloat16Matrix.round(value)) << 16) }
        for i in 0..<m {
            for j in 0..<w.rows {
                var acc: Float = 0
                for p in 0..<w.pairs {
                    for column in [2 * p + 1, 2 * p] where column < w.columns {
                        acc = acc.addingProduct(rounded(x[i * lda + column]), w.value(row: j, column: column))
                    }
                }
                c[i * ldc + j] = beta == 0 ? acc : c[i * ldc + j] + acc
            }
        }
    }
}
